/**
 * One HAR entry (already `JSON.parse`d) to one `HttpRecord`: a pure function, so the rules for each field are
 * in one place. Returns a string (why) when the entry cannot become a record.
 */
import { emptyRecord, type HttpRecord } from '../core/model.js';

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Scheme, host (lower case, default port dropped) and origin-form target of an absolute URL. */
export interface UrlParts {
  scheme: string;
  host: string;
  target: string;
}

const ABSOLUTE_URL = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)([^#]*)/;
const DEFAULT_PORT: Record<string, string> = { http: ':80', https: ':443', ws: ':80', wss: ':443' };

export function splitUrl(url: string): UrlParts | null {
  const m = ABSOLUTE_URL.exec(url);
  if (!m) return null;
  const scheme = m[1]!.toLowerCase();
  let host = m[2]!;
  const at = host.lastIndexOf('@');
  if (at >= 0) host = host.slice(at + 1);
  host = host.toLowerCase();
  const port = DEFAULT_PORT[scheme];
  if (port && host.endsWith(port)) host = host.slice(0, -port.length);
  if (host === '') return null;
  let target = m[3]!;
  if (target === '') target = '/';
  else if (target[0] === '?') target = '/' + target;
  return { scheme, host, target };
}

function describe(method: unknown, url: unknown): string {
  const text = `${typeof method === 'string' ? method : '?'} ${typeof url === 'string' ? url : '?'}`;
  return text.length > 200 ? text.slice(0, 199) + '…' : text;
}

/** What one entry became: a record, or why not (with a short description of the entry, '' when there is none). */
export type EntryResult = { kind: 'record'; record: HttpRecord } | { kind: 'skip'; reason: string; text: string };

/**
 * Makes the record of one entry. `address` is the capture's client id (`har:<creator>`), used unless the entry
 * records the client's own address (`_clientAddress` or `clientIPAddress`, written by some proxies).
 */
export function recordFromEntry(entry: unknown, input: number, line: number, address: string): EntryResult {
  if (!isObject(entry)) return skip('entry is not an object', '');
  const req = entry['request'];
  const res = entry['response'];
  if (!isObject(req)) return skip('entry has no "request" object', '');
  const method = req['method'];
  const url = req['url'];
  if (!isObject(res)) return skip('entry has no "response" object', describe(method, url));
  if (typeof method !== 'string' || method === '') return skip('"request.method" is missing', describe(method, url));
  if (typeof url !== 'string') return skip('"request.url" is missing', describe(method, url));
  const status = statusOf(res['status']);
  if (status === null) return skip('"response.status" is not a number', describe(method, url));

  const r = emptyRecord(input, line);
  r.method = method;
  r.status = status;
  r.locationLogged = true;

  // Request headers: User-Agent, Referer, X-Forwarded-For (and Host, for a URL recorded without one).
  let hostHeader: string | null = null;
  const reqHeaders = req['headers'];
  if (Array.isArray(reqHeaders)) {
    for (const h of reqHeaders) {
      if (!isObject(h)) continue;
      const name = h['name'];
      const value = h['value'];
      if (typeof name !== 'string' || typeof value !== 'string') continue;
      switch (name.toLowerCase()) {
        case 'user-agent':
          r.userAgent ??= value;
          break;
        case 'referer':
          r.referer ??= value;
          break;
        case 'x-forwarded-for':
          r.forwardedFor ??= value.split(',')[0]!.trim() || null;
          break;
        case 'host':
        case ':authority':
          hostHeader ??= value.toLowerCase();
          break;
      }
    }
  }

  const parts = splitUrl(url);
  if (parts) {
    r.scheme = parts.scheme;
    r.host = parts.host;
    r.target = parts.target;
  } else if (url.startsWith('/')) {
    // Origin-form URL (some recorders): the Host header says where it went.
    r.host = hostHeader;
    r.target = url.split('#')[0]!;
  } else {
    return skip('"request.url" is not an absolute http(s) URL', describe(method, url));
  }

  // Response headers: Location, caching, and Chrome's mark of a browser-made response.
  let location: string | null = null;
  let cacheControl: string | null = null;
  let nonAuthoritative = false;
  const resHeaders = res['headers'];
  if (Array.isArray(resHeaders)) {
    for (const h of resHeaders) {
      if (!isObject(h)) continue;
      const name = h['name'];
      const value = h['value'];
      if (typeof name !== 'string' || typeof value !== 'string') continue;
      switch (name.toLowerCase()) {
        case 'location':
          location ??= value;
          break;
        case 'cache-control':
          cacheControl = cacheControl === null ? value : `${cacheControl}, ${value}`;
          break;
        case 'expires':
          r.expires ??= value;
          break;
        case 'non-authoritative-reason':
          nonAuthoritative = true;
          break;
      }
    }
  }
  const redirectURL = res['redirectURL'];
  r.location = typeof redirectURL === 'string' && redirectURL !== '' ? redirectURL : location;
  r.cacheControl = cacheControl;
  r.internal = status >= 300 && status < 400 && (res['statusText'] === 'Internal Redirect' || nonAuthoritative);

  const started = entry['startedDateTime'];
  r.time = typeof started === 'string' ? Date.parse(started) : Number.NaN;
  // When the browser began the request; `time` is the whole exchange, so start + time is when it had the answer.
  r.timeIs = 'start';
  const time = entry['time'];
  r.duration = typeof time === 'number' && Number.isFinite(time) && time >= 0 ? time : null;

  const own = entry['_clientAddress'] ?? entry['clientIPAddress'];
  r.address = typeof own === 'string' && own !== '' ? own : address;

  r.bodySize = bodySizeOf(req, method);
  return { kind: 'record', record: r };
}

function skip(reason: string, text: string): EntryResult {
  return { kind: 'skip', reason, text };
}

function statusOf(v: unknown): number | null {
  if (typeof v === 'number') return Number.isInteger(v) && v >= 0 ? v : null;
  if (typeof v === 'string' && /^\d{1,3}$/.test(v)) return Number(v);
  return null;
}

/**
 * A non-empty postData.text's UTF-8 length (Chrome exports can say bodySize 0 next to a 2950-byte text), else
 * request.bodySize when known (>= 0: Playwright with `content: 'omit'` writes an empty text and the real size
 * there), else 0 for GET/HEAD, else unknown.
 */
function bodySizeOf(req: Json, method: string): number | null {
  const postData = req['postData'];
  if (isObject(postData) && typeof postData['text'] === 'string' && postData['text'] !== '') {
    return Buffer.byteLength(postData['text'], 'utf8');
  }
  const size = req['bodySize'];
  if (typeof size === 'number' && Number.isFinite(size) && size >= 0) return size;
  const m = method.toUpperCase();
  return m === 'GET' || m === 'HEAD' ? 0 : null;
}
