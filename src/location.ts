/**
 * Where a redirect points: the Location resolved against the request that received it, and whether a later
 * request asks for that URL (docs/semantics.md, "Pairing").
 */
import type { HttpRecord } from '../core/model.js';

export interface Target {
  /** Path and query, as a client sends it in the request line. */
  path: string;
  /** Host name without port, lower case; null when unknown. */
  host: string | null;
  /** `http` or `https` when the Location or the request says so; null when unknown. */
  scheme: string | null;
}

export function stripPort(host: string): string {
  if (host.startsWith('[')) {
    const end = host.indexOf(']');
    return host.slice(0, end + 1).toLowerCase();
  }
  const c = host.indexOf(':');
  return (c < 0 ? host : host.slice(0, c)).toLowerCase();
}

function stripFragment(s: string): string {
  const h = s.indexOf('#');
  return h < 0 ? s : s.slice(0, h);
}

/**
 * Resolves a Location against the request that received it. Absolute and scheme-relative Locations are split
 * by hand rather than through `URL`, which would re-encode the path and drop a bare trailing `?`, so that the
 * target stays comparable with the request line as the client sent it.
 */
export function resolveLocation(r: HttpRecord, location: string): Target | null {
  const loc = location.trim();
  const scheme = r.scheme ? r.scheme.toLowerCase() : null;
  // The common case: an absolute path with no dot segments needs no URL parsing.
  if (loc.charCodeAt(0) === 47 && loc.charCodeAt(1) !== 47 && loc.indexOf('/.') < 0) {
    return { path: stripFragment(loc), host: r.host ? stripPort(r.host) : null, scheme };
  }
  const abs = /^([A-Za-z][A-Za-z0-9+.-]*:)?\/\/([^/?#]*)([^#]*)/.exec(loc);
  if (abs) {
    let host = abs[2]!;
    const at = host.lastIndexOf('@');
    if (at >= 0) host = host.slice(at + 1);
    let path = abs[3]!;
    if (path === '') path = '/';
    else if (path.charCodeAt(0) === 63 /* ? */) path = `/${path}`;
    const s = abs[1] ? abs[1].slice(0, -1).toLowerCase() : scheme;
    return { path, host: host === '' ? null : stripPort(host), scheme: s };
  }
  try {
    const base = `${scheme ?? 'http'}://${r.host ?? 'host.invalid'}${r.target.startsWith('/') ? r.target : '/'}`;
    const u = new URL(loc, base);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return null;
    const host = u.hostname === 'host.invalid' ? null : stripPort(u.host);
    return { path: u.pathname + u.search, host, scheme };
  } catch {
    return null;
  }
}

/** Same path and query; a bare trailing `?` (an empty query) does not make another URL. */
export function sameTarget(a: string, b: string): boolean {
  if (a === b) return true;
  const la = a.length;
  const lb = b.length;
  if (la === lb + 1 && a.charCodeAt(la - 1) === 63) return a.startsWith(b);
  if (lb === la + 1 && b.charCodeAt(lb - 1) === 63) return b.startsWith(a);
  return false;
}

/** `r` asks for the URL `t` (hosts and schemes compared where both are known). */
export function matches(t: Target, r: HttpRecord): boolean {
  if (!sameTarget(r.target, t.path) && !sameTarget(stripFragment(r.target), t.path)) return false;
  if (t.host !== null && r.host !== null && stripPort(r.host) !== t.host) return false;
  return t.scheme === null || r.scheme === null || r.scheme.toLowerCase() === t.scheme;
}

/**
 * A relative Location requested as it was written, without resolving it (`profile?saved=1` sent as the request
 * target): a client that tried to follow and got the URL wrong.
 */
export function requestedVerbatim(location: string, r: HttpRecord): boolean {
  const loc = location.trim();
  if (loc === '' || loc.charCodeAt(0) === 47 || /^[A-Za-z][A-Za-z0-9+.-]*:/.test(loc)) return false;
  return r.target === loc || r.target === stripFragment(loc);
}

/** `r` asks for the same URL as `orig` (hosts compared when both are known). */
export function sameRequestUrl(r: HttpRecord, orig: HttpRecord): boolean {
  if (r.target !== orig.target) return false;
  return r.host === null || orig.host === null || stripPort(r.host) === stripPort(orig.host);
}

/** `prev` is a redirect whose Location is the request `r`. */
export function leadsTo(prev: HttpRecord, r: HttpRecord): boolean {
  if (prev.status < 300 || prev.status >= 400 || prev.status === 304 || prev.location === null) return false;
  const t = resolveLocation(prev, prev.location);
  return t !== null && matches(t, r);
}

export function targetText(t: Target): string {
  return t.host ? `//${t.host}${t.path}` : t.path;
}

export function withSlash(target: string): string {
  const q = target.indexOf('?');
  return q < 0 ? `${target}/` : `${target.slice(0, q)}/${target.slice(q)}`;
}

/** The Referer (absolute: `http://host/path`) names the request `r`'s path and query. */
export function refererNames(referer: string, r: HttpRecord): boolean {
  const s = referer.indexOf('//');
  const p = s < 0 ? referer.indexOf('/') : referer.indexOf('/', s + 2);
  return p >= 0 && referer.slice(p) === r.target;
}
