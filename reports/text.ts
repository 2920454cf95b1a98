/**
 * The terminal report: a summary a person reads top to bottom. The software that mishandles 303/307/308 comes
 * first (clients grouped by User-Agent family and version, per verdict, with their addresses, counts and one
 * example pair), then routes by impact, the monitoring figures and the route findings. Wrapped to the width.
 */
import { isMishandling, PAIR_RANK, VIOLATION_FINDINGS, verdictTone, violationTotal, type Verdict } from '../src/findings.js';
import type { AuditReport, ClientReport, Example, RecordRef } from '../src/report.js';
import { addressesOf, groupBySoftware, GROUPED_VERDICTS, softwareWithVerdict } from '../src/software.js';
import { fmtTime, n, pct, shownUrl, wrapLine } from './format.js';
import { neutralized } from './neutralize.js';

export interface TextOptions {
  color: boolean;
  /** How many software groups to list per verdict before "... and N more". */
  limit?: number;
  /** Columns to wrap to (the terminal's width); 0 or absent: 100. */
  width?: number;
}

/** Routes listed by impact. */
const TOP_ROUTES = 5;

/** Addresses shown under a software group. */
const ADDRESSES = 8;

/** The heading of each verdict's section. */
const VERDICT_TITLES: Partial<Record<Verdict, string>> = {
  'mishandles-303': 'kept the method or the body after 303',
  'mishandles-307': 'changed the method or dropped the body after 307',
  'mishandles-308': 'changed the method or dropped the body after 308',
  'misresolves-location': 'requested a relative Location as written',
  'does-not-follow': 'left redirects unfollowed',
  undetermined: 'this log cannot judge them (every pair undetermined)',
};

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

  // Clients by software and verdict: people act per client software, not per address.
  const groups = groupBySoftware(report.clients);
  const colorOf = (v: Verdict) => (verdictTone(v) === 'bad' ? red : verdictTone(v) === 'good' ? green : yellow);
  // On the first screen: every software that mishandles 303/307/308, with its count of addresses.
  const bad = groups.filter((g) => g.members.some((cl) => cl.verdicts.some(isMishandling)));
  if (bad.length) {
    const items = bad.map(({ group, members }) => {
      const mis = members.filter((cl) => cl.verdicts.some(isMishandling));
      const k = addressesOf(mis).length;
      const codes = (['303', '307', '308'] as const).filter((c) => mis.some((cl) => cl.violations[c] > 0));
      return `${red(group.software)} (${n(k)} address${k === 1 ? '' : 'es'}: ${codes.join(', ')})`;
    });
    out.push(`${bold('Mishandling software')} ${n(bad.length)}: ${items.join(', ')}`);
  }
  for (const v of GROUPED_VERDICTS) {
    const list = softwareWithVerdict(groups, v);
    if (!list.length) continue;
    const addresses = new Set(list.flatMap((g) => g.members.map((cl) => cl.address))).size;
    out.push(
      '',
      `${bold(colorOf(v)(v))} ${bold(VERDICT_TITLES[v] ?? '')}: ${n(list.length)} software, ${n(addresses)} address${addresses === 1 ? '' : 'es'}`,
    );
    for (const { group, members } of list.slice(0, limit)) {
      const addrs = addressesOf(members);
      const counts = [`redirects ${n(sum(members, (cl) => cl.redirects))}`, `followed ${n(sum(members, (cl) => cl.followed))}`];
      const unf = sum(members, (cl) => cl.unfollowed);
      if (unf) counts.push(`unfollowed ${n(unf)}`);
      for (const k of ['303', '307', '308'] as const) {
        const x = sum(members, (cl) => cl.violations[k]);
        if (x) counts.push(`${k} violations ${n(x)}`);
      }
      const und = sum(members, (cl) => cl.pairing.undetermined ?? 0);
      if (und) counts.push(`undetermined ${n(und)}`);
      const other = sum(members, (cl) => cl.pairing.otherAgent ?? 0);
      if (other) counts.push(`${n(other)} followed under another User-Agent from the same address`);
      out.push(`  ${colorOf(v)(group.software)}  ${n(addrs.length)} address${addrs.length === 1 ? '' : 'es'}${members.length > addrs.length ? ` (${n(members.length)} clients)` : ''}  ${dim(counts.join(' · '))}`);
      const shownAddrs = addrs.slice(0, ADDRESSES);
      out.push(`    ${shownAddrs.join(', ')}${addrs.length > ADDRESSES ? dim(` … and ${n(addrs.length - ADDRESSES)} more`) : ''}`);
      const uas = new Set(members.map((cl) => cl.userAgent ?? '(no User-Agent)'));
      if (uas.size === 1 && [...uas][0] !== group.software) out.push(`    ${dim([...uas][0]!)}`);
      else if (uas.size > 1) out.push(`    ${dim(`${n(uas.size)} User-Agent strings, e.g. ${[...uas][0]!}`)}`);
      const ex = pickExample(members, v);
      if (ex) out.push(`    ${exampleLine(ex)}`);
    }
    if (list.length > limit) out.push(dim(`  … and ${n(list.length - limit)} more software (--report json lists all, softwareGroups)`));
  }
  const correctGroups = softwareWithVerdict(groups, 'correct');
  const correct = report.clients.filter((cl) => cl.verdict === 'correct').length;
  if (correct) {
    out.push(
      '',
      `${green(`${n(correct)} client${correct === 1 ? '' : 's'}`)} handled every redirect correctly` +
        dim(` (${n(correctGroups.length)} software: ${correctGroups.slice(0, 8).map((g) => g.group.software).join(', ')}${correctGroups.length > 8 ? ', …' : ''})`),
    );
  }

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
    // The routes whose redirects affect the most user actions (not those with the most findings).
    const hit = m.routes.filter((r) => (r.impact?.affected ?? 0) > 0).slice(0, TOP_ROUTES);
    if (hit.length) {
      out.push('', bold('Routes by impact') + dim(' (user actions affected: a violation or a failed chain)'));
      for (const r of hit) {
        const i = r.impact!;
        const parts = [`${n(i.affected)} affected`];
        if (i.violations) parts.push(`${n(i.violations)} violations`);
        if (i.failedChains) parts.push(`${n(i.failedChains)} failed chains`);
        if (i.uncertain) parts.push(`${n(i.uncertain)} uncertain`);
        out.push(`  ${red(r.route)}  ${parts.join(' · ')}` + dim(` (${n(r.figures.requests)} requests, effective success ${pct(r.figures.effectiveSuccess)})`));
      }
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
  const width = opts.width && opts.width > 0 ? opts.width : 100;
  return `${out.flatMap((l) => l.split('\n')).flatMap((l) => wrapLine(l, width)).join('\n')}\n`;
}

function sum(list: readonly ClientReport[], f: (c: ClientReport) => number): number {
  let s = 0;
  for (const c of list) s += f(c);
  return s;
}

/** The example most worth reading for a verdict: a violation of its code, else the client's first. */
function pickExample(members: readonly ClientReport[], v: Verdict): Example | undefined {
  const code = /^mishandles-(\d+)$/.exec(v)?.[1];
  const wanted = (e: Example) =>
    code ? VIOLATION_FINDINGS.has(e.finding) && e.finding.endsWith(code) : v === 'misresolves-location' ? e.finding === 'location-misresolved' : v === 'does-not-follow' ? e.finding === 'unfollowed' : true;
  let best: Example | undefined;
  for (const c of members) {
    for (const e of c.examples) {
      if (wanted(e) && (!best || PAIR_RANK.get(e.finding)! < PAIR_RANK.get(best.finding)!)) best = e;
    }
    if (best) return best;
  }
  return members[0]?.examples[0];
}

function where(r: RecordRef): string {
  return `${r.input}:${r.line}`;
}

function exampleLine(e: Example): string {
  const r = e.redirect;
  const head = `${e.finding}: ${where(r)} ${r.method} ${shownUrl(r.url)} → ${r.status}${r.location ? ` ${r.location}` : ''}`;
  if (!e.followUp) return `${head}; ${e.why}`;
  return `${head}, then ${where(e.followUp)} ${e.followUp.method} ${shownUrl(e.followUp.url)} (${e.why})`;
}
