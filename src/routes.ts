/**
 * Routes: method + path with the query dropped and ids normalised, so that `/orders/123` and `/orders/456` are
 * one route (`GET /orders/{id}`). Numbers, UUIDs and long hex hashes become placeholders.
 */
/** The placeholder for `s[a, b)` when it is an id (digits, a UUID, a hex hash of 16+), else null. */
function placeholder(s: string, a: number, b: number): string | null {
  const len = b - a;
  let digits = true;
  let hex = true;
  for (let i = a; i < b; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) continue;
    digits = false;
    if (!((c >= 97 && c <= 102) || (c >= 65 && c <= 70))) {
      hex = false;
      if (!(len === 36 && c === 45)) return null;
    }
  }
  if (digits) return '{id}';
  if (len === 36 && s.charCodeAt(a + 8) === 45 && s.charCodeAt(a + 13) === 45 && s.charCodeAt(a + 18) === 45 && s.charCodeAt(a + 23) === 45) {
    let dashes = 0;
    for (let i = a; i < b; i++) if (s.charCodeAt(i) === 45) dashes++;
    if (dashes === 4) return '{uuid}';
  }
  return hex && len >= 16 ? '{hash}' : null;
}

/**
 * `/orders/123/items?x=1` → `/orders/{id}/items`. One pass over the path; a path without ids comes back as it
 * was (no allocation), since this runs for every request.
 */
export function normalisePath(target: string): string {
  let end = target.indexOf('?');
  if (end < 0) end = target.length;
  let out: string | null = null;
  let emitted = 0;
  let segStart = 0;
  for (let i = 0; i <= end; i++) {
    if (i === end || target.charCodeAt(i) === 47 /* / */) {
      if (i > segStart) {
        const rep = placeholder(target, segStart, i);
        if (rep !== null) {
          out = (out ?? '') + target.slice(emitted, segStart) + rep;
          emitted = i;
        }
      }
      segStart = i + 1;
    }
  }
  if (out === null) return end === target.length ? target : target.slice(0, end);
  return out + target.slice(emitted, end);
}

export function routeOf(method: string, target: string): string {
  return `${method} ${normalisePath(target)}`;
}
