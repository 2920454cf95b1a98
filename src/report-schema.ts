/**
 * The published shape of the JSON report (schemaVersion 1, the types of src/report.ts), checked where a report
 * is read back: `--baseline`. Only what a reader relies on is checked (fields are added within a version, so
 * unknown fields are fine); the first problem is named by its path, e.g. `clients[0].verdicts`.
 */
import { SCHEMA_VERSION } from './report.js';

type Check = (v: unknown, path: string) => string | null;

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const num: Check = (v, p) => (typeof v === 'number' && Number.isFinite(v) ? null : `${p}: expected a number`);
const numOrNull: Check = (v, p) => (v === null || v === undefined ? null : num(v, p));
const str: Check = (v, p) => (typeof v === 'string' ? null : `${p}: expected a string`);
const strOrNull: Check = (v, p) => (v === null || typeof v === 'string' ? null : `${p}: expected a string or null`);
const strings: Check = (v, p) => (Array.isArray(v) && v.every((x) => typeof x === 'string') ? null : `${p}: expected an array of strings`);
const counts: Check = (v, p) => {
  if (!isObj(v)) return `${p}: expected an object of counts`;
  for (const [k, x] of Object.entries(v)) if (typeof x !== 'number') return `${p}.${k}: expected a number`;
  return null;
};
function obj(fields: Record<string, Check>, optional = false): Check {
  return (v, p) => {
    if (v === undefined && optional) return null;
    if (!isObj(v)) return `${p}: expected an object`;
    for (const [k, check] of Object.entries(fields)) {
      const problem = check(v[k], `${p}.${k}`);
      if (problem) return problem;
    }
    return null;
  };
}
function arrayOf(item: Check, optional = false): Check {
  return (v, p) => {
    if (v === undefined && optional) return null;
    if (!Array.isArray(v)) return `${p}: expected an array`;
    for (let i = 0; i < v.length; i++) {
      const problem = item(v[i], `${p}[${i}]`);
      if (problem) return problem;
    }
    return null;
  };
}

const violations = obj({ '303': num, '307': num, '308': num });
const figures = obj({ effectiveSuccess: numOrNull, apparentSuccess: numOrNull });

const REPORT: Check = obj({
  schemaVersion: (v, p) => (v === SCHEMA_VERSION ? null : `${p}: expected ${SCHEMA_VERSION}`),
  generatedAt: (v, p) => (v === undefined ? null : str(v, p)),
  totals: obj({ violations, redirects: num, clients: num }),
  clients: arrayOf(obj({ address: str, userAgent: strOrNull, verdicts: strings, violations })),
  monitoring: obj(
    {
      overall: figures,
      routes: arrayOf(obj({ route: str, figures, findings: counts }), true),
    },
    true,
  ),
});

/** The first way `value` is not a schemaVersion 1 report, as `path: what was expected`; null when it is one. */
export function reportProblem(value: unknown): string | null {
  return REPORT(value, 'report');
}
