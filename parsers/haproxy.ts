/**
 * HAProxy `option httplog` lines, usually inside a syslog line:
 *
 *   Feb  6 12:14:14 localhost haproxy[14389]: 10.0.1.2:33317 [06/Feb/2009:12:14:14.655] http-in \
 *     static/srv1 10/0/30/69/109 200 2750 - - ---- 1/1/1/1/0 0/0 {1wt.eu} {} "GET /index.html HTTP/1.1"
 *
 * client:port [accept date] frontend backend/server TR/Tw/Tc/Tr/Ta status bytes_read req_cookie res_cookie
 * termination_state actconn/feconn/beconn/srv_conn/retries srv_queue/backend_queue {captured request headers}
 * {captured response headers} "request". Start-up messages, TCP-mode lines and connection errors ("SSL handshake
 * failure") are skipped with a reason.
 *
 * Which header each `{a|b}` capture holds depends on `capture request/response header` lines in the config,
 * so the default instance reads none of them (no User-Agent, no Location); `haproxyFormat({...})` can name them.
 * The accept date has no zone: it is read as UTC. Reference: HAProxy configuration manual, "8.2.3. HTTP log
 * format" (https://docs.haproxy.org/2.8/configuration.html#8.2.3).
 */
import { emptyRecord, type HttpRecord } from '../core/model.js';
import { applyRequestLine, byteCount, clip, firstForwarded, orNull, statusOf, stripPort } from './format-helpers.js';
import type { LineFormat } from './line-format.js';

export interface HaproxyOptions {
  /** Header names of the `capture request header` lines, in config order (e.g. ['Host', 'User-Agent']). */
  requestCaptures?: readonly string[];
  /** Header names of the `capture response header` lines, in config order (e.g. ['Location']). */
  responseCaptures?: readonly string[];
}

const MONTHS: Record<string, number> = {
  Jan: 0, Feb: 1, Mar: 2, Apr: 3, May: 4, Jun: 5, Jul: 6, Aug: 7, Sep: 8, Oct: 9, Nov: 10, Dec: 11,
};

export function haproxyFormat(opts: HaproxyOptions = {}): LineFormat {
  const reqCaps = (opts.requestCaptures ?? []).map((h) => h.toLowerCase());
  const resCaps = (opts.responseCaptures ?? []).map((h) => h.toLowerCase());
  const locationCaptured = resCaps.includes('location');
  const named = reqCaps.length + resCaps.length > 0;

  function parse(line: string, input: number, lineNo: number): HttpRecord | string {
    const open = findAcceptDate(line);
    if (open < 0) return haproxyMessage(line);
    const close = line.indexOf(']', open);
    if (close < 0) return 'unclosed accept date';
    const clientStart = line.lastIndexOf(' ', open - 2) + 1;
    const client = line.slice(clientStart, open - 1);
    const time = acceptDate(line, open + 1, close);
    if (Number.isNaN(time)) return `bad accept date "${line.slice(open + 1, close)}"`;
    // frontend backend/server timers status bytes req_cookie res_cookie term conns queues
    let pos = close + 2;
    const tok: string[] = [];
    while (tok.length < 10) {
      const end = line.indexOf(' ', pos);
      const t = end < 0 ? line.slice(pos) : line.slice(pos, end);
      tok.push(t);
      if (end < 0) break;
      pos = end + 1;
    }
    if (tok.length < 10 || tok[1]!.indexOf('/') < 0 || tok[1]!.endsWith(':')) {
      const colon = line.indexOf(': ', close);
      return colon > 0 ? `HAProxy connection error: ${clip(line.slice(colon + 2))}` : 'not an HTTP log line (option httplog)';
    }
    const timers = tok[2]!;
    const sv = tok[3]!;
    if (sv === '-1') return 'status -1: no response (the connection was aborted)';
    const status = statusOf(sv);
    if (Number.isNaN(status)) return `bad status "${sv}"`;
    const q = line.indexOf('"', pos);
    if (q < 0) return 'TCP log line (no HTTP request)';
    const qEnd = line.lastIndexOf('"');
    const rec = emptyRecord(input, lineNo);
    rec.time = time;
    // The accept date (or %tr, the request's date): the start; the last timer (Tt, Ta) runs from it to the end.
    rec.timeIs = 'start';
    rec.status = status;
    rec.address = stripPort(client);
    applyRequestLine(rec, line.slice(q + 1, qEnd > q ? qEnd : line.length));
    const slash = timers.lastIndexOf('/');
    const total = Number(timers.charCodeAt(slash + 1) === 43 /* + */ ? timers.slice(slash + 2) : timers.slice(slash + 1));
    rec.duration = slash > 0 && total >= 0 ? total : null;
    if (named) readCaptures(rec, line.slice(pos, q));
    rec.locationLogged = locationCaptured;
    return rec;
  }

  /** `{a|b} {c}` between the queue counters and the request: request captures first, then response ones. */
  function readCaptures(rec: HttpRecord, s: string): void {
    const blocks: string[] = [];
    let i = s.indexOf('{');
    while (i >= 0) {
      const end = s.indexOf('}', i);
      if (end < 0) break;
      blocks.push(s.slice(i + 1, end));
      i = s.indexOf('{', end);
    }
    let b = 0;
    if (reqCaps.length > 0) storeAll(rec, reqCaps, blocks[b++]);
    if (resCaps.length > 0) storeAll(rec, resCaps, blocks[b]);
  }

  return {
    name: named ? 'haproxy-captures' : 'haproxy',
    description: named
      ? `HAProxy httplog with captured headers (request: ${reqCaps.join(', ') || '-'}; response: ${resCaps.join(', ') || '-'})`
      : 'HAProxy option httplog (syslog); captured headers unnamed, so no User-Agent or Location',
    capabilities: {
      location: locationCaptured,
      bodySize: reqCaps.includes('content-length'),
      host: reqCaps.includes('host'),
      duration: true,
      forwardedFor: reqCaps.includes('x-forwarded-for'),
    },
    parse,
  };
}

function storeAll(rec: HttpRecord, names: readonly string[], block: string | undefined): void {
  if (block === undefined) return;
  const values = block.split('|');
  for (let k = 0; k < names.length && k < values.length; k++) store(rec, names[k]!, orNull(values[k]));
}

function store(rec: HttpRecord, name: string, v: string | null): void {
  switch (name) {
    case 'host':
      rec.host = v;
      break;
    case 'user-agent':
      rec.userAgent = v;
      break;
    case 'referer':
      rec.referer = v;
      break;
    case 'x-forwarded-for':
      rec.forwardedFor = firstForwarded(v);
      break;
    case 'content-length':
      rec.bodySize = v === null ? 0 : byteCount(v);
      break;
    case 'location':
      rec.location = v;
      break;
    case 'cache-control':
      rec.cacheControl = v;
      break;
    case 'expires':
      rec.expires = v;
      break;
    default:
      break;
  }
}

/** Index of the `[` of `[dd/Mon/yyyy:hh:mm:ss.mmm]` after `ip:port `, or -1. */
function findAcceptDate(line: string): number {
  let b = line.indexOf(' [');
  while (b >= 0) {
    const o = b + 1;
    if (line.charCodeAt(o + 3) === 47 /* / */ && line.charCodeAt(o + 7) === 47 && line.charCodeAt(o + 12) === 58 /* : */) {
      return o;
    }
    b = line.indexOf(' [', b + 2);
  }
  return -1;
}

/** dd/Mon/yyyy:hh:mm:ss.mmm between `from` and `to`, read as UTC. */
function acceptDate(s: string, from: number, to: number): number {
  const month = MONTHS[s.slice(from + 3, from + 6)];
  if (month === undefined) return Number.NaN;
  const d = +s.slice(from, from + 2);
  const y = +s.slice(from + 7, from + 11);
  const h = +s.slice(from + 12, from + 14);
  const mi = +s.slice(from + 15, from + 17);
  const sec = +s.slice(from + 18, to);
  if (!(d >= 1 && d <= 31 && y > 1970 && h <= 23 && mi <= 59 && sec < 61)) return Number.NaN;
  return Date.UTC(y, month, d, h, mi) + Math.round(sec * 1000);
}

/** A syslog line from HAProxy that is not a request: say what it is. */
function haproxyMessage(line: string): string {
  const tag = line.indexOf(']: ');
  if (tag > 0 && line.lastIndexOf('haproxy', tag) >= 0) return `HAProxy message, not a request: ${clip(line.slice(tag + 3))}`;
  return 'not an HAProxy httplog line';
}
