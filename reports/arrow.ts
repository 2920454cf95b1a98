/**
 * The Arrow report: the report model as columnar tables for DuckDB, pandas and Polars.
 *
 * Design. An Arrow IPC stream or file holds exactly one schema, and the report has three tables of different
 * shapes: pairs (one row per redirect), route findings (one row per finding and route) and clients (one row per
 * client). Putting them in one table with a `kind` column would make every column nullable and every query start
 * with a filter, and would lie about types (a finding's `count` and a pair's `hop` would share a column or sit
 * beside a wall of nulls). So each table is its own Arrow document:
 *
 * - `renderArrowTables(report)` returns `{ 'pairs.arrow', 'findings.arrow', 'clients.arrow' }`, each an IPC *file*
 *   (the random-access format with a footer, magic `ARROW1`, the same as Feather v2), which `polars.read_ipc`,
 *   `pandas.read_feather`, `pyarrow.ipc.open_file` and DuckDB (via pyarrow, or the nanoarrow extension's
 *   `read_arrow`) open directly. The CLI writes them into the directory given by `-o DIR`.
 * - `renderArrow(report)` returns the pairs table alone as an IPC *stream*, for `--report arrow | python ...`
 *   (a pipe cannot seek to a file footer). The pairs are the table that grows with the input and that the
 *   other two summarise, so it is the one worth piping.
 *
 * Types. Strings are Utf8; the low-cardinality ones (finding, mode, method, route, input, verdict, user agent) are
 * dictionary-encoded, which pandas and Polars read as Categorical. HTTP status and hop are Int32.
 * Line numbers and counts are Int64: a gzipped month of a busy site passes 2^31 lines, and Int64 is what DuckDB's
 * `count(*)`, pandas and Polars use for counts, so joins and sums need no cast. Times are Timestamp(ms, UTC) from
 * the report's ISO strings. A column is nullable exactly where the report model field is (`string | null`).
 * Column names are snake_case (so SQL needs no quoting); each table's schema metadata carries the report's
 * `schemaVersion`, tool version and `generatedAt` under `redirect-audit.*`.
 */
import {
  Dictionary,
  Field,
  Float64,
  Int32,
  Int64,
  List,
  RecordBatch,
  Schema,
  Struct,
  Table,
  TimestampMillisecond,
  Utf8,
  makeData,
  tableToIPC,
  vectorFromArray,
  type DataType,
} from 'apache-arrow';
import { AuditError } from '../core/errors.js';
import type { AuditReport, ClientReport, PairRow, RouteFinding } from '../src/report.js';

/** File names of `renderArrowTables`, in the order a reader meets them. */
export const ARROW_TABLES = ['pairs.arrow', 'findings.arrow', 'clients.arrow'] as const;
export type ArrowTableName = (typeof ARROW_TABLES)[number];

/** One column: its name, Arrow type, whether it may be null, and how to get its value from a row. */
interface Column<R> {
  name: string;
  type: () => DataType;
  nullable: boolean;
  value: (row: R) => string | number | bigint | string[] | null;
}

// Types are made per table (a factory, not a shared instance) so that every dictionary column gets its own id.
const utf8 = () => new Utf8();
const float64 = () => new Float64();
const dict = () => new Dictionary(new Utf8(), new Int32());
const int32 = () => new Int32();
const int64 = () => new Int64();
const timestamp = () => new TimestampMillisecond('UTC');
const utf8List = () => new List(new Field('item', new Utf8(), false));

const big = (n: number): bigint => BigInt(n);
const bigOrNull = (n: number | null): bigint | null => (n === null ? null : BigInt(n));
/** Milliseconds since the epoch from the report's ISO time; null stays null. */
const millis = (iso: string | null): number | null => {
  if (iso === null) return null;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? null : ms;
};

const col = <R>(
  name: string,
  type: () => DataType,
  nullable: boolean,
  value: Column<R>['value'],
): Column<R> => ({ name, type, nullable, value });

/** Every `PairRow` field, in the model's order. */
export const PAIR_COLUMNS: Column<PairRow>[] = [
  col('client_address', utf8, false, (p) => p.clientAddress),
  col('client_user_agent', dict, true, (p) => p.clientUserAgent),
  col('finding', dict, false, (p) => p.finding),
  col('mode', dict, false, (p) => p.mode),
  col('hop', int32, false, (p) => p.hop),
  col('chain', int64, false, (p) => big(p.chain)),
  col('confidence', float64, false, (p) => p.confidence),
  col('input', dict, false, (p) => p.input),
  col('line', int64, false, (p) => big(p.line)),
  col('time', timestamp, true, (p) => millis(p.time)),
  col('method', dict, false, (p) => p.method),
  col('url', utf8, false, (p) => p.url),
  col('route', dict, false, (p) => p.route),
  col('status', int32, false, (p) => p.status),
  col('location', utf8, true, (p) => p.location),
  col('follow_up_line', int64, true, (p) => bigOrNull(p.followUpLine)),
  col('follow_up_method', dict, true, (p) => p.followUpMethod),
  col('follow_up_url', utf8, true, (p) => p.followUpUrl),
  col('follow_up_status', int32, true, (p) => p.followUpStatus),
  col('follow_up_user_agent', dict, true, (p) => p.followUpUserAgent),
];

/** One row per route finding; the `example_*` columns describe its example redirect and what followed it. */
export const FINDING_COLUMNS: Column<RouteFinding>[] = [
  col('finding', dict, false, (f) => f.finding),
  col('route', dict, false, (f) => f.route),
  col('count', int64, false, (f) => big(f.count)),
  col('recommendation', utf8, false, (f) => f.recommendation),
  col('example_input', dict, false, (f) => f.example.redirect.input),
  col('example_line', int64, false, (f) => big(f.example.redirect.line)),
  col('example_time', timestamp, true, (f) => millis(f.example.redirect.time)),
  col('example_method', dict, false, (f) => f.example.redirect.method),
  col('example_url', utf8, false, (f) => f.example.redirect.url),
  col('example_status', int32, false, (f) => f.example.redirect.status),
  col('example_location', utf8, true, (f) => f.example.redirect.location),
  col('example_follow_up_line', int64, true, (f) => bigOrNull(f.example.followUp?.line ?? null)),
  col('example_follow_up_method', dict, true, (f) => f.example.followUp?.method ?? null),
  col('example_follow_up_url', utf8, true, (f) => f.example.followUp?.url ?? null),
  col('example_follow_up_status', int32, true, (f) => f.example.followUp?.status ?? null),
  col('example_final_url', utf8, true, (f) => f.example.final?.url ?? null),
  col('example_final_status', int32, true, (f) => f.example.final?.status ?? null),
  col('example_hops', int32, true, (f) => f.example.hops),
];

/** One row per client: its verdicts and counts (its examples are in the JSON report; its pairs in pairs.arrow). */
export const CLIENT_COLUMNS: Column<ClientReport>[] = [
  col('address', utf8, false, (c) => c.address),
  col('user_agent', dict, true, (c) => c.userAgent),
  col('verdict', dict, false, (c) => c.verdict),
  col('verdicts', utf8List, false, (c) => c.verdicts),
  col('redirects', int64, false, (c) => big(c.redirects)),
  col('followed', int64, false, (c) => big(c.followed)),
  col('unfollowed', int64, false, (c) => big(c.unfollowed)),
  col('pairing_exact', int64, false, (c) => big(c.pairing.exact)),
  col('pairing_inferred', int64, false, (c) => big(c.pairing.inferred)),
  col('violations_303', int64, false, (c) => big(c.violations['303'])),
  col('violations_307', int64, false, (c) => big(c.violations['307'])),
  col('violations_308', int64, false, (c) => big(c.violations['308'])),
];

/** A table of one record batch (possibly of zero rows, so that even an empty table carries its schema). */
function toTable<R>(name: string, columns: Column<R>[], rows: readonly R[], report: AuditReport): Table {
  const fields = columns.map((c) => new Field(c.name, c.type(), c.nullable));
  const metadata = new Map([
    ['redirect-audit.table', name],
    ['redirect-audit.schemaVersion', String(report.schemaVersion)],
    ['redirect-audit.version', report.tool.version],
    ['redirect-audit.generatedAt', report.generatedAt],
  ]);
  const schema = new Schema(fields, metadata);
  // vectorFromArray builds one chunk (its builder has no high-water mark), so each column is one Data. One batch
  // keeps each dictionary to one message, which the IPC file format requires (it allows no replacement).
  const children = columns.map((c, i) => vectorFromArray(rows.map(c.value), fields[i]!.type).data[0]!);
  const data = makeData({ type: new Struct(fields), length: rows.length, nullCount: 0, children });
  return new Table(schema, [new RecordBatch(schema, data)]);
}

function pairsOf(report: AuditReport): PairRow[] {
  if (!report.pairs) {
    throw new AuditError('USAGE', 'the Arrow report needs every pair: analyze with collectPairs: true (--report arrow sets it)');
  }
  return report.pairs;
}

export function pairsTable(report: AuditReport): Table {
  return toTable('pairs', PAIR_COLUMNS, pairsOf(report), report);
}

export function findingsTable(report: AuditReport): Table {
  return toTable('findings', FINDING_COLUMNS, report.monitoring.findings, report);
}

export function clientsTable(report: AuditReport): Table {
  return toTable('clients', CLIENT_COLUMNS, report.clients, report);
}

/** The three tables as Arrow IPC files, by file name, for `-o DIR`. */
export function renderArrowTables(report: AuditReport): Record<ArrowTableName, Uint8Array> {
  return {
    'pairs.arrow': tableToIPC(pairsTable(report), 'file'),
    'findings.arrow': tableToIPC(findingsTable(report), 'file'),
    'clients.arrow': tableToIPC(clientsTable(report), 'file'),
  };
}

/** The pairs table as one Arrow IPC stream, for stdout. */
export function renderArrow(report: AuditReport): Uint8Array {
  return tableToIPC(pairsTable(report), 'stream');
}
