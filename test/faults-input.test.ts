/**
 * Bad input under faults, in process: an over-long line, a gzip bomb and a huge HAR string are one counted
 * thing each (tested with a small --max-line-bytes, streams made here, never huge files); a gzip cut short keeps
 * its partial last line in the counts; a followed file that is truncated and written again loses no line; a
 * missing baseline is skipped, a malformed one refused; --fail-on is checked; skip reasons have codes.
 */
import { mkdtempSync, readFileSync, writeFileSync, appendFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { readLines, RESTART, type Restart } from '../src/lines.js';
import { openSource } from '../src/source.js';
import { tailFile, type FollowEvent } from '../src/tail.js';
import { analyzeFiles } from '../src/run.js';
import { loadBaselineIfPresent } from '../src/baseline.js';
import { describeCondition, failing, parseFailOn } from '../src/fail-on.js';
import { parseHar } from '../parsers/har.js';
import type { HttpRecord, InputStats } from '../core/model.js';
import { ROOT } from './exec.js';

const tmp = mkdtempSync(join(tmpdir(), 'ra-faults-in-'));
const LOG = readFileSync(`${ROOT}samples/capture-combined.log`, 'utf8').trimEnd().split('\n');

async function* of(...chunks: (Buffer | string | Restart)[]): AsyncGenerator<Buffer | Restart> {
  for (const c of chunks) yield typeof c === 'string' ? Buffer.from(c) : c;
}

async function allLines(chunks: AsyncIterable<Buffer | Restart>, maxLineBytes?: number) {
  const out: { no: number; line: string; long?: number; cut?: boolean }[] = [];
  for await (const b of readLines(chunks, { maxLineBytes })) {
    b.lines.forEach((line, i) => {
      const long = b.long?.find((l) => l.index === i)?.bytes;
      out.push({ no: b.first + i, line, ...(long !== undefined ? { long } : {}), ...(b.cut && i === b.lines.length - 1 ? { cut: true } : {}) });
    });
  }
  return out;
}

async function drain(batches: AsyncGenerator<HttpRecord[]>): Promise<{ records: HttpRecord[]; error: unknown }> {
  const records: HttpRecord[] = [];
  try {
    for await (const b of batches) records.push(...b);
    return { records, error: null };
  } catch (e) {
    return { records, error: e };
  }
}

const adds = (s: InputStats) => expect(s.linesRead).toBe(s.records + s.skipped);

describe('an over-long line is one skipped line (row 7)', () => {
  it('the line reader drops its bytes as they pass and keeps numbering', async () => {
    const long = 'x'.repeat(300_000);
    // 300 kB in 7 kB chunks, the limit at 64 kB: one line, not ~5.
    const body = Buffer.from(`a\n${long}\nb\n`);
    const chunks: Buffer[] = [];
    for (let i = 0; i < body.length; i += 7000) chunks.push(body.subarray(i, i + 7000));
    const lines = await allLines(of(...chunks), 65_536);
    expect(lines).toEqual([{ no: 1, line: 'a' }, { no: 2, line: '', long: 300_000 }, { no: 3, line: 'b' }]);
  });

  it('through the pipeline: "line too long" with its length, the lines after it numbered right', async () => {
    const f = join(tmp, 'long.log');
    writeFileSync(f, `${LOG[0]}\n${'y'.repeat(200_000)}\n${LOG[1]}\n`);
    const src = await openSource(f, 0, { maxLineBytes: 4096 });
    const { records } = await drain(src.batches);
    expect(records.map((r) => r.line)).toEqual([1, 3]);
    expect(src.stats).toMatchObject({ linesRead: 3, records: 2, skipped: 1 });
    expect(src.stats.skippedExamples[0]).toMatchObject({ line: 2, code: 'line-too-long' });
    expect(src.stats.skippedExamples[0]!.detail).toContain('200000 bytes; the limit is 4096');
  });

  it('a gzip bomb (one endless line of zeros) is one skipped line, read in constant memory', async () => {
    const f = join(tmp, 'bomb.gz');
    // 4 MB of zeros compress to ~4 kB; the limit at 64 kB stands for the 1 MiB default and a 2 GB bomb.
    writeFileSync(f, gzipSync(Buffer.concat([Buffer.from(`${LOG[0]}\n`), Buffer.alloc(4 << 20, 0x30), Buffer.from(`\n${LOG[1]}\n`)])));
    const src = await openSource(f, 0, { maxLineBytes: 65_536 });
    const { records } = await drain(src.batches);
    expect(records.map((r) => r.line)).toEqual([1, 3]);
    expect(src.stats).toMatchObject({ linesRead: 3, skipped: 1 });
    expect(src.stats.skippedExamples[0]).toMatchObject({ line: 2, code: 'line-too-long' });
  });
});

describe('a gzip cut short (row 8)', () => {
  it('counts its partial last line as skipped and reports the corruption', async () => {
    const f = join(tmp, 'cut.log.gz');
    const gz = gzipSync(Buffer.from(`${LOG.slice(0, 400).join('\n')}\n`));
    writeFileSync(f, gz.subarray(0, Math.floor(gz.length / 2)));
    const src = await openSource(f, 0);
    const { records, error } = await drain(src.batches);
    expect((error as { code?: string }).code).toBe('CORRUPT_GZIP');
    adds(src.stats);
    expect(records.length).toBe(src.stats.records);
    const last = src.stats.skippedExamples.at(-1)!;
    expect(last).toMatchObject({ line: src.stats.linesRead, code: 'truncated-line' });
  });
});

describe('a followed file that is truncated (row 6, copytruncate)', () => {
  it('loses no line written after the truncation, even when the file grows back past where it was', async () => {
    const f = join(tmp, 'follow.log');
    const old = Array.from({ length: 10 }, (_, i) => `old ${i}`);
    const fresh = Array.from({ length: 20 }, (_, i) => `new ${i}`);
    writeFileSync(f, `${old.join('\n')}\n`);
    const ac = new AbortController();
    const events: FollowEvent['kind'][] = [];
    const got: { no: number; line: string }[] = [];
    let rewritten = false;
    const reading = (async () => {
      for await (const b of readLines(tailFile(f, ac.signal, { pollMs: 20, onEvent: (e) => events.push(e.kind) }))) {
        b.lines.forEach((line, i) => got.push({ no: b.first + i, line }));
        if (!rewritten && got.length >= 10) {
          // Truncate and write more than there was, right after a read and before the next one: neither the
          // size nor a poll in between can tell.
          rewritten = true;
          writeFileSync(f, `${fresh.join('\n')}\n`);
        }
      }
    })();
    for (let t = 0; got.length < 30 && t < 300; t++) await new Promise((r) => setTimeout(r, 10));
    ac.abort();
    await reading;
    expect(got.slice(10).map((l) => l.line)).toEqual(fresh);
    expect(got[10]!.no).toBe(1); // numbering restarts
    expect(events).toContain('truncated');
  });

  it('says when the file is not there yet, and reads it once it appears', async () => {
    const f = join(tmp, 'later.log');
    const ac = new AbortController();
    const events: string[] = [];
    const chunks: string[] = [];
    const reading = (async () => {
      for await (const c of tailFile(f, ac.signal, { pollMs: 20, onEvent: (e) => events.push(e.kind) })) if (c !== RESTART) chunks.push(c.toString());
    })();
    await new Promise((r) => setTimeout(r, 60));
    expect(events).toEqual(['waiting']);
    appendFileSync(f, 'hello\n');
    for (let t = 0; chunks.length === 0 && t < 100; t++) await new Promise((r) => setTimeout(r, 10));
    ac.abort();
    await reading;
    expect(events).toEqual(['waiting', 'appeared']);
    expect(chunks.join('')).toBe('hello\n');
  });
});

describe('a huge string inside one HAR entry (row 12)', () => {
  it('is dropped from the entry, which is kept, and the note names the entry', async () => {
    const entry = (url: string, text: string) =>
      JSON.stringify({
        startedDateTime: '2026-11-25T10:00:00.000Z',
        time: 1,
        request: { method: 'POST', url, headers: [], bodySize: 3, postData: { mimeType: 'text/plain', text: 'abc' } },
        response: { status: 303, headers: [{ name: 'Location', value: '/to' }], redirectURL: '/to', content: { size: text.length, text } },
      });
    const big = 'A'.repeat(500_000); // stands for 300 MB, the limit at 16 kB for the 1 MiB default
    const doc = `{"log":{"version":"1.2","creator":{"name":"t"},"entries":[${entry('http://x/a', 'small')},${entry('http://x/b', big)},${entry('http://x/c', 'small')}]}}`;
    const bytes = Buffer.from(doc);
    const chunks: Buffer[] = [];
    for (let i = 0; i < bytes.length; i += 4099) chunks.push(bytes.subarray(i, i + 4099));
    const stats: InputStats = { name: 'big.har', format: 'har', linesRead: 0, records: 0, skipped: 0, bytes: 0, skippedExamples: [] };
    const { records, error } = await drain(parseHar(of(...chunks) as AsyncIterable<Buffer>, 0, stats, { maxFieldBytes: 16_384 }));
    expect(error).toBeNull();
    expect(records.map((r) => r.target)).toEqual(['/a', '/b', '/c']);
    expect(records[1]!.status).toBe(303);
    expect(stats).toMatchObject({ linesRead: 3, records: 3, skipped: 0 });
    expect(stats.notes?.count).toBe(1);
    expect(stats.notes?.examples[0]!.detail).toMatch(/^entry 2: a string of 500000 bytes dropped/);
  });
});

describe('skip reasons (row 13)', () => {
  it('are readable, with a code, and control bytes escaped', async () => {
    const f = join(tmp, 'reasons.log');
    writeFileSync(f, `${LOG[0]}\n127.0.0.1 - - [25/Nov/2026:15:21:42 +0000] "GET / HTTP/1.1" 200\n\u0000\u001b[31mevil\n${LOG[1]}\n`);
    const src = await openSource(f, 0, { inputFormat: 'combined' });
    await drain(src.batches);
    adds(src.stats);
    const [early, evil] = src.stats.skippedExamples;
    expect(early!.code).toBe('line-ended-early');
    expect(early!.reason).not.toMatch(/every field/);
    expect(evil!.text).toBe('\\x00\\x1b[31mevil');
    expect(JSON.stringify(src.stats.skippedExamples)).not.toMatch(/\\u0000|\\u001b/);
  });
});

describe('errors that still leave a report (row 2)', () => {
  it('a missing file among several inputs: the report of the others, with the error', async () => {
    const report = await analyzeFiles([join(tmp, 'nope.log'), `${ROOT}samples/capture-combined.log`], { threads: 1 });
    expect(report.errors.map((e) => e.code)).toEqual(['UNREADABLE_INPUT']);
    expect(report.totals.records).toBe(LOG.length);
    expect(report.inputs[0]).toMatchObject({ format: 'unreadable', linesRead: 0 });
  });

  it('a --strict stop: the report of what was read before it', async () => {
    const f = join(tmp, 'strict.log');
    writeFileSync(f, `${LOG.slice(0, 50).join('\n')}\nnot a log line\n${LOG.slice(50, 60).join('\n')}\n`);
    const report = await analyzeFiles([f], { threads: 1, strict: true });
    expect(report.errors.map((e) => e.code)).toEqual(['STRICT_SKIP']);
    expect(report.totals).toMatchObject({ linesRead: 51, records: 50, skipped: 1 });
  });
});

describe('--baseline (rows 2 and 4)', () => {
  it('a missing file is no baseline (the comparison is skipped), not an error', () => {
    expect(loadBaselineIfPresent(join(tmp, 'latest.json'))).toBeNull();
  });

  it('a malformed report, a directory and non-JSON are one-line BAD_BASELINE errors naming what is wrong', () => {
    const bad = join(tmp, 'bad.json');
    writeFileSync(bad, '{"schemaVersion":1,"clients":[{"address":"x"}],"totals":{}}');
    expect(() => loadBaselineIfPresent(bad)).toThrow(/--baseline .*bad\.json: not a redirect-audit JSON report of schemaVersion 1 \(report\.totals\.violations: expected an object\)/);
    writeFileSync(bad, '{"schemaVersion":1,"clients":[{"address":"x"}],"totals":{"violations":{"303":0,"307":0,"308":0},"redirects":0,"clients":0}}');
    expect(() => loadBaselineIfPresent(bad)).toThrow(/report\.clients\[0\]\.userAgent: expected a string or null/);
    const dir = join(tmp, 'somedir');
    mkdirSync(dir);
    expect(() => loadBaselineIfPresent(dir)).toThrow(/somedir: is a directory, not a report$/);
    writeFileSync(bad, 'nope');
    expect(() => loadBaselineIfPresent(bad)).toThrow(/not JSON/);
  });
});

describe('--fail-on (row 10)', () => {
  it('refuses a missing number, a ratio out of 0..1 and new-mishandling without --baseline', () => {
    expect(() => parseFailOn('violations>=')).toThrow(/"violations>=" needs a number after >=/);
    expect(() => parseFailOn('>=3')).toThrow(/needs a name/);
    expect(() => parseFailOn('effective-success<99')).toThrow(/share from 0 to 1 \(for 99% write 0\.99\)/);
    expect(() => parseFailOn('new-mishandling', { baseline: false })).toThrow(/give --baseline/);
    expect(() => parseFailOn(' , ')).toThrow(/empty/);
    expect(parseFailOn('new-mishandling', { baseline: true })).toHaveLength(1);
  });

  it('names the value that tripped', async () => {
    const report = await analyzeFiles([`${ROOT}samples/capture-combined.log`], { threads: 1 });
    const failed = failing(report, parseFailOn('violations,effective-success<0.999'));
    const v = report.totals.violations;
    expect(describeCondition(report, failed[0]!)).toBe(`violations = ${v['303'] + v['307'] + v['308']} > 0`);
    expect(failed[1] && describeCondition(report, failed[1])).toMatch(/^effective-success = 0\.\d+ < 0\.999$/);
  });
});
