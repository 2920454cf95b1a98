/**
 * Throughput and memory of the streaming HAR parser on a synthetic HAR of a given size.
 *
 *   npx tsc -p tsconfig.json && node dist/bench/har-bench.js 1024     # MB of HAR
 *
 * The HAR (Chrome-like, pretty-printed, ~3 KB per entry, about 6% 3xx) is written once to a temp file through a
 * write stream, then parsed by `parseHar` from a file read stream; RSS is sampled every 50 ms while parsing.
 * Prints throughput, it does not pass or fail.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { pathToFileURL } from 'node:url';
import { parseHar } from '../parsers/har.js';
import type { InputStats } from '../core/model.js';
import { mulberry32 } from './prng.js';

const MB = 1024 * 1024;

export interface HarBenchResult {
  mbPerSec: number;
  peakRssMB: number;
  entries: number;
}

const UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36';
const HOSTS = ['www.example.com', 'static.example-cdn.net', 'api.example.com', 'ads.tracker-network.io', 'fonts.gstatic.com'];


function header(name: string, value: string) {
  return { name, value };
}

function syntheticEntry(i: number, rnd: () => number): unknown {
  const host = HOSTS[i % HOSTS.length]!;
  const path = `/assets/${(i * 7919) % 100000}/item-${i}.js?v=${Math.floor(rnd() * 1e9).toString(36)}&lang=en`;
  const roll = rnd();
  const isPost = roll < 0.05;
  const status = roll < 0.03 ? 302 : roll < 0.045 ? 301 : roll < 0.05 ? 307 : roll < 0.06 ? 303 : roll < 0.08 ? 304 : 200;
  const redirect = status !== 304 && status >= 300;
  const location = redirect ? (rnd() < 0.3 ? `/moved/${i}` : `https://${host}/moved/${i}?from=${i}`) : '';
  const started = new Date(Date.UTC(2024, 4, 1, 12, 0, 0) + i * 37).toISOString();
  const body = isPost ? `field=${'x'.repeat(Math.floor(rnd() * 200))}&id=${i}` : undefined;
  const cookie = `session=${Math.floor(rnd() * 1e16).toString(16)}; _ga=GA1.2.${Math.floor(rnd() * 1e9)}.${1700000000 + i}; consent=yes`;
  return {
    _priority: 'High',
    _resourceType: 'script',
    cache: {},
    connection: String(10000 + (i % 300)),
    pageref: `page_${Math.floor(i / 200)}`,
    request: {
      method: isPost ? 'POST' : 'GET',
      url: `https://${host}${path}`,
      httpVersion: 'http/2.0',
      headers: [
        header(':authority', host),
        header(':method', isPost ? 'POST' : 'GET'),
        header(':path', path),
        header(':scheme', 'https'),
        header('accept', '*/*'),
        header('accept-encoding', 'gzip, deflate, br, zstd'),
        header('accept-language', 'en-US,en;q=0.9,fr;q=0.8'),
        header('cookie', cookie),
        header('referer', `https://www.example.com/page-${i % 50}.html`),
        header('sec-fetch-dest', 'script'),
        header('sec-fetch-mode', 'no-cors'),
        header('user-agent', UA),
      ],
      queryString: [],
      cookies: [],
      headersSize: -1,
      bodySize: body ? body.length : 0,
      ...(body ? { postData: { mimeType: 'application/x-www-form-urlencoded', text: body } } : {}),
    },
    response: {
      status,
      statusText: status === 200 ? '' : status === 304 ? 'Not Modified' : 'Found',
      httpVersion: 'http/2.0',
      headers: [
        header('cache-control', status === 200 ? 'public, max-age=31536000, immutable' : 'private, no-store'),
        header('content-encoding', 'br'),
        header('content-length', String(1000 + (i % 50000))),
        header('content-type', 'application/javascript; charset=utf-8'),
        header('date', new Date(Date.UTC(2024, 4, 1, 12, 0, 0) + i * 37).toUTCString()),
        header('etag', `"${Math.floor(rnd() * 1e12).toString(16)}"`),
        header('server', 'nginx/1.25.4'),
        header('strict-transport-security', 'max-age=63072000; includeSubDomains; preload'),
        header('x-cache', rnd() < 0.5 ? 'HIT' : 'MISS'),
        header('x-request-id', `${Math.floor(rnd() * 1e16).toString(16)}-${i}`),
        ...(redirect ? [header('location', location)] : []),
      ],
      cookies: [],
      content: { size: 1000 + (i % 50000), mimeType: 'application/javascript', compression: 0 },
      redirectURL: location,
      headersSize: -1,
      bodySize: status === 200 ? 400 + (i % 20000) : 0,
      _transferSize: 700 + (i % 20000),
      _error: null,
    },
    serverIPAddress: `93.184.${i % 256}.${(i * 31) % 256}`,
    startedDateTime: started,
    time: 12.5 + (i % 500) * 0.731,
    timings: { blocked: 1.2, dns: -1, ssl: -1, connect: -1, send: 0.1, wait: 10.3 + (i % 90), receive: 0.9, _blocked_queueing: 0.8 },
  };
}

const indent = (text: string, by: string) => text.replace(/\n/g, `\n${by}`);

/** Writes a Chrome-like, pretty-printed HAR of about `sizeMB` MB to `path`; returns the number of entries. */
export async function writeSyntheticHar(path: string, sizeMB: number): Promise<number> {
  const out = createWriteStream(path, { highWaterMark: 1024 * 1024 });
  const target = sizeMB * MB;
  const rnd = mulberry32(42);
  const write = async (s: string) => {
    if (!out.write(s)) await once(out, 'drain');
  };
  let written = 0;
  const head = JSON.stringify(
    { version: '1.2', creator: { name: 'WebInspector', version: '537.36' }, pages: [{ startedDateTime: '2024-05-01T12:00:00.000Z', id: 'page_0', title: 'https://www.example.com/', pageTimings: { onContentLoad: 812, onLoad: 1400 } }] },
    null,
    2,
  );
  // `{"log": { ...head keys..., "entries": [` : the head object without its closing brace.
  const opening = `{\n  "log": ${indent(head.slice(0, head.lastIndexOf('}')).trimEnd(), '  ')},\n    "entries": [\n`;
  await write(opening);
  written += opening.length;
  let n = 0;
  let pending = '';
  while (written < target) {
    // Entries pretty-printed with 2 spaces, as Chrome does (without its base indentation, to stay near 2.5 KB).
    const text = (n > 0 ? ',\n' : '') + JSON.stringify(syntheticEntry(n, rnd), null, 2);
    n++;
    written += Buffer.byteLength(text);
    pending += text;
    if (pending.length > 256 * 1024) {
      await write(pending);
      pending = '';
    }
  }
  await write(pending + '\n    ]\n  }\n}\n');
  out.end();
  await once(out, 'finish');
  return n;
}

/** Generates a HAR of about `sizeMB` MB in a temp file, parses it with `parseHar`, and measures. */
export async function benchHar(sizeMB: number): Promise<HarBenchResult> {
  const dir = await mkdtemp(join(tmpdir(), 'har-bench-'));
  const path = join(dir, `synthetic-${sizeMB}mb.har`);
  try {
    await writeSyntheticHar(path, sizeMB);
    const size = (await stat(path)).size;
    const stats: InputStats = {
      name: path,
      format: 'har',
      linesRead: 0,
      records: 0,
      skipped: 0,
      bytes: 0,
      skippedExamples: [],
    };
    (globalThis as { gc?: () => void }).gc?.();
    let peak = process.memoryUsage().rss;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 50);
    const started = process.hrtime.bigint();
    let entries = 0;
    try {
      const chunks = createReadStream(path, { highWaterMark: 256 * 1024 }) as AsyncIterable<Buffer>;
      for await (const batch of parseHar(chunks, 0, stats)) entries += batch.length;
    } finally {
      clearInterval(sampler);
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    peak = Math.max(peak, process.memoryUsage().rss);
    if (stats.records + stats.skipped !== stats.linesRead || stats.bytes !== size) {
      throw new Error(`counts do not add up: ${JSON.stringify({ ...stats, skippedExamples: undefined })}, size ${size}`);
    }
    return { mbPerSec: size / MB / seconds, peakRssMB: peak / MB, entries };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const sizeMB = Number(process.argv[2] ?? 200);
  if (!Number.isFinite(sizeMB) || sizeMB <= 0) {
    process.stderr.write('usage: node dist/bench/har-bench.js [sizeMB]\n');
    process.exitCode = 2;
  } else {
    const r = await benchHar(sizeMB);
    process.stdout.write(
      `har: ${sizeMB} MB, ${r.entries} entries, ${r.mbPerSec.toFixed(1)} MB/s, peak RSS ${r.peakRssMB.toFixed(0)} MB (node ${process.version})\n`,
    );
  }
}
