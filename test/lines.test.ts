/**
 * The line reader gives the same lines however the bytes are cut into chunks: multi-byte characters across
 * chunk edges, \r\n, a BOM split over chunks, blank lines, a last line without a newline.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readLines } from '../src/lines.js';
import { mulberry32 } from '../bench/prng.js';
import { ROOT } from './exec.js';

async function* chunked(buf: Buffer, next: () => number): AsyncGenerator<Buffer> {
  for (let i = 0; i < buf.length; ) {
    const n = Math.max(1, Math.min(next(), buf.length - i));
    yield buf.subarray(i, i + n);
    i += n;
  }
}

async function collect(buf: Buffer, next: () => number): Promise<{ lines: string[]; firsts: number[] }> {
  const lines: string[] = [];
  const firsts: number[] = [];
  for await (const b of readLines(chunked(buf, next))) {
    expect(b.first).toBe(lines.length + 1);
    firsts.push(b.first);
    lines.push(...b.lines);
  }
  return { lines, firsts };
}

const TEXT =
  '\uFEFFfirst line\r\n' +
  'ünïcödé — 日本語 — emoji 🚀 in a User-Agent\n' +
  '\n' +
  'crlf line\r\n' +
  '127.0.0.1 - - [25/Nov/2026:15:20:01 +0000] "GET /é HTTP/1.1" 200 5 "-" "Mozilla/5.0 (ü)"\n' +
  'last line without newline';
const WANT = [
  'first line',
  'ünïcödé — 日本語 — emoji 🚀 in a User-Agent',
  '',
  'crlf line',
  '127.0.0.1 - - [25/Nov/2026:15:20:01 +0000] "GET /é HTTP/1.1" 200 5 "-" "Mozilla/5.0 (ü)"',
  'last line without newline',
];

describe('readLines', () => {
  it('gives the same lines for every chunking, one byte at a time included', async () => {
    const buf = Buffer.from(TEXT, 'utf8');
    expect((await collect(buf, () => 1)).lines).toEqual(WANT);
    expect((await collect(buf, () => buf.length)).lines).toEqual(WANT);
    for (let seed = 1; seed <= 200; seed++) {
      const rnd = mulberry32(seed);
      expect((await collect(buf, () => 1 + Math.floor(rnd() * 12))).lines).toEqual(WANT);
    }
  });

  it('reads a real log the same in random chunks of 1 byte to 64 KB as split in one piece', async () => {
    const buf = readFileSync(`${ROOT}samples/capture-combined.log`);
    const want = buf.toString('utf8').replace(/\n$/, '').split('\n');
    for (const seed of [1, 2, 3]) {
      const rnd = mulberry32(seed);
      const got = await collect(buf, () => 1 + Math.floor(rnd() * rnd() * 65536));
      expect(got.lines).toEqual(want);
    }
  });

  it('drops a BOM only at the very start, and keeps empty input empty', async () => {
    const bomLater = Buffer.from('a\n\uFEFFb\n', 'utf8');
    expect((await collect(bomLater, () => 1)).lines).toEqual(['a', '\uFEFFb']);
    expect((await collect(Buffer.alloc(0), () => 1)).lines).toEqual([]);
    expect((await collect(Buffer.from('\uFEFF', 'utf8'), () => 1)).lines).toEqual([]);
  });
});
