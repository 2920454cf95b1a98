/**
 * Evidence for "this request followed that redirect" when the log does not record Location (docs/semantics.md,
 * "Pairing without Location"). Each clue adds to a score; a pair is taken only with a strong clue, and never
 * because of the candidate's method or body, which are what is being judged.
 *
 * - Templates: a candidate's URL written in terms of the redirect's own tokens. After `POST /orders/123/pay`,
 *   `/orders/123/done` is `/orders/{p2}/done` (the redirect's second path segment), `/orders/987` is
 *   `/orders/{id}` (an id of its own) and `/api/v2/items` stays literal. What a route redirects to is learned as
 *   the template most of its redirects are followed by: exactly, from pairs whose Location is logged (in any
 *   input), or from the population (the first requests after each of the route's redirects), and only where one
 *   template clearly dominates: a route whose targets are inconsistent (a URL shortener) learns nothing.
 * - Delays: how long clients take to follow, learned from the pairs the engine is sure of.
 */
import { intern } from '../core/strings.js';
import { normalisePath } from './routes.js';

/** No tokens (shared, never written: about half of all redirects carry none, and an empty Map is ~150 bytes). */
export const NO_TOKENS: ReadonlyMap<string, string> = new Map();

/** A redirect's distinctive tokens: path segments that are ids or long, and query values, by position. */
export function tokensOf(target: string): ReadonlyMap<string, string> {
  let out: Map<string, string> | null = null;
  const q = target.indexOf('?');
  const path = q < 0 ? target : target.slice(0, q);
  const segs = path.split('/');
  for (let i = 1; i < segs.length; i++) {
    const s = segs[i]!;
    if (distinctive(s) && !out?.has(s)) (out ??= new Map()).set(s, `{p${i}}`);
  }
  if (q >= 0) {
    for (const kv of target.slice(q + 1).split('&')) {
      const e = kv.indexOf('=');
      const v = e < 0 ? '' : kv.slice(e + 1);
      if (v.length >= 3 && !out?.has(v)) (out ??= new Map()).set(v, `{q:${e < 0 ? kv : kv.slice(0, e)}}`);
    }
  }
  return out ?? NO_TOKENS;
}

/** A number (an id however short), long enough with a digit, or long: worth carrying from a redirect to its target. */
function distinctive(s: string): boolean {
  if (/^\d+$/.test(s)) return true;
  if (s.length < 3) return false;
  if (/\d/.test(s)) return true;
  return s.length >= 12;
}

/** `target` written in terms of the redirect's tokens (see `tokensOf`); ids of its own become `{id}`. */
export function templateOf(tokens: ReadonlyMap<string, string>, target: string): string {
  const q = target.indexOf('?');
  const path = q < 0 ? target : target.slice(0, q);
  const segs = path.split('/');
  for (let i = 1; i < segs.length; i++) {
    const s = segs[i]!;
    const t = tokens.get(s);
    if (t !== undefined) segs[i] = t;
    else if (MIXED_ID.test(s)) segs[i] = '{id}';
  }
  let out = normalisePath(segs.join('/'));
  if (q >= 0) {
    const parts = target
      .slice(q + 1)
      .split('&')
      .map((kv) => {
        const e = kv.indexOf('=');
        if (e < 0) return kv;
        const v = kv.slice(e + 1);
        const t = tokens.get(v);
        return `${kv.slice(0, e)}=${t ?? (/^\d+$/.test(v) || v.length > 24 ? '{v}' : v)}`;
      });
    out += `?${parts.join('&')}`;
  }
  return out;
}

/** An id of letters and digits (`3fjl0k5c`, `273r81`): a new resource's, when the redirect did not carry it. */
const MIXED_ID = /^(?=[^/]*\d)(?=[^/]*[A-Za-z])[A-Za-z0-9]{6,}$/;

/** How many of the redirect's tokens a template carries. */
export function carried(template: string): number {
  let n = 0;
  for (let i = template.indexOf('{p'); i >= 0; i = template.indexOf('{p', i + 2)) n++;
  for (let i = template.indexOf('{q:'); i >= 0; i = template.indexOf('{q:', i + 3)) n++;
  return n;
}

/**
 * What one route (or URL) has taught. A route seen once keeps only that (`once`): most URL-level keys are never
 * seen again (a new order, a new upload), and the tables are five maps; they are built at its second redirect.
 */
export interface Model {
  /** Redirects of this route observed. */
  n: number;
  /** Of those, decided from a logged Location. */
  exact: number;
  /** The first redirect's lesson, while it is the only one. */
  once: Once | null;
  /** Weighted support per template (population), or counts (exact). */
  support: Map<string, number>;
  /** How often each template was the very first request after the redirect. */
  firsts: Map<string, number>;
  /**
   * Which clients (a few, MIN_CLIENTS at most, each once) asked for each template first: one busy client is not a
   * population. Arrays of their exact length: a Set of three strings takes ~200 bytes, and a busy route has one
   * for each template it has seen.
   */
  firstBy: Map<string, readonly string[]>;
  /** The same for the coarse templates (see `coarseOf`). */
  coarseFirsts: Map<string, number>;
  coarseBy: Map<string, readonly string[]>;
  /** What `learned` said, and `n` when it said it (worked out again once the route has learnt enough more). */
  verdict: Learned | null | undefined;
  verdictN: number;
}

interface Once {
  /** The templates of the first requests after it, or `[template]` for a logged Location. */
  templates: readonly string[];
  exact: boolean;
  client: string;
}

/**
 * Tables not built yet (shared, never written: a model gets its own before its first lesson is replayed, and its
 * coarse ones at its first coarse template).
 */
const NONE = new Map<never, never>();

/** A route's target is learnt from the population only when this many clients agree. */
const MIN_CLIENTS = 3;

export interface Learned {
  template: string;
  /** Share of the route's redirects followed by this template (0..1). */
  share: number;
  /** Learned from logged Locations rather than from the population. */
  exact: boolean;
  /** The template's last path segment is `{var}`: compare candidates through `coarseOf`. */
  coarse: boolean;
}

/**
 * A template with its last path segment, when literal, as `{var}`: `/v1/uploads/dkhsvugw` → `/v1/uploads/{var}`.
 * A route that creates a resource and redirects to it (POST /uploads → 303 /uploads/<new id>) has a new last
 * segment every time, not always one that looks like an id; the population agrees on this coarser form.
 */
const GENERIC = new Set(['{id}', '{uuid}', '{hash}', '{var}']);

/** The learnt template ends in a new resource's id: any request to the same place with another last segment fits. */
export function endsInId(template: string): boolean {
  const q = template.indexOf('?');
  const path = q < 0 ? template : template.slice(0, q);
  return GENERIC.has(path.slice(path.lastIndexOf('/') + 1));
}

export function coarseOf(template: string): string | null {
  const q = template.indexOf('?');
  const path = q < 0 ? template : template.slice(0, q);
  const slash = path.lastIndexOf('/');
  const last = path.slice(slash + 1);
  if (!GENERIC.has(last) && (last.length < 4 || last.startsWith('{') || last.includes('.'))) return null;
  return `${path.slice(0, slash + 1)}{var}${q < 0 ? '' : template.slice(q)}`;
}

const MAX_TEMPLATES = 24;
/** Weights of the first requests after a redirect: the follow-up is usually the first. */
const RANK_WEIGHT = [1, 0.5, 0.34];

/**
 * What each route redirects to, learned as the log goes; bounded (routes forgotten oldest first). A caller
 * holds on to a route's model (`of`) and asks it directly: a forgotten route's model still answers what it
 * knew, and learns nothing more.
 */
export class TargetModel {
  private readonly models = new Map<string, Model>();
  constructor(private readonly maxRoutes: number) {}

  /** The route's model (an empty one for a route not seen yet). */
  of(key: string): Model {
    let m = this.models.get(key);
    if (!m) {
      if (this.models.size >= this.maxRoutes) this.forget();
      m = {
        n: 0,
        exact: 0,
        once: null,
        support: NONE,
        firsts: NONE,
        firstBy: NONE,
        coarseFirsts: NONE,
        coarseBy: NONE,
        verdict: undefined,
        verdictN: 0,
      };
      this.models.set(intern(key), m);
    }
    return m;
  }

  /**
   * Forgets the oldest eighth of the routes at once: a Map emptied from its front one key at a time walks over
   * every key deleted before (V8 keeps them as holes until it rehashes), which made each route learnt past the
   * bound cost ~35 µs.
   */
  private forget(): void {
    let n = this.maxRoutes >> 3 || 1;
    for (const k of this.models.keys()) {
      this.models.delete(k);
      if (--n === 0) break;
    }
  }
}

/** Whether `m` takes its lesson now: its first is kept as it is; at its second, its tables are built. */
function tables(m: Model, once: Once): boolean {
  if (m.n === 0 && m.once === null) {
    m.once = { exact: once.exact, client: once.client, templates: once.templates.map(intern) };
    m.n = 1;
    if (once.exact) m.exact = 1;
    return false;
  }
  const first = m.once;
  if (first !== null) {
    m.once = null;
    m.n = 0;
    m.exact = 0;
    m.support = new Map();
    m.firsts = new Map();
    m.firstBy = new Map();
    if (first.exact) exactly(m, first.templates[0]!);
    else observed(m, first.templates, first.client);
  }
  return true;
}

/** A redirect whose Location is logged: its template, for certain. */
export function learnExact(m: Model, template: string): void {
  if (tables(m, { templates: [template], exact: true, client: '' })) exactly(m, template);
}

/** A redirect without Location: the templates of the first requests its client sent after it, in order. */
export function learnObserved(m: Model, templates: readonly string[], client: string): void {
  if (tables(m, { templates, exact: false, client })) observed(m, templates, client);
}

/** The template a route clearly redirects to, or null while the evidence is thin or inconsistent. */
export function learnedOf(m: Model): Learned | null {
  if (m.n === 0) return null;
  // One redirect: a logged Location is known for certain; the population needs more (see `decideTarget`).
  const once = m.once;
  if (once !== null) return once.exact ? { template: once.templates[0]!, share: 1, exact: true, coarse: false } : null;
  // A busy route's answer moves slowly: worked out again after every redirect while it has few, then after
  // every 1/32 more (its tables are walked each time).
  if (m.verdict === undefined || m.n - m.verdictN >= Math.max(1, m.n >> 5)) {
    m.verdict = decideTarget(m);
    m.verdictN = m.n;
  }
  return m.verdict;
}

function exactly(m: Model, template: string): void {
  m.n++;
  m.exact++;
  add(m, template, 1);
  m.firsts.set(template, (m.firsts.get(template) ?? 0) + 1);
}

function observed(m: Model, templates: readonly string[], client: string): void {
  m.n++;
  const first = templates[0];
  if (first !== undefined) {
    count(m.firsts, m.firstBy, first, client);
    const coarse = coarseOf(first);
    if (coarse !== null) {
      // (Built at the first coarse template: many routes never have one, and an empty Map costs ~180 bytes.)
      if (m.coarseFirsts === NONE) {
        m.coarseFirsts = new Map();
        m.coarseBy = new Map();
      }
      count(m.coarseFirsts, m.coarseBy, coarse, client);
    }
  }
  const seen = new Set<string>();
  for (let i = 0; i < templates.length && i < RANK_WEIGHT.length; i++) {
    const t = templates[i]!;
    if (seen.has(t)) continue;
    seen.add(t);
    add(m, t, RANK_WEIGHT[i]!);
  }
}

/** What a route's redirects lead to, from what it has seen (see `TargetModel.learned`). */
function decideTarget(m: Model): Learned | null {
  // The template most often asked for first after the route's redirects, and the runner-up.
  const { best, b, second } = leader(m.firsts);
  if (best === null) return null;
  if (m.exact >= 1 && m.exact * 2 >= m.n) {
    // Logged Locations: one consistent target is enough to know it.
    const share = b / m.n;
    return share >= 0.8 ? { template: best, share, exact: true, coarse: false } : null;
  }
  // The population: enough redirects, most of them followed first by one template, well ahead of any other.
  if (m.n < 4) return null;
  if (b >= 0.4 * m.n && b >= 2 * second && (m.firstBy.get(best)?.length ?? 0) >= MIN_CLIENTS) {
    return { template: best, share: Math.min(1, (m.support.get(best) ?? b) / m.n), exact: false, coarse: false };
  }
  // Else the same, with the last path segment as a variable (a new resource each time).
  const c = leader(m.coarseFirsts);
  if (c.best === null || c.b < 0.5 * m.n || c.b < 2 * c.second || (m.coarseBy.get(c.best)?.length ?? 0) < MIN_CLIENTS) return null;
  return { template: c.best, share: Math.min(1, c.b / m.n), exact: false, coarse: true };
}

function count(firsts: Map<string, number>, by: Map<string, readonly string[]>, t: string, client: string): void {
  firsts.set(t, (firsts.get(t) ?? 0) + 1);
  const who = by.get(t);
  if (who === undefined) by.set(t, [client]);
  else if (who.length < MIN_CLIENTS && !who.includes(client)) by.set(t, who.concat(client));
  if (firsts.size > MAX_TEMPLATES * 4) {
    // Keep the counts of the templates seen more than once (a route with endless variety learns nothing anyway).
    for (const [k, n] of firsts) {
      if (n <= 1 && k !== t) {
        firsts.delete(k);
        by.delete(k);
      }
    }
  }
}

function leader(firsts: Map<string, number>): { best: string | null; b: number; second: number } {
  let best: string | null = null;
  let b = 0;
  let second = 0;
  for (const [t, f] of firsts) {
    if (f > b) {
      second = b;
      b = f;
      best = t;
    } else if (f > second) second = f;
  }
  return { best, b, second };
}

function add(m: Model, t: string, w: number): void {
  m.support.set(t, (m.support.get(t) ?? 0) + w);
  if (m.support.size > MAX_TEMPLATES) {
    let low: string | null = null;
    let lowS = Number.POSITIVE_INFINITY;
    for (const [k, s] of m.support) {
      if (k !== t && s < lowS) {
        low = k;
        lowS = s;
      }
    }
    if (low !== null) {
      m.support.delete(low);
      m.firsts.delete(low);
      m.firstBy.delete(low);
    }
  }
}

/** Bucket upper bounds (ms) of the delay between a redirect and its follow-up; the last is open. */
const EDGES = [-1000, 0, 100, 500, 1000, 2000, 5000, 15_000, 60_000, Number.POSITIVE_INFINITY];
/** What clients usually do before anything is learned: follow within a second or two. */
const PRIOR = [0.2, 0.8, 4, 6, 6, 4, 2, 1, 1, 0.5];

/**
 * How long clients take to follow, learned from sure pairs: `score(d)` is log2 of how much likelier a delay `d`
 * is for a follow-up than for any request in the window, between -3 and 2.
 */
export class DelayModel {
  private readonly counts = PRIOR.slice();
  private total = PRIOR.reduce((a, b) => a + b, 0);
  private readonly scores: number[] = [];
  private dirty = true;

  constructor(private readonly reorderMs: number, private readonly windowMs: number) {}

  private bucket(d: number): number {
    let i = 0;
    while (d >= EDGES[i]!) i++;
    return i;
  }

  learn(d: number): void {
    this.counts[this.bucket(d)]!++;
    this.total++;
    this.dirty = true;
  }

  score(d: number): number {
    if (this.dirty) this.recompute();
    const s = this.scores[this.bucket(d)]!;
    // Logged before the redirect, within the reorder allowance: servers log in completion order (a POST after
    // its body was read or discarded, which takes as long as the upload), so this is only a little less likely
    // than just after, whatever the sure pairs say.
    return d < 0 && d >= -this.reorderMs ? Math.max(s, this.scores[this.bucket(0)]! - (d >= -1000 ? 1 : 1.5)) : s;
  }

  private recompute(): void {
    const lo = -Math.max(this.reorderMs, 1000);
    const hi = this.windowMs;
    const span = hi - lo;
    for (let i = 0; i < EDGES.length; i++) {
      const a = Math.max(lo, i === 0 ? lo : EDGES[i - 1]!);
      const b = Math.min(hi, EDGES[i]!);
      // Background: any request of the client, spread evenly over the window (at least 1% of it per bucket).
      const q = Math.max(0.01, Math.max(0, b - a) / span);
      const p = this.counts[i]! / this.total;
      this.scores[i] = Math.max(-3, Math.min(2, Math.log2(p / q)));
    }
    this.dirty = false;
  }
}
