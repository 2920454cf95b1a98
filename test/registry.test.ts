/**
 * The reporter registry (`reports/registry.ts`): every reporter loads and renders the same report; what it
 * returns matches the output kind it declares.
 */
import { describe, expect, it } from 'vitest';
import { REPORTER_LIST, REPORTER_NAMES, reporter } from '../reports/registry.js';
import { captureReport } from './exec.js';

describe('reporter registry', () => {
  it('lists text, json, markdown, html, ndjson and arrow; only arrow needs pairs', () => {
    expect(REPORTER_NAMES).toEqual(['text', 'json', 'markdown', 'html', 'ndjson', 'arrow']);
    expect(REPORTER_LIST.filter((r) => r.needsPairs).map((r) => r.name)).toEqual(['arrow']);
    expect(reporter('nope')).toBeUndefined();
  });

  it.each(REPORTER_LIST.map((r) => [r.name, r]))('%s renders what its output kind says', async (_name, r) => {
    const report = await captureReport();
    if (r.needsPairs) report.pairs ??= []; // the golden report keeps none; an empty table still renders
    const body = (await r.load())(report, { color: false });
    if (r.output === 'text') expect(typeof body === 'string' || Symbol.iterator in Object(body)).toBe(true);
    else expect(body).toBeInstanceOf(Uint8Array);
    if (r.output === 'files') {
      const files = (await r.loadFiles())(report);
      expect(Object.keys(files).length).toBeGreaterThan(0);
      for (const bytes of Object.values(files)) expect(bytes).toBeInstanceOf(Uint8Array);
    }
  });
});
