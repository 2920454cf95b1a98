/**
 * The report model: one object that every renderer takes. Its JSON form is a public, versioned interface
 * (`schemaVersion`): scheduled jobs and dashboards read it, so fields are only ever added within a version.
 */
import { noViolations, type PairFinding, type ServerFinding, type Verdict, type ViolationCounts } from './findings.js';
import type { PairMode } from './pairing.js';
import type { SkipCode } from '../core/skip.js';
import type { MonitoringState } from './monitoring.js';

export const SCHEMA_VERSION = 1;

export type { ServerFinding, ViolationCounts };
/** Server-side and monitoring findings: the route and chain rows of the table of findings (`findings.ts`). */
export { SERVER_FINDINGS } from './findings.js';

/**
 * How pairs were decided. `undetermined`: the log could not decide them (they count in neither followed nor
 * unfollowed); `otherAgent`: followed from the same address under another User-Agent. Both are absent in
 * reports that have none, so reports of earlier versions read the same.
 */
export interface Pairing {
  exact: number;
  inferred: number;
  undetermined?: number;
  otherAgent?: number;
  /** In the totals: why pairs were undetermined, with how many each. */
  undeterminedWhy?: Record<string, number>;
}

/** A record as the report shows it: where it is in the input and what it said. */
export interface RecordRef {
  input: string;
  line: number;
  time: string | null;
  method: string;
  url: string;
  status: number;
  location: string | null;
}

export interface Example {
  finding: PairFinding;
  why: string;
  mode: PairMode;
  /** How sure the pairing is, 0 to 1 (1: the Location is logged; see docs/semantics.md, 3.3). */
  confidence: number;
  redirect: RecordRef;
  followUp: RecordRef | null;
}

export interface ClientReport {
  address: string;
  userAgent: string | null;
  verdict: Verdict;
  /** Every verdict that applies, most serious first. */
  verdicts: Verdict[];
  redirects: number;
  followed: number;
  unfollowed: number;
  /** How the pairs were decided: from a logged Location, inferred, or not at all (undetermined). */
  pairing: Pairing;
  violations: ViolationCounts;
  findings: Partial<Record<PairFinding, number>>;
  /** The first pair of each finding other than `followed` (or the first followed one when there is none). */
  examples: Example[];
}

export interface InputReport {
  name: string;
  format: string;
  bytes: number;
  linesRead: number;
  records: number;
  skipped: number;
  /** `code` and `detail` since 0.1.x (schemaVersion 1, added): `reason` is the detail, as before. */
  skippedExamples: { line: number; reason: string; code?: SkipCode; detail?: string; text: string }[];
  /** Entries kept with a part dropped (a HAR string over the size limit): how many, and the first few. */
  notes?: { count: number; examples: { line: number; code: 'field-dropped'; detail: string }[] };
  /**
   * Added within schemaVersion 1: the lines go on past the detected format (an extended log read as
   * `combined`), so their extra fields were not read: the first such line, the text past the format, and a
   * `--log-format` that would read it (`…` where a field's name cannot be guessed).
   */
  extraFields?: { line: number; text: string; rest: string; suggestion: string | null };
}

export interface Totals {
  linesRead: number;
  records: number;
  skipped: number;
  redirects: number;
  notModified: number;
  internalRedirects: number;
  followed: number;
  unfollowed: number;
  missingLocation: number;
  /** Redirects not followed when the input ended, with their window still open (neither followed nor unfollowed). */
  openAtEnd: number;
  pairing: Pairing;
  violations: ViolationCounts;
  findings: Partial<Record<PairFinding, number>>;
  clients: number;
  /** Clients dropped to keep memory flat (least recently seen first), past `--max-clients`. */
  evictedClients: number;
  verdicts: Partial<Record<Verdict, number>>;
}

/** Totals with every count at 0 (a run's, or a merge's, before it counts). */
export function emptyTotals(clients: number): Totals {
  return {
    linesRead: 0,
    records: 0,
    skipped: 0,
    redirects: 0,
    notModified: 0,
    internalRedirects: 0,
    followed: 0,
    unfollowed: 0,
    missingLocation: 0,
    openAtEnd: 0,
    pairing: { exact: 0, inferred: 0 },
    violations: noViolations(),
    findings: {},
    clients,
    evictedClients: 0,
    verdicts: {},
  };
}

export interface AuditReport {
  schemaVersion: typeof SCHEMA_VERSION;
  tool: { name: 'redirect-audit'; version: string };
  generatedAt: string;
  options: { windowSeconds: number; clientKey: 'address' | 'forwarded-for' };
  period: { first: string | null; last: string | null };
  inputs: InputReport[];
  totals: Totals;
  clients: ClientReport[];
  /** Inputs that ended early (truncated HAR, corrupt gzip): what was read before is in the figures. */
  errors: { code: string; message: string }[];
  /** Routes, chains, server-side findings and the monitoring figures they distort. */
  monitoring: MonitoringReport;
  /** Change since a previous report (`--baseline`), when one was given. */
  baseline?: BaselineDiff;
  /** Every pair, one row each: only when asked for (`--report arrow`), since it grows with the input. */
  pairs?: PairRow[];
  /**
   * The clients grouped by the software their User-Agent names (family and version), most serious first. Added
   * within schemaVersion 1 (absent in older reports): `clients` keeps one row per identity.
   */
  softwareGroups?: SoftwareGroup[];
  /**
   * Only in a partial report (`--partial`, `--shard`, `--nats`, and what `merge` writes): the counts behind the
   * figures and verdicts, so that reports merge exactly (`redirect-audit merge`, src/merge-reports.ts).
   */
  partial?: PartialState;
}

/** The clients whose User-Agents name one software (`curl 8.5.0`, `Chrome 131`): labels only, never a verdict input. */
export interface SoftwareGroup {
  /** `family version` (`curl 8.5.0`), or `(no User-Agent)`. */
  software: string;
  family: string;
  version: string | null;
  /** The most serious verdict of its clients. */
  verdict: Verdict;
  /** How many of its clients have each verdict (a client counts under every verdict that applies to it). */
  verdicts: Partial<Record<Verdict, number>>;
  /** Identities (address + User-Agent) in the group. */
  clients: number;
  /** Distinct addresses, and the first of them (at most 50), those with the most serious verdicts first. */
  addressCount: number;
  addresses: string[];
  /** Distinct User-Agent strings in the group. */
  userAgents: number;
  redirects: number;
  followed: number;
  unfollowed: number;
  violations: ViolationCounts;
}

/** What a report needs besides itself to be merged with others exactly. */
export interface PartialState {
  /** The clients this report covers: those whose address hashes to `index` of `count` (src/shard.ts). */
  shard?: { index: number; count: number; by: 'fnv1a32(address) mod count' };
  /** Shards merged into this report, when it is a merge of shards (their `index`es). */
  shards?: { count: number; indexes: number[] };
  /** Per client (`address` NUL `userAgent`): unfollowed redirects of unsafe requests (POST, ...), where above 0. */
  unfollowedUnsafe: Record<string, number>;
  /** Per client: followed redirects of unsafe requests, where above 0 (absent in reports of 0.x before it). */
  followedUnsafe?: Record<string, number>;
  monitoring: MonitoringState;
}

/** One redirect and what followed it, flat, for columnar output. */
export interface PairRow {
  clientAddress: string;
  clientUserAgent: string | null;
  finding: PairFinding;
  mode: PairMode;
  hop: number;
  /** The chain this redirect belongs to: one number for every hop of a chain. */
  chain: number;
  /** How sure the pairing is, 0 to 1 (1: the Location is logged). */
  confidence: number;
  input: string;
  line: number;
  time: string | null;
  method: string;
  url: string;
  route: string;
  status: number;
  location: string | null;
  followUpLine: number | null;
  followUpMethod: string | null;
  followUpUrl: string | null;
  followUpStatus: number | null;
  /** The follow-up came from the same address under this other User-Agent. */
  followUpUserAgent: string | null;
}

/** What changed since the baseline report. */
export interface BaselineDiff {
  /** Name of the baseline file and when it was generated. */
  file: string;
  generatedAt: string | null;
  /** Clients that mishandle 303/307/308 now and did not (or were absent) in the baseline. */
  newlyMishandling: { address: string; userAgent: string | null; verdicts: Verdict[] }[];
  /** Clients that mishandled in the baseline and are correct now. */
  fixed: { address: string; userAgent: string | null; verdicts: Verdict[] }[];
  /** Routes whose effective success moved by at least 1 point, or whose findings changed. */
  routes: {
    route: string;
    before: { effectiveSuccess: number | null; findings: Partial<Record<ServerFinding, number>> } | null;
    after: { effectiveSuccess: number | null; findings: Partial<Record<ServerFinding, number>> } | null;
  }[];
  totals: {
    violations: { before: number; after: number };
    effectiveSuccess: { before: number | null; after: number | null };
    apparentSuccess: { before: number | null; after: number | null };
  };
}

/** One server-side finding on one route: how often, one example, and what to do. */
export interface RouteFinding {
  finding: ServerFinding;
  /** The route (method + normalised path) the finding is about. */
  route: string;
  count: number;
  /** One line: which code the route should use and why. */
  recommendation: string;
  example: { redirect: RecordRef; followUp: RecordRef | null; final: RecordRef | null; hops: number | null };
}

/** Monitoring figures for one slice of traffic (everything, one route, or one time bucket). */
export interface Figures {
  requests: number;
  /** Share of requests answered below 400 (a redirect counts as a success): what per-request dashboards show. */
  apparentSuccess: number | null;
  /** User actions: chains (counted once, by how they ended) and requests that were neither redirect nor follow-up. */
  actions: number;
  /** Share of actions that ended below 400; a chain that never completes is a failure. */
  effectiveSuccess: number | null;
  /** Redirect responses (3xx, not 304) among requests: the double counting in per-request figures. */
  redirectShare: number | null;
  chains: number;
  /** Mean milliseconds per request and per chain (the sum of its hops), where the log has request time. */
  latencyPerRequestMs: number | null;
  latencyPerChainMs: number | null;
}

export interface RouteReport {
  /** `METHOD /normalised/path/{id}` */
  route: string;
  figures: Figures;
  statuses: Record<string, number>;
  findings: Partial<Record<ServerFinding, number>>;
  /**
   * What the route's redirects did to the traffic, what routes are ranked by (added within schemaVersion 1):
   * `affected` user actions (chains started here that failed or broke a code's rule), `violations` (redirects
   * whose follow-up broke the rule), `failedChains` (masked failures), `uncertain` (chains whose ending the log
   * cannot know: possibly cached, undetermined, left the site).
   */
  impact?: { affected: number; violations: number; failedChains: number; uncertain: number };
}

export interface TimeBucket {
  /** ISO start of the bucket. */
  start: string;
  figures: Figures;
}

/** The monitoring half of the report (issue: ops reports). */
export interface MonitoringReport {
  overall: Figures;
  /** Bucket width in seconds. */
  bucketSeconds: number;
  buckets: TimeBucket[];
  /** Routes by impact (`RouteReport.impact`: affected actions, violations, failed chains), then the busiest. */
  routes: RouteReport[];
  /** Routes beyond the limit, folded into one figure. */
  otherRoutes: number;
  findings: RouteFinding[];
}
