/**
 * A seeded generator of realistic nginx access logs for the benchmark. The same seed and size always give the
 * same bytes; `combined` and `full` with the same seed describe the same traffic (the full format only adds the
 * fields combined lacks: X-Forwarded-For, request time, msec, Location, Content-Length, request length, host).
 *
 * The traffic: thousands of clients (browsers, HTTP libraries, bots; some behind proxies, some sharing a NAT
 * address) interleaved in time. Mostly page views with their assets (a share answered 304), API calls, some
 * 404/5xx, and a few percent of 3xx across 301/302/303/307/308 with the follow-ups each client makes: most
 * correct, a few wrong in the ways real clients are (curl -X keeps POST after 303, needle turns 307/308 into GET,
 * `request` turns 308 into GET, got 15.0.x drops the body, urllib/LWP and clients without -L do not follow).
 * Timestamps advance by small steps with occasional small backwards jitter; 0.01% of lines are garbage.
 *
 * Lines are written in chunks with backpressure: memory stays flat whatever the size.
 *
 *   node dist/bench/generate.js out.log 2000000 [combined|full] [seed]
 */
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { rename } from 'node:fs/promises';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { mulberry32 } from './prng.js';

export type GeneratedFormat = 'combined' | 'full' | 'json';

export interface GenerateOptions {
  seed?: number;
  format?: GeneratedFormat;
  /** Write here instead of to `path` (a pipe into the analyzer: nothing is kept on disk). */
  out?: NodeJS.WritableStream;
}

export interface GenerateResult {
  lines: number;
  bytes: number;
  clients: number;
  redirects: number;
  notModified: number;
  garbage: number;
  firstTime: string;
  lastTime: string;
}

/** The nginx `log_format` string of the `full` variant (as in samples/nginx/nginx.conf). */
export const FULL_LOG_FORMAT =
  '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" ' +
  '"$http_x_forwarded_for" $request_time $msec "$sent_http_location" $content_length $request_length $host';


// ---------------------------------------------------------------------------------------------------------------
// Clients

/** How a client follows redirects (`docs/semantics.md`, section 2). */
type Behaviour =
  | 'correct' // fetch semantics: 303 → GET, 307/308 keep method and body, POST → GET on 301/302
  | 'keep-method' // curl -X METHOD -L: the method is kept on every hop (wrong after 303)
  | 'all-to-get' // needle: every redirect becomes GET without body (wrong after 307/308)
  | 'get-on-308' // request: keeps the method on 307, 308 becomes GET
  | 'drop-body' // got 15.0.0-15.0.6: same method after 307/308 but Content-Length 0
  | 'safe-only' // Python urllib, Perl LWP: only GET/HEAD redirects are followed
  | 'never'; // curl without -L, probes: never follows

type Kind = 'browser' | 'library' | 'bot';

interface Client {
  addr: string;
  xff: string;
  ua: string;
  kind: Kind;
  behaviour: Behaviour;
  /** Go net/http sets Referer to the redirecting URL on the follow-up. */
  refererOnFollow: boolean;
  http2: boolean;
}

const BROWSER_UAS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:132.0) Gecko/20100101 Firefox/132.0',
  'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0',
  'Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36',
  'Mozilla/5.0 (Linux; Android 14; SAMSUNG SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/26.0 Chrome/122.0.0.0 Mobile Safari/537.36',
];

/** Library User-Agents with the behaviours seen with them, and their weights. */
const LIBRARIES: { ua: string; weight: number; behaviours: [Behaviour, number][]; goReferer?: boolean }[] = [
  { ua: 'curl/7.88.1', weight: 8, behaviours: [['correct', 0.6], ['keep-method', 0.25], ['never', 0.15]] },
  { ua: 'curl/8.5.0', weight: 6, behaviours: [['correct', 0.6], ['keep-method', 0.25], ['never', 0.15]] },
  { ua: 'python-requests/2.31.0', weight: 10, behaviours: [['correct', 1]] },
  { ua: 'python-requests/2.32.3', weight: 6, behaviours: [['correct', 1]] },
  { ua: 'python-httpx/0.27.0', weight: 3, behaviours: [['correct', 1]] },
  { ua: 'Python-urllib/3.11', weight: 3, behaviours: [['safe-only', 1]] },
  { ua: 'Go-http-client/1.1', weight: 8, behaviours: [['correct', 1]], goReferer: true },
  { ua: 'Go-http-client/2.0', weight: 3, behaviours: [['correct', 1]], goReferer: true },
  { ua: 'axios/1.7.7', weight: 8, behaviours: [['correct', 1]] },
  { ua: 'node', weight: 5, behaviours: [['correct', 1]] },
  { ua: 'node-fetch/1.0 (+https://github.com/bitinn/node-fetch)', weight: 3, behaviours: [['correct', 1]] },
  { ua: 'got (https://github.com/sindresorhus/got)', weight: 4, behaviours: [['correct', 0.7], ['drop-body', 0.3]] },
  { ua: 'Needle/3.3.1 (Node.js v20.18.0; linux x64)', weight: 2, behaviours: [['all-to-get', 1]] },
  { ua: '-', weight: 2, behaviours: [['get-on-308', 1]] }, // npm `request` sends no User-Agent
  { ua: 'Java-http-client/17.0.12', weight: 3, behaviours: [['correct', 1]] },
  { ua: 'okhttp/4.12.0', weight: 4, behaviours: [['correct', 1]] },
  { ua: 'Apache-HttpClient/4.5.14 (Java/17.0.12)', weight: 2, behaviours: [['correct', 1]] },
  { ua: 'Wget/1.21.3', weight: 2, behaviours: [['correct', 1]] },
  { ua: 'libwww-perl/6.72', weight: 1, behaviours: [['safe-only', 1]] },
];

const BOT_UAS = [
  'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
  'Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)',
  'Mozilla/5.0+(compatible; UptimeRobot/2.0; http://www.uptimerobot.com/)',
  'Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)',
];

const PROXIES = ['10.0.0.11', '10.0.0.12', '10.0.0.13', '10.0.0.14'];

function pickWeighted<T>(rnd: () => number, items: readonly [T, number][]): T {
  let total = 0;
  for (const [, w] of items) total += w;
  let x = rnd() * total;
  for (const [v, w] of items) {
    x -= w;
    if (x < 0) return v;
  }
  return items[items.length - 1]![0];
}

function pick<T>(rnd: () => number, items: readonly T[]): T {
  return items[Math.floor(rnd() * items.length)]!;
}

function ipv4(rnd: () => number): string {
  const a = [23, 31, 45, 51, 62, 66, 77, 81, 89, 93, 104, 109, 151, 176, 185, 188, 195, 203, 212, 217][Math.floor(rnd() * 20)]!;
  return `${a}.${Math.floor(rnd() * 256)}.${Math.floor(rnd() * 256)}.${1 + Math.floor(rnd() * 254)}`;
}

function ipv6(rnd: () => number): string {
  const h = () => Math.floor(rnd() * 0xffff).toString(16);
  return `2a02:${h()}:${h()}:${h()}::${h()}`;
}

function makeClients(rnd: () => number, n: number): Client[] {
  const clients: Client[] = [];
  for (let i = 0; i < n; i++) {
    const r = rnd();
    const kind: Kind = r < 0.62 ? 'browser' : r < 0.95 ? 'library' : 'bot';
    let ua: string;
    let behaviour: Behaviour = 'correct';
    let refererOnFollow = false;
    if (kind === 'browser') {
      ua = pick(rnd, BROWSER_UAS);
    } else if (kind === 'bot') {
      ua = pick(rnd, BOT_UAS);
      behaviour = rnd() < 0.5 ? 'correct' : 'never';
    } else {
      const lib = pickWeighted(rnd, LIBRARIES.map((l) => [l, l.weight] as [(typeof LIBRARIES)[number], number]));
      ua = lib.ua;
      behaviour = pickWeighted(rnd, lib.behaviours);
      refererOnFollow = lib.goReferer === true;
    }
    // Some clients share a NAT address with an earlier one; some come through a proxy (X-Forwarded-For).
    const own = rnd() < 0.1 ? ipv6(rnd) : ipv4(rnd);
    const shared = i > 0 && rnd() < 0.08 ? clients[Math.floor(rnd() * i)]!.addr : null;
    const proxied = rnd() < 0.05;
    clients.push({
      addr: proxied ? pick(rnd, PROXIES) : (shared ?? own),
      xff: proxied ? own : '-',
      ua,
      kind,
      behaviour,
      refererOnFollow,
      http2: kind === 'browser' && rnd() < 0.7,
    });
  }
  return clients;
}

// ---------------------------------------------------------------------------------------------------------------
// Events: requests scheduled at a time, emitted in time order (a binary heap on time, then sequence).

interface Ev {
  t: number;
  seq: number;
  c: Client;
  method: string;
  path: string;
  host: string;
  status: number;
  bytes: number;
  referer: string;
  location: string;
  /** Request Content-Length; -1 for none. */
  body: number;
}

class Heap {
  private a: Ev[] = [];
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
      if (!less(e, a[p]!)) break;
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
        const r = l + 1;
        const m = r < a.length && less(a[r]!, a[l]!) ? r : l;
        if (!less(a[m]!, last)) break;
        a[i] = a[m]!;
        i = m;
      }
      a[i] = last;
    }
    return top;
  }
}

function less(x: Ev, y: Ev): boolean {
  return x.t < y.t || (x.t === y.t && x.seq < y.seq);
}

// ---------------------------------------------------------------------------------------------------------------
// Traffic

const WWW = 'www.example.com';
const API = 'api.example.com';
const ASSETS = [
  '/static/js/app.3f9a1c2e.js',
  '/static/js/vendor.8b41d07a.js',
  '/static/css/main.c2e6f1b9.css',
  '/images/logo.svg',
  '/fonts/inter-var.woff2',
  '/favicon.ico',
];
const WORDS = ['shoes', 'laptop', 'coffee', 'desk', 'lamp', 'bike', 'tent', 'camera', 'phone', 'chair', 'red+dress', 'usb-c'];
const SLUGS = ['getting-started', 'install', 'configuration', 'api', 'faq', 'release-notes', 'migrating', 'security'];

class Traffic {
  private seq = 0;
  constructor(
    private readonly rnd: () => number,
    private readonly heap: Heap,
  ) {}

  private at(t: number, c: Client, method: string, path: string, host: string, status: number, bytes: number, referer: string, location = '', body = -1): void {
    this.heap.push({ t, seq: this.seq++, c, method, path, host, status, bytes, referer, location, body });
  }

  private delay(lo: number, hi: number): number {
    return lo + Math.floor(this.rnd() * (hi - lo));
  }

  private id(): number {
    return 1000 + Math.floor(this.rnd() * 9000);
  }

  private page(): string {
    const r = this.rnd();
    if (r < 0.2) return '/';
    if (r < 0.45) return `/products/${this.id()}`;
    if (r < 0.55) return `/search?q=${pick(this.rnd, WORDS)}&page=${1 + Math.floor(this.rnd() * 3)}`;
    if (r < 0.7) return `/blog/${pick(this.rnd, SLUGS)}-${this.id()}`;
    if (r < 0.8) return `/docs/${pick(this.rnd, SLUGS)}/`;
    if (r < 0.88) return '/cart';
    if (r < 0.94) return '/pricing';
    return '/about';
  }

  private pageStatus(): number {
    const r = this.rnd();
    return r < 0.012 ? 404 : r < 0.014 ? 500 : r < 0.015 ? 502 : 200;
  }

  /** A page view: the page, then some of its assets (a share revalidated: 304). */
  pageView(c: Client, t: number, path = this.page(), referer = this.rnd() < 0.4 ? `https://${WWW}/` : '-'): void {
    const status = this.pageStatus();
    this.at(t, c, 'GET', path, WWW, status, status === 200 ? this.delay(4_000, 90_000) : 1_500, referer);
    if (c.kind !== 'browser' || status !== 200) return;
    const n = Math.floor(this.rnd() * 6);
    let dt = this.delay(20, 200);
    const ref = `https://${WWW}${path}`;
    for (let i = 0; i < n; i++) {
      const a = i < 3 ? ASSETS[i]! : this.rnd() < 0.5 ? pick(this.rnd, ASSETS) : `/images/products/${this.id()}.jpg`;
      const revalidated = this.rnd() < 0.08;
      this.at(t + dt, c, 'GET', a, WWW, revalidated ? 304 : 200, revalidated ? 0 : this.delay(800, 400_000), ref);
      dt += this.delay(0, 60);
    }
  }

  /** A bot or library call that is not a redirect. */
  apiCall(c: Client, t: number): void {
    const r = this.rnd();
    if (c.kind === 'bot') {
      if (r < 0.2) this.at(t, c, 'HEAD', '/', WWW, 200, 0, '-');
      else if (r < 0.3) this.at(t, c, 'GET', '/robots.txt', WWW, 200, 120, '-');
      else this.pageView(c, t, this.page(), '-');
      return;
    }
    if (r < 0.55) {
      const s = this.rnd() < 0.97 ? 200 : 404;
      this.at(t, c, 'GET', `/api/v1/items?page=${1 + Math.floor(this.rnd() * 40)}&limit=50`, API, s, this.delay(300, 30_000), '-');
    } else if (r < 0.7) {
      this.at(t, c, 'GET', `/api/v1/items/${this.id()}`, API, this.rnd() < 0.95 ? 200 : 404, this.delay(200, 3_000), '-');
    } else if (r < 0.88) {
      const s = this.rnd() < 0.97 ? 202 : 400;
      this.at(t, c, 'POST', '/api/v1/events', API, s, 40, '-', '', this.delay(100, 4_000));
    } else if (r < 0.95) {
      this.at(t, c, 'PUT', `/api/v1/items/${this.id()}`, API, 200, 180, '-', '', this.delay(100, 2_000));
    } else {
      this.at(t, c, 'GET', '/healthz', API, 200, 2, '-');
    }
  }

  /**
   * One redirect and what the client does next. `to` is the Location path; `targetMethods` the methods the
   * target accepts (others get a 405).
   */
  redirect(
    c: Client,
    t: number,
    req: { method: string; path: string; host: string; body: number; referer: string },
    status: 301 | 302 | 303 | 307 | 308,
    to: string,
    targetMethods: readonly string[],
  ): void {
    const absolute = this.rnd() < 0.2;
    const location = absolute ? `https://${req.host}${to}` : to;
    this.at(t, c, req.method, req.path, req.host, status, this.rnd() < 0.8 ? 162 : 0, req.referer, location, req.body);
    const m = req.method;
    const safe = m === 'GET' || m === 'HEAD';
    let next: string | null;
    switch (c.behaviour) {
      case 'never':
        next = null;
        break;
      case 'safe-only':
        next = safe ? m : null;
        break;
      case 'keep-method':
        next = m;
        break;
      case 'all-to-get':
        next = m === 'HEAD' ? 'HEAD' : 'GET';
        break;
      case 'get-on-308':
        next = status === 307 || safe ? m : 'GET';
        break;
      default:
        next = status === 303 ? (m === 'HEAD' ? 'HEAD' : 'GET') : status === 307 || status === 308 ? m : m === 'POST' ? 'GET' : m;
    }
    if (next === null) {
      // A client that does not follow sometimes re-sends the original instead.
      if (this.rnd() < 0.15) {
        this.at(t + this.delay(1_000, 8_000), c, m, req.path, req.host, status, 162, req.referer, location, req.body);
      }
      return;
    }
    const nextSafe = next === 'GET' || next === 'HEAD';
    let body = -1;
    if (!nextSafe) body = c.behaviour === 'drop-body' && (status === 307 || status === 308) ? 0 : req.body;
    const accepted = targetMethods.includes(next) || (next === 'HEAD' && targetMethods.includes('GET'));
    const s2 = accepted ? (next === 'POST' && req.host === API ? 201 : 200) : this.rnd() < 0.7 ? 405 : 404;
    const ft = t + this.delay(3, 400);
    const referer = c.refererOnFollow ? `https://${req.host}${req.path}` : req.referer;
    if (c.kind === 'browser' && next === 'GET' && s2 === 200) {
      this.pageView(c, ft, to, referer);
    } else {
      this.at(ft, c, next, to, req.host, s2, s2 < 300 ? this.delay(100, 20_000) : 170, referer, '', body);
    }
  }

  /** One visit of a browser: mostly a page view, sometimes a redirect scenario. */
  browserVisit(c: Client, t: number): void {
    const r = this.rnd();
    if (r >= 0.12) return this.pageView(c, t);
    const x = r / 0.12;
    const ref = `https://${WWW}/`;
    const get = (path: string, referer = ref) => ({ method: 'GET', path, host: WWW, body: -1, referer });
    const post = (path: string, referer: string) => ({ method: 'POST', path, host: WWW, body: this.delay(80, 2_500), referer });
    const id = this.id();
    const slug = pick(this.rnd, SLUGS);
    if (x < 0.14) this.redirect(c, t, get(`/old/products/${id}`), 301, `/products/${id}`, ['GET']);
    else if (x < 0.24) this.redirect(c, t, get(`/docs/${slug}`), 301, `/docs/${slug}/`, ['GET']);
    else if (x < 0.34) this.redirect(c, t, get('/account/orders'), 302, '/login?next=%2Faccount%2Forders', ['GET']);
    else if (x < 0.4) this.redirect(c, t, post('/contact', `https://${WWW}/contact`), 302, '/contact/thanks', ['GET']);
    else if (x < 0.62) this.redirect(c, t, post('/cart/checkout', `https://${WWW}/cart`), 303, '/orders/confirmation', ['GET']);
    else if (x < 0.76) this.redirect(c, t, post('/login', `https://${WWW}/login`), 303, '/account', ['GET']);
    else if (x < 0.82) this.redirect(c, t, get(`/go/${id}`), 303, `/products/${id}`, ['GET']);
    else if (x < 0.9) this.redirect(c, t, post('/newsletter/subscribe', `https://${WWW}/blog/`), 307, '/newsletter/v2/subscribe', ['POST']);
    else this.redirect(c, t, get('/blog'), 308, '/blog/', ['GET']);
  }

  /** One call of a library or a bot: mostly plain calls, sometimes a redirect scenario. */
  libraryCall(c: Client, t: number): void {
    const r = this.rnd();
    const p = c.kind === 'bot' ? 0.03 : 0.07;
    if (r >= p) return this.apiCall(c, t);
    const x = r / p;
    const id = this.id();
    const call = (method: string, path: string, body = -1) => ({ method, path, host: API, body, referer: '-' });
    if (c.kind === 'bot') {
      if (x < 0.5) this.redirect(c, t, { ...call('GET', `/old/products/${id}`), host: WWW }, 301, `/products/${id}`, ['GET']);
      else this.redirect(c, t, { ...call('HEAD', '/blog'), host: WWW }, 308, '/blog/', ['GET']);
      return;
    }
    if (x < 0.22) this.redirect(c, t, call('POST', '/api/v1/upload', this.delay(1_000, 200_000)), 307, '/api/v2/upload', ['POST']);
    else if (x < 0.34) this.redirect(c, t, call('PUT', `/api/v1/items/${id}`, this.delay(100, 2_000)), 307, `/api/v2/items/${id}`, ['PUT', 'GET']);
    else if (x < 0.52) this.redirect(c, t, call('POST', '/api/orders', this.delay(200, 3_000)), 308, '/api/v2/orders', ['POST']);
    else if (x < 0.6) this.redirect(c, t, call('DELETE', `/api/v1/sessions/${id}`), 308, `/api/v2/sessions/${id}`, ['DELETE']);
    else if (x < 0.8) this.redirect(c, t, call('POST', '/api/v1/jobs', this.delay(100, 1_500)), 303, '/api/v1/jobs/status', ['GET']);
    else if (x < 0.92) this.redirect(c, t, call('GET', '/api/v1/status'), 301, '/api/v2/status', ['GET']);
    else this.redirect(c, t, call('POST', '/api/v1/legacy/submit', this.delay(100, 1_000)), 302, '/api/v1/legacy/done', ['GET']);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Rendering

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad2 = (n: number) => (n < 10 ? `0${n}` : `${n}`);

let lastSecond = -1;
let lastLocal = '';
function timeLocal(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s !== lastSecond) {
    const d = new Date(s * 1000);
    lastSecond = s;
    lastLocal = `${pad2(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())} +0000`;
  }
  return lastLocal;
}

function render(e: Ev, t: number, format: GeneratedFormat, rnd: () => number): string {
  const c = e.c;
  const proto = c.http2 && e.host === WWW ? 'HTTP/2.0' : 'HTTP/1.1';
  const head = `${c.addr} - - [${timeLocal(t)}] "${e.method} ${e.path} ${proto}" ${e.status} ${e.bytes} "${e.referer}" "${c.ua}"`;
  if (format === 'combined') return head;
  const rt = e.status === 304 || e.status >= 300 && e.status < 400 ? rnd() * 0.004 : rnd() * rnd() * 0.4;
  const reqLen = 180 + c.ua.length + e.path.length + (e.referer.length > 1 ? e.referer.length : 0) + (e.body > 0 ? e.body : 0);
  if (format === 'json') {
    // nginx log_format escape=json, with the keys of samples/capture-json.log.
    return JSON.stringify({
      time: new Date(t).toISOString().replace('.000Z', '+00:00'),
      msec: (t / 1000).toFixed(3),
      remote_addr: c.addr,
      remote_user: '',
      request: `${e.method} ${e.path} ${proto}`,
      method: e.method,
      uri: e.path,
      status: String(e.status),
      body_bytes_sent: String(e.bytes),
      http_referer: e.referer === '-' ? '' : e.referer,
      http_user_agent: c.ua,
      http_x_forwarded_for: c.xff === '-' ? '' : c.xff,
      request_time: rt.toFixed(3),
      sent_http_location: e.location,
      content_length: e.body < 0 ? '' : String(e.body),
      request_length: String(reqLen),
      host: e.host,
    });
  }
  return `${head} "${c.xff}" ${rt.toFixed(3)} ${(t / 1000).toFixed(3)} "${e.location || '-'}" ${e.body < 0 ? '-' : e.body} ${reqLen} ${e.host}`;
}

function garbage(rnd: () => number, line: string): string {
  const r = rnd();
  if (r < 0.5) return line.slice(0, 10 + Math.floor(rnd() * Math.min(60, line.length - 10))); // a torn write
  if (r < 0.9) return pick(rnd, ['PHP Warning:  Undefined index: user in /var/www/index.php on line 12', '\\x00\\x00\\x00 binary junk', '<html><head><title>502 Bad Gateway</title></head>', '2026/11/25 10:00:00 [error] 1234#0: *1 connect() failed']);
  return '';
}

// ---------------------------------------------------------------------------------------------------------------

const START = Date.UTC(2026, 10, 25, 0, 0, 0);
const CHUNK = 1 << 20;

async function write(ws: WriteStream, s: string): Promise<void> {
  if (!ws.write(s)) await once(ws, 'drain');
}

/** Writes `lines` lines of a seeded access log to `path` (via a temporary file, renamed at the end). */
export async function generateLog(path: string, lines: number, opts: GenerateOptions = {}): Promise<GenerateResult> {
  const seed = opts.seed ?? 42;
  const format = opts.format ?? 'combined';
  const rnd = mulberry32(seed);
  const aux = mulberry32(seed ^ 0x9e3779b9); // format-only randomness: keeps `combined` and `full` in step
  const clients = makeClients(rnd, Math.max(2_000, Math.min(40_000, Math.round(lines / 150))));
  const heap = new Heap();
  const traffic = new Traffic(rnd, heap);
  const tmp = `${path}.tmp-${process.pid}`;
  const ws = (opts.out ?? createWriteStream(tmp)) as WriteStream;
  const res: GenerateResult = { lines: 0, bytes: 0, clients: clients.length, redirects: 0, notModified: 0, garbage: 0, firstTime: '', lastTime: '' };
  let buf = '';
  let clock = START;
  let lastT = START;
  while (res.lines < lines) {
    // The next visit arrives; emit everything scheduled before it.
    clock += 1 + Math.floor(-Math.log(1 - rnd()) * 40);
    // A skewed choice: a few clients are much busier than the rest.
    const c = clients[Math.floor(clients.length * rnd() * rnd())]!;
    if (c.kind === 'browser') traffic.browserVisit(c, clock);
    else traffic.libraryCall(c, clock);
    while (heap.size && heap.peek()!.t <= clock && res.lines < lines) {
      const e = heap.pop();
      // Small backwards jitter: a few lines carry a timestamp slightly before the previous one.
      const t = rnd() < 0.003 ? e.t - Math.floor(rnd() * 1_500) : e.t;
      let line = render(e, t, format, aux);
      if (rnd() < 0.0001) {
        line = garbage(rnd, line);
        res.garbage++;
      } else {
        if (e.status >= 300 && e.status < 400 && e.status !== 304) res.redirects++;
        if (e.status === 304) res.notModified++;
      }
      lastT = t;
      if (res.lines === 0) res.firstTime = new Date(t).toISOString();
      buf += `${line}\n`;
      res.lines++;
      if (buf.length >= CHUNK) {
        res.bytes += Buffer.byteLength(buf);
        await write(ws, buf);
        buf = '';
      }
    }
  }
  res.bytes += Buffer.byteLength(buf);
  ws.end(buf);
  await once(ws, 'finish');
  if (!opts.out) await rename(tmp, path);
  res.lastTime = new Date(lastT).toISOString();
  return res;
}

/**
 * Splits a log into `outs.length` files as a load balancer would: each line goes to one server, picked by a
 * seeded draw, so every file stays in time order and a client's redirect and follow-up may land on different
 * servers.
 */
export async function splitLog(src: string, outs: string[], seed = 7): Promise<number[]> {
  const rnd = mulberry32(seed);
  const tmps = outs.map((o) => `${o}.tmp-${process.pid}`);
  const streams = tmps.map((t) => createWriteStream(t));
  const bufs = outs.map(() => '');
  const counts = outs.map(() => 0);
  const rl = createInterface({ input: createReadStream(src, { highWaterMark: 1 << 20 }), crlfDelay: Infinity });
  for await (const line of rl) {
    const k = Math.floor(rnd() * outs.length);
    bufs[k] += `${line}\n`;
    counts[k]!++;
    if (bufs[k]!.length >= CHUNK) {
      await write(streams[k]!, bufs[k]!);
      bufs[k] = '';
    }
  }
  await Promise.all(
    streams.map(async (ws, k) => {
      ws.end(bufs[k]);
      await once(ws, 'finish');
    }),
  );
  for (let k = 0; k < outs.length; k++) await rename(tmps[k]!, outs[k]!);
  return counts;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [out, n, format = 'combined', seed = '42'] = process.argv.slice(2);
  if (!out || !n || (format !== 'combined' && format !== 'full' && format !== 'json')) {
    process.stderr.write('usage: node dist/bench/generate.js OUT.log LINES [combined|full|json] [SEED]\n');
    process.exitCode = 2;
  } else {
    const t0 = performance.now();
    const r = await generateLog(out, Number(n), { seed: Number(seed), format });
    const s = (performance.now() - t0) / 1000;
    process.stderr.write(`${out}: ${r.lines} lines, ${(r.bytes / 1e6).toFixed(1)} MB, ${r.clients} clients, ${r.redirects} redirects, ${r.notModified} 304s, ${r.garbage} garbage, ${r.firstTime} .. ${r.lastTime} (${s.toFixed(1)} s)\n`);
  }
}
