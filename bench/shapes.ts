/**
 * Traffic shapes for the shape matrix (`npm run bench` with BENCH_MATRIX=1, or `node dist/bench/run.js --matrix`):
 * seeded, deterministic access logs whose redirect share, number of identities, rate (log time), NAT share and
 * Location column are chosen, so that the cost per line of the analysis can be compared shape by shape.
 *
 * The traffic is made of episodes, each from one identity (address + User-Agent):
 *   - plain: a browser page view with some of its assets (a share answered 304), an API call, a bot fetch;
 *   - redirect: the redirect and what the client does next, from the same identity within seconds: PRG with ids
 *     (`POST /orders/123/pay` → 303 `/orders/123/done`, `POST /api/v1/jobs` → 303 `/api/v1/jobs/4711`), API 307/308
 *     (`POST /api/v1/upload` → 307 `/api/v2/upload`, `PUT /api/v1/items/9` → 308 `/api/v2/items/9`), trailing slash
 *     (`/docs/install` → 301 `/docs/install/`), a login gate, moved pages, and a URL shortener (`/s/Ab3xYz`, each
 *     code its own target, some on other sites: no follow-up in this log), also behind a second hop (`/r/CODE`).
 *     Clients follow as their software does: most correctly, some keep the method after 303 (curl -X POST -L),
 *     some turn 307/308 into GET (needle), some never follow.
 * Whether the next episode is a redirect is decided by the deficit against the asked share, so the share of 3xx
 * lines (304 excluded) lands on it; at high shares redirect episodes without a follow-up in the log (shortener
 * to other sites, link checkers that only read the Location) make up the difference, as on a shortener's server.
 *
 * Lines are written in completion order (the time a server logs them): a follow-up is sent after its redirect's
 * response, and an unsafe request redirected before its body was read is sometimes logged after its follow-up.
 * Episodes arrive as a Poisson process at `rate` lines per second of log time (10 lines/s: 300k lines span 8 h).
 *
 * Identities are derived from their index (no table), so a million of them cost no memory. A share `natShare` of
 * the episodes comes from a few NAT identities: offices whose people share one address and one browser build, so
 * their episodes overlap in time.
 *
 *   node dist/bench/shapes.js OUT.log LINES [key=value ...]   (keys: share clients rate nat location seed)
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { rename } from 'node:fs/promises';
import { once } from 'node:events';
import { pathToFileURL } from 'node:url';
import { mulberry32 } from './prng.js';

export interface Shape {
  /** Share of lines that are redirects (3xx other than 304), 0 to 1. */
  redirectShare: number;
  /** Identities (address + User-Agent) drawn from; with more than the episodes, nearly every episode has its own. */
  clients: number;
  /** Lines per second of log time. */
  rate: number;
  /** Share of episodes that come from NAT identities (each many people at once), 0 to 1. */
  natShare: number;
  /** Log the Location response header (`"$sent_http_location"` after the combined fields). */
  location: boolean;
  seed: number;
}

export const BASE_SHAPE: Shape = { redirectShare: 0.05, clients: 10_000, rate: 1_000, natShare: 0.05, location: false, seed: 42 };

/** The nginx `log_format` of the Location variant: combined plus the Location header. */
export const LOCATION_LOG_FORMAT =
  '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" "$sent_http_location"';

export interface ShapeResult {
  lines: number;
  bytes: number;
  redirects: number;
  /** Redirects whose follow-up is in the log. */
  followed: number;
  /** Follow-ups logged before their redirect (completion order). */
  followUpFirst: number;
  /** Distinct identities that sent at least one line, and how many of them are NAT identities. */
  identities: number;
  natIdentities: number;
  firstMs: number;
  lastMs: number;
}

// ---------------------------------------------------------------------------------------------------------------
// Identities

type Behaviour = 'correct' | 'keep-method' | 'all-to-get' | 'never';
type Kind = 'browser' | 'library' | 'bot';

interface Identity {
  addr: string;
  ua: string;
  kind: Kind;
  behaviour: Behaviour;
}

const BROWSERS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:132.0) Gecko/20100101 Firefox/132.0',
  'Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0',
];

/** User-Agent, weight, how it follows (weights). */
const LIBRARIES: [string, number, [Behaviour, number][]][] = [
  ['curl/8.5.0', 10, [['correct', 0.6], ['keep-method', 0.25], ['never', 0.15]]],
  ['python-requests/2.32.3', 14, [['correct', 1]]],
  ['Go-http-client/1.1', 10, [['correct', 1]]],
  ['axios/1.7.7', 10, [['correct', 1]]],
  ['node', 6, [['correct', 1]]],
  ['okhttp/4.12.0', 5, [['correct', 1]]],
  ['Needle/3.3.1 (Node.js v20.18.0; linux x64)', 3, [['all-to-get', 1]]],
  ['Python-urllib/3.11', 3, [['never', 1]]],
];

const BOTS = [
  'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
  'Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)',
  'Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)',
];

const FIRST_OCTETS = [23, 31, 45, 51, 62, 66, 77, 81, 89, 93, 104, 109, 151, 176, 185, 188, 195, 203, 212, 217];

function weighted<T>(x: number, items: readonly [T, number][]): T {
  let total = 0;
  for (const [, w] of items) total += w;
  let y = x * total;
  for (const [v, w] of items) {
    y -= w;
    if (y < 0) return v;
  }
  return items[items.length - 1]![0];
}

/** Identity number `i` of a seed: the same every time, distinct addresses for distinct `i` (below 335M). */
function identity(seed: number, i: number): Identity {
  const r = mulberry32((seed * 0x2545f491) ^ Math.imul(i + 1, 0x9e3779b1));
  const k = r();
  const kind: Kind = k < 0.6 ? 'browser' : k < 0.95 ? 'library' : 'bot';
  let ua: string;
  let behaviour: Behaviour = 'correct';
  if (kind === 'browser') ua = BROWSERS[Math.floor(r() * BROWSERS.length)]!;
  else if (kind === 'bot') {
    ua = BOTS[Math.floor(r() * BOTS.length)]!;
    behaviour = r() < 0.5 ? 'correct' : 'never';
  } else {
    const lib = weighted(r(), LIBRARIES.map((l) => [l, l[1]] as [(typeof LIBRARIES)[number], number]));
    ua = lib[0];
    behaviour = weighted(r(), lib[2]);
  }
  // A bijective scramble of i / 20 over 24 bits: neighbours do not share a /24.
  const y = Math.imul(Math.floor(i / FIRST_OCTETS.length) + 1, 0x5bd1e9) & 0xffffff;
  const addr = `${FIRST_OCTETS[i % FIRST_OCTETS.length]}.${y >>> 16}.${(y >>> 8) & 255}.${y & 255}`;
  return { addr, ua, kind, behaviour };
}

/** NAT identity `j`: an office, one address (10.x is never logged by a public server: 100.64/10, CGNAT) and one browser build. */
function natIdentity(j: number): Identity {
  return { addr: `100.${64 + (j >> 8)}.${j & 255}.1`, ua: BROWSERS[j % 2]!, kind: 'browser', behaviour: 'correct' };
}

// ---------------------------------------------------------------------------------------------------------------
// Events, emitted in log-time order (a binary heap on time, then sequence)

interface Ev {
  t: number;
  seq: number;
  who: Identity;
  method: string;
  path: string;
  status: number;
  bytes: number;
  referer: string;
  location: string;
}

class Heap {
  private readonly a: Ev[] = [];
  get size(): number {
    return this.a.length;
  }
  peek(): Ev | undefined {
    return this.a[0];
  }
  push(e: Ev): void {
    const a = this.a;
    a.push(e);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!before(e, a[p]!)) break;
      a[i] = a[p]!;
      i = p;
    }
    a[i] = e;
  }
  pop(): Ev {
    const a = this.a;
    const top = a[0]!;
    const last = a.pop()!;
    if (a.length) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= a.length) break;
        const m = l + 1 < a.length && before(a[l + 1]!, a[l]!) ? l + 1 : l;
        if (!before(a[m]!, last)) break;
        a[i] = a[m]!;
        i = m;
      }
      a[i] = last;
    }
    return top;
  }
}

const before = (x: Ev, y: Ev) => x.t < y.t || (x.t === y.t && x.seq < y.seq);

// ---------------------------------------------------------------------------------------------------------------
// Episodes

const SITE = 'https://www.example.com';
const ASSETS = ['/static/js/app.3f9a1c2e.js', '/static/css/main.c2e6f1b9.css', '/images/logo.svg', '/fonts/inter-var.woff2', '/favicon.ico'];
const SLUGS = ['getting-started', 'install', 'configuration', 'api', 'faq', 'release-notes', 'migrating', 'security'];
const CODE_CHARS = 'abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
const SHORT_CODES = 4_000;

interface Redirect {
  method: string;
  path: string;
  status: number;
  to: string;
  /** Methods the target accepts (others: 405). */
  accepts: readonly string[];
  /** Request body size, -1 for none. */
  body: number;
  /** Another hop after this one (a chain), followed the same way. */
  next?: Redirect;
}

/** Counts and the heap, shared by the episodes of one log. */
class Traffic {
  private seq = 0;
  /** Lines and redirect lines planned so far (the deficit control reads them). */
  planned = 0;
  plannedRedirects = 0;
  followed = 0;
  followUpFirst = 0;
  private readonly codes: string[] = [];

  constructor(
    private readonly rnd: () => number,
    private readonly heap: Heap,
  ) {
    const r = mulberry32(0x5eed);
    for (let i = 0; i < SHORT_CODES; i++) {
      let c = '';
      for (let k = 0; k < 6; k++) c += CODE_CHARS[Math.floor(r() * CODE_CHARS.length)];
      this.codes.push(c);
    }
  }

  private at(t: number, who: Identity, method: string, path: string, status: number, bytes: number, referer: string, location = ''): void {
    this.heap.push({ t, seq: this.seq++, who, method, path, status, bytes, referer, location });
    this.planned++;
    if (status >= 300 && status < 400 && status !== 304) this.plannedRedirects++;
  }

  private between(lo: number, hi: number): number {
    return lo + this.rnd() * (hi - lo);
  }

  private id(): number {
    return 10_000 + Math.floor(this.rnd() * 990_000);
  }

  private page(): string {
    const r = this.rnd();
    if (r < 0.2) return '/';
    if (r < 0.5) return `/products/${this.id()}`;
    if (r < 0.65) return `/blog/${SLUGS[Math.floor(this.rnd() * SLUGS.length)]}-${this.id()}`;
    if (r < 0.8) return `/docs/${SLUGS[Math.floor(this.rnd() * SLUGS.length)]}/`;
    if (r < 0.9) return `/search?q=w${Math.floor(this.rnd() * 500)}&page=${1 + Math.floor(this.rnd() * 3)}`;
    return '/cart';
  }

  /** A page and, for a browser, some of its assets; returns when the last line completes. */
  private pageView(who: Identity, t: number, path: string, referer: string): number {
    const status = this.rnd() < 0.015 ? 404 : 200;
    const done = t + this.between(5, 120);
    this.at(done, who, 'GET', path, status, status === 200 ? Math.floor(this.between(4_000, 90_000)) : 1_500, referer);
    if (who.kind !== 'browser' || status !== 200) return done;
    const n = Math.floor(this.rnd() * 5);
    let last = done;
    for (let i = 0; i < n; i++) {
      const a = i < 3 ? ASSETS[i]! : `/images/products/${this.id()}.jpg`;
      const cached = this.rnd() < 0.1;
      last = done + this.between(20, 300);
      this.at(last, who, 'GET', a, cached ? 304 : 200, cached ? 0 : Math.floor(this.between(800, 300_000)), `${SITE}${path}`);
    }
    return last;
  }

  /** An episode without a redirect. */
  plain(who: Identity, t: number): void {
    if (who.kind === 'browser') {
      this.pageView(who, t, this.page(), this.rnd() < 0.4 ? `${SITE}/` : '-');
      return;
    }
    const r = this.rnd();
    const d = t + this.between(2, 80);
    if (who.kind === 'bot') {
      if (r < 0.2) this.at(d, who, 'GET', '/robots.txt', 200, 120, '-');
      else this.at(d, who, 'GET', this.page(), 200, Math.floor(this.between(4_000, 90_000)), '-');
    } else if (r < 0.5) this.at(d, who, 'GET', `/api/v1/items?page=${1 + Math.floor(this.rnd() * 40)}&limit=50`, 200, Math.floor(this.between(300, 30_000)), '-');
    else if (r < 0.7) this.at(d, who, 'GET', `/api/v1/items/${this.id()}`, this.rnd() < 0.95 ? 200 : 404, Math.floor(this.between(200, 3_000)), '-');
    else if (r < 0.9) this.at(d, who, 'POST', '/api/v1/events', 202, 40, '-');
    else this.at(d, who, 'GET', '/healthz', 200, 2, '-');
  }

  private code(): string {
    return this.codes[Math.floor(this.rnd() * this.rnd() * SHORT_CODES)]!;
  }

  /** What a shortener code redirects to: fixed per code; a third leave the site. */
  private shortTarget(code: string): { status: number; to: string; external: boolean } {
    let h = 0;
    for (let i = 0; i < code.length; i++) h = Math.imul(h ^ code.charCodeAt(i), 0x01000193);
    h >>>= 0;
    const status = h % 5 === 0 ? 302 : 301;
    const k = (h >>> 3) % 3;
    if (k === 0) return { status, to: `https://partner${(h >>> 5) % 7}.example.net/p/${h % 100_000}?utm_source=short`, external: true };
    if (k === 1) return { status, to: `/products/${10_000 + (h % 990_000)}`, external: false };
    return { status, to: `/blog/${SLUGS[(h >>> 7) % SLUGS.length]}-${h % 9000}`, external: false };
  }

  private shortener(first: 'direct' | 'chain', wantExternal: boolean | null): Redirect {
    let code = this.code();
    let target = this.shortTarget(code);
    for (let k = 0; wantExternal !== null && target.external !== wantExternal && k < 50; k++) {
      code = this.codes[Math.floor(this.rnd() * SHORT_CODES)]!;
      target = this.shortTarget(code);
    }
    const hop: Redirect = { method: 'GET', path: `/s/${code}`, status: target.status, to: target.to, accepts: ['GET'], body: -1 };
    return first === 'chain' ? { method: 'GET', path: `/r/${code}`, status: 301, to: `/s/${code}`, accepts: ['GET'], body: -1, next: hop } : hop;
  }

  /** A redirect route for this identity; `heavy`: one whose follow-up is not in this log. */
  private route(who: Identity, heavy: boolean): Redirect {
    if (heavy) return this.shortener(this.rnd() < 0.75 ? 'direct' : 'chain', true);
    const x = this.rnd();
    const id = this.id();
    const slug = SLUGS[Math.floor(this.rnd() * SLUGS.length)]!;
    const get = (path: string, status: number, to: string): Redirect => ({ method: 'GET', path, status, to, accepts: ['GET'], body: -1 });
    if (who.kind === 'library') {
      const body = Math.floor(this.between(100, 20_000));
      if (x < 0.25) return { method: 'POST', path: '/api/v1/upload', status: 307, to: '/api/v2/upload', accepts: ['POST'], body };
      if (x < 0.4) return { method: 'PUT', path: `/api/v1/items/${id}`, status: 308, to: `/api/v2/items/${id}`, accepts: ['PUT', 'GET'], body };
      if (x < 0.5) return { method: 'DELETE', path: `/api/v1/sessions/${id}`, status: 308, to: `/api/v2/sessions/${id}`, accepts: ['DELETE'], body: -1 };
      if (x < 0.7) return { method: 'POST', path: '/api/v1/jobs', status: 303, to: `/api/v1/jobs/${this.id()}`, accepts: ['GET'], body };
      if (x < 0.85) return get('/api/v1/status', 301, '/api/v2/status');
      return this.shortener('direct', null);
    }
    if (who.kind === 'bot') {
      if (x < 0.4) return get(`/old/products/${id}`, 301, `/products/${id}`);
      if (x < 0.6) return get(`/docs/${slug}`, 301, `/docs/${slug}/`);
      return this.shortener('direct', null);
    }
    if (x < 0.2) return { method: 'POST', path: `/orders/${id}/pay`, status: 303, to: `/orders/${id}/done`, accepts: ['GET'], body: Math.floor(this.between(80, 2_500)) };
    if (x < 0.3) return { method: 'POST', path: '/login', status: 303, to: '/account', accepts: ['GET'], body: Math.floor(this.between(60, 300)) };
    if (x < 0.35) return { method: 'POST', path: '/contact', status: 302, to: '/contact/thanks', accepts: ['GET'], body: Math.floor(this.between(200, 3_000)) };
    if (x < 0.5) return get(`/docs/${slug}`, 301, `/docs/${slug}/`);
    if (x < 0.55) return get('/blog', 308, '/blog/');
    if (x < 0.65) return get(`/old/products/${id}`, 301, `/products/${id}`);
    if (x < 0.72) return get('/account/orders', 302, '/login?next=%2Faccount%2Forders');
    return this.shortener(this.rnd() < 0.8 ? 'direct' : 'chain', null);
  }

  /** A redirect episode starting at `t`. */
  redirect(who: Identity, t: number, heavy: boolean): void {
    this.hop(who, t, this.route(who, heavy), this.rnd() < 0.3 ? `${SITE}/` : '-');
  }

  private hop(who: Identity, t: number, r: Redirect, referer: string): void {
    const m = r.method;
    const safe = m === 'GET' || m === 'HEAD';
    const external = r.to.startsWith('https://') && !r.to.startsWith(SITE);
    const location = !external && this.rnd() < 0.2 ? `${SITE}${r.to}` : r.to;
    // Response of the redirect: quick; an unsafe request's body takes a moment to arrive.
    const answered = t + (safe ? this.between(1, 30) : this.between(10, 250));
    let next: string | null;
    switch (who.behaviour) {
      case 'never':
        next = null;
        break;
      case 'keep-method':
        next = m;
        break;
      case 'all-to-get':
        next = m === 'HEAD' ? 'HEAD' : 'GET';
        break;
      default:
        next = r.status === 303 ? (m === 'HEAD' ? 'HEAD' : 'GET') : r.status === 307 || r.status === 308 ? m : m === 'POST' ? 'GET' : m;
    }
    if (next === null || external) {
      this.at(answered, who, m, r.path, r.status, 162, referer, location);
      return;
    }
    // The client follows after its own delay (a few ms; now and then seconds: a busy phone, a retry).
    const sent = answered + (this.rnd() < 0.03 ? this.between(1_000, 5_000) : who.kind === 'browser' ? this.between(5, 150) : this.between(1, 50));
    // The server answered before reading the body and logs the request once it is discarded: after the follow-up.
    const logged = !safe && this.rnd() < 0.05 ? sent + this.between(150, 800) : answered;
    this.at(logged, who, m, r.path, r.status, 162, referer, location);
    this.followed++;
    if (logged > sent) this.followUpFirst++;
    const followReferer = who.kind === 'browser' && safe ? referer : '-';
    if (r.next) {
      this.hop(who, sent, { ...r.next, method: next }, followReferer);
      return;
    }
    const accepted = r.accepts.includes(next) || (next === 'HEAD' && r.accepts.includes('GET'));
    if (accepted && next === 'GET') {
      this.pageView(who, sent, r.to, followReferer);
      return;
    }
    const status = accepted ? (next === 'POST' ? 201 : 200) : 405;
    this.at(sent + this.between(3, 200), who, next, r.to, status, status === 405 ? 170 : Math.floor(this.between(100, 5_000)), followReferer);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Rendering

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad2 = (n: number) => (n < 10 ? `0${n}` : `${n}`);

class Clock {
  private second = -1;
  private text = '';
  local(ms: number): string {
    const s = Math.floor(ms / 1000);
    if (s !== this.second) {
      const d = new Date(s * 1000);
      this.second = s;
      this.text = `${pad2(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())} +0000`;
    }
    return this.text;
  }
}

const START = Date.UTC(2026, 10, 25, 0, 0, 0);
const CHUNK = 1 << 20;

/**
 * Writes `lines` lines of the shape to `path` (through a temporary file, renamed at the end), or to `out`.
 * The same shape and line count always give the same bytes.
 */
export async function generateShape(path: string, lines: number, shape: Shape, out?: NodeJS.WritableStream): Promise<ShapeResult> {
  const rnd = mulberry32(shape.seed);
  const heap = new Heap();
  const traffic = new Traffic(rnd, heap);
  const clock = new Clock();
  const nats = shape.natShare > 0 ? Math.max(1, Math.min(50, Math.round(shape.clients / 500))) : 0;
  const regular = Math.max(1, shape.clients - nats);
  const cache = new Map<number, Identity>();
  const natIds = Array.from({ length: nats }, (_, j) => natIdentity(j));
  const seen = new Set<string>();
  // Heavy episodes (no follow-up in the log) grow with the asked share: above ~45% redirect lines they are needed.
  const heavyBase = shape.redirectShare <= 0.3 ? 0.05 : Math.min(0.97, 0.05 + (shape.redirectShare - 0.3) * 1.6);
  const tmp = `${path}.tmp-${process.pid}`;
  const ws = (out ?? createWriteStream(tmp)) as WriteStream;
  const res: ShapeResult = { lines: 0, bytes: 0, redirects: 0, followed: 0, followUpFirst: 0, identities: 0, natIdentities: nats, firstMs: 0, lastMs: 0 };
  let buf = '';
  let arrival = START;
  while (res.lines < lines) {
    // Who: a NAT office, or one of the identities (70% uniform, 30% skewed towards a busy few).
    let who: Identity;
    if (nats && rnd() < shape.natShare) who = natIds[Math.floor(rnd() * nats)]!;
    else {
      const u = rnd();
      const i = Math.floor(regular * (rnd() < 0.7 ? u : u * u));
      who = regular <= 100_000 ? (cache.get(i) ?? cacheSet(cache, i, identity(shape.seed, i))) : identity(shape.seed, i);
    }
    const before = traffic.planned;
    // Deficit control (with a little jitter): a redirect episode when the redirect lines are behind the share.
    const deficit = shape.redirectShare * traffic.planned - traffic.plannedRedirects;
    if (deficit + (rnd() - 0.5) * 3 > 0) traffic.redirect(who, arrival, deficit > 40 || rnd() < heavyBase);
    else traffic.plain(who, arrival);
    // The next episode arrives after an exponential gap worth the lines this one made.
    arrival += (-Math.log(1 - rnd()) * (traffic.planned - before) * 1000) / shape.rate;
    while (heap.size && heap.peek()!.t <= arrival && res.lines < lines) {
      const e = heap.pop();
      const w = e.who;
      let line = `${w.addr} - - [${clock.local(e.t)}] "${e.method} ${e.path} HTTP/1.1" ${e.status} ${e.bytes} "${e.referer}" "${w.ua}"`;
      if (shape.location) line += ` "${e.location || '-'}"`;
      if (e.status >= 300 && e.status < 400 && e.status !== 304) res.redirects++;
      const key = `${w.addr} ${w.ua}`;
      if (!seen.has(key)) seen.add(key);
      if (res.lines === 0) res.firstMs = e.t;
      res.lastMs = e.t;
      buf += `${line}\n`;
      res.lines++;
      if (buf.length >= CHUNK) {
        res.bytes += Buffer.byteLength(buf);
        if (!ws.write(buf)) await once(ws, 'drain');
        buf = '';
      }
    }
  }
  res.bytes += Buffer.byteLength(buf);
  ws.end(buf);
  await once(ws, 'finish');
  if (!out) await rename(tmp, path);
  res.identities = seen.size;
  res.followed = traffic.followed;
  res.followUpFirst = traffic.followUpFirst;
  return res;
}

function cacheSet(m: Map<number, Identity>, i: number, v: Identity): Identity {
  m.set(i, v);
  return v;
}

/** `share=0.2 clients=1000 rate=50000 nat=0.3 location=1 seed=7` over the base shape. */
export function parseShape(args: readonly string[], base: Shape = BASE_SHAPE): Shape {
  const s = { ...base };
  for (const a of args) {
    const [k, v = ''] = a.split('=');
    const n = Number(v);
    if (k === 'share') s.redirectShare = n;
    else if (k === 'clients') s.clients = n;
    else if (k === 'rate') s.rate = n;
    else if (k === 'nat') s.natShare = n;
    else if (k === 'location') s.location = v === '1' || v === 'true';
    else if (k === 'seed') s.seed = n;
    else throw new Error(`unknown shape key: ${a}`);
  }
  return s;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [outPath, n, ...rest] = process.argv.slice(2);
  if (!outPath || !n) {
    process.stderr.write('usage: node dist/bench/shapes.js OUT.log LINES [share=0.05 clients=10000 rate=1000 nat=0.05 location=0 seed=42]\n');
    process.exitCode = 2;
  } else {
    const t0 = performance.now();
    const shape = parseShape(rest);
    const r = await generateShape(outPath, Number(n), shape);
    const s = (performance.now() - t0) / 1000;
    process.stderr.write(
      `${outPath}: ${r.lines} lines, ${(r.bytes / 1e6).toFixed(1)} MB, ${((r.redirects / r.lines) * 100).toFixed(1)}% redirects ` +
        `(${r.followed} followed in the log, ${r.followUpFirst} follow-ups logged first), ${r.identities} identities ` +
        `(${r.natIdentities} NAT), ${((r.lastMs - r.firstMs) / 3.6e6).toFixed(2)} h of log (${s.toFixed(1)} s)\n`,
    );
  }
}
