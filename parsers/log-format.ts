/**
 * Access-log formats as data. An nginx `log_format` string or an Apache `LogFormat` string is compiled into a
 * list of literals and fields, and one generic scanner parses any of them: the named presets (`combined`,
 * `common`, ...) are just format strings fed to the same compiler, like GoAccess does.
 */
import { AuditError } from '../core/errors.js';
import { emptyRecord, type HttpRecord } from '../core/model.js';
import type { FormatCapabilities, LineFormat } from './line-format.js';
import { applyRequestLine, applyTarget, firstForwarded, methodIn } from './format-helpers.js';
import { parseIsoTime, parseTimeLocalIn } from './time.js';

/** The fields the scanner knows how to store. Anything else in a format is read and ignored. */
export type FieldName =
  | 'remote_addr'
  | 'remote_user'
  | 'time_local'
  | 'time_local_bracketed'
  | 'time_iso8601'
  | 'msec'
  | 'epoch_ms'
  | 'epoch_us'
  | 'request'
  | 'method'
  | 'request_uri'
  | 'path'
  | 'query'
  | 'protocol'
  | 'status'
  | 'bytes'
  | 'referer'
  | 'user_agent'
  | 'xff'
  | 'request_time_s'
  | 'request_time_us'
  | 'request_time_ms'
  | 'location'
  | 'content_length'
  | 'request_length'
  | 'host'
  | 'scheme'
  | 'cache_control'
  | 'expires'
  | 'ignore';

/** Which instant a time field is: the request's start, its end (the line written), or not known. */
export type TimeIs = 'start' | 'end' | null;

type Token = { kind: 'lit'; text: string } | { kind: 'field'; name: FieldName; source: string; at?: TimeIs };

/**
 * The dialect of a format string. `either` is Apache directive syntax for a layout nginx and Apache both write
 * (the presets: `combined` is nginx's and Apache's), so `%t` is not known to be the start.
 */
export type Syntax = 'nginx' | 'apache' | 'either' | 'auto';

const TIME_FIELDS: ReadonlySet<FieldName> = new Set(['time_local', 'time_local_bracketed', 'time_iso8601', 'msec', 'epoch_ms', 'epoch_us']);

/** Apache's `strftime` of `%t`, the one `%{format}t` reads as a time (others are read and ignored). */
const CLF_STRFTIME = '%d/%b/%Y:%H:%M:%S %z';

const NGINX_VARS: Record<string, FieldName> = {
  remote_addr: 'remote_addr',
  realip_remote_addr: 'remote_addr',
  remote_user: 'remote_user',
  time_local: 'time_local',
  time_iso8601: 'time_iso8601',
  msec: 'msec',
  request: 'request',
  request_method: 'method',
  request_uri: 'request_uri',
  uri: 'path',
  document_uri: 'path',
  args: 'query',
  query_string: 'query',
  server_protocol: 'protocol',
  status: 'status',
  body_bytes_sent: 'bytes',
  bytes_sent: 'bytes',
  http_referer: 'referer',
  http_user_agent: 'user_agent',
  http_x_forwarded_for: 'xff',
  request_time: 'request_time_s',
  sent_http_location: 'location',
  upstream_http_location: 'location',
  content_length: 'content_length',
  http_content_length: 'content_length',
  request_length: 'request_length',
  host: 'host',
  http_host: 'host',
  scheme: 'scheme',
  sent_http_cache_control: 'cache_control',
  sent_http_expires: 'expires',
};

const APACHE_HEADERS_IN: Record<string, FieldName> = {
  referer: 'referer',
  'user-agent': 'user_agent',
  'x-forwarded-for': 'xff',
  'content-length': 'content_length',
  host: 'host',
};
const APACHE_HEADERS_OUT: Record<string, FieldName> = {
  location: 'location',
  'cache-control': 'cache_control',
  expires: 'expires',
};

/** Compiles an nginx `log_format` string (the part after the name, quotes joined). */
export function tokenizeNginx(format: string): Token[] {
  const tokens: Token[] = [];
  let lit = '';
  let i = 0;
  while (i < format.length) {
    const c = format[i]!;
    if (c === '$') {
      let name: string;
      if (format[i + 1] === '{') {
        const end = format.indexOf('}', i + 2);
        if (end < 0) throw new AuditError('BAD_LOG_FORMAT', `log format: unclosed "\${" at position ${i + 1}`);
        name = format.slice(i + 2, end);
        i = end + 1;
      } else {
        const m = /^[A-Za-z0-9_]+/.exec(format.slice(i + 1));
        if (!m) {
          lit += c;
          i++;
          continue;
        }
        name = m[0];
        i += 1 + name.length;
      }
      if (lit) tokens.push({ kind: 'lit', text: lit });
      lit = '';
      const field = NGINX_VARS[name.toLowerCase()] ?? 'ignore';
      // nginx's times ($time_local, $time_iso8601, $msec) are when the line is written: the request's end.
      tokens.push({ kind: 'field', name: field, source: `$${name}`, ...(TIME_FIELDS.has(field) ? { at: 'end' as const } : {}) });
    } else {
      lit += c;
      i++;
    }
  }
  if (lit) tokens.push({ kind: 'lit', text: lit });
  return tokens;
}

/**
 * Compiles an Apache `LogFormat` string. `%t` is when the request was received (its start) in Apache's own logs;
 * `begin` says so for a format string that describes nginx's logs too (`null`: not known).
 */
export function tokenizeApache(format: string, begin: TimeIs = 'start'): Token[] {
  const tokens: Token[] = [];
  let lit = '';
  let i = 0;
  const push = (name: FieldName, source: string, at?: TimeIs) => {
    if (lit) tokens.push({ kind: 'lit', text: lit });
    lit = '';
    tokens.push(at === undefined ? { kind: 'field', name, source } : { kind: 'field', name, source, at });
  };
  while (i < format.length) {
    const c = format[i]!;
    if (c === '\\' && i + 1 < format.length) {
      const n = format[i + 1]!;
      lit += n === 't' ? '\t' : n === 'n' ? '\n' : n;
      i += 2;
      continue;
    }
    if (c !== '%') {
      lit += c;
      i++;
      continue;
    }
    if (format[i + 1] === '%') {
      lit += '%';
      i += 2;
      continue;
    }
    const start = i;
    i++;
    // Modifiers: status conditions (!200,304) and < > before the directive letter.
    while (i < format.length && /[!<>0-9,]/.test(format[i]!)) i++;
    let arg: string | null = null;
    if (format[i] === '{') {
      const end = format.indexOf('}', i);
      if (end < 0) throw new AuditError('BAD_LOG_FORMAT', `log format: unclosed "%{" at position ${start + 1}`);
      arg = format.slice(i + 1, end);
      i = end + 1;
    }
    const d = format[i];
    i++;
    const source = format.slice(start, i);
    switch (d) {
      case 'h':
      case 'a':
        push('remote_addr', source);
        break;
      case 'u':
        push('remote_user', source);
        break;
      case 't': {
        if (arg === null) {
          push('time_local_bracketed', source, begin);
          break;
        }
        const t = apacheTime(arg, begin);
        push(t.field, source, t.at);
        break;
      }
      case 'r':
        push('request', source);
        break;
      case 's':
        push('status', source);
        break;
      case 'b':
      case 'B':
      case 'O':
        push('bytes', source);
        break;
      case 'I':
        push('request_length', source);
        break;
      case 'D':
        push('request_time_us', source);
        break;
      case 'T':
        push(arg === 'ms' ? 'request_time_ms' : arg === 'us' ? 'request_time_us' : 'request_time_s', source);
        break;
      case 'm':
        push('method', source);
        break;
      case 'U':
        push('path', source);
        break;
      case 'q':
        push('query', source);
        break;
      case 'H':
        push('protocol', source);
        break;
      case 'v':
      case 'V':
        push('host', source);
        break;
      case 'i':
        push(APACHE_HEADERS_IN[(arg ?? '').toLowerCase()] ?? 'ignore', source);
        break;
      case 'o':
        push(APACHE_HEADERS_OUT[(arg ?? '').toLowerCase()] ?? 'ignore', source);
        break;
      case undefined:
        throw new AuditError('BAD_LOG_FORMAT', `log format: "%" at the end of "${format}"`);
      default:
        push('ignore', source);
    }
  }
  if (lit) tokens.push({ kind: 'lit', text: lit });
  return tokens;
}

/**
 * `%{format}t`: `begin:` (the default) or `end:` (when the line is written), then `sec`, `msec`, `usec`
 * (since the epoch) or a `strftime` format, read when it is `%t`'s own (`%{end:%d/%b/%Y:%H:%M:%S %z}t`).
 */
function apacheTime(arg: string, begin: TimeIs): { field: FieldName; at: TimeIs } {
  const end = arg.startsWith('end:');
  const at: TimeIs = end ? 'end' : arg.startsWith('begin:') ? 'start' : begin;
  const f = end ? arg.slice(4) : arg.startsWith('begin:') ? arg.slice(6) : arg;
  const field: FieldName =
    f === 'sec' ? 'msec'
    : f === 'msec' ? 'epoch_ms'
    : f === 'usec' ? 'epoch_us'
    : f === CLF_STRFTIME ? 'time_local'
    : f === `[${CLF_STRFTIME}]` ? 'time_local_bracketed'
    : 'ignore';
  return { field, at };
}

/** One step of the scanner: read a field up to `until` (or to the end of the line when `until` is ''). */
interface Step {
  field: FieldName;
  /** The literal that ends the field; '' means "the rest of the line". */
  until: string;
  /** The field sits between double quotes: a `"` preceded by a backslash does not end it. */
  quoted: boolean;
}

export interface CompiledFormat extends LineFormat {
  readonly formatString: string;
  readonly fields: readonly FieldName[];
}

/**
 * Compiles a format string. `syntax` picks the dialect; `auto` treats strings with `$` variables as nginx and
 * `%` directives as Apache.
 */
export function compileLogFormat(
  name: string,
  formatString: string,
  syntax: Syntax = 'auto',
  description = `custom format ${formatString}`,
): CompiledFormat {
  let fmt = formatString.trim();
  // Accept the string as pasted from a config file: `'...' '...'` (nginx) or `"..." combined` (Apache).
  const dialect = syntax === 'either' ? 'apache' : syntax === 'auto' ? (/\$[A-Za-z{]/.test(fmt) ? 'nginx' : '%' === fmt[0] || /%[>{a-zA-Z]/.test(fmt) ? 'apache' : null) : syntax;
  if (!dialect) throw new AuditError('BAD_LOG_FORMAT', `log format "${formatString}" has no $variables or %directives`);
  if (dialect === 'nginx') fmt = joinNginxQuotedParts(fmt);
  else if (fmt.startsWith('"') && fmt.lastIndexOf('"') > 0) fmt = fmt.slice(1, fmt.lastIndexOf('"'));
  const tokens = dialect === 'nginx' ? tokenizeNginx(fmt) : tokenizeApache(fmt, syntax === 'either' ? null : 'start');
  // The instant the record's time is: that of the last time field (each one read overwrites the time).
  let timeIs: TimeIs = null;
  for (const t of tokens) if (t.kind === 'field' && TIME_FIELDS.has(t.name)) timeIs = t.at ?? null;
  const steps: Step[] = [];
  let leading = '';
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.kind === 'lit') {
      if (i === 0) leading = t.text;
      continue;
    }
    const next = tokens[i + 1];
    if (next && next.kind === 'field') {
      throw new AuditError(
        'BAD_LOG_FORMAT',
        `log format: ${t.source} is followed directly by ${next.source}; fields need a separator between them`,
      );
    }
    const prev = tokens[i - 1];
    const until = next ? next.text : '';
    const quoted = prev?.kind === 'lit' && prev.text.endsWith('"') && until.startsWith('"');
    steps.push({ field: t.name, until, quoted });
  }
  const fields = steps.map((s) => s.field);
  const has = (...f: FieldName[]) => f.some((x) => fields.includes(x));
  if (!has('status')) throw new AuditError('BAD_LOG_FORMAT', `log format "${formatString}" has no status field`);
  if (!has('request', 'request_uri', 'path')) {
    throw new AuditError('BAD_LOG_FORMAT', `log format "${formatString}" has no request line or URI field`);
  }
  const capabilities: FormatCapabilities = {
    location: has('location'),
    bodySize: has('content_length'),
    host: has('host'),
    duration: has('request_time_s', 'request_time_ms', 'request_time_us'),
    forwardedFor: has('xff'),
  };
  const locationLogged = capabilities.location;
  const bodyLogged = capabilities.bodySize;

  function parse(line: string, input: number, lineNo: number): HttpRecord | string {
    if (leading && !line.startsWith(leading)) return `expected "${leading}" at the start of the line`;
    let pos = leading.length;
    const rec = emptyRecord(input, lineNo);
    rec.locationLogged = locationLogged;
    rec.timeIs = timeIs;
    let statusSeen = false;
    let query: string | null = null;
    let path: string | null = null;
    for (let s = 0; s < steps.length; s++) {
      const step = steps[s]!;
      let end: number;
      if (step.until === '') {
        end = line.length;
      } else if (step.quoted) {
        end = line.indexOf('"', pos);
        while (end > 0 && line.charCodeAt(end - 1) === 92 /* \ */ && !evenBackslashesBefore(line, end)) {
          end = line.indexOf('"', end + 1);
        }
        if (end >= 0 && step.until.length > 1 && !line.startsWith(step.until, end)) {
          // A stray quote inside the field: look for the full separator instead.
          end = line.indexOf(step.until, end);
        }
      } else {
        end = line.indexOf(step.until, pos);
      }
      if (end < 0) {
        if (s === steps.length - 1 && step.until.trim() === '') end = line.length;
        else return step.field === 'ignore' ? `line ended early (field ${s + 1} of ${steps.length} of the format is missing)` : `line ended before ${describe(step.field)}`;
      }
      const start = pos;
      pos = end + step.until.length;
      // The fields that are only checked are read in place: no string is made for them.
      const field = step.field;
      if (field === 'status') {
        const n =
          end - start === 3
            ? (line.charCodeAt(start) - 48) * 100 + (line.charCodeAt(start + 1) - 48) * 10 + (line.charCodeAt(start + 2) - 48)
            : -1;
        if (!(n >= 100 && n <= 999) || !isDigitsIn(line, start, end)) return `bad status "${line.slice(start, end).slice(0, 40)}"`;
        rec.status = n;
        statusSeen = true;
        continue;
      }
      if (field === 'ignore' || field === 'remote_user') continue;
      if (field === 'bytes') {
        // A byte count is digits or "-". This keeps a shorter format (common) from swallowing the rest of a
        // longer line (a combined line cut inside its User-Agent) as "bytes".
        if (!(end - start === 1 && line.charCodeAt(start) === 45) && !isDigitsIn(line, start, end)) {
          return `bad byte count "${line.slice(start, end).slice(0, 40)}"`;
        }
        continue;
      }
      if (field === 'time_local' || field === 'time_local_bracketed') {
        const b = field === 'time_local_bracketed' ? 1 : 0;
        const t = parseTimeLocalIn(line, start + b, end - b);
        if (Number.isNaN(t)) return `bad time "${line.slice(start, end)}"`;
        rec.time = t;
        continue;
      }
      const v = line.slice(start, end);
      switch (field) {
        case 'remote_addr':
          rec.address = v;
          break;
        case 'time_iso8601': {
          const t = parseIsoTime(v);
          if (Number.isNaN(t)) return `bad time "${v}"`;
          rec.time = t;
          break;
        }
        case 'msec':
        case 'epoch_ms':
        case 'epoch_us': {
          const n = Number(v);
          const t = field === 'msec' ? n * 1000 : field === 'epoch_ms' ? n : n / 1000;
          if (v === '' || !Number.isFinite(t)) return `bad time "${v}"`;
          rec.time = t;
          break;
        }
        case 'request':
          applyRequestLine(rec, v);
          break;
        case 'method':
          rec.method = methodIn(v, 0, v.length);
          break;
        case 'request_uri':
          applyTarget(rec, v);
          break;
        case 'path':
          path = v;
          break;
        case 'query':
          query = v === '-' ? '' : v;
          break;
        case 'referer':
          rec.referer = v === '-' || v === '' ? null : unescapeLogged(v);
          break;
        case 'user_agent':
          rec.userAgent = v === '-' || v === '' ? null : unescapeLogged(v);
          break;
        case 'xff':
          rec.forwardedFor = firstForwarded(v);
          break;
        case 'request_time_s':
          rec.duration = v === '-' ? null : Number(v) * 1000;
          break;
        case 'request_time_ms':
          rec.duration = v === '-' ? null : Number(v);
          break;
        case 'request_time_us':
          rec.duration = v === '-' ? null : Number(v) / 1000;
          break;
        case 'location':
          // "-": no Location header; "": an empty one, which points back at the request's own URL.
          rec.location = v === '-' ? null : unescapeLogged(v);
          break;
        case 'content_length': {
          // The format logs the header: "-" means the request had none, which is an empty body.
          const n = v === '-' || v === '' ? 0 : Number(v);
          rec.bodySize = Number.isFinite(n) ? n : null;
          break;
        }
        case 'host':
          rec.host = v === '-' || v === '' ? null : v;
          break;
        case 'scheme':
          rec.scheme = v === '-' || v === '' ? null : v;
          break;
        case 'cache_control':
          rec.cacheControl = v === '-' || v === '' ? null : v;
          break;
        case 'expires':
          rec.expires = v === '-' || v === '' ? null : v;
          break;
        default:
          break;
      }
    }
    if (!statusSeen) return 'no status';
    if (path !== null) applyTarget(rec, query ? `${path}?${query}` : path);
    if (!bodyLogged) rec.bodySize = null;
    return rec;
  }

  return {
    name,
    description,
    capabilities,
    parse,
    formatString,
    fields,
    spec: { kind: 'log-format', name, format: formatString, syntax, description },
  };
}

function isDigitsIn(line: string, a: number, b: number): boolean {
  if (b <= a) return false;
  for (let i = a; i < b; i++) {
    const c = line.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

function evenBackslashesBefore(line: string, idx: number): boolean {
  let n = 0;
  for (let i = idx - 1; i >= 0 && line.charCodeAt(i) === 92; i--) n++;
  return n % 2 === 0;
}

const LABELS: Partial<Record<FieldName, string>> = {
  time_local: 'time',
  time_local_bracketed: 'time',
  time_iso8601: 'time',
  msec: 'time',
  epoch_ms: 'time',
  epoch_us: 'time',
  request_time_s: 'request time',
  request_time_ms: 'request time',
  request_time_us: 'request time',
  xff: 'X-Forwarded-For',
};

function describe(f: FieldName): string {
  return `the ${LABELS[f] ?? f.replace(/_/g, ' ')} field`;
}

/** nginx writes `\x22` for a quote inside a field, Apache `\"`; turn both back for display and matching. */
function unescapeLogged(v: string): string {
  if (v.indexOf('\\') < 0) return v;
  return v.replace(/\\x([0-9A-Fa-f]{2})|\\(["\\])/g, (_m, hex: string | undefined, ch: string | undefined) =>
    hex ? String.fromCharCode(parseInt(hex, 16)) : (ch ?? ''),
  );
}

/** nginx config syntax: `'$remote_addr - ' '"$request"'` → the concatenated string. Plain strings pass through. */
function joinNginxQuotedParts(fmt: string): string {
  if (!/^['"]/.test(fmt)) return fmt;
  const parts: string[] = [];
  const re = /'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)"|(\s+)|([^'"\s]+)/gy;
  let m: RegExpExecArray | null;
  let sawQuoted = false;
  while ((m = re.exec(fmt))) {
    if (m[1] !== undefined) {
      parts.push(m[1].replace(/\\(.)/g, '$1'));
      sawQuoted = true;
    } else if (m[2] !== undefined) {
      parts.push(m[2].replace(/\\(.)/g, '$1'));
      sawQuoted = true;
    } else if (m[4] !== undefined) {
      if (m[4] === ';') break;
      return fmt; // not a sequence of quoted parts after all
    }
  }
  return sawQuoted ? parts.join('') : fmt;
}
