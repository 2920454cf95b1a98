/**
 * `--baseline PREVIOUS.json`: what changed since the last scheduled report. New clients that mishandle
 * 303/307/308, clients fixed since, routes whose effective success moved by a point or more or whose findings
 * changed, and the headline figures before and after.
 */
import { readFileSync } from 'node:fs';
import { AuditError } from '../core/errors.js';
import type { AuditReport, BaselineDiff, ClientReport, RouteReport } from './report.js';
import { SCHEMA_VERSION } from './report.js';
import { reportProblem } from './report-schema.js';

export function loadBaseline(path: string): AuditReport {
  const r = loadBaselineIfPresent(path);
  if (!r) throw new AuditError('BAD_BASELINE', `--baseline ${path}: no such file`);
  return r;
}

/**
 * The baseline report, or null when the file does not exist (a scheduled job's first night: the comparison is
 * skipped). Anything else wrong (a directory, not JSON, not a report of this schema) is BAD_BASELINE, before any
 * input is read.
 */
export function loadBaselineIfPresent(path: string): AuditReport | null {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return null;
    const why = code === 'EISDIR' ? 'is a directory, not a report' : code === 'EACCES' ? 'permission denied' : (e as Error).message;
    throw new AuditError('BAD_BASELINE', `--baseline ${path}: ${why}`);
  }
  let report: unknown;
  try {
    report = JSON.parse(text);
  } catch {
    throw new AuditError('BAD_BASELINE', `--baseline ${path}: not JSON (give a report written with --report json)`);
  }
  const problem = reportProblem(report);
  if (problem) {
    throw new AuditError('BAD_BASELINE', `--baseline ${path}: not a redirect-audit JSON report of schemaVersion ${SCHEMA_VERSION} (${problem})`);
  }
  return report as AuditReport;
}

const MISHANDLES = new Set(['mishandles-303', 'mishandles-307', 'mishandles-308']);
const mishandles = (c: ClientReport) => c.verdicts.some((v) => MISHANDLES.has(v));
const keyOf = (c: { address: string; userAgent: string | null }) => `${c.address}\u0000${c.userAgent ?? ''}`;
const pick = (c: ClientReport) => ({ address: c.address, userAgent: c.userAgent, verdicts: c.verdicts });
const violations = (r: AuditReport) => r.totals.violations['303'] + r.totals.violations['307'] + r.totals.violations['308'];

export function diffBaseline(now: AuditReport, before: AuditReport, file: string): BaselineDiff {
  const old = new Map(before.clients.map((c) => [keyOf(c), c]));
  const cur = new Map(now.clients.map((c) => [keyOf(c), c]));
  const newlyMishandling = now.clients.filter((c) => mishandles(c) && !(old.get(keyOf(c)) && mishandles(old.get(keyOf(c))!))).map(pick);
  const fixed = before.clients
    .filter((c) => mishandles(c) && cur.get(keyOf(c)) && !mishandles(cur.get(keyOf(c))!))
    .map((c) => pick(cur.get(keyOf(c))!));

  const oldRoutes = new Map((before.monitoring?.routes ?? []).map((r) => [r.route, r]));
  const newRoutes = new Map((now.monitoring?.routes ?? []).map((r) => [r.route, r]));
  const side = (r: RouteReport | undefined) => (r ? { effectiveSuccess: r.figures.effectiveSuccess, findings: r.findings } : null);
  const routes: BaselineDiff['routes'] = [];
  for (const name of new Set([...oldRoutes.keys(), ...newRoutes.keys()])) {
    const a = oldRoutes.get(name);
    const b = newRoutes.get(name);
    const moved = Math.abs((b?.figures.effectiveSuccess ?? 0) - (a?.figures.effectiveSuccess ?? 0)) >= 0.01;
    const findingsChanged = JSON.stringify(sorted(a?.findings ?? {})) !== JSON.stringify(sorted(b?.findings ?? {}));
    if ((a && b && moved) || findingsChanged) routes.push({ route: name, before: side(a), after: side(b) });
  }
  routes.sort((x, y) => (x.route < y.route ? -1 : x.route > y.route ? 1 : 0));
  return {
    file,
    generatedAt: before.generatedAt ?? null,
    newlyMishandling,
    fixed,
    routes,
    totals: {
      violations: { before: violations(before), after: violations(now) },
      effectiveSuccess: { before: before.monitoring?.overall.effectiveSuccess ?? null, after: now.monitoring.overall.effectiveSuccess },
      apparentSuccess: { before: before.monitoring?.overall.apparentSuccess ?? null, after: now.monitoring.overall.apparentSuccess },
    },
  };
}

function sorted(o: object): [string, unknown][] {
  return Object.entries(o).sort(([a], [b]) => (a < b ? -1 : 1));
}
