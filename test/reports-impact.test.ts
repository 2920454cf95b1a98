/**
 * Issue #15: reports people act on. On the traffic (test/impact-log.ts) every report groups clients by
 * software and verdict, ranks routes by impact, and keeps the uncertain (possibly cached) 301s out of the masked
 * failures; the User-Agent parser labels, and the text wraps to the terminal.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { compileLogFormat } from '../parsers/log-format.js';
import { renderHtml } from '../reports/html.js';
import { renderMarkdown } from '../reports/markdown.js';
import { renderText } from '../reports/text.js';
import { shownUrl, wrapLine } from '../reports/format.js';
import { timeChart } from '../reports/html-charts.js';
import type { AuditReport } from '../src/report.js';
import { analyzeFiles } from '../src/run.js';
import { reportPath, RouteTemplates, VARIABLE_AFTER } from '../src/route-templates.js';
import { softwareOf } from '../src/user-agent.js';
import { groupBySoftware } from '../src/software.js';
import { FULL_FORMAT, run } from './exec.js';
import { LEGACY, OTHER, PAGES, writeImpactLog } from './impact-log.js';

let report: AuditReport;
beforeAll(async () => {
  report = await analyzeFiles([writeImpactLog()], { format: compileLogFormat('custom', FULL_FORMAT), threads: 1 });
});

describe('User-Agent family and version (labels only)', () => {
  it.each([
    ['curl/8.5.0', 'curl 8.5.0'],
    ['Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.6778.85 Safari/537.36', 'Chrome 131'],
    ['Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.2903.70', 'Edge 131'],
    ['Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0', 'Firefox 133'],
    ['Mozilla/5.0 (Macintosh; Intel Mac OS X 14_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15', 'Safari 18'],
    ['Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)', 'Googlebot 2.1'],
    ['python-requests/2.32.3', 'python-requests 2.32.3'],
    ['Go-http-client/1.1', 'Go-http-client 1.1'],
    ['Wget/1.21.4 (linux-gnu)', 'Wget 1.21.4'],
    ['Needle/3.5.0 (Node.js v20.20.2; linux x64)', 'Needle 3.5.0'],
    ['okhttp', 'okhttp'],
    [null, '(no User-Agent)'],
    ['', '(no User-Agent)'],
    ['-', '(no User-Agent)'],
  ])('%s → %s', (ua, label) => {
    expect(softwareOf(ua).label).toBe(label);
  });
});

describe('clients grouped by software and verdict', () => {
  it('JSON keeps one row per identity and adds softwareGroups', () => {
    expect(report.clients.filter((c) => c.userAgent === LEGACY.ua)).toHaveLength(LEGACY.addresses);
    const legacy = report.softwareGroups!.find((g) => g.software === LEGACY.software)!;
    expect(legacy).toMatchObject({ family: 'LegacyClient', version: '1.0', verdict: 'mishandles-303', clients: 62, addressCount: 62, userAgents: 1 });
    expect(legacy.verdicts).toEqual({ 'mishandles-303': 62 });
    expect(legacy.violations['303']).toBe(5 * 62);
    expect(legacy.addresses.length).toBe(50);
    const other = report.softwareGroups!.find((g) => g.software === OTHER.software)!;
    expect(other).toMatchObject({ verdict: 'mishandles-307', addressCount: 54 });
    // Most serious first.
    expect(report.softwareGroups![0]!.software).toBe(LEGACY.software);
  });

  it('the text report names every mishandling software with its count of addresses on its first screen', () => {
    const text = renderText(report, { color: false, width: 100 });
    const screen = text.split('\n').slice(0, 24).join('\n');
    expect(screen).toContain('LegacyClient 1.0 (62 addresses: 303)');
    expect(screen).toContain('OtherLib 2.0 (54 addresses: 307)');
    // One section per verdict, a software a line with its addresses under it; no "… and 91 more" clients.
    expect(text).toMatch(/mishandles-303 kept the method or the body after 303: 1 software, 62 addresses\n {2}LegacyClient 1\.0 {2}62 addresses/);
    expect(text).toMatch(/mishandles-307 changed the method or dropped the body after 307: 1 software, 54 addresses/);
    expect(text).not.toMatch(/and \d+ more \(--report json lists all\)/);
  });

  it('Markdown and HTML group by software too', () => {
    const md = renderMarkdown(report);
    expect(md).toContain('### Clients by software and verdict');
    expect(md).toMatch(/\| mishandles-303 \| LegacyClient 1\.0 \| \*\*62\*\*: /);
    expect(md).toMatch(/\| mishandles-307 \| OtherLib 2\.0 \| \*\*54\*\*: /);
    const html = renderHtml(report);
    expect(html).toContain('id="software-table"');
    expect(html).toMatch(/<b>LegacyClient 1\.0<\/b>.*mishandles-303 ×62/);
  });

  it('a client counts under every verdict that applies to it, and verdicts never depend on the label', () => {
    const groups = groupBySoftware(report.clients);
    const sum = groups.reduce((a, g) => a + g.group.clients, 0);
    expect(sum).toBe(report.clients.length);
  });
});

describe('routes normalised from the log and ranked by impact', () => {
  it('learns a template for a position with many values, not for the first segment', () => {
    const t = new RouteTemplates();
    for (let i = 0; i < VARIABLE_AFTER + 5; i++) t.learn('GET', `/old/page${i}`);
    expect(t.learn('GET', '/old/page9999')).toBe('/old/{var}');
    expect(t.template('GET', '/old/page1')).toBe('/old/{var}');
    expect(t.template('POST', '/old/page1')).toBe('/old/page1');
    for (let i = 0; i < VARIABLE_AFTER + 5; i++) t.learn('GET', `/top${i}`);
    expect(t.template('GET', '/top1')).toBe('/top1');
    expect(reportPath('/archive/2026-11-25/x')).toBe('/archive/{date}/x');
    expect(reportPath('/s/Xk29aP3mQ8zL7')).toBe('/s/{token}');
    expect(reportPath('/bad/307-to-static')).toBe('/bad/307-to-static');
    expect(reportPath('/orders/123?x=1')).toBe('/orders/{id}');
  });

  it('folds the old pages into one route whose unfollowed 301s are possibly-cached, not masked failures', () => {
    const m = report.monitoring;
    const old = m.routes.find((r) => r.route === 'GET /old/{var}')!;
    expect(old.figures.requests).toBe(PAGES);
    expect(old.findings['masked-failure']).toBeUndefined();
    expect(old.findings['possibly-cached']).toBe(PAGES / 10);
    expect(old.impact).toMatchObject({ affected: 0, failedChains: 0, uncertain: PAGES / 10 });
    expect(m.routes.filter((r) => r.route.startsWith('GET /old/'))).toHaveLength(1);
    expect(m.findings.filter((f) => f.finding === 'masked-failure')).toHaveLength(0);
  });

  it('puts the route with the most affected traffic first in every report', () => {
    const m = report.monitoring;
    expect(m.routes[0]!.route).toBe('POST /checkout');
    expect(m.routes[0]!.impact).toMatchObject({ affected: 5 * 62, violations: 5 * 62 });
    expect(m.routes[1]!.route).toBe('POST /api/upload');
    const text = renderText(report, { color: false });
    expect(text).toMatch(/Routes by impact[^\n]*\n {2}POST \/checkout {2}310 affected · 310 violations/);
    const md = renderMarkdown(report);
    expect(md.split('### Top routes by impact')[1]!.split('\n').find((l) => l.startsWith('| `'))).toMatch(/^\| `POST \/checkout` \| 310 \| 310 \|/);
    const html = renderHtml(report);
    const routes = html.slice(html.indexOf('id="routes-table"'));
    expect(/<tbody>\s*<tr><td class="route"[^>]*><code>([^<]*)<\/code>/.exec(routes)![1]).toBe('POST /checkout');
    expect(/<text class="route-label"[^>]*>([^<]*)</.exec(html)![1]).toBe('POST /checkout');
  });
});

describe('the HTML time axis is to scale', () => {
  it('spaces buckets by their time, shades the gap and draws no line across it', () => {
    const b = report.monitoring.buckets;
    expect(b.length).toBeGreaterThan(3);
    const svg = timeChart(b, report.monitoring.bucketSeconds);
    const xs = [...svg.matchAll(/<circle class="pt s-apparent"[^>]* cx="([\d.]+)"/g)].map((m) => Number(m[1]));
    const times = b.map((x) => Date.parse(x.start));
    const scale = (xs[xs.length - 1]! - xs[0]!) / (times[times.length - 1]! - times[0]!);
    times.forEach((t, i) => expect(Math.abs(xs[i]! - xs[0]! - (t - times[0]!) * scale)).toBeLessThan(0.2));
    expect(svg.match(/<rect class="no-data"/g)).toHaveLength(1);
    // The apparent line has two pieces: one move per run of buckets.
    const d = /<path class="line s-apparent" d="([^"]*)"/.exec(svg)![1]!;
    expect(d.match(/M/g)).toHaveLength(2);
  });
});

describe('text for people', () => {
  it('wraps to the width, keeping the indent and long words whole', () => {
    const long = `  ${'word '.repeat(40)}https://example.com/${'x'.repeat(120)}`;
    const lines = wrapLine(long, 50);
    expect(lines.length).toBeGreaterThan(3);
    for (const l of lines) if (!l.includes('https://')) expect(l.length).toBeLessThanOrEqual(50);
    expect(lines.slice(1).every((l) => l.startsWith('    '))).toBe(true);
    expect(lines.join(' ').replace(/\s+/g, ' ').trim()).toBe(long.replace(/\s+/g, ' ').trim());
    const text = renderText(report, { color: false, width: 60 });
    for (const l of text.split('\n')) if (!/\S{40,}/.test(l)) expect(l.length).toBeLessThanOrEqual(60);
    // Colour codes take no columns.
    expect(wrapLine(`\x1b[31m${'a'.repeat(10)}\x1b[39m b`, 12)).toHaveLength(1);
  });

  it('the CLI wraps the text report to 100 columns when stdout is not a terminal', async () => {
    const r = await run(['analyze', '--report', 'text', '--log-format', FULL_FORMAT, writeImpactLog()]);
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines.some((l) => l.length > 80)).toBe(true);
    for (const l of lines) if (!/\S{50,}/.test(l)) expect(l.length).toBeLessThanOrEqual(100);
  });

  it('shows a host logged without scheme as host/path', () => {
    expect(shownUrl('//127.0.0.1/path')).toBe('127.0.0.1/path');
    expect(shownUrl('https://a.example/x')).toBe('https://a.example/x');
    const text = renderText(report, { color: false });
    expect(text).toContain('shop.example/checkout');
    expect(text).not.toContain('//shop.example');
  });
});
