/** The JSON report: the report model as it is, versioned by `schemaVersion`. */
import type { AuditReport } from '../src/report.js';
import { jsonSafe } from './neutralize.js';

/** The report as one string (for a file of its own, use `jsonChunks`). */
export function renderJson(report: AuditReport): string {
  return `${jsonSafe(JSON.stringify(report, null, 2))}\n`;
}

/**
 * The JSON report in pieces, for writing it out without holding it whole: the text of `JSON.stringify(report,
 * null, 2)` and a newline, with the report's top two levels written here and each element below (a client, the
 * routes) stringified on its own. A 10M-line log makes a 45 MB report; as one string it was flattened, then
 * encoded, so the CLI held it three times at the end of the run (peak RSS 362 MB; written in pieces, 285 MB).
 * Joining the pieces into one string costs more than `renderJson` (1.1 s and 396 MB against 0.26 s and 235 MB).
 */
export function* jsonChunks(report: AuditReport): Generator<string> {
  for (const piece of pieces(report, '', 0)) yield jsonSafe(piece);
  yield '\n';
}

/** Levels written piece by piece; deeper values are stringified whole. */
const SPLIT_DEPTH = 2;

function omitted(v: unknown): boolean {
  return v === undefined || typeof v === 'function' || typeof v === 'symbol';
}

function* pieces(v: unknown, indent: string, depth: number): Generator<string> {
  // Arrays one level deeper than objects: the lists under `monitoring` (routes, findings, buckets) go out an
  // element at a time, like the clients.
  if (depth >= (Array.isArray(v) ? SPLIT_DEPTH + 1 : SPLIT_DEPTH) || v === null || typeof v !== 'object' || typeof (v as { toJSON?: unknown }).toJSON === 'function') {
    const s = JSON.stringify(v, null, 2);
    yield indent === '' ? s : s.replace(/\n/g, `\n${indent}`);
    return;
  }
  const inner = `${indent}  `;
  if (Array.isArray(v)) {
    if (v.length === 0) {
      yield '[]';
      return;
    }
    yield '[';
    for (let i = 0; i < v.length; i++) {
      yield `${i ? ',' : ''}\n${inner}`;
      // JSON.stringify writes what it cannot represent in an array as null.
      if (omitted(v[i])) yield 'null';
      else yield* pieces(v[i], inner, depth + 1);
    }
    yield `\n${indent}]`;
    return;
  }
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o).filter((k) => !omitted(o[k]));
  if (keys.length === 0) {
    yield '{}';
    return;
  }
  yield '{';
  for (let i = 0; i < keys.length; i++) {
    yield `${i ? ',' : ''}\n${inner}${JSON.stringify(keys[i])}: `;
    yield* pieces(o[keys[i]!], inner, depth + 1);
  }
  yield `\n${indent}}`;
}
