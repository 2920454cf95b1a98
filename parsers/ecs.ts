/**
 * Elastic Common Schema documents (https://www.elastic.co/guide/en/ecs/current/ecs-field-reference.html) as the
 * Filebeat nginx and Apache modules and Elastic Agent integrations index them: one document a line (an export,
 * `elasticdump`, a Logstash file output, each optionally wrapped as a hit `{"_index":…,"_source":{…}}`), or the
 * body of an Elasticsearch `_search` response, streamed a hit at a time (parsers/json-stream.ts).
 *
 *   {"@timestamp":"2024-05-01T10:00:00.123Z","source":{"ip":"203.0.113.7"},"http":{"request":{"method":"POST",
 *    "body":{"bytes":16},"referrer":"-"},"response":{"status_code":303},"version":"1.1"},
 *    "url":{"original":"/r303?x=1"},"user_agent":{"original":"curl/8.5.0"},"event":{"duration":2100000}}
 *
 * Fields may be nested objects or dotted keys (`"source.ip"`). `event.duration` is nanoseconds. ECS has no
 * Location field.
 */
import { emptyRecord, type HttpRecord } from '../core/model.js';
import { applyTarget, firstForwarded, statusOf, timeToMs } from './format-helpers.js';
import { isObject, parseJsonLine, type JsonObject } from './json-lines.js';
import type { DocumentFormat, DocumentHandler, PathKey, RecordSink } from './json-stream.js';
import { SKIP, WALK } from './json-stream.js';
import type { LineFormat } from './line-format.js';

const CAPS = { location: false, bodySize: true, host: true, duration: true, forwardedFor: true };

/** A field by its dotted ECS name, nested or flat (or a mix: `{"http.request":{"method":…}}`). */
export function ecsField(o: JsonObject, name: string): unknown {
  if (name in o) return o[name];
  for (let i = name.indexOf('.'); i > 0; i = name.indexOf('.', i + 1)) {
    const v = o[name.slice(0, i)];
    if (isObject(v)) {
      const r = ecsField(v, name.slice(i + 1));
      if (r !== undefined) return r;
    }
  }
  return undefined;
}

function s(o: JsonObject, ...names: string[]): string | null {
  for (const n of names) {
    let v = ecsField(o, n);
    if (Array.isArray(v)) v = v[0];
    if (typeof v === 'string' && v !== '' && v !== '-') return v;
    if (typeof v === 'number') return String(v);
  }
  return null;
}

export function recordFromEcs(doc: unknown, input: number, line: number): HttpRecord | string {
  if (!isObject(doc)) return 'document is not an object';
  const o = isObject(doc._source) ? (doc._source as JsonObject) : doc;
  const method = s(o, 'http.request.method');
  if (method === null) return 'not an ECS HTTP document (no http.request.method)';
  const status = statusOf(ecsField(o, 'http.response.status_code'));
  if (Number.isNaN(status)) {
    const raw = ecsField(o, 'http.response.status_code');
    return raw === undefined ? 'ECS document without http.response.status_code' : `bad status ${JSON.stringify(raw)}`;
  }
  const rec = emptyRecord(input, line);
  rec.method = method.toUpperCase();
  rec.status = status;
  const original = s(o, 'url.original');
  if (original !== null) applyTarget(rec, original);
  else {
    const path = s(o, 'url.path');
    if (path === null) return 'ECS document without url.original or url.path';
    const q = s(o, 'url.query');
    rec.target = q === null ? path : `${path}?${q}`;
  }
  rec.scheme ??= s(o, 'url.scheme');
  rec.host ??= s(o, 'url.domain', 'destination.domain', 'host.hostname');
  if (rec.host !== null) {
    const port = s(o, 'url.port');
    if (port !== null && port !== '80' && port !== '443') rec.host = `${rec.host}:${port}`;
  }
  rec.address = s(o, 'source.ip', 'client.ip', 'source.address', 'client.address') ?? '-';
  rec.forwardedFor = firstForwarded(s(o, 'nginx.access.remote_ip_list', 'apache.access.remote_ip_list'));
  if (rec.forwardedFor === rec.address) rec.forwardedFor = null;
  rec.userAgent = s(o, 'user_agent.original');
  rec.referer = s(o, 'http.request.referrer');
  const body = ecsField(o, 'http.request.body.bytes');
  rec.bodySize = typeof body === 'number' && body >= 0 ? body : typeof body === 'string' && /^\d+$/.test(body) ? Number(body) : null;
  const ts = ecsField(o, '@timestamp');
  if (ts !== undefined) {
    const t = timeToMs(ts);
    if (Number.isNaN(t)) return `bad time ${JSON.stringify(ts)}`;
    rec.time = t;
  }
  const d = ecsField(o, 'event.duration');
  if (typeof d === 'number') rec.duration = d / 1e6;
  rec.traceId = s(o, 'trace.id');
  rec.service = s(o, 'service.name');
  return rec;
}

export function ecsFormat(): LineFormat {
  return {
    name: 'ecs',
    description: 'Elastic Common Schema documents (Filebeat nginx/Apache modules), one a line, bare or as hits',
    capabilities: CAPS,
    parse(line, input, lineNo) {
      const o = parseJsonLine(line);
      if (typeof o === 'string') return o;
      return recordFromEcs(o, input, lineNo);
    },
  };
}

const SOURCE = 1;

function handler(input: number, sink: RecordSink): DocumentHandler {
  return {
    select(p: readonly PathKey[]): number {
      switch (p.length) {
        case 1:
          return WALK;
        case 2:
          return p[1] === 'hits' ? WALK : SKIP;
        case 3:
          return p[2] === 'hits' ? WALK : SKIP;
        case 4:
          return WALK;
        case 5:
          return p[4] === '_source' ? SOURCE : SKIP;
        default:
          return SKIP;
      }
    },
    value(_tag, v) {
      const r = recordFromEcs(v, input, sink.next());
      if (typeof r === 'string') sink.skip(r, JSON.stringify(v).slice(0, 200));
      else sink.record(r);
    },
  };
}

export const elasticSearchFormat: DocumentFormat = {
  name: 'elasticsearch',
  description: 'An Elasticsearch _search response (hits.hits[]._source as ECS documents), streamed',
  capabilities: CAPS,
  detect: (head) => /^\{\s*"(took|timed_out|_shards|hits|_scroll_id|pit_id|terminated_early)"\s*:/.test(head),
  handler,
};
