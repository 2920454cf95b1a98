/**
 * Throughput of the JSON-document reader (parsers/json-stream.ts) against the line path, on the same generated
 * traffic (bench/json-gen.ts), each input made once in memory and read from there (no disk), records made but not
 * analysed:
 *
 * - the line path: nginx `escape=json` lines (bench/generate.ts) through `openSource`, as `analyze` reads them;
 * - OTLP/JSON lines (200 spans a line, ~115 KB) read whole with `JSON.parse` (the reader's line mode), through the
 *   byte splitter (`reader: 'split'`) and through stream-json's tokenizer (`reader: 'tokens'`);
 * - a Zipkin array on one line, a Jaeger `/api/traces` body on one line and a pretty-printed `gcloud logging read`
 *   array, each as the reader reads it (the byte splitter) and through the tokenizer;
 * - the byte splitter alone on the Zipkin array (values cut out, not parsed); stream-json alone on it, three ways:
 *   its tokenizer called as a function (the reader's fallback), `chain([parser(), …])`, and `parser.asStream()`;
 *   and `JSON.parse` of the same bytes cut at span boundaries beforehand.
 *
 *   npx tsc -p tsconfig.json && node dist/bench/json-stream-bench.js 100     # MB per input
 *
 * Prints a Markdown table (wall and CPU seconds of this process); not part of `npm test`.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import chain from 'stream-chain';
import { jsonParser, parser } from 'stream-json/parser.js';
import type { HttpRecord, InputStats } from '../core/model.js';
import { gcpLoggingArrayFormat } from '../parsers/gcp-logging.js';
import { jaegerFormat } from '../parsers/jaeger.js';
import { WALK } from '../parsers/json-select.js';
import { JsonSplitter } from '../parsers/json-splitter.js';
import { parseDocument, type DocumentFormat, type DocumentOptions } from '../parsers/json-stream.js';
import { otlpFormat } from '../parsers/otlp.js';
import { zipkinFormat } from '../parsers/zipkin.js';
import { openSource } from '../src/source.js';
import { generateLog } from './generate.js';
import { gcloudArray, jaegerDocument, otlpLines, zipkinArray } from './json-gen.js';

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
  cpu: number;
  items: number;
  what: string;
}

/** Wall and CPU seconds since `t0`/`c0`. */
function since(t0: number, c0: NodeJS.CpuUsage): { seconds: number; cpu: number } {
  const c = process.cpuUsage(c0);
  return { seconds: (performance.now() - t0) / 1000, cpu: (c.user + c.system) / 1e6 };
}

async function timeDoc(name: string, buf: Buffer, format: DocumentFormat, reader: NonNullable<DocumentOptions['reader']>): Promise<Row> {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  let n = 0;
  const keep: HttpRecord[] = [];
  for await (const b of parseDocument(chunks(buf), 0, stats(), format, { reader })) {
    n += b.length;
    if (keep.length === 0) keep.push(b[0]!);
  }
  return { name, mb: buf.length / MB, ...since(t0, c0), items: n, what: 'records' };
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
    const c0 = process.cpuUsage();
    const src = await openSource(path, 0, { stdin: Readable.from([]) });
    let n = 0;
    for await (const b of src.batches) n += b.length;
    rows.push({ name: 'line path: nginx-json lines (openSource)', mb: bytes / MB, ...since(t0, c0), items: n, what: 'records' });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }

  const otlp = collect(otlpLines(size));
  rows.push(await timeDoc('OTLP lines, JSON.parse per line (the reader)', otlp, otlpFormat, 'auto'));
  rows.push(await timeDoc('OTLP lines, byte splitter', otlp, otlpFormat, 'split'));
  rows.push(await timeDoc('OTLP lines, stream-json tokenizer', otlp, otlpFormat, 'tokens'));
  const zipkin = collect(zipkinArray(size));
  rows.push(await timeDoc('Zipkin array (one line), byte splitter (the reader)', zipkin, zipkinFormat, 'auto'));
  rows.push(await timeDoc('Zipkin array (one line), stream-json tokenizer', zipkin, zipkinFormat, 'tokens'));
  {
    const jaeger = collect(jaegerDocument(size));
    rows.push(await timeDoc('Jaeger /api/traces (one line), byte splitter (the reader)', jaeger, jaegerFormat, 'auto'));
    rows.push(await timeDoc('Jaeger /api/traces (one line), stream-json tokenizer', jaeger, jaegerFormat, 'tokens'));
  }
  {
    const gcloud = collect(gcloudArray(size));
    rows.push(await timeDoc('gcloud array (pretty-printed), byte splitter (the reader)', gcloud, gcpLoggingArrayFormat, 'auto'));
    rows.push(await timeDoc('gcloud array (pretty-printed), stream-json tokenizer', gcloud, gcpLoggingArrayFormat, 'tokens'));
  }

  // The byte splitter alone on the Zipkin array: the spans cut out, not parsed.
  {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    let n = 0;
    const splitter = new JsonSplitter(
      {
        select: (p) => (p.length === 1 ? WALK : 1),
        value: () => void n++,
        piece: () => undefined,
      },
      4 * MB,
    );
    for (let i = 0; i < zipkin.length; i += 256 * 1024) splitter.write(zipkin.subarray(i, i + 256 * 1024));
    splitter.end();
    rows.push({ name: 'byte splitter alone (spans cut out, not parsed)', mb: zipkin.length / MB, ...since(t0, c0), items: n, what: 'values' });
  }

  // stream-json alone, on the Zipkin array.
  {
    const tok = jsonParser({ jsonStreaming: true, packValues: true, streamValues: false }) as unknown as (s: unknown) => unknown;
    const dec = new TextDecoder();
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    let n = 0;
    for (let i = 0; i < zipkin.length; i += 8192) {
      const r = tok(dec.decode(zipkin.subarray(i, i + 8192), { stream: true })) as { values?: unknown[] };
      if (r !== (none as unknown) && r.values) n += r.values.length;
    }
    tok(none);
    rows.push({ name: 'stream-json jsonParser() called directly, 8 KB slices', mb: zipkin.length / MB, ...since(t0, c0), items: n, what: 'tokens' });
  }
  for (const how of ['chain', 'asStream'] as const) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
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
      ...since(t0, c0),
      items: n,
      what: 'tokens',
    });
  }
  {
    // JSON.parse of each span, the array cut at span boundaries beforehand (an upper bound for a byte splitter).
    const text = zipkin.toString('utf8');
    const parts = text.slice(1, text.lastIndexOf(']')).split('},{"traceId"');
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    let n = 0;
    for (let i = 0; i < parts.length; i++) {
      const p = (i === 0 ? '' : '{"traceId"') + parts[i] + (i === parts.length - 1 ? '' : '}');
      if (JSON.parse(p)) n++;
    }
    rows.push({ name: 'JSON.parse per span (pre-cut; an upper bound)', mb: zipkin.length / MB, ...since(t0, c0), items: n, what: 'values' });
  }

  process.stdout.write(`Node ${process.version}; ${(size / MB).toFixed(0)} MB per input, from memory\n\n`);
  process.stdout.write('| input and reader | MB | seconds | CPU s | MB/s | MB per CPU s | items/s |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: |\n');
  for (const r of rows) {
    process.stdout.write(
      `| ${r.name} | ${r.mb.toFixed(0)} | ${r.seconds.toFixed(2)} | ${r.cpu.toFixed(2)} | ${(r.mb / r.seconds).toFixed(1)} | ${(r.mb / r.cpu).toFixed(1)} | ` +
        `${Math.round(r.items / r.seconds).toLocaleString('en-US')} ${r.what}/s |\n`,
    );
  }
}

await main();
