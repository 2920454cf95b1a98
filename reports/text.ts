/**
 * The terminal report: a summary a person reads top to bottom. Clients that mishandle 303 or 307 come first,
 * each with its counts and one example pair (input:line of the redirect and of the follow-up).
 */
import { mishandles, violationTotal } from '../src/findings.js';
import type { AuditReport, ClientReport, Example, RecordRef } from '../src/report.js';
import { fmtTime, n, pct } from './format.js';
import { neutralized } from './neutralize.js';

export interface TextOptions {
  color: boolean;
  /** How many clients to list per section before "... and N more". */
  limit?: number;
}

export function renderText(hostile: AuditReport, opts: TextOptions = { color: false }): string {
  // Every string from the logs with its control characters escaped, before colours are added.
  const report = neutralized(hostile);
  const c = opts.color;
  const bold = (s: string) => (c ? `\x1b[1m${s}\x1b[22m` : s);
  const red = (s: string) => (c ? `\x1b[31m${s}\x1b[39m` : s);
  const yellow = (s: string) => (c ? `\x1b[33m${s}\x1b[39m` : s);
  const green = (s: string) => (c ? `\x1b[32m${s}\x1b[39m` : s);
  const dim = (s: string) => (c ? `\x1b[2m${s}\x1b[22m` : s);
  const limit = opts.limit ?? 25;
  const t = report.totals;
  const out: string[] = [];

  const period = report.period.first ? ` · ${fmtTime(report.period.first, '?')} → ${fmtTime(report.period.last, '?')}` : '';
  out.push(bold(`redirect-audit ${report.tool.version}`) + dim(period));
  for (const i of report.inputs) {
    out.push(
      `  ${i.name} (${i.format}): ${n(i.linesRead)} lines, ${n(i.records)} records, ${n(i.skipped)} skipped`,
    );
  }
  out.push('');
  out.push(
    `${bold('Redirects')} ${n(t.redirects)}: followed ${n(t.followed)}, unfollowed ${n(t.unfollowed)}` +
      (t.missingLocation ? `, without Location ${n(t.missingLocation)}` : '') +
      (t.openAtEnd ? `, still open when the input ended ${n(t.openAtEnd)}` : '') +
      dim(` (pairs: ${n(t.pairing.exact)} exact, ${n(t.pairing.inferred)} inferred; ${n(t.notModified)} × 304 not counted)`),
  );
  if (t.pairing.inferred > 0) {
    out.push(
      dim(
        '  (this log does not record Location, so targets were inferred from where clients went next; log $sent_http_location or %{Location}o for exact pairing)',
      ),
    );
  }
  if (t.pairing.undetermined) {
    out.push(`${bold('Undetermined')} ${n(t.pairing.undetermined)} pairs the log cannot decide (neither followed nor unfollowed, never a violation):`);
    for (const [why, k] of Object.entries(t.pairing.undeterminedWhy ?? {})) out.push(`  ${n(k)} × ${why}`);
    out.push(dim('  (log the Location header, nginx $sent_http_location or Apache %{Location}o, to decide them)'));
  }
  const viol = violationTotal(t.violations);
  out.push(
    `${bold('Violations')} ${viol ? red(n(viol)) : green('0')}: 303 ×${n(t.violations['303'])}, 307 ×${n(t.violations['307'])}, 308 ×${n(t.violations['308'])}`,
  );
  const verdicts = Object.entries(t.verdicts)
    .map(([v, k]) => `${v} ${n(k)}`)
    .join(', ');
  out.push(`${bold('Clients')} ${n(t.clients)} with redirects${verdicts ? `: ${verdicts}` : ''}`);

  const section = (title: string, list: ClientReport[], color: (s: string) => string) => {
    if (!list.length) return;
    out.push('', bold(title));
    for (const cl of list.slice(0, limit)) {
      const ua = cl.userAgent ?? '(no User-Agent)';
      const counts = [`redirects ${cl.redirects}`, `followed ${cl.followed}`];
      if (cl.unfollowed) counts.push(`unfollowed ${cl.unfollowed}`);
      for (const k of ['303', '307', '308'] as const) if (cl.violations[k]) counts.push(`${k} violations ${cl.violations[k]}`);
      if (cl.pairing.undetermined) counts.push(`undetermined ${cl.pairing.undetermined}`);
      if (cl.pairing.otherAgent) counts.push(`${cl.pairing.otherAgent} followed under another User-Agent from the same address`);
      out.push(`  ${color(cl.verdicts.join(', '))}  ${cl.address}  ${ua}`);
      out.push(`    ${dim(counts.join(' · '))}`);
      const ex = cl.examples[0];
      if (ex) out.push(`    ${exampleLine(ex)}`);
    }
    if (list.length > limit) out.push(dim(`  … and ${n(list.length - limit)} more (--report json lists all)`));
  };
  const is = (v: ClientReport['verdict']) => (cl: ClientReport) => cl.verdicts.includes(v);
  const mis = report.clients.filter((cl) => is(mishandles('303'))(cl) || is(mishandles('307'))(cl));
  const mis308 = report.clients.filter((cl) => !mis.includes(cl) && is(mishandles('308'))(cl));
  const nof = report.clients.filter((cl) => cl.verdict === 'does-not-follow');
  section('Clients that mishandle 303 or 307', mis, red);
  section('Clients that mishandle 308', mis308, red);
  const misres = report.clients.filter((cl) => !mis.includes(cl) && !mis308.includes(cl) && is('misresolves-location')(cl));
  section('Clients that request a relative Location without resolving it', misres, red);
  section('Clients that do not follow', nof, yellow);
  const und = report.clients.filter((cl) => cl.verdict === 'undetermined');
  section('Clients this log cannot judge (every pair undetermined)', und, dim);
  const correct = report.clients.filter((cl) => cl.verdict === 'correct').length;
  if (correct) out.push('', `${green(`${n(correct)} client${correct === 1 ? '' : 's'}`)} handled every redirect correctly.`);

  const m = report.monitoring;
  if (m && m.overall.requests > 0) {
    const o = m.overall;
    out.push('', bold('What redirects do to your monitoring'));
    out.push(
      `  success per request ${pct(o.apparentSuccess)} · per user action ${o.effectiveSuccess !== null && o.apparentSuccess !== null && o.effectiveSuccess < o.apparentSuccess - 0.005 ? red(pct(o.effectiveSuccess)) : pct(o.effectiveSuccess)}` +
        dim(` (${n(o.requests)} requests, ${n(o.actions)} actions, ${n(o.chains)} redirect chains; ${pct(o.redirectShare)} of requests are redirect hops)`),
    );
    if (o.latencyPerRequestMs !== null) {
      out.push(`  latency per request ${o.latencyPerRequestMs.toFixed(1)} ms · per chain ${o.latencyPerChainMs === null ? '–' : `${o.latencyPerChainMs.toFixed(1)} ms`}`);
    }
    // At most three routes per finding here; the other reports list them all.
    const per = new Map<string, number>();
    const shown = m.findings.filter((f) => {
      const k = (per.get(f.finding) ?? 0) + 1;
      per.set(f.finding, k);
      return f.finding !== 'internal-redirect' && k <= 3;
    });
    if (shown.length) {
      out.push('', bold('Route findings'));
      for (const f of shown) {
        out.push(`  ${yellow(f.finding)} ×${n(f.count)}  ${f.route}`);
        out.push(`    ${dim(f.recommendation)}`);
      }
      const more = m.findings.length - shown.length;
      if (more > 0) out.push(dim(`  … and ${n(more)} more (--report json, markdown or html list all)`));
    }
  }
  const b = report.baseline;
  if (b) {
    out.push('', bold(`Since ${b.file}${b.generatedAt ? ` (${fmtTime(b.generatedAt, '?')})` : ''}`));
    out.push(`  violations ${n(b.totals.violations.before)} → ${n(b.totals.violations.after)}`);
    for (const c of b.newlyMishandling) out.push(`  ${red('new')} ${c.verdicts.join(', ')}  ${c.address}  ${c.userAgent ?? '(no User-Agent)'}`);
    for (const c of b.fixed) out.push(`  ${green('fixed')} ${c.address}  ${c.userAgent ?? '(no User-Agent)'}`);
    if (b.routes.length) out.push(dim(`  ${n(b.routes.length)} route${b.routes.length === 1 ? '' : 's'} changed (see --report json)`));
  }

  const skipped = report.inputs.filter((i) => i.skipped > 0);
  if (skipped.length) {
    out.push('', bold(`Skipped lines: ${n(t.skipped)}`));
    for (const i of skipped) {
      for (const s of i.skippedExamples.slice(0, 5)) out.push(`  ${i.name}${i.format === 'har' ? `: entry ${s.line}` : `:${s.line}`}: ${s.reason}`);
      if (i.skipped > Math.min(5, i.skippedExamples.length)) out.push(dim(`  … ${n(i.skipped - Math.min(5, i.skippedExamples.length))} more in ${i.name}`));
    }
  }
  for (const e of report.errors) out.push('', red(`error: ${e.message}`));
  return `${out.join('\n')}\n`;
}

function where(r: RecordRef): string {
  return `${r.input}:${r.line}`;
}

function exampleLine(e: Example): string {
  const r = e.redirect;
  const head = `${e.finding}: ${where(r)} ${r.method} ${r.url} → ${r.status}${r.location ? ` ${r.location}` : ''}`;
  if (!e.followUp) return `${head}; ${e.why}`;
  return `${head}, then ${where(e.followUp)} ${e.followUp.method} ${e.followUp.url} (${e.why})`;
}
