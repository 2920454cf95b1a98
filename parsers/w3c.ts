/**
 * The W3C extended log file format engine shared by CloudFront and IIS: `#Fields:` names the columns, so a
 * format instance keeps the last `#Fields` (and `#Date`) it saw and must be created per input. Directive lines
 * are answered with a "W3C header" reason (counted as skipped); data lines before any `#Fields` are rejected.
 * Columns are separated by tabs (CloudFront) or spaces (IIS).
 * Reference: https://www.w3.org/TR/WD-logfile.html
 */
import { emptyRecord, type HttpRecord } from '../core/model.js';
import { firstForwarded, orNull, statusOf } from './format-helpers.js';
import type { FormatCapabilities, LineFormat } from './line-format.js';

export interface W3cFlavor {
  name: string;
  description: string;
  capabilities: FormatCapabilities;
  /** null when this flavour reads a file with these fields; otherwise why not. */
  accepts(fields: readonly string[]): string | null;
  /** How cs(User-Agent) is encoded: CloudFront percent-encodes, IIS writes `+` for spaces. */
  userAgentEncoding: 'percent' | 'plus';
  /** time-taken unit: CloudFront seconds, IIS milliseconds. */
  timeTakenMs: number;
}

interface Columns {
  date: number;
  time: number;
  ip: number;
  method: number;
  stem: number;
  uri: number;
  query: number;
  status: number;
  userAgent: number;
  referer: number;
  host: number;
  protocol: number;
  timeTaken: number;
  xff: number;
  count: number;
}

function columns(fields: readonly string[]): Columns {
  const at = (...names: string[]) => {
    for (const n of names) {
      const i = fields.indexOf(n);
      if (i >= 0) return i;
    }
    return -1;
  };
  return {
    date: at('date'),
    time: at('time'),
    ip: at('c-ip'),
    method: at('cs-method'),
    stem: at('cs-uri-stem'),
    uri: at('cs-uri'),
    query: at('cs-uri-query'),
    status: at('sc-status'),
    userAgent: at('cs(user-agent)'),
    referer: at('cs(referer)', 'cs(referrer)'),
    // CloudFront: x-host-header is the Host the viewer sent; cs(host) is the distribution's own domain.
    host: at('x-host-header', 'cs-host', 'cs(host)'),
    protocol: at('cs-protocol'),
    timeTaken: at('time-taken'),
    xff: at('x-forwarded-for', 'cs(x-forwarded-for)'),
    count: fields.length,
  };
}

/** A new instance of a W3C flavour, with its own header state. */
export function w3cFormat(flavor: W3cFlavor): LineFormat {
  let cols: Columns | null = null;
  let refusal: string | null = null;
  /** `#Date:` value (YYYY-MM-DD) for files whose records have a time but no date column. */
  let directiveDate = '';
  const uaPercent = flavor.userAgentEncoding === 'percent';

  function directive(line: string): string {
    const colon = line.indexOf(':');
    const name = colon > 0 ? line.slice(1, colon).trim() : line.slice(1).trim();
    const lower = name.toLowerCase();
    const value = colon > 0 ? line.slice(colon + 1).trim() : '';
    if (lower === 'fields') {
      // Field names are case-insensitive; CloudFront writes them in lower case, IIS mostly too.
      const fields = value.split(/[ \t]+/).map((s) => s.toLowerCase());
      refusal = flavor.accepts(fields);
      cols = refusal === null ? columns(fields) : null;
    } else if (lower === 'date') {
      directiveDate = value.slice(0, 10);
    }
    return `W3C header (#${name || 'comment'})`;
  }

  function parse(line: string, input: number, lineNo: number): HttpRecord | string {
    if (line.charCodeAt(0) === 35 /* # */) return directive(line);
    const c = cols;
    if (c === null) return refusal ?? 'no #Fields header before this line';
    const v = line.indexOf('\t') >= 0 ? line.split('\t') : line.split(' ');
    if (v.length < c.count) return `${v.length} fields where #Fields lists ${c.count}`;
    const sv = v[c.status]!;
    const status = statusOf(sv);
    if (Number.isNaN(status)) return sv === '000' ? 'status 000: the viewer closed the connection before a response' : `bad sc-status "${sv}"`;
    const rec = emptyRecord(input, lineNo);
    rec.status = status;
    rec.method = v[c.method]!;
    let target = c.stem >= 0 ? v[c.stem]! : v[c.uri]!;
    if (c.query >= 0) {
      const q = v[c.query]!;
      if (q !== '-' && q !== '') target = `${target}?${q}`;
    }
    rec.target = target;
    const date = c.date >= 0 ? v[c.date]! : directiveDate;
    if (c.time >= 0) {
      const t = utc(date, v[c.time]!);
      if (Number.isNaN(t)) return `bad date/time "${date} ${v[c.time]}"`;
      rec.time = t;
      // IIS and CloudFront write the time the response was done (CloudFront's documentation says so; IIS's says
      // "when the request occurred", its logs show the end), and time-taken runs up to it.
      rec.timeIs = 'end';
    }
    if (c.ip >= 0) rec.address = v[c.ip]!;
    if (c.userAgent >= 0) rec.userAgent = decode(orNull(v[c.userAgent]), uaPercent);
    if (c.referer >= 0) rec.referer = orNull(v[c.referer]);
    if (c.host >= 0) rec.host = orNull(v[c.host]);
    if (c.protocol >= 0) {
      const p = v[c.protocol];
      rec.scheme = p === 'https' || p === 'wss' ? 'https' : p === 'http' || p === 'ws' ? 'http' : null;
    }
    if (c.timeTaken >= 0) {
      const d = Number(v[c.timeTaken]);
      rec.duration = v[c.timeTaken] !== '-' && Number.isFinite(d) ? d * flavor.timeTakenMs : null;
    }
    if (c.xff >= 0) rec.forwardedFor = firstForwarded(v[c.xff]);
    return rec;
  }

  return { name: flavor.name, description: flavor.description, capabilities: flavor.capabilities, parse };
}

function decode(v: string | null, percent: boolean): string | null {
  if (v === null) return null;
  if (!percent) return v.indexOf('+') >= 0 ? v.replaceAll('+', ' ') : v;
  if (v.indexOf('%') < 0) return v;
  try {
    return decodeURIComponent(v);
  } catch {
    return v;
  }
}

/** `2019-12-04` + `21:02:31` (or `21:02:31.123`) in UTC → epoch ms, read by hand. */
function utc(date: string, time: string): number {
  if (date.length !== 10 || time.length < 8) return Number.NaN;
  const y = +date.slice(0, 4);
  const mo = +date.slice(5, 7);
  const d = +date.slice(8, 10);
  const h = +time.slice(0, 2);
  const mi = +time.slice(3, 5);
  const s = +time.slice(6);
  if (!(mo >= 1 && mo <= 12 && d >= 1 && d <= 31 && h <= 23 && mi <= 59 && s < 61)) return Number.NaN;
  return Date.UTC(y, mo - 1, d, h, mi) + Math.round(s * 1000);
}
