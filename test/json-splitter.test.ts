/**
 * The byte splitter of the document reader (parsers/json-splitter.ts, driven by parsers/json-stream.ts): it gives
 * the records stream-json's tokenizer and whole-line `JSON.parse` give, on every document sample and fixture and
 * on arbitrary JSON in arbitrary chunks; a document cut in two at any byte reads the same; a value longer than the
 * line limit goes through the tokenizer and comes out the same; a document cut short or malformed says where.
 */
import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { HttpRecord, InputStats } from '../core/model.js';
import { detectDocumentFormat } from '../parsers/documents.js';
import { SKIP, WALK, type PathKey } from '../parsers/json-select.js';
import { JsonSplitter } from '../parsers/json-splitter.js';
import { parseDocument, type DocumentFormat, type DocumentOptions } from '../parsers/json-stream.js';
import { zipkinFormat } from '../parsers/zipkin.js';
import { FIXTURES } from './helpers.js';

const SAMPLES = new URL('../samples/', import.meta.url).pathname;

type Reader = NonNullable<DocumentOptions['reader']>;

/** Every file of samples/ and test/fixtures/formats/ that is in a document format: its name, path and format. */
function documentSamples(): [string, string, DocumentFormat][] {
  const out: [string, string, DocumentFormat][] = [];
  for (const [dir, name] of [
    [SAMPLES, 'samples/'],
    [FIXTURES, 'test/fixtures/formats/'],
  ] as const) {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (!e.isFile()) continue;
      const format = detectDocumentFormat(readFileSync(`${dir}${e.name}`).subarray(0, 4096).toString('utf8'));
      if (format) out.push([`${name}${e.name}`, `${dir}${e.name}`, format]);
    }
  }
  return out;
}

function newStats(): InputStats {
  return { name: 'test', format: '', linesRead: 0, records: 0, skipped: 0, bytes: 0, skippedExamples: [] };
}

async function* pieces(buf: Buffer, cuts: number[]): AsyncGenerator<Buffer> {
  let from = 0;
  for (const c of [...cuts, buf.length]) {
    yield buf.subarray(from, c);
    from = c;
  }
}

function every(buf: Buffer, size: number): number[] {
  const cuts: number[] = [];
  for (let i = size; i < buf.length; i += size) cuts.push(i);
  return cuts;
}

interface Read {
  records: HttpRecord[];
  stats: InputStats;
  error: { code: string; message: string } | null;
}

async function read(buf: Buffer, format: DocumentFormat, reader: Reader, cuts: number[] = [], lineLimit?: number): Promise<Read> {
  const stats = newStats();
  const records: HttpRecord[] = [];
  let error: Read['error'] = null;
  try {
    const opts: DocumentOptions = lineLimit === undefined ? { reader } : { reader, lineLimit };
    for await (const b of parseDocument(pieces(buf, cuts), 0, stats, format, opts)) records.push(...b);
  } catch (e) {
    error = e as Read['error'];
  }
  return { records, stats, error };
}

/** What must agree between readers: the records, the counts and the skipped examples (not `bytes`). */
function outcome(r: Read) {
  const { linesRead, records, skipped, skippedExamples } = r.stats;
  return { records: r.records, counts: [linesRead, records, skipped], skippedExamples, error: r.error?.code ?? null };
}

describe('the byte splitter gives the records of the tokenizer and of whole lines', () => {
  const samples = documentSamples();

  it('finds the document samples: the OpenTelemetry capture and the Zipkin, Jaeger, Cloud Logging and Elasticsearch fixtures (and any added since)', () => {
    expect(samples.map(([name, , d]) => `${name} ${d.name}`)).toEqual(
      expect.arrayContaining([
        'samples/capture-otel.jsonl otlp',
        'test/fixtures/formats/es-search.json elasticsearch',
        'test/fixtures/formats/gcp-logging.json gcp-logging-array',
        'test/fixtures/formats/jaeger.json jaeger',
        'test/fixtures/formats/zipkin.json zipkin',
      ]),
    );
  });

  it.each(documentSamples())('%s: splitter, tokenizer and the default reader agree, in any chunking, with values handed over to the tokenizer too', async (_name, file, format) => {
    const buf = readFileSync(file);
    const tokens = outcome(await read(buf, format, 'tokens'));
    expect(tokens.error).toBeNull();
    expect(tokens.records.length).toBeGreaterThan(0);
    expect(outcome(await read(buf, format, 'auto'))).toEqual(tokens);
    for (const size of [1, 2, 3, 7, 64, 4096, 1 << 20]) {
      expect(outcome(await read(buf, format, 'split', every(buf, size))), `chunks of ${size}`).toEqual(tokens);
    }
    // On one line: the default reader goes to the splitter once the line passes the line limit.
    const oneLine = Buffer.from(buf.toString('utf8').replace(/\n/g, ' '));
    expect(outcome(await read(oneLine, format, 'auto', every(oneLine, 100), 500))).toEqual(tokens);
    // Every value longer than 200 bytes goes to the tokenizer in pieces (a Zipkin trace or a Jaeger trace of tens of MB).
    for (const size of [5, 4096]) {
      expect(outcome(await read(buf, format, 'split', every(buf, size), 200)), `long values, chunks of ${size}`).toEqual(tokens);
    }
  });

  it('a Zipkin array of traces (GET /api/v2/traces) reads the same, each trace cut out or streamed', async () => {
    const buf = Buffer.from(`[${readFileSync(`${FIXTURES}zipkin.json`, 'utf8').trim()},${readFileSync(`${FIXTURES}zipkin.json`, 'utf8').trim()}]`);
    const tokens = outcome(await read(buf, zipkinFormat, 'tokens'));
    expect(tokens.records.length).toBeGreaterThan(10);
    for (const limit of [undefined, 100]) expect(outcome(await read(buf, zipkinFormat, 'split', every(buf, 333), limit))).toEqual(tokens);
  });
});

describe('chunk edges', () => {
  /** A small Zipkin document with what a byte scanner can get wrong: escapes, brackets and quotes in strings, UTF-8. */
  const tricky = Buffer.from(
    '\uFEFF[ {"traceId":"a\\"}]","id":"1","kind":"SERVER","timestamp":1714557600000000,"duration":1200,' +
      '"remoteEndpoint":{"ipv4":"10.0.0.1"},"tags":{"http.method":"POST","http.path":"/r307/é漢字😀\\\\","http.status_code":"307",' +
      '"http.user_agent":"x\\\\\\"{[\\u00e9\\ud83d\\ude00","n\\u0061me":[1,-2.5e3,true,false,null,{"a":[[]]}]}} ,\n' +
      ' {"traceId":"b","kind":"SERVER","timestamp":1714557600100000,"remoteEndpoint":{"ipv4":"10.0.0.1"},' +
      '"tags":{"http.method":"GET","http.path":"/r307/to","http.status_code":"200"}}, 7, "x", [], {"kind":"CLIENT"} ]\n',
  );

  it('a document cut in two at every byte offset reads the same as whole', async () => {
    const whole = outcome(await read(tricky, zipkinFormat, 'tokens'));
    expect(whole.records.map((r) => [r.method, r.target, r.userAgent])).toEqual([
      ['POST', '/r307/é漢字😀\\', 'x\\"{[é😀'],
      ['GET', '/r307/to', null],
    ]);
    expect(whole.counts).toEqual([5, 2, 3]); // [] is a trace of no spans: no item
    for (let k = 0; k <= tricky.length; k++) expect(outcome(await read(tricky, zipkinFormat, 'split', [k])), `cut at ${k}`).toEqual(whole);
  });

  it.each([
    ['jaeger.json', 'jaeger'],
    ['zipkin.json', 'zipkin'],
    ['gcp-logging.json', 'gcp-logging-array'],
    ['es-search.json', 'elasticsearch'],
  ])('%s cut in two at every byte offset reads the same as whole', async (file) => {
    const buf = readFileSync(`${FIXTURES}${file}`);
    const format = detectDocumentFormat(buf.toString('utf8'))!;
    const whole = outcome(await read(buf, format, 'split'));
    for (let k = 1; k < buf.length; k++) {
      const got = outcome(await read(buf, format, 'split', [k]));
      if (JSON.stringify(got) !== JSON.stringify(whole)) expect(got, `cut at ${k}`).toEqual(whole);
    }
  });

  it('the OpenTelemetry capture cut in two at every 499th byte (and around each line end) reads the same as whole', async () => {
    const buf = readFileSync(`${SAMPLES}capture-otel.jsonl`);
    const oneLine = Buffer.from(buf.toString('utf8').replace(/\n/g, ' '));
    const format = detectDocumentFormat(buf.toString('utf8'))!;
    const whole = outcome(await read(buf, format, 'tokens'));
    const cuts = new Set<number>();
    for (let k = 1; k < buf.length; k += 499) cuts.add(k);
    for (let k = buf.indexOf(10); k >= 0; k = buf.indexOf(10, k + 1)) for (const d of [-1, 0, 1]) cuts.add(k + d);
    for (const k of cuts) {
      expect(outcome(await read(oneLine, format, 'split', [k])), `one line, cut at ${k}`).toEqual(whole);
      expect(outcome(await read(buf, format, 'auto', [k], 2000)), `lines over the limit, cut at ${k}`).toEqual(whole);
    }
  });
});

describe('arbitrary JSON: the three readers make the same calls', () => {
  /** A format that records the calls it gets; what it selects depends on the path only. */
  function recorder(log: string[]): DocumentFormat {
    const answer = (p: readonly PathKey[]) => {
      if (p.length === 1) return WALK;
      let h = p.length;
      for (const k of p) for (const ch of String(k)) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
      return [WALK, WALK, SKIP, 1, 2][h % 5]!;
    };
    return {
      name: 'recorder',
      description: '',
      capabilities: { location: false, bodySize: false, host: false, duration: false, forwardedFor: false },
      detect: () => false,
      handler: () => ({
        select(p) {
          const a = answer(p);
          log.push(`select ${JSON.stringify(p)} ${a}`);
          return a;
        },
        value(tag, v, p) {
          log.push(`value ${tag} ${JSON.stringify(p)} ${JSON.stringify(v)}`);
        },
        closed(p) {
          log.push(`closed ${JSON.stringify(p)}`);
        },
      }),
    };
  }

  async function calls(buf: Buffer, reader: Reader, cuts: number[], lineLimit?: number) {
    const log: string[] = [];
    const r = await read(buf, recorder(log), reader, cuts, lineLimit);
    return { log, error: r.error?.code ?? null };
  }

  // Objects without "__proto__" keys (stream-json's assembler sets the prototype; JSON.parse makes a key).
  const json = fc.jsonValue({ maxDepth: 5 }).filter((v) => !JSON.stringify(v).includes('"__proto__"'));

  it('whole lines, the splitter (any chunking, any line limit) and the tokenizer', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(json, { minLength: 1, maxLength: 3 }),
        fc.boolean(),
        fc.array(fc.nat(), { maxLength: 8 }),
        fc.integer({ min: 2, max: 400 }),
        async (values, pretty, rawCuts, limit) => {
          const text = values.map((v) => JSON.stringify(v, null, pretty ? 2 : undefined)).join('\n');
          const buf = Buffer.from(`${text}\n`);
          const cuts = [...new Set(rawCuts.map((c) => c % (buf.length + 1)))].sort((a, b) => a - b);
          const expected = await calls(buf, 'tokens', []);
          expect(expected.error).toBeNull();
          expect(await calls(buf, 'split', cuts)).toEqual(expected);
          expect(await calls(buf, 'split', cuts, limit)).toEqual(expected);
          // A line at a time when each value is one line (after a first whole line, the reader takes the input
          // to be JSON lines: a value over several lines would be skipped lines, as in every line format).
          if (!pretty) expect(await calls(buf, 'auto', cuts)).toEqual(expected);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('a document cut short, or malformed, says where', () => {
  it.each(documentSamples())('%s cut anywhere: what was read before the cut, then TRUNCATED_HAR with the items read and the byte', async (_name, file, format) => {
    const buf = readFileSync(file);
    const full = await read(buf, format, 'split');
    const byLine = (rs: HttpRecord[]) => rs.slice().sort((a, b) => a.line - b.line);
    const body = buf.toString('utf8').trimEnd();
    for (let i = 1; i <= 20; i++) {
      const at = Math.floor((Buffer.byteLength(body) * i) / 21);
      if (buf[at - 1] === 0x0a) continue; // between two values one a line: not cut short
      const cut = buf.subarray(0, at);
      // OTLP lines are read a line at a time by default, where a partial last line is a skipped line (as in every
      // line format), not a truncation: only the splitter there.
      for (const reader of format.name === 'otlp' ? (['split'] as const) : (['split', 'auto'] as const)) {
        const got = await read(cut, format, reader, every(cut, 1000));
        const where = `${reader}, cut at ${at}`;
        expect(got.error?.code, where).toBe('TRUNCATED_HAR');
        expect(got.error?.message, where).toContain(`: truncated ${format.name} document: read ${got.stats.linesRead} items, the input ends inside a JSON value at byte ${at} (was it cut short?)`);
        expect(got.stats.records, where).toBe(got.records.length);
        expect(got.stats.records + got.stats.skipped, where).toBe(got.stats.linesRead);
        // Exactly the items before the cut: the first items of the whole document.
        expect(byLine(got.records), where).toEqual(byLine(full.records).filter((r) => r.line <= got.stats.linesRead));
      }
    }
  });

  it('a cut inside a value: the items before it are kept, and the message says how many and where', async () => {
    const buf = readFileSync(`${FIXTURES}zipkin.json`);
    const third = buf.indexOf('{"traceId"', buf.indexOf('{"traceId"', buf.indexOf('{"traceId"') + 1) + 1);
    const got = await read(buf.subarray(0, third + 40), zipkinFormat, 'split');
    expect(got.stats.linesRead).toBe(2);
    expect(got.error).toMatchObject({ code: 'TRUNCATED_HAR', message: `test: truncated zipkin document: read 2 items, the input ends inside a JSON value at byte ${third + 40} (was it cut short?)` });
  });

  it('malformed JSON in the frame or in a value: NOT_A_HAR with the byte where, after what was read', async () => {
    const span = '{"traceId":"a","kind":"SERVER","remoteEndpoint":{"ipv4":"10.0.0.1"},"tags":{"http.method":"GET","http.path":"/","http.status_code":"200"}}';
    const frame = await read(Buffer.from(`[${span} ${span}]`), zipkinFormat, 'split');
    expect(frame.records).toHaveLength(1);
    expect(frame.error).toMatchObject({ code: 'NOT_A_HAR' });
    expect(frame.error!.message).toBe(`test: malformed zipkin JSON near byte ${span.length + 2} after 1 items (expected "," or a closing bracket at byte ${span.length + 2}, found "{")`);
    const value = await read(Buffer.from(`[${span},${span.replace('"GET"', 'GET')}]`), zipkinFormat, 'split', [50, 200]);
    expect(value.records).toHaveLength(1);
    expect(value.error!.message).toMatch(new RegExp(`^test: malformed zipkin JSON near byte ${span.length + 2} after 1 items \\(a value that is not JSON: `));
    for (const bad of ['[}', '{"a" 1}', '{"a":1,}', '[1,]', '{1:2}', ']']) {
      expect((await read(Buffer.from(bad), zipkinFormat, 'split')).error?.code, bad).toBe('NOT_A_HAR');
    }
  });

  it('the splitter alone: a key or value split across chunks, keys with escapes, closed() with the container\'s path', () => {
    const log: string[] = [];
    const s = new JsonSplitter(
      {
        select: (p) => (p.length < 3 || (p[1] === 'b' && p.length < 4) ? WALK : p[p.length - 1] === 'keep' ? 7 : SKIP),
        closed: (p) => void log.push(`closed ${JSON.stringify(p)}`),
        value: (tag, b, start, end, p) => void log.push(`value ${tag} ${JSON.stringify(p)} ${b.toString('utf8', start, end)}`),
        piece: () => {
          throw new Error('no value is that long');
        },
      },
      1000,
    );
    const doc = Buffer.from('{"a":{"ke\\u0065p":[1,{"x":"]"}],"skip":{"keep":1}},"b":[{"keep":"v"}]} [ ]');
    for (let i = 0; i < doc.length; i += 3) s.write(doc.subarray(i, i + 3));
    expect(s.end()).toBe(true);
    expect(log).toEqual([
      'value 7 [0,"a","keep"] [1,{"x":"]"}]',
      'closed [0,"a"]',
      'value 7 [0,"b",0,"keep"] "v"',
      'closed [0,"b",0]',
      'closed [0,"b"]',
      'closed [0]',
      'closed [1]',
    ]);
  });
});
