/**
 * Generated trace exports of any size, made on the fly as chunks (never written whole): a Zipkin v2 JSON array on
 * one line, OTLP/JSON export requests one a line (the Collector's file exporter), a Jaeger `/api/traces` body on
 * one line, or a `gcloud logging read --format=json` array (pretty-printed, keys sorted). Seeded; the traffic is
 * clients (one per address) sending POST /rNNN and following the redirect, a tenth of them wrongly (GET after
 * 307/308), plus plain GETs (about 5% of actions are redirects). Used by bench/json-stream-bench.ts and the memory test (bench/json-memory.ts).
 */
import { mulberry32 } from './prng.js';

const CHUNK = 256 * 1024;
const T0 = 1_795_564_800_000; // 2026-11-25T00:00:00Z, ms

interface Span {
  traceId: string;
  id: string;
  address: string;
  ua: string;
  method: string;
  path: string;
  status: number;
  location: string | null;
  /** µs since the epoch */
  ts: number;
}

/** An endless sequence of server spans: each client action is a redirect and its follow-up, or a plain GET. */
function* spans(seed: number): Generator<Span> {
  const rnd = mulberry32(seed);
  let t = T0 * 1000;
  for (let n = 0; ; n++) {
    const client = Math.floor(rnd() * 500);
    const address = `10.${(client >> 8) & 255}.${client & 255}.${1 + (client % 7)}`;
    const wrong = client % 10 === 0;
    const ua = wrong ? 'needle/3.3.1' : ['curl/8.5.0', 'python-requests/2.31.0', 'okhttp/4.12.0', 'Go-http-client/1.1'][client % 4]!;
    const traceId = (n * 2654435761 + 0x1000000).toString(16).padStart(32, '0');
    t += Math.floor(rnd() * 200_000); // µs: ten actions a second on average
    const r = rnd();
    if (r < 0.05) {
      const code = [303, 307, 308][Math.floor(rnd() * 3)]!;
      const path = `/r${code}/${process.env.JSONGEN_IDS ? n % Number(process.env.JSONGEN_IDS) : n}`;
      yield { traceId, id: `${n.toString(16)}a`, address, ua, method: 'POST', path, status: code, location: `${path}/to`, ts: t };
      const keep = code !== 303 && !wrong;
      yield { traceId, id: `${n.toString(16)}b`, address, ua, method: keep ? 'POST' : 'GET', path: `${path}/to`, status: 200, location: null, ts: t + 3000 };
    } else {
      yield { traceId, id: `${n.toString(16)}c`, address, ua, method: 'GET', path: `/page/${n % 1000}`, status: 200, location: null, ts: t };
    }
  }
}

function zipkinSpan(s: Span): string {
  const tags: Record<string, string> = { 'http.method': s.method, 'http.path': s.path, 'http.status_code': String(s.status), 'http.user_agent': s.ua };
  return JSON.stringify({
    traceId: s.traceId,
    id: s.id.padStart(16, '0'),
    kind: 'SERVER',
    name: `${s.method.toLowerCase()} ${s.path}`,
    timestamp: s.ts,
    duration: 1200,
    localEndpoint: { serviceName: 'shop', ipv4: '10.0.0.5', port: 8080 },
    remoteEndpoint: { ipv4: s.address, port: 40000 },
    tags,
  });
}

function otlpSpan(s: Span): string {
  const attrs: [string, unknown][] = [
    ['http.request.method', { stringValue: s.method }],
    ['url.path', { stringValue: s.path }],
    ['url.scheme', { stringValue: 'http' }],
    ['client.address', { stringValue: s.address }],
    ['user_agent.original', { stringValue: s.ua }],
    ['http.response.status_code', { intValue: s.status }],
  ];
  if (s.location) attrs.push(['http.response.header.location', { arrayValue: { values: [{ stringValue: s.location }] } }]);
  return JSON.stringify({
    traceId: s.traceId,
    spanId: s.id.padStart(16, '0'),
    name: s.method,
    kind: 2,
    startTimeUnixNano: String(s.ts * 1000),
    endTimeUnixNano: String(s.ts * 1000 + 1_200_000),
    attributes: attrs.map(([key, value]) => ({ key, value })),
    status: { code: 0 },
  });
}

function jaegerSpan(s: Span): string {
  const tag = (key: string, value: string | number) => ({ key, type: typeof value === 'number' ? 'int64' : 'string', value });
  return JSON.stringify({
    traceID: s.traceId,
    spanID: s.id.padStart(16, '0'),
    operationName: `${s.method} ${s.path}`,
    references: [],
    startTime: s.ts,
    duration: 1200,
    tags: [
      tag('span.kind', 'server'),
      tag('http.method', s.method),
      tag('http.url', `http://shop.example.com${s.path}`),
      tag('http.status_code', s.status),
      tag('peer.ipv4', s.address),
      tag('http.user_agent', s.ua),
    ],
    logs: [],
    processID: 'p1',
    warnings: null,
  });
}

const JAEGER_PROCESSES = JSON.stringify({ p1: { serviceName: 'shop', tags: [{ key: 'hostname', type: 'string', value: 'shop-7d9f' }] } });

function gcloudEntry(s: Span): string {
  const time = new Date(s.ts / 1000).toISOString().replace('Z', `${String(s.ts % 1000).padStart(3, '0')}000Z`);
  // gcloud prints entries with their keys sorted, indented by two spaces, inside the array's own indent.
  const entry = {
    httpRequest: {
      latency: '0.001200s',
      protocol: 'HTTP/1.1',
      remoteIp: s.address,
      requestMethod: s.method,
      requestSize: '412',
      requestUrl: `https://shop-abc123-uc.a.run.app${s.path}`,
      responseSize: '211',
      serverIp: '216.239.32.53',
      status: s.status,
      userAgent: s.ua,
    },
    insertId: `${s.id.padStart(12, '0')}a1b2c3d4`,
    logName: 'projects/my-project/logs/run.googleapis.com%2Frequests',
    receiveTimestamp: time,
    resource: { labels: { configuration_name: 'shop', location: 'us-central1', project_id: 'my-project', revision_name: 'shop-00042-xyz', service_name: 'shop' }, type: 'cloud_run_revision' },
    severity: 'INFO',
    timestamp: time,
    trace: `projects/my-project/traces/${s.traceId}`,
  };
  return JSON.stringify(entry, null, 2).replace(/^/gm, '  ');
}

/** A Jaeger `/api/traces` body (`{"data":[{traceID, spans, processes}, …]}`, one line) of about `bytes` bytes. */
export function* jaegerDocument(bytes: number, seed = 42): Generator<Buffer> {
  let buf = '{"data":[';
  let total = 0;
  let trace: string[] = [];
  let traceId = '';
  let first = true;
  const flush = () => {
    buf += `${first ? '' : ','}{"traceID":"${traceId}","spans":[${trace.join(',')}],"processes":${JAEGER_PROCESSES},"warnings":null}`;
    first = false;
    trace = [];
  };
  for (const s of spans(seed)) {
    if (s.traceId !== traceId && trace.length > 0) {
      flush();
      if (buf.length >= CHUNK) {
        total += buf.length;
        yield Buffer.from(buf);
        buf = '';
        if (total >= bytes) break;
      }
    }
    traceId = s.traceId;
    trace.push(jaegerSpan(s));
  }
  yield Buffer.from(`${buf}],"total":0,"limit":0,"offset":0,"errors":null}\n`);
}

/** A `gcloud logging read --format=json` array of about `bytes` bytes: pretty-printed, an entry per request. */
export function gcloudArray(bytes: number, seed = 42): Generator<Buffer> {
  return jsonArray(bytes, seed, { open: '[\n', between: ',\n', close: '\n]\n' }, gcloudEntry);
}

/** A Zipkin v2 array of about `bytes` bytes (one line), in chunks of 256 KB. */
export function zipkinArray(bytes: number, seed = 42): Generator<Buffer> {
  return jsonArray(bytes, seed, { open: '[', between: ',', close: ']\n' }, zipkinSpan);
}

/** A JSON array of one element per span, written in chunks of about CHUNK until about `bytes` are out. */
function* jsonArray(
  bytes: number,
  seed: number,
  punct: { open: string; between: string; close: string },
  element: (s: Span) => string,
): Generator<Buffer> {
  let buf = punct.open;
  let total = 0;
  let first = true;
  for (const s of spans(seed)) {
    buf += (first ? '' : punct.between) + element(s);
    first = false;
    if (buf.length >= CHUNK) {
      total += buf.length;
      yield Buffer.from(buf);
      buf = '';
      if (total >= bytes) break;
    }
  }
  yield Buffer.from(`${buf}${punct.close}`);
}

export function* otlpLines(bytes: number, spansPerLine = 200, seed = 42): Generator<Buffer> {
  const head = '{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"shop"}}]},"scopeSpans":[{"scope":{"name":"@opentelemetry/instrumentation-http"},"spans":[';
  const tail = ']}]}]}\n';
  let line: string[] = [];
  let buf = '';
  let total = 0;
  for (const s of spans(seed)) {
    line.push(otlpSpan(s));
    if (line.length < spansPerLine) continue;
    buf += head + line.join(',') + tail;
    line = [];
    if (buf.length >= CHUNK) {
      total += buf.length;
      yield Buffer.from(buf);
      buf = '';
      if (total >= bytes) break;
    }
  }
  if (buf) yield Buffer.from(buf);
}

/** The generated document shapes by name (bench/json-memory.ts, bench/json-stream-bench.ts). */
export const JSON_SHAPES = { zipkin: zipkinArray, jaeger: jaegerDocument, gcloud: gcloudArray } as const;
export type JsonShape = keyof typeof JSON_SHAPES;
