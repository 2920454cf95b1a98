/**
 * Envoy JSON access logs (`json_format`) with the default format's commands as keys, the layout Istio and most
 * Envoy set-ups use:
 *
 *   {"start_time":"2024-05-01T10:00:00.123Z","method":"POST","path":"/form","protocol":"HTTP/1.1",
 *    "response_code":303,"response_flags":"-","bytes_received":16,"bytes_sent":0,"duration":3,
 *    "x_forwarded_for":"-","user_agent":"curl/8.5.0","authority":"app.example",
 *    "downstream_remote_address":"10.0.0.9:51234"}
 *
 * Default format string: https://www.envoyproxy.io/docs/envoy/latest/configuration/observability/access_log/usage
 * (`%REQ(X-ENVOY-ORIGINAL-PATH?:PATH)%`, `%BYTES_RECEIVED%` = request body bytes for HTTP, `%DURATION%` in ms).
 * The Location is logged only when the config adds it (`"location": "%RESP(LOCATION)%"`).
 */
import { emptyRecord, type HttpRecord } from '../core/model.js';
import { applyTarget, byteCount, firstForwarded, statusOf, stripPort, timeToMs } from './format-helpers.js';
import { num, parseJsonLine, str, text } from './json-lines.js';
import type { LineFormat } from './line-format.js';

export function envoyFormat(): LineFormat {
  return {
    name: 'envoy',
    description: 'Envoy/Istio JSON access log (default-format keys: start_time, method, path, response_code, ...)',
    capabilities: { location: false, bodySize: true, host: true, duration: true, forwardedFor: true },
    parse,
  };
}

function parse(line: string, input: number, lineNo: number): HttpRecord | string {
  const o = parseJsonLine(line);
  if (typeof o === 'string') return o;
  const code = o.response_code;
  if (code === undefined) return 'not an Envoy access log entry (no response_code)';
  const status = statusOf(code);
  if (Number.isNaN(status)) {
    const flags = text(o.response_flags);
    return code === 0 || code === '0'
      ? `response_code 0: no response was sent${flags ? ` (response_flags ${flags})` : ''}`
      : `bad response_code ${JSON.stringify(code)}`;
  }
  const method = text(o.method);
  const path = text(o['x-envoy-original-path']) ?? text(o.path);
  if (method === null || path === null) return 'no method or path (not an HTTP request)';
  const rec = emptyRecord(input, lineNo);
  rec.status = status;
  rec.method = method;
  applyTarget(rec, path);
  const remote = text(o.downstream_remote_address);
  rec.address = remote !== null ? stripPort(remote) : '-';
  const host = text(o.authority);
  if (host !== null) rec.host = host;
  rec.userAgent = text(o.user_agent);
  rec.referer = text(o.referer);
  rec.forwardedFor = firstForwarded(str(o.x_forwarded_for));
  rec.bodySize = byteCount(o.bytes_received);
  if (o.location !== undefined) {
    rec.locationLogged = true;
    rec.location = text(o.location);
  }
  if (o.start_time !== undefined && o.start_time !== null) {
    const t = timeToMs(o.start_time);
    if (Number.isNaN(t)) return `bad start_time ${JSON.stringify(o.start_time)}`;
    rec.time = t;
    rec.timeIs = 'start';
  }
  rec.duration = num(o.duration);
  return rec;
}
