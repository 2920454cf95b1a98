/**
 * The Arrow report: three tables (pairs, findings, clients) that read back, through apache-arrow's own IPC
 * reader, to exactly what the JSON report says, with the column types the renderer declares, nulls where the
 * model has null, and a schema even when there is not a single row.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tableFromIPC, type Table } from 'apache-arrow';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileLogFormat } from '../parsers/log-format.js';
import { ARROW_TABLES, renderArrow, renderArrowTables } from '../reports/arrow.js';
import { renderJson } from '../reports/json.js';
import { AuditError } from '../core/errors.js';
import type { AuditReport, ClientReport, PairRow, RouteFinding } from '../src/report.js';
import { analyzeFiles } from '../src/run.js';
import { FULL_FORMAT, ROOT } from './exec.js';

const SAMPLE = `${ROOT}samples/capture-full.log`;
const format = () => compileLogFormat('full', FULL_FORMAT);

/** The report as a JSON consumer sees it: the renderers must agree with this, not with in-memory objects. */
const viaJson = (r: AuditReport): AuditReport => JSON.parse(renderJson(r)) as AuditReport;

type Cell = unknown;
const num = (v: Cell): number | null => (v === null ? null : Number(v as bigint | number));
const iso = (v: Cell): string | null => (v === null ? null : new Date(v as number).toISOString());
const str = (v: Cell): string | null => (v === null ? null : String(v));

function rows(table: Table): Record<string, Cell>[] {
  return table.toArray().map((r: { toJSON(): Record<string, Cell> }) => r.toJSON());
}

/** A pairs row back in the model's shape. */
function pairOf(r: Record<string, Cell>): PairRow {
  return {
    clientAddress: str(r.client_address)!,
    clientUserAgent: str(r.client_user_agent),
    finding: str(r.finding) as PairRow['finding'],
    mode: str(r.mode) as PairRow['mode'],
    hop: num(r.hop)!,
    chain: num(r.chain)!,
    confidence: num(r.confidence)!,
    input: str(r.input)!,
    line: num(r.line)!,
    time: iso(r.time),
    method: str(r.method)!,
    url: str(r.url)!,
    route: str(r.route)!,
    status: num(r.status)!,
    location: str(r.location),
    followUpLine: num(r.follow_up_line),
    followUpMethod: str(r.follow_up_method),
    followUpUrl: str(r.follow_up_url),
    followUpStatus: num(r.follow_up_status),
    followUpUserAgent: str(r.follow_up_user_agent),
  };
}

/** What the findings table keeps of a route finding (the example's refs only as far as the columns go). */
function findingView(f: RouteFinding) {
  const r = f.example.redirect;
  return {
    finding: f.finding,
    route: f.route,
    count: f.count,
    recommendation: f.recommendation,
    redirect: { input: r.input, line: r.line, time: r.time, method: r.method, url: r.url, status: r.status, location: r.location },
    followUp: f.example.followUp
      ? { line: f.example.followUp.line, method: f.example.followUp.method, url: f.example.followUp.url, status: f.example.followUp.status }
      : null,
    final: f.example.final ? { url: f.example.final.url, status: f.example.final.status } : null,
    hops: f.example.hops,
  };
}

function findingFromRow(r: Record<string, Cell>): ReturnType<typeof findingView> {
  return {
    finding: str(r.finding) as RouteFinding['finding'],
    route: str(r.route)!,
    count: num(r.count)!,
    recommendation: str(r.recommendation)!,
    redirect: {
      input: str(r.example_input)!,
      line: num(r.example_line)!,
      time: iso(r.example_time),
      method: str(r.example_method)!,
      url: str(r.example_url)!,
      status: num(r.example_status)!,
      location: str(r.example_location),
    },
    followUp:
      r.example_follow_up_line === null
        ? null
        : {
            line: num(r.example_follow_up_line)!,
            method: str(r.example_follow_up_method)!,
            url: str(r.example_follow_up_url)!,
            status: num(r.example_follow_up_status)!,
          },
    final: r.example_final_url === null ? null : { url: str(r.example_final_url)!, status: num(r.example_final_status)! },
    hops: num(r.example_hops),
  };
}

function clientView(c: ClientReport) {
  return {
    address: c.address,
    userAgent: c.userAgent,
    verdict: c.verdict,
    verdicts: c.verdicts,
    redirects: c.redirects,
    followed: c.followed,
    unfollowed: c.unfollowed,
    pairing: c.pairing,
    violations: c.violations,
  };
}

function clientFromRow(r: Record<string, Cell>): ReturnType<typeof clientView> {
  const list = r.verdicts as { toArray(): string[] };
  return {
    address: str(r.address)!,
    userAgent: str(r.user_agent),
    verdict: str(r.verdict) as ClientReport['verdict'],
    verdicts: [...list.toArray()] as ClientReport['verdicts'],
    redirects: num(r.redirects)!,
    followed: num(r.followed)!,
    unfollowed: num(r.unfollowed)!,
    pairing: { exact: num(r.pairing_exact)!, inferred: num(r.pairing_inferred)! },
    violations: { '303': num(r.violations_303)!, '307': num(r.violations_307)!, '308': num(r.violations_308)! },
  };
}

const schemaOf = (t: Table) => t.schema.fields.map((f) => `${f.name}: ${String(f.type)}${f.nullable ? ' | null' : ''}`);

const DICT = 'Dictionary<Int32, Utf8>';
const TS = 'Timestamp<MILLISECOND, UTC>';

const PAIRS_SCHEMA = [
  'client_address: Utf8',
  `client_user_agent: ${DICT} | null`,
  `finding: ${DICT}`,
  `mode: ${DICT}`,
  'hop: Int32',
  'chain: Int64',
  'confidence: Float64',
  `input: ${DICT}`,
  'line: Int64',
  `time: ${TS} | null`,
  `method: ${DICT}`,
  'url: Utf8',
  `route: ${DICT}`,
  'status: Int32',
  'location: Utf8 | null',
  'follow_up_line: Int64 | null',
  `follow_up_method: ${DICT} | null`,
  'follow_up_url: Utf8 | null',
  'follow_up_status: Int32 | null',
  'follow_up_user_agent: Dictionary<Int32, Utf8> | null',
];

const FINDINGS_SCHEMA = [
  `finding: ${DICT}`,
  `route: ${DICT}`,
  'count: Int64',
  'recommendation: Utf8',
  `example_input: ${DICT}`,
  'example_line: Int64',
  `example_time: ${TS} | null`,
  `example_method: ${DICT}`,
  'example_url: Utf8',
  'example_status: Int32',
  'example_location: Utf8 | null',
  'example_follow_up_line: Int64 | null',
  `example_follow_up_method: ${DICT} | null`,
  'example_follow_up_url: Utf8 | null',
  'example_follow_up_status: Int32 | null',
  'example_final_url: Utf8 | null',
  'example_final_status: Int32 | null',
  'example_hops: Int32 | null',
];

const CLIENTS_SCHEMA = [
  'address: Utf8',
  `user_agent: ${DICT} | null`,
  `verdict: ${DICT}`,
  'verdicts: List<Utf8>',
  'redirects: Int64',
  'followed: Int64',
  'unfollowed: Int64',
  'pairing_exact: Int64',
  'pairing_inferred: Int64',
  'violations_303: Int64',
  'violations_307: Int64',
  'violations_308: Int64',
];

let report: AuditReport;
let tables: Record<string, Table>;

beforeAll(async () => {
  report = viaJson(await analyzeFiles([SAMPLE], { format: format(), collectPairs: true }));
  tables = Object.fromEntries(Object.entries(renderArrowTables(report)).map(([n, b]) => [n, tableFromIPC(b)]));
});

describe('Arrow tables from the real capture', () => {
  it('writes the three tables as IPC files, by file name', () => {
    const bytes = renderArrowTables(report);
    expect(Object.keys(bytes)).toEqual([...ARROW_TABLES]);
    for (const b of Object.values(bytes)) expect(Buffer.from(b.subarray(0, 6)).toString('latin1')).toBe('ARROW1');
  });

  it('has one pairs row per redirect, every PairRow field equal to the JSON report', () => {
    const pairs = tables['pairs.arrow']!;
    expect(report.pairs!.length).toBe(report.totals.redirects);
    expect(pairs.numRows).toBe(report.pairs!.length);
    expect(rows(pairs).map(pairOf)).toEqual(report.pairs);
  });

  it('keeps the nulls of the model as nulls (no follow-up, no Location, no User-Agent)', () => {
    const pairs = rows(tables['pairs.arrow']!);
    const unfollowed = pairs.filter((r) => r.finding === 'unfollowed');
    expect(unfollowed.length).toBeGreaterThan(0);
    for (const r of unfollowed) {
      expect([r.follow_up_line, r.follow_up_method, r.follow_up_url, r.follow_up_status]).toEqual([null, null, null, null]);
    }
    expect(pairs.filter((r) => r.location === null)).toHaveLength(report.totals.missingLocation);
    expect(pairs.filter((r) => r.client_user_agent === null).length).toBe(
      report.pairs!.filter((p) => p.clientUserAgent === null).length,
    );
  });

  it('has every route finding, with its example', () => {
    const findings = tables['findings.arrow']!;
    expect(findings.numRows).toBe(report.monitoring.findings.length);
    expect(rows(findings).map(findingFromRow)).toEqual(report.monitoring.findings.map(findingView));
  });

  it('has every client with its verdicts and counts', () => {
    const clients = tables['clients.arrow']!;
    expect(clients.numRows).toBe(report.clients.length);
    expect(rows(clients).map(clientFromRow)).toEqual(report.clients.map(clientView));
  });

  it('declares the column types, nullability and report version', () => {
    expect(schemaOf(tables['pairs.arrow']!)).toEqual(PAIRS_SCHEMA);
    expect(schemaOf(tables['findings.arrow']!)).toEqual(FINDINGS_SCHEMA);
    expect(schemaOf(tables['clients.arrow']!)).toEqual(CLIENTS_SCHEMA);
    for (const [name, t] of Object.entries(tables)) {
      expect(t.schema.metadata.get('redirect-audit.table')).toBe(name.replace('.arrow', ''));
      expect(t.schema.metadata.get('redirect-audit.schemaVersion')).toBe(String(report.schemaVersion));
      expect(t.schema.metadata.get('redirect-audit.generatedAt')).toBe(report.generatedAt);
    }
  });

  it('pipes the pairs table alone as an IPC stream', () => {
    const bytes = renderArrow(report);
    // A stream starts with a message (continuation marker 0xFFFFFFFF), not with the file magic.
    expect([...bytes.subarray(0, 4)]).toEqual([0xff, 0xff, 0xff, 0xff]);
    const t = tableFromIPC(bytes);
    expect(schemaOf(t)).toEqual(PAIRS_SCHEMA);
    expect(rows(t).map(pairOf)).toEqual(report.pairs);
  });
});

describe('Arrow edge cases', () => {
  it('turns a null time into a null timestamp and keeps a null User-Agent', () => {
    const first = report.pairs![0]!;
    const odd: PairRow = { ...first, time: null, clientUserAgent: null, location: null };
    const r = { ...report, pairs: [odd, first] };
    const back = rows(tableFromIPC(renderArrow(r))).map(pairOf);
    expect(back).toEqual([odd, first]);
  });

  it('writes valid, typed, empty tables for a log with no redirects', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'arrow-empty-'));
    const log = join(dir, 'no-redirects.log');
    const lines = readFileSync(SAMPLE, 'utf8')
      .split('\n')
      .filter((l) => /" 2\d\d /.test(l));
    expect(lines.length).toBeGreaterThan(0);
    writeFileSync(log, `${lines.join('\n')}\n`);
    const empty = viaJson(await analyzeFiles([log], { format: format(), collectPairs: true }));
    expect(empty.totals.redirects).toBe(0);
    expect(empty.pairs).toEqual([]);

    const back = Object.fromEntries(Object.entries(renderArrowTables(empty)).map(([n, b]) => [n, tableFromIPC(b)]));
    expect(back['pairs.arrow']!.numRows).toBe(0);
    expect(back['findings.arrow']!.numRows).toBe(empty.monitoring.findings.length);
    expect(back['clients.arrow']!.numRows).toBe(0);
    expect(schemaOf(back['pairs.arrow']!)).toEqual(PAIRS_SCHEMA);
    expect(schemaOf(back['findings.arrow']!)).toEqual(FINDINGS_SCHEMA);
    expect(schemaOf(back['clients.arrow']!)).toEqual(CLIENTS_SCHEMA);
    const stream = tableFromIPC(renderArrow(empty));
    expect(stream.numRows).toBe(0);
    expect(schemaOf(stream)).toEqual(PAIRS_SCHEMA);
  });

  it('refuses a report made without pairs, rather than writing an empty pairs table', () => {
    const { pairs: _dropped, ...without } = report;
    expect(() => renderArrow(without)).toThrow(AuditError);
    expect(() => renderArrowTables(without)).toThrow(/collectPairs/);
  });
});
