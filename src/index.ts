/**
 * The library: the pipeline (read, parse, merge, pair, classify, aggregate) callable from code. The reporters
 * are the layer above: `redirect-audit/reports`.
 */
export { analyzeFiles, type RunOptions } from './run.js';
export { Analyzer, type AnalyzeOptions } from './analysis.js';
export {
  followUpOf,
  PairingEngine,
  resolveLocation,
  type FollowedPair,
  type LeftSitePair,
  type MissingLocationPair,
  type NotFollowedPair,
  type Pair,
  type PairingOptions,
  type PairKind,
  type UndeterminedPair,
} from './pairing.js';
export { classify, verdictsOf, PAIR_FINDINGS, VERDICTS, type PairFinding, type Verdict } from './classify.js';
export {
  FINDINGS,
  SERVER_FINDINGS,
  VERDICT_TABLE,
  VIOLATIONS,
  violationTotal,
  type Finding,
  type ServerFinding,
  type VerdictRow,
} from './findings.js';
export { AuditError, type AuditErrorCode } from '../core/errors.js';
export { isRedirect, emptyRecord, type HttpRecord, type InputStats, type SkippedLine } from '../core/model.js';
export type { AuditReport, ClientReport, Example, RecordRef } from './report.js';
export { SCHEMA_VERSION } from './report.js';
export { compileLogFormat, lineFormats, detectLineFormat, parseHar, looksLikeHar } from '../parsers/index.js';
