/**
 * Traces and exports (issue #16): OpenTelemetry OTLP/JSON (the real capture in samples/capture-otel.jsonl),
 * Zipkin v2, Jaeger, Google Cloud Logging, Cloudflare Logpush, ECS (lines and an Elasticsearch _search body),
 * the ingress-nginx preset; detection from the first bytes, the verdicts each gives, the big-document reader
 * (parsers/json-stream.ts) against chunking, truncation and malformed input, and its memory on a generated array.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { AuditError } from '../core/errors.js';
import type { HttpRecord, InputStats } from '../core/model.js';
import { detectDocumentFormat, detectLineFormat, lineFormats, parseDocument } from '../parsers/index.js';
import { otlpFormat } from '../parsers/otlp.js';
import { zipkinFormat } from '../parsers/zipkin.js';
import { analyzeFiles } from '../src/run.js';
import { openSource } from '../src/source.js';
import type { AuditReport } from '../src/report.js';
import { jsonMemory } from '../bench/json-memory.js';
import { run } from './exec.js';
import { FIXTURES, iso, lines, rec } from './helpers.js';
import { followUpOf, PairingEngine, type Pair } from '../src/pairing.js';

const SAMPLES = new URL('../samples/', import.meta.url).pathname;
const OTEL = `${SAMPLES}capture-otel.jsonl`;

async function readAll(path: string, opts: Parameters<typeof openSource>[2] = {}) {
  const src = await openSource(path, 0, opts);
  const records: HttpRecord[] = [];
  for await (const b of src.batches) records.push(...b);
  return { records, stats: src.stats };
}

function verdicts(report: AuditReport): Record<string, string[]> {
  return Object.fromEntries(report.clients.map((c) => [`${c.address} ${c.userAgent ?? '-'}`, c.verdicts]));
}

const OUT = new URL('./output/traces/', import.meta.url).pathname;
afterAll(() => rmSync(OUT, { recursive: true, force: true }));

/**
 * The real capture without the captured Location (as a server that sets it through writeHead gives it), written to
 * test/output: only the spans of one client (its address or service) when `only` is given; trace ids kept, removed
 * (`none`), or a new one on every span (`unique`: clients that carry no trace context).
 */
function otelVariant(name: string, opts: { only?: string; traces?: 'keep' | 'none' | 'unique' } = {}): string {
  mkdirSync(OUT, { recursive: true });
  let n = 0;
  const lines = readFileSync(OTEL, 'utf8').split('\n').filter((l) => l !== '');
  const out = lines.map((l) => {
    const o = JSON.parse(l) as { resourceSpans: { resource: { attributes: Attr[] }; scopeSpans: { spans: Span[] }[] }[] };
    for (const rs of o.resourceSpans) {
      const service = rs.resource.attributes.find((a) => a.key === 'service.name')?.value.stringValue;
      for (const ss of rs.scopeSpans) {
        ss.spans = ss.spans.filter((sp) => {
          sp.attributes = sp.attributes.filter((a) => a.key !== 'http.response.header.location');
          if (opts.traces === 'none') sp.traceId = '';
          if (opts.traces === 'unique') sp.traceId = (++n).toString(16).padStart(32, '0');
          if (opts.only === undefined) return true;
          const address = sp.attributes.find((a) => a.key === 'client.address')?.value.stringValue;
          return address === opts.only || (sp.kind === 3 && service === opts.only);
        });
      }
    }
    return JSON.stringify(o);
  });
  const path = `${OUT}${name}`;
  writeFileSync(path, `${out.join('\n')}\n`);
  return path;
}
interface Attr {
  key: string;
  value: { stringValue?: string };
}
interface Span {
  traceId: string;
  kind: number;
  attributes: Attr[];
}

function newStats(): InputStats {
  return { name: 'test', format: '', linesRead: 0, records: 0, skipped: 0, bytes: 0, skippedExamples: [] };
}

async function* chunked(buf: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let i = 0; i < buf.length; i += size) yield buf.subarray(i, i + size);
}

async function docRecords(buf: Buffer, format = otlpFormat, size = 65536, reader: 'auto' | 'split' | 'tokens' = 'auto') {
  const stats = newStats();
  const records: HttpRecord[] = [];
  for await (const b of parseDocument(chunked(buf, size), 0, stats, format, { reader })) records.push(...b);
  return { records, stats };
}

describe('OpenTelemetry: the real capture (samples/capture-otel/README.md)', () => {
  it('reads every span: HTTP server and client spans are records with trace id and service, INTERNAL ones counted skips', async () => {
    const { records, stats } = await readAll(OTEL);
    expect(stats.format).toBe('otlp');
    expect([stats.linesRead, stats.records, stats.skipped]).toEqual([140, 112, 28]);
    expect(stats.skippedExamples[0]!.reason).toBe('not an HTTP server or client span (kind INTERNAL)');
    expect(records.every((r) => /^[0-9a-f]{32}$/.test(r.traceId ?? ''))).toBe(true);
    const server = records.filter((r) => r.service === 'redirect-lab');
    expect(server).toHaveLength(56);
    // Stable conventions on the server: client.address, url.path + url.query, the captured Location.
    const r303 = server.find((r) => r.address === '127.0.0.22' && r.status === 303 && r.method === 'POST')!;
    expect(r303).toMatchObject({ target: '/r303?order=1', location: '/r303/to?order=1', locationLogged: true, bodySize: 13, scheme: 'http' });
    expect(r303.userAgent).toMatch(/^naive-follower\/1\.0/);
    expect(r303.duration).toBeGreaterThan(0);
    // Older conventions on the http.request clients (http.url, http.status_code), the client is the service.
    const client = records.find((r) => r.service === 'client-keeper' && r.status === 303 && r.method === 'PUT')!;
    expect(client).toMatchObject({ address: 'client-keeper', target: '/r303?order=2', host: expect.stringMatching(/^127\.0\.0\.1:\d+$/) });
    // The server's record of that request is in the same trace.
    expect(server.some((r) => r.traceId === client.traceId && r.method === 'PUT' && r.status === 303)).toBe(true);
    // Records come out in time order.
    for (let i = 1; i < records.length; i++) expect(records[i]!.time).toBeGreaterThanOrEqual(records[i - 1]!.time);
  });

  it('gives every client the verdict of what it did, seen from the server and from the client itself', async () => {
    const report = await analyzeFiles([OTEL], { threads: 1 });
    const v = verdicts(report);
    const nodeVersion = /\(node (v[\d.]+); http\.request\)/.exec(readFileSync(OTEL, 'utf8'))![1]!;
    const label = (kind: string) => `${kind}-follower/1.0 (node ${nodeVersion}; http.request)`;
    expect(v).toEqual({
      '127.0.0.1 node': ['correct'],
      'client-fetch node': ['correct'],
      [`127.0.0.21 ${label('correct')}`]: ['correct'],
      [`client-correct ${label('correct')}`]: ['correct'],
      [`127.0.0.22 ${label('naive')}`]: ['mishandles-307', 'mishandles-308'],
      [`client-naive ${label('naive')}`]: ['mishandles-307', 'mishandles-308'],
      [`127.0.0.23 ${label('keeper')}`]: ['mishandles-303'],
      [`client-keeper ${label('keeper')}`]: ['mishandles-303'],
    });
    // Location is captured on both sides: every pair is exact.
    for (const c of report.clients) expect(c.pairing.exact, `${c.address}`).toBe(7);
    const naive = report.clients.find((c) => c.address === '127.0.0.22')!;
    expect(naive.findings).toMatchObject({ 'method-changed-after-307': 1, 'method-changed-after-308': 1 });
  });

  it('pairs by trace id where the Location is not captured: each client alone, every pair decided as the client did', async () => {
    // A server that sets Location through writeHead leaves it out of its spans (issue #16). Each client's traffic
    // alone (no population to learn the routes from): the two 303s to /r303/to?order=… cannot be told apart by
    // their URLs, and without trace ids stay undetermined; with them, the next request of each redirect's trace is
    // its follow-up.
    const expected: Record<string, Record<string, number>> = {
      '127.0.0.1': { followed: 6, 'method-rewritten-after-302': 1 },
      '127.0.0.21': { followed: 6, 'method-rewritten-after-302': 1 },
      '127.0.0.22': { followed: 4, 'method-changed-after-307': 1, 'method-changed-after-308': 1, 'method-rewritten-after-302': 1 },
      '127.0.0.23': { followed: 5, 'method-kept-after-303': 2 },
      'client-fetch': { followed: 6, 'method-rewritten-after-302': 1 },
      'client-correct': { followed: 6, 'method-rewritten-after-302': 1 },
      'client-keeper': { followed: 5, 'method-kept-after-303': 2 },
      'client-naive': { followed: 4, 'method-changed-after-307': 1, 'method-changed-after-308': 1, 'method-rewritten-after-302': 1 },
    };
    for (const [who, findings] of Object.entries(expected)) {
      const traced = (await analyzeFiles([otelVariant(`${who}.jsonl`, { only: who })], { threads: 1 })).clients;
      expect(traced.map((c) => c.address), who).toEqual([who]);
      expect(traced[0]!.findings, who).toEqual(findings);
      expect(traced[0]!.pairing, who).toEqual({ exact: 0, inferred: 7 });
      const untraced = (await analyzeFiles([otelVariant(`${who}-untraced.jsonl`, { only: who, traces: 'none' })], { threads: 1 })).clients[0]!;
      expect(untraced.findings['undetermined'] ?? 0, who).toBeGreaterThan(0);
      // What is decided without trace ids is decided alike.
      for (const [f, n] of Object.entries(untraced.findings)) if (f !== 'undetermined') expect(n, `${who} ${f}`).toBeLessThanOrEqual(findings[f] ?? 0);
    }
  });

  it('a trace id of its own on every span (clients that carry no context) says nothing: the same verdicts as without', async () => {
    const unique = await analyzeFiles([otelVariant('unique.jsonl', { traces: 'unique' })], { threads: 1 });
    const none = await analyzeFiles([otelVariant('none.jsonl', { traces: 'none' })], { threads: 1 });
    expect(verdicts(unique)).toEqual(verdicts(none));
    expect(unique.totals.findings).toEqual(none.totals.findings);
  });

  it('gives the same records whole-line (JSON.parse), through the byte splitter and through the tokenizer, in any chunking', async () => {
    const buf = readFileSync(OTEL);
    const strip = (rs: HttpRecord[]) => rs.map((r) => ({ ...r }));
    const base = strip((await docRecords(buf)).records);
    expect(base).toHaveLength(112);
    // A byte-order mark in front changes nothing.
    expect(strip((await docRecords(Buffer.concat([Buffer.from('\uFEFF'), buf]))).records)).toEqual(base);
    for (const [size, reader] of [
      [7, 'tokens'],
      [1000, 'tokens'],
      [1 << 20, 'tokens'],
      [3, 'auto'],
      [4096, 'auto'],
      [1, 'split'],
      [7, 'split'],
      [1000, 'split'],
      [1 << 20, 'split'],
    ] as const) {
      expect(strip((await docRecords(buf, otlpFormat, size, reader)).records), `chunks of ${size}, ${reader}`).toEqual(base);
    }
  });

  it('reads a request whose resource comes after its spans, snake_case names, kinds as names, old attributes', async () => {
    const span = (kind: unknown, attrs: [string, unknown][]) => ({
      trace_id: 'abc',
      kind,
      start_time_unix_nano: '1714557600000000000',
      end_time_unix_nano: '1714557600002000000',
      attributes: attrs.map(([key, value]) => ({ key, value })),
    });
    const doc = {
      resource_spans: [
        {
          scope_spans: [
            {
              spans: [
                span('SPAN_KIND_SERVER', [
                  ['http.method', { stringValue: 'POST' }],
                  ['http.target', { stringValue: '/r307?x=1' }],
                  ['http.status_code', { intValue: '307' }],
                  ['net.peer.ip', { stringValue: '10.0.0.7' }],
                  ['http.user_agent', { stringValue: 'curl/8.5.0' }],
                  ['http.request_content_length', { intValue: '9' }],
                ]),
                span('SPAN_KIND_PRODUCER', []),
                span(2, [['db.system', { stringValue: 'postgresql' }]]),
              ],
            },
          ],
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'api' } }] },
        },
      ],
    };
    const { records, stats } = await docRecords(Buffer.from(JSON.stringify(doc)));
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ address: '10.0.0.7', method: 'POST', target: '/r307?x=1', status: 307, userAgent: 'curl/8.5.0', bodySize: 9, service: 'api', traceId: 'abc', duration: 2 });
    expect(iso(records[0]!.time)).toBe('2024-05-01T10:00:00.000Z');
    expect(stats.skippedExamples.map((s) => s.reason)).toEqual([
      'not an HTTP server or client span (kind PRODUCER)',
      'not an HTTP span (no http.request.method or http.method)',
    ]);
  });

  it('a document cut short keeps what was read and ends with TRUNCATED_HAR; malformed JSON with NOT_A_HAR', async () => {
    const buf = readFileSync(OTEL);
    const cut = buf.subarray(0, Math.floor(buf.length * 0.6));
    // One long line that does not end: read by the tokenizer.
    const stats = newStats();
    const got: HttpRecord[] = [];
    const run = async () => {
      for await (const b of parseDocument(chunked(Buffer.from(cut.toString().replace(/\n/g, ' ')), 65536), 0, stats, otlpFormat)) got.push(...b);
    };
    await expect(run()).rejects.toMatchObject({ code: 'TRUNCATED_HAR' });
    expect(got.length).toBeGreaterThan(30);
    expect(stats.records).toBe(got.length);
    const bad = Buffer.from('{"resourceSpans":[{"resource":{}, "scopeSpans": [}]}\n'.repeat(1).padEnd(5_000_000, ' '));
    await expect(docRecords(bad, otlpFormat, 65536, 'tokens')).rejects.toBeInstanceOf(AuditError);
    await expect(docRecords(bad, otlpFormat, 65536, 'split')).rejects.toMatchObject({ code: 'NOT_A_HAR' });
    await expect(docRecords(bad)).rejects.toMatchObject({ code: 'NOT_A_HAR' });
  });
});

describe('trace ids in pairing (docs/semantics.md, 3.3)', () => {
  const T0 = Date.UTC(2026, 10, 25, 12, 0, 0);
  const pairsOf = (records: HttpRecord[]) => {
    const pairs: Pair[] = [];
    const e = new PairingEngine((p) => pairs.push(p));
    for (const r of records) e.push(r);
    e.flush();
    return pairs;
  };
  const span = (f: Partial<HttpRecord> & { line: number }) => rec({ timeIs: 'start', duration: 2, ...f });

  it('of two requests to the Location, the one in the redirect\'s trace follows it (two people behind one address)', () => {
    // One person pays (trace a) and follows with GET; another, in trace b, posts to /done directly.
    const records = [
      span({ line: 1, time: T0, method: 'POST', target: '/pay', status: 303, location: '/done', locationLogged: true, traceId: 'a' }),
      span({ line: 2, time: T0 + 10, method: 'POST', target: '/done', status: 405, locationLogged: true, traceId: 'b' }),
      span({ line: 3, time: T0 + 20, method: 'GET', target: '/done', status: 200, locationLogged: true, traceId: 'a' }),
    ];
    expect(followUpOf(pairsOf(records)[0]!)?.line).toBe(3);
    // Without trace ids the first request to the Location is taken: a POST after a 303, a violation.
    expect(followUpOf(pairsOf(records.map((r) => ({ ...r, traceId: null })))[0]!)?.line).toBe(2);
  });

  it('the next request of the trace does not follow a redirect whose route is known to lead elsewhere', () => {
    // Three clients teach that POST /pay leads to /done; this one gives up and asks for /help within its trace.
    const taught = [1, 2, 3].flatMap((k) => [
      span({ line: 10 * k, time: T0 + k * 1000, address: `10.0.0.${k + 1}`, method: 'POST', target: '/pay', status: 303, traceId: `t${k}` }),
      span({ line: 10 * k + 1, time: T0 + k * 1000 + 20, address: `10.0.0.${k + 1}`, target: '/done', status: 200, traceId: `t${k}` }),
    ]);
    const mine = [
      span({ line: 100, time: T0 + 10_000, method: 'POST', target: '/pay', status: 303, traceId: 'x' }),
      span({ line: 101, time: T0 + 10_020, method: 'GET', target: '/help', status: 200, traceId: 'x' }),
    ];
    const pairs = pairsOf([...taught, ...mine].sort((a, b) => a.time - b.time));
    const p = pairs.find((q) => q.redirect.line === 100)!;
    expect(followUpOf(p)).toBeNull();
    // Where the route's target is not known, the trace decides: /help followed /pay.
    const alone = pairsOf(mine).find((q) => q.redirect.line === 100)!;
    expect(followUpOf(alone)?.line).toBe(101);
  });
});

describe('Zipkin, Jaeger, Cloud Logging, Cloudflare, ECS, ingress-nginx (fixtures from the documented fields)', () => {
  const cases: [string, string, Record<string, string[]>][] = [
    [
      'zipkin.json',
      'zipkin',
      {
        '2001:db8::9 needle/3.3.1': ['mishandles-307'],
        '203.0.113.7 -': ['correct'],
        // The worker's own spans name the host (http.url), the server's do not: the route's target learnt from the
        // server's spans is not the worker's, and there is no Location; the trace id decides (the next request of
        // the redirect's trace is its follow-up).
        'checkout-worker -': ['correct'],
      },
    ],
    ['jaeger.json', 'jaeger', { '198.51.100.4 python-requests/2.31.0': ['mishandles-308'] }],
    ['gcp-logging.json', 'gcp-logging-array', { '198.51.100.20 needle/3.3.1': ['mishandles-307'], '203.0.113.7 curl/8.5.0': ['correct'] }],
    ['gcp-logging.jsonl', 'gcp-logging', { '198.51.100.20 needle/3.3.1': ['mishandles-307'], '203.0.113.7 curl/8.5.0': ['correct'] }],
    ['cloudflare.log', 'cloudflare', { '2001:db8::9 needle/3.3.1': ['mishandles-307'], '203.0.113.7 curl/8.5.0': ['correct'] }],
    ['ecs.ndjson', 'ecs', { '198.51.100.20 needle/3.3.1': ['mishandles-307'], '203.0.113.7 curl/8.5.0': ['correct'] }],
    ['es-search.json', 'elasticsearch', { '198.51.100.20 needle/3.3.1': ['mishandles-307'], '203.0.113.7 curl/8.5.0': ['correct'] }],
    ['ingress-nginx.log', 'ingress-nginx', { '192.168.49.7 needle/3.3.1': ['mishandles-307'], '192.168.49.1 curl/8.5.0': ['correct'] }],
  ];

  it.each(cases)('%s is detected as %s and gives the verdicts of its traffic', async (file, format, expected) => {
    const { stats } = await readAll(`${FIXTURES}${file}`);
    expect(stats.format).toBe(format);
    expect(stats.records + stats.skipped).toBe(stats.linesRead);
    const report = await analyzeFiles([`${FIXTURES}${file}`], { threads: 1 });
    const v = verdicts(report);
    for (const [client, verdict] of Object.entries(expected)) expect(v[client], `${file}: ${client}`).toEqual(verdict);
    // The helpers that make the route's target known (three clients that follow correctly) are correct too.
    for (const [client, verdict] of Object.entries(v)) if (!(client in expected)) expect(verdict, `${file}: ${client}`).toEqual(['correct']);
    expect(Object.keys(v).length).toBeGreaterThanOrEqual(Object.keys(expected).length);
  });

  it('Zipkin: remoteEndpoint is the client, an untagged status is 2xx (Brave), CLIENT spans belong to their service', async () => {
    const { records, stats } = await readAll(`${FIXTURES}zipkin.json`);
    expect(stats.skippedExamples[0]!.reason).toBe('not an HTTP server or client span (kind PRODUCER)');
    expect(records.find((r) => r.target === '/checkout/done' && r.service === 'shop')).toMatchObject({ address: '203.0.113.7', status: 200, duration: 0.9 });
    expect(records.find((r) => r.address === 'checkout-worker' && r.method === 'POST')).toMatchObject({ host: 'shop.example.com', scheme: 'http', target: '/checkout', status: 303, traceId: '5af7183fb1d4cf5f' });
    expect(records.find((r) => r.address === '2001:db8::9' && r.method === 'GET')!.status).toBe(404);
    // GET /api/v2/traces: an array of traces, each an array of spans.
    const nested = Buffer.from(`[${readFileSync(`${FIXTURES}zipkin.json`, 'utf8').trim()}]`);
    expect((await docRecords(nested, zipkinFormat)).records).toHaveLength(records.length);
  });

  it('Jaeger: spans of a trace in start order, the process gives the service, http.url the target', async () => {
    const { records, stats } = await readAll(`${FIXTURES}jaeger.json`);
    expect(records.map((r) => [r.method, r.host, r.target, r.status, r.service])).toEqual([
      ['PUT', 'docs.example.com', '/doc/7', 308, 'docs'],
      ['GET', 'docs.example.com', '/doc/7/', 200, 'docs'],
    ]);
    expect(stats.skippedExamples[0]!.reason).toBe('not an HTTP server or client span (span.kind none)');
    expect(iso(records[0]!.time)).toBe('2024-05-01T10:00:02.000Z');
  });

  it('Cloud Logging: latency, trace, service; the pretty-printed array and one entry a line give the same records', async () => {
    const a = await readAll(`${FIXTURES}gcp-logging.json`);
    const b = await readAll(`${FIXTURES}gcp-logging.jsonl`);
    expect(a.records).toEqual(b.records);
    expect(a.records[0]).toMatchObject({
      method: 'POST',
      host: 'shop-abc123-uc.a.run.app',
      scheme: 'https',
      target: '/checkout?cart=9',
      status: 303,
      address: '203.0.113.7',
      traceId: '5af7183fb1d4cf5f5af7183fb1d4cf5f',
      service: 'shop',
      locationLogged: false,
    });
    expect(a.records[0]!.duration).toBeCloseTo(4.512);
    expect(iso(a.records[0]!.time)).toBe('2024-05-01T10:00:00.123Z');
  });

  it('Cloudflare: EdgeStartTimestamp as RFC 3339, unix seconds and unix nanoseconds; Location from ResponseHeaders', async () => {
    const { records, stats } = await readAll(`${FIXTURES}cloudflare.log`);
    expect(records.map((r) => iso(r.time))).toEqual(['2024-05-01T10:00:00.000Z', '2024-05-01T10:00:01.000Z', '2024-05-01T10:00:02.123Z', '2024-05-01T10:00:02.200Z']);
    expect(records[0]).toMatchObject({ location: '/checkout/done?cart=9', locationLogged: true, host: 'shop.example.com', scheme: 'https' });
    expect(records[2]).toMatchObject({ location: 'https://api.example.com/v2/upload', duration: 2 });
    expect(records[3]).toMatchObject({ locationLogged: false });
    expect(stats.skippedExamples[0]!.reason).toBe('EdgeResponseStatus 0: no response was sent');
  });

  it('ECS: nested, dotted and hit-wrapped documents; event.duration in ns; a _search body gives the same records', async () => {
    const a = await readAll(`${FIXTURES}ecs.ndjson`);
    const b = await readAll(`${FIXTURES}es-search.json`);
    expect(b.records.map((r) => ({ ...r, line: 0 }))).toEqual(a.records.map((r) => ({ ...r, line: 0 })));
    expect(a.records[0]).toMatchObject({ address: '203.0.113.7', method: 'POST', target: '/checkout?cart=9', status: 303, referer: 'https://shop.example.com/cart', bodySize: null });
    expect(a.records[2]).toMatchObject({ address: '198.51.100.20', method: 'POST', status: 307, bodySize: 27, duration: 3 });
    expect(a.records[3]).toMatchObject({ target: '/api/v2/items', userAgent: 'needle/3.3.1' });
  });

  it('ingress-nginx: the upstream fields after combined, several upstreams in one field included', () => {
    const ls = lines(`${FIXTURES}ingress-nginx.log`);
    const found = detectLineFormat(ls, lineFormats());
    expect(found?.format.name).toBe('ingress-nginx');
    expect(found?.parsed).toBe(ls.length);
    const r = found!.format.parse(ls[3]!, 0, 4);
    expect(r).toMatchObject({ address: '192.168.49.7', method: 'GET', target: '/api/v2/items', status: 502, duration: 10 });
  });

  it('detection from the first bytes: each document format on its own start, and none on the others', () => {
    const head = (f: string) => readFileSync(f, 'utf8').slice(0, 4096);
    expect(detectDocumentFormat(head(OTEL))?.name).toBe('otlp');
    expect(detectDocumentFormat(head(`${FIXTURES}zipkin.json`))?.name).toBe('zipkin');
    expect(detectDocumentFormat(head(`${FIXTURES}jaeger.json`))?.name).toBe('jaeger');
    expect(detectDocumentFormat(head(`${FIXTURES}gcp-logging.json`))?.name).toBe('gcp-logging-array');
    expect(detectDocumentFormat(head(`${FIXTURES}es-search.json`))?.name).toBe('elasticsearch');
    for (const f of ['gcp-logging.jsonl', 'cloudflare.log', 'ecs.ndjson', 'ingress-nginx.log', 'traefik.log', 'pino-http.log']) {
      expect(detectDocumentFormat(head(`${FIXTURES}${f}`)), f).toBeUndefined();
    }
    expect(detectDocumentFormat('\uFEFF  {"log": {"version": "1.2"')).toBeUndefined(); // a HAR stays a HAR
    expect(detectDocumentFormat('[]')).toBeUndefined();
  });

  it('the new line formats read none of the other fixtures\' lines', () => {
    const own: Record<string, string> = { 'gcp-logging': 'gcp-logging.jsonl', cloudflare: 'cloudflare.log', ecs: 'ecs.ndjson', 'ingress-nginx': 'ingress-nginx.log' };
    const files = ['gcp-logging.jsonl', 'cloudflare.log', 'ecs.ndjson', 'ingress-nginx.log', 'traefik.log', 'envoy.log', 'pino-http.log', 'alb.log'];
    const crossings: string[] = [];
    for (const f of lineFormats().filter((x) => x.name in own)) {
      for (const file of files) {
        if (own[f.name] === file) continue;
        lines(`${FIXTURES}${file}`).forEach((l, i) => {
          if (typeof f.parse(l, 0, i + 1) !== 'string') crossings.push(`${f.name} read ${file}:${i + 1}`);
        });
      }
    }
    expect(crossings).toEqual([]);
  });
});

describe('the command line', () => {
  it('`formats` lists the document formats; --input-format names one; --follow refuses one', async () => {
    const r = await run(['formats']);
    for (const name of ['otlp', 'zipkin', 'jaeger', 'gcp-logging-array', 'elasticsearch', 'gcp-logging', 'cloudflare', 'ecs', 'ingress-nginx']) {
      expect(r.stdout).toMatch(new RegExp(`^${name}\\s`, 'm'));
    }
    const forced = await readAll(`${FIXTURES}zipkin.json`, { inputFormat: 'zipkin' });
    expect(forced.stats.format).toBe('zipkin');
    const follow = new AbortController();
    await expect(openSource(OTEL, 0, { follow: follow.signal, inputFormat: 'otlp' })).rejects.toMatchObject({ code: 'USAGE' });
    follow.abort();
  });
});

describe('memory on a big JSON document', () => {
  // Peak RSS with the byte splitter: 124-135 MB on 30 MB of each (with stream-json's tokenizer, before it: 158-190
  // MB); 200 MB and 1 GB: bench/profile.md.
  it.each([
    ['zipkin', 'zipkin', 70_000],
    ['jaeger', 'jaeger', 40_000],
    ['gcloud', 'gcp-logging-array', 30_000],
  ] as const)('a 30 MB %s document piped through `analyze -` stays below 160 MB RSS', async (shape, format, records) => {
    const r = await jsonMemory(30, ['--threads', '1'], shape);
    expect(r.exitCode).toBe(0);
    expect(r.format).toBe(format);
    expect(r.records).toBeGreaterThan(records);
    expect(r.peakRssMB).toBeLessThan(160);
  }, 30_000);
});
