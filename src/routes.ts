/**
 * Routes: method + path with the query dropped and ids normalised, so that `/orders/123` and `/orders/456` are
 * one route (`GET /orders/{id}`). Numbers, UUIDs and long hex hashes become placeholders.
 */
import { detach } from './strings.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const HEX = /^[0-9a-f]{16,}$/i;

function normaliseSegment(seg: string): string {
  if (seg === '') return seg;
  let digits = true;
  for (let i = 0; i < seg.length; i++) {
    const c = seg.charCodeAt(i);
    if (c < 48 || c > 57) {
      digits = false;
      break;
    }
  }
  if (digits) return '{id}';
  if (seg.length === 36 && UUID.test(seg)) return '{uuid}';
  if (seg.length >= 16 && HEX.test(seg)) return '{hash}';
  return seg;
}

const cache = new Map<string, string>();

/** `/orders/123/items?x=1` → `/orders/{id}/items`. */
export function normalisePath(target: string): string {
  const q = target.indexOf('?');
  const path = q < 0 ? target : target.slice(0, q);
  const hit = cache.get(path);
  if (hit !== undefined) return hit;
  const out = detach(path.split('/').map(normaliseSegment).join('/'));
  if (cache.size > 50_000) cache.clear();
  cache.set(detach(path), out);
  return out;
}

export function routeOf(method: string, target: string): string {
  return `${method} ${normalisePath(target)}`;
}
