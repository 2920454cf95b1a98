/**
 * Pairing: every redirect a client receives is matched with "the request that follows" (section 3 of the
 * domain reference).
 *
 * - A client is the remote address (or the first X-Forwarded-For address) plus the User-Agent as logged.
 * - When the log records Location (`exact`), the follow-up is the client's first later request to the resolved
 *   Location within the window; requests to other URLs in between do not break it. When two open redirects of a
 *   client point at the same URL, the request follows the newest.
 * - When it does not (`inferred`), the client's requests within the window are kept as candidates (a bounded
 *   number), and when the window closes the target is chosen: a structural clue (the same path plus a trailing
 *   slash, a Referer naming the redirecting URL), else the URL most clients of the same normalised route
 *   requested first after that redirect.
 * - A follow-up may be logged up to `reorderMs` before its redirect (logs are in completion order: nginx logs a
 *   POST after discarding its body, so a client that follows at once can be logged first).
 * - A client that asks for the redirecting URL again with another method, or re-sends an unsafe request, closes
 *   that redirect: `original-retried` when it re-sent the same request. A repeated GET closes nothing: a page may
 *   request one URL twice and follow both redirects.
 * - Redirects a client went through one after another form a chain; leaving a redirect whose Location the chain
 *   already visited is a loop, not a failure to follow.
 * - When the input ends, a redirect whose window is still open and after which the client sent nothing more is
 *   `openAtEnd` (its follow-up may just not be in this input), not unfollowed.
 *
 * Memory is bounded by the redirects still open: they expire with the window (by the highest timestamp seen, so
 * small reorderings are accepted) or when a client has more than `maxPendingPerClient` open; the inference votes
 * are capped per route and in routes.
 */
import { isRedirect, type HttpRecord } from '../core/model.js';
import { detach } from '../core/strings.js';
import { normalisePath } from './routes.js';

export type PairMode = 'exact' | 'inferred';

export interface Pair {
  /** The client key (see `clientKeyOf`). */
  client: string;
  redirect: HttpRecord;
  /** The follow-up request, or null when the client did not follow. */
  followUp: HttpRecord | null;
  /** When not followed: the re-sent original request, if the client retried instead. */
  retried: HttpRecord | null;
  mode: PairMode;
  /** The 3xx had no Location although the log records it: nothing to follow. */
  missingLocation: boolean;
  /** Not followed, but the input ended before the window closed: the follow-up may simply not be logged yet. */
  openAtEnd: boolean;
  /** Not followed, and the Location is a URL this chain of redirects already visited: the client left a loop. */
  loop: boolean;
  /** Position of this redirect in the client's chain of redirects (1 = first). */
  hop: number;
  /** The resolved target (path and query; host when known), or null when unknown. */
  target: string | null;
}

export interface PairingOptions {
  /** How long a client has to follow, in milliseconds. */
  windowMs: number;
  /** `address` (default) or `forwarded-for`: use the first X-Forwarded-For address when logged. */
  clientKey: 'address' | 'forwarded-for';
  maxPendingPerClient: number;
  /** Requests kept per open redirect whose Location is not logged. */
  maxCandidates: number;
  /**
   * How far back a follow-up may be logged before its redirect. Logs are written in completion order: nginx
   * logs a POST only after discarding its body, so a client that follows at once can have its follow-up logged
   * first (needle does this against nginx). 0 turns this off.
   */
  reorderMs: number;
}

export const DEFAULT_PAIRING: PairingOptions = {
  windowMs: 60_000,
  clientKey: 'address',
  maxPendingPerClient: 64,
  maxCandidates: 16,
  reorderMs: 2000,
};

/**
 * Follow-ups logged before their redirect are looked for among the last RING requests (of every client), only
 * when a redirect arrives: a fixed ring costs one store per request, where per-client lists cost a map lookup,
 * a list and a pruning queue for every request.
 */
const RING = 1024;
/** Requests of the same client kept from the ring. */
const MAX_RECENT_PER_CLIENT = 8;

interface Recent {
  rec: HttpRecord;
  /** Already the follow-up of a redirect. */
  claimed: boolean;
  /** The chain it continues, when it is a follow-up. */
  chain: Chain | null;
}

/** The redirects a client went through one after another (exact pairing only): for loops and chain length. */
interface Chain {
  /** Request targets visited, the first request included. */
  visited: Set<string>;
  hops: number;
}

interface Target {
  path: string;
  /** Host name without port, lower case; null when unknown. */
  host: string | null;
}

interface Pending {
  client: string;
  /** The client's address and User-Agent ('' for none): the keys of `open`. */
  addr: string;
  ua: string;
  /** The client's list of open redirects this one is in. */
  list: Pending[];
  redirect: HttpRecord;
  target: Target | null;
  /** For inferred pairs: the client's later requests within the window. */
  candidates: Recent[] | null;
  /** For inferred pairs: what the client requested just before (within `reorderMs`), for loops. */
  cameFrom: string[];
  /** For inferred pairs: the client's requests logged just before the redirect (see `reorderMs`). */
  before: Recent[];
  routeKey: string;
  chain: Chain;
  /** Inferred pairs: the client asked for the redirecting URL again, so later requests are no candidates. */
  superseded: boolean;
  done: boolean;
  /** The client sent something after this redirect (so at the end of input it did move on). */
  seenAfter: boolean;
}

export function clientAddress(r: HttpRecord, key: PairingOptions['clientKey']): string {
  return key === 'forwarded-for' && r.forwardedFor ? r.forwardedFor : r.address;
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

function stripPort(host: string): string {
  if (host.startsWith('[')) {
    const end = host.indexOf(']');
    return host.slice(0, end + 1).toLowerCase();
  }
  const c = host.indexOf(':');
  return (c < 0 ? host : host.slice(0, c)).toLowerCase();
}

function stripFragment(s: string): string {
  const h = s.indexOf('#');
  return h < 0 ? s : s.slice(0, h);
}

const ABSOLUTE = /^([A-Za-z][A-Za-z0-9+.-]*:)?\/\/([^/?#]*)([^#]*)/;

/**
 * Resolves a Location against the request that received it. Absolute and scheme-relative Locations are split
 * by hand rather than through `URL`, which would re-encode the path and drop a bare trailing `?`, so that the
 * target stays comparable with the request line as the client sent it.
 */
export function resolveLocation(r: HttpRecord, location: string): Target | null {
  const loc = location.trim();
  // The common case: an absolute path with no dot segments needs no URL parsing.
  if (loc.charCodeAt(0) === 47 && loc.charCodeAt(1) !== 47 && loc.indexOf('/.') < 0) {
    return { path: stripFragment(loc), host: r.host ? stripPort(r.host) : null };
  }
  const abs = ABSOLUTE.exec(loc);
  if (abs) {
    let host = abs[2]!;
    const at = host.lastIndexOf('@');
    if (at >= 0) host = host.slice(at + 1);
    let path = abs[3]!;
    if (path === '') path = '/';
    else if (path.charCodeAt(0) === 63 /* ? */) path = `/${path}`;
    return { path, host: host === '' ? null : stripPort(host) };
  }
  try {
    const base = `${r.scheme ?? 'http'}://${r.host ?? 'host.invalid'}${r.target.startsWith('/') ? r.target : '/'}`;
    const u = new URL(loc, base);
    const host = u.hostname === 'host.invalid' ? null : stripPort(u.host);
    return { path: u.pathname + u.search, host };
  } catch {
    return null;
  }
}

/** Same path and query; a bare trailing `?` (an empty query) does not make another URL. */
function sameTarget(a: string, b: string): boolean {
  if (a === b) return true;
  const la = a.length;
  const lb = b.length;
  if (la === lb + 1 && a.charCodeAt(la - 1) === 63) return a.startsWith(b);
  if (lb === la + 1 && b.charCodeAt(lb - 1) === 63) return b.startsWith(a);
  return false;
}

function matches(t: Target, r: HttpRecord): boolean {
  if (!sameTarget(r.target, t.path) && !sameTarget(stripFragment(r.target), t.path)) return false;
  return t.host === null || r.host === null || stripPort(r.host) === t.host;
}

/** `r` asks for the same URL as `orig` (hosts compared when both are known). */
function sameRequestUrl(r: HttpRecord, orig: HttpRecord): boolean {
  if (r.target !== orig.target) return false;
  return r.host === null || orig.host === null || stripPort(r.host) === stripPort(orig.host);
}

/**
 * Inference learns per route, with ids normalised and the query dropped: after `POST /orders/123/pay` clients go
 * to `/orders/{id}/done`, so every order teaches the others (and the table stays small).
 */
function routeKeyOf(r: HttpRecord): string {
  return `${r.method} ${r.status} ${r.host ? stripPort(r.host) : ''} ${normalisePath(r.target)}`;
}

const MAX_VOTES_PER_ROUTE = 64;
/** Routes remembered for inferred pairing; past this the oldest are forgotten (an endless stream stays flat). */
const MAX_VOTED_ROUTES = 20_000;

export class PairingEngine {
  private readonly opts: PairingOptions;
  private readonly emit: (p: Pair) => void;
  /** Open redirects by client: address, then User-Agent (no key string is built for a request that has none). */
  private readonly open = new Map<string, Map<string, Pending[]>>();
  /** Open redirects in arrival order, for expiry. */
  private queue: Pending[] = [];
  private head = 0;
  private watermark = Number.NEGATIVE_INFINITY;
  private ending = false;
  private openN = 0;
  /** For inferred pairing: per route, how often each URL was the client's first request after the redirect. */
  private readonly votes = new Map<string, Map<string, number>>();
  /** The last RING requests, for follow-ups logged before their redirect. */
  private readonly ring: (Recent | undefined)[] = new Array<Recent | undefined>(RING);
  private ringPos = 0;

  constructor(emit: (p: Pair) => void, opts: Partial<PairingOptions> = {}) {
    this.opts = { ...DEFAULT_PAIRING, ...opts };
    this.emit = emit;
  }

  /** Number of redirects still waiting for a follow-up. */
  get openCount(): number {
    return this.openN;
  }

  push(r: HttpRecord): void {
    if (r.time > this.watermark) {
      this.watermark = r.time;
      this.expire(this.watermark - this.opts.windowMs);
    }
    const addr = clientAddress(r, this.opts.clientKey);
    const ua = r.userAgent ?? '';
    const w: Recent = { rec: r, claimed: false, chain: null };
    const list = this.open.get(addr)?.get(ua);
    if (list) this.offer(list, w);
    if (!r.internal && isRedirect(r.status)) this.addPending(addr, ua, r, w.chain);
    if (this.opts.reorderMs > 0) this.remember(w);
  }

  private remember(w: Recent): void {
    this.ring[this.ringPos & (RING - 1)] = w;
    this.ringPos++;
  }

  /** The client's requests logged within `reorderMs` before `r` (among the last RING), oldest first. */
  private recentOf(addr: string, ua: string, r: HttpRecord): Recent[] {
    const out: Recent[] = [];
    const from = r.time - this.opts.reorderMs;
    let older = 0;
    for (let k = 1; k <= RING && k <= this.ringPos; k++) {
      const w = this.ring[(this.ringPos - k) & (RING - 1)]!;
      if (w.rec.time < from) {
        // Lines are roughly in time order: a run of older ones means the rest are older still.
        if (++older > 32) break;
        continue;
      }
      if ((w.rec.userAgent ?? '') === ua && clientAddress(w.rec, this.opts.clientKey) === addr) {
        out.push(w);
        if (out.length >= MAX_RECENT_PER_CLIENT) break;
      }
    }
    return out.reverse();
  }

  /** The same, less those that already follow another redirect. */
  private loggedBefore(addr: string, ua: string, r: HttpRecord): Recent[] {
    return this.recentOf(addr, ua, r).filter((w) => !w.claimed);
  }

  /**
   * Moves the clock without a record (live input that went quiet): redirects whose window has passed by `time`
   * are decided now instead of when the next line arrives.
   */
  advance(time: number): void {
    if (time > this.watermark) {
      this.watermark = time;
      this.expire(time - this.opts.windowMs);
    }
  }

  /** The highest timestamp seen (or advanced to). */
  get now(): number {
    return this.watermark;
  }

  /** Ends the input: every open redirect is decided. */
  flush(): void {
    this.ending = true;
    this.expire(Number.POSITIVE_INFINITY);
    this.ending = false;
  }

  private offer(list: Pending[], w: Recent): void {
    const r = w.rec;
    const window = this.opts.windowMs;
    let matched = false;
    // Newest first: when two open redirects point at the same URL, the request follows the latest one (a client
    // that left an earlier one unfollowed and then asked again gets the later one paired).
    for (let i = list.length - 1; i >= 0; i--) {
      const p = list[i]!;
      p.seenAfter = true;
      if (r.time - p.redirect.time > window) continue;
      // The client asks for the redirecting URL again instead of following: that closes this redirect, unless
      // it is the same safe request (a page may GET one URL twice in parallel, and follow both redirects).
      const again = sameRequestUrl(r, p.redirect) && !(r.method === p.redirect.method && isSafe(r.method));
      if (p.target) {
        if (!matched && matches(p.target, r)) {
          matched = true;
          w.claimed = true;
          w.chain = p.chain;
          this.resolve(p, list, i, r, null);
        } else if (again) {
          this.resolve(p, list, i, null, r.method === p.redirect.method ? r : null);
        }
      } else if (p.candidates && !p.superseded) {
        if (p.candidates.length === 0) this.vote(p.routeKey, normalisePath(r.target));
        if (p.candidates.length < this.opts.maxCandidates) p.candidates.push(w);
        if (again) p.superseded = true;
      }
    }
  }


  private addPending(addr: string, ua: string, r: HttpRecord, parent: Chain | null): void {
    const client = `${addr}\u0000${ua}`;
    let target: Target | null = null;
    let candidates: Recent[] | null = null;
    if (r.locationLogged) {
      if (r.location === null) {
        this.emit({ client, redirect: r, followUp: null, retried: null, mode: 'exact', missingLocation: true, openAtEnd: false, loop: false, hop: parent ? parent.hops + 1 : 1, target: null });
        return;
      }
      target = resolveLocation(r, r.location);
      if (!target) {
        this.emit({ client, redirect: r, followUp: null, retried: null, mode: 'exact', missingLocation: true, openAtEnd: false, loop: false, hop: parent ? parent.hops + 1 : 1, target: null });
        return;
      }
      // A follow-up logged just before its redirect (completion order).
      for (const w of this.loggedBefore(addr, ua, r)) {
        // Not the request that redirected to this one (in a loop a → b → a, the first a is no follow-up of b).
        if (matches(target, w.rec) && !leadsTo(w.rec, r)) {
          w.claimed = true;
          this.emit({
            client,
            redirect: r,
            followUp: w.rec,
            retried: null,
            mode: 'exact',
            missingLocation: false,
            openAtEnd: false,
            loop: false,
            hop: parent ? parent.hops + 1 : 1,
            target: targetText(target),
          });
          return;
        }
      }
    } else {
      candidates = [];
    }
    // Without Location we cannot tell a predecessor from a follow-up among redirects: only plain answers qualify.
    const recent = candidates ? this.recentOf(addr, ua, r) : [];
    const before = recent.filter((w) => !w.claimed && !isRedirect(w.rec.status));
    const cameFrom = recent.map((w) => w.rec.target);
    let byUa = this.open.get(addr);
    if (!byUa) {
      byUa = new Map();
      this.open.set(detach(addr), byUa);
    }
    let list = byUa.get(ua);
    if (!list) {
      list = [];
      byUa.set(detach(ua), list);
    }
    const chain: Chain = parent
      ? { visited: new Set(parent.visited).add(r.target), hops: parent.hops + 1 }
      : { visited: new Set([r.target]), hops: 1 };
    const p: Pending = {
      client,
      addr,
      ua,
      list,
      redirect: r,
      target,
      candidates,
      cameFrom,
      before,
      routeKey: routeKeyOf(r),
      chain,
      superseded: false,
      done: false,
      seenAfter: false,
    };
    list.push(p);
    this.queue.push(p);
    this.openN++;
    if (list.length > this.opts.maxPendingPerClient) this.decide(list[0]!);
  }

  private vote(route: string, target: string): void {
    let m = this.votes.get(route);
    if (!m) {
      if (this.votes.size >= MAX_VOTED_ROUTES) this.votes.delete(this.votes.keys().next().value!);
      m = new Map();
      this.votes.set(detach(route), m);
    }
    const n = m.get(target);
    m.set(n === undefined ? detach(target) : target, (n ?? 0) + 1);
    if (m.size > MAX_VOTES_PER_ROUTE) {
      for (const [k, v] of m) if (v <= 1 && k !== target) m.delete(k);
    }
  }

  /** Expires every open redirect older than `before`. */
  private expire(before: number): void {
    const q = this.queue;
    while (this.head < q.length) {
      const p = q[this.head]!;
      if (!p.done) {
        if (!(p.redirect.time < before) && !(before === Number.POSITIVE_INFINITY)) break;
        this.decide(p);
      }
      this.head++;
    }
    if (this.head > 1024 && this.head * 2 > q.length) {
      this.queue = q.slice(this.head);
      this.head = 0;
    }
  }

  /** Closes an open redirect whose window ended (or that was pushed out): unfollowed, or an inferred follow-up. */
  private decide(p: Pending): void {
    if (p.done) return;
    const list = p.list;
    const i = list.indexOf(p);
    if (p.candidates) {
      const choice = this.infer(p);
      this.resolve(p, list, i, choice.followUp, choice.retried, choice.loop);
    } else {
      this.resolve(p, list, i, null, null);
    }
  }

  private infer(p: Pending): { followUp: HttpRecord | null; retried: HttpRecord | null; loop: boolean } {
    const r = p.redirect;
    const cands = p.candidates!;
    const take = (w: Recent) => {
      w.claimed = true;
      return { followUp: w.rec, retried: null, loop: false };
    };
    // Structural clues first: a trailing-slash redirect, or a Referer naming the redirecting URL.
    const slash = r.target.endsWith('/') ? null : withSlash(r.target);
    for (const w of cands) {
      if (w.claimed) continue;
      if (slash !== null && w.rec.target === slash) return take(w);
      if (w.rec.referer && refererNames(w.rec.referer, r)) return take(w);
    }
    for (const w of p.before) if (!w.claimed && slash !== null && w.rec.target === slash) return take(w);
    // Then the population: the URL most clients requested first after a redirect from this route.
    const votes = this.votes.get(p.routeKey);
    let best: string | null = null;
    let bestCount = 0;
    if (votes) {
      for (const [t, n] of votes) {
        if (n > bestCount) {
          best = t;
          bestCount = n;
        }
      }
    }
    if (best !== null) {
      const self = normalisePath(r.target);
      for (const w of cands) if (!w.claimed && normalisePath(w.rec.target) === best) return take(w);
      // Logged just before the redirect: only taken when it is where the population goes (it cannot vote).
      for (const w of p.before) if (!w.claimed && best !== self && normalisePath(w.rec.target) === best) return take(w);
    }
    const retried = isSafe(r.method) ? null : (cands.find((w) => w.rec.method === r.method && sameRequestUrl(w.rec, r))?.rec ?? null);
    // Where the population goes is where this client just came from: it left a loop.
    const loop = best !== null && (best === normalisePath(r.target) || p.cameFrom.some((t) => normalisePath(t) === best));
    return { followUp: null, retried, loop };
  }


  private resolve(
    p: Pending,
    list: Pending[],
    i: number,
    followUp: HttpRecord | null,
    retried: HttpRecord | null,
    inferredLoop = false,
  ): void {
    p.done = true;
    this.openN--;
    list.splice(i, 1);
    if (list.length === 0) {
      const byUa = this.open.get(p.addr);
      if (byUa) {
        byUa.delete(p.ua);
        if (byUa.size === 0) this.open.delete(p.addr);
      }
    }
    const target = p.target
      ? targetText(p.target)
      : followUp
        ? followUp.target
        : null;
    this.emit({
      client: p.client,
      redirect: p.redirect,
      followUp,
      retried,
      mode: p.candidates ? 'inferred' : 'exact',
      missingLocation: false,
      openAtEnd: !followUp && this.ending && !p.seenAfter && !(p.redirect.time + this.opts.windowMs <= this.watermark),
      loop: !followUp && (inferredLoop || (p.target !== null && p.chain.visited.has(p.target.path))),
      hop: p.chain.hops,
      target,
    });
    p.candidates = null;
    p.before = [];
    p.cameFrom = [];
  }
}

/** `prev` is a redirect whose Location is the request `r`. */
function leadsTo(prev: HttpRecord, r: HttpRecord): boolean {
  if (!isRedirect(prev.status) || prev.location === null) return false;
  const t = resolveLocation(prev, prev.location);
  return t !== null && matches(t, r);
}

function isSafe(method: string): boolean {
  return method === 'GET' || method === 'HEAD';
}

function targetText(t: Target): string {
  return t.host ? `//${t.host}${t.path}` : t.path;
}

function withSlash(target: string): string {
  const q = target.indexOf('?');
  return q < 0 ? `${target}/` : `${target.slice(0, q)}/${target.slice(q)}`;
}

function refererNames(referer: string, r: HttpRecord): boolean {
  // The Referer is absolute (http://host/path); compare its path and query with the redirecting request.
  const s = referer.indexOf('//');
  const p = s < 0 ? referer.indexOf('/') : referer.indexOf('/', s + 2);
  return p >= 0 && referer.slice(p) === r.target;
}
