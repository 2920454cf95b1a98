/**
 * GitLab's Rails request logs (`production_json.log`, `api_json.log`): lograge JSON lines with `method`, `path`,
 * `status`, `remote_ip`, `ua`, `time`, `duration_s`, and a `location` on responses made by `redirect_to`.
 * GitLab writes status 0 for a request that raised before a response: those lines are skipped with a reason.
 * `path` has no query string (lograge strips it; GitLab logs the parameters apart, filtered).
 */
import { emptyRecord, type HttpRecord } from '../core/model.js';
import { applyTarget, statusOf, timeToMs } from './format-helpers.js';
import { num, parseJsonLine, text } from './json-lines.js';
import type { LineFormat } from './line-format.js';

export function gitlabFormat(): LineFormat {
  return {
    name: 'gitlab',
    description: 'GitLab/Rails lograge JSON (production_json.log, api_json.log); Location on redirect_to responses',
    capabilities: { location: true, bodySize: false, host: false, duration: true, forwardedFor: false },
    parse,
  };
}

function parse(line: string, input: number, lineNo: number): HttpRecord | string {
  const o = parseJsonLine(line);
  if (typeof o === 'string') return o;
  const method = o.method;
  const path = o.path;
  if (typeof method !== 'string' || typeof path !== 'string') return 'not a Rails request log entry (no method/path)';
  if (o.controller === undefined && o.route === undefined && o.correlation_id === undefined) {
    return 'not a GitLab request log entry (no controller, route or correlation_id)';
  }
  const status = statusOf(o.status);
  if (Number.isNaN(status)) {
    return o.status === 0 ? 'status 0: the request ended without a response (an exception or an aborted request)' : `bad status ${JSON.stringify(o.status)}`;
  }
  const rec = emptyRecord(input, lineNo);
  rec.status = status;
  rec.method = method;
  applyTarget(rec, path);
  rec.address = text(o.remote_ip) ?? text(o['meta.remote_ip']) ?? '-';
  rec.userAgent = text(o.ua);
  const host = text(o.host);
  if (host !== null) rec.host = host;
  // lograge adds `location` when the controller redirected; its absence on another 3xx proves nothing.
  if (o.location !== undefined) {
    rec.locationLogged = true;
    rec.location = text(o.location);
  }
  if (o.time !== undefined) {
    const t = timeToMs(o.time);
    if (Number.isNaN(t)) return `bad time ${JSON.stringify(o.time)}`;
    rec.time = t;
  }
  const d = num(o.duration_s);
  if (d !== null) rec.duration = d * 1000;
  return rec;
}
