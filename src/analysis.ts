/**
 * The analysis: records in (in merged order), pairs out of the pairing engine, each pair classified and
 * counted per client; `report()` builds the report model.
 */
import { classify, verdictsOf, type Classification } from './classify.js';
import { noViolations, PAIR_RANK, UNFOLLOWED_FINDINGS, VERDICT_RANK, VIOLATION_OF, violationTotal, type PairFinding } from './findings.js';
import { isRedirect, type HttpRecord, type InputStats } from '../core/model.js';
import { DEFAULT_PAIRING, followUpOf, PairingEngine, splitClientKey, type Pair, type PairingOptions } from './pairing.js';
import type { AuditReport, ClientReport, Example, RecordRef, Totals, ViolationCounts } from './report.js';
import { emptyTotals, SCHEMA_VERSION } from './report.js';
import { VERSION } from '../core/version.js';
import { detach, intern } from '../core/strings.js';
import { unreachable } from '../core/unreachable.js';
import { Monitoring, type MonitoringOptions, type MonitoringState } from './monitoring.js';
import { routeOf } from './routes.js';
import type { PairRow, PartialState } from './report.js';
import { softwareGroups } from './software.js';

export interface AnalyzeOptions extends Partial<PairingOptions> {
  /** Called for every decided pair, as soon as it is decided (live use). */
  onPair?: ((pair: Pair, c: Classification) => void) | undefined;
  /** Route and chain analysis settings. */
  monitoring?: Partial<MonitoringOptions> | undefined;
  /** Keep one row per pair in the report (`pairs`): memory grows with the input, so only for columnar output. */
  collectPairs?: boolean | undefined;
  /** Count only the redirects this accepts (`--route`, `--status`); their follow-ups are read regardless. */
  redirectFilter?: ((r: HttpRecord) => boolean) | undefined;
  /**
   * Report only the records this accepts (`--client`, `--since/--until`). Pairing still sees every record, so
   * a client gets the same findings narrowed or not.
   */
  recordFilter?: ((r: HttpRecord) => boolean) | undefined;
  /** Clients tracked at most; past this the least recently seen is dropped and counted (live streams). */
  maxClients?: number | undefined;
  /** Add what merging needs (`partial` in the report: src/merge-reports.ts). */
  partial?: boolean | undefined;
}

interface ClientAcc {
  redirects: number;
  followed: number;
  unfollowed: number;
  /** Unfollowed redirects of unsafe requests (POST, PUT, ...): strong evidence of not following. */
  unfollowedUnsafe: number;
  /** Followed redirects of unsafe requests: a client seen following them, when one is left (see `verdictsOf`). */
  followedUnsafe: number;
  exact: number;
  inferred: number;
  undetermined: number;
  otherAgent: number;
  misresolved: number;
  /** Of the unfollowed, those whose original was re-sent instead (original-retried). */
  retried: number;
  /** For the totals only: why pairs were undetermined (a handful of reasons). */
  why?: Map<string, number>;
  violations: ViolationCounts;
  findings: Partial<Record<PairFinding, number>>;
  /** The earliest pair of each finding, in the order the findings were first met (a Map of a few costs ~180 bytes). */
  examples: Example[];
}

function newClientAcc(): ClientAcc {
  return {
    redirects: 0,
    followed: 0,
    unfollowed: 0,
    unfollowedUnsafe: 0,
    followedUnsafe: 0,
    exact: 0,
    inferred: 0,
    undetermined: 0,
    otherAgent: 0,
    misresolved: 0,
    retried: 0,
    violations: NO_VIOLATIONS,
    findings: {},
    examples: [],
  };
}

/** Where a client's example of this finding is in its list, or -1. */
function indexOfFinding(examples: Example[], finding: PairFinding): number {
  for (let i = 0; i < examples.length; i++) if (examples[i]!.finding === finding) return i;
  return -1;
}

/**
 * The counts of a client with no violation (most clients): shared, and frozen so that nothing can count into it
 * (`count` gives a client its own at its first violation). Three array-index keys make V8 keep a dictionary of
 * elements for each, ~190 bytes a client (6 MB of the 10M-line log's 33.9k clients).
 */
const NO_VIOLATIONS: ViolationCounts = Object.freeze(noViolations());

/** One pair into a client's (or the overall) counts. */
function count(acc: ClientAcc, p: Pair, c: Classification): void {
  acc.redirects++;
  if (p.kind === 'followed') {
    acc.followed++;
    if (p.otherAgent !== null) acc.otherAgent++;
    if (p.redirect.method !== 'GET' && p.redirect.method !== 'HEAD') acc.followedUnsafe++;
  } else if (UNFOLLOWED_FINDINGS.has(c.finding)) {
    acc.unfollowed++;
    // A re-sent original (a second click on Pay while the first was on its way) is a duplicate-submission
    // risk of its own, not the sign of a client that does not follow: the verdict counts only what was left.
    if (c.finding === 'original-retried') acc.retried++;
    else if (p.redirect.method !== 'GET' && p.redirect.method !== 'HEAD') acc.unfollowedUnsafe++;
  }
  if (p.kind === 'undetermined') {
    acc.undetermined++;
    if (acc.why) acc.why.set(p.reason, (acc.why.get(p.reason) ?? 0) + 1);
  } else if (p.mode === 'exact') acc.exact++;
  else acc.inferred++;
  if (c.finding === 'location-misresolved') acc.misresolved++;
  acc.findings[c.finding] = (acc.findings[c.finding] ?? 0) + 1;
  const v = VIOLATION_OF.get(c.finding);
  if (v) {
    if (acc.violations === NO_VIOLATIONS) acc.violations = noViolations();
    acc.violations[v]++;
  }
}

export class Analyzer {
  readonly options: PairingOptions;
  private readonly engine: PairingEngine;
  private readonly clients = new Map<string, ClientAcc>();
  private readonly onPair: AnalyzeOptions['onPair'];
  private readonly monitoring: Monitoring;
  private readonly pairRows: PairRow[] | null;
  private readonly redirectFilter: ((r: HttpRecord) => boolean) | undefined;
  private readonly recordFilter: ((r: HttpRecord) => boolean) | undefined;
  private readonly maxClients: number;
  private evicted = 0;
  private readonly partial: boolean;
  /** Every pair counted, whatever became of its client's entry. */
  private readonly all: ClientAcc = { ...newClientAcc(), why: new Map() };
  private inputNames: string[] = [];
  private records = 0;
  private notModified = 0;
  private internal = 0;
  private first = Number.POSITIVE_INFINITY;
  private last = Number.NEGATIVE_INFINITY;

  constructor(opts: AnalyzeOptions = {}) {
    const { onPair, monitoring, collectPairs, redirectFilter, recordFilter, maxClients, partial, ...pairing } = opts;
    this.partial = partial ?? false;
    this.maxClients = maxClients ?? 1_000_000;
    this.redirectFilter = redirectFilter;
    this.recordFilter = recordFilter;
    const counts =
      recordFilter && redirectFilter ? (r: HttpRecord) => recordFilter(r) && redirectFilter(r) : (recordFilter ?? redirectFilter);
    this.options = { ...DEFAULT_PAIRING, ...stripUndefined(pairing) };
    this.onPair = onPair;
    this.monitoring = new Monitoring((r) => this.ref(r), monitoring ? stripUndefined(monitoring) : {}, counts);
    this.pairRows = collectPairs ? [] : null;
    this.engine = new PairingEngine((p) => this.take(p), this.options);
  }

  /** Names of the inputs, by index, for the examples. */
  setInputNames(names: string[]): void {
    this.inputNames = names;
  }

  push(r: HttpRecord): void {
    if (this.recordFilter && !this.recordFilter(r)) {
      this.engine.push(r);
      return;
    }
    this.records++;
    const t = r.time;
    if (t < this.first) this.first = t;
    if (t > this.last) this.last = t;
    if (r.status === 304) this.notModified++;
    else if (r.internal && isRedirect(r.status)) this.internal++;
    this.monitoring.record(r);
    this.engine.push(r);
  }

  private take(p: Pair): void {
    if (this.redirectFilter && !this.redirectFilter(p.redirect)) return;
    if (this.recordFilter && !this.recordFilter(p.redirect)) return;
    const c = classify(p);
    let acc = this.clients.get(p.client);
    if (acc) {
      // Most recently seen last: the map's order is the eviction order.
      this.clients.delete(p.client);
      this.clients.set(p.client, acc);
    } else {
      if (this.clients.size >= this.maxClients) {
        this.clients.delete(this.clients.keys().next().value!);
        this.evicted++;
      }
      acc = newClientAcc();
      this.clients.set(detach(p.client), acc);
    }
    count(acc, p, c);
    // The totals count every pair, also those of clients dropped by --max-clients.
    count(this.all, p, c);
    // The earliest pair of each finding (pairs are decided in the order their evidence allows, not by time).
    const at = indexOfFinding(acc.examples, c.finding);
    // (A new array of the exact length: one pushed to, or spread into, has room for 17: 150 bytes for one or two.)
    if (at < 0) acc.examples = acc.examples.concat([this.example(p, c)]);
    else if (this.earlier(p.redirect, acc.examples[at]!.redirect)) acc.examples[at] = this.example(p, c);
    this.monitoring.pair(p, c);
    if (this.pairRows) this.pairRows.push(this.row(p, c));
    this.onPair?.(p, c);
  }

  /** `r` comes before the example's redirect (by time, then input and line; as merged reports choose: `compareRefs`). */
  private earlier(r: HttpRecord, ref: RecordRef): boolean {
    const t = this.iso(r.time);
    if (t !== ref.time) return t !== null && (ref.time === null || t < ref.time);
    const input = this.inputNames[r.input] ?? String(r.input);
    return input < ref.input || (input === ref.input && r.line < ref.line);
  }

  private isoTime = Number.NaN;
  private isoText: string | null = null;

  /** A record's time as the report writes it (consecutive pairs nearly always share their second: built once). */
  private iso(time: number): string | null {
    if (Number.isNaN(time)) return null;
    if (time !== this.isoTime) {
      this.isoTime = time;
      this.isoText = new Date(time).toISOString();
    }
    return this.isoText;
  }

  /** A record as the report shows it; its strings are copies, so keeping it does not keep the input. */
  private ref(r: HttpRecord): RecordRef {
    return {
      input: this.inputNames[r.input] ?? String(r.input),
      line: r.line,
      time: this.iso(r.time),
      method: detach(r.method),
      url: intern(r.host ? `//${r.host}${r.target}` : r.target),
      status: r.status,
      location: r.location === null ? null : intern(r.location),
    };
  }

  private row(p: Pair, c: Classification): PairRow {
    const r = this.ref(p.redirect);
    const f = followUpOf(p);
    const { address, userAgent } = splitClientKey(p.client);
    return {
      clientAddress: address,
      clientUserAgent: userAgent,
      finding: c.finding,
      mode: p.mode,
      hop: p.hop,
      chain: p.chain,
      confidence: p.confidence,
      input: r.input,
      line: r.line,
      time: r.time,
      method: r.method,
      url: r.url,
      route: routeOf(p.redirect.method, p.redirect.target),
      status: r.status,
      location: r.location,
      followUpLine: f ? f.line : null,
      followUpMethod: f ? f.method : null,
      followUpUrl: f ? this.ref(f).url : null,
      followUpStatus: f ? f.status : null,
      followUpUserAgent: p.kind === 'followed' ? p.otherAgent : null,
    };
  }

  private example(p: Pair, c: Classification): Example {
    const shown = requestAfter(p);
    return {
      finding: c.finding,
      why: intern(c.why),
      mode: p.mode,
      confidence: p.confidence,
      redirect: this.ref(p.redirect),
      followUp: shown ? this.ref(shown) : null,
    };
  }

  /** Moves the pairing clock (live input gone quiet). */
  advance(time: number): void {
    this.engine.advance(time);
  }

  /** The highest timestamp seen. */
  get now(): number {
    return this.engine.now;
  }

  /** A flat row for one pair (NDJSON lines while following, Arrow tables). */
  rowOf(p: Pair, c: Classification): PairRow {
    return this.row(p, c);
  }

  /** The report so far, without closing anything (periodic summaries while following). */
  snapshot(inputs: InputStats[]): AuditReport {
    return this.build(inputs, []);
  }

  /** Ends the input (every open redirect is decided) and builds the report. */
  finish(inputs: InputStats[], errors: { code: string; message: string }[] = []): AuditReport {
    this.engine.flush();
    return this.build(inputs, errors);
  }

  private partialState(): PartialState {
    return partialOf(this.clients, this.monitoring.state());
  }

  private build(inputs: InputStats[], errors: { code: string; message: string }[]): AuditReport {
    const clients: ClientReport[] = [];
    const totals: Totals = {
      ...emptyTotals(this.clients.size),
      records: this.records,
      notModified: this.notModified,
      internalRedirects: this.internal,
      evictedClients: this.evicted,
    };
    for (const s of inputs) {
      totals.linesRead += s.linesRead;
      totals.skipped += s.skipped;
    }
    for (const [key, a] of this.clients) {
      const { address, userAgent } = splitClientKey(key);
      const verdicts = verdictsOf(a.violations, a.unfollowed - a.retried, a.followed, a.unfollowedUnsafe, a.misresolved, a.redirects - a.undetermined, a.followedUnsafe);
      const examples = a.examples
        .filter((e) => e.finding !== 'followed')
        .sort((x, y) => PAIR_RANK.get(x.finding)! - PAIR_RANK.get(y.finding)!);
      if (examples.length === 0) {
        const f = indexOfFinding(a.examples, 'followed');
        if (f >= 0) examples.push(a.examples[f]!);
      }
      clients.push({
        address,
        userAgent,
        verdict: verdicts[0]!,
        verdicts,
        redirects: a.redirects,
        followed: a.followed,
        unfollowed: a.unfollowed,
        pairing: pairingOf(a),
        // (Its own object in the report, which a caller may change.)
        violations: a.violations === NO_VIOLATIONS ? noViolations() : a.violations,
        findings: sortKeys(a.findings),
        examples,
      });
    }
    const all = this.all;
    totals.redirects = all.redirects;
    totals.followed = all.followed;
    totals.unfollowed = all.unfollowed;
    totals.missingLocation = all.findings['missing-location'] ?? 0;
    totals.openAtEnd = all.findings['open-at-end'] ?? 0;
    totals.pairing = pairingOf(all);
    totals.violations = { ...all.violations };
    totals.findings = sortKeys({ ...all.findings });
    clients.sort(compareClients);
    // Counted in the clients' order, as a merge counts them: the same report, key for key.
    for (const c of clients) totals.verdicts[c.verdict] = (totals.verdicts[c.verdict] ?? 0) + 1;
    return {
      schemaVersion: SCHEMA_VERSION,
      tool: { name: 'redirect-audit', version: VERSION },
      generatedAt: new Date().toISOString(),
      options: { windowSeconds: this.options.windowMs / 1000, clientKey: this.options.clientKey },
      period: {
        first: Number.isFinite(this.first) ? new Date(this.first).toISOString() : null,
        last: Number.isFinite(this.last) ? new Date(this.last).toISOString() : null,
      },
      inputs: inputs.map((s) => ({
        name: s.name,
        format: s.format,
        bytes: s.bytes,
        linesRead: s.linesRead,
        records: s.records,
        skipped: s.skipped,
        skippedExamples: s.skippedExamples.map(({ line, reason, text }) => ({ line, reason, text })),
      })),
      totals,
      clients,
      errors,
      monitoring: this.monitoring.report(),
      ...(this.pairRows ? { pairs: this.pairRows } : {}),
      softwareGroups: softwareGroups(clients),
      ...(this.partial ? { partial: this.partialState() } : {}),
    };
  }
}

/** The client's request an example shows after the redirect: its follow-up, or the original it re-sent instead. */
function requestAfter(p: Pair): HttpRecord | null {
  switch (p.kind) {
    case 'followed':
      return p.followUp;
    case 'not-followed':
      return p.retried;
    case 'missing-location':
    case 'left-site':
    case 'undetermined':
      return null;
    default:
      return unreachable(p, 'pair');
  }
}

/** Added to the report with `partial`: what merging needs beyond the report. */
function partialOf(clients: Map<string, ClientAcc>, monitoring: MonitoringState): PartialState {
  const unsafe: Record<string, number> = {};
  const followedUnsafe: Record<string, number> = {};
  for (const [key, a] of clients) {
    if (a.unfollowedUnsafe > 0) unsafe[key] = a.unfollowedUnsafe;
    if (a.followedUnsafe > 0) followedUnsafe[key] = a.followedUnsafe;
  }
  return { unfollowedUnsafe: unsafe, followedUnsafe, monitoring };
}

/** The pairing counts; `undetermined` and `otherAgent` only where there are some (older reports read the same). */
function pairingOf(a: ClientAcc): ClientReport['pairing'] {
  return {
    exact: a.exact,
    inferred: a.inferred,
    ...(a.undetermined ? { undetermined: a.undetermined } : {}),
    ...(a.otherAgent ? { otherAgent: a.otherAgent } : {}),
    ...(a.why?.size ? { undeterminedWhy: Object.fromEntries([...a.why].sort((x, y) => y[1] - x[1])) } : {}),
  };
}

export function compareClients(a: ClientReport, b: ClientReport): number {
  const va = violationTotal(a.violations);
  const vb = violationTotal(b.violations);
  return (
    VERDICT_RANK.get(a.verdict)! - VERDICT_RANK.get(b.verdict)! ||
    vb - va ||
    b.unfollowed - a.unfollowed ||
    b.redirects - a.redirects ||
    (a.address < b.address ? -1 : a.address > b.address ? 1 : 0) ||
    ((a.userAgent ?? '') < (b.userAgent ?? '') ? -1 : (a.userAgent ?? '') > (b.userAgent ?? '') ? 1 : 0)
  );
}

function sortKeys<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) as T;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
