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
import { PAIR_FINDINGS, VERDICTS, type PairFinding, type Verdict } from './classify.js';
import { SERVER_FINDINGS } from './report.js';
import { AuditError } from '../core/errors.js';
import type { AuditReport } from './report.js';

type Op = '>' | '>=' | '<' | '<=' | '=' | '!=';
export interface Condition {
  name: string;
  op: Op;
  value: number;
  text: string;
  read: Reader;
}

const OPS: Op[] = ['>=', '<=', '!=', '>', '<', '='];

type Reader = (report: AuditReport) => number;

const NAMED: Record<string, Reader> = {
  violations: (r) => r.totals.violations['303'] + r.totals.violations['307'] + r.totals.violations['308'],
  '303': (r) => r.totals.violations['303'],
  '307': (r) => r.totals.violations['307'],
  '308': (r) => r.totals.violations['308'],
  redirects: (r) => r.totals.redirects,
  skipped: (r) => r.totals.skipped,
  clients: (r) => r.totals.clients,
  unfollowed: (r) => r.totals.unfollowed,
  'effective-success': (r) => r.monitoring.overall.effectiveSuccess ?? 1,
  'apparent-success': (r) => r.monitoring.overall.apparentSuccess ?? 1,
  'redirect-share': (r) => r.monitoring.overall.redirectShare ?? 0,
  'new-mishandling': (r) => r.baseline?.newlyMishandling.length ?? 0,
};

/** How to read NAME off a report, or undefined when no such name exists. */
function readerOf(name: string): Reader | undefined {
  const named = NAMED[name];
  if (named) return named;
  if ((SERVER_FINDINGS as readonly string[]).includes(name)) {
    return (r) => r.monitoring.findings.filter((f) => f.finding === name).reduce((n, f) => n + f.count, 0);
  }
  if ((PAIR_FINDINGS as readonly string[]).includes(name)) return (r) => r.totals.findings[name as PairFinding] ?? 0;
  if ((VERDICTS as readonly string[]).includes(name)) {
    return (r) => r.clients.filter((c) => c.verdicts.includes(name as Verdict)).length;
  }
  return undefined;
}

/** Names read as shares from 0 to 1. */
const RATIOS = new Set(['effective-success', 'apparent-success', 'redirect-share']);

export interface FailOnContext {
  /** A `--baseline` was given (`new-mishandling` needs one). */
  baseline?: boolean | undefined;
}

export function parseFailOn(expr: string, context: FailOnContext = { baseline: true }): Condition[] {
  const parts = expr.split(',').map((s) => s.trim());
  if (parts.every((p) => p === '')) throw new AuditError('USAGE', '--fail-on: empty (give e.g. violations, "307>0", "effective-success<0.99")');
  return parts
    .filter(Boolean)
    .map((text) => {
      let op: Op = '>';
      let name = text;
      let value = 0;
      for (const o of OPS) {
        const i = text.indexOf(o);
        if (i >= 0) {
          op = o;
          name = text.slice(0, i).trim();
          const v = text.slice(i + o.length).trim();
          value = Number(v);
          if (name === '') throw new AuditError('USAGE', `--fail-on: "${text}" needs a name before ${o}`);
          if (v === '' || !Number.isFinite(value)) throw new AuditError('USAGE', `--fail-on: "${text}" needs a number after ${o}`);
          break;
        }
      }
      const read = readerOf(name);
      if (!read) {
        throw new AuditError(
          'USAGE',
          `--fail-on: unknown name "${name}" (try violations, 303, 307, 308, unfollowed, effective-success, a finding or a verdict name)`,
        );
      }
      if (RATIOS.has(name) && (value < 0 || value > 1)) {
        throw new AuditError('USAGE', `--fail-on: "${text}": ${name} is a share from 0 to 1${value > 1 && value <= 100 ? ` (for ${value}% write ${value / 100})` : ''}`);
      }
      if (name === 'new-mishandling' && !context.baseline) {
        throw new AuditError('USAGE', `--fail-on: "${text}" compares with a previous report: give --baseline OLD.json`);
      }
      return { name, op, value, text, read };
    });
}

/** What a condition read off the report, for stderr: `violations = 9 > 0`. */
export function describeCondition(report: AuditReport, c: Condition): string {
  const v = c.read(report);
  const shown = Number.isInteger(v) ? String(v) : String(Math.round(v * 10_000) / 10_000);
  return `${c.name} = ${shown} ${c.op} ${c.value}`;
}

/** The conditions that hold for this report. */
export function failing(report: AuditReport, conditions: Condition[]): Condition[] {
  return conditions.filter((c) => {
    const v = c.read(report);
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
