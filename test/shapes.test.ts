/**
 * The shape generator of the benchmark's shape matrix (bench/shapes.ts): the share of redirects asked for is the
 * share written, the same shape gives the same bytes, rates spread the log over the time asked, and a redirect's
 * follow-up comes from the same identity within seconds.
 */
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { BASE_SHAPE, generateShape, type Shape, type ShapeResult } from '../bench/shapes.js';

async function shape(lines: number, over: Partial<Shape> = {}): Promise<{ text: string; res: ShapeResult }> {
  let text = '';
  const out = new Writable({
    write(chunk: Buffer, _enc, done) {
      text += chunk.toString('utf8');
      done();
    },
  });
  const res = await generateShape('', lines, { ...BASE_SHAPE, ...over }, out);
  return { text, res };
}

const isRedirect = (line: string) => /" (30[0-35-8]) /.test(line);

describe('bench/shapes.ts', () => {
  it('writes the share of redirects asked for (±2%), counted on the lines', async () => {
    for (const share of [0.01, 0.05, 0.2, 0.5, 0.9]) {
      const { text, res } = await shape(10_000, { redirectShare: share });
      const ls = text.split('\n').filter(Boolean);
      expect(ls.length).toBe(10_000);
      const counted = ls.filter(isRedirect).length;
      expect(counted).toBe(res.redirects);
      expect(Math.abs(counted / ls.length - share)).toBeLessThanOrEqual(0.02);
    }
  });

  it('is deterministic: the same shape and seed give the same bytes, another seed others', async () => {
    const a = await shape(5_000, { location: true, natShare: 0.3 });
    const b = await shape(5_000, { location: true, natShare: 0.3 });
    const c = await shape(5_000, { location: true, natShare: 0.3, seed: 7 });
    expect(a.text).toBe(b.text);
    expect(a.text).not.toBe(c.text);
  });

  it('advances log time with the rate (10 lines/s: 3,000 lines span about 5 minutes)', async () => {
    const { res } = await shape(3_000, { rate: 10 });
    const seconds = (res.lastMs - res.firstMs) / 1000;
    expect(seconds).toBeGreaterThan(240);
    expect(seconds).toBeLessThan(360);
  });

  it('follows a PRG redirect from the same identity within seconds, Location logged when asked', async () => {
    const { text } = await shape(10_000, { location: true });
    const ls = text.split('\n').filter(Boolean);
    let prg = 0;
    let followed = 0;
    ls.forEach((line, i) => {
      const m = /^(\S+) .*"POST \/orders\/(\d+)\/pay HTTP\/1\.1" 303 .* "(\/orders\/\d+\/done|https:\/\/www\.example\.com\/orders\/\d+\/done)"$/.exec(line);
      if (!m) return;
      prg++;
      const near = ls.slice(Math.max(0, i - 50), i + 200);
      if (near.some((l) => l.startsWith(`${m[1]} `) && l.includes(`/orders/${m[2]}/done HTTP/1.1" `) && !l.includes('" 303 '))) followed++;
    });
    expect(prg).toBeGreaterThan(10);
    expect(followed / prg).toBeGreaterThan(0.8);
  });
});
