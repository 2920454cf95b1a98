/**
 * The Markdown report (`--report markdown`): pinned by a golden file of the real capture, and its escaping of
 * what the traffic controls (User-Agents, URLs, routes) so a pasted report cannot grow columns, links or HTML.
 * Regenerate the golden file after an intended change with `UPDATE_GOLDEN=1 npx vitest run test/report-markdown`.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { code, renderMarkdown, text } from '../reports/markdown.js';
import type { AuditReport } from '../src/report.js';
import { captureReport, expectGolden } from './exec.js';

const PINNED = '2000-01-01T00:00:00.000Z';


/** The cells of a GFM table row, split on unescaped `|`. */
function cells(line: string): string[] {
  return line
    .slice(1, -1)
    .split(/(?<!\\)\|/)
    .map((c) => c.trim());
}

describe('markdown report of the real capture (samples/capture-full.log)', () => {
  let report: AuditReport;
  let md: string;
  beforeAll(async () => {
    report = await captureReport();
    md = renderMarkdown(report);
  });

  it('matches the golden file test/golden/capture-full.md', () => {
    expectGolden('capture-full.md', md);
  });

  it('is deterministic: the same model renders the same text, and generatedAt only appears in the last line', () => {
    expect(renderMarkdown(structuredClone(report))).toBe(md);
    const lines = md.trimEnd().split('\n');
    expect(lines.filter((l) => l.includes(PINNED))).toEqual([lines[lines.length - 1]]);
  });

  it('lists every client that mishandles 303/307/308 with its counts and a file:line example', () => {
    const mishandling = report.clients.filter((c) => c.verdicts.some((v) => v.startsWith('mishandles-')));
    expect(mishandling.length).toBeGreaterThan(0);
    const section = md.split('### ').find((s) => s.startsWith('Clients that mishandle'))!;
    expect(section).toMatch(/^Clients that mishandle 303\/307\/308 \(\d+\)/);
    const rows = section.split('\n').filter((l) => l.startsWith('| `'));
    expect(rows).toHaveLength(mishandling.length);
    rows.forEach((row, i) => {
      const c = mishandling[i]!;
      const [address, , verdicts, redirects, violations, example] = cells(row);
      expect(address).toBe(`\`${c.address}\``);
      expect(verdicts).toBe(text(c.verdicts.join(', ')));
      expect(redirects).toBe(String(c.redirects));
      expect(violations).toBe(`${c.violations['303']} / ${c.violations['307']} / ${c.violations['308']}`);
      expect(example).toMatch(/^`samples\/capture-full\.log:\d+ [A-Z]+ \S+ → 3\d\d`/);
    });
  });

  it('gives the monitoring figures with one decimal, and a findings and a routes table', () => {
    const o = report.monitoring.overall;
    expect(md).toContain(`| Success | ${(o.apparentSuccess! * 100).toFixed(1)}% of `);
    expect(md).toContain(` ${(o.effectiveSuccess! * 100).toFixed(1)}% of `);
    expect(md).toContain(`${(o.redirectShare! * 100).toFixed(1)}% of requests are redirect hops`);
    for (const f of report.monitoring.findings.slice(0, 25)) {
      expect(md).toContain(`| \`${f.finding}\` | \`${f.route}\` | ${f.count} |`);
    }
    const routeRows = md.split('### Top routes')[1]!.split('\n').filter((l) => l.startsWith('| `'));
    expect(routeRows).toHaveLength(Math.min(15, report.monitoring.routes.length));
    // Every percentage has exactly one decimal.
    expect(md.match(/(?<![\d.])\d+%/g) ?? []).toEqual([]);
  });
});

describe('markdown report: optional parts', () => {
  it('renders a baseline and an empty report', async () => {
    const report = await captureReport();
    report.baseline = {
      file: 'last-week.json',
      generatedAt: PINNED,
      newlyMishandling: [{ address: '10.0.0.9', userAgent: 'a|b', verdicts: ['mishandles-303'] }],
      fixed: [],
      routes: [{ route: 'POST /x', before: { effectiveSuccess: 0.5, findings: {} }, after: { effectiveSuccess: 0.9, findings: {} } }],
      totals: { violations: { before: 12, after: 9 }, effectiveSuccess: { before: 0.5, after: 0.7 }, apparentSuccess: { before: 0.9, after: 0.95 } },
    };
    const md = renderMarkdown(report);
    expect(md).toContain('### Since the baseline `last-week.json`');
    expect(md).toContain('- **Violations:** 12 → 9');
    expect(md).toContain('- **Newly mishandling (1):** `10.0.0.9` a\\|b (mishandles-303)');
    expect(md).toContain('`POST /x` 50.0% → 90.0%');

    report.clients = [];
    report.period = { first: null, last: null };
    report.monitoring = { ...report.monitoring, buckets: [], routes: [], findings: [] };
    delete report.baseline;
    const none = renderMarkdown(report);
    expect(none.split('\n')[0]).toBe('## Redirect audit');
    expect(none).toContain('### Clients that mishandle 303/307/308 (0)');
    expect(none).not.toContain('### Findings');
    expect(none).not.toContain('### Top routes');
  });
});

describe('markdown escaping of what the traffic controls', () => {
  it('escapes | and backticks in plain cells, and keeps HTML, links and emphasis literal', () => {
    expect(text('a|b')).toBe('a\\|b');
    expect(text('a`b')).toBe('a\\`b');
    expect(text('<img src=x onerror=alert(1)>')).toBe('\\<img src=x onerror=alert(1)\\>');
    expect(text('[click](http://evil/) *bold* _it_ ~~s~~')).toBe('\\[click\\](http://evil/) \\*bold\\* \\_it\\_ \\~\\~s\\~\\~');
    expect(text('&lt;')).toBe('\\&lt;');
    expect(text('line\nbreak')).toBe('line break');
  });

  it('code spans survive backticks and pipes inside', () => {
    expect(code('GET /a')).toBe('`GET /a`');
    expect(code('GET /a|b')).toBe('`GET /a\\|b`');
    expect(code('GET /`x`')).toBe('`` GET /`x` ``');
    expect(code('a``b')).toBe('```a``b```');
  });

  it('a hostile User-Agent and URL stay inside their cells', async () => {
    const report = await captureReport();
    const client = report.clients.find((c) => c.verdicts.includes('mishandles-303'))!;
    client.userAgent = 'evil | agent `x` <script>alert(1)</script> [link](http://e/)';
    const ex = client.examples[0]!;
    ex.redirect.url = '/p?a=1|2&b=`3`"><img src=x onerror=alert(1)>';
    const md = renderMarkdown(report);
    const row = md.split('\n').find((l) => l.startsWith(`| \`${client.address}\``))!;
    expect(cells(row)).toHaveLength(6);
    expect(row).toContain('evil \\| agent \\`x\\` \\<script\\>alert(1)\\</script\\> \\[link\\](http://e/)');
    expect(row).toContain('``samples/capture-full.log:');
    expect(row).toContain('/p?a=1\\|2&b=`3`"><img src=x onerror=alert(1)> → 303``');
    // No unescaped HTML tag anywhere outside code spans.
    const outsideCode = md.replace(/(`+).*?\1/g, '');
    expect(outsideCode).not.toMatch(/(?<!\\)<[a-z/]/i);
  });
});
