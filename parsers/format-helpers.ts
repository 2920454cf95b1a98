/**
 * Small field readers shared by the structured formats (JSON lines, ALB, W3C, HAProxy): request lines, targets,
 * `ip:port` pairs, epoch numbers. No regex on the per-line path except where noted.
 */
import type { HttpRecord } from '../core/model.js';
import { parseIsoTime, parseTimeLocal } from './time.js';

/** The methods nearly every line has: one shared string each (see `methodIn`). */
const METHODS = ['GET', 'POST', 'HEAD', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'];

/**
 * The method written in `s` from `start` to `end`: a known one as the shared constant, else cut out. A method is
 * too short for V8 to cut (it copies strings under 13 characters), so every record made its own: a held request
 * carried 24 bytes of "GET" (5 MB of a 50,000 lines/s log's pairing state, bench/profile.md), and comparing two
 * methods compared characters.
 */
export function methodIn(s: string, start: number, end: number): string {
  const n = end - start;
  for (const m of METHODS) if (m.length === n && s.startsWith(m, start)) return m;
  return s.slice(start, end);
}

/** "GET /path HTTP/1.1" → method and target (absolute-form targets give scheme and host too). */
export function applyRequestLine(rec: HttpRecord, v: string): void {
  const sp = v.indexOf(' ');
  if (sp <= 0) {
    rec.method = '-';
    rec.target = v;
    return;
  }
  rec.method = methodIn(v, 0, sp);
  const last = v.lastIndexOf(' ');
  applyTarget(rec, last > sp && v.startsWith('HTTP/', last + 1) ? v.slice(sp + 1, last) : v.slice(sp + 1));
}

/** Stores the request target; an absolute-form target (`http://host:port/x`) also gives scheme and host. */
export function applyTarget(rec: HttpRecord, target: string): void {
  const c = target.charCodeAt(0);
  if (c !== 47 /* / */ && (c === 104 || c === 72) /* h H */ && /^https?:\/\//i.test(target)) {
    try {
      const u = new URL(target);
      rec.scheme = u.protocol.slice(0, -1);
      rec.host = u.host;
      rec.target = u.pathname + u.search;
      return;
    } catch {
      // keep it as logged
    }
  }
  rec.target = target;
}

/** `1.2.3.4:5678` → `1.2.3.4`, `[::1]:5678` → `::1`, for fields that always carry a port (the last colon). */
export function stripPort(v: string): string {
  if (v.charCodeAt(0) === 91 /* [ */) {
    const end = v.indexOf(']');
    return end > 0 ? v.slice(1, end) : v;
  }
  const colon = v.lastIndexOf(':');
  return colon > 0 ? v.slice(0, colon) : v;
}

/** First address of an X-Forwarded-For list; null for "", "-" or an empty first element. */
export function firstForwarded(v: string | null | undefined): string | null {
  if (v === null || v === undefined || v === '' || v === '-') return null;
  const comma = v.indexOf(',');
  const first = (comma < 0 ? v : v.slice(0, comma)).trim();
  return first === '' || first === '-' ? null : first;
}

/** "" and "-" are how logs write "no value". */
export function orNull(v: string | null | undefined): string | null {
  return v === undefined || v === null || v === '' || v === '-' ? null : v;
}

/**
 * An epoch number in any usual unit → milliseconds, by magnitude (seconds < 1e11 ≤ ms < 1e14 ≤ µs < 1e17 ≤ ns).
 * Any date between 1973 and 5138 is read right in every unit.
 */
export function epochToMs(n: number): number {
  if (!Number.isFinite(n) || n <= 0) return Number.NaN;
  if (n < 1e11) return n * 1000;
  if (n < 1e14) return n;
  if (n < 1e17) return n / 1000;
  return n / 1e6;
}

/** A time value from a structured log: epoch number (any unit), numeric string, ISO 8601, or nginx `$time_local`. */
export function timeToMs(v: unknown): number {
  if (typeof v === 'number') return epochToMs(v);
  if (typeof v !== 'string' || v.length === 0) return Number.NaN;
  const c = v.charCodeAt(0);
  if (v.length >= 19 && v.charCodeAt(4) === 45 /* - */) {
    const t = parseIsoTime(v);
    if (!Number.isNaN(t)) return t;
    // "2026-11-25 15:19:15" style (space instead of T, no zone): read as UTC.
    if (v.charCodeAt(10) === 32) return parseIsoTime(`${v.slice(0, 10)}T${v.slice(11)}${hasZone(v) ? '' : 'Z'}`);
    return Number.NaN;
  }
  if (v.length === 26 && v.charCodeAt(2) === 47 /* / */) return parseTimeLocal(v);
  if (c >= 48 && c <= 57) return epochToMs(decimalNumber(v));
  return Number.NaN;
}

const POW10 = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

/**
 * `Number(s)`, read without a call into the runtime when `s` is plain digits with at most one inner dot and at
 * most 15 digits (nginx `$msec`, `$request_time`): the digits as an integer and the power of ten are then both
 * exact doubles, so their quotient is the correctly rounded value, the one `Number` gives.
 */
export function decimalNumber(s: string): number {
  const n = s.length;
  if (n === 0 || n > 16) return Number(s);
  let m = 0;
  let dot = -1;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) m = m * 10 + (c - 48);
    else if (c === 46 /* . */ && dot < 0 && i > 0 && i < n - 1) dot = i;
    else return Number(s);
  }
  if (dot < 0) return n > 15 ? Number(s) : m;
  return m / POW10[n - 1 - dot]!;
}

function hasZone(v: string): boolean {
  const z = v.charCodeAt(v.length - 1);
  if (z === 90 /* Z */) return true;
  const s = v.length >= 6 ? v.charCodeAt(v.length - 6) : 0;
  return s === 43 || s === 45; // +hh:mm / -hh:mm
}

/** A status code as a number 100..999, or NaN. Accepts numbers and numeric strings. */
export function statusOf(v: unknown): number {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.length === 3 ? +v : Number.NaN;
  return Number.isInteger(n) && n >= 100 && n <= 999 ? n : Number.NaN;
}

/** A byte count from a header value or a number; null when missing or not a non-negative integer. */
export function byteCount(v: unknown): number | null {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v !== '' ? Number(v) : Number.NaN;
  return Number.isInteger(n) && n >= 0 ? n : null;
}

/** Shortens a line for a skip reason. */
export function clip(s: string, n = 60): string {
  return s.length > n ? `${s.slice(0, n)}…` : s;
}
