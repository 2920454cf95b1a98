/**
 * Throughput of the JSON-document reader (parsers/json-stream.ts) against the line path, on the same generated
 * traffic (bench/json-gen.ts), each input made once in memory and read from there (no disk):
 *
 * - the line path: nginx `escape=json` lines (bench/generate.ts) through `openSource`, as `analyze` reads them;
 * - OTLP/JSON lines (200 spans a line, ~115 KB) read whole with `JSON.parse` (the reader's line mode);
 * - the same lines through stream-json's tokenizer (`reader: 'tokens'`);
 * - a Zipkin array on one line through the tokenizer;
 * - stream-json alone on the Zipkin array, three ways: its tokenizer called as a function (what the reader does),
 *   `chain([parser(), …])`, and `parser.asStream()`; and `JSON.parse` of the same bytes cut at span boundaries.
 *
 *   npx tsc -p tsconfig.json && node dist/bench/json-stream-bench.js 100     # MB per input
 *
 * Prints a Markdown table; not part of `npm test`.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import chain from 'stream-chain';
import { jsonParser, parser } from 'stream-json/parser.js';
import type { HttpRecord, InputStats } from '../core/model.js';
import { parseDocument, type DocumentFormat, type DocumentOptions } from '../parsers/json-stream.js';
import { otlpFormat } from '../parsers/otlp.js';
import { zipkinFormat } from '../parsers/zipkin.js';
import { openSource } from '../src/source.js';
import { generateLog } from './generate.js';
import { otlpLines, zipkinArray } from './json-gen.js';

const MB = 1024 * 1024;
const none = Symbol.for('object-stream.none');

function collect(gen: Iterable<Buffer>): Buffer {
  return Buffer.concat([...gen]);
}

async function* chunks(buf: Buffer, size = 256 * 1024): AsyncGenerator<Buffer> {
  for (let i = 0; i < buf.length; i += size) yield buf.subarray(i, i + size);
}

function stats(): InputStats {
  return { name: 'bench', format: '', linesRead: 0, records: 0, skipped: 0, bytes: 0, skippedExamples: [] };
}

interface Row {
  name: string;
  mb: number;
  seconds: number;
  items: number;
  what: string;
}

async function timeDoc(name: string, buf: Buffer, format: DocumentFormat, reader: NonNullable<DocumentOptions['reader']>): Promise<Row> {
  const t0 = performance.now();
  let n = 0;
  const keep: HttpRecord[] = [];
  for await (const b of parseDocument(chunks(buf), 0, stats(), format, { reader })) {
    n += b.length;
    if (keep.length === 0) keep.push(b[0]!);
  }
  return { name, mb: buf.length / MB, seconds: (performance.now() - t0) / 1000, items: n, what: 'records' };
}

async function main(): Promise<void> {
  const size = Number(process.argv[2] ?? 100) * MB;
  const rows: Row[] = [];

  // The line path: nginx escape=json lines of about the same size, read as `analyze` reads a file.
  const dir = await mkdtemp(join(tmpdir(), 'json-bench-'));
  try {
    const path = join(dir, 'access.json.log');
    const lines = Math.round(size / 560);
    await generateLog(path, lines, { format: 'json', seed: 42 });
    const bytes = (await readFile(path)).length;
    const t0 = performance.now();
    const src = await openSource(path, 0, { stdin: Readable.from([]) });
    let n = 0;
    for await (const b of src.batches) n += b.length;
    rows.push({ name: 'line path: nginx-json lines (openSource)', mb: bytes / MB, seconds: (performance.now() - t0) / 1000, items: n, what: 'records' });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }

  const otlp = collect(otlpLines(size));
  rows.push(await timeDoc('OTLP lines, JSON.parse per line', otlp, otlpFormat, 'auto'));
  rows.push(await timeDoc('OTLP lines, stream-json tokenizer', otlp, otlpFormat, 'tokens'));
  const zipkin = collect(zipkinArray(size));
  rows.push(await timeDoc('Zipkin array (one line), stream-json tokenizer', zipkin, zipkinFormat, 'tokens'));

  // stream-json alone, on the Zipkin array.
  {
    const tok = jsonParser({ jsonStreaming: true, packValues: true, streamValues: false }) as unknown as (s: unknown) => unknown;
    const dec = new TextDecoder();
    const t0 = performance.now();
    let n = 0;
    for (let i = 0; i < zipkin.length; i += 8192) {
      const r = tok(dec.decode(zipkin.subarray(i, i + 8192), { stream: true })) as { values?: unknown[] };
      if (r !== (none as unknown) && r.values) n += r.values.length;
    }
    tok(none);
    rows.push({ name: 'stream-json jsonParser() called directly, 8 KB slices', mb: zipkin.length / MB, seconds: (performance.now() - t0) / 1000, items: n, what: 'tokens' });
  }
  for (const how of ['chain', 'asStream'] as const) {
    const t0 = performance.now();
    let n = 0;
    const opts = { jsonStreaming: true, packValues: true, streamValues: false };
    const stream =
      how === 'chain'
        ? chain([parser(opts), (_t: unknown) => (n++, none)] as never)
        : parser.asStream(opts);
    if (how === 'asStream') stream.on('data', () => n++);
    else stream.resume();
    const done = new Promise<void>((resolve, reject) => {
      stream.on('end', resolve);
      stream.on('finish', () => (how === 'chain' ? setImmediate(resolve) : undefined));
      stream.on('error', reject);
    });
    Readable.from(chunks(zipkin)).pipe(stream);
    await done;
    rows.push({
      name: how === 'chain' ? 'stream-json chain([parser(), fn])' : 'stream-json parser.asStream()',
      mb: zipkin.length / MB,
      seconds: (performance.now() - t0) / 1000,
      items: n,
      what: 'tokens',
    });
  }
  {
    // JSON.parse of each span, the array cut at span boundaries beforehand (an upper bound for a byte splitter).
    const text = zipkin.toString('utf8');
    const parts = text.slice(1, text.lastIndexOf(']')).split('},{"traceId"');
    const t0 = performance.now();
    let n = 0;
    for (let i = 0; i < parts.length; i++) {
      const p = (i === 0 ? '' : '{"traceId"') + parts[i] + (i === parts.length - 1 ? '' : '}');
      if (JSON.parse(p)) n++;
    }
    rows.push({ name: 'JSON.parse per span (pre-cut; an upper bound)', mb: zipkin.length / MB, seconds: (performance.now() - t0) / 1000, items: n, what: 'values' });
  }

  process.stdout.write(`Node ${process.version}; ${(size / MB).toFixed(0)} MB per input, from memory\n\n`);
  process.stdout.write('| input and reader | MB | seconds | MB/s | items/s |\n| --- | ---: | ---: | ---: | ---: |\n');
  for (const r of rows) {
    process.stdout.write(
      `| ${r.name} | ${r.mb.toFixed(0)} | ${r.seconds.toFixed(2)} | ${(r.mb / r.seconds).toFixed(1)} | ${Math.round(r.items / r.seconds).toLocaleString('en-US')} ${r.what}/s |\n`,
    );
  }
}

await main();
