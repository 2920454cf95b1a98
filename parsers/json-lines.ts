/**
 * JSON-lines access logs: the shared line reader (prefix stripping, one `JSON.parse` per line, field paths) and
 * the generic format that finds fields by their common names (nginx `escape=json` and look-alikes), with an
 * optional map from our field names to paths in the object (the CLI's `--field name=path`).
 *
 * The per-line path avoids object spreads: a line that does not hold a JSON object after an optional prefix is
 * rejected before `JSON.parse` is called, and `nginx-json` reads lines shaped like one it has read before with a
 * regular expression learnt from that line instead of `JSON.parse` (see LineTemplate).
 */
import { AuditError } from '../core/errors.js';
import { emptyRecord, type HttpRecord } from '../core/model.js';
import {
  applyRequestLine,
  applyTarget,
  byteCount,
  decimalNumber,
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
  const n = typeof v === 'number' ? v : typeof v === 'string' && v !== '' && v !== '-' ? decimalNumber(v) : Number.NaN;
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

/** What a record is built from: each field's value as the line holds it, undefined when the line has none. */
type FieldValues = Record<MappableField | 'query' | 'scheme' | 'cacheControl' | 'expires', unknown>;

/**
 * The generic JSON-lines format. Without a map it is `nginx-json`: an nginx `log_format ... escape=json` (or any
 * JSON log using nginx-like names). With a map (our field name → dotted path) it is `json-lines`, the mapped
 * fields taking precedence over the common names. Location and body size are read only when the line has the
 * field: a line without it says nothing (locationLogged false, bodySize null).
 *
 * `nginx-json` first matches the line against templates of the lines it has read (see LineTemplate) and calls
 * `JSON.parse` only when none matches; `{ fastPath: false }` turns that off (the tests compare both ways). What the
 * templates learnt so far changes how fast a line is read, never what it gives.
 */
export function jsonLinesFormat(extraMap?: Readonly<Record<string, string>>, opts: { fastPath?: boolean } = {}): LineFormat {
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

  /** `JSON.parse` and the field getters: any JSON object, any map. */
  function parseGeneric(line: string, input: number, lineNo: number): HttpRecord | string {
    const o = parseJsonLine(line);
    return typeof o === 'string' ? o : toRecord(genericValues(o), input, lineNo);
  }

  function genericValues(o: JsonObject): FieldValues {
    return {
      address: gAddress(o),
      userAgent: gUserAgent(o),
      method: gMethod(o),
      target: gTarget(o),
      request: gRequest(o),
      status: gStatus(o),
      location: gLocation(o),
      bodySize: gBody(o),
      time: gTime(o),
      referer: gReferer(o),
      host: gHost(o),
      forwardedFor: gXff(o),
      duration: gDuration(o),
      query: o.args ?? o.query_string,
      scheme: o.scheme,
      cacheControl: o.sent_http_cache_control,
      expires: o.sent_http_expires,
    };
  }

  // Line templates (see LineTemplate), most recently learnt first. Learning one costs a credit; every line read
  // earns 1/1024 of one, up to MAX_TEMPLATES: a few at once, then one per 1024 lines at most, whatever the log.
  // Trying templates that do not match costs time: when fewer than half of the last 256 JSON lines matched one
  // (escapes in every line, more shapes than templates), the next 4096 lines do without them.
  const templates: LineTemplate[] = [];
  let credit = MAX_TEMPLATES;
  let tried = 0;
  let matched = 0;
  let pause = 0;

  /** `nginx-json`: the templates first, else `parseGeneric`, learning a template from the line. */
  function parseFast(line: string, input: number, lineNo: number): HttpRecord | string {
    if (credit < MAX_TEMPLATES) credit += 1 / 1024;
    if (pause > 0) {
      pause--;
      return parseGeneric(line, input, lineNo);
    }
    const start = jsonObjectStart(line);
    if (start >= 0 && ++tried === 256) {
      if (matched < 128) pause = 4096;
      tried = matched = 0;
    }
    for (let k = 0; start >= 0 && k < templates.length; k++) {
      const t = templates[k]!;
      t.re.lastIndex = start;
      const m = t.re.exec(line);
      if (m !== null) {
        matched++;
        return toRecord(templateValues(t, m), input, lineNo);
      }
    }
    const o = parseJsonLine(line);
    if (typeof o === 'string') return o;
    if (credit >= 1) {
      credit -= 1;
      const t = learnTemplate(line, start);
      if (t !== null && !templates.some((x) => x.re.source === t.re.source) && templates.unshift(t) > MAX_TEMPLATES) {
        templates.pop();
      }
    }
    return toRecord(genericValues(o), input, lineNo);
  }

  function toRecord(v: FieldValues, input: number, lineNo: number): HttpRecord | string {
    const sv = v.status;
    if (sv === undefined) return 'no status field';
    const status = statusOf(sv);
    if (Number.isNaN(status)) return `bad status ${JSON.stringify(sv)}`;
    const rec = emptyRecord(input, lineNo);
    rec.status = status;
    const request = v.request;
    const target = targetFirst || typeof request !== 'string' || request === '' ? v.target : undefined;
    if (typeof request === 'string' && request !== '' && !(targetFirst && typeof target === 'string')) {
      applyRequestLine(rec, request);
    } else if (typeof target === 'string' && target !== '') {
      const method = v.method;
      if (typeof method !== 'string' || method === '') return 'no method field';
      rec.method = method;
      const q = v.query;
      applyTarget(rec, typeof q === 'string' && q !== '' && q !== '-' && target.indexOf('?') < 0 ? `${target}?${q}` : target);
    } else {
      return 'no request line or URI field';
    }
    rec.address = text(v.address) ?? '-';
    rec.userAgent = text(v.userAgent);
    rec.referer = text(v.referer);
    rec.forwardedFor = firstForwarded(str(v.forwardedFor));
    const host = text(v.host);
    if (host !== null) rec.host = host;
    const lv = v.location;
    if (lv !== undefined) {
      // nginx's escape=json writes "" both for an unset variable and for an empty header (the text formats write
      // `-` and `""`), so on a redirect "" does not say whether a Location was sent: unknown, not "none".
      rec.locationLogged = !(lv === '' && status >= 300 && status < 400 && status !== 304);
      rec.location = text(lv);
    }
    const bv = v.bodySize;
    // The field logs the Content-Length header: empty or "-" means the request had none, an empty body.
    if (bv !== undefined) rec.bodySize = bv === '' || bv === '-' || bv === null ? 0 : byteCount(bv);
    const tv = v.time;
    if (tv !== undefined) {
      const t = timeToMs(tv);
      if (Number.isNaN(t)) return `bad time ${JSON.stringify(tv)}`;
      rec.time = t;
    }
    const d = num(v.duration);
    if (d !== null) rec.duration = d * durationScale;
    const scheme = v.scheme;
    if (typeof scheme === 'string' && (scheme === 'http' || scheme === 'https')) rec.scheme = scheme;
    const cc = v.cacheControl;
    if (cc !== undefined) rec.cacheControl = text(cc);
    const ex = v.expires;
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
        spec: { kind: 'json-fields', map: mapped },
        parse: parseGeneric,
      }
    : {
        name: 'nginx-json',
        description:
          'nginx log_format escape=json (or any JSON lines with nginx-like names: remote_addr, request, status, ...); Location, body size, host, duration and X-Forwarded-For when the line has them',
        capabilities: CAPABILITIES,
        parse: opts.fastPath === false ? parseGeneric : parseFast,
      };
}

// -------------------------------------------------------------------------------------------------------------
// The nginx-json fast path: line templates

/**
 * nginx writes every line of a `log_format ... escape=json` with the same keys in the same order, only the values
 * change. A template is that shape as a regular expression, learnt from a line `JSON.parse` has read: the line's
 * text with each value replaced by a pattern that matches a JSON string without escapes (`"[^"\\\0-\x1f]*"`) or a
 * JSON number, as the learnt line had there, and a capture group for each value the record needs. Later lines are
 * matched against it instead of being parsed: the regex engine compares the keys, checks the values and cuts out
 * only the ones used. A line that matches is one `JSON.parse` accepts (the keys, colons, commas and blanks are
 * the learnt line's; each value is a valid string or number), and each captured value is the string or number
 * `JSON.parse` would give. Which key supplies each field (the first present of its names) is also settled once per
 * template. Any other line (an escape in a value, a number where the template has a string, another shape, a
 * truncated line) is parsed by `JSON.parse` as before and may become a template itself.
 *
 * Why: on the benchmark's 2M generated nginx lines of ~550 bytes (bench/out/json-2000000-s42-g1.log),
 * `JSON.parse` alone took 1.5 to 1.6 µs a line and building the record from its object 0.6 µs more; matching a
 * template takes 0.45 µs. Reading the line by hand does not come close: a charCodeAt loop that only looks for
 * control characters (which `JSON.parse` rejects in strings) already takes 0.9 µs, the same check as a regex
 * 0.35 µs, and hopping from quote to quote with `indexOf` while comparing the keys 1.3 µs more. With templates,
 * `node dist/bench/run.js --case parse` on that file went from about 340k to 780k lines/s (best of 3 each).
 */
export interface LineTemplate {
  /** Sticky: matches from `lastIndex` (where the object starts) to the end of the line. */
  re: RegExp;
  /** The capture group of each field's value; 0 when the shape has none of the field's names. */
  group: Record<keyof FieldValues, number>;
  /** The groups that hold numbers. */
  numbers: number[];
}

/** Templates kept per format: a log has one shape, or a few (one log_format per virtual host). */
const MAX_TEMPLATES = 4;

/** The names `nginx-json` reads for each value `toRecord` takes, first present first, as `genericValues` does. */
const TEMPLATE_FIELDS: Record<keyof FieldValues, readonly string[]> = {
  ...DEFAULT_NAMES,
  query: ['args', 'query_string'],
  scheme: ['scheme'],
  cacheControl: ['sent_http_cache_control'],
  expires: ['sent_http_expires'],
};

const STRING_VALUE = String.raw`"[^"\\\u0000-\u001f]*"`;
const STRING_CAPTURE = String.raw`"([^"\\\u0000-\u001f]*)"`;
const NUMBER_VALUE = String.raw`-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?`;

/**
 * The template of `line`, whose JSON object (from `start`) `JSON.parse` has accepted; null when a value is not a
 * string or a number.
 */
export function learnTemplate(line: string, start: number): LineTemplate | null {
  // The object as text between values, and what each value is.
  const texts: string[] = [];
  const keys: { name: string; number: boolean }[] = [];
  let from = start;
  let i = skipBlanks(line, start + 1);
  if (line.charCodeAt(i) !== 125 /* } */) {
    for (;;) {
      const keyEnd = stringEnd(line, i);
      if (keyEnd < 0) return null;
      const name = JSON.parse(line.slice(i, keyEnd)) as string;
      i = skipBlanks(line, keyEnd);
      if (line.charCodeAt(i) !== 58 /* : */) return null;
      i = skipBlanks(line, i + 1);
      texts.push(line.slice(from, i));
      const number = line.charCodeAt(i) !== 34 /* " */;
      const valueEnd = number ? numberEnd(line, i) : stringEnd(line, i);
      if (valueEnd < 0) return null;
      keys.push({ name, number });
      from = valueEnd;
      i = skipBlanks(line, valueEnd);
      if (line.charCodeAt(i) !== 44 /* , */) break;
      i = skipBlanks(line, i + 1);
    }
  }
  if (line.charCodeAt(i) !== 125) return null;
  texts.push(line.slice(from, i + 1));
  // The field each key supplies (the first present of its names, the last of repeated keys as JSON.parse).
  const group = {} as Record<keyof FieldValues, number>;
  const captured = new Map<number, keyof FieldValues>(); // key index → field
  for (const [f, names] of Object.entries(TEMPLATE_FIELDS) as [keyof FieldValues, readonly string[]][]) {
    group[f] = 0;
    for (const n of names) {
      let k = keys.length - 1;
      while (k >= 0 && keys[k]!.name !== n) k--;
      if (k >= 0) {
        captured.set(k, f);
        break;
      }
    }
  }
  const numbers: number[] = [];
  let source = '';
  let groups = 0;
  for (const [k, key] of keys.entries()) {
    source += escapeRegExp(texts[k]!);
    const f = captured.get(k);
    if (f === undefined) {
      source += key.number ? NUMBER_VALUE : STRING_VALUE;
    } else {
      group[f] = ++groups;
      if (key.number) numbers.push(groups);
      source += key.number ? `(${NUMBER_VALUE})` : STRING_CAPTURE;
    }
  }
  // Blanks after the object as parseJsonLine allows them.
  source += `${escapeRegExp(texts[keys.length]!)}[ \\t\\r]*$`;
  return { re: new RegExp(source, 'y'), group, numbers };
}

function templateValues(t: LineTemplate, m: RegExpExecArray): FieldValues {
  const v: unknown[] = m;
  for (let k = 0; k < t.numbers.length; k++) v[t.numbers[k]!] = Number(v[t.numbers[k]!]);
  const g = t.group;
  return {
    address: at(v, g.address),
    userAgent: at(v, g.userAgent),
    method: at(v, g.method),
    target: at(v, g.target),
    request: at(v, g.request),
    status: at(v, g.status),
    location: at(v, g.location),
    bodySize: at(v, g.bodySize),
    time: at(v, g.time),
    referer: at(v, g.referer),
    host: at(v, g.host),
    forwardedFor: at(v, g.forwardedFor),
    duration: at(v, g.duration),
    query: at(v, g.query),
    scheme: at(v, g.scheme),
    cacheControl: at(v, g.cacheControl),
    expires: at(v, g.expires),
  };
}

function at(v: readonly unknown[], group: number): unknown {
  return group === 0 ? undefined : v[group];
}

function escapeRegExp(s: string): string {
  return s.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');
}

/** Past JSON's blanks (space, tab, LF, CR) from `i`. */
function skipBlanks(s: string, i: number): number {
  for (;;) {
    const c = s.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 10 && c !== 13) return i;
    i++;
  }
}

/** Past the JSON string that opens at `i`, or -1. */
function stringEnd(s: string, i: number): number {
  if (s.charCodeAt(i) !== 34 /* " */) return -1;
  for (let j = i + 1; j < s.length; j++) {
    const c = s.charCodeAt(j);
    if (c === 34) return j + 1;
    if (c === 92 /* \ */) j++;
  }
  return -1;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** Past the JSON number that starts at `i`, or -1 if none does (JSON's grammar: no `+`, `.5`, `01`). */
function numberEnd(s: string, i: number): number {
  if (s.charCodeAt(i) === 45 /* - */) i++;
  let c = s.charCodeAt(i);
  if (c === 48 /* 0 */) i++;
  else if (c >= 49 && c <= 57) while (isDigit(s.charCodeAt(++i)));
  else return -1;
  if (s.charCodeAt(i) === 46 /* . */) {
    if (!isDigit(s.charCodeAt(++i))) return -1;
    while (isDigit(s.charCodeAt(++i)));
  }
  c = s.charCodeAt(i);
  if (c === 101 || c === 69 /* e E */) {
    c = s.charCodeAt(++i);
    if (c === 43 || c === 45) c = s.charCodeAt(++i);
    if (!isDigit(c)) return -1;
    while (isDigit(s.charCodeAt(++i)));
  }
  return i;
}
