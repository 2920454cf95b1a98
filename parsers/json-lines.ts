/**
 * JSON-lines access logs: the shared line reader (prefix stripping, one `JSON.parse` per line, field paths) and
 * the generic format that finds fields by their common names (nginx `escape=json` and look-alikes), with an
 * optional map from our field names to paths in the object (the CLI's `--field name=path`).
 *
 * The per-line path avoids regexes and object spreads: a line that does not hold a JSON object after an optional
 * prefix is rejected before `JSON.parse` is called.
 */
import { AuditError } from '../src/errors.js';
import { emptyRecord, type HttpRecord } from '../src/model.js';
import {
  applyRequestLine,
  applyTarget,
  byteCount,
  firstForwarded,
  orNull,
  statusOf,
  timeToMs,
} from './format-helpers.js';
import type { FormatCapabilities, LineFormat } from './line-format.js';

export type JsonObject = Record<string, unknown>;

/** How far into a line a prefix (`caddy  | `, `nginx: `, `[pod/web-1/nginx] `) may reach. */
const MAX_PREFIX = 200;

/**
 * Where the JSON object starts in `line`, or -1. Accepted: the object at the start (after blanks), or after a
 * prefix ending in `|` (docker compose `name  | `), `:` (syslog `tag: `, `tag[pid]: `) or `]` (kubectl
 * `--prefix`), followed by blanks and possibly ANSI colour codes (`docker compose logs` in colour).
 */
export function jsonObjectStart(line: string): number {
  let i = 0;
  const n = line.length;
  while (i < n) {
    const c = line.charCodeAt(i);
    if (c !== 32 && c !== 9) break;
    i++;
  }
  if (line.charCodeAt(i) === 123 /* { */) return i;
  const brace = line.indexOf('{', i);
  if (brace < 0 || brace > MAX_PREFIX) return -1;
  // Walk back over blanks and colour codes to the prefix's last character.
  let j = brace - 1;
  for (;;) {
    while (j >= 0 && (line.charCodeAt(j) === 32 || line.charCodeAt(j) === 9)) j--;
    if (j >= 3 && line.charCodeAt(j) === 109 /* m */) {
      const esc = line.lastIndexOf('\u001b[', j);
      if (esc >= 0 && isSgr(line, esc + 2, j)) {
        j = esc - 1;
        continue;
      }
    }
    break;
  }
  if (j < 0 || brace === j + 1) return -1; // no prefix, or no blank between prefix and object
  const p = line.charCodeAt(j);
  return p === 124 /* | */ || p === 58 /* : */ || p === 93 /* ] */ ? brace : -1;
}

function isSgr(s: string, from: number, to: number): boolean {
  for (let k = from; k < to; k++) {
    const c = s.charCodeAt(k);
    if (!((c >= 48 && c <= 57) || c === 59)) return false;
  }
  return true;
}


/** One line → the JSON object it holds, or the reason it holds none. */
export function parseJsonLine(line: string): JsonObject | string {
  const start = jsonObjectStart(line);
  if (start < 0) return 'not a JSON object';
  let end = line.length - 1;
  while (end > start && (line.charCodeAt(end) === 32 || line.charCodeAt(end) === 9 || line.charCodeAt(end) === 13)) end--;
  if (line.charCodeAt(end) !== 125 /* } */) return 'JSON object not closed on this line';
  let v: unknown;
  try {
    v = JSON.parse(start === 0 ? line : line.slice(start));
  } catch {
    return 'malformed JSON';
  }
  // `{` ... `}` always parses to an object, never an array or null.
  return v as JsonObject;
}

/** A field of a parsed object as a string: strings as they are, numbers printed, arrays by their first element. */
export function str(v: unknown): string | null {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  if (Array.isArray(v)) return v.length > 0 ? str(v[0]) : null;
  return null;
}

/** Like `str`, with "" and "-" read as absent. */
export function text(v: unknown): string | null {
  if (typeof v === 'string') return v === '' || v === '-' ? null : v;
  return v === undefined || v === null ? null : orNull(str(v));
}

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A number field (numbers or numeric strings); null otherwise. */
export function num(v: unknown): number | null {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v !== '' && v !== '-' ? Number(v) : Number.NaN;
  return Number.isFinite(n) ? n : null;
}

export type Getter = (o: JsonObject) => unknown;

/**
 * A getter for a dotted path (`request.headers.User-Agent`). Keys that contain dots themselves (`meta.remote_ip`)
 * are found too: at each level the longest key that exists wins. Array elements are reached by index
 * (`headers.Location.0`); a value that is an array is read by its first element where a string is wanted.
 */
export function pathGetter(path: string): Getter {
  if (path === '') throw new AuditError('USAGE', 'empty field path');
  const segs = path.split('.');
  if (segs.length === 1) return (o) => o[path];
  return (o) => walk(o, segs, 0);
}

function walk(o: unknown, segs: readonly string[], from: number): unknown {
  if (from === segs.length) return o;
  if (Array.isArray(o)) {
    const k = Number(segs[from]);
    return Number.isInteger(k) ? walk(o[k], segs, from + 1) : undefined;
  }
  if (!isObject(o)) return undefined;
  for (let to = segs.length; to > from; to--) {
    const key = to === from + 1 ? segs[from]! : segs.slice(from, to).join('.');
    const v = o[key];
    if (v !== undefined) {
      const r = walk(v, segs, to);
      if (r !== undefined) return r;
    }
  }
  return undefined;
}

/** A getter that returns the first of `names` present in the object. */
function firstOf(names: readonly string[]): Getter {
  const [a, b, c] = names;
  if (names.length === 1) return (o) => o[a!];
  if (names.length === 2) return (o) => (o[a!] !== undefined ? o[a!] : o[b!]);
  if (names.length === 3) return (o) => (o[a!] !== undefined ? o[a!] : o[b!] !== undefined ? o[b!] : o[c!]);
  return (o) => {
    for (let i = 0; i < names.length; i++) {
      const v = o[names[i]!];
      if (v !== undefined) return v;
    }
    return undefined;
  };
}

/** The record fields a `--field name=path` option can point at. */
export const MAPPABLE_FIELDS = [
  'address',
  'userAgent',
  'method',
  'target',
  'request',
  'status',
  'location',
  'bodySize',
  'time',
  'referer',
  'host',
  'forwardedFor',
  'duration',
] as const;
export type MappableField = (typeof MAPPABLE_FIELDS)[number];

/** Field names looked up when no path is given, first present wins. */
const DEFAULT_NAMES: Record<MappableField, readonly string[]> = {
  address: ['remote_addr', 'client_ip', 'ip'],
  userAgent: ['http_user_agent', 'user_agent', 'ua'],
  method: ['method', 'request_method'],
  target: ['request_uri', 'uri', 'path'],
  request: ['request'],
  status: ['status'],
  location: ['sent_http_location', 'location', 'upstream_http_location'],
  bodySize: ['content_length', 'http_content_length'],
  // Most precise first: nginx `$msec` has milliseconds, `$time_iso8601` only seconds.
  time: ['msec', 'timestamp', 'ts', 'time_iso8601', 'time', 'time_local', '@timestamp'],
  referer: ['http_referer', 'referer'],
  host: ['host', 'http_host'],
  forwardedFor: ['http_x_forwarded_for', 'xff', 'x_forwarded_for'],
  duration: ['request_time'],
};

const DURATION_UNITS: Record<string, number> = { s: 1000, ms: 1, us: 0.001, ns: 0.000001 };

/**
 * Reads `--field` options (`name=path`, several allowed; `duration=path:ms` gives the unit, seconds by default)
 * into the map `jsonLinesFormat` takes. Throws a USAGE error for an unknown name or a missing path.
 */
export function parseFieldOptions(specs: readonly string[]): Record<string, string> {
  const map: Record<string, string> = {};
  for (const spec of specs) {
    const eq = spec.indexOf('=');
    if (eq <= 0 || eq === spec.length - 1) {
      throw new AuditError('USAGE', `--field "${spec}": expected name=path, e.g. --field userAgent=req.headers.user-agent`);
    }
    map[spec.slice(0, eq).trim()] = spec.slice(eq + 1).trim();
  }
  validateFieldMap(map);
  return map;
}

function validateFieldMap(map: Record<string, string>): void {
  for (const [name, path] of Object.entries(map)) {
    if (!(MAPPABLE_FIELDS as readonly string[]).includes(name)) {
      throw new AuditError('USAGE', `--field: unknown field "${name}"; known fields: ${MAPPABLE_FIELDS.join(', ')}`);
    }
    if (path === '') throw new AuditError('USAGE', `--field ${name}: empty path`);
    if (name === 'duration') {
      const colon = path.lastIndexOf(':');
      if (colon > 0 && !(path.slice(colon + 1) in DURATION_UNITS)) {
        throw new AuditError('USAGE', `--field duration: unknown unit "${path.slice(colon + 1)}" (s, ms, us or ns)`);
      }
    }
  }
}

const CAPABILITIES: FormatCapabilities = { location: true, bodySize: true, host: true, duration: true, forwardedFor: true };

/**
 * The generic JSON-lines format. Without a map it is `nginx-json`: an nginx `log_format ... escape=json` (or any
 * JSON log using nginx-like names). With a map (our field name → dotted path) it is `json-lines`, the mapped
 * fields taking precedence over the common names. Location and body size are read only when the line has the
 * field: a line without it says nothing (locationLogged false, bodySize null).
 */
export function jsonLinesFormat(extraMap?: Readonly<Record<string, string>>): LineFormat {
  const mapped = extraMap && Object.keys(extraMap).length > 0 ? { ...extraMap } : null;
  if (mapped) validateFieldMap(mapped);
  let durationScale = 1000;
  const get = {} as Record<MappableField, Getter>;
  for (const f of MAPPABLE_FIELDS) {
    let path = mapped?.[f];
    if (path !== undefined && f === 'duration') {
      const colon = path.lastIndexOf(':');
      if (colon > 0) {
        durationScale = DURATION_UNITS[path.slice(colon + 1)]!;
        path = path.slice(0, colon);
      }
    }
    get[f] = path !== undefined ? pathGetter(path) : firstOf(DEFAULT_NAMES[f]);
  }
  // An explicitly mapped method/target beats the request line; by default the request line wins (it is what the
  // text formats read, and `$uri` is not always `$request_uri`).
  const targetFirst = mapped !== null && (mapped.target !== undefined || mapped.method !== undefined);
  const gAddress = get.address;
  const gUserAgent = get.userAgent;
  const gMethod = get.method;
  const gTarget = get.target;
  const gRequest = get.request;
  const gStatus = get.status;
  const gLocation = get.location;
  const gBody = get.bodySize;
  const gTime = get.time;
  const gReferer = get.referer;
  const gHost = get.host;
  const gXff = get.forwardedFor;
  const gDuration = get.duration;

  function parse(line: string, input: number, lineNo: number): HttpRecord | string {
    const o = parseJsonLine(line);
    if (typeof o === 'string') return o;
    const sv = gStatus(o);
    if (sv === undefined) return 'no status field';
    const status = statusOf(sv);
    if (Number.isNaN(status)) return `bad status ${JSON.stringify(sv)}`;
    const rec = emptyRecord(input, lineNo);
    rec.status = status;
    const request = gRequest(o);
    const target = targetFirst || typeof request !== 'string' || request === '' ? gTarget(o) : undefined;
    if (typeof request === 'string' && request !== '' && !(targetFirst && typeof target === 'string')) {
      applyRequestLine(rec, request);
    } else if (typeof target === 'string' && target !== '') {
      const method = gMethod(o);
      if (typeof method !== 'string' || method === '') return 'no method field';
      rec.method = method;
      const q = o.args ?? o.query_string;
      applyTarget(rec, typeof q === 'string' && q !== '' && q !== '-' && target.indexOf('?') < 0 ? `${target}?${q}` : target);
    } else {
      return 'no request line or URI field';
    }
    rec.address = text(gAddress(o)) ?? '-';
    rec.userAgent = text(gUserAgent(o));
    rec.referer = text(gReferer(o));
    rec.forwardedFor = firstForwarded(str(gXff(o)));
    const host = text(gHost(o));
    if (host !== null) rec.host = host;
    const lv = gLocation(o);
    if (lv !== undefined) {
      // nginx's escape=json writes "" both for an unset variable and for an empty header (the text formats write
      // `-` and `""`), so on a redirect "" does not say whether a Location was sent: unknown, not "none".
      rec.locationLogged = !(lv === '' && status >= 300 && status < 400 && status !== 304);
      rec.location = text(lv);
    }
    const bv = gBody(o);
    // The field logs the Content-Length header: empty or "-" means the request had none, an empty body.
    if (bv !== undefined) rec.bodySize = bv === '' || bv === '-' || bv === null ? 0 : byteCount(bv);
    const tv = gTime(o);
    if (tv !== undefined) {
      const t = timeToMs(tv);
      if (Number.isNaN(t)) return `bad time ${JSON.stringify(tv)}`;
      rec.time = t;
    }
    const d = num(gDuration(o));
    if (d !== null) rec.duration = d * durationScale;
    const scheme = o.scheme;
    if (typeof scheme === 'string' && (scheme === 'http' || scheme === 'https')) rec.scheme = scheme;
    const cc = o.sent_http_cache_control;
    if (cc !== undefined) rec.cacheControl = text(cc);
    const ex = o.sent_http_expires;
    if (ex !== undefined) rec.expires = text(ex);
    return rec;
  }

  return mapped
    ? {
        name: 'json-lines',
        description: `JSON lines with mapped fields (${Object.entries(mapped)
          .map(([k, v]) => `${k}=${v}`)
          .join(', ')}), other fields by their nginx names`,
        capabilities: CAPABILITIES,
        parse,
      }
    : {
        name: 'nginx-json',
        description:
          'nginx log_format escape=json (or any JSON lines with nginx-like names: remote_addr, request, status, ...); Location, body size, host, duration and X-Forwarded-For when the line has them',
        capabilities: CAPABILITIES,
        parse,
      };
}
