import { readFileSync } from 'node:fs';
import { emptyRecord, type HttpRecord } from '../core/model.js';
import type { LineFormat } from '../parsers/line-format.js';
import { PairingEngine, type Pair } from '../src/pairing.js';

/** A record for unit tests of the pairing rules: only what the test says, the rest unknown. */
export function rec(fields: Partial<HttpRecord> & { line: number }): HttpRecord {
  return { ...emptyRecord(0, fields.line), address: '10.0.0.1', userAgent: 'test-client', ...fields };
}

/** Public access-log samples (copied from shared/data/real with their provenance). */
export const SHARED = new URL('./fixtures/logs/', import.meta.url).pathname;

export const FIXTURES = new URL('./fixtures/formats/', import.meta.url).pathname;

/** A file's lines, without the empty one after a final newline. */
export function lines(path: string): string[] {
  const text = readFileSync(path, 'utf8');
  return (text.endsWith('\n') ? text.slice(0, -1) : text).split('\n');
}

/** The record a parser made, or a failure saying why it made none. */
export function ok(r: HttpRecord | string): HttpRecord {
  if (typeof r === 'string') throw new Error(`expected a record, got "${r}"`);
  return r;
}

/** Every line through `format`: the records, and the reasons of the skipped lines by line number. */
export function parseAll(format: LineFormat, path: string): { records: HttpRecord[]; skipped: Map<number, string> } {
  const records: HttpRecord[] = [];
  const skipped = new Map<number, string>();
  lines(path).forEach((l, i) => {
    const r = format.parse(l, 0, i + 1);
    if (typeof r === 'string') skipped.set(i + 1, r);
    else records.push(r);
  });
  return { records, skipped };
}

export const iso = (t: number) => new Date(t).toISOString();

/** The pairs a pairing engine makes of these records, in the order it decides them (the input flushed at the end). */
export function runPairs(records: HttpRecord[], opts: ConstructorParameters<typeof PairingEngine>[1] = {}): Pair[] {
  const pairs: Pair[] = [];
  const e = new PairingEngine((p) => pairs.push(p), opts);
  for (const r of records) e.push(r);
  e.flush();
  return pairs;
}
