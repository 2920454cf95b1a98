/**
 * Google Cloud Logging `LogEntry`s with an `httpRequest` (https://cloud.google.com/logging/docs/reference/v2/rest/v2/LogEntry,
 * `HttpRequest`): load balancers, Cloud Run, App Engine, API Gateway. Two shapes:
 *
 * - the JSON array `gcloud logging read --format=json` prints (pretty-printed, keys sorted), streamed an entry at a
 *   time (parsers/json-stream.ts);
 * - one entry a line, as log sinks to Cloud Storage and Pub/Sub subscribers write them (a line format).
 *
 *   {"httpRequest":{"requestMethod":"POST","requestUrl":"https://shop.example.com/r303","status":303,
 *    "remoteIp":"203.0.113.7","userAgent":"curl/8.5.0","latency":"0.004512s","protocol":"HTTP/1.1"},
 *    "insertId":"…","logName":"projects/p/logs/requests","resource":{"type":"cloud_run_revision",
 *    "labels":{"service_name":"shop"}},"timestamp":"2024-05-01T10:00:00.123456Z","trace":"projects/p/traces/5af7…"}
 *
 * `status` and the sizes are numbers or int64 strings; `latency` is a Duration (`"0.004512s"`). The entry has no
 * Location; `trace` gives the trace id, the resource's service label the service.
 */
import { emptyRecord, type HttpRecord } from '../core/model.js';
import { applyTarget, clip, firstForwarded, statusOf, timeToMs } from './format-helpers.js';
import { isObject, parseJsonLine, type JsonObject } from './json-lines.js';
import type { DocumentFormat, DocumentHandler, PathKey, RecordSink } from './json-stream.js';
import { SKIP, WALK } from './json-stream.js';
import type { LineFormat } from './line-format.js';

const CAPS = { location: false, bodySize: false, host: true, duration: true, forwardedFor: false };

/** `"0.004512s"` → 4.512 ms; null when not a Duration. */
function durationMs(v: unknown): number | null {
  if (typeof v !== 'string' || !v.endsWith('s')) return null;
  const n = Number(v.slice(0, -1));
  return Number.isFinite(n) ? n * 1000 : null;
}

export function recordFromLogEntry(o: unknown, input: number, line: number): HttpRecord | string {
  if (!isObject(o)) return 'entry is not an object';
  const h = o.httpRequest;
  if (!isObject(h)) return `not an HTTP request entry (no httpRequest${typeof o.logName === 'string' ? `; ${clip(o.logName, 60)}` : ''})`;
  const method = h.requestMethod;
  const url = h.requestUrl;
  if (typeof method !== 'string' || typeof url !== 'string') return 'httpRequest without requestMethod or requestUrl';
  const status = statusOf(h.status);
  if (Number.isNaN(status)) return h.status === undefined || h.status === 0 ? 'httpRequest without a status (no response)' : `bad status ${JSON.stringify(h.status)}`;
  const rec = emptyRecord(input, line);
  rec.method = method;
  rec.status = status;
  applyTarget(rec, url);
  rec.address = typeof h.remoteIp === 'string' && h.remoteIp !== '' ? h.remoteIp : '-';
  rec.userAgent = typeof h.userAgent === 'string' ? h.userAgent : null;
  rec.referer = typeof h.referer === 'string' ? h.referer : null;
  rec.duration = durationMs(h.latency);
  const t = timeToMs(o.timestamp);
  if (o.timestamp !== undefined && Number.isNaN(t)) return `bad time ${JSON.stringify(o.timestamp)}`;
  rec.time = t;
  if (typeof o.trace === 'string') {
    const slash = o.trace.lastIndexOf('/');
    rec.traceId = slash >= 0 ? o.trace.slice(slash + 1) : o.trace;
  }
  const labels = isObject(o.resource) && isObject(o.resource.labels) ? o.resource.labels : null;
  if (labels) {
    const svc = labels.service_name ?? labels.module_id ?? labels.backend_service_name ?? labels.forwarding_rule_name;
    if (typeof svc === 'string' && svc !== '') rec.service = svc;
  }
  const payload = o.jsonPayload;
  if (isObject(payload) && typeof payload['@type'] === 'string' && typeof (payload as JsonObject).forwardedFor === 'string') {
    rec.forwardedFor = firstForwarded((payload as JsonObject).forwardedFor as string);
  }
  return rec;
}

export function gcpLoggingFormat(): LineFormat {
  return {
    name: 'gcp-logging',
    description: 'Google Cloud Logging LogEntry with httpRequest, one a line (sinks); other entries are skipped',
    capabilities: CAPS,
    parse(line, input, lineNo) {
      const o = parseJsonLine(line);
      if (typeof o === 'string') return o;
      if (o.httpRequest === undefined && o.logName === undefined && o.insertId === undefined) return 'not a Cloud Logging entry';
      return recordFromLogEntry(o, input, lineNo);
    },
  };
}

const ENTRY = 1;

function handler(input: number, sink: RecordSink): DocumentHandler {
  return {
    select(p: readonly PathKey[]): number {
      if (p.length === 1) return WALK;
      if (p.length === 2) return typeof p[1] === 'number' ? ENTRY : SKIP;
      return SKIP;
    },
    value(_tag, v) {
      const r = recordFromLogEntry(v, input, sink.next());
      if (typeof r === 'string') sink.skip(r, JSON.stringify(v).slice(0, 200));
      else sink.record(r);
    },
  };
}

export const gcpLoggingArrayFormat: DocumentFormat = {
  name: 'gcp-logging-array',
  description: 'Google Cloud Logging entries as `gcloud logging read --format=json` prints them (a JSON array), streamed',
  capabilities: CAPS,
  detect: (head) => /^\[\s*\{/.test(head) && /"(logName|insertId)"\s*:/.test(head),
  handler,
};
