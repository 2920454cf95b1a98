/**
 * The NDJSON report: one finding per line, for `jq`, log shippers and line-oriented pipelines.
 *
 * Lines, each one JSON object with a `type` to switch on, no pretty-printing, each ending in `\n`:
 * 1. `{"type":"summary","schemaVersion":1,"tool":...,"generatedAt":...,"period":...,"errors":[...],...totals}`;
 * 2. one `{"type":"route-finding",finding,route,count,recommendation,example}` per server-side finding, in report
 *    order;
 * 3. one `{"type":"client-finding",address,userAgent,finding,count,verdicts,example}` per client and per finding
 *    other than `followed` (clients in report order, findings in `PAIR_FINDINGS` order); `example` is the client's
 *    first pair with that finding, or null when the report kept none.
 *
 * `ndjsonPairLine` gives the same kind of line for one pair (`{"type":"pair",...PairRow}`), for live output.
 *
 * JSON.stringify already escapes `\n`, `\r` and every other control character, so a User-Agent with a newline
 * stays on its line. U+2028, U+2029 and U+0085 are escaped too: they are valid raw in JSON, but Python's
 * `str.splitlines()` and some JavaScript tools treat them as line breaks.
 */
import { PAIR_FINDINGS, type PairFinding } from '../src/findings.js';
import { jsonSafe } from './neutralize.js';
import type { AuditReport, ClientReport, Example, PairRow, RouteFinding, Totals } from '../src/report.js';

export type NdjsonLine =
  | ({ type: 'summary' } & Pick<AuditReport, 'schemaVersion' | 'tool' | 'generatedAt' | 'period' | 'errors'> & Totals)
  | ({ type: 'route-finding' } & Pick<RouteFinding, 'finding' | 'route' | 'count' | 'recommendation' | 'example'>)
  | {
      type: 'client-finding';
      address: string;
      userAgent: string | null;
      finding: Exclude<PairFinding, 'followed'>;
      count: number;
      verdicts: ClientReport['verdicts'];
      example: Example | null;
    }
  | ({ type: 'pair' } & PairRow);

/** One object as one line, newline included (line breaks and terminal controls escaped: reports/neutralize.ts). */
export function ndjsonLine(value: NdjsonLine): string {
  return `${jsonSafe(JSON.stringify(value))}\n`;
}

/** One pair as one line (`{"type":"pair",...}\n`), for streaming pairs as they are classified. */
export function ndjsonPairLine(pair: PairRow): string {
  return ndjsonLine({ type: 'pair', ...pair });
}

function summary(report: AuditReport): NdjsonLine {
  return {
    type: 'summary',
    schemaVersion: report.schemaVersion,
    tool: report.tool,
    generatedAt: report.generatedAt,
    period: report.period,
    errors: report.errors,
    ...report.totals,
  };
}

/** The summary line alone (`{"type":"summary",...}\n`), for periodic summaries of a live stream. */
export function ndjsonSummaryLine(report: AuditReport): string {
  return ndjsonLine(summary(report));
}

function* lines(report: AuditReport): Generator<NdjsonLine> {
  yield summary(report);
  for (const f of report.monitoring.findings) {
    yield {
      type: 'route-finding',
      finding: f.finding,
      route: f.route,
      count: f.count,
      recommendation: f.recommendation,
      example: f.example,
    };
  }
  for (const c of report.clients) {
    for (const finding of PAIR_FINDINGS) {
      if (finding === 'followed') continue;
      const count = c.findings[finding];
      if (!count) continue;
      yield {
        type: 'client-finding',
        address: c.address,
        userAgent: c.userAgent,
        finding,
        count,
        verdicts: c.verdicts,
        example: c.examples.find((e) => e.finding === finding) ?? null,
      };
    }
  }
}

export function renderNdjson(report: AuditReport): string {
  let out = '';
  for (const line of lines(report)) out += ndjsonLine(line);
  return out;
}
