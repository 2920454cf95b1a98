/**
 * OpenTelemetry traces as OTLP/JSON: the OpenTelemetry Collector's `file` exporter (one
 * `ExportTraceServiceRequest` a line, a line can be tens of MB) and the bodies `otlp-http` exporters post with
 * JSON encoding (one request). Both are `{"resourceSpans":[{"resource":{"attributes":[…]},"scopeSpans":[{"scope":…,
 * "spans":[…]}]}]}`; each span is read alone (parsers/json-stream.ts), never the whole request.
 *
 * HTTP server spans (kind 2) are the server's records of requests; HTTP client spans (kind 3) are the records
 * of the requests a service sent, with the service (`service.name`) as the client (parsers/trace-http.ts). Spans of
 * other kinds, and spans without HTTP attributes, are counted skips. Every record carries its trace id and the
 * `service.name` of the resource.
 *
 * Attribute values are OTLP `AnyValue`s (`{"stringValue":…}`, `{"intValue":"303"}` (a string in JSON: int64),
 * `{"arrayValue":{"values":[…]}}` for captured headers); times are `startTimeUnixNano` / `endTimeUnixNano`,
 * decimal strings of nanoseconds. The protobuf field names in snake_case are read too.
 */
import type { DocumentFormat, DocumentHandler, PathKey, RecordSink } from './json-stream.js';
import { SKIP, WALK } from './json-stream.js';
import { recordFromSpan } from './trace-http.js';

const RESOURCE = 1;
const SPAN = 2;

type Json = Record<string, unknown>;

function isObj(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** An OTLP AnyValue as a plain value: strings, numbers, booleans, lists. */
export function anyValue(v: unknown): unknown {
  if (!isObj(v)) return undefined;
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.intValue !== undefined) return typeof v.intValue === 'string' ? Number(v.intValue) : v.intValue;
  if (v.boolValue !== undefined) return v.boolValue;
  if (v.doubleValue !== undefined) return v.doubleValue;
  const arr = v.arrayValue;
  if (isObj(arr)) return Array.isArray(arr.values) ? arr.values.map(anyValue) : [];
  for (const k of ['string_value', 'int_value', 'bool_value', 'double_value']) if (v[k] !== undefined) return v[k];
  return undefined;
}

/** An OTLP attribute list as an object keyed by attribute name. */
export function attributes(list: unknown): Json {
  const out: Json = {};
  if (!Array.isArray(list)) return out;
  for (const kv of list) if (isObj(kv) && typeof kv.key === 'string') out[kv.key] = anyValue(kv.value);
  return out;
}

/** Nanoseconds since the epoch (a decimal string or a number) → ms; NaN when missing or 0. */
export function nanosToMs(v: unknown): number {
  const n = typeof v === 'string' ? Number(v) : typeof v === 'number' ? v : Number.NaN;
  return Number.isFinite(n) && n > 0 ? n / 1e6 : Number.NaN;
}

/** end − start in ms, exact when both are decimal strings of nanoseconds (doubles lose ~256 ns at today's epoch). */
function spanDuration(a: unknown, b: unknown, start: number, end: number): number | null {
  if (Number.isNaN(start) || Number.isNaN(end)) return null;
  if (typeof a === 'string' && typeof b === 'string' && /^\d{1,20}$/.test(a) && /^\d{1,20}$/.test(b)) return Number(BigInt(b) - BigInt(a)) / 1e6;
  return end - start;
}

const SPAN_KINDS = ['UNSPECIFIED', 'INTERNAL', 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER'];

/** 2 / "SPAN_KIND_SERVER" → "SERVER". */
function kindName(v: unknown): string {
  if (typeof v === 'number') return SPAN_KINDS[v] ?? String(v);
  if (typeof v === 'string') return v.replace(/^SPAN_KIND_/, '');
  return 'UNSPECIFIED';
}

/** The record (or skip) of one OTLP span, given its resource's attributes. */
export function recordFromOtlpSpan(span: unknown, resource: Json, input: number, line: number) {
  if (!isObj(span)) return 'span is not an object';
  const kind = kindName(span.kind);
  if (kind !== 'SERVER' && kind !== 'CLIENT') return `not an HTTP server or client span (kind ${kind})`;
  const attrs = attributes(span.attributes);
  const start = nanosToMs(span.startTimeUnixNano ?? span.start_time_unix_nano);
  const end = nanosToMs(span.endTimeUnixNano ?? span.end_time_unix_nano);
  const service = typeof resource['service.name'] === 'string' ? (resource['service.name'] as string) : null;
  const traceId = typeof span.traceId === 'string' ? span.traceId : typeof span.trace_id === 'string' ? span.trace_id : null;
  return recordFromSpan({
    input,
    line,
    kind: kind === 'SERVER' ? 'server' : 'client',
    get: (k) => attrs[k],
    service,
    traceId: traceId === '' ? null : traceId,
    start,
    duration: spanDuration(span.startTimeUnixNano ?? span.start_time_unix_nano, span.endTimeUnixNano ?? span.end_time_unix_nano, start, end),
  });
}

const RESOURCE_SPANS = new Set(['resourceSpans', 'resource_spans']);
const SCOPE_SPANS = new Set(['scopeSpans', 'scope_spans', 'instrumentationLibrarySpans', 'instrumentation_library_spans']);

function handler(input: number, sink: RecordSink): DocumentHandler {
  let resource: Json | null = null;
  // Spans met before their resource (a writer that puts "resource" last): held until it comes.
  let early: unknown[] = [];
  const emit = (span: unknown) => {
    const r = recordFromOtlpSpan(span, resource ?? {}, input, sink.next());
    if (typeof r === 'string') sink.skip(r, JSON.stringify(span).slice(0, 200));
    else sink.record(r);
  };
  return {
    select(p: readonly PathKey[]): number {
      switch (p.length) {
        case 1:
          return WALK;
        case 2:
          return RESOURCE_SPANS.has(p[1] as string) ? WALK : SKIP;
        case 3:
          return WALK;
        case 4:
          return p[3] === 'resource' ? RESOURCE : SCOPE_SPANS.has(p[3] as string) ? WALK : SKIP;
        case 5:
          return WALK;
        case 6:
          return p[5] === 'spans' ? WALK : SKIP;
        case 7:
          return SPAN;
        default:
          return SKIP;
      }
    },
    value(tag, v) {
      if (tag === RESOURCE) {
        resource = attributes(isObj(v) ? v.attributes : undefined);
        for (const s of early) emit(s);
        early = [];
      } else if (resource === null) {
        early.push(v);
      } else {
        emit(v);
      }
    },
    closed(p) {
      if (p.length === 3) {
        // One resourceSpans element ends: its resource ends with it.
        for (const s of early) emit(s);
        early = [];
        resource = null;
      }
    },
  };
}

export const otlpFormat: DocumentFormat = {
  name: 'otlp',
  description: 'OpenTelemetry traces, OTLP/JSON (Collector file exporter lines, otlp-http bodies): HTTP server and client spans',
  capabilities: { location: true, bodySize: true, host: true, duration: true, forwardedFor: true },
  detect: (head) => /^\{\s*"resource_?[sS]pans"\s*:/.test(head),
  handler,
};
