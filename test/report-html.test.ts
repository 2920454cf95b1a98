/**
 * The HTML report (`--report html`): one self-contained page. Pinned three ways:
 * - as text: a golden file of the real capture (regenerate with `UPDATE_GOLDEN=1`), nothing that could load
 *   from elsewhere, and every string from the traffic HTML-escaped;
 * - in a real headless Chromium (Debian's /usr/bin/chromium driven by playwright-core): no console or page
 *   errors, no request but the document itself, tables with the model's rows, sorting by a header click,
 *   one chart point per time bucket and one bar per route, and a hostile User-Agent/URL that stays text;
 * - screenshots, test/output/report-html.png and report-html-impact*.png (the issue #15 traffic), to look at.
 *
 * The browser tests are skipped, with a message, where /usr/bin/chromium is missing: CI installs it in .ci/run
 * (`apt-get install -y chromium`), so there they run.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHART_ROUTES, MAX_ROWS, renderHtml } from '../reports/html.js';
import type { AuditReport } from '../src/report.js';
import { FULL_FORMAT, ROOT, captureReport, expectGolden } from './exec.js';
import { writeImpactLog } from './impact-log.js';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const OUTPUT = `${ROOT}test/output/`;
const PINNED = '2000-01-01T00:00:00.000Z';

const XSS_UA = '<script>alert(1)</script>';
const XSS_URL = '/search?q="><img src=x onerror=alert(1)>';

const hasPlaywright = (() => {
  try {
    createRequire(import.meta.url).resolve('playwright-core');
    return true;
  } catch {
    return false;
  }
})();
const browserMissing = !existsSync(CHROMIUM)
  ? `${CHROMIUM} is missing (apt-get install -y chromium; CI installs it in .ci/run)`
  : !hasPlaywright
    ? 'playwright-core is not installed (npm install)'
    : null;
if (browserMissing) console.warn(`test/report-html.test.ts: SKIPPING the browser tests: ${browserMissing}`);


/** The capture with attacker-controlled strings where the traffic puts them: User-Agent, URLs, route. */
function hostile(report: AuditReport): AuditReport {
  const r = structuredClone(report);
  const client = r.clients[0]!;
  client.userAgent = XSS_UA;
  client.examples[0]!.redirect.url = XSS_URL;
  r.monitoring.routes[0]!.route = `GET ${XSS_URL}`;
  r.monitoring.findings[0]!.route = `GET ${XSS_URL}`;
  r.inputs[0]!.name = `</script><script>alert(2)</script>.log`;
  return r;
}

/** The optional parts: a baseline, input errors, skipped lines, one time bucket. */
function withExtras(report: AuditReport): AuditReport {
  const r = structuredClone(report);
  r.monitoring.buckets = r.monitoring.buckets.slice(0, 1);
  r.errors = [{ code: 'TRUNCATED_HAR', message: 'old.har ended early <b>after 3 entries</b>' }];
  r.inputs[0]!.skipped = 1;
  r.inputs[0]!.skippedExamples = [{ line: 3, reason: 'no <status>', text: '<garbage line>' }];
  r.totals.skipped = 1;
  r.baseline = {
    file: 'last-week.json',
    generatedAt: PINNED,
    newlyMishandling: [{ address: '10.0.0.9', userAgent: XSS_UA, verdicts: ['mishandles-303'] }],
    fixed: [{ address: '10.0.0.8', userAgent: null, verdicts: ['mishandles-307'] }],
    routes: [{ route: `POST ${XSS_URL}`, before: { effectiveSuccess: 0.5, findings: {} }, after: { effectiveSuccess: 0.9, findings: { 'found-after-post': 3 } } }],
    totals: { violations: { before: 12, after: 9 }, effectiveSuccess: { before: 0.5, after: 0.7 }, apparentSuccess: { before: 0.9, after: 0.95 } },
  };
  return r;
}

/** A report with nothing in it: no clients, no routes, no buckets, no findings. */
function empty(report: AuditReport): AuditReport {
  const r = structuredClone(report);
  r.clients = [];
  r.period = { first: null, last: null };
  r.monitoring = { ...r.monitoring, buckets: [], routes: [], findings: [] };
  return r;
}

let report: AuditReport;
let html: string;
beforeAll(async () => {
  report = await captureReport();
  html = renderHtml(report);
});

describe('html report as text', () => {
  it('matches the golden file test/golden/capture-full.html', () => {
    expectGolden('capture-full.html', html);
  });

  it('refers to nothing outside the file, and its CSP allows only its own stylesheet and script', () => {
    expect(html.startsWith('<!DOCTYPE html>\n<html lang="en">')).toBe(true);
    expect(html).not.toMatch(/\s(?:src|href|action|xlink:href)\s*=\s*(?!["']?(?:data:|#))/i);
    expect(html).not.toMatch(/url\(|@import/i);
    expect(html.match(/<script\b/g)).toHaveLength(1);
    const hash = (re: RegExp) => createHash('sha256').update(re.exec(html)![1]!).digest('base64');
    expect(html).toContain(`script-src 'sha256-${hash(/<script>([\s\S]*?)<\/script>/)}'`);
    expect(html).toContain(`style-src 'sha256-${hash(/<style>([\s\S]*?)<\/style>/)}'`);
    expect(html).not.toMatch(/\sstyle=/);
    expect(html).toContain("default-src 'none'");
  });

  it('HTML-escapes User-Agents, URLs, routes and file names', () => {
    const page = renderHtml(hostile(report));
    expect(page).not.toContain(XSS_UA);
    expect(page).not.toContain('<img');
    expect(page).not.toContain('alert(2)</script>');
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page).toContain('/search?q=&quot;&gt;&lt;img src=x onerror=alert(1)&gt;');
    expect(page.match(/<script\b/g)).toHaveLength(1);
  });

  it('renders the optional parts (baseline, errors, skipped lines) escaped, and an empty report', () => {
    const page = renderHtml(withExtras(report));
    expect(page).toContain('id="baseline"');
    expect(page).toContain('last-week.json');
    expect(page).toContain('Violations 12 → <b>9</b>');
    expect(page).toContain('old.har ended early &lt;b&gt;after 3 entries&lt;/b&gt;');
    expect(page).toContain('&lt;garbage line&gt;');
    expect(page).not.toContain(XSS_UA);
    expect(page.match(/<circle [^>]*data-series="apparent"/g)).toHaveLength(1);
    const none = renderHtml(empty(report));
    expect(none).toContain('No timed requests');
    expect(none).toContain('No server-side findings.');
    expect(none).toContain('<h2>Clients <span class="count">0</span></h2>');
  });
});

describe.skipIf(browserMissing !== null)('html report in headless Chromium', () => {
  let browser: Browser;
  let file: string;

  beforeAll(async () => {
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    mkdirSync(OUTPUT, { recursive: true });
    file = `${OUTPUT}report-html.html`;
    writeFileSync(file, html);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
  });

  /** Opens a rendered file and records everything that would make it less than self-contained or broken. */
  async function open(path: string, colorScheme: 'light' | 'dark' = 'light') {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, colorScheme });
    const problems: string[] = [];
    const requests: string[] = [];
    const dialogs: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('request', (r) => requests.push(r.url()));
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    const url = pathToFileURL(path).href;
    await page.goto(url, { waitUntil: 'load' });
    return { page, problems, requests, dialogs, url };
  }

  async function headerIndex(page: Page, table: string, title: string): Promise<number> {
    const titles = (await page.locator(`#${table} thead th`).allTextContents()).map((t) => t.trim());
    const i = titles.indexOf(title);
    expect(i, `column "${title}" in ${titles.join(', ')}`).toBeGreaterThanOrEqual(0);
    return i;
  }

  /** What a column shows, as numbers: `1,234`, `95.5%`, `0.125` → number; `–` → null. */
  async function shownNumbers(page: Page, table: string, col: number): Promise<(number | null)[]> {
    const texts = await page
      .locator(`#${table} tbody tr`)
      .evaluateAll((rows, c) => rows.map((r) => (r as HTMLTableRowElement).cells[c]!.textContent!.trim()), col);
    return texts.map((t) => (t === '–' ? null : Number(t.replace(/[,%]/g, ''))));
  }

  function expectSorted(values: (number | null)[], dir: 'asc' | 'desc') {
    const present = values.filter((v): v is number => v !== null);
    expect(present.every((v) => !Number.isNaN(v))).toBe(true);
    // Empty values last in both directions.
    expect(values.slice(present.length).every((v) => v === null)).toBe(true);
    const sorted = [...present].sort((a, b) => (dir === 'asc' ? a - b : b - a));
    expect(present).toEqual(sorted);
  }

  it('loads with no console or page error and no request but the document; writes the screenshot', async ({ annotate }) => {
    const { page, problems, requests, url } = await open(file);
    expect(problems).toEqual([]);
    expect(requests).toEqual([url]);
    const png = `${OUTPUT}report-html.png`;
    const shot = await page.screenshot({ path: png, fullPage: true });
    await page.close();
    const dark = await open(file, 'dark');
    await dark.page.screenshot({ path: `${OUTPUT}report-html-dark.png`, fullPage: false });
    expect(dark.problems).toEqual([]);
    await dark.page.close();
    console.log(`screenshot: ${png} (and report-html-dark.png beside it)`);
    await annotate(`screenshot: test/output/report-html.png`, 'screenshot', { body: shot.toString('base64'), contentType: 'image/png' });
  });

  it('has the tables of the report model, one row per client, route and finding', async () => {
    const { page } = await open(file);
    const rows = (id: string) => page.locator(`#${id} tbody tr`).count();
    expect(await rows('clients-table')).toBe(Math.min(MAX_ROWS, report.clients.length));
    expect(await rows('routes-table')).toBe(Math.min(MAX_ROWS, report.monitoring.routes.length));
    expect(await rows('findings-table')).toBe(report.monitoring.findings.length);
    // Rows in model order: the first client's address, the first route.
    expect((await page.locator('#clients-table tbody tr').first().locator('td').first().textContent())?.trim()).toBe(report.clients[0]!.address);
    expect((await page.locator('#routes-table tbody tr').first().locator('td').first().textContent())?.trim()).toBe(report.monitoring.routes[0]!.route);
    await page.close();
  });

  it('sorts a numeric column by number on a header click, ascending then descending', async () => {
    const { page, problems } = await open(file);
    const col = await headerIndex(page, 'clients-table', 'Redirects');
    const header = page.locator('#clients-table thead th').nth(col);
    const before = await shownNumbers(page, 'clients-table', col);
    expect(before).toEqual(report.clients.slice(0, MAX_ROWS).map((c) => c.redirects));
    await header.locator('button').click();
    expect(await header.getAttribute('aria-sort')).toBe('ascending');
    const asc = await shownNumbers(page, 'clients-table', col);
    expectSorted(asc, 'asc');
    expect([...asc].sort((a, b) => a! - b!)).toEqual([...before].sort((a, b) => a! - b!));
    await header.locator('button').click();
    expect(await header.getAttribute('aria-sort')).toBe('descending');
    expectSorted(await shownNumbers(page, 'clients-table', col), 'desc');

    // Percentages with empty cells: by number (not as text: "7.1%" < "93.8%" < "100.0%"), empty last both ways.
    const eff = await headerIndex(page, 'routes-table', 'Effective');
    const effHeader = page.locator('#routes-table thead th').nth(eff);
    await effHeader.locator('button').click();
    const effAsc = await shownNumbers(page, 'routes-table', eff);
    expect(effAsc).toContain(null);
    expectSorted(effAsc, 'asc');
    await effHeader.locator('button').click();
    expectSorted(await shownNumbers(page, 'routes-table', eff), 'desc');
    // Sorting one column resets the indicator of the others.
    expect(await header.getAttribute('aria-sort')).toBe('descending');
    expect(await page.locator('#routes-table thead th[aria-sort="descending"]').count()).toBe(1);

    // A text column sorts by text.
    const route = await headerIndex(page, 'findings-table', 'Route');
    await page.locator('#findings-table thead th').nth(route).locator('button').click();
    const routes = (await page.locator('#findings-table tbody tr').evaluateAll((rows, c) => rows.map((r) => (r as HTMLTableRowElement).cells[c]!.textContent!.trim()), route));
    expect(routes).toEqual([...routes].sort((a, b) => a.localeCompare(b, 'en', { numeric: true, sensitivity: 'base' })));
    expect(problems).toEqual([]);
    await page.close();
  });

  it('draws one point per time bucket for each line, and one bar pair per route (top 15)', async () => {
    const { page } = await open(file);
    const m = report.monitoring;
    const points = (series: string) => page.locator(`#chart-time circle[data-series="${series}"]`).count();
    expect(m.buckets.length).toBeGreaterThan(0);
    expect(await points('apparent')).toBe(m.buckets.filter((b) => b.figures.apparentSuccess !== null).length);
    expect(await points('effective')).toBe(m.buckets.filter((b) => b.figures.effectiveSuccess !== null).length);
    expect(await points('share')).toBe(m.buckets.filter((b) => b.figures.redirectShare !== null).length);
    expect(await page.locator('#chart-time path.line').count()).toBe(3);
    const top = Math.min(CHART_ROUTES, m.routes.length);
    expect(await page.locator('#chart-routes rect[data-series="apparent"]').count()).toBe(top);
    expect(await page.locator('#chart-routes rect[data-series="effective"]').count()).toBe(top);
    // Bar lengths follow the figures: a route at 100% is drawn longer than one at 0%.
    const widths = await page.locator('#chart-routes rect[data-series="effective"]').evaluateAll((rs) => rs.map((r) => Number(r.getAttribute('width'))));
    m.routes.slice(0, top).forEach((r, i) => {
      if (r.figures.effectiveSuccess === 0 || r.figures.effectiveSuccess === null) expect(widths[i]).toBe(0);
      else expect(widths[i]).toBeGreaterThan(0);
    });
    // The charts take their colours from the page, so dark mode changes them.
    const fill = () => page.locator('#chart-routes rect[data-series="apparent"]').first().evaluate((e) => getComputedStyle(e).fill);
    const light = await fill();
    await page.emulateMedia({ colorScheme: 'dark' });
    expect(await fill()).not.toBe(light);
    await page.close();
  });

  it('shows a hostile User-Agent and URL as text: no dialog, no injected element, no request', async () => {
    const path = `${OUTPUT}report-html-hostile.html`;
    writeFileSync(path, renderHtml(hostile(report)));
    const { page, problems, requests, dialogs, url } = await open(path);
    await page.waitForTimeout(200);
    expect(dialogs).toEqual([]);
    expect(problems).toEqual([]);
    expect(requests).toEqual([url]);
    expect(await page.locator('img').count()).toBe(0);
    expect(await page.locator('script').count()).toBe(1);
    const firstRow = page.locator('#clients-table tbody tr').first();
    expect((await firstRow.locator('td.ua').textContent())?.trim()).toBe(XSS_UA);
    expect(await firstRow.locator('td.example').textContent()).toContain(XSS_URL);
    expect(await page.getByText(`GET ${XSS_URL}`, { exact: true }).count()).toBeGreaterThanOrEqual(2);
    await page.close();
  });

  it('on the issue #15 traffic: software view, routes by impact, time axis to scale (screenshot)', async () => {
    const { analyzeFiles } = await import('../src/run.js');
    const { compileLogFormat } = await import('../parsers/log-format.js');
    const impact = await analyzeFiles([writeImpactLog()], { format: compileLogFormat('custom', FULL_FORMAT), threads: 1 });
    const path = `${OUTPUT}report-html-impact.html`;
    writeFileSync(path, renderHtml(impact));
    const { page, problems, requests, url } = await open(path);
    expect(problems).toEqual([]);
    expect(requests).toEqual([url]);
    // Clients by software, most serious first, with their count of addresses.
    const sw = page.locator('#software-table tbody tr').first().locator('td');
    expect((await sw.nth(0).textContent())?.trim()).toBe('LegacyClient 1.0');
    expect((await sw.nth(2).textContent())?.trim()).toBe('62');
    // The route with the most affected traffic first, in the table and the chart.
    expect((await page.locator('#routes-table tbody tr').first().locator('td').first().textContent())?.trim()).toBe('POST /checkout');
    expect(await page.locator('#chart-routes text.route-label').first().evaluate((e) => e.firstChild!.textContent)).toBe('POST /checkout');
    // The 11-minute gap is shaded and wider than a bucket: the axis is to scale.
    const gap = page.locator('#chart-time rect.no-data');
    expect(await gap.count()).toBe(1);
    const xs = await page.locator('#chart-time circle[data-series="apparent"]').evaluateAll((cs) => cs.map((c) => Number(c.getAttribute('cx'))));
    const steps = xs.slice(1).map((x, i) => x - xs[i]!);
    expect(Math.max(...steps)).toBeGreaterThan(5 * Math.min(...steps));
    await page.screenshot({ path: `${OUTPUT}report-html-impact.png`, fullPage: true });
    await page.locator('#charts').screenshot({ path: `${OUTPUT}report-html-impact-charts.png` });
    await page.locator('#software').screenshot({ path: `${OUTPUT}report-html-impact-software.png` });
    await page.locator('#routes').screenshot({ path: `${OUTPUT}report-html-impact-routes.png` });
    await page.screenshot({ path: `${OUTPUT}report-html-impact-top.png` });
    await page.close();
  });

  it('loads the optional parts and an empty report cleanly', async () => {
    for (const [name, r] of [['extras', withExtras(report)], ['empty', empty(report)]] as const) {
      const path = `${OUTPUT}report-html-${name}.html`;
      writeFileSync(path, renderHtml(r));
      const { page, problems, requests, dialogs, url } = await open(path);
      expect({ name, problems, requests, dialogs }).toEqual({ name, problems: [], requests: [url], dialogs: [] });
      await page.close();
    }
  });
});
