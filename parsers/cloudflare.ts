/**
 * Cloudflare Logpush, dataset `http_requests`, NDJSON (https://developers.cloudflare.com/logs/reference/log-fields/zone/http_requests/):
 *
 *   {"ClientIP":"203.0.113.7","ClientRequestHost":"shop.example.com","ClientRequestMethod":"POST",
 *    "ClientRequestURI":"/r307?x=1","ClientRequestScheme":"https","ClientRequestUserAgent":"needle/3.3.1",
 *    "EdgeResponseStatus":307,"EdgeStartTimestamp":"2024-05-01T10:00:00Z","RayID":"7c5…",
 *    "ResponseHeaders":{"location":"/v2/r307?x=1"}}
 *
 * `EdgeStartTimestamp` comes in the job's `timestamp_format`: RFC 3339 (seconds, or with ms/ns fractions), unix
 * seconds, or unix nanoseconds. Location is there when the job logs it as a custom response-header field
 * (`ResponseHeaders`, keys lower case); `ClientRequestBytes` counts headers too, so the body size is unknown.
 */
import { emptyRecord, type HttpRecord } from '../core/model.js';
import { applyTarget, statusOf, timeToMs } from './format-helpers.js';
import { isObject, parseJsonLine } from './json-lines.js';
import type { LineFormat } from './line-format.js';

function header(h: unknown, name: string): { found: boolean; value: string | null } {
  if (!isObject(h)) return { found: false, value: null };
  for (const k in h) {
    if (k.toLowerCase() === name) {
      const v = h[k];
      return { found: true, value: typeof v === 'string' && v !== '' ? v : Array.isArray(v) && typeof v[0] === 'string' ? v[0] : null };
    }
  }
  return { found: false, value: null };
}

export function recordFromCloudflare(o: Record<string, unknown>, input: number, line: number): HttpRecord | string {
  const method = o.ClientRequestMethod;
  if (typeof method !== 'string') return 'not a Cloudflare http_requests entry (no ClientRequestMethod)';
  const status = statusOf(o.EdgeResponseStatus);
  if (Number.isNaN(status)) return o.EdgeResponseStatus === 0 ? 'EdgeResponseStatus 0: no response was sent' : `bad EdgeResponseStatus ${JSON.stringify(o.EdgeResponseStatus)}`;
  const rec = emptyRecord(input, line);
  rec.method = method;
  rec.status = status;
  applyTarget(rec, typeof o.ClientRequestURI === 'string' ? o.ClientRequestURI : typeof o.ClientRequestPath === 'string' ? o.ClientRequestPath : '/');
  rec.address = typeof o.ClientIP === 'string' && o.ClientIP !== '' ? o.ClientIP : '-';
  if (typeof o.ClientRequestHost === 'string' && o.ClientRequestHost !== '') rec.host = o.ClientRequestHost;
  if (typeof o.ClientRequestScheme === 'string' && o.ClientRequestScheme !== '') rec.scheme = o.ClientRequestScheme;
  rec.userAgent = typeof o.ClientRequestUserAgent === 'string' && o.ClientRequestUserAgent !== '' ? o.ClientRequestUserAgent : null;
  rec.referer = typeof o.ClientRequestReferer === 'string' && o.ClientRequestReferer !== '' ? o.ClientRequestReferer : null;
  if (o.EdgeStartTimestamp !== undefined) {
    const t = timeToMs(o.EdgeStartTimestamp);
    if (Number.isNaN(t)) return `bad time ${JSON.stringify(o.EdgeStartTimestamp)}`;
    rec.time = t;
    rec.timeIs = 'start';
    const end = o.EdgeEndTimestamp !== undefined ? timeToMs(o.EdgeEndTimestamp) : Number.NaN;
    if (!Number.isNaN(end) && end >= t) rec.duration = end - t;
  }
  if (rec.duration === null && typeof o.EdgeTimeToFirstByteMs === 'number') rec.duration = o.EdgeTimeToFirstByteMs;
  const loc = header(o.ResponseHeaders, 'location');
  if (loc.found) {
    rec.locationLogged = true;
    rec.location = loc.value;
  }
  const cc = header(o.ResponseHeaders, 'cache-control');
  if (cc.found) rec.cacheControl = cc.value;
  return rec;
}

export function cloudflareFormat(): LineFormat {
  return {
    name: 'cloudflare',
    description: 'Cloudflare Logpush http_requests (NDJSON), Location from a ResponseHeaders custom field',
    capabilities: { location: true, bodySize: false, host: true, duration: true, forwardedFor: false },
    parse(line, input, lineNo) {
      const o = parseJsonLine(line);
      if (typeof o === 'string') return o;
      return recordFromCloudflare(o, input, lineNo);
    },
  };
}
