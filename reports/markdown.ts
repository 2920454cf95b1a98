/**
 * The Markdown report: a compact summary to paste into a ticket or a chat post (GitHub-flavoured tables).
 * Deterministic: the only time that is not in the data is `generatedAt`, and it stands alone on the last line.
 * Every cell is escaped: User-Agents and URLs come from the traffic, so they must not turn into links, images,
 * HTML or extra table columns.
 */
import { isMishandling, VIOLATION_FINDINGS, violationTotal } from '../src/findings.js';
import { neutralized } from './neutralize.js';
import type { AuditReport, ClientReport, Example, Figures, RecordRef } from '../src/report.js';
import { fmtPeriod, fmtTime, ms, n, pct, shownUrl } from './format.js';
import { addressesOf, groupBySoftware, GROUPED_VERDICTS, softwareWithVerdict } from '../src/software.js';

const MAX_MISHANDLING = 25;
const MAX_SOFTWARE = 40;
/** Addresses named per software row. */
const ADDRESSES = 5;
const MAX_NOT_FOLLOWING = 10;
const MAX_FINDINGS = 25;
const MAX_ROUTES = 15;
const UA_WIDTH = 60;


export function renderMarkdown(hostile: AuditReport): string {
  const report = neutralized(hostile);
  const t = report.totals;
  const m = report.monitoring;
  const out: string[] = [];

  const period = report.period.first ? `: ${fmtPeriod(report.period.first, report.period.last)}` : '';
  out.push(`## Redirect audit${period}`, '');
  const inputs = report.inputs.map(
    (i) =>
      `${code(i.name)} (${text(i.format)}, ${n(i.linesRead)} lines, ${n(i.records)} records` +
      `${i.skipped ? `, **${n(i.skipped)} skipped**` : ''})`,
  );
  out.push(
    `Inputs: ${inputs.join(', ') || '(none)'} · window ${n(report.options.windowSeconds)} s · clients by ${report.options.clientKey}`,
    '',
  );

  // Totals.
  const viol = violationTotal(t.violations);
  const redirects = [`followed ${n(t.followed)}`, `unfollowed ${n(t.unfollowed)}`];
  if (t.missingLocation) redirects.push(`without Location ${n(t.missingLocation)}`);
  if (t.openAtEnd) redirects.push(`still open at the end ${n(t.openAtEnd)}`);
  const verdicts = Object.entries(t.verdicts)
    .filter(([, k]) => (k ?? 0) > 0)
    .map(([v, k]) => `${v} ${n(k ?? 0)}`);
  out.push(
    `- **Redirects:** ${n(t.redirects)} (${redirects.join(', ')}; pairs ${n(t.pairing.exact)} exact, ${n(t.pairing.inferred)} inferred)`,
    `- **Violations:** ${n(viol)} (303 ×${n(t.violations['303'])}, 307 ×${n(t.violations['307'])}, 308 ×${n(t.violations['308'])})`,
    `- **Clients:** ${n(t.clients)}${verdicts.length ? ` (${verdicts.join(', ')})` : ''}`,
  );
  if (t.pairing.undetermined) {
    const why = Object.entries(t.pairing.undeterminedWhy ?? {}).map(([w, k]) => `${n(k)} × ${w}`);
    out.push(
      `- **Undetermined:** ${n(t.pairing.undetermined)} pairs the log cannot decide (${why.join('; ')}). Log the Location header (nginx \`$sent_http_location\`, Apache \`%{Location}o\`) to decide them.`,
    );
  }
  if (t.pairing.inferred > 0) {
    out.push('- Location is not in this log: targets were inferred from where clients went next.');
  }
  for (const e of report.errors) out.push(`- **Error:** ${text(e.message)}`);

  // Clients by software and verdict: what people act on (one row per software and verdict, not per address).
  const groups = groupBySoftware(report.clients);
  const bySoftware = GROUPED_VERDICTS.flatMap((v) => softwareWithVerdict(groups, v).map((g) => ({ v, ...g })));
  if (bySoftware.length) {
    out.push('', `### Clients by software and verdict (${n(bySoftware.length)})`, '');
    out.push(
      '| Verdict | Software | Addresses | Redirects | Violations 303/307/308 | Example |',
      '| --- | --- | --- | ---: | ---: | --- |',
    );
    for (const { v, group, members } of bySoftware.slice(0, MAX_SOFTWARE)) {
      const addrs = addressesOf(members);
      const shown = addrs.slice(0, ADDRESSES).join(', ') + (addrs.length > ADDRESSES ? `, … ${n(addrs.length - ADDRESSES)} more` : '');
      const sum = (f: (c: ClientReport) => number) => members.reduce((a, c) => a + f(c), 0);
      const ex = members.flatMap((c) => c.examples).find((e) => VIOLATION_FINDINGS.has(e.finding) && (!v.startsWith('mishandles-') || e.finding.endsWith(v.slice(-3)))) ?? members[0]!.examples[0];
      out.push(
        row([
          text(v),
          text(group.software),
          `**${n(addrs.length)}**: ${text(shown)}`,
          n(sum((c) => c.redirects)),
          `${n(sum((c) => c.violations['303']))} / ${n(sum((c) => c.violations['307']))} / ${n(sum((c) => c.violations['308']))}`,
          ex ? example(ex) : '',
        ]),
      );
    }
    more(out, bySoftware.length, MAX_SOFTWARE, 'rows');
  }
  const correctGroups = softwareWithVerdict(groups, 'correct');
  if (correctGroups.length) {
    const k = report.clients.filter((c) => c.verdict === 'correct').length;
    out.push('', `${n(k)} client${k === 1 ? '' : 's'} in ${n(correctGroups.length)} software handled every redirect correctly.`);
  }

  // Clients that mishandle 303/307/308.
  const mishandling = report.clients.filter((c) => c.verdicts.some(isMishandling));
  out.push('', `### Clients that mishandle 303/307/308 (${n(mishandling.length)})`, '');
  if (!mishandling.length) out.push('None: every followed 303, 307 and 308 used the method and body the code requires.');
  else {
    out.push(
      '| Address | User-Agent | Verdicts | Redirects | Violations 303/307/308 | Example |',
      '| --- | --- | --- | ---: | ---: | --- |',
    );
    for (const c of mishandling.slice(0, MAX_MISHANDLING)) {
      const ex = c.examples.find((e) => VIOLATION_FINDINGS.has(e.finding)) ?? c.examples[0];
      out.push(
        row([
          code(c.address),
          ua(c),
          text(c.verdicts.join(', ')),
          n(c.redirects),
          `${n(c.violations['303'])} / ${n(c.violations['307'])} / ${n(c.violations['308'])}`,
          ex ? example(ex) : '',
        ]),
      );
    }
    more(out, mishandling.length, MAX_MISHANDLING, 'clients');
  }

  // Clients that leave redirects unfollowed.
  const notFollowing = report.clients
    .filter((c) => c.verdicts.includes('does-not-follow'))
    .sort((a, b) => b.unfollowed - a.unfollowed);
  if (notFollowing.length) {
    out.push('', `### Clients that do not follow (${n(notFollowing.length)})`, '');
    out.push('| Address | User-Agent | Redirects | Unfollowed | Example |', '| --- | --- | ---: | ---: | --- |');
    for (const c of notFollowing.slice(0, MAX_NOT_FOLLOWING)) {
      const ex = c.examples.find((e) => e.finding === 'unfollowed') ?? c.examples[0];
      out.push(row([code(c.address), ua(c), n(c.redirects), n(c.unfollowed), ex ? example(ex) : '']));
    }
    more(out, notFollowing.length, MAX_NOT_FOLLOWING, 'clients');
  }

  // Clients whose every pair is undetermined, and relative Locations requested as written.
  const misresolving = report.clients.filter((c) => c.verdicts.includes('misresolves-location'));
  if (misresolving.length) {
    out.push('', `### Clients that request a relative Location without resolving it (${n(misresolving.length)})`, '');
    out.push('| Address | User-Agent | Redirects | Example |', '| --- | --- | ---: | --- |');
    for (const c of misresolving.slice(0, MAX_NOT_FOLLOWING)) {
      const ex = c.examples.find((e) => e.finding === 'location-misresolved') ?? c.examples[0];
      out.push(row([code(c.address), ua(c), n(c.redirects), ex ? example(ex) : '']));
    }
    more(out, misresolving.length, MAX_NOT_FOLLOWING, 'clients');
  }
  const undetermined = report.clients.filter((c) => c.verdict === 'undetermined');
  if (undetermined.length) {
    out.push('', `### Clients this log cannot judge (${n(undetermined.length)})`, '');
    out.push('Every pair of these clients is undetermined: log the Location header to decide them.', '');
    out.push('| Address | User-Agent | Redirects | Example |', '| --- | --- | ---: | --- |');
    for (const c of undetermined.slice(0, MAX_NOT_FOLLOWING)) {
      const ex = c.examples[0];
      out.push(row([code(c.address), ua(c), n(c.redirects), ex ? example(ex) : '']));
    }
    more(out, undetermined.length, MAX_NOT_FOLLOWING, 'clients');
  }

  // Monitoring.
  const o = m.overall;
  out.push('', '### Monitoring: what redirects do to the figures', '');
  out.push(
    '| | Per request (apparent) | Per chain (effective) |',
    '| --- | ---: | ---: |',
    `| Success | ${pct(o.apparentSuccess)} of ${n(o.requests)} requests | ${pct(o.effectiveSuccess)} of ${n(o.actions)} actions |`,
    `| Mean latency | ${ms(o.latencyPerRequestMs)} | ${ms(o.latencyPerChainMs)} |`,
  );
  out.push('', `${pct(o.redirectShare)} of requests are redirect hops (${n(o.chains)} chains).${gap(o)}`);

  // Server-side findings.
  if (m.findings.length) {
    out.push('', `### Findings (${n(m.findings.length)})`, '');
    out.push('| Finding | Route | Count | Recommendation |', '| --- | --- | ---: | --- |');
    for (const f of m.findings.slice(0, MAX_FINDINGS)) {
      out.push(row([code(f.finding), code(f.route), n(f.count), text(f.recommendation)]));
    }
    more(out, m.findings.length, MAX_FINDINGS, 'findings');
  }

  // Routes.
  if (m.routes.length) {
    out.push('', `### Top routes by impact (${n(Math.min(MAX_ROUTES, m.routes.length))} of ${n(m.routes.length)})`, '');
    out.push('Ranked by impact: user actions affected (a violation or a failed chain), then violations and failed chains.', '');
    out.push(
      '| Route | Affected | Violations | Failed chains | Uncertain | Requests | Apparent | Effective | Redirect share |',
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    );
    for (const r of m.routes.slice(0, MAX_ROUTES)) {
      const f = r.figures;
      const i = r.impact;
      const k = (x: number | undefined) => (x === undefined ? '–' : n(x));
      out.push(
        row([code(r.route), k(i?.affected), k(i?.violations), k(i?.failedChains), k(i?.uncertain), n(f.requests), pct(f.apparentSuccess), pct(f.effectiveSuccess), pct(f.redirectShare)]),
      );
    }
    const rest = m.routes.length - MAX_ROUTES;
    if (rest > 0 || m.otherRoutes > 0) {
      const parts: string[] = [];
      if (rest > 0) parts.push(`${n(rest)} more routes in the JSON report`);
      if (m.otherRoutes > 0) parts.push(`${n(m.otherRoutes)} requests on routes beyond the limit`);
      out.push('', `_… ${parts.join('; ')}._`);
    }
  }

  // Change since the baseline.
  const b = report.baseline;
  if (b) {
    const bt = b.totals;
    out.push('', `### Since the baseline ${code(b.file)}${b.generatedAt ? ` (${fmtTime(b.generatedAt)})` : ''}`, '');
    out.push(
      `- **Violations:** ${n(bt.violations.before)} → ${n(bt.violations.after)}`,
      `- **Effective success:** ${pct(bt.effectiveSuccess.before)} → ${pct(bt.effectiveSuccess.after)}`,
      `- **Apparent success:** ${pct(bt.apparentSuccess.before)} → ${pct(bt.apparentSuccess.after)}`,
    );
    const who = (l: typeof b.fixed) =>
      l.map((c) => `${code(c.address)} ${ua({ userAgent: c.userAgent })} (${text(c.verdicts.join(', '))})`).join('; ');
    if (b.newlyMishandling.length) out.push(`- **Newly mishandling (${n(b.newlyMishandling.length)}):** ${who(b.newlyMishandling)}`);
    if (b.fixed.length) out.push(`- **Fixed (${n(b.fixed.length)}):** ${who(b.fixed)}`);
    if (b.routes.length) {
      out.push(
        `- **Routes that moved (${n(b.routes.length)}):** ` +
          b.routes
            .slice(0, MAX_ROUTES)
            .map((r) => `${code(r.route)} ${pct(r.before?.effectiveSuccess ?? null)} → ${pct(r.after?.effectiveSuccess ?? null)}`)
            .join('; '),
      );
    }
  }

  out.push('', `_${text(report.tool.name)} ${text(report.tool.version)} · generated ${text(report.generatedAt)}_`);
  return `${out.join('\n')}\n`;
}

/** A table row; the cells are already escaped. */
function row(cells: string[]): string {
  return `| ${cells.join(' | ')} |`;
}

function more(out: string[], total: number, shown: number, what: string): void {
  if (total > shown) out.push('', `_… and ${n(total - shown)} more ${what} in the JSON report._`);
}

function ua(c: Pick<ClientReport, 'userAgent'>): string {
  if (c.userAgent === null) return '_(none)_';
  const s = c.userAgent.length > UA_WIDTH ? `${c.userAgent.slice(0, UA_WIDTH - 1)}…` : c.userAgent;
  return text(s);
}

/** `file:line METHOD url → status`, then the follow-up's method and URL (or why there is none). */
function example(e: Example): string {
  const r = e.redirect;
  const head = code(`${where(r)} ${r.method} ${shownUrl(r.url)} → ${r.status}`);
  if (!e.followUp) return `${head} ${text(`(${e.finding})`)}`;
  return `${head}, then ${code(`${e.followUp.method} ${shownUrl(e.followUp.url)}`)}`;
}

function where(r: RecordRef): string {
  return `${r.input}:${r.line}`;
}

function gap(f: Figures): string {
  if (f.apparentSuccess === null || f.effectiveSuccess === null) return '';
  const d = (f.apparentSuccess - f.effectiveSuccess) * 100;
  if (Math.abs(d) < 0.05) return ' Per-request success matches per-chain success.';
  return ` Per-request success ${d > 0 ? 'overstates' : 'understates'} per-chain success by ${Math.abs(d).toFixed(1)} points.`;
}

/**
 * Plain text in a Markdown table cell: no inline markup, no HTML, no link, no extra column, one line.
 * A backslash before ASCII punctuation is always a literal in CommonMark (`\\&` keeps `&lt;` from becoming `<`),
 * so escaping is safe everywhere.
 */
export function text(s: string): string {
  return oneLine(s)
    .replace(/[\\`*_[\]<>|~&]/g, (ch) => `\\${ch}`);
}

/**
 * A code span that holds any string: the fence is longer than the longest run of backticks inside, and `|` is
 * escaped for the table (GFM removes that backslash before it parses the span).
 */
export function code(s: string): string {
  const body = oneLine(s).replace(/\|/g, '\\|');
  if (!body) return '';
  const longest = Math.max(0, ...(body.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const padded = body.startsWith('`') || body.endsWith('`') || (body.startsWith(' ') && body.endsWith(' ') && body.trim() !== '');
  const pad = padded ? ' ' : '';
  return `${fence}${pad}${body}${pad}${fence}`;
}

function oneLine(s: string): string {
  return s.replace(/[\r\n\t]+/g, ' ');
}
