/**
 * Jaeger JSON: what the Jaeger UI downloads ("Download Results", "Trace JSON") and the query service's
 * `GET /api/traces` answers: `{"data":[{"traceID":…,"spans":[…],"processes":{"p1":{"serviceName":…,"tags":[]}}}]}`.
 * Each element of `data` (one trace) is read whole (parsers/json-stream.ts), its spans in start order.
 *
 *   {"traceID":"a1b2…","spanID":"c3d4…","operationName":"POST /r307","references":[],"startTime":1714557600000000,
 *    "duration":2100,"tags":[{"key":"span.kind","type":"string","value":"server"},
 *    {"key":"http.method","type":"string","value":"POST"},{"key":"http.status_code","type":"int64","value":307}],
 *    "logs":[],"processID":"p1","warnings":null}
 *
 * `startTime` and `duration` are microseconds; the kind is the `span.kind` tag (`server`, `client`). Tags use the
 * OpenTracing names (`http.method`, `http.url`, `http.status_code`, `peer.ipv4`) or, for spans that came from
 * OpenTelemetry, its attribute names (parsers/trace-http.ts).
 */
import type { DocumentFormat, DocumentHandler, PathKey, RecordSink } from './json-stream.js';
import { SKIP, WALK } from './json-stream.js';
import { recordFromSpan } from './trace-http.js';

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

const TRACE = 1;

function tagMap(list: unknown): Json {
  const out: Json = {};
  if (Array.isArray(list)) for (const t of list) if (isObj(t) && typeof t.key === 'string') out[t.key] = t.value;
  return out;
}

export function recordsFromJaegerTrace(trace: unknown, input: number, sink: RecordSink): void {
  if (!isObj(trace) || !Array.isArray(trace.spans)) {
    sink.skip('not a Jaeger trace (no "spans")', JSON.stringify(trace).slice(0, 200));
    return;
  }
  const processes = isObj(trace.processes) ? trace.processes : {};
  const spans = trace.spans.slice().sort((a, b) => startOf(a) - startOf(b));
  for (const span of spans) {
    const line = sink.next();
    const r = recordFromJaegerSpan(span, processes, input, line);
    if (typeof r === 'string') sink.skip(r, JSON.stringify(span).slice(0, 200));
    else sink.record(r);
  }
}

function startOf(s: unknown): number {
  return isObj(s) && typeof s.startTime === 'number' ? s.startTime : 0;
}

export function recordFromJaegerSpan(span: unknown, processes: Json, input: number, line: number) {
  if (!isObj(span)) return 'span is not an object';
  const tags = tagMap(span.tags);
  const kind = typeof tags['span.kind'] === 'string' ? (tags['span.kind'] as string).toLowerCase() : 'none';
  if (kind !== 'server' && kind !== 'client') return `not an HTTP server or client span (span.kind ${kind})`;
  const proc = typeof span.processID === 'string' && isObj(processes[span.processID]) ? (processes[span.processID] as Json) : isObj(span.process) ? span.process : {};
  return recordFromSpan({
    input,
    line,
    kind,
    get: (k) => tags[k],
    service: typeof proc.serviceName === 'string' ? proc.serviceName : null,
    traceId: typeof span.traceID === 'string' ? span.traceID : null,
    start: typeof span.startTime === 'number' ? span.startTime / 1000 : Number.NaN,
    duration: typeof span.duration === 'number' ? span.duration / 1000 : null,
  });
}

function handler(input: number, sink: RecordSink): DocumentHandler {
  return {
    select(p: readonly PathKey[]): number {
      if (p.length === 1) return WALK;
      if (p.length === 2) return p[1] === 'data' ? WALK : SKIP;
      if (p.length === 3) return TRACE;
      return SKIP;
    },
    value(_tag, v) {
      recordsFromJaegerTrace(v, input, sink);
    },
  };
}

export const jaegerFormat: DocumentFormat = {
  name: 'jaeger',
  description: 'Jaeger JSON ({"data":[{traceID, spans, processes}]}, UI download or /api/traces): HTTP server and client spans',
  capabilities: { location: false, bodySize: false, host: false, duration: true, forwardedFor: false },
  detect: (head) => /^\{\s*"data"\s*:\s*\[\s*(\]|\{\s*"traceID"\s*:)/.test(head),
  handler,
};
