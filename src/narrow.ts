/**
 * Narrowing, shared by every command: `--since/--until` (absolute or relative to now) and `--client` select
 * records before pairing; `--route` and `--status` select which redirects are counted (their follow-ups are
 * still read, whatever their route or status, so pairing is not broken by the narrowing).
 */
import { parseDurationMs } from '../core/duration.js';
import { AuditError } from '../core/errors.js';
import type { HttpRecord } from '../core/model.js';
import { normalisePath } from './routes.js';

/**
 * `2h`, `30m`, `7d`, `1h30m` (before `now`; the grammar of `core/duration.ts`, with its unit written), or an ISO
 * date/time (`2026-11-25`, `2026-11-25T10:00:00Z`).
 */
export function parseWhen(v: string, now = Date.now(), flag = '--since'): number {
  const rel = /^\d+(?:\.\d+)?$/.test(v.trim()) ? null : parseDurationMs(v);
  if (rel !== null) return now - rel;
  const t = Date.parse(/^\d{4}-\d\d-\d\d$/.test(v.trim()) ? `${v.trim()}T00:00:00Z` : v.trim());
  if (Number.isNaN(t)) throw new AuditError('USAGE', `${flag}: "${v}" is neither a date (2026-11-25T10:00:00Z) nor a duration (2h, 7d)`);
  return t;
}

/** A glob over a path or a route (`POST /orders/*`, `/api/**`): `*` is one segment's worth, `**` anything. */
export function globMatcher(glob: string): (method: string, target: string) => boolean {
  const g = glob.trim();
  const sp = g.indexOf(' ');
  const method = sp > 0 && /^[A-Z]+$/.test(g.slice(0, sp)) ? g.slice(0, sp) : null;
  const pattern = method ? g.slice(sp + 1) : g;
  const re = new RegExp(
    `^${pattern
      .split('**')
      .map((part) => part.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[^/]*'))
      .join('.*')}$`,
  );
  return (m, target) => {
    if (method && m !== method) return false;
    const q = target.indexOf('?');
    const path = q < 0 ? target : target.slice(0, q);
    return re.test(path) || re.test(normalisePath(path));
  };
}

export interface Narrowing {
  since?: number | undefined;
  until?: number | undefined;
  client?: string | undefined;
  route?: string | undefined;
  statuses?: number[] | undefined;
}

/** The record filter (time and client), or undefined when nothing narrows records. */
export function recordFilter(n: Narrowing): ((r: HttpRecord) => boolean) | undefined {
  const { since, until, client } = n;
  if (since === undefined && until === undefined && client === undefined) return undefined;
  return (r) => {
    if (since !== undefined && !(r.time >= since)) return false;
    if (until !== undefined && !(r.time < until)) return false;
    if (client !== undefined && r.address !== client && r.forwardedFor !== client && !(r.userAgent ?? '').includes(client)) {
      return false;
    }
    return true;
  };
}

/** The redirect filter (route and status), or undefined. */
export function redirectFilter(n: Narrowing): ((r: HttpRecord) => boolean) | undefined {
  const route = n.route ? globMatcher(n.route) : null;
  const statuses = n.statuses && n.statuses.length ? new Set(n.statuses) : null;
  if (!route && !statuses) return undefined;
  return (r) => (!route || route(r.method, r.target)) && (!statuses || statuses.has(r.status));
}

export function parseStatuses(v: string): number[] {
  return v.split(',').map((s) => {
    const n = Number(s.trim());
    if (!Number.isInteger(n) || n < 100 || n > 999) throw new AuditError('USAGE', `--status: "${s}" is not a status code`);
    return n;
  });
}
