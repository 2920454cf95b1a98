/**
 * Property-based (fast-check): over the line reader and every parser, arbitrary bytes cut into arbitrary chunks,
 * and cut short, never throw anything but a documented AuditError, and lines read = records + skipped, always.
 * Bounded runs (a few seconds in all); a failure prints its seed and the shrunk input.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readLines } from '../src/lines.js';
import { openSource } from '../src/source.js';
import { AuditError } from '../core/errors.js';
import { lineFormats } from '../parsers/index.js';
import { parseHar } from '../parsers/har.js';
import type { InputStats } from '../core/model.js';
import { Readable } from 'node:stream';

const RUNS = { numRuns: 150 };

/** Bytes that look a little like logs: real line pieces, JSON and HAR punctuation, newlines, BOMs, UTF-8, junk. */
const piece = fc.oneof(
  fc.constantFrom(
    '127.0.0.1 - - [25/Nov/2026:15:21:42 +0000] "POST /a HTTP/1.1" 303 0 "-" "curl/7.88.1"',
    '{"remote_addr":"1.2.3.4","request":"GET / HTTP/1.1","status":"302","time_iso8601":"2026-11-25T10:00:00+00:00"}',
    '#Fields: date time cs-method cs-uri-stem sc-status',
    '{"log":{"entries":[',
    '{"request":{"method":"GET","url":"http://x/"},"response":{"status":301}}',
    '\n',
    '\r\n',
    '\uFEFF',
    '"',
    '\\',
    ']}',
    ',',
    'é日🚀',
  ),
  fc.string({ maxLength: 40 }),
);
const bytes = fc.oneof(
  fc.array(piece, { maxLength: 30 }).map((ps) => Buffer.from(ps.join(''))),
  fc.uint8Array({ maxLength: 600 }).map((a) => Buffer.from(a)),
);
/** Where to cut the bytes into chunks (and, with `cut`, where the input stops short). */
const cuts = fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 20 });

function chunk(buf: Buffer, sizes: number[]): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0, k = 0; i < buf.length; k++) {
    const n = sizes[k % sizes.length]!;
    out.push(buf.subarray(i, i + n));
    i += n;
  }
  return out;
}

async function* from(chunks: Buffer[]): AsyncGenerator<Buffer> {
  for (const c of chunks) yield c;
}

/** The input as a stream that stops short with an error after `keep` bytes, like a gzip cut in half. */
async function* failingAfter(chunks: Buffer[], keep: number): AsyncGenerator<Buffer> {
  let n = 0;
  for (const c of chunks) {
    if (n + c.length > keep) {
      if (keep > n) yield c.subarray(0, keep - n);
      throw new AuditError('CORRUPT_GZIP', 'cut short');
    }
    n += c.length;
    yield c;
  }
}

describe('the line reader', () => {
  it('gives one line per newline (plus a last unterminated one), whatever the chunking and the limit', async () => {
    await fc.assert(
      fc.asyncProperty(bytes, cuts, fc.integer({ min: 1, max: 80 }), async (buf, sizes, max) => {
        const body = buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? buf.subarray(3) : buf;
        let n = 0;
        for (let i = body.indexOf(10); i >= 0; i = body.indexOf(10, i + 1)) n++;
        const want = n + (body.length > 0 && body[body.length - 1] !== 10 ? 1 : 0);
        let got = 0;
        let expectFirst = 1;
        for await (const b of readLines(from(chunk(buf, sizes)), { maxLineBytes: max })) {
          expect(b.first).toBe(expectFirst);
          for (const [i, line] of b.lines.entries()) {
            // Each byte decodes to at most one UTF-16 unit (an invalid one to U+FFFD); a final \r may be dropped.
            if (!b.long?.some((l) => l.index === i)) expect(line.length).toBeLessThanOrEqual(max + 1);
          }
          got += b.lines.length;
          expectFirst += b.lines.length;
        }
        expect(got).toBe(want);
      }),
      RUNS,
    );
  });

  it('counts the partial line of an input that fails, then throws its error', async () => {
    await fc.assert(
      fc.asyncProperty(bytes, cuts, fc.nat(700), async (buf, sizes, keep) => {
        let got = 0;
        let error: unknown = null;
        try {
          for await (const b of readLines(failingAfter(chunk(buf, sizes), keep))) got += b.lines.length;
        } catch (e) {
          error = e;
        }
        expect(error === null).toBe(keep >= buf.length);
        const kept = buf.subarray(0, Math.min(keep, buf.length));
        const body = kept[0] === 0xef && kept[1] === 0xbb && kept[2] === 0xbf ? kept.subarray(3) : kept;
        let n = 0;
        for (let i = body.indexOf(10); i >= 0; i = body.indexOf(10, i + 1)) n++;
        expect(got).toBe(n + (body.length > 0 && body[body.length - 1] !== 10 ? 1 : 0));
      }),
      RUNS,
    );
  });
});

const FORMATS = lineFormats().map((f) => f.name);

describe('every line parser', () => {
  it('never throws on any line', () => {
    const formats = lineFormats();
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 6 }), (ps) => {
        const line = ps.join('').replace(/\n/g, ' ');
        for (const f of formats) {
          const r = f.parse(line, 0, 1);
          expect(typeof r === 'string' || typeof r === 'object').toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('through the pipeline, forced or detected, chunked and cut short: lines read = records + skipped', async () => {
    await fc.assert(
      fc.asyncProperty(bytes, cuts, fc.constantFrom(undefined, ...FORMATS), fc.option(fc.nat(700)), async (buf, sizes, inputFormat, keep) => {
        const chunks = chunk(buf, sizes);
        const stdin = Readable.from(keep === null ? from(chunks) : failingAfter(chunks, keep), { objectMode: false });
        let stats: InputStats | null = null;
        try {
          const src = await openSource('-', 0, { stdin, inputFormat, maxLineBytes: 50 });
          stats = src.stats;
          let records = 0;
          for await (const b of src.batches) records += b.length;
          expect(records).toBe(src.stats.records);
        } catch (e) {
          if (!(e instanceof AuditError)) throw e;
        }
        if (stats) expect(stats.linesRead).toBe(stats.records + stats.skipped);
      }),
      RUNS,
    );
  });
});

describe('the HAR parser', () => {
  it('on arbitrary bytes after a HAR start, chunked: only AuditErrors, entries read = records + skipped', async () => {
    await fc.assert(
      fc.asyncProperty(bytes, cuts, fc.integer({ min: 1, max: 200 }), async (buf, sizes, maxFieldBytes) => {
        const doc = Buffer.concat([Buffer.from('{"log":{"entries":['), buf]);
        const stats: InputStats = { name: 'x.har', format: 'har', linesRead: 0, records: 0, skipped: 0, bytes: 0, skippedExamples: [] };
        let records = 0;
        try {
          for await (const b of parseHar(from(chunk(doc, sizes)), 0, stats, { maxFieldBytes })) records += b.length;
        } catch (e) {
          if (!(e instanceof AuditError)) throw e;
        }
        expect(records).toBe(stats.records);
        expect(stats.linesRead).toBe(stats.records + stats.skipped);
      }),
      RUNS,
    );
  });
});
