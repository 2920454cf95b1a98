/**
 * The HTML report: one self-contained page (inline CSS, inline SVG charts, one tiny inline script for sorting)
 * that fetches nothing: its Content-Security-Policy forbids every request and allows only its own stylesheet and
 * script, by hash (no style attributes either).
 * Tables are rendered here as rows, so they read without JavaScript; the script only sorts them.
 * Every string taken from the report (URLs, User-Agents, file names) is HTML-escaped: they come from the traffic.
 */
import { createHash } from 'node:crypto';
import { serverTone, VERDICTS, verdictTone, VIOLATION_FINDINGS, violationTotal, type Verdict } from '../src/findings.js';
import { neutralized } from './neutralize.js';
import type { AuditReport, ClientReport, Example, RecordRef, RouteFinding, RouteReport } from '../src/report.js';
import { CSS, SCRIPT } from './html-assets.js';
import { addressesOf, groupBySoftware, type SoftwareClients } from '../src/software.js';
import { routeChart, timeChart } from './html-charts.js';
import { bytes, esc, fmtPeriod, fmtTime, ms, n, pct } from './html-format.js';
import { shownUrl } from './format.js';

/** Routes in the bar chart. */
export const CHART_ROUTES = 15;
/** Rows per table; the JSON report has the rest. */
export const MAX_ROWS = 2000;

/** Verdicts, most serious first. */
const SEVERITY: readonly Verdict[] = VERDICTS;

const tone = verdictTone;

export function renderHtml(hostile: AuditReport): string {
  const report = neutralized(hostile);
  const hash = (s: string) => `'sha256-${createHash('sha256').update(s).digest('base64')}'`;
  const csp = [
    "default-src 'none'",
    `style-src ${hash(CSS)}`,
    `script-src ${hash(SCRIPT)}`,
    'img-src data:',
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
  const title = `Redirect audit · ${fmtPeriod(report.period.first, report.period.last)}`;
  const body = [
    header(report),
    errors(report),
    cards(report),
    baseline(report),
    charts(report),
    softwareTable(report),
    clientsTable(report),
    routesTable(report),
    findingsTable(report),
    skipped(report),
    `<footer>${esc(report.tool.name)} ${esc(report.tool.version)} · schema ${esc(report.schemaVersion)} · generated ${esc(fmtTime(report.generatedAt))}</footer>`,
  ]
    .filter(Boolean)
    .join('\n');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="generator" content="${esc(report.tool.name)} ${esc(report.tool.version)}">
<link rel="icon" href="data:,">
<title>${esc(title)}</title>
<style>${CSS}</style>
</head>
<body>
<main>
${body}
</main>
<script>${SCRIPT}</script>
</body>
</html>
`;
}

function header(r: AuditReport): string {
  const inputs = r.inputs
    .map(
      (i) =>
        `<li><code>${esc(i.name)}</code> ${esc(i.format)} · ${esc(bytes(i.bytes))} · ${n(i.linesRead)} lines · ${n(i.records)} records` +
        `${i.skipped ? ` · <span class="hot">${n(i.skipped)} skipped</span>` : ''}</li>`,
    )
    .join('');
  return `<header>
<h1>Redirect audit</h1>
<p class="meta">${esc(fmtPeriod(r.period.first, r.period.last))} · window ${n(r.options.windowSeconds)} s · clients by ${esc(r.options.clientKey)}</p>
<ul class="inputs">${inputs}</ul>
</header>`;
}

function errors(r: AuditReport): string {
  if (!r.errors.length) return '';
  const items = r.errors.map((e) => `<li><code>${esc(e.code)}</code> ${esc(e.message)}</li>`).join('');
  return `<section class="panel" id="errors"><h3>Inputs that ended early</h3><p class="note">What was read before the error is in the figures.</p><ul class="plain errors">${items}</ul></section>`;
}

function card(label: string, value: string, sub: string, cls = '', valueCls = ''): string {
  return `<div class="card${cls ? ` ${cls}` : ''}"><div class="label">${label}</div><div class="value${valueCls ? ` ${valueCls}` : ''}">${value}</div><div class="sub">${sub}</div></div>`;
}

function cards(r: AuditReport): string {
  const t = r.totals;
  const o = r.monitoring.overall;
  const viol = violationTotal(t.violations);
  const redirectsSub = [`${n(t.followed)} followed · ${n(t.unfollowed)} unfollowed`];
  const extra: string[] = [];
  if (t.missingLocation) extra.push(`${n(t.missingLocation)} without Location`);
  if (t.openAtEnd) extra.push(`${n(t.openAtEnd)} open at end`);
  if (extra.length) redirectsSub.push(extra.join(' · '));
  redirectsSub.push(`pairs ${n(t.pairing.exact)} exact · ${n(t.pairing.inferred)} inferred`);
  const gapPts =
    o.apparentSuccess !== null && o.effectiveSuccess !== null ? (o.effectiveSuccess - o.apparentSuccess) * 100 : null;
  const gap = gapPts === null ? '' : ` · <b>${gapPts > 0 ? '+' : gapPts < 0 ? '−' : '±'}${Math.abs(gapPts).toFixed(1)} pts</b>`;

  const verdictRows = SEVERITY.map((v) => [v, t.verdicts[v] ?? 0] as const);
  const total = verdictRows.reduce((a, [, k]) => a + k, 0);
  let x = 0;
  const segments = verdictRows
    .filter(([, k]) => k > 0)
    .map(([v, k]) => {
      const w = (k / total) * 100;
      const seg = `<rect class="v-${tone(v)}" x="${x.toFixed(2)}" width="${w.toFixed(2)}" height="6"><title>${esc(v)}: ${n(k)}</title></rect>`;
      x += w;
      return seg;
    })
    .join('');
  const stack = `<svg class="stack" viewBox="0 0 100 6" preserveAspectRatio="none" shape-rendering="crispEdges" role="img" aria-label="clients per verdict">${segments}</svg>`;
  const list = verdictRows
    .map(([v, k]) => `<li${k ? '' : ' class="zero"'}><span><span class="dot v-${tone(v)}"></span>${esc(v)}</span><b>${n(k)}</b></li>`)
    .join('');

  return `<section class="cards" aria-label="Summary">
${card('Redirects', n(t.redirects), redirectsSub.join('<br>'))}
${card('Violations', n(viol), `303 ×${n(t.violations['303'])} · 307 ×${n(t.violations['307'])} · 308 ×${n(t.violations['308'])}`, viol ? 'bad' : 'good')}
<div class="card clients-card"><div class="label">Clients with redirects</div><div class="clients-grid"><div class="value">${n(t.clients)}</div><ul class="verdicts">${list}</ul></div>${stack}</div>
${card('Apparent success', pct(o.apparentSuccess), `per request · ${n(o.requests)} requests`, '', 'apparent')}
${card('Effective success', pct(o.effectiveSuccess), `per chain · ${n(o.actions)} actions${gap}`, '', 'effective')}
${card('Redirect share', pct(o.redirectShare), `of requests are redirect hops · ${n(o.chains)} chains`)}
${card('Latency per chain', ms(o.latencyPerChainMs), `mean; ${ms(o.latencyPerRequestMs)} per request`)}
</section>`;
}

function baseline(r: AuditReport): string {
  const b = r.baseline;
  if (!b) return '';
  const bt = b.totals;
  const who = (l: typeof b.fixed) =>
    l.length
      ? `<ul class="plain">${l.map((c) => `<li><code>${esc(c.address)}</code> ${esc(c.userAgent ?? '(no User-Agent)')} ${c.verdicts.map(chip).join('')}</li>`).join('')}</ul>`
      : '<p class="empty">None.</p>';
  const routes = b.routes.length
    ? `<div class="table-wrap"><table><thead><tr><th scope="col">Route</th><th scope="col" class="num">Effective before</th><th scope="col" class="num">Effective now</th><th scope="col">Findings now</th></tr></thead><tbody>${b.routes
        .map(
          (x) =>
            `<tr><td><code>${esc(x.route)}</code></td><td class="num">${pct(x.before?.effectiveSuccess ?? null)}</td><td class="num">${pct(x.after?.effectiveSuccess ?? null)}</td><td>${findingList(x.after?.findings ?? {})}</td></tr>`,
        )
        .join('')}</tbody></table></div>`
    : '';
  return `<section id="baseline">
<h2>Since the baseline <span class="count">${esc(b.file)}${b.generatedAt ? ` · ${esc(fmtTime(b.generatedAt))}` : ''}</span></h2>
<div class="panel">
<p>Violations ${n(bt.violations.before)} → <b>${n(bt.violations.after)}</b> · effective success ${pct(bt.effectiveSuccess.before)} → <b>${pct(bt.effectiveSuccess.after)}</b> · apparent success ${pct(bt.apparentSuccess.before)} → <b>${pct(bt.apparentSuccess.after)}</b></p>
<h3>Newly mishandling (${n(b.newlyMishandling.length)})</h3>${who(b.newlyMishandling)}
<h3>Fixed (${n(b.fixed.length)})</h3>${who(b.fixed)}
</div>
${routes}
</section>`;
}

function charts(r: AuditReport): string {
  const m = r.monitoring;
  const top = m.routes.slice(0, CHART_ROUTES);
  return `<section id="charts">
<h2>Figures over time</h2>
<div class="panel">
<p class="note">Per-request dashboards count a redirect as a success; per chain, a user action succeeds only if its chain ends below 400.</p>
<ul class="legend"><li><i class="s-apparent"></i>Apparent success (per request)</li><li><i class="s-effective"></i>Effective success (per chain)</li><li><i class="gap"></i>Gap</li><li><i class="s-share"></i>Redirect share of requests</li></ul>
${timeChart(m.buckets, m.bucketSeconds)}
</div>
<h2>By route <span class="count">top ${n(top.length)} of ${n(m.routes.length)} by impact</span></h2>
<div class="panel">
<ul class="legend"><li><i class="s-apparent"></i>Apparent success (per request)</li><li><i class="s-effective"></i>Effective success (per chain)</li></ul>
${routeChart(top)}
</div>
</section>`;
}

interface Column<T> {
  title: string;
  /** Sort by number (the value); otherwise by text. */
  num?: boolean;
  /** Right-aligned. */
  right?: boolean;
  cls?: string;
  /** Tooltip of the header. */
  hint?: string;
  /** Sort key; `null` sorts last. Omit to sort by the cell's text. */
  value?: (row: T) => number | string | null;
  /** Cell HTML; every string in it must be escaped. */
  cell: (row: T) => string;
}

function table<T>(id: string, cols: Column<T>[], rows: T[], caption: string): string {
  const head = cols
    .map(
      (c) =>
        `<th scope="col"${c.right ? ' class="num"' : ''}${c.num ? ' data-sort="num"' : ''}${c.hint ? ` title="${esc(c.hint)}"` : ''} aria-sort="none"><button type="button">${esc(c.title)}</button></th>`,
    )
    .join('');
  const body = rows
    .slice(0, MAX_ROWS)
    .map(
      (row) =>
        `<tr>${cols
          .map((c) => {
            const cls = [c.right ? 'num' : '', c.cls ?? ''].filter(Boolean).join(' ');
            const v = c.value ? c.value(row) : undefined;
            return `<td${cls ? ` class="${cls}"` : ''}${v === undefined ? '' : ` data-v="${esc(v ?? '')}"`}>${c.cell(row)}</td>`;
          })
          .join('')}</tr>`,
    )
    .join('\n');
  const more = rows.length > MAX_ROWS ? `<p class="more">… and ${n(rows.length - MAX_ROWS)} more in the JSON report.</p>` : '';
  return `<div class="table-wrap"><table class="sortable" id="${id}"><caption class="sr-only">${esc(caption)}</caption><thead><tr>${head}</tr></thead>
<tbody>
${body}
</tbody></table></div>${more}`;
}

const num = (x: number | null, fmt: (x: number) => string = n) =>
  x === null ? '<span class="muted">–</span>' : x === 0 ? `<span class="zero">${fmt(x)}</span>` : fmt(x);
const hot = (x: number) => (x > 0 ? `<span class="hot">${n(x)}</span>` : `<span class="zero">0</span>`);
const share = (x: number | null) => (x === null ? '<span class="muted">–</span>' : pct(x));

function chip(v: string): string {
  return `<span class="chip ${tone(v)}">${esc(v)}</span>`;
}

function clientsTable(r: AuditReport): string {
  const cols: Column<ClientReport>[] = [
    { title: 'Address', cls: 'key', cell: (c) => `<code>${esc(c.address)}</code>`, value: (c) => c.address },
    {
      title: 'User-Agent',
      cls: 'ua',
      cell: (c) => (c.userAgent === null ? '<span class="muted">(none)</span>' : esc(c.userAgent)),
      value: (c) => c.userAgent,
    },
    {
      title: 'Verdicts',
      num: true,
      cls: 'chips',
      cell: (c) => c.verdicts.map(chip).join(''),
      value: (c) => SEVERITY.indexOf(c.verdict),
    },
    { title: 'Redirects', num: true, right: true, cell: (c) => n(c.redirects), value: (c) => c.redirects },
    { title: 'Followed', num: true, right: true, cell: (c) => num(c.followed), value: (c) => c.followed },
    { title: 'Unfollowed', num: true, right: true, cell: (c) => num(c.unfollowed), value: (c) => c.unfollowed },
    { title: '303\u00a0✗', hint: 'Violations of 303', num: true, right: true, cell: (c) => hot(c.violations['303']), value: (c) => c.violations['303'] },
    { title: '307\u00a0✗', hint: 'Violations of 307', num: true, right: true, cell: (c) => hot(c.violations['307']), value: (c) => c.violations['307'] },
    { title: '308\u00a0✗', hint: 'Violations of 308', num: true, right: true, cell: (c) => hot(c.violations['308']), value: (c) => c.violations['308'] },
    { title: 'Example', cls: 'example', cell: (c) => exampleCell(pickExample(c)) },
  ];
  return `<section id="clients">
<h2>Clients <span class="count">${n(r.clients.length)}</span></h2>
${table('clients-table', cols, r.clients, 'Clients and their verdicts')}
</section>`;
}

/** Addresses named per software row. */
const SOFTWARE_ADDRESSES = 12;

/** Clients by software (User-Agent family and version), most serious first: what people act on. */
function softwareTable(r: AuditReport): string {
  const groups = groupBySoftware(r.clients);
  const cols: Column<SoftwareClients>[] = [
    { title: 'Software', cls: 'key', cell: (g) => `<b>${esc(g.group.software)}</b>`, value: (g) => g.group.software },
    {
      title: 'Verdicts',
      num: true,
      cls: 'chips',
      cell: (g) =>
        Object.entries(g.group.verdicts)
          .map(([v, k]) => `<span class="chip ${tone(v)}">${esc(v)} ×${n(k ?? 0)}</span>`)
          .join(''),
      value: (g) => SEVERITY.indexOf(g.group.verdict),
    },
    { title: 'Addresses', num: true, right: true, cell: (g) => n(g.group.addressCount), value: (g) => g.group.addressCount },
    {
      title: 'Which',
      cls: 'addresses',
      cell: (g) => {
        const addrs = addressesOf(g.members);
        const shown = addrs.slice(0, SOFTWARE_ADDRESSES).map((a) => `<code>${esc(a)}</code>`).join(' ');
        return shown + (addrs.length > SOFTWARE_ADDRESSES ? ` <span class="muted">… ${n(addrs.length - SOFTWARE_ADDRESSES)} more</span>` : '');
      },
    },
    { title: 'Redirects', num: true, right: true, cell: (g) => n(g.group.redirects), value: (g) => g.group.redirects },
    { title: 'Unfollowed', num: true, right: true, cell: (g) => num(g.group.unfollowed), value: (g) => g.group.unfollowed },
    { title: '303\u00a0✗', hint: 'Violations of 303', num: true, right: true, cell: (g) => hot(g.group.violations['303']), value: (g) => g.group.violations['303'] },
    { title: '307\u00a0✗', hint: 'Violations of 307', num: true, right: true, cell: (g) => hot(g.group.violations['307']), value: (g) => g.group.violations['307'] },
    { title: '308\u00a0✗', hint: 'Violations of 308', num: true, right: true, cell: (g) => hot(g.group.violations['308']), value: (g) => g.group.violations['308'] },
  ];
  return `<section id="software">
<h2>Clients by software <span class="count">${n(groups.length)} software · ${n(r.clients.length)} clients</span></h2>
<p class="note">Grouped by the software the User-Agent names (a label only: verdicts come from the traffic).</p>
${table('software-table', cols, groups, 'Clients grouped by software, most serious verdict first')}
</section>`;
}

function routesTable(r: AuditReport): string {
  const m = r.monitoring;
  const f = (x: RouteReport) => x.figures;
  const cols: Column<RouteReport>[] = [
    { title: 'Route', cls: 'route', cell: (x) => `<code>${esc(x.route)}</code>`, value: (x) => x.route },
    {
      title: 'Affected',
      hint: 'User actions affected: chains started here that failed or broke a code\'s rule (the ranking)',
      num: true,
      right: true,
      cell: (x) => (x.impact ? hot(x.impact.affected) : '<span class="muted">–</span>'),
      value: (x) => x.impact?.affected ?? null,
    },
    { title: 'Violations', num: true, right: true, cell: (x) => (x.impact ? hot(x.impact.violations) : '<span class="muted">–</span>'), value: (x) => x.impact?.violations ?? null },
    { title: 'Failed chains', num: true, right: true, cell: (x) => (x.impact ? hot(x.impact.failedChains) : '<span class="muted">–</span>'), value: (x) => x.impact?.failedChains ?? null },
    {
      title: 'Uncertain',
      hint: 'Chains whose ending this log cannot know (possibly cached, undetermined, left the site): not failures',
      num: true,
      right: true,
      cell: (x) => (x.impact ? num(x.impact.uncertain) : '<span class="muted">–</span>'),
      value: (x) => x.impact?.uncertain ?? null,
    },
    { title: 'Requests', num: true, right: true, cell: (x) => n(f(x).requests), value: (x) => f(x).requests },
    { title: 'Apparent', num: true, right: true, cell: (x) => share(f(x).apparentSuccess), value: (x) => f(x).apparentSuccess },
    { title: 'Effective', num: true, right: true, cell: (x) => share(f(x).effectiveSuccess), value: (x) => f(x).effectiveSuccess },
    {
      title: 'Gap (points)',
      num: true,
      right: true,
      cell: (x) => {
        const g = gapOf(x);
        return g === null ? '<span class="muted">–</span>' : g >= 0.05 ? `<span class="hot">${g.toFixed(1)}</span>` : `<span class="zero">${g.toFixed(1)}</span>`;
      },
      value: (x) => gapOf(x),
    },
    { title: 'Redirect share', num: true, right: true, cell: (x) => share(f(x).redirectShare), value: (x) => f(x).redirectShare },
    { title: 'Chains', num: true, right: true, cell: (x) => num(f(x).chains), value: (x) => f(x).chains },
    { title: 'ms / request', num: true, right: true, cell: (x) => num(f(x).latencyPerRequestMs, (v) => ms(v).replace(' ms', '')), value: (x) => f(x).latencyPerRequestMs },
    { title: 'ms / chain', num: true, right: true, cell: (x) => num(f(x).latencyPerChainMs, (v) => ms(v).replace(' ms', '')), value: (x) => f(x).latencyPerChainMs },
    {
      title: 'Statuses',
      cell: (x) =>
        `<span class="mono">${Object.entries(x.statuses)
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([s, k]) => `${esc(s)}×${n(k)}`)
          .join(' ')}</span>`,
    },
    {
      title: 'Findings',
      num: true,
      cls: 'findings',
      cell: (x) => findingList(x.findings),
      value: (x) => Object.values(x.findings).reduce<number>((a, k) => a + (k ?? 0), 0),
    },
  ];
  const other = m.otherRoutes > 0 ? `<p class="more">${n(m.otherRoutes)} requests on routes beyond the limit are folded out of this table.</p>` : '';
  return `<section id="routes">
<h2>Routes by impact <span class="count">${n(m.routes.length)}</span></h2>
<p class="note">Ranked by the user actions their redirects affected (a violation or a failed chain), not by how many findings they have.</p>
${table('routes-table', cols, m.routes, 'Monitoring figures per route')}${other}
</section>`;
}

function findingsTable(r: AuditReport): string {
  const list = r.monitoring.findings;
  if (!list.length) {
    return `<section id="findings"><h2>Findings <span class="count">0</span></h2><p class="empty">No server-side findings.</p></section>`;
  }
  const cols: Column<RouteFinding>[] = [
    { title: 'Finding', cell: (x) => `<span class="chip ${findingTone(x.finding)}">${esc(x.finding)}</span>`, value: (x) => x.finding },
    { title: 'Route', cls: 'route', cell: (x) => `<code>${esc(x.route)}</code>`, value: (x) => x.route },
    { title: 'Count', num: true, right: true, cell: (x) => n(x.count), value: (x) => x.count },
    { title: 'Recommendation', cls: 'rec', cell: (x) => esc(x.recommendation) },
    {
      title: 'Example',
      cls: 'example',
      cell: (x) => {
        const e = x.example;
        const final = e.final && !(e.followUp && sameRecord(e.final, e.followUp)) ? e.final : null;
        const hops = e.hops === null ? [] : [`${n(e.hops)} hop${e.hops === 1 ? '' : 's'}`];
        return exampleHtml(e.redirect, e.followUp, final, hops);
      },
    },
  ];
  return `<section id="findings">
<h2>Findings <span class="count">${n(list.length)}</span></h2>
${table('findings-table', cols, list, 'Server-side findings per route')}
</section>`;
}

function skipped(r: AuditReport): string {
  const inputs = r.inputs.filter((i) => i.skipped > 0);
  if (!inputs.length) return '';
  const items = inputs
    .flatMap((i) =>
      i.skippedExamples.slice(0, 10).map((s) => `<li><code>${esc(`${i.name}:${s.line}`)}</code> ${esc(s.reason)} <code>${esc(s.text.slice(0, 200))}</code></li>`),
    )
    .join('');
  return `<section id="skipped"><h2>Skipped lines <span class="count">${n(r.totals.skipped)}</span></h2><div class="panel"><ul class="plain">${items}</ul></div></section>`;
}

function pickExample(c: ClientReport): Example | undefined {
  return (
    c.examples.find((e) => VIOLATION_FINDINGS.has(e.finding)) ??
    c.examples.find((e) => e.finding === 'unfollowed') ??
    c.examples[0]
  );
}

function exampleCell(e: Example | undefined): string {
  if (!e) return '';
  const why = e.finding === 'followed' ? [] : [`${e.finding}: ${e.why}${e.mode === 'inferred' ? ' (target inferred)' : ''}`];
  return exampleHtml(e.redirect, e.followUp, null, why);
}

/** The redirect and what followed it, one request a line, then where they are in the input and why. */
function exampleHtml(redirect: RecordRef, followUp: RecordRef | null, final: RecordRef | null, notes: string[]): string {
  const lines = [`<code>${esc(request(redirect))}</code>`];
  const where = [`${redirect.input}:${redirect.line}`];
  for (const [word, r] of [['then', followUp], ['ended', final]] as const) {
    if (!r) continue;
    lines.push(`<span class="then">${word} <code>${esc(request(r))}</code></span>`);
    where.push(r.input === redirect.input ? `:${r.line}` : `${r.input}:${r.line}`);
  }
  lines.push(`<span class="why">${esc([where.join(', '), ...notes].join(' · '))}</span>`);
  return lines.join('');
}

/** `METHOD url → status` */
function request(r: RecordRef): string {
  return `${r.method} ${shownUrl(r.url)} → ${r.status}`;
}

function sameRecord(a: RecordRef, b: RecordRef): boolean {
  return a.input === b.input && a.line === b.line;
}

function gapOf(x: RouteReport): number | null {
  const { apparentSuccess: a, effectiveSuccess: e } = x.figures;
  return a === null || e === null ? null : Math.round((a - e) * 1000) / 10;
}

function findingList(f: Partial<Record<string, number>>): string {
  return Object.entries(f)
    .filter(([, k]) => (k ?? 0) > 0)
    .map(([name, k]) => `<span class="chip ${findingTone(name)}">${esc(name)} ×${n(k ?? 0)}</span>`)
    .join('');
}

const findingTone = serverTone;
