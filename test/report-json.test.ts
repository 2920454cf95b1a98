/**
 * The JSON report written in pieces (reports/json.ts `jsonChunks`) is exactly `JSON.stringify(report, null, 2)`
 * and a newline, and no piece is the whole report.
 */
import { describe, expect, it } from 'vitest';
import { jsonChunks, renderJson } from '../reports/json.js';
import { analyzeFiles } from '../src/run.js';
import type { AuditReport } from '../src/report.js';
import { ROOT } from './exec.js';

const whole = (v: unknown) => `${JSON.stringify(v, null, 2)}\n`;

describe('JSON report in pieces', () => {
  it('is JSON.stringify of real reports (a log, a HAR), in pieces smaller than the report', async () => {
    for (const f of ['samples/capture-combined.log', 'samples/capture-chromium.har']) {
      const report = await analyzeFiles([`${ROOT}${f}`], { threads: 1 });
      const pieces = [...jsonChunks(report)];
      expect(pieces.join('')).toBe(whole(report));
      expect(renderJson(report)).toBe(whole(report));
      // A client per piece at most: more pieces than clients, none near the whole.
      expect(pieces.length).toBeGreaterThan(report.clients.length);
      expect(Math.max(...pieces.map((p) => p.length))).toBeLessThan(whole(report).length / 2);
      expect(pieces.length).toBeGreaterThan(10);
    }
  });

  it('follows JSON.stringify where values cannot be written or are empty', () => {
    const odd = {
      a: undefined,
      b: [undefined, () => 1, Number.NaN, {}, [], Symbol('s')],
      c: {},
      d: [],
      e: { x: { y: [1, { z: 2 }], w: undefined } },
      f: new Date(0),
      g: null,
      h: 'é\n"\u2028',
      i: [{ deep: { deeper: ['a', { b: null }] } }],
      '': 0,
    };
    // ... but for U+2028 (and the other characters a terminal or a line splitter would act on), written escaped.
    expect([...jsonChunks(odd as unknown as AuditReport)].join('')).toBe(whole(odd).replace('\u2028', '\\u2028'));
  });
});
