import { emptyRecord, type HttpRecord } from '../src/model.js';

/** A record for unit tests of the pairing rules: only what the test says, the rest unknown. */
export function rec(fields: Partial<HttpRecord> & { line: number }): HttpRecord {
  return { ...emptyRecord(0, fields.line), address: '10.0.0.1', userAgent: 'test-client', ...fields };
}

export const SHARED = new URL('../../shared/data/real/', import.meta.url).pathname;
