/**
 * pino-http request logs (Node): one "request completed" object per response, with pino's standard `req` and
 * `res` serializers (headers included).
 *
 *   {"level":30,"time":1531171074631,"req":{"id":1,"method":"GET","url":"/","headers":{"host":"localhost:3000",
 *    "user-agent":"curl/7.43.0"},"remoteAddress":"::1","remotePort":64386},
 *    "res":{"statusCode":200,"headers":{"x-powered-by":"Express"}},"responseTime":2,"msg":"request completed"}
 *
 * Layout: https://github.com/pinojs/pino-http#example and pino-std-serializers (`req`, `res`).
 */
import { emptyRecord, type HttpRecord } from '../core/model.js';
import { applyTarget, byteCount, firstForwarded, statusOf, timeToMs } from './format-helpers.js';
import { isObject, num, parseJsonLine, str, text, type JsonObject } from './json-lines.js';
import type { LineFormat } from './line-format.js';

export function pinoHttpFormat(): LineFormat {
  return {
    name: 'pino-http',
    description: 'pino-http (Node) request logs: req/res objects with headers, responseTime in ms',
    capabilities: { location: true, bodySize: true, host: true, duration: true, forwardedFor: true },
    parse,
  };
}

function parse(line: string, input: number, lineNo: number): HttpRecord | string {
  const o = parseJsonLine(line);
  if (typeof o === 'string') return o;
  const req = o.req;
  const res = o.res;
  if (!isObject(req) || !isObject(res)) {
    return typeof o.msg === 'string' ? `not a request log (msg ${JSON.stringify(o.msg.slice(0, 50))})` : 'not a request log (no req/res)';
  }
  const status = statusOf(res.statusCode);
  if (Number.isNaN(status)) return `bad res.statusCode ${JSON.stringify(res.statusCode)}`;
  const method = req.method;
  const url = req.url;
  if (typeof method !== 'string' || typeof url !== 'string') return 'req without method or url';
  const rec = emptyRecord(input, lineNo);
  rec.status = status;
  rec.method = method;
  applyTarget(rec, url);
  rec.address = text(req.remoteAddress) ?? '-';
  const h = req.headers;
  if (isObject(h)) {
    const host = text(h.host);
    if (host !== null) rec.host = host;
    rec.userAgent = text(h['user-agent']);
    rec.referer = text(h.referer);
    rec.forwardedFor = firstForwarded(str(h['x-forwarded-for']));
    rec.bodySize = bodySize(h);
  }
  const rh = res.headers;
  if (isObject(rh)) {
    rec.locationLogged = true;
    rec.location = text(rh.location);
    rec.cacheControl = text(rh['cache-control']);
    rec.expires = text(rh.expires);
  }
  if (o.time !== undefined) {
    const t = timeToMs(o.time);
    if (Number.isNaN(t)) return `bad time ${JSON.stringify(o.time)}`;
    rec.time = t;
    // pino-http logs when the response finishes: `time` is the end, `responseTime` runs up to it.
    rec.timeIs = 'end';
  }
  rec.duration = num(o.responseTime);
  return rec;
}

function bodySize(h: JsonObject): number | null {
  const cl = h['content-length'];
  if (cl !== undefined) return byteCount(str(cl));
  return h['transfer-encoding'] !== undefined ? null : 0;
}
