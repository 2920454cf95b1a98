/**
 * AWS Application Load Balancer access logs (and the older Classic ELB layout, which lacks the leading type):
 * space-separated fields, some in double quotes, new fields appended at the end over the years.
 *
 *   type time elb client:port target:port request_processing_time target_processing_time
 *   response_processing_time elb_status_code target_status_code received_bytes sent_bytes "request"
 *   "user_agent" ssl_cipher ssl_protocol target_group_arn "trace_id" "domain_name" "chosen_cert_arn"
 *   matched_rule_priority request_creation_time "actions_executed" "redirect_url" "error_reason" ...
 *
 * Fields are read by position, never by pattern: in `504 - 125 308` the 308 is sent_bytes, not a status.
 * `elb_status_code` is the status the client got. `received_bytes` includes the request headers, so it is not a
 * body size. The Location is known only for the load balancer's own `redirect` action (`redirect_url`).
 * Reference: https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-access-logs.html
 */
import { emptyRecord, type HttpRecord } from '../core/model.js';
import { applyRequestLine, orNull, statusOf, stripPort, timeToMs } from './format-helpers.js';
import type { LineFormat } from './line-format.js';

const TYPES = new Set(['http', 'https', 'h2', 'grpcs', 'ws', 'wss']);

/** Index of each field in an ALB line; a Classic ELB line has every field one place earlier and stops at 15. */
const F = {
  time: 1,
  client: 3,
  reqTime: 5,
  targetTime: 6,
  respTime: 7,
  elbStatus: 8,
  request: 12,
  userAgent: 13,
  actions: 22,
  redirectUrl: 23,
} as const;

export function albFormat(): LineFormat {
  return {
    name: 'alb',
    description: 'AWS ALB (and Classic ELB) access log; Location only for the load balancer\'s redirect actions',
    capabilities: { location: false, bodySize: false, host: true, duration: true, forwardedFor: false },
    parse,
  };
}

function parse(line: string, input: number, lineNo: number): HttpRecord | string {
  const sp = line.indexOf(' ');
  if (sp <= 0) return 'not an ALB log line';
  const first = line.slice(0, sp);
  // ALB lines start with the request type; Classic ELB lines with the ISO time.
  let shift: number;
  if (TYPES.has(first)) shift = 0;
  else if (first.length >= 20 && first.charCodeAt(4) === 45 && first.charCodeAt(10) === 84 /* T */) shift = -1;
  else return 'not an ALB log line (no request type or time first)';
  const f = splitFields(line, shift === 0 ? 24 : 15);
  if (typeof f === 'string') return f;
  if (f.length <= F.request + shift) return `only ${f.length} fields`;
  const at = (i: number) => f[i + shift];
  const time = timeToMs(at(F.time));
  if (Number.isNaN(time)) return `bad time "${at(F.time)}"`;
  const sv = at(F.elbStatus)!;
  if (sv === '-') return 'no elb_status_code (the connection closed before a response)';
  const status = statusOf(sv);
  if (Number.isNaN(status)) return `bad elb_status_code "${sv}"`;
  const rec = emptyRecord(input, lineNo);
  rec.time = time;
  // `time` is when the load balancer sent the response; the three processing times run up to it.
  rec.timeIs = 'end';
  rec.status = status;
  const client = at(F.client)!;
  rec.address = client === '-' ? '-' : stripPort(client);
  applyRequestLine(rec, at(F.request)!);
  rec.userAgent = orNull(at(F.userAgent));
  rec.duration = duration(at(F.reqTime), at(F.targetTime), at(F.respTime));
  const actions = at(F.actions);
  if (actions !== undefined && actions.indexOf('redirect') >= 0) {
    rec.locationLogged = true;
    rec.location = orNull(at(F.redirectUrl));
  }
  return rec;
}

/** The three processing times (seconds) added, in ms; -1 in any of them means "not measured". */
function duration(a: string | undefined, b: string | undefined, c: string | undefined): number | null {
  const x = Number(a);
  const y = Number(b);
  const z = Number(c);
  if (!(x >= 0 && y >= 0 && z >= 0)) return null;
  return Math.round((x + y + z) * 1e6) / 1e3;
}

/** Splits on single spaces; a field that starts with `"` runs to the next `"` (a `\"` inside does not end it). */
function splitFields(line: string, max: number): string[] | string {
  const out: string[] = [];
  let i = 0;
  const n = line.length;
  while (i < n && out.length < max) {
    if (line.charCodeAt(i) === 34 /* " */) {
      let end = line.indexOf('"', i + 1);
      while (end > 0 && line.charCodeAt(end - 1) === 92 /* \ */) end = line.indexOf('"', end + 1);
      if (end < 0) return `unclosed quote in field ${out.length + 1}`;
      out.push(line.slice(i + 1, end));
      i = end + 1;
    } else {
      let end = line.indexOf(' ', i);
      if (end < 0) end = n;
      out.push(line.slice(i, end));
      i = end;
    }
    if (i < n && line.charCodeAt(i) !== 32) return `no space after field ${out.length}`;
    i++;
  }
  return out;
}
