/**
 * The NDJSON report: one JSON object per line, newline-terminated, a summary first, then every route finding and
 * every client finding but `followed`; the counts add up to the report model's, and no string can break a line.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { compileLogFormat } from '../parsers/log-format.js';
import { renderJson } from '../reports/json.js';
import { ndjsonPairLine, renderNdjson } from '../reports/ndjson.js';
import type { AuditReport, ClientReport } from '../src/report.js';
import { analyzeFiles } from '../src/run.js';
import { FULL_FORMAT, ROOT } from './exec.js';

type Line = Record<string, unknown> & { type: string };

/** Splits on `\n` only, as NDJSON readers do, and parses every line; the text must end with a newline. */
function parse(text: string): Line[] {
  expect(text.endsWith('\n')).toBe(true);
  const raw = text.slice(0, -1).split('\n');
  for (const l of raw) expect(l).not.toMatch(/[\r\u0085\u2028\u2029]/);
  return raw.map((l) => JSON.parse(l) as Line);
}

let report: AuditReport;
let lines: Line[];

beforeAll(async () => {
  const made = await analyzeFiles([`${ROOT}samples/capture-full.log`], {
    format: compileLogFormat('full', FULL_FORMAT),
  });
  report = JSON.parse(renderJson(made)) as AuditReport;
  lines = parse(renderNdjson(report));
});

describe('NDJSON report from the real capture', () => {
  it('opens with one summary line carrying the totals and the schema version', () => {
    const [summary, ...rest] = lines;
    expect(summary).toEqual({
      type: 'summary',
      schemaVersion: report.schemaVersion,
      tool: report.tool,
      generatedAt: report.generatedAt,
      period: report.period,
      errors: report.errors,
      ...report.totals,
    });
    expect(rest.some((l) => l.type === 'summary')).toBe(false);
  });

  it('has one line per route finding, as the report has them', () => {
    const routes = lines.filter((l) => l.type === 'route-finding');
    expect(routes).toEqual(
      report.monitoring.findings.map((f) => ({
        type: 'route-finding',
        finding: f.finding,
        route: f.route,
        count: f.count,
        recommendation: f.recommendation,
        example: f.example,
      })),
    );
  });

  it('has one line per client finding other than followed, whose counts add up to the totals', () => {
    const clientLines = lines.filter((l) => l.type === 'client-finding');
    expect(clientLines.some((l) => l.finding === 'followed')).toBe(false);
    const expected = report.clients.flatMap((c) =>
      Object.entries(c.findings).filter(([f, n]) => f !== 'followed' && n! > 0),
    );
    expect(clientLines).toHaveLength(expected.length);

    const sums: Record<string, number> = {};
    for (const l of clientLines) sums[l.finding as string] = (sums[l.finding as string] ?? 0) + (l.count as number);
    const { followed: _followed, ...totals } = report.totals.findings;
    expect(sums).toEqual(totals);
    expect(lines).toHaveLength(1 + report.monitoring.findings.length + expected.length);
  });

  it("gives each client finding the client's verdicts and its example of that finding", () => {
    const byKey = new Map<string, ClientReport>(report.clients.map((c) => [`${c.address} ${c.userAgent}`, c]));
    for (const l of lines.filter((x) => x.type === 'client-finding')) {
      const c = byKey.get(`${l.address as string} ${l.userAgent as string | null}`)!;
      expect(c).toBeDefined();
      expect(l.verdicts).toEqual(c.verdicts);
      expect(l.count).toBe(c.findings[l.finding as keyof ClientReport['findings']]);
      expect(l.example).toEqual(c.examples.find((e) => e.finding === l.finding) ?? null);
      expect((l.example as { finding: string } | null)?.finding).toBe(l.finding);
    }
  });

  it('writes no pretty-printing: one object per line, no indentation', () => {
    for (const l of renderNdjson(report).split('\n').slice(0, -1)) {
      expect(l.startsWith('{"type":"')).toBe(true);
      expect(l).not.toMatch(/^\s|\n/);
    }
  });
});

describe('NDJSON line safety', () => {
  it('keeps a User-Agent with newlines and other line breaks on one line', () => {
    const ua = 'evil\nagent\r\n{"type":"summary"}\u2028\u2029\u0085\ttab "quoted" \\ back';
    const client = report.clients.find((c) => Object.keys(c.findings).some((f) => f !== 'followed'))!;
    const odd: AuditReport = {
      ...report,
      clients: [{ ...client, userAgent: ua }],
      monitoring: { ...report.monitoring, findings: [] },
    };
    const text = renderNdjson(odd);
    const parsed = parse(text);
    expect(parsed.filter((l) => l.type === 'summary')).toHaveLength(1);
    const clientLines = parsed.filter((l) => l.type === 'client-finding');
    expect(clientLines.length).toBeGreaterThan(0);
    for (const l of clientLines) expect(l.userAgent).toBe(ua);
    // Python's str.splitlines() would split on these too.
    expect(text.split(/\r\n|[\n\r\u0085\u2028\u2029]/).filter(Boolean)).toHaveLength(parsed.length);
  });

  it('streams one pair per line with ndjsonPairLine', async () => {
    const made = await analyzeFiles([`${ROOT}samples/capture-full.log`], {
      format: compileLogFormat('full', FULL_FORMAT),
      collectPairs: true,
    });
    const pairs = made.pairs!;
    const text = pairs.map(ndjsonPairLine).join('');
    const parsed = parse(text);
    expect(parsed).toEqual(pairs.map((p) => ({ type: 'pair', ...p })));

    const nasty = { ...pairs[0]!, clientUserAgent: 'a\nb\u2028c', url: '/x\r\ny' };
    const line = ndjsonPairLine(nasty);
    expect(line.indexOf('\n')).toBe(line.length - 1);
    expect(JSON.parse(line)).toEqual({ type: 'pair', ...nasty });
  });
});
