/**
 * Which of a client's requests the pairing engine looks at for a redirect: the nearest ones in time, or, when
 * many redirects are decided at once, those whose URL (or Referer) can fit it, through an index built once.
 * Either way a bounded number, so that a busy client costs the same per redirect as a quiet one.
 */
import { compareItems, lowerBound, type Item, type Open } from './pairing-state.js';

/** Requests looked at around a redirect, before it (logged early) and after it. */
export const SCAN_BEFORE = 32;
export const SCAN_AFTER = 160;

/** The client's requests around a redirect: at most SCAN_BEFORE before it (within `back`), SCAN_AFTER after. */
export function nearby(items: Item[], t0: number, back: number, window: number): Item[] {
  const around: Item[] = [];
  const at = lowerBound(items, t0);
  for (let i = at - 1, n = 0; i >= 0 && n < SCAN_BEFORE; i--, n++) {
    const c = items[i]!;
    if (c.t < t0 - back) break;
    around.push(c);
  }
  around.reverse();
  for (let i = at, n = 0; i < items.length && n < SCAN_AFTER; i++, n++) {
    const c = items[i]!;
    if (c.t > t0 + window) break;
    around.push(c);
  }
  return around;
}

/** A URL as both a request target and a resolved Location compare: no fragment, no bare trailing `?`. */
function urlKey(target: string): string {
  const h = target.indexOf('#');
  const s = h < 0 ? target : target.slice(0, h);
  return s.endsWith('?') ? s.slice(0, -1) : s;
}

/**
 * A client's requests in a time range by URL, by the path their Referer names, and by trace. A redirect is offered
 * only requests `nearby` would look at (by position as well as time): the same requests whether its client's
 * redirects are decided one at a time or many at once, and none that the engine may have dropped already.
 */
export class UrlIndex {
  private readonly byUrl = new Map<string, Item[]>();
  private readonly byReferer = new Map<string, Item[]>();
  private readonly byTrace = new Map<string, Item[]>();
  private readonly pos = new Map<Item, number>();

  constructor(private readonly items: Item[], from: number, to: number) {
    for (let i = lowerBound(items, from); i < items.length; i++) {
      const c = items[i]!;
      if (c.t > to) break;
      this.pos.set(c, i);
      push(this.byUrl, urlKey(c.rec.target), c);
      const ref = c.rec.referer;
      if (ref !== null) {
        const s = ref.indexOf('//');
        const p = s < 0 ? ref.indexOf('/') : ref.indexOf('/', s + 2);
        if (p >= 0) push(this.byReferer, ref.slice(p), c);
      }
      if (c.rec.traceId !== null) push(this.byTrace, c.rec.traceId, c);
    }
  }

  /** The requests that can have a strong clue for `x` within [from, to] (its URL, Referer or trace), in time order. */
  candidates(x: Open, from: number, to: number): Item[] {
    const out: Item[] = [];
    const at = lowerBound(this.items, x.item.t);
    const lo = at - SCAN_BEFORE;
    const hi = at + SCAN_AFTER;
    const take = (list: Item[] | undefined) => {
      if (!list) return;
      for (let i = lowerBound(list, from), n = 0; i < list.length && n < SCAN_AFTER; i++, n++) {
        const c = list[i]!;
        if (c.t > to) break;
        const p = this.pos.get(c)!;
        if (p >= lo && p < hi) out.push(c);
      }
    };
    const r = x.item.rec;
    if (x.target) {
      take(this.byUrl.get(urlKey(x.target.path)));
      if (r.location !== null && !r.location.startsWith('/')) take(this.byUrl.get(urlKey(r.location.trim())));
    } else {
      for (const [url, list] of this.byUrl) {
        let fit = (x.learned !== null && url.startsWith(x.prefix)) || url === x.slash;
        if (!fit) for (const k of x.tokens!.keys()) if (url.includes(k)) fit = true;
        if (fit) take(list);
      }
      take(this.byReferer.get(r.target));
    }
    if (r.traceId !== null) take(this.byTrace.get(r.traceId));
    return out.length > 1 ? [...new Set(out)].sort(compareItems) : out;
  }
}

function push(m: Map<string, Item[]>, k: string, c: Item): void {
  const list = m.get(k);
  if (list) list.push(c);
  else m.set(k, [c]);
}
