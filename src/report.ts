/**
 * The report model: one object that every renderer takes. Its JSON form is a public, versioned interface
 * (`schemaVersion`): scheduled jobs and dashboards read it, so fields are only ever added within a version.
 */
import type { PairFinding, Verdict } from './classify.js';
import type { PairMode } from './pairing.js';

export const SCHEMA_VERSION = 1;

export type ViolationCounts = { '303': number; '307': number; '308': number };

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
  pairing: { exact: number; inferred: number };
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
  skippedExamples: { line: number; reason: string; text: string }[];
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
  pairing: { exact: number; inferred: number };
  violations: ViolationCounts;
  findings: Partial<Record<PairFinding, number>>;
  clients: number;
  verdicts: Partial<Record<Verdict, number>>;
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
}
