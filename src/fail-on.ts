/**
 * `--fail-on EXPR`: conditions over the report that make the exit code 1, for scheduled jobs.
 * EXPR is a comma-separated list of `NAME[OP NUMBER]` (OP one of > >= < <= = !=; no OP means `> 0`). NAME is
 * `violations` (all), `303`/`307`/`308` (violations of that code), a finding name (`unfollowed`,
 * `method-kept-after-303`, ...), a server-side finding (`masked-failure`, `found-after-post`, ...: summed over
 * routes), a verdict (`mishandles-303`, ...: how many clients have it), one of `redirects`, `skipped`,
 * `clients`, the ratios `effective-success`, `apparent-success`, `redirect-share` (0 to 1), or, with
 * `--baseline`, `new-mishandling` (clients that mishandle now and did not before). The job fails when any
 * condition holds.
 */
import { PAIR_FINDINGS, VERDICTS } from './classify.js';
import { SERVER_FINDINGS } from './report.js';
import { AuditError } from './errors.js';
import type { AuditReport } from './report.js';

type Op = '>' | '>=' | '<' | '<=' | '=' | '!=';
export interface Condition {
  name: string;
  op: Op;
  value: number;
  text: string;
}

const OPS: Op[] = ['>=', '<=', '!=', '>', '<', '='];

function valueOf(report: AuditReport, name: string): number | undefined {
  const t = report.totals;
  switch (name) {
    case 'violations':
      return t.violations['303'] + t.violations['307'] + t.violations['308'];
    case '303':
    case '307':
    case '308':
      return t.violations[name];
    case 'redirects':
      return t.redirects;
    case 'skipped':
      return t.skipped;
    case 'clients':
      return t.clients;
    case 'unfollowed':
      return t.unfollowed;
    case 'effective-success':
      return report.monitoring?.overall.effectiveSuccess ?? 1;
    case 'apparent-success':
      return report.monitoring?.overall.apparentSuccess ?? 1;
    case 'redirect-share':
      return report.monitoring?.overall.redirectShare ?? 0;
    case 'new-mishandling':
      return report.baseline?.newlyMishandling.length ?? 0;
    default:
      if ((SERVER_FINDINGS as readonly string[]).includes(name)) {
        return (report.monitoring?.findings ?? []).filter((f) => f.finding === name).reduce((n, f) => n + f.count, 0);
      }
      if ((PAIR_FINDINGS as readonly string[]).includes(name)) return t.findings[name as keyof typeof t.findings] ?? 0;
      if ((VERDICTS as readonly string[]).includes(name)) {
        return report.clients.filter((c) => c.verdicts.includes(name as (typeof VERDICTS)[number])).length;
      }
      return undefined;
  }
}

export function parseFailOn(expr: string): Condition[] {
  return expr
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((text) => {
      let op: Op = '>';
      let name = text;
      let value = 0;
      for (const o of OPS) {
        const i = text.indexOf(o);
        if (i > 0) {
          op = o;
          name = text.slice(0, i).trim();
          value = Number(text.slice(i + o.length).trim());
          if (!Number.isFinite(value)) throw new AuditError('USAGE', `--fail-on: "${text}" needs a number after ${o}`);
          break;
        }
      }
      if (valueOf(emptyReport, name) === undefined) {
        throw new AuditError(
          'USAGE',
          `--fail-on: unknown name "${name}" (try violations, 303, 307, 308, unfollowed, effective-success, a finding or a verdict name)`,
        );
      }
      return { name, op, value, text };
    });
}

/** The conditions that hold for this report. */
export function failing(report: AuditReport, conditions: Condition[]): Condition[] {
  return conditions.filter((c) => {
    const v = valueOf(report, c.name) ?? 0;
    switch (c.op) {
      case '>':
        return v > c.value;
      case '>=':
        return v >= c.value;
      case '<':
        return v < c.value;
      case '<=':
        return v <= c.value;
      case '=':
        return v === c.value;
      case '!=':
        return v !== c.value;
    }
  });
}

const emptyReport = {
  totals: { violations: { '303': 0, '307': 0, '308': 0 }, findings: {}, redirects: 0, skipped: 0, clients: 0, unfollowed: 0 },
  clients: [],
} as unknown as AuditReport;
