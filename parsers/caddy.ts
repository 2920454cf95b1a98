/**
 * Caddy v2 structured access logs (`log` directive, JSON encoder): one object per request from a logger named
 * `http.log.access...`. Caddy's own runtime lines share the stream (and often a docker compose prefix); they are
 * skipped with a reason.
 *
 *   {"level":"info","ts":1761019828.61,"logger":"http.log.access","msg":"handled request",
 *    "request":{"remote_ip":"172.19.0.1","client_ip":"172.19.0.1","proto":"HTTP/1.1","method":"GET",
 *    "host":"localhost","uri":"/","headers":{"User-Agent":["..."]}},"bytes_read":0,"duration":0.0012,
 *    "size":0,"status":304,"resp_headers":{"Location":["/x"]}}
 */
import { emptyRecord, type HttpRecord } from '../core/model.js';
import { applyTarget, byteCount, clip, firstForwarded, statusOf, timeToMs } from './format-helpers.js';
import { isObject, parseJsonLine, str, text, type JsonObject } from './json-lines.js';
import type { LineFormat } from './line-format.js';

export function caddyFormat(): LineFormat {
  return {
    name: 'caddy',
    description: 'Caddy v2 JSON access log (logger http.log.access*); runtime lines are skipped',
    capabilities: { location: true, bodySize: true, host: true, duration: true, forwardedFor: true },
    parse,
  };
}

function parse(line: string, input: number, lineNo: number): HttpRecord | string {
  const o = parseJsonLine(line);
  if (typeof o === 'string') return o;
  const logger = o.logger;
  if (typeof logger !== 'string' || !logger.startsWith('http.log.access')) {
    const msg = typeof o.msg === 'string' ? `: ${clip(o.msg, 50)}` : '';
    return typeof logger === 'string' ? `not an access log entry (logger ${logger}${msg})` : `not an access log entry${msg}`;
  }
  const req = o.request;
  if (!isObject(req)) return 'access log entry without a "request" object';
  const status = statusOf(o.status);
  if (Number.isNaN(status)) return `bad status ${JSON.stringify(o.status)}`;
  const method = req.method;
  const uri = req.uri;
  if (typeof method !== 'string' || typeof uri !== 'string') return 'access log entry without method or uri';
  const rec = emptyRecord(input, lineNo);
  rec.status = status;
  rec.method = method;
  applyTarget(rec, uri);
  rec.address = text(req.client_ip) ?? text(req.remote_ip) ?? '-';
  const host = text(req.host);
  if (host !== null) rec.host = host;
  rec.scheme = req.tls !== undefined ? 'https' : 'http';
  const h = req.headers;
  if (isObject(h)) {
    rec.userAgent = text(h['User-Agent']);
    rec.referer = text(h.Referer);
    rec.forwardedFor = firstForwarded(str(h['X-Forwarded-For']));
    rec.bodySize = bodySize(h, o);
  }
  const resp = o.resp_headers;
  if (isObject(resp)) {
    // Caddy logs every response header, so a missing Location is a real absence.
    rec.locationLogged = true;
    rec.location = text(resp.Location);
    rec.cacheControl = text(resp['Cache-Control']);
    rec.expires = text(resp.Expires);
  }
  if (o.ts !== undefined) {
    const t = timeToMs(o.ts);
    if (Number.isNaN(t)) return `bad time ${JSON.stringify(o.ts)}`;
    rec.time = t;
    // Caddy writes the line when the request is done: `ts` is the end, `duration` runs up to it.
    rec.timeIs = 'end';
  }
  if (typeof o.duration === 'number') rec.duration = o.duration * 1000;
  return rec;
}

/**
 * What the client sent: the Content-Length header. `bytes_read` counts what the handler read, which is 0 for a
 * redirect that never reads the body, so it is only a fallback for chunked requests.
 */
function bodySize(h: JsonObject, o: JsonObject): number | null {
  const cl = h['Content-Length'];
  if (cl !== undefined) return byteCount(str(cl));
  if (h['Transfer-Encoding'] !== undefined) {
    const read = o.bytes_read;
    return typeof read === 'number' && read > 0 ? read : null;
  }
  return 0;
}
