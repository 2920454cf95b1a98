/**
 * The joint assignment's second thoughts (src/pairing.ts, docs/semantics.md section 3.3): improving the greedy
 * assignment, and finding redirects whose follow-ups could have been each other's (a client running requests in
 * parallel) where that would change what is judged.
 */
import { breaksRule } from './classify.js';
import type { Edge, Item, Open } from './pairing-state.js';

/**
 * Takes the greedy assignment (strongest pairs first) closer to the best total: a redirect left without a
 * follow-up takes one from another redirect when that one can take a free request instead and the total
 * evidence grows (two redirects each preceded by its follow-up, in completion order, no longer leave one
 * unfollowed because the first took the second's). Repeated until nothing improves.
 */
export function improve(xs: Open[], byX: Map<Open, Edge[]>, assigned: Map<Open, Edge>, owner: Map<Item, Edge>): void {
  for (let round = 0; round < 4; round++) {
    let changed = false;
    for (const x of xs) {
      if (assigned.has(x)) continue;
      let best: { e: Edge; o: Edge; a: Edge } | null = null;
      let gain = 0;
      for (const e of byX.get(x) ?? []) {
        const o = owner.get(e.c);
        if (!o) {
          best = null;
          assigned.set(x, e);
          owner.set(e.c, e);
          changed = true;
          break;
        }
        for (const a of byX.get(o.x) ?? []) {
          if (a === o || owner.has(a.c)) continue;
          const g = e.score + a.score - o.score;
          if (g > gain) {
            gain = g;
            best = { e, o, a };
          }
        }
      }
      if (best) {
        assigned.set(best.o.x, best.a);
        owner.set(best.a.c, best.a);
        assigned.set(x, best.e);
        owner.set(best.e.c, best.e);
        changed = true;
      }
    }
    if (!changed) return;
  }
}

export const OVERLAP =
  'other redirects of this client to the same URL were open at the same time, and the log cannot tell which follow-up was whose';

/**
 * Redirects whose follow-ups cannot be told apart. A client running requests in parallel has several redirects
 * to one URL open at once, and their follow-ups finish in any order, so the order of the lines says nothing of
 * which was whose. Among the client's redirects to one URL close in time (within the reorder allowance of each
 * other), the violations the assignment found stand only as far as every other way of pairing the same requests
 * has as many: when the requests can be paired with fewer violations, the violating pairs are undetermined.
 * A client that follows one redirect at a time loses nothing here: its violations are there in every pairing.
 */
export function contested(assigned: Map<Open, Edge>, reorderMs: number): Set<Open> {
  const byUrl = new Map<string, Edge[]>();
  for (const e of assigned.values()) {
    const k = e.x.target ? e.x.target.path : e.c.rec.target;
    let list = byUrl.get(k);
    if (!list) byUrl.set(k, (list = []));
    list.push(e);
  }
  const out = new Set<Open>();
  for (const list of byUrl.values()) {
    if (list.length < 2) continue;
    list.sort((a, b) => a.x.item.t - b.x.item.t);
    let group: Edge[] = [];
    const close = () => {
      if (group.length < 2) return;
      const bad = group.filter((e) => breaksRule(e.x.item.rec, e.c.rec));
      if (bad.length === 0) return;
      if (group.length - rightMatching(group) < bad.length) for (const e of bad) out.add(e.x);
    };
    for (const e of list) {
      const prev = group[group.length - 1];
      if (prev && e.x.item.t - prev.x.item.t > reorderMs + 1000) {
        close();
        group = [];
      }
      group.push(e);
    }
    close();
  }
  return out;
}

/** The most redirects of `group` that can each get one of the group's follow-ups without breaking its rule. */
function rightMatching(group: Edge[]): number {
  const taken = new Map<Item, number>();
  const fits = group.map((e) => group.map((o) => !breaksRule(e.x.item.rec, o.c.rec)));
  const tryAssign = (i: number, seen: Set<number>): boolean => {
    for (let j = 0; j < group.length; j++) {
      if (!fits[i]![j] || seen.has(j)) continue;
      seen.add(j);
      const c = group[j]!.c;
      const holder = taken.get(c);
      if (holder === undefined || tryAssign(holder, seen)) {
        taken.set(c, i);
        return true;
      }
    }
    return false;
  };
  let n = 0;
  for (let i = 0; i < group.length; i++) if (tryAssign(i, new Set())) n++;
  return n;
}
