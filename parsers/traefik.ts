/**
 * Traefik JSON access logs (`accessLog.format: json`). Request headers appear as `request_<Name>` and response
 * headers as `downstream_<Name>` only when `accessLog.fields.headers` keeps them (dropped by default), so the
 * Location is known only on lines that carry response headers.
 *
 *   {"ClientAddr":"10.0.0.2:57398","ClientHost":"10.0.0.2","DownstreamStatus":303,"Duration":5386497,
 *    "RequestAddr":"app.example","RequestContentSize":16,"RequestHost":"app.example","RequestMethod":"POST",
 *    "RequestPath":"/form","RequestScheme":"https","StartUTC":"2022-06-11T00:18:24.95226167Z",
 *    "downstream_Location":"/done","request_User-Agent":"curl/8.5.0"}
 *
 * Fields: https://doc.traefik.io/traefik/observability/access-logs/ ("Limiting the Fields/Including Headers").
 */
import { emptyRecord, type HttpRecord } from '../core/model.js';
import { applyTarget, byteCount, firstForwarded, statusOf, stripPort, timeToMs } from './format-helpers.js';
import { parseJsonLine, str, text, type JsonObject } from './json-lines.js';
import type { LineFormat } from './line-format.js';

export function traefikFormat(): LineFormat {
  return {
    name: 'traefik',
    description:
      'Traefik JSON access log; User-Agent, Referer, X-Forwarded-For and Location need accessLog.fields.headers kept',
    capabilities: { location: true, bodySize: true, host: true, duration: true, forwardedFor: true },
    parse,
  };
}

function parse(line: string, input: number, lineNo: number): HttpRecord | string {
  const o = parseJsonLine(line);
  if (typeof o === 'string') return o;
  const method = o.RequestMethod;
  if (typeof method !== 'string') return 'not a Traefik access log entry (no RequestMethod)';
  const status = statusOf(o.DownstreamStatus);
  if (Number.isNaN(status)) return `bad DownstreamStatus ${JSON.stringify(o.DownstreamStatus)}`;
  const path = o.RequestPath;
  if (typeof path !== 'string') return 'no RequestPath';
  const rec = emptyRecord(input, lineNo);
  rec.status = status;
  rec.method = method;
  applyTarget(rec, path);
  const client = text(o.ClientHost);
  const addr = text(o.ClientAddr);
  rec.address = client ?? (addr !== null ? stripPort(addr) : '-');
  // RequestAddr is the Host header as sent (port included when not the default); RequestHost drops the port.
  const host = text(o.RequestAddr) ?? text(o.RequestHost);
  if (host !== null) rec.host = host;
  const scheme = o.RequestScheme;
  if (scheme === 'http' || scheme === 'https') rec.scheme = scheme;
  rec.userAgent = text(o['request_User-Agent']);
  rec.referer = text(o.request_Referer);
  rec.forwardedFor = firstForwarded(str(o['request_X-Forwarded-For']));
  // The header is what the client announced; RequestContentSize counts the body bytes Traefik read.
  const cl = o['request_Content-Length'];
  rec.bodySize = cl !== undefined ? byteCount(str(cl)) : byteCount(o.RequestContentSize);
  const loc = o.downstream_Location;
  if (loc !== undefined) {
    rec.locationLogged = true;
    rec.location = text(loc);
  } else {
    rec.locationLogged = hasResponseHeaders(o);
  }
  if (o['downstream_Cache-Control'] !== undefined) rec.cacheControl = text(o['downstream_Cache-Control']);
  if (o.downstream_Expires !== undefined) rec.expires = text(o.downstream_Expires);
  const start = o.StartUTC ?? o.StartLocal ?? o.time;
  if (start !== undefined) {
    const t = timeToMs(start);
    if (Number.isNaN(t)) return `bad StartUTC ${JSON.stringify(start)}`;
    rec.time = t;
    // StartUTC/StartLocal: when the request came in; `time` (neither logged): when the line was written.
    rec.timeIs = o.StartUTC !== undefined || o.StartLocal !== undefined ? 'start' : 'end';
  }
  if (typeof o.Duration === 'number') rec.duration = o.Duration / 1e6;
  return rec;
}

/** Response headers are kept (`downstream_*` keys present), so a missing `downstream_Location` means none was sent. */
function hasResponseHeaders(o: JsonObject): boolean {
  for (const k in o) if (k.startsWith('downstream_')) return true;
  return false;
}
