/**
 * The monitoring half of the analysis: per route, per time bucket and overall, what per-request dashboards
 * show (apparent success: a redirect is not an error) against what users got (effective success: a chain of
 * redirects counts once, by how it ended), and the route and chain findings of the table of findings (`findings.ts`; `docs/semantics.md`, section 5).
 *
 * Every record is a request. Every answer that is not a redirect ends one user action: either a request on its
 * own or the last hop of a chain. A chain that never completes (not followed, a loop, no Location) is one failed
 * action. So actions = final answers + chains that never completed, each counted once, with no per-request list.
 * When a chain completes, its action moves from the route of its last hop to the route where it started.
 *
 * Memory: one accumulator per route (at most `maxRoutes`, the rest folded into "(other)"), one per minute of
 * traffic, and one chain per redirect still waiting for its follow-up.
 */
import { NumberSlots } from '../core/slots.js';
import type { Classification } from './classify.js';
import { isRedirect, type HttpRecord } from '../core/model.js';
import type { Pair } from './pairing.js';
import type { Figures, MonitoringReport, RecordRef, RouteFinding, RouteReport, ServerFinding, TimeBucket } from './report.js';
import { reportPath, RouteTemplates, type TemplatesJson } from './route-templates.js';
import { detach, intern } from '../core/strings.js';
import { unreachable } from '../core/unreachable.js';
import { SERVER_RANK, serverFinding, VIOLATION_FINDINGS } from './findings.js';

export interface MonitoringOptions {
  /** Chains with more hops than this are `long-chain`. */
  maxHops: number;
  /** Routes tracked one by one; the rest are folded together. */
  maxRoutes: number;
  /** Bucket width in seconds; 0 picks one that gives at most 96 buckets. */
  bucketSeconds: number;
  /**
   * Fold paths whose positions take many values into `{var}` routes, as learnt from the log (route-templates.ts).
   * Partial reports carry what was learnt (`MonitoringState.templates`), and a merge adds it up into what one run
   * over everything learns.
   */
  learnTemplates: boolean;
}

export const DEFAULT_MONITORING: MonitoringOptions = { maxHops: 5, maxRoutes: 2000, bucketSeconds: 0, learnTemplates: true };

/** The counts behind one `Figures`: they merge by addition (`merge-reports.ts`). */
export class FigAcc {
  requests = 0;
  ok = 0;
  redirects = 0;
  actions = 0;
  actionsOk = 0;
  chains = 0;
  durSum = 0;
  durN = 0;
  chainDurSum = 0;
  chainDurN = 0;

  /** One request. */
  count(ok: boolean, redirect: boolean, duration: number | null): void {
    this.requests++;
    if (ok) this.ok++;
    if (duration !== null) {
      this.durSum += duration;
      this.durN++;
    }
    if (redirect) this.redirects++;
    else {
      this.actions++;
      if (ok) this.actionsOk++;
    }
  }

  /** One user action ended (+1), or is taken back from here to be counted where its chain started (-1). */
  action(ok: boolean, sign: 1 | -1 = 1): void {
    this.actions += sign;
    if (ok) this.actionsOk += sign;
  }

  /** One redirect chain decided; its duration when every hop had one. */
  chain(duration: number | null): void {
    this.chains++;
    if (duration !== null) {
      this.chainDurSum += duration;
      this.chainDurN++;
    }
  }

  add(o: FigAcc): void {
    this.requests += o.requests;
    this.ok += o.ok;
    this.redirects += o.redirects;
    this.actions += o.actions;
    this.actionsOk += o.actionsOk;
    this.chains += o.chains;
    this.durSum += o.durSum;
    this.durN += o.durN;
    this.chainDurSum += o.chainDurSum;
    this.chainDurN += o.chainDurN;
  }

  /** The counts as plain numbers, for a partial report. */
  raw(): RawFigures {
    return [this.requests, this.ok, this.redirects, this.actions, this.actionsOk, this.chains, this.durSum, this.durN, this.chainDurSum, this.chainDurN];
  }

  static fromRaw(r: RawFigures): FigAcc {
    const a = new FigAcc();
    [a.requests, a.ok, a.redirects, a.actions, a.actionsOk, a.chains, a.durSum, a.durN, a.chainDurSum, a.chainDurN] = r;
    return a;
  }

  figures(): Figures {
    const ratio = (a: number, b: number) => (b > 0 ? round(a / b) : null);
    return {
      requests: this.requests,
      apparentSuccess: ratio(this.ok, this.requests),
      actions: this.actions,
      effectiveSuccess: ratio(this.actionsOk, this.actions),
      redirectShare: ratio(this.redirects, this.requests),
      chains: this.chains,
      latencyPerRequestMs: this.durN > 0 ? round(this.durSum / this.durN, 3) : null,
      latencyPerChainMs: this.chainDurN > 0 ? round(this.chainDurSum / this.chainDurN, 3) : null,
    };
  }
}

function round(x: number, digits = 6): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

interface RouteAcc {
  fig: FigAcc;
  /** Impact: redirects of this route whose follow-up broke the rule of its code. */
  violations: number;
  /** Chains started here that failed (masked failures) or held a violation: the user actions affected. */
  affected: number;
  failedChains: number;
  /** Chains started here whose ending this log cannot know (possibly cached, undetermined, left the site). */
  uncertain: number;
  /** Requests by status code (100-999), counted in place. */
  statuses: Uint32Array;
  redirectCodes: Map<number, RecordRef>;
  findings: Map<ServerFinding, { count: number; example: RouteFinding['example'] }>;
}

interface ChainAcc {
  start: HttpRecord;
  /** Where the chain started: its action is counted there. */
  route: RouteAcc;
  hops: number;
  duration: number;
  durationKnown: boolean;
  /** A hop's follow-up broke the rule of its code. */
  violated: boolean;
}

const MINUTE = 60_000;
/** Request targets remembered with their route, per method (forgotten all at once past this). */
const MAX_TARGETS = 8192;
/** Routes found by their record's worker-given target number (`routeOf`): a power of two. */
const TARGET_SLOTS = 1 << 16;
/** Minutes of figures kept: a week. An endless stream forgets the oldest. */
const MAX_MINUTES = 7 * 24 * 60;
const BUCKET_CHOICES = [60, 300, 900, 3600, 6 * 3600, 86400, 7 * 86400];
const MAX_BUCKETS = 96;

export class Monitoring {
  private readonly opts: MonitoringOptions;
  private readonly ref: (r: HttpRecord) => RecordRef;
  private readonly overall = new FigAcc();
  private readonly routes = new Map<string, RouteAcc>();
  private readonly byMethod = new Map<string, Map<string, RouteAcc>>();
  /** Templates learnt from the paths seen (`route-templates.ts`). */
  private readonly templates = new RouteTemplates();
  /** Request targets (as logged) whose route is known, per method's table. */
  private readonly byTarget = new Map<Map<string, RouteAcc>, Map<string, RouteAcc>>();
  /** Raw paths remembered as aliases of their template's accumulator, at most this many. */
  private aliases = 0;
  private readonly other: RouteAcc = newRoute();
  private readonly minutes = new Map<number, FigAcc>();
  private lastMinute = Number.NaN;
  private lastMinuteAcc: FigAcc | null = null;
  /** Chains whose last hop was a redirect, by the chain number the pairing engine gave them. */
  private readonly chainOf = new Map<number, ChainAcc>();

  /** With `--route`/`--status`: only the requests it accepts are counted (their follow-ups are still paired). */
  private readonly counts: (r: HttpRecord) => boolean;

  constructor(ref: (r: HttpRecord) => RecordRef, opts: Partial<MonitoringOptions> = {}, filter?: (r: HttpRecord) => boolean) {
    this.opts = { ...DEFAULT_MONITORING, ...opts };
    this.ref = ref;
    this.counts = filter ?? (() => true);
  }

  /**
   * The accumulator of a record's route: by the number its parsing worker gave its method and target (`targetId`,
   * one direct-mapped slot) when a path of the route table was found under it before, else by `routeFor`. A
   * path of the table keeps its route for good, so the slot cannot go stale.
   */
  private routeOf(r: HttpRecord): RouteAcc {
    const k = r.targetId;
    if (!(k >= 0)) return this.routeFor(r.method, r.target);
    const slot = this.byNumber.slotOf(r.input, k);
    const cached = this.byNumber.get(slot, r.input, k);
    if (cached !== undefined) return cached;
    // (Not remembered by its text as well: this record's number finds it, and most targets are seen once.)
    const acc = this.routeFor(r.method, r.target, false);
    if (this.lastKnown) this.byNumber.set(slot, r.input, k, acc);
    return acc;
  }

  private readonly byNumber = new NumberSlots<RouteAcc>(TARGET_SLOTS);
  /** The last `routeFor` found a path of the route table (its answer will not change). */
  private lastKnown = false;

  /**
   * The accumulator of a request's route (two map lookups, no string built when the route is known). A target
   * whose path the route table holds is remembered by its text when `remember` says so (see `routeOf`).
   */
  private routeFor(method: string, target: string, remember = true): RouteAcc {
    let byPath = this.byMethod.get(method);
    if (!byPath) {
      byPath = new Map();
      this.byMethod.set(detach(method), byPath);
      this.byTarget.set(byPath, new Map());
    }
    // The same URL again (a page, a script, a status check): its route without working out its path.
    const seen = this.byTarget.get(byPath)!;
    let acc = seen.get(target);
    this.lastKnown = acc !== undefined;
    if (acc) return acc;
    const path = reportPath(target);
    acc = byPath.get(path);
    this.lastKnown = acc !== undefined;
    if (acc) {
      // Only a path the route table holds: its route no longer changes as templates are learnt.
      if (remember) {
        if (seen.size >= MAX_TARGETS) seen.clear();
        seen.set(intern(target), acc);
      }
    } else {
      // A path not seen before: learnt, and counted under its template (itself, until its position varies).
      const template = this.opts.learnTemplates ? this.templates.learn(method, path) : path;
      acc = template === path ? undefined : byPath.get(template);
      if (!acc) {
        if (this.routes.size >= this.opts.maxRoutes) return this.other;
        const name = intern(`${method} ${template}`);
        acc = newRoute();
        byPath.set(intern(template), acc);
        this.routes.set(name, acc);
      }
      if (template !== path && this.aliases < MAX_ALIASES) {
        this.aliases++;
        byPath.set(intern(path), acc);
      }
    }
    return acc;
  }

  private minute(t: number): FigAcc | null {
    if (Number.isNaN(t)) return null;
    const k = Math.floor(t / MINUTE);
    // Consecutive lines nearly always share their minute.
    if (k === this.lastMinute && this.lastMinuteAcc) return this.lastMinuteAcc;
    let acc = this.minutes.get(k);
    if (!acc) {
      if (this.minutes.size >= MAX_MINUTES) {
        const oldest = this.minutes.keys().next().value!;
        this.minutes.delete(oldest);
        if (oldest === this.lastMinute) this.lastMinuteAcc = null;
      }
      acc = new FigAcc();
      this.minutes.set(k, acc);
    }
    this.lastMinute = k;
    this.lastMinuteAcc = acc;
    return acc;
  }

  /** Every record, in merged order. */
  record(r: HttpRecord): void {
    if (!this.counts(r)) return;
    const route = this.routeOf(r);
    const bucket = this.minute(r.time);
    const redirect = isRedirect(r.status);
    if (r.internal && redirect) {
      // A browser-made redirect (HSTS): no server sent it, so it stays out of every server figure.
      this.finding(route, 'internal-redirect', { redirect: this.ref(r), followUp: null, final: null, hops: null });
      return;
    }
    const ok = r.status < 400;
    this.overall.count(ok, redirect, r.duration);
    route.fig.count(ok, redirect, r.duration);
    if (bucket) bucket.count(ok, redirect, r.duration);
    if (r.status >= 100 && r.status <= 999) route.statuses[r.status - 100]!++;
    if (!redirect) return;
    if (!route.redirectCodes.has(r.status)) route.redirectCodes.set(r.status, this.ref(r));
    const one = () => ({ redirect: this.ref(r), followUp: null, final: null, hops: null });
    const safe = r.method === 'GET' || r.method === 'HEAD';
    if (r.status === 303 && safe) this.finding(route, 'see-other-for-get', one());
    if (r.status === 302 && r.method === 'POST') this.finding(route, 'found-after-post', one());
    if ((r.status === 302 || r.status === 303 || r.status === 307) && cacheable(r)) {
      this.finding(route, 'cacheable-temporary-redirect', one());
    }
    if (r.scheme === 'https' && r.location !== null && /^http:\/\//i.test(r.location)) {
      this.finding(route, 'insecure-downgrade', one());
    }
  }


  /** Every decided pair. */
  pair(p: Pair, c: Classification): void {
    const r = p.redirect;
    // The pairing engine numbers chains: every hop of one chain carries the number of its first redirect.
    let chain = this.chainOf.get(p.chain);
    if (chain) this.chainOf.delete(p.chain);
    else chain = { start: r, route: this.routeOf(r), hops: 0, duration: 0, durationKnown: true, violated: false };
    chain.hops++;
    if (r.duration !== null) chain.duration += r.duration;
    else chain.durationKnown = false;
    const route = this.routeOf(r);
    if (VIOLATION_FINDINGS.has(c.finding)) {
      route.violations++;
      chain.violated = true;
    }
    switch (p.kind) {
      case 'followed': {
        const f = p.followUp;
        if ((r.status === 307 || r.status === 308) && f.method === r.method && (f.status === 405 || f.status === 404 || f.status === 501)) {
          this.finding(route, 'target-rejects-repeated-method', this.example(chain, r, f, f));
        }
        if (r.status === 303 && f.method === 'GET' && f.status === 405) {
          this.finding(route, 'target-rejects-get', this.example(chain, r, f, f));
        }
        if (isRedirect(f.status) && !f.internal) {
          this.chainOf.set(p.chain, chain);
          return;
        }
        if (f.duration !== null) chain.duration += f.duration;
        else chain.durationKnown = false;
        this.complete(chain, r, f);
        return;
      }
      case 'missing-location':
        this.finding(route, 'missing-location', this.example(chain, r, null, null));
        this.incomplete(chain, r, false);
        return;
      case 'not-followed': {
        if (c.finding === 'open-at-end') return; // neither success nor failure: we cannot know yet
        // A permanent redirect of a GET the browser may follow from its cache: no request reaches the server.
        const cached = c.finding === 'unfollowed' && (r.status === 301 || r.status === 308) && (r.method === 'GET' || r.method === 'HEAD');
        if (cached) this.unknownEnding(chain, r, true);
        else this.incomplete(chain, r, p.loop);
        return;
      }
      case 'undetermined':
      case 'left-site':
        // Endings this log cannot know: a pair it cannot decide, a follow-up to a host these logs do not cover.
        this.unknownEnding(chain, r, false);
        return;
      default:
        unreachable(p, 'pair');
    }
  }

  private example(chain: ChainAcc, last: HttpRecord, followUp: HttpRecord | null, final: HttpRecord | null): RouteFinding['example'] {
    return {
      redirect: this.ref(chain.start === last ? last : chain.start),
      followUp: followUp ? this.ref(followUp) : null,
      final: final ? this.ref(final) : null,
      hops: chain.hops,
    };
  }

  /** A chain ended with a final answer `f`: its action moves from f's route (and minute) to where it started. */
  private complete(chain: ChainAcc, last: HttpRecord, f: HttpRecord): void {
    const ok = f.status < 400;
    // The final answer was counted as an action of its own route and minute, unless narrowing left it out.
    if (this.counts(f)) {
      this.routeOf(f).fig.action(ok, -1);
      this.minute(f.time)?.action(ok, -1);
    }
    const startMinute = this.minute(chain.start.time);
    chain.route.fig.action(ok);
    startMinute?.action(ok);
    const duration = chain.durationKnown ? chain.duration : null;
    for (const acc of [chain.route.fig, startMinute, this.overall]) acc?.chain(duration);
    if (!ok) {
      chain.route.failedChains++;
      this.finding(chain.route, 'masked-failure', this.example(chain, last, f, f));
    }
    if (!ok || chain.violated) chain.route.affected++;
    if (chain.hops > this.opts.maxHops) this.finding(chain.route, 'long-chain', this.example(chain, last, f, f));
  }

  /**
   * A chain whose ending this log cannot know: neither a success nor a failure (not an action), counted apart
   * (`uncertain`); an unfollowed GET 301/308 is named `possibly-cached`, not `masked-failure`.
   */
  private unknownEnding(chain: ChainAcc, last: HttpRecord, cached: boolean): void {
    for (const acc of [chain.route.fig, this.minute(chain.start.time), this.overall]) acc?.chain(null);
    chain.route.uncertain++;
    if (chain.violated) chain.route.affected++;
    if (cached) this.finding(chain.route, 'possibly-cached', this.example(chain, last, null, null));
  }

  /** A chain that never completed: one failed action where it started (`loop`: its client left a redirect loop). */
  private incomplete(chain: ChainAcc, last: HttpRecord, loop: boolean): void {
    chain.route.failedChains++;
    chain.route.affected++;
    for (const acc of [chain.route.fig, this.minute(chain.start.time), this.overall]) {
      if (!acc) continue;
      acc.action(false);
      acc.chain(null);
    }
    this.finding(chain.route, loop ? 'redirect-loop' : 'masked-failure', this.example(chain, last, null, null));
    if (chain.hops > this.opts.maxHops) this.finding(chain.route, 'long-chain', this.example(chain, last, null, null));
  }

  private finding(route: RouteAcc, name: ServerFinding, example: RouteFinding['example']): void {
    const f = route.findings.get(name);
    if (!f) route.findings.set(name, { count: 1, example });
    else {
      f.count++;
      // The earliest example, not the first decided: the same whatever order pairs are decided in, and what
      // merged reports keep (merge-reports.ts).
      if (compareRefs(example.redirect, f.example.redirect) < 0) f.example = example;
    }
  }

  /**
   * Routes under the templates learnt by the end: a route counted before its position turned variable
   * (`/old/page1` while only a few pages had been seen) joins its template (`/old/{var}`). The routes counted
   * are left as they are (a summary while following, then the final report, each fold them again).
   */
  private merged(): Map<string, RouteAcc> {
    const groups = new Map<string, RouteAcc[]>();
    for (const [name, acc] of this.routes) {
      const template = templateOf(this.templates, name);
      const group = groups.get(template);
      if (group) group.push(acc);
      else groups.set(template, [acc]);
    }
    const out = new Map<string, RouteAcc>();
    for (const [template, group] of groups) {
      if (group.length === 1) out.set(template, group[0]!);
      else {
        const into = newRoute();
        for (const acc of group) mergeRoute(into, acc);
        out.set(template, into);
      }
    }
    return out;
  }

  /** Chains still open: call after the pairing engine has flushed (they are none then, unless pairs were lost). */
  report(): MonitoringReport {
    const findings: RouteFinding[] = [];
    const routes: RouteReport[] = [];
    const affected = new Map<string, number>();
    for (const [name, acc] of this.merged()) {
      if (acc.redirectCodes.size > 1) {
        const codes = [...acc.redirectCodes.keys()].sort();
        const first = acc.redirectCodes.get(codes[0]!)!;
        acc.findings.set('mixed-redirect-codes', {
          count: codes.length,
          example: { redirect: first, followUp: null, final: null, hops: null },
        });
      }
      for (const [finding, { count, example }] of acc.findings) {
        findings.push({ finding, route: name, count, recommendation: recommend(finding, name, acc, example), example });
      }
      affected.set(name, acc.affected);
      routes.push({
        route: name,
        figures: acc.fig.figures(),
        statuses: statusCounts(acc.statuses),
        findings: rankedFindings(Object.fromEntries([...acc.findings].map(([k, v]) => [k, v.count]))),
        impact: { affected: acc.affected, violations: acc.violations, failedChains: acc.failedChains, uncertain: acc.uncertain },
      });
    }
    sortByImpact(findings, routes, affected);
    const { bucketSeconds, buckets } = this.buckets();
    return {
      overall: this.overall.figures(),
      bucketSeconds,
      buckets,
      routes,
      otherRoutes: this.other.fig.requests,
      findings,
    };
  }

  private buckets(): { bucketSeconds: number; buckets: TimeBucket[] } {
    return bucketsOf(this.minutes, this.opts.bucketSeconds);
  }

  /**
   * What the figures are made of, for a partial report that merges (`partial` in the report): the counts of the
   * whole, of each route, of the folded routes and of each minute, and the first redirect of each code per route.
   */
  state(): MonitoringState {
    const refs: Record<string, Record<string, RecordRef>> = {};
    const routes: Record<string, RawFigures> = {};
    for (const [name, acc] of this.merged()) {
      routes[name] = acc.fig.raw();
      if (acc.redirectCodes.size) refs[name] = Object.fromEntries([...acc.redirectCodes].map(([c, r]) => [String(c), r]));
    }
    return {
      bucketOption: this.opts.bucketSeconds,
      overall: this.overall.raw(),
      other: this.other.fig.raw(),
      routes,
      minutes: Object.fromEntries([...this.minutes].sort((a, b) => a[0] - b[0]).map(([k, acc]) => [String(k), acc.raw()])),
      redirectCodes: refs,
      templates: this.templates.toJSON(),
    };
  }
}

/** Earliest first: by time (none last), input name, line. */
export function compareRefs(a: RecordRef, b: RecordRef): number {
  if (a.time !== b.time) {
    if (a.time === null) return 1;
    if (b.time === null) return -1;
    return a.time < b.time ? -1 : 1;
  }
  return a.input < b.input ? -1 : a.input > b.input ? 1 : a.line - b.line;
}

/** A route's finding counts, most serious first (as in the table of findings), whatever order they came in. */
export function rankedFindings(findings: RouteReport['findings']): RouteReport['findings'] {
  const rank = (f: string) => SERVER_RANK.get(f as ServerFinding) ?? Number.MAX_SAFE_INTEGER;
  return Object.fromEntries(Object.entries(findings).sort(([a], [b]) => rank(a) - rank(b) || cmp(a, b)));
}

/** requests, ok, redirects, actions, actionsOk, chains, durSum, durN, chainDurSum, chainDurN. */
export type RawFigures = [number, number, number, number, number, number, number, number, number, number];

/**
 * Most serious finding first, and among routes with the same finding the one that affects the most traffic;
 * routes by impact: user actions affected (violations, failed chains), then violations, failed chains; then
 * routes with findings or redirects, then the busiest. Not by how many findings a route has. (Also used to
 * order merged reports.)
 */
export function sortByImpact(findings: RouteFinding[], routes: RouteReport[], affected: Map<string, number>): void {
  findings.sort(
    (a, b) =>
      SERVER_RANK.get(a.finding)! - SERVER_RANK.get(b.finding)! ||
      (affected.get(b.route) ?? 0) - (affected.get(a.route) ?? 0) ||
      b.count - a.count ||
      cmp(a.route, b.route),
  );
  const weight = (r: RouteReport) => (Object.keys(r.findings).length ? 2 : 0) + (r.figures.redirectShare ? 1 : 0);
  const impact = (r: RouteReport) => r.impact ?? { affected: 0, violations: 0, failedChains: 0, uncertain: 0 };
  routes.sort(
    (a, b) =>
      impact(b).affected - impact(a).affected ||
      impact(b).violations - impact(a).violations ||
      impact(b).failedChains - impact(a).failedChains ||
      weight(b) - weight(a) ||
      b.figures.requests - a.figures.requests ||
      cmp(a.route, b.route),
  );
}

export interface MonitoringState {
  /** `--bucket` in seconds, 0 when picked for at most 96 buckets. */
  bucketOption: number;
  overall: RawFigures;
  other: RawFigures;
  routes: Record<string, RawFigures>;
  /** By minute since the epoch. */
  minutes: Record<string, RawFigures>;
  /** Per route, the first redirect of each status code. */
  redirectCodes: Record<string, Record<string, RecordRef>>;
  /**
   * The route templates learnt (route-templates.ts), for a merge to learn what one run over all its parts
   * learns. Absent in partial reports made before templates were merged (their routes are not templated).
   */
  templates?: TemplatesJson;
}

/** A route (`METHOD path`) under the templates learnt. */
export function templateOf(templates: RouteTemplates, route: string): string {
  const sp = route.indexOf(' ');
  const method = route.slice(0, sp);
  return `${method} ${templates.template(method, route.slice(sp + 1))}`;
}

/** Per-minute counts into time buckets: `bucketSeconds` wide, or (0) the narrowest that gives at most 96. */
export function bucketsOf(minutes: Map<number, FigAcc>, bucketSeconds: number): { bucketSeconds: number; buckets: TimeBucket[] } {
  const keys = [...minutes.keys()].sort((a, b) => a - b);
  if (keys.length === 0) return { bucketSeconds: bucketSeconds || 60, buckets: [] };
  const span = (keys[keys.length - 1]! - keys[0]! + 1) * 60;
  const width =
    bucketSeconds > 0 ? bucketSeconds : (BUCKET_CHOICES.find((w) => span / w <= MAX_BUCKETS) ?? BUCKET_CHOICES[BUCKET_CHOICES.length - 1]!);
  const merged = new Map<number, FigAcc>();
  for (const k of keys) {
    const start = Math.floor((k * 60) / width) * width;
    let acc = merged.get(start);
    if (!acc) {
      acc = new FigAcc();
      merged.set(start, acc);
    }
    acc.add(minutes.get(k)!);
  }
  return {
    bucketSeconds: width,
    buckets: [...merged].map(([start, acc]) => ({ start: new Date(start * 1000).toISOString(), figures: acc.figures() })),
  };
}

function statusCounts(counts: Uint32Array): Record<string, number> {
  const out: Record<string, number> = {};
  for (let i = 0; i < counts.length; i++) if (counts[i]) out[String(i + 100)] = counts[i]!;
  return out;
}

function newRoute(): RouteAcc {
  return {
    fig: new FigAcc(),
    violations: 0,
    affected: 0,
    failedChains: 0,
    uncertain: 0,
    statuses: new Uint32Array(900),
    redirectCodes: new Map(),
    findings: new Map(),
  };
}

/** Raw paths kept as aliases of their template (each a map entry), so memory stays bounded on endless ids. */
const MAX_ALIASES = 50_000;

/**
 * Adds route `b`'s counts to `a`; the earliest example of each finding and the earliest redirect of each code
 * are kept (as a route keeps them, and as merged reports do: merge-reports.ts).
 */
function mergeRoute(a: RouteAcc, b: RouteAcc): void {
  a.fig.add(b.fig);
  a.violations += b.violations;
  a.affected += b.affected;
  a.failedChains += b.failedChains;
  a.uncertain += b.uncertain;
  for (let i = 0; i < a.statuses.length; i++) a.statuses[i]! += b.statuses[i]!;
  for (const [code, ref] of b.redirectCodes) {
    const mine = a.redirectCodes.get(code);
    if (!mine || compareRefs(ref, mine) < 0) a.redirectCodes.set(code, ref);
  }
  for (const [name, f] of b.findings) {
    const mine = a.findings.get(name);
    if (!mine) a.findings.set(name, { count: f.count, example: f.example });
    else {
      mine.count += f.count;
      if (compareRefs(f.example.redirect, mine.example.redirect) < 0) mine.example = f.example;
    }
  }
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A temporary redirect that caches may keep: Cache-Control max-age / s-maxage above 0, or an Expires. */
function cacheable(r: HttpRecord): boolean {
  const cc = r.cacheControl?.toLowerCase() ?? '';
  if (/no-store|no-cache|private/.test(cc)) return false;
  const m = /(?:s-maxage|max-age)\s*=\s*"?(\d+)/.exec(cc);
  if (m) return Number(m[1]) > 0;
  if (r.expires !== null && r.expires !== '' && r.expires !== '0' && r.expires !== '-1') {
    const t = Date.parse(r.expires);
    return Number.isNaN(t) || Number.isNaN(r.time) ? !Number.isNaN(t) : t > r.time;
  }
  return false;
}

/** The recommendation of a route finding, from its row of the table of findings, with the route's own figures. */
function recommend(finding: ServerFinding, route: string, acc: RouteAcc, ex: RouteFinding['example']): string {
  return recommendation(finding, route, ex, [...acc.redirectCodes.keys()].sort());
}

/** A route finding's recommendation from its example and the route's redirect codes (also for merged reports). */
export function recommendation(finding: ServerFinding, route: string, ex: RouteFinding['example'], codes: number[]): string {
  return serverFinding(finding)!.advise!({
    route,
    method: route.slice(0, route.indexOf(' ')),
    code: ex.redirect.status,
    target: ex.followUp?.url ?? ex.redirect.location ?? 'the target',
    location: ex.redirect.location,
    finalStatus: ex.final?.status ?? null,
    hops: ex.hops,
    codes,
  });
}
