/**
 * Pairing: every redirect a client receives is matched with "the request that follows" it, or with nothing,
 * or left undecided (docs/semantics.md, section 3).
 *
 * - A client (an identity) is the remote address (or the first X-Forwarded-For address) plus the User-Agent as
 *   logged. One identity may be several people at once (an office behind NAT): nothing a request does "closes"
 *   another's redirect; every redirect waits for its window, and then the redirects of the identity and the
 *   requests near them are assigned to each other jointly.
 * - Each (redirect, candidate) gets a score from the evidence (src/evidence.ts): with Location logged, the
 *   candidate asks for the resolved Location (or requests a relative Location verbatim); without it, the route's
 *   learnt target template, the redirect's own tokens carried over, a trailing slash, a Referer, the delay. The
 *   candidate's method and body never count: they are what is judged. The assignment takes the strongest pairs
 *   first, each request following at most one redirect, "no follow-up in this log" always an option, and is then
 *   improved where moving a follow-up between two redirects raises the total.
 * - Where the evidence does not decide (no strong clue and no known target, another candidate almost as good
 *   that would be judged differently, redirects to one URL open at once whose requests could be paired with
 *   fewer violations) the pair is `undetermined`, never a violation and never unfollowed. A Location on another
 *   host or scheme whose traffic these logs do not show is `left-site`.
 * - A follow-up may be logged up to `reorderMs` before its redirect (logs are in completion order).
 * - Decisions depend on the records, not on the order of the files, how lines are split between them, or the
 *   thread that parsed them: lines of one second keep their order within an input, equal times across inputs
 *   are ordered by content, and redirects are decided in batches by time, every decision of a batch seeing the
 *   same model (templates are learnt before the batch's decisions, delays after).
 *
 * Memory is bounded by the redirects still open and the requests of their clients within the window (4096 a
 * client at most), plus the requests of each client within `reorderMs`; idle clients are swept. The work per
 * redirect is bounded by the requests looked at near it (SCAN_BEFORE, SCAN_AFTER).
 */
import { clientAddress, isRedirect, type HttpRecord } from '../core/model.js';
import { NumberSlots } from '../core/slots.js';
import { detach, intern } from '../core/strings.js';
import { DelayModel, NO_TOKENS, TargetModel, carried, coarseOf, endsInId, learnExact, learnObserved, learnedOf, templateOf, tokensOf, type Learned, type Model } from './evidence.js';
import {
  leadsTo,
  matches,
  refererNames,
  requestedVerbatim,
  resolveLocation,
  sameRequestUrl,
  stripPort,
  targetText,
  withSlash,
  type Target,
} from './location.js';
import { normalisePath } from './routes.js';
import { improve, contested, OVERLAP } from './assignment.js';
import { nearby, UrlIndex, SCAN_AFTER, SCAN_BEFORE } from './candidates.js';
import { delayOf, leadOf, maybeSentAfter, recordLead, sentAt, sentLater } from './instants.js';
import {
  behaviour,
  cmp,
  compareItems,
  HeldRequest,
  insert,
  isSafe,
  lowerBound,
  recordOf,
  type Address,
  type Chain,
  type Edge,
  type Ident,
  type Item,
  type Open,
} from './pairing-state.js';

export { resolveLocation } from './location.js';

export type PairMode = 'exact' | 'inferred';

/** What every pair has, whatever became of its redirect. */
interface PairBase {
  /** The client key (see `clientKeyOf`). */
  client: string;
  redirect: HttpRecord;
  mode: PairMode;
  /** Position of this redirect in the client's chain of redirects (1 = first). */
  hop: number;
  /** The resolved target (path and query; host when known), or null when unknown. */
  target: string | null;
  /** The chain this redirect belongs to: the same number for every hop of one chain. */
  chain: number;
  /** How sure the pairing is, 0 to 1: 1 for a logged Location; for inferred pairs, from the evidence; 0 when undetermined. */
  confidence: number;
}

/** The client followed: `followUp` is its request to the Location (or, inferred, to the route's target). */
export interface FollowedPair extends PairBase {
  kind: 'followed';
  /**
   * Its follow-up: a record with every field as pushed, but not the object pushed unless it is a redirect (a request
   * held while its client's redirects are open is kept in fewer bytes and made again here): tell records apart by
   * `input` and `line`, not by identity.
   */
  followUp: HttpRecord;
  target: string;
  /** The follow-up requested the relative Location verbatim instead of resolving it. */
  misresolved: boolean;
  /** The follow-up came from the same address under this other User-Agent (never with `misresolved`). */
  otherAgent: string | null;
}

/** The target is known (Location logged, or learnt) and the client sent nothing to it within the window. */
export interface NotFollowedPair extends PairBase {
  kind: 'not-followed';
  /** The redirected unsafe request re-sent instead of following, if the client did (a record as `followUp` is). */
  retried: HttpRecord | null;
  /** The target is a URL this chain of redirects already visited: the client left a loop. */
  loop: boolean;
  /** The input ended before the window closed, with nothing from the client after the redirect. */
  openAtEnd: boolean;
}

/** The 3xx had no Location although the log records it: nothing to follow. */
export interface MissingLocationPair extends PairBase {
  kind: 'missing-location';
  mode: 'exact';
  target: null;
}

/** The Location is on another host or scheme, whose traffic these logs do not hold. */
export interface LeftSitePair extends PairBase {
  kind: 'left-site';
  mode: 'exact';
  target: string;
}

/** The log cannot decide which request, if any, followed (docs/semantics.md, section 3.3). */
export interface UndeterminedPair extends PairBase {
  kind: 'undetermined';
  /** Why, in one line (`totals.pairing.undeterminedWhy` counts them). */
  reason: string;
}

/**
 * What became of one redirect: one variant per outcome, so that a pair is followed or not, decided or not, in
 * exactly one way. Branch on `kind` (classify.ts, monitoring.ts).
 */
export type Pair = FollowedPair | NotFollowedPair | MissingLocationPair | LeftSitePair | UndeterminedPair;

export type PairKind = Pair['kind'];

/** The follow-up of a followed pair; null for every other kind. */
export function followUpOf(p: Pair): HttpRecord | null {
  return p.kind === 'followed' ? p.followUp : null;
}

export interface PairingOptions {
  /** How long a client has to follow, in milliseconds. */
  windowMs: number;
  /** `address` (default) or `forwarded-for`: use the first X-Forwarded-For address when logged. */
  clientKey: 'address' | 'forwarded-for';
  /** Open redirects per client at most; past this the oldest is decided with what is known. */
  maxPendingPerClient: number;
  /**
   * Requests held for open redirects, across clients, at most (the memory bound). Past it the oldest open redirects
   * are decided before their window ends: with a follow-up if one was seen, else `undetermined` (never unfollowed:
   * the follow-up may have come later).
   */
  maxHeld: number;
  /**
   * How far back a follow-up may be logged before its redirect. Logs are written in completion order and
   * servers' clocks differ: nginx logs a POST only after discarding its body, so a client that follows at once
   * can have its follow-up logged first. 0 turns this off.
   */
  reorderMs: number;
  /**
   * Live use: a redirect whose Location is logged is decided as soon as its client's first request to the
   * Location arrives (when no other open redirect of the client points there), instead of when its window
   * ends. The pairs are the same; only the moment (and so the order) of the decisions differs.
   */
  eager: boolean;
}

export const DEFAULT_PAIRING: PairingOptions = {
  windowMs: 60_000,
  clientKey: 'address',
  maxPendingPerClient: 64,
  maxHeld: 400_000,
  reorderMs: 2000,
  eager: false,
};

/** A Location that names a scheme or a host (`https://…`, `//…`), not only a path. */
const ABSOLUTE_LOCATION = /^\s*([A-Za-z][A-Za-z0-9+.-]*:)?\/\//;
/** A route seen this often with redirects written after their follow-up's request is taken to do so (`loggedEarly`). */
const LATE_SEEN = 1;
/** How long a redirect that reached back keeps requests longer (see `reached`): the log's habit, not one minute's. */
const REACH_MS = 10 * 60_000;
/** How long past a candidate follow-up (and the reorder allowance) a redirect waits before it is decided early. */
const SETTLE_MS = 1000;
/** With this many redirects decided at once, a client's requests are indexed by URL. */
const INDEX_FROM = 4;
/** A client with open redirects and this many requests kept has those no redirect can reach dropped. */
const COMPACT_FROM = 1024;
/** A client's requests kept at most (a client sending thousands in one window keeps its latest). */
const MAX_ITEMS = 4096;
/** Clients found by their worker-given number without a string lookup (`identOf`): a power of two. */
const ID_SLOTS = 1 << 16;
/** Why a redirect decided early to bound memory (`shed`) is undetermined. */
const HELD_REASON = (n: number) =>
  `decided before its window ended: more than ${n.toLocaleString('en-US')} requests were held for open redirects (--max-held raises the bound)`;
/** Idle clients kept for when they come back, up to this many clients in all (`sweep`). */
const IDLE_KEEP = 16_384;
/** User-Agents shared between clients at most (see `PairingEngine.agents`). */
const UA_POOL = 8192;
/** The cutoff of a decision forced by too many open redirects (the oldest is decided). */
const FORCED = Number.NEGATIVE_INFINITY;
/** A request under another User-Agent of the same address follows a redirect only this soon. */
const OTHER_AGENT_MS = 5000;
/** Routes whose targets are learned, at most. */
const MAX_ROUTES = 20_000;
/** A pair is taken only at this score, and only with a strong clue. */
const ACCEPT = 6;
/**
 * Another candidate this close in score, judged differently, makes a pair undetermined: with Location logged
 * only a tie does (the Location names the URL, and the first request to it after the redirect is the one), without
 * it anything short of a clear lead does.
 */
const MARGIN = { exact: 0.5, inferred: 1.5 };
/** The next request of the redirect's trace: as strong a clue as the URL with a slash (docs/semantics.md, 3.3). */
const SAME_TRACE = 8;
/** Of candidates that fit alike (the same URL, or the same template), the first after the redirect gets this. */
const FIRST = { exact: 1, inferred: 2 };
/** Inferred pairs this sure teach the delay model. */
const SURE = 12;
/** The population learns from requests this soon after a redirect, and from this many at most. */
const OBSERVE_N = 6;
/** The population learns from requests this soon after a redirect. */
const OBSERVE_MS = 10_000;

interface Decision {
  pair: Pair;
  x: Open;
}

/**
 * A request kept past its line (its client has a redirect open, or it is one), its strings copied out of the line
 * (which is then freed), its client's address and User-Agent shared with the client's entry. A redirect keeps its
 * record, so changed in place; any other request is held as a `HeldRequest` (src/pairing-state.ts), which reads as
 * the same record in fewer bytes. Equal strings: nothing a reader of the record can tell.
 */
function hold(item: Item, id: Ident, key: PairingOptions['clientKey']): void {
  const r = item.rec;
  if (r instanceof HeldRequest) return;
  let address = r.address;
  let forwardedFor = r.forwardedFor;
  let target = r.target;
  let referer = r.referer;
  let location = r.location;
  let host = r.host;
  const userAgent = r.userAgent === null ? null : id.ua;
  // The client's address is the one its entry is keyed by (see `clientAddress`).
  const byForwarded = key === 'forwarded-for' && forwardedFor;
  if (byForwarded) forwardedFor = id.addr;
  else address = id.addr;
  // A record a worker handed over (it has a client number) has strings of its own already, not cuts of a chunk:
  // copying them would only cost time (a fifth of the CPU where nearly every request is kept, bench/profile.md).
  if (r.clientId < 0) {
    if (byForwarded) address = detach(address);
    else if (forwardedFor !== null) forwardedFor = detach(forwardedFor);
    target = intern(target);
    if (referer !== null) referer = intern(referer);
    if (location !== null) location = intern(location);
    if (host !== null) host = intern(host);
  }
  if (!isRedirect(r.status)) {
    item.rec = new HeldRequest(id, r, address, forwardedFor, userAgent, target, referer, host, location);
    return;
  }
  r.address = address;
  r.forwardedFor = forwardedFor;
  r.userAgent = userAgent;
  r.target = target;
  r.referer = referer;
  r.location = location;
  r.host = host;
}

export { clientAddress };

/**
 * The client's key (see `clientKeyOf`), made at its first redirect: most clients never get one, and a client kept
 * while idle (see `sweep`) then costs its address and User-Agent, which are shared, not a string of its own.
 */
function keyOf(id: Ident): string {
  return (id.client ??= `${id.addr}\u0000${id.ua}`);
}

export function clientKeyOf(r: HttpRecord, key: PairingOptions['clientKey']): string {
  return `${clientAddress(r, key)}\u0000${r.userAgent ?? ''}`;
}

/** Splits a client key back into its address and User-Agent. */
export function splitClientKey(key: string): { address: string; userAgent: string | null } {
  const i = key.indexOf('\u0000');
  const ua = key.slice(i + 1);
  return { address: key.slice(0, i), userAgent: ua === '' ? null : ua };
}

export class PairingEngine {
  private readonly opts: PairingOptions;
  private readonly emit: (p: Pair) => void;
  private readonly addrs = new Map<string, Address>();
  /**
   * The User-Agents of clients, one copy each: a log has a few thousand for tens of thousands of clients, and a
   * client kept while idle (see `sweep`) then costs no copy of its own (emptied when it reaches UA_POOL).
   */
  private readonly agents = new Map<string, string>();
  /** Undecided redirects in arrival order, for their windows' end (null before `head`: passed, let go). */
  private queue: (Open | null)[] = [];
  private head = 0;
  private openN = 0;
  /**
   * Inferred redirects in arrival order, for what their first requests after them teach (see `learnDue`; null
   * before `observeHead`).
   */
  private toObserve: (Open | null)[] = [];
  private observeHead = 0;
  /** Redirects decided but still in `queue` (early, or as contenders): dropped from it once they are most of it. */
  private decidedQueued = 0;
  private watermark = Number.NEGATIVE_INFINITY;
  private ending = false;
  private sweepAt = Number.NEGATIVE_INFINITY;
  /** Clients created since the last sweep, and those left by it. */
  private created = 0;
  private live = 0;
  /** Requests in every client's `items` (see `maxHeld`), and whether redirects are being decided to lower it. */
  private held = 0;
  private shedding = false;
  /** Clients by the number a parsing worker gave them (`identOf`). */
  private readonly byNumber = new NumberSlots<Ident>(ID_SLOTS);
  private chains = 0;
  /**
   * What each route (`POST 303 /orders/{id}/pay`) redirects to, and each URL (`GET 301 /s/abc`): apart, so that
   * a flood of URLs seen once (every order has its own) cannot push the few routes out of a shared bound.
   */
  private readonly targets = new TargetModel(MAX_ROUTES);
  private readonly urlTargets = new TargetModel(MAX_ROUTES);
  /** Counts what the target models were taught: an open redirect's `learned` is current while this is unchanged. */
  private lessonsLearnt = 0;
  private readonly delays: DelayModel;
  /** The scheme and host of the last request (see `push`). */
  private lastHost = '';
  private lastScheme = '';
  /** Scheme and host pairs seen served by these logs (`https://shop.example`). */
  private readonly origins = new Set<string>();
  /** What the current batch of decisions taught, applied when the batch is done. */
  private lessons: (() => void)[] = [];
  /** Redirects with a candidate follow-up, by when they can be decided (see `notice`). */
  private early: Open[] = [];
  /** The templates of the candidates of the redirect being scored, by URL (many candidates share one). */
  private readonly templates = new Map<string, string>();
  /**
   * Every request's client and time, in arrival order, for a few seconds: a client that goes quiet has its
   * requests dropped once they are too old to follow a redirect still to come (see `forget`), not only when
   * it comes back or is swept.
   */
  private recent: Ident[] = [];
  private recentT: number[] = [];
  private recentHead = 0;
  /** The first request of the redirect being scored's trace sent after it (see `nextInTrace`). */
  private traceNext: Item | null = null;
  /** How far back redirects reached when logged, in this window and the one before (see `reached`). */
  private reach = { now: 0, before: 0, until: Number.NEGATIVE_INFINITY };
  /**
   * Routes whose redirects were seen written after a request that fits them, how often (see `loggedEarly`): kept
   * with the route's model, and forgotten with it.
   */
  private readonly lateRoutes = new WeakMap<Model, number>();
  /** Per input: the last logged time and how many lines had it (see `Item.t`). */
  private readonly runs: { time: number; n: number }[] = [];

  constructor(emit: (p: Pair) => void, opts: Partial<PairingOptions> = {}) {
    this.opts = { ...DEFAULT_PAIRING, ...opts };
    this.emit = emit;
    this.delays = new DelayModel(this.opts.reorderMs, this.opts.windowMs);
  }

  /** Number of redirects still waiting for a decision. */
  get openCount(): number {
    return this.openN;
  }

  /** The highest timestamp seen (or advanced to). */
  get now(): number {
    return this.watermark;
  }

  push(r: HttpRecord): void {
    // Before the clock moves on (and sweeps): a redirect sent long before its line keeps what it may claim.
    if (!r.internal && isRedirect(r.status)) this.reached(r);
    if (r.time > this.watermark) this.advance(r.time);
    // (Consecutive requests are nearly always to the same origin: its name is built once for a run of them.)
    if (r.scheme && r.host && (r.host !== this.lastHost || r.scheme !== this.lastScheme)) {
      this.served(`${r.scheme.toLowerCase()}://${stripPort(r.host)}`);
      this.lastHost = r.host;
      this.lastScheme = r.scheme;
    }
    const id = this.identOf(r);
    const addr = id.home;
    if (id.items.length === 0 && id.open.length === 0) {
      // New, or kept while idle (see `sweep`): nothing held, so it starts afresh.
      id.compactAt = COMPACT_FROM;
    }
    if (!(r.time <= id.last)) id.last = r.time;
    let run = this.runs[r.input];
    if (!run) run = this.runs[r.input] = { time: Number.NaN, n: 0 };
    if (r.time === run.time) run.n++;
    else {
      run.time = r.time;
      run.n = 0;
    }
    const item: Item = { rec: r, t: r.time + Math.min(run.n, 999) / 1000, plain: null, lead: recordLead(r), chain: null };
    insert(id.items, item);
    this.held++;
    // Kept past its line (a candidate of an open redirect, or a redirect): its strings copied.
    if (id.open.length > 0 || isRedirect(r.status)) hold(item, id, this.opts.clientKey);
    this.recent.push(id);
    this.recentT.push(item.t);
    // Trimmed in steps (an array shifted on every request of a busy client costs more than the request).
    if (id.items.length > id.compactAt && id.open.length > 0) this.compact(id);
    if (id.items.length > MAX_ITEMS + 512) this.held -= id.items.splice(0, id.items.length - MAX_ITEMS).length;
    if (addr.targets !== null && addr.targets.size > 0) {
      const waiting = addr.targets.get(r.target);
      if (waiting) {
        let mine: Open | null = null;
        let n = 0;
        for (const o of waiting) {
          if (o.ident !== id) {
            if (Math.abs(r.time - o.item.t) <= OTHER_AGENT_MS && matches(o.target!, r)) o.others!.push(item);
          } else if (sentLater(o.item, item) >= 0) {
            mine = o;
            n++;
          }
        }
        if (this.opts.eager && mine && n === 1 && matches(mine.target!, r)) {
          const out: Decision[] = [];
          this.solve(id, Number.NaN, out, mine);
          this.publish(out);
        }
      }
    }
    if (id.open.length > 0) this.notice(id, item);
    if (!r.internal && isRedirect(r.status)) this.open(addr, id, item);
    else if (id.open.length === 0) this.prune(id, this.keepFrom());
    this.forget(this.keepFrom());
    if (this.held > this.opts.maxHeld) this.shed();
  }

  /**
   * Decides the oldest open redirects before their window ends, until the requests held are a tenth under
   * `maxHeld`: the memory bound of a log where every client always has a redirect open (50,000 lines/s, each
   * client sending several a second, bench/profile.md). Each is paired with the follow-up seen so far, or is
   * undetermined (`decide`): never unfollowed, its follow-up may have come later.
   */
  private shed(): void {
    if (this.shedding) return;
    this.shedding = true;
    const out: Decision[] = [];
    const q = this.queue;
    for (let i = this.head; i < q.length && this.held > this.opts.maxHeld * 0.9; i++) {
      const o = q[i]!;
      if (!o.decided) this.solve(o.ident, FORCED, out, null, o);
    }
    this.shedding = false;
    this.publish(out);
  }

  /**
   * The record's client: found by the number its parsing worker gave it (`clientId`, one direct-mapped slot, no
   * string hashed or compared) or by its address and User-Agent. On the 2M-line combined log the two Map lookups by
   * string were a quarter of the main thread's time, most of it waiting for memory (bench/profile.md).
   */
  private identOf(r: HttpRecord): Ident {
    const k = r.clientId;
    let slot = -1;
    if (k >= 0) {
      slot = this.byNumber.slotOf(r.input, k);
      const cached = this.byNumber.get(slot, r.input, k);
      if (cached !== undefined && !cached.gone) return cached;
    }
    const addrKey = clientAddress(r, this.opts.clientKey);
    const ua = r.userAgent ?? '';
    let addr = this.addrs.get(addrKey);
    if (!addr) {
      addr = { key: detach(addrKey), one: null, idents: null, targets: null };
      this.addrs.set(addr.key, addr);
    }
    let id = addr.one !== null && addr.one.ua === ua ? addr.one : addr.idents?.get(ua);
    if (!id) {
      id = {
        addr: addr.key,
        ua: this.agentOf(ua),
        client: null,
        home: addr,
        gone: false,
        slot: -1,
        items: [],
        open: [],
        last: r.time,
        compactAt: COMPACT_FROM,
        shared: null,
      };
      this.created++;
      // One client an address: no map (a client kept while idle costs little, see `sweep`).
      if (addr.one === null && addr.idents === null) addr.one = id;
      else {
        if (addr.idents === null) {
          addr.idents = new Map([[addr.one!.ua, addr.one!]]);
          addr.one = null;
        }
        addr.idents.set(id.ua, id);
      }
    }
    if (slot >= 0) {
      id.slot = slot;
      this.byNumber.set(slot, r.input, k, id);
    }
    return id;
  }

  /** The shared copy of a User-Agent (see `agents`). */
  private agentOf(ua: string): string {
    let a = this.agents.get(ua);
    if (a === undefined) {
      if (this.agents.size >= UA_POOL) this.agents.clear();
      a = detach(ua);
      this.agents.set(a, a);
    }
    return a;
  }

  /**
   * Drops the client's requests that no open redirect can take: a redirect looks at SCAN_BEFORE requests
   * before it and SCAN_AFTER after it (`nearby`), so a client whose redirects stay open for their window (a
   * crawler that never follows, a busy NAT office) keeps a bounded number of requests per open redirect, not
   * every request of the window. The latest few seconds stay (a redirect still to come looks back at them).
   */
  private compact(id: Ident): void {
    const items = id.items;
    const keep = new Uint8Array(items.length);
    const recent = lowerBound(items, this.keepFrom());
    keep.fill(1, recent);
    for (const o of id.open) {
      const at = lowerBound(items, o.item.t);
      keep.fill(1, Math.max(0, at - SCAN_BEFORE), Math.min(items.length, at + SCAN_AFTER));
    }
    let n = 0;
    for (let i = 0; i < items.length; i++) if (keep[i]) items[n++] = items[i]!;
    this.held -= items.length - n;
    items.length = n;
    id.compactAt = Math.max(COMPACT_FROM, n * 2);
  }

  /** Drops the requests logged before `before` of the clients with nothing open (a redirect opens with a scan back). */
  private forget(before: number): void {
    const ids = this.recent;
    const ts = this.recentT;
    let i = this.recentHead;
    for (; i < ids.length && ts[i]! < before; i++) {
      const id = ids[i]!;
      if (id.open.length === 0 && id.items.length > 0 && id.items[0]!.t < before) this.prune(id, before);
    }
    this.recentHead = i;
    if (i > 65_536 && i * 2 > ids.length) {
      this.recent = ids.slice(i);
      this.recentT = ts.slice(i);
      this.recentHead = 0;
    }
  }

  /**
   * A request that can be the follow-up of an open redirect of its client (a strong clue, cheaply checked) makes
   * that redirect decidable before its window ends: once the log's clock has passed the request by the reorder
   * allowance and a second, anything that could compete for it has been logged. A client's windows then empty
   * as it goes, not a minute later. (Unfollowed and undetermined redirects still wait for their window.)
   */
  private notice(id: Ident, c: Item): void {
    for (const x of id.open) this.candidate(x, c);
  }

  /** `c` may follow `x`: `x` can be decided once the clock passes the earliest such request (whatever the order). */
  private candidate(x: Open, c: Item): void {
    if (c === x.item || sentLater(x.item, c) < -this.opts.reorderMs) return;
    // Without Location, only where the route's target is learnt already (or a trailing slash): a redirect that
    // has only its tokens to go on waits for its window, while the population teaches its route.
    if (x.target ? !matches(x.target, c.rec) : (this.prepare(x), !this.learntFit(x, c.rec))) return;
    // A request sent long before its line was written (an upload) may be wanted by a redirect sent about when it
    // was, whose line (its body discarded first) comes about as late again: waited for.
    const ready = Math.max(c.t + leadOf(c), x.item.t) + this.opts.reorderMs + SETTLE_MS;
    if (x.ready === 0) this.early.push(x);
    if (x.ready === 0 || ready < x.ready) x.ready = ready;
  }

  /**
   * Moves the clock without a record (live input that went quiet): redirects whose window has passed by `time`
   * are decided now instead of when the next line arrives.
   */
  advance(time: number): void {
    if (!(time > this.watermark)) return;
    this.watermark = time;
    this.learnDue(time - OBSERVE_MS - this.opts.reorderMs);
    this.drain(time - this.opts.windowMs - this.opts.reorderMs);
    this.settle(time);
    if (time >= this.reach.until) this.reach = { now: 0, before: this.reach.now, until: time + REACH_MS };
    // Every 10 s of log time, once as many clients were created since the last sweep as were live after it
    // (a walk over every client costs as much as the clients it can drop; a quiet client's requests are gone
    // already, see `forget`), and at least every minute.
    if (time >= this.sweepAt && (this.created >= this.live || time >= this.sweepAt + 50_000)) {
      this.sweep(this.keepFrom());
      this.sweepAt = time + 10_000;
    }
  }

  /** Ends the input: every open redirect is decided. */
  flush(): void {
    this.ending = true;
    this.drain(Number.POSITIVE_INFINITY);
    this.ending = false;
  }

  private open(addr: Address, id: Ident, item: Item): void {
    const r = item.rec;
    let target: Target | null = null;
    if (r.locationLogged) {
      target = r.location === null ? null : resolveLocation(r, r.location);
      if (!target) {
        this.emit({ kind: 'missing-location', ...this.at(id, item, this.chainOf(item)), mode: 'exact', target: null, confidence: 1 });
        return;
      }
    }
    const host = r.host ? stripPort(r.host) : '';
    const o: Open = {
      item,
      ident: id,
      target,
      tokens: target ? null : tokensOf(r.target),
      route: this.targets.of(`${r.method} ${r.status} ${host} ${normalisePath(r.target)}`),
      url: this.urlTargets.of(`${r.method} ${r.status} ${host} ${r.target}`),
      decided: false,
      others: target ? [] : null,
      learned: null,
      observed: false,
      prepared: -1,
      prefix: '',
      ready: 0,
      slash: target ? '' : withSlash(r.target),
      blind: target !== null && target.path === r.target && ABSOLUTE_LOCATION.test(r.location ?? '') && (r.scheme === null || r.host === null),
    };
    if (target) {
      // What the route redirects to, for the routes of other inputs that do not log Location.
      const t = templateOf(tokensOf(r.target), target.path);
      this.lessonsLearnt++;
      learnExact(o.url, t);
      learnExact(o.route, t);
      addr.targets ??= new Map();
      let list = addr.targets.get(target.path);
      if (!list) addr.targets.set(target.path, (list = []));
      list.push(o);
    }
    id.open.push(o);
    this.queue.push(o);
    if (!target) this.toObserve.push(o);
    this.openN++;
    // Requests logged before it (within the reorder allowance of when it was sent) may be its follow-up too: the
    // latest few.
    const items = id.items;
    const from = sentAt(item) - this.opts.reorderMs;
    for (let i = items.length - 1, k = 0; i >= 0 && k < SCAN_BEFORE; i--, k++) {
      if (items[i]!.t < from) break;
      // (Requests logged while another redirect of the client was open are kept already.)
      if (items[i] !== item && id.open.length === 1) hold(items[i]!, id, this.opts.clientKey);
      this.candidate(o, items[i]!);
    }
    if (id.open.length > this.opts.maxPendingPerClient) {
      const out: Decision[] = [];
      this.solve(id, FORCED, out, null, id.open[0]!);
      this.publish(out);
    }
  }

  /** Decides, in one batch, the redirects whose candidate follow-up was logged long enough before `time`. */
  private settle(now: number): void {
    // A redirect that competes for the same request may be logged as late as the latest redirects reached back
    // (an upload's redirect, written once its body was discarded): waited for that long too.
    const time = now - this.lag();
    // Every redirect ready by now, whatever order they were noticed in (the order of the inputs must not matter).
    if (this.early.length === 0 || !this.early.some((x) => x.ready < time)) return;
    const ready: Open[] = [];
    const waiting: Open[] = [];
    for (const x of this.early) if (!x.decided) (x.ready < time ? ready : waiting).push(x);
    this.early = waiting;
    if (ready.length === 0) return;
    ready.sort((a, b) => compareItems(a.item, b.item));
    for (const x of ready) this.observe(x);
    const out: Decision[] = [];
    const byIdent = new Map<Ident, Open[]>();
    for (const x of ready) {
      const list = byIdent.get(x.ident);
      if (list) list.push(x);
      else byIdent.set(x.ident, [x]);
    }
    for (const [id, list] of byIdent) this.solve(id, Number.NaN, out, null, null, list);
    this.publish(out);
  }

  /**
   * What the redirects before `cutoff` teach, learnt as soon as the requests it is learnt from (those within
   * OBSERVE_MS after each) are all logged, not when their window ends: at a high rate a minute of redirects
   * would otherwise wait for a route's target to be known, and none could be decided early meanwhile.
   */
  private learnDue(cutoff: number): void {
    const q = this.toObserve;
    let i = this.observeHead;
    for (; i < q.length && q[i]!.item.t < cutoff; i++) {
      if (!q[i]!.decided) this.observe(q[i]!);
      // (Passed: let go now, not when the array is next cut, which at half of it could hold as many again.)
      q[i] = null;
    }
    this.observeHead = i;
    if (i > 1024 && i * 2 > q.length) {
      this.toObserve = q.slice(i);
      this.observeHead = 0;
    }
  }

  /** Decides every redirect whose window ended before `cutoff`, in one batch. */
  private drain(cutoff: number): void {
    const q = this.queue;
    const out: Decision[] = [];
    // What the due redirects teach about their routes' targets does not depend on any decision: learnt first,
    // so that every decision of the batch sees the same model whatever the order of the clients.
    let end = this.head;
    while (end < q.length && !(q[end]!.item.t >= cutoff)) end++;
    for (let i = this.head; i < end; i++) if (!q[i]!.decided) this.observe(q[i]!);
    while (this.head < q.length) {
      const o = q[this.head]!;
      if (!o.decided) {
        if (!(o.item.t < cutoff)) break;
        this.solve(o.ident, cutoff, out);
      }
      // Decided: leaves the queue (counted as it was decided).
      if (o.decided) this.decidedQueued--;
      q[this.head++] = null;
    }
    this.publish(out);
  }

  private publish(out: Decision[]): void {
    // A decided redirect waits in the queue for its window's end only to be skipped: with most of the queue
    // decided early (at a high rate, a minute of redirects), it is rebuilt with the undecided ones, in order.
    const left = this.queue.length - this.head;
    if (this.decidedQueued > 1024 && this.decidedQueued * 2 > left) {
      this.queue = this.queue.slice(this.head).filter((o) => !o!.decided);
      this.head = 0;
      this.decidedQueued = 0;
    } else if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    if (out.length > 1) {
      out.sort((a, b) => compareItems(a.x.item, b.x.item) || cmp(a.pair.client, b.pair.client));
    }
    for (const d of out) this.emit(d.pair);
    const lessons = this.lessons;
    this.lessons = [];
    for (const l of lessons) l();
  }

  /** Assigns follow-ups to the identity's redirects due by `cutoff` (later ones compete but wait). */
  private solve(id: Ident, cutoff: number, out: Decision[], only: Open | null = null, oldest: Open | null = null, settled: Open[] | null = null): void {
    const due: Open[] = [];
    if (only) due.push(only);
    else if (oldest) due.push(oldest);
    else if (settled) due.push(...settled);
    else for (const o of id.open) if (o.item.t < cutoff) due.push(o);
    if (due.length === 0) return;
    const W = this.opts.windowMs;
    const back = this.opts.reorderMs;
    const hi = due[due.length - 1]!.item.t + W;
    const items = id.items;
    const edges: Edge[] = [];
    const byX = new Map<Open, Edge[]>();
    // The due redirects look at the requests around them, nearest first in each direction: a bounded number, so
    // that a busy client (a NAT office, a crawler) costs the same per redirect as a quiet one.
    const wanted = new Set<Item>();
    // Many redirects at once (a busy client, the end of the input): its requests indexed by URL once, each
    // redirect then looks only at the URLs that can fit it. A few: the requests around each.
    let leads = 0;
    for (const x of due) leads = Math.max(leads, leadOf(x.item));
    const index = due.length >= INDEX_FROM ? new UrlIndex(items, due[0]!.item.t - leads - back, hi) : null;
    for (const x of due) {
      const t0 = x.item.t;
      // Back from when it was sent (a redirect logged long after it was sent, its body discarded first).
      const lead = leadOf(x.item);
      this.prepare(x);
      const around = index ? index.candidates(x, t0 - lead - back, t0 + W) : nearby(items, t0, back + lead, W);
      const list = this.edgesOf(x, around);
      for (const e of list) wanted.add(e.c);
      byX.set(x, list);
      for (const e of list) edges.push(e);
    }
    // The redirects still waiting compete only for the requests the due ones want: those that can want one (a
    // busy client has a hundred open, nearly all of them too late for every wanted request: walked over once, not
    // gathered first).
    const contenders: Open[] = [];
    if (wanted.size > 0 && !only) {
      const pool = [...wanted].sort(compareItems);
      const last = pool[pool.length - 1]!.t;
      const dueSet = due.length > 4 ? new Set(due) : null;
      let scored = 0;
      let waiting = 0;
      for (const x of id.open) {
        if ((dueSet ? dueSet.has(x) : due.includes(x)) || sentAt(x.item) - back > hi) continue;
        // A client pushed past its open redirects is decided oldest first, with its next few as competitors.
        if (cutoff === FORCED && ++waiting > 8) break;
        // A redirect later than every wanted request (by more than the reorder allowance) cannot claim one, nor
        // can one that no wanted request could fit (checked cheaply first); of the others, the nearest few.
        const from = sentAt(x.item) - back;
        if (from > last) continue;
        const mine = pool.filter((c) => c.t >= from && c.t <= x.item.t + W);
        this.prepare(x);
        if (!mine.some((c) => (x.target ? matches(x.target, c.rec) : this.mayFit(x, c.rec)))) continue;
        if (++scored > 2 * due.length + 8) break;
        const list = this.edgesOf(x, mine);
        byX.set(x, list);
        contenders.push(x);
        for (const e of list) edges.push(e);
      }
    }
    if (edges.length === 0) {
      // Nothing near them can follow any of them (most of a URL shortener's redirects lead to other sites): no
      // assignment to make, and nothing allocated for one.
      for (const x of due) out.push({ x, pair: this.decide(x, null, byX, NO_OWNER, null) });
    } else this.assign(due, contenders, edges, byX, out);
    // (In place: a busy client's list is filtered at every batch of its decisions.)
    const open = id.open;
    let n = 0;
    for (const o of open) if (!o.decided) open[n++] = o;
    open.length = n;
    const from = n ? sentAt(open[0]!.item) - back - 1000 - this.reachBack() : this.keepFrom();
    this.prune(id, from);
  }

  /** The greedy assignment of the scored pairs, strongest first, improved, then each due redirect decided. */
  private assign(due: Open[], contenders: Open[], edges: Edge[], byX: Map<Open, Edge[]>, out: Decision[]): void {
    edges.sort(
      (a, b) =>
        b.score - a.score ||
        Math.abs(delayOf(a.x.item, a.c)) - Math.abs(delayOf(b.x.item, b.c)) ||
        compareItems(a.x.item, b.x.item) ||
        compareItems(a.c, b.c),
    );
    const assigned = new Map<Open, Edge>();
    const owner = new Map<Item, Edge>();
    for (const e of edges) {
      if (assigned.has(e.x) || owner.has(e.c)) continue;
      assigned.set(e.x, e);
      owner.set(e.c, e);
    }
    improve([...due, ...contenders], byX, assigned, owner);
    const overlapping = contested(assigned, this.opts.reorderMs);
    for (const x of due) {
      const e = assigned.get(x) ?? null;
      out.push({ x, pair: this.decide(x, e, byX, owner, e && overlapping.has(x) ? OVERLAP : null) });
    }
  }

  /** What the inferred redirect `x` is learnt to lead to, as of now. */
  private prepare(x: Open): void {
    // Worked out again only when something was learnt since (a client's open redirects are prepared on each
    // of its requests).
    if (x.target || x.prepared === this.lessonsLearnt) return;
    x.prepared = this.lessonsLearnt;
    x.learned = learnedOf(x.url) ?? learnedOf(x.route);
    x.prefix = x.learned ? literalPrefix(x.learned.template) : '';
  }

  /** The accepted pairs of `x` with these requests (in time order), the first of each kind after it favoured. */
  private edgesOf(x: Open, around: Item[]): Edge[] {
    this.prepare(x);
    // (A Map's clear() makes it a new table: skipped when there is nothing to clear, as for most redirects.)
    if (this.templates.size > 0) this.templates.clear();
    this.traceNext = nextInTrace(x.item, around);
    const list: Edge[] = [];
    for (const c of around) {
      if (c === x.item || c.chain !== null) continue;
      const e = this.evidence(x, c);
      if (e) list.push(e);
    }
    if (list.length === 0) return list;
    // The first request sent after the redirect that fits, of those that fit alike, is the likelier follow-up.
    const firsts = new Set<string>();
    for (const e of bySending(list)) {
      if (!maybeSentAfter(x.item, e.c) || firsts.has(e.key)) continue;
      firsts.add(e.key);
      e.score += x.target ? FIRST.exact : FIRST.inferred;
    }
    return list.filter((e) => e.score >= ACCEPT);
  }

  /**
   * Whether `f` can have a strong clue for the inferred redirect `x`: its URL begins as the learnt target does
   * (up to the first placeholder), holds one of the redirect's tokens, is the URL with a slash, or its Referer
   * names the redirect. Anything else scores below what a pair needs, whatever its template.
   */
  private mayFit(x: Open, f: HttpRecord): boolean {
    if (f.traceId !== null && f.traceId === x.item.rec.traceId) return true;
    const target = f.target;
    if (x.learned && target.startsWith(x.prefix)) return true;
    for (const k of x.tokens!.keys()) if (target.includes(k)) return true;
    if (target === x.slash) return true;
    return f.referer !== null && refererNames(f.referer, x.item.rec);
  }

  /** The inferred redirect's learnt target, or its URL with a slash, fits `f` (cheaply: by its beginning). */
  private learntFit(x: Open, f: HttpRecord): boolean {
    return (x.learned !== null && f.target.startsWith(x.prefix)) || f.target === x.slash;
  }

  /** `c`'s URL as a template of `x`'s tokens. */
  private templateOf(x: Open, c: Item): string {
    const target = c.rec.target;
    let t = this.templates.get(target);
    if (t === undefined) {
      t = templateFor(x.tokens!, c);
      if (this.templates.size < 4096) this.templates.set(target, t);
    }
    return t;
  }

  /** The evidence that `c` follows `x`, or null when `c` cannot be its follow-up. */
  private evidence(x: Open, c: Item): Edge | null {
    const r = x.item.rec;
    const f = c.rec;
    // How long after the redirect's answer it was sent, and whether it was sent after the redirect at all (the
    // two differ where the log has durations: src/instants.ts).
    const d = delayOf(x.item, c);
    const after = sentLater(x.item, c);
    // Sent before the redirect by more than the reorder allowance (known where durations are logged).
    if (after < -this.opts.reorderMs) return null;
    if (x.target) {
      if (x.blind && (f.scheme === null || f.host === null)) return null;
      // The next request of the redirect's trace, among requests to the Location, is the one that followed it.
      const trace = c === this.traceNext ? SAME_TRACE : 0;
      if (matches(x.target, f)) {
        // Not the request that redirected to this one (in a loop a → b → a, the first a is no follow-up of b).
        if (after <= 0 && leadsTo(f, r)) return null;
        return { x, c, score: 20 + this.delays.score(d) + trace, misresolved: false, key: '' };
      }
      if (r.location !== null && requestedVerbatim(r.location, f)) {
        return { x, c, score: 15 + this.delays.score(d) + trace, misresolved: true, key: 'verbatim' };
      }
      return null;
    }
    if (after <= 0 && isRedirect(f.status)) return null; // a redirect sent before cannot be told from a predecessor
    // Most requests near a redirect have no strong clue at all: ruled out before any template is built.
    if (!this.mayFit(x, f)) return null;
    const template = this.templateOf(x, c);
    const learned = x.learned;
    const fit = templateFit(learned, template);
    const exactFit = fit === 'exact';
    const fits = fit !== null;
    // Asking for the same URL again follows only a route known to redirect to itself (an empty Location).
    if (sameRequestUrl(f, r) && !fits) return null;
    let score = this.delays.score(d);
    let strong = false;
    if (f.host !== null && r.host !== null && stripPort(f.host) !== stripPort(r.host)) score -= 5;
    if (learned) {
      if (fits) {
        score += (exactFit ? 6 : 5) + 4 * learned.share;
        strong = true;
      } else score -= 2;
    }
    if (f.target === x.slash) {
      score += 8;
      strong = true;
    }
    if (f.referer !== null && refererNames(f.referer, r)) {
      score += 6;
      strong = true;
    }
    // The next request of the redirect's own trace (an instrumented client carried the trace across the hop),
    // unless the route is known to lead elsewhere.
    if (c === this.traceNext && (!learned || fits)) {
      score += SAME_TRACE;
      strong = true;
    }
    const n = x.tokens!.size === 0 ? 0 : carried(template);
    if (n > 0) {
      score += Math.min(2, n) * 3;
      strong = true;
    }
    return strong ? { x, c, score, misresolved: false, key: template } : null;
  }

  /** Closes one redirect with its assigned follow-up (or none), and queues what it teaches. */
  private decide(x: Open, e: Edge | null, byX: Map<Open, Edge[]>, owner: Map<Item, Edge>, doubt: string | null): Pair {
    x.decided = true;
    this.openN--;
    this.decidedQueued++; // still in the queue, until the queue passes it
    const id = x.ident;
    const r = x.item.rec;
    if (x.target) {
      const addr = this.addrs.get(id.addr);
      const list = addr?.targets?.get(x.target.path);
      if (list) {
        const i = list.indexOf(x);
        if (i >= 0) list.splice(i, 1);
        if (list.length === 0) addr!.targets!.delete(x.target.path);
      }
    }
    const chain = this.chainOf(x.item);
    const at = this.at(id, x.item, chain);
    const mode: PairMode = x.target ? 'exact' : 'inferred';
    let why: string | null = null;
    if (e) why = doubt ?? this.ambiguity(x, e, byX, owner);
    if (e && why === null) {
      e.c.chain = chain;
      const sure = x.target !== null;
      this.learn(x, e.c, sure || e.score >= SURE);
      return {
        kind: 'followed',
        ...at,
        mode,
        target: x.target ? targetText(x.target) : e.c.rec.target,
        confidence: sure ? 1 : hundredths(confidence(e.score)),
        followUp: recordOf(e.c.rec),
        misresolved: e.misresolved,
        otherAgent: null,
      };
    }
    if (!e && x.target) {
      const other = x.others!.filter((c) => c.chain === null);
      if (other.length === 1) {
        const c = other[0]!;
        c.chain = chain;
        this.learn(x, c, true);
        return {
          kind: 'followed',
          ...at,
          mode,
          target: targetText(x.target),
          confidence: 1,
          followUp: recordOf(c.rec),
          misresolved: false,
          otherAgent: c.rec.userAgent ?? '',
        };
      }
    }
    if (why !== null) return { kind: 'undetermined', ...at, mode, target: null, confidence: 0, reason: why };
    if (this.shedding && !(r.time + this.opts.windowMs <= this.watermark)) {
      return { kind: 'undetermined', ...at, mode, target: x.target ? targetText(x.target) : null, confidence: 0, reason: HELD_REASON(this.opts.maxHeld) };
    }
    const after = this.sentAfter(x);
    const openAtEnd = this.ending && !after && !(r.time + this.opts.windowMs <= this.watermark);
    const again = isSafe(r.method)
      ? undefined
      : nearby(id.items, x.item.t, this.opts.reorderMs, this.opts.windowMs).find(
          (c) => c !== x.item && c.chain === null && c.rec.method === r.method && sameRequestUrl(c.rec, r),
        );
    const retried = again ? recordOf(again.rec) : null;
    const early = openAtEnd ? null : this.loggedEarly(x);
    if (early !== null) return { kind: 'undetermined', ...at, mode, target: x.target ? targetText(x.target) : null, confidence: 0, reason: early };
    if (x.target) {
      const target = targetText(x.target);
      if (!openAtEnd && !retried && this.offSite(r, x.target)) {
        return { kind: 'left-site', ...at, mode: 'exact', target, confidence: 1 };
      }
      if (x.blind) {
        const reason = 'the Location differs from the request only in scheme or host, which this log does not record';
        return { kind: 'undetermined', ...at, mode, target, confidence: 0, reason };
      }
      const loop = chain.visited.has(x.target.path) && chain.hops > 1;
      return { kind: 'not-followed', ...at, mode, target, confidence: 1, retried, loop, openAtEnd };
    }
    // Inferred and nothing taken: unfollowed only where the route's target is known.
    const learned = learnedOf(x.url) ?? learnedOf(x.route);
    if (openAtEnd) return { kind: 'not-followed', ...at, mode, target: null, confidence: 0, retried: null, loop: false, openAtEnd };
    // Without knowing where the route leads, not even a re-sent original shows that the client did not follow.
    if (!learned) {
      const reason = 'where this route redirects to is not known (log Location to decide)';
      return { kind: 'undetermined', ...at, mode, target: null, confidence: 0, reason };
    }
    const self = templateOf(x.tokens!, r.target);
    const loop = learned.template === self || [...chain.visited].some((t) => templateOf(x.tokens!, t) === learned.template);
    return { kind: 'not-followed', ...at, mode, target: null, confidence: hundredths(learned.share), retried, loop, openAtEnd: false };
  }

  /**
   * Why the assigned candidate is not sure: another candidate nearly as strong would be judged differently
   * (and swapping the two between their redirects would change what is counted). Null when it is sure.
   */
  private ambiguity(x: Open, e: Edge, byX: Map<Open, Edge[]>, owner: Map<Item, Edge>): string | null {
    const r = x.item.rec;
    const mine = behaviour(r, e.c.rec);
    const margin = x.target ? MARGIN.exact : MARGIN.inferred;
    for (const alt of byX.get(x) ?? []) {
      if (alt === e || alt.score < e.score - margin) continue;
      if (behaviour(r, alt.c.rec) === mine) continue;
      // The alternative follows another redirect: swapping the two must not change what either is judged.
      const other = owner.get(alt.c);
      if (other && other.x !== x) {
        const back = (byX.get(other.x) ?? []).find((k) => k.c === e.c);
        if (back && back.score >= other.score - margin) {
          const now = [mine, behaviour(other.x.item.rec, alt.c.rec)].sort().join(' ');
          const swapped = [behaviour(r, alt.c.rec), behaviour(other.x.item.rec, e.c.rec)].sort().join(' ');
          if (now === swapped && other.x.item.rec.status === r.status && other.x.item.rec.method === r.method) continue;
        }
      }
      return x.target
        ? 'two requests to the Location fit equally well and would be judged differently'
        : 'two candidate follow-ups fit equally well and would be judged differently';
    }
    return null;
  }

  /** The delay of a decided pair, learnt after the batch (decisions of one batch all see the same model). */
  private learn(x: Open, followUp: Item | null, sure: boolean): void {
    if (!followUp || !sure) return;
    const d = delayOf(x.item, followUp);
    this.lessons.push(() => this.delays.learn(d));
    // An absolute Location followed to another path shows its origin is served here (a followed http → https
    // to the same path shows nothing: the request may have been the client asking again).
    if (x.target?.host && x.target.scheme && x.target.path !== x.item.rec.target) this.served(`${x.target.scheme}://${x.target.host}`);
  }

  /**
   * What a redirect teaches about where its route leads: its Location when logged, else what its client asked
   * for first after it (the population's vote).
   */
  private observe(x: Open): void {
    if (x.target || x.observed) return; // learnt when it arrived, or already
    x.observed = true;
    // The first requests sent after it, those carrying its tokens first: a busy client (a crawler, an office, an
    // API client with requests in flight) often sends something else between a redirect and its follow-up,
    // and a request that carries the redirect's id is the likelier follow-up.
    const seen: string[] = [];
    const other: string[] = [];
    const tokens = x.tokens!.size > 0;
    for (const c of firstSentAfter(x.ident.items, x.item, OBSERVE_MS, tokens ? OBSERVE_N : 3)) {
      const t = templateFor(x.tokens!, c);
      if (tokens && carried(t) > 0) seen.push(t);
      else if (other.length < 3) other.push(t);
    }
    for (const t of other) if (seen.length < 3) seen.push(t);
    this.lessonsLearnt++;
    const client = keyOf(x.ident);
    learnObserved(x.url, seen, client);
    learnObserved(x.route, seen, client);
  }

  /** An origin these logs show served (kept detached: at most a few thousand, bounded). */
  private served(origin: string): void {
    if (!this.origins.has(origin) && this.origins.size < 10_000) this.origins.add(detach(origin));
  }

  /** The Location names a host or scheme these logs do not show being served. */
  private offSite(r: HttpRecord, t: Target): boolean {
    const otherHost = t.host !== null && r.host !== null && t.host !== stripPort(r.host);
    const otherScheme = t.scheme !== null && r.scheme !== null && t.scheme !== r.scheme.toLowerCase();
    if (!otherHost && !otherScheme && !(t.host !== null && r.host === null)) return false;
    // Another host or scheme, or an absolute Location where the log has no host: off the site unless these logs
    // show that origin served (a HAR, or logs of several virtual hosts, hold the other host's requests too).
    if (t.host === null) return true;
    const schemes = t.scheme ? [t.scheme] : ['https', 'http'];
    return !schemes.some((s) => this.origins.has(`${s}://${t.host}`));
  }


  /**
   * Why an unsafe request's redirect that nothing followed may have been followed all the same, in a log without
   * its duration (docs/semantics.md, 3.5): a request that fits it was logged before it, earlier than the reorder
   * allowance, or other redirects of its route were. A server that answered at once and wrote the redirect's line
   * only once it had read or discarded the request's body (a slow upload) does that, and the log cannot tell when
   * the redirect was sent. With the duration it can. Null when nothing says so.
   */
  private loggedEarly(x: Open): string | null {
    const r = x.item.rec;
    if (isSafe(r.method) || r.bodySize === 0 || (r.duration !== null && r.timeIs !== null)) return null;
    if ((this.lateRoutes.get(x.route) ?? 0) >= LATE_SEEN) return LATE_ROUTE;
    if (!x.target) this.prepare(x);
    const items = x.ident.items;
    const to = x.item.t - this.opts.reorderMs;
    for (let i = lowerBound(items, to) - 1, n = 0; i >= 0 && n < SCAN_BEFORE; i--, n++) {
      const c = items[i]!;
      if (c.t < x.item.t - this.opts.windowMs) break;
      if (c.chain !== null || c === x.item) continue;
      if (x.target ? matches(x.target, c.rec) : templateFit(x.learned, templateFor(x.tokens!, c)) !== null) {
        // Clearly earlier (by more than a second cut from the times can explain), again and again: this log writes
        // the route's redirects that late. Requests are kept longer (see `reached`), and the route's redirects are
        // not taken as unfollowed any more.
        const gap = x.item.t - c.t;
        if (gap > this.opts.reorderMs + 1000) {
          this.reach.now = Math.max(this.reach.now, Math.min(this.opts.windowMs, gap));
          this.lateRoutes.set(x.route, (this.lateRoutes.get(x.route) ?? 0) + 1);
        }
        return LOGGED_EARLY;
      }
    }
    return null;
  }

  /** The client sent something after the redirect (so at the end of input it did move on). */
  private sentAfter(x: Open): boolean {
    const items = x.ident.items;
    for (let i = items.length - 1; i >= 0; i--) {
      const c = items[i]!;
      if (c.t < x.item.t) return false;
      if (c !== x.item) return true;
    }
    return false;
  }

  /** The chain a redirect belongs to: the one it continues (as a follow-up) or a new one. */
  private chainOf(item: Item): Chain {
    const parent = item.chain;
    const here = item.rec.target;
    if (!parent) return { id: ++this.chains, visited: new Set([here]), hops: 1 };
    return { id: parent.id, visited: new Set(parent.visited).add(here), hops: parent.hops + 1 };
  }

  /** Where a pair sits: its client and redirect, its chain and its hop in it. */
  private at(id: Ident, item: Item, chain: Chain): Pick<Pair, 'client' | 'redirect' | 'chain' | 'hop'> {
    return { client: keyOf(id), redirect: item.rec, chain: chain.id, hop: chain.hops };
  }

  /**
   * A redirect that reached back when it was logged: sent long before its line (a body discarded first, in nginx's
   * completion order), or its line written long after the clock had moved on (Apache's `%t`, the start). For a
   * while after, clients' requests are kept that much longer, so that the next such redirect finds its follow-up.
   * Known where the record has a duration and says which instant its time is; without, from a request that fits
   * an unfollowed redirect logged before it (`loggedEarly`).
   */
  private reached(r: HttpRecord): void {
    if (r.timeIs === null || r.duration === null) return;
    const back = Math.min(this.opts.windowMs, Math.max(this.watermark, r.time) - (r.time - recordLead(r)));
    if (back > this.reach.now) this.reach.now = back;
  }

  /** How far the redirects of the last window or two reached back (see `reached`). */
  private lag(): number {
    return Math.max(this.reach.now, this.reach.before);
  }

  /**
   * How much longer than the reorder allowance requests are kept: while redirects reach back, twice as far as the
   * furthest of late (the next may reach further), at most a window; else nothing.
   */
  private reachBack(): number {
    return Math.min(this.opts.windowMs, 2 * this.lag());
  }

  /** Requests of a client with nothing open are kept from here on: what a redirect logged next may claim. */
  private keepFrom(): number {
    return this.watermark - this.opts.reorderMs - 1000 - this.reachBack();
  }

  /** Drops the client's requests older than `before` (kept: those its open redirects may still claim). */
  private prune(id: Ident, before: number): void {
    const items = id.items;
    let k = 0;
    while (k < items.length && items[k]!.t < before) k++;
    if (k > 0) {
      items.splice(0, k);
      this.held -= k;
      // Nothing held: what its held requests shared goes with them (a client kept while idle keeps no copy).
      if (items.length === 0) id.shared = null;
    }
  }

  /**
   * Forgets clients with nothing open and nothing recent, once there are more than IDLE_KEEP clients: below that a
   * client seen again is found, not built again (on a log whose clients come back every few minutes, rebuilding
   * them was most of what survived the young generation, bench/profile.md).
   */
  private sweep(before: number): void {
    // Clients are dropped here only: those left by the last sweep and those created since are all there are.
    const clients = this.live + this.created;
    this.created = 0;
    if (clients <= IDLE_KEEP) {
      this.live = clients;
      return;
    }
    let live = 0;
    for (const [key, addr] of this.addrs) {
      if (addr.one !== null) {
        if (this.idle(addr.one, before)) addr.one = null;
        else live++;
      } else if (addr.idents !== null) {
        for (const [ua, id] of addr.idents) {
          if (this.idle(id, before)) addr.idents.delete(ua);
          else live++;
        }
        if (addr.idents.size === 0) addr.idents = null;
      }
      if (addr.one === null && addr.idents === null) this.addrs.delete(key);
    }
    this.live = live;
  }

  /** Whether the sweep forgets `id` (nothing open, nothing since `before`): if so, it is gone. */
  private idle(id: Ident, before: number): boolean {
    if (id.open.length > 0 || !(id.last < before)) return false;
    id.gone = true;
    this.held -= id.items.length;
    // Not kept alive by its slot (with its address's maps) until another client takes the slot.
    if (id.slot >= 0) this.byNumber.drop(id.slot, id);
    return true;
  }
}

/**
 * The client's first `n` requests sent after `x` (within `ms` of its logged time), in the order they were sent:
 * what the population learns a route leads to. Requests logged before `x` count where durations show that they
 * were sent after it.
 */
function firstSentAfter(items: Item[], x: Item, ms: number, n: number): Item[] {
  const out: Item[] = [];
  const from = sentAt(x);
  // At most a few dozen requests looked at, the `n` sent first kept.
  for (let i = lowerBound(items, from), k = 0; i < items.length && k < 64; i++) {
    const c = items[i]!;
    if (c.t > x.t + ms) break;
    if (c === x || sentLater(x, c) < 0) continue;
    k++;
    if (out.length === n && !(sentAt(c) < sentAt(out[n - 1]!))) {
      // Without durations the requests come in the order they were sent: the first `n` are the ones.
      if (leadOf(c) === 0 && leadOf(x) === 0 && out.every((o) => leadOf(o) === 0)) break;
      continue;
    }
    out.push(c);
    if (out.length > 1) bySending(out);
    if (out.length > n) out.pop();
  }
  return out;
}

/** Sorts requests (or pairs by their request) by when they were sent, keeping the order of equals (time order). */
function bySending<T extends Item | { c: Item }>(list: T[]): T[] {
  const at = (v: T) => sentAt('c' in v ? v.c : v);
  for (let i = 1; i < list.length; i++) {
    if (at(list[i]!) < at(list[i - 1]!)) return list.sort((a, b) => at(a) - at(b));
  }
  return list;
}

/** No request is anyone's follow-up (never written). */
const NO_OWNER = new Map<Item, Edge>();

/**
 * The first request sent after `x` (of `around`, in time order) that belongs to `x`'s trace: an instrumented
 * client that follows a redirect sends the follow-up within the trace of the request redirected, and before any
 * other request of that trace (the hops of a follow loop are in sequence). Null without a trace.
 */
function nextInTrace(x: Item, around: Item[]): Item | null {
  const trace = x.rec.traceId;
  if (trace === null) return null;
  let next: Item | null = null;
  for (const c of around) {
    if (c === x || c.rec.traceId !== trace || !maybeSentAfter(x, c)) continue;
    if (next === null || sentAt(c) < sentAt(next)) next = c;
  }
  return next;
}

/** The learnt template, or (a weaker fit) its place with another last segment where it ends in a new id. */
function templateFit(learned: Learned | null, template: string): 'exact' | 'near' | null {
  if (learned === null) return null;
  if (!learned.coarse && template === learned.template) return 'exact';
  return (learned.coarse || endsInId(learned.template)) && coarseOf(template) === coarseOf(learned.template) ? 'near' : null;
}

const LOGGED_EARLY =
  'a request that fits it was logged before it, earlier than the reorder allowance: the server may have answered at once and written the redirect only after reading the request body (log $request_time or %D to decide)';
const LATE_ROUTE =
  'this route\'s redirects have been written after requests that follow them, earlier than the reorder allowance (a request body read or discarded first): its follow-up may be logged before it (log $request_time or %D to decide)';

/** A template's text before its first placeholder (`/orders/{p2}/done` → `/orders/`). */
function literalPrefix(template: string): string {
  const i = template.indexOf('{');
  return i < 0 ? template.split('?')[0]! : template.slice(0, i);
}

/** A request's URL as a template for a redirect with these tokens; most share no token and reuse the plain one. */
function templateFor(tokens: ReadonlyMap<string, string>, c: Item): string {
  const target = c.rec.target;
  for (const k of tokens.keys()) if (target.includes(k)) return templateOf(tokens, target);
  return (c.plain ??= templateOf(NO_TOKENS, target));
}

/** Rounded to two decimals, as pairs carry a confidence. */
function hundredths(x: number): number {
  return Math.round(x * 100) / 100;
}

/** A score turned into 0..1: ACCEPT is about 0.6, a logged-Location-strong score near 1. */
function confidence(score: number): number {
  return Math.round((1 - 0.5 ** ((score - ACCEPT) / 3 + 1.3)) * 100) / 100;
}
