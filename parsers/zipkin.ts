/**
 * Zipkin v2 JSON (https://zipkin.io/zipkin-api/#/default/get_traces, the `Span` model): an array of spans as
 * `GET /api/v2/trace/{traceId}` returns it, or an array of such arrays (`GET /api/v2/traces`), read a trace at a
 * time (parsers/json-stream.ts).
 *
 *   [{"traceId":"5af7183fb1d4cf5f","id":"352bff9a74ca9ad2","kind":"SERVER","name":"post /r303",
 *     "timestamp":1714557600000000,"duration":2100,"localEndpoint":{"serviceName":"shop","ipv4":"10.0.0.5"},
 *     "remoteEndpoint":{"ipv4":"10.0.0.9","port":51234},"tags":{"http.method":"POST","http.path":"/r303",
 *     "http.status_code":"303"}}]
 *
 * `timestamp` and `duration` are microseconds. SERVER spans are the server's records (the client is
 * `remoteEndpoint`, or a `net.peer.ip`/`client.address` tag); CLIENT spans are the calling service's own
 * (parsers/trace-http.ts). Brave and zipkin-js tag `http.status_code` only when it is not 2xx, so an HTTP span
 * without it and without an `error` tag is a 2xx (read as 200).
 */
import type { DocumentFormat, DocumentHandler, PathKey, RecordSink } from './json-stream.js';
import { SKIP, WALK } from './json-stream.js';
import { recordFromSpan } from './trace-http.js';

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

const ELEMENT = 1;

export function recordFromZipkinSpan(span: unknown, input: number, line: number) {
  if (!isObj(span)) return 'span is not an object';
  const kind = typeof span.kind === 'string' ? span.kind.toUpperCase() : 'none';
  if (kind !== 'SERVER' && kind !== 'CLIENT') return `not an HTTP server or client span (kind ${kind})`;
  const tags = isObj(span.tags) ? span.tags : {};
  const local = isObj(span.localEndpoint) ? span.localEndpoint : {};
  const remote = isObj(span.remoteEndpoint) ? span.remoteEndpoint : {};
  const ts = typeof span.timestamp === 'number' ? span.timestamp / 1000 : Number.NaN;
  const peer = typeof remote.ipv4 === 'string' ? remote.ipv4 : typeof remote.ipv6 === 'string' ? remote.ipv6 : null;
  return recordFromSpan({
    input,
    line,
    kind: kind === 'SERVER' ? 'server' : 'client',
    get: (k) => tags[k],
    service: typeof local.serviceName === 'string' ? local.serviceName : null,
    traceId: typeof span.traceId === 'string' ? span.traceId : null,
    start: ts,
    duration: typeof span.duration === 'number' ? span.duration / 1000 : null,
    peer,
    untaggedStatusIs2xx: true,
  });
}

function handler(input: number, sink: RecordSink): DocumentHandler {
  const emit = (span: unknown) => {
    const r = recordFromZipkinSpan(span, input, sink.next());
    if (typeof r === 'string') sink.skip(r, JSON.stringify(span).slice(0, 200));
    else sink.record(r);
  };
  return {
    select(p: readonly PathKey[]): number {
      if (p.length === 1) return WALK;
      if (p.length === 2) return typeof p[1] === 'number' ? ELEMENT : SKIP;
      return SKIP;
    },
    value(_tag, v) {
      // A span, or (GET /api/v2/traces) one trace's spans.
      if (Array.isArray(v)) for (const s of v) emit(s);
      else emit(v);
    },
  };
}

export const zipkinFormat: DocumentFormat = {
  name: 'zipkin',
  description: 'Zipkin v2 JSON spans (an array, or an array of traces): HTTP server and client spans',
  capabilities: { location: false, bodySize: false, host: false, duration: true, forwardedFor: false },
  detect: (head) =>
    /^\[\s*(\[\s*)?\{/.test(head) && /"traceId"\s*:/.test(head) && /"(localEndpoint|remoteEndpoint)"\s*:|"kind"\s*:\s*"(SERVER|CLIENT|PRODUCER|CONSUMER)"/.test(head),
  handler,
};
