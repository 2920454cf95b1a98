/**
 * A seeded simulator of production traffic that knows the ground truth, for the evaluation harness.
 *
 * It models people (each with a client software whose redirect behaviour is known, at a known rate), the site
 * they use (routes that answer 3xx and the targets they send to), the servers that write the logs (one or more,
 * with clock skew, completion-order logging, second-resolution timestamps, a reverse proxy in front) and writes
 * access-log lines plus a ground-truth file. The traffic model is written apart from the engine and from
 * bench/generate.ts: only the PRNG is shared.
 *
 * Every request is simulated from the person's side: when it is sent, when the answer arrives, what the client
 * software does with a redirect (follow with which method and body, not follow, take the target from its cache,
 * leave for another site). The server writes a line when the request completes (nginx: after discarding an
 * unread request body), so a follow-up can be logged before its redirect.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { mulberry32 } from '../prng.js';

// ---------------------------------------------------------------------------------------------------------------
// Formats

export const COMBINED_FORMAT =
  '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent"';
export const LOCATION_FORMAT =
  '$remote_addr - - [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" "$sent_http_location" $request_length $request_time';
/** `combined` and the request time: when each request started is known, not where it was sent (no Location). */
export const TIMED_FORMAT = `${COMBINED_FORMAT} $request_time`;
/** The same three, with the reverse proxy's X-Forwarded-For at the end (the `proxies` scenario). */
export const COMBINED_XFF_FORMAT = `${COMBINED_FORMAT} "$http_x_forwarded_for"`;
export const TIMED_XFF_FORMAT = `${TIMED_FORMAT} "$http_x_forwarded_for"`;
export const LOCATION_XFF_FORMAT = `${LOCATION_FORMAT} "$http_x_forwarded_for"`;

export type VariantName = 'combined' | 'timed' | 'location';
export const VARIANTS: readonly VariantName[] = ['combined', 'timed', 'location'];
/** The variants whose lines carry the request time ($request_time): they show when a request started. */
export const TIMED_VARIANTS: ReadonlySet<VariantName> = new Set(['timed', 'location']);

// ---------------------------------------------------------------------------------------------------------------
// Ground truth (the JSON written beside the logs)

export const CODES = ['303', '307', '308'] as const;
export type ViolationCode = (typeof CODES)[number];
export type Counts = Record<ViolationCode, number>;

/** Why a redirect has no follow-up in the logs. */
export type NoFollowReason =
  | 'unfollowed' // the client software chose not to follow (counts as unfollowed)
  | 'left-site' // the Location is another site (SSO, a partner): its follow-up is in someone else's log
  | 'other-server' // same site, but served by a server whose log is not given (http → https upgrade)
  | 'cached' // the client took the target from its own cache: no request was made
  | 'retried'; // the client re-sent the original instead (a double submit): counts as unfollowed, as the tool does

export interface TruthRedirect {
  /** Index into `files`, and the 1-based line number. */
  file: number;
  line: number;
  address: string;
  userAgent: string | null;
  method: string;
  url: string;
  code: number;
  location: string;
  /** The follow-up request, or null with `reason`. */
  followUp: { file: number; line: number; method: string; url: string } | null;
  reason: 'followed' | NoFollowReason;
  /** The rule of `code` the follow-up breaks, as the tool names it, or null. */
  violation: string | null;
  /** The violation is only in the body (dropped after 307/308): not observable in these formats. */
  unobservable: boolean;
  /**
   * Another request of the same identity to the same target, in the window and not provably after the true
   * follow-up, would give this redirect another outcome: the log cannot say which pairing is right.
   */
  undecidable: boolean;
  /**
   * The follow-up's line shows a time more than 2 s (the reorder allowance) before the redirect's: the server
   * answered at once and wrote the redirect's line only after discarding a slow upload. Only a log with the
   * request time shows that the redirect was sent first; without it the pair is undecidable.
   */
  loggedEarly: boolean;
  /** The software of the person who got it (for reading the truth). */
  software: string;
}

export interface TruthClient {
  address: string;
  userAgent: string | null;
  /** How many people (and which client software) stand behind this identity. */
  people: number;
  software: string[];
  redirects: number;
  /** Redirects per code the rules are about (303, 307, 308). */
  codeRedirects: Counts;
  followed: number;
  /** Redirects not followed (`unfollowed` and `retried`), as the tool counts them. */
  unfollowed: number;
  /** Of those, the first of a double submit (the client re-sent the original). */
  retried: number;
  /** Unfollowed redirects answered to an unsafe request (not GET/HEAD). */
  unfollowedUnsafe: number;
  /** Redirects with no follow-up in the log for other reasons (left-site, other-server, cached). */
  invisible: number;
  /** Observable violations per code (all, undecidable ones included). */
  violations: Counts;
  /** Observable violations on redirects whose pairing is decidable. */
  decidableViolations: Counts;
  /** Of those, on redirects whose follow-up was logged early (`loggedEarly`): decidable only with request times. */
  earlyViolations: Counts;
  /** Followed redirects whose follow-up was logged early (`TruthRedirect.loggedEarly`). */
  loggedEarly: number;
  /** Redirects of each code whose pairing is undecidable. */
  undecidable: Counts;
  /** Violations the formats cannot show (a dropped body). */
  unobservable: Counts;
  /** Codes with at least one decidable, observable violation. */
  mishandles: ViolationCode[];
  /** Codes where a flag is neither right nor wrong (only undecidable or unobservable evidence). */
  dontCare: ViolationCode[];
  /**
   * The client software does not follow: the verdict rule of the domain reference applied to the true counts
   * (an unsafe redirect left unfollowed, or unfollowed >= followed), double submits (`retried`) left out.
   */
  doesNotFollow: boolean;
  /** Any redirect of this identity undecidable: its does-not-follow and counts are not scored. */
  anyUndecidable: boolean;
}

export interface Truth {
  scenario: string;
  description: string;
  seed: number;
  scale: Scale;
  clientKey: 'address' | 'forwarded-for';
  /** File names, the same in every variant directory; `lines[i]` lines each. */
  files: string[];
  lines: number[];
  variants: Record<VariantName, { dir: string; logFormat: string; args: string[]; durations: boolean }>;
  redirects: TruthRedirect[];
  clients: TruthClient[];
  summary: {
    requests: number;
    redirects: number;
    followed: number;
    /** Unfollowed, `retried` included. */
    unfollowed: number;
    retried: number;
    leftSite: number;
    otherServer: number;
    cached: number;
    undecidable: number;
    /** Followed redirects whose follow-up was logged early (see `TruthRedirect.loggedEarly`). */
    loggedEarly: number;
    violations: Counts;
    unobservable: Counts;
  };
}

// ---------------------------------------------------------------------------------------------------------------
// People and their software

export interface Behaviour {
  /** P(an unsafe method is kept after 303), e.g. curl -X POST -L. */
  keep303?: number;
  /** P(an unsafe 307 / 308 turns into GET). */
  get307?: number;
  get308?: number;
  /** The faults above (and dropBody) apply only when the Location is on another host. */
  crossHostOnly?: boolean;
  /** P(same method after 307/308 but the body is gone), e.g. got 15.0.0-15.0.6 on cross-origin. */
  dropBody?: number;
  /** P(a redirect of an unsafe request is left unfollowed), e.g. Python urllib, Perl LWP. */
  unfollowUnsafe?: number;
  /** P(a redirect of a GET/HEAD is left unfollowed), e.g. crawlers that queue the target. */
  unfollowSafe?: number;
  /** A crawler fetches a target it did not follow later from its queue, with this probability. */
  queueLater?: number;
  /** got: retries a GET answered 5xx twice. */
  retry5xx?: boolean;
  /** Go net/http: Referer of the follow-up is the redirecting URL. */
  refererOnFollow?: boolean;
  /** A browser: loads assets, caches permanent redirects and pages, keeps the navigation Referer. */
  browser?: boolean;
}

export interface Software {
  name: string;
  /** As logged; '-' for none. */
  ua: string;
  b: Behaviour;
}

interface Person {
  id: number;
  sw: Software;
  addr: string;
  xff: string | null;
  /** Permanent redirects the browser has cached: URL key → target. */
  perm: Map<string, Url>;
  /** Pages the browser has in its HTTP cache. */
  pages: Set<string>;
}

interface Url {
  scheme: 'http' | 'https';
  host: string;
  /** Path and query. */
  path: string;
}

const urlKey = (u: Url) => `${u.scheme}://${u.host}${u.path}`;

interface Req {
  seq: number;
  person: Person;
  server: number;
  start: number;
  respond: number;
  logAt: number;
  method: string;
  url: Url;
  status: number;
  bytes: number;
  referer: string;
  location: string | null;
  /** Request body bytes, 0 for none. */
  body: number;
  file: number;
  line: number;
  redir: RedirInfo | null;
}

interface RedirInfo {
  code: number;
  target: Url;
  follow: Req | null;
  reason: 'followed' | NoFollowReason;
  violation: string | null;
  unobservable: boolean;
  undecidable: boolean;
  loggedEarly: boolean;
}

// User-Agents
const CHROME_WIN = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const CHROME_WIN_130 = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.6723.117 Safari/537.36';
const EDGE_WIN = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.2903.70';
const BROWSER_UAS = [
  CHROME_WIN,
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:132.0) Gecko/20100101 Firefox/132.0',
  'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0',
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36',
  EDGE_WIN,
];

const browser = (ua: string): Software => ({ name: 'browser', ua, b: { browser: true } });
const SW = {
  requests: { name: 'python-requests', ua: 'python-requests/2.32.3', b: {} },
  axios: { name: 'axios', ua: 'axios/1.7.7', b: {} },
  go: { name: 'Go net/http', ua: 'Go-http-client/1.1', b: { refererOnFollow: true } },
  node: { name: 'node fetch', ua: 'node', b: {} },
  okhttp: { name: 'okhttp', ua: 'okhttp/4.12.0', b: {} },
  curlOk: { name: 'curl -d -L', ua: 'curl/8.5.0', b: {} },
  curlX: { name: 'curl -X POST -L (keeps the method after 303)', ua: 'curl/8.5.0', b: { keep303: 1 } },
  needle: { name: 'needle (307/308 become GET)', ua: 'Needle/3.3.1 (Node.js v20.18.0; linux x64)', b: { get307: 1, get308: 1 } },
  needleKeep: { name: 'needle with follow_keep_method (correct)', ua: 'Needle/3.3.1 (Node.js v20.18.0; linux x64)', b: {} },
  request: { name: 'request (308 becomes GET), no User-Agent', ua: '-', b: { get308: 1 } },
  noUaOk: { name: 'script without User-Agent (correct)', ua: '-', b: {} },
  flaky307: { name: 'axios behind a buggy interceptor (307 → GET 25%)', ua: 'axios/1.7.7', b: { get307: 0.25 } },
  cross307: { name: 'requests with a custom adapter (cross-host 307 → GET)', ua: 'python-requests/2.32.3', b: { get307: 1, crossHostOnly: true } },
  spoofed303: { name: 'script with a Chrome User-Agent (keeps POST after 303, 50%)', ua: CHROME_WIN, b: { keep303: 0.5 } },
  urllib: { name: 'Python urllib (no unsafe redirects)', ua: 'Python-urllib/3.11', b: { unfollowUnsafe: 1 } },
  lwp: { name: 'Perl LWP (no unsafe redirects)', ua: 'libwww-perl/6.72', b: { unfollowUnsafe: 1 } },
  got15: { name: 'got 15.0.3 (drops the body on cross-host 307/308)', ua: 'got (https://github.com/sindresorhus/got)', b: { dropBody: 1, crossHostOnly: true, retry5xx: true } },
  gotOk: { name: 'got 15.0.7 (retries 5xx)', ua: 'got (https://github.com/sindresorhus/got)', b: { retry5xx: true } },
  java308: { name: 'Java client with a 308 bug (10%)', ua: 'Java-http-client/17.0.12', b: { get308: 0.1 } },
  javaOk: { name: 'Java HttpClient', ua: 'Java-http-client/17.0.12', b: {} },
  probe: { name: 'kube-probe', ua: 'kube-probe/1.29', b: {} },
  elb: { name: 'ELB health checker', ua: 'ELB-HealthChecker/2.0', b: {} },
  googlebot: { name: 'Googlebot', ua: 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)', b: {} },
  auditBot: { name: 'SiteAuditBot (queues 35% of redirect targets)', ua: 'Mozilla/5.0 (compatible; SiteAuditBot/0.97; +http://www.semrush.com/bot.html)', b: { unfollowSafe: 0.35, queueLater: 0.6 } },
  noUaBot: { name: 'bot without User-Agent', ua: '-', b: {} },
} satisfies Record<string, Software>;

// ---------------------------------------------------------------------------------------------------------------
// The site

const WWW = 'www.example.com';
const API = 'api.example.com';
const UPLOAD = 'upload.example.com';
const REPORTS = 'reports.example.com';
const SSO = 'sso.example.com';
const PARTNER = 'partner.example.net';
/** Hosts whose servers write the logs given to the tool (https; plain http is served by the same servers). */
const LOGGED_HOSTS = new Set([WWW, API, UPLOAD, REPORTS]);

const SLUGS = ['getting-started', 'install', 'configuration', 'api', 'faq', 'release-notes', 'migrating', 'security'];
const PAGES = ['/', '/pricing', '/cart', '/about', '/blog/', '/docs/'];
const ASSETS = ['/static/js/app.3f9a1c2e.js', '/static/css/main.c2e6f1b9.css', '/static/js/vendor.8b41d07a.js', '/images/logo.svg', '/fonts/inter-var.woff2'];

interface Resp {
  status: number;
  location: string | null;
  bytes: number;
  /** Service time in ms (before the answer reaches the client). */
  ms: number;
}

class Site {
  /** Shortener codes: code → status and target. */
  readonly short = new Map<string, { status: 301 | 302; to: string }>();
  constructor(private readonly rnd: () => number) {
    for (let i = 0; i < 60; i++) {
      const code = Math.floor(rnd() * 2 ** 30).toString(36).padStart(6, 'x');
      const r = rnd();
      const to =
        r < 0.45 ? `/products/${1000 + Math.floor(rnd() * 9000)}?utm_source=short`
        : r < 0.75 ? `/blog/${SLUGS[Math.floor(rnd() * SLUGS.length)]}-${100 + i}`
        : r < 0.9 ? `/docs/${SLUGS[Math.floor(rnd() * SLUGS.length)]}/`
        : `https://${PARTNER}/offer/${i}`;
      this.short.set(code, { status: rnd() < 0.7 ? 301 : 302, to });
    }
  }

  private n(lo: number, hi: number): number {
    return lo + Math.floor(this.rnd() * (hi - lo));
  }

  respond(method: string, u: Url): Resp {
    const q = u.path.indexOf('?');
    const path = q < 0 ? u.path : u.path.slice(0, q);
    const redirect = (status: number, location: string, ms = this.n(0, 4)): Resp => ({ status, location, bytes: this.rnd() < 0.8 ? 162 : 0, ms });
    const ok = (status = 200, lo = 2_000, hi = 60_000, ms = this.n(15, 250)): Resp => ({ status, location: null, bytes: this.n(lo, hi), ms });
    const no = (status = 405): Resp => ({ status, location: null, bytes: 157, ms: this.n(0, 3) });
    const safe = method === 'GET' || method === 'HEAD';
    if (u.scheme === 'http') return redirect(301, `https://${u.host}${u.path}`);
    let m: RegExpExecArray | null;
    if (u.host === API) {
      if (path === '/api/v1/items' && method === 'POST') return redirect(307, '/api/v2/items');
      if ((m = /^\/api\/v1\/items\/(\d+)$/.exec(path)) && method === 'PUT') return redirect(307, `/api/v2/items/${m[1]}`);
      if (path === '/api/v1/orders' && method === 'POST') return redirect(308, '/api/v2/orders');
      if ((m = /^\/api\/v1\/sessions\/(\w+)$/.exec(path)) && method === 'DELETE') return redirect(308, `/api/v2/sessions/${m[1]}`);
      if (path === '/api/v1/jobs' && method === 'POST') return redirect(303, `/api/v1/jobs/${this.n(100_000, 999_999)}`, this.n(20, 200));
      if (path === '/api/v1/status' && safe) return redirect(301, '/api/v2/status');
      // One status page for every export: the Location carries no token.
      if (path === '/api/v1/exports' && method === 'POST') return redirect(303, '/api/v1/exports/status', this.n(20, 300));
      if (path === '/api/v1/exports/status') return safe ? ok(200, 80, 400) : no();
      if (path === '/api/v1/uploads' && method === 'POST') {
        return redirect(307, `https://${UPLOAD}/v1/uploads/${Math.floor(this.rnd() * 2 ** 40).toString(36)}`);
      }
      if (path === '/api/v1/reports' && method === 'POST') return redirect(308, `https://${REPORTS}/v1/reports`);
      if (path === '/api/v2/items') return method === 'POST' ? ok(201, 80, 400) : safe ? ok(200, 300, 30_000) : no();
      if (/^\/api\/v2\/items\/\d+$/.test(path)) return method === 'PUT' || safe ? ok(200, 100, 900) : no();
      if (path === '/api/v2/orders') return method === 'POST' ? ok(201, 80, 400) : no();
      if (/^\/api\/v2\/sessions\/\w+$/.test(path)) return method === 'DELETE' ? ok(204, 0, 1) : no();
      if (/^\/api\/v1\/jobs\/\d+$/.test(path)) return safe ? (this.rnd() < 0.06 ? ok(500, 180, 200) : ok(200, 60, 300)) : no();
      if (path === '/api/v2/status') return safe ? ok(200, 20, 60, this.n(1, 5)) : no();
      return safe ? ok(200, 300, 20_000) : method === 'POST' ? ok(201, 60, 300) : ok(200, 60, 300);
    }
    if (u.host === UPLOAD) return method === 'POST' ? ok(201, 60, 200) : no();
    if (u.host === REPORTS) return method === 'POST' ? ok(201, 60, 200) : no();
    // www
    if (path === '/healthz') return ok(200, 2, 3, this.n(0, 2));
    if (path.startsWith('/static/') || path.startsWith('/images/') || path.startsWith('/fonts/')) return ok(200, 800, 300_000, this.n(0, 15));
    if (path === '/docs') return redirect(301, '/docs/');
    if ((m = /^\/docs\/([a-z-]+)$/.exec(path))) return redirect(301, `/docs/${m[1]}/`);
    if ((m = /^\/old\/products\/(\d+)$/.exec(path))) return safe ? redirect(308, `/products/${m[1]}`) : no();
    if ((m = /^\/orders\/(\d+)\/pay$/.exec(path))) return method === 'POST' ? redirect(303, `/orders/${m[1]}/done`, this.n(300, 1_500)) : no();
    if (/^\/orders\/\d+\/done$/.test(path)) return safe ? ok() : no();
    if (path === '/login') return method === 'POST' ? redirect(303, '/account', this.n(30, 300)) : ok();
    if (path === '/contact') return method === 'POST' ? redirect(302, '/contact/thanks', this.n(20, 200)) : ok();
    if (path === '/account/orders') {
      const nonce = Math.floor(this.rnd() * 2 ** 40).toString(36);
      return redirect(302, `https://${SSO}/login?return=https%3A%2F%2F${WWW}%2Faccount%2Forders&state=${nonce}`);
    }
    if ((m = /^\/s\/(\w+)$/.exec(path))) {
      const s = this.short.get(m[1]!);
      return s ? redirect(s.status, s.to) : no(404);
    }
    return safe ? ok() : no();
  }
}

function resolve(location: string, base: Url): Url {
  const m = /^(https?):\/\/([^/]+)(\/.*)?$/.exec(location);
  if (m) return { scheme: m[1] as 'http' | 'https', host: m[2]!, path: m[3] ?? '/' };
  return { scheme: base.scheme, host: base.host, path: location };
}

const isSafe = (m: string) => m === 'GET' || m === 'HEAD';

/** The rule a follow-up breaks (the tool's names), from methods only; null when it keeps the rule. */
function methodViolation(code: number, method: string, followMethod: string): string | null {
  if (code === 303) return isSafe(followMethod) ? null : 'method-kept-after-303';
  if (code === 307 || code === 308) return followMethod === method ? null : `method-changed-after-${code}`;
  return null;
}

// ---------------------------------------------------------------------------------------------------------------
// The simulator

export type Scale = 'small' | 'full';

interface SimConfig {
  servers: number;
  /** Clock skew of each server's timestamps, ms. */
  skewMs: number;
  /** Which server logs a request. */
  balance: 'one' | 'random';
  clientKey: 'address' | 'forwarded-for';
  proxies: string[];
}

const START = Date.UTC(2026, 10, 25, 9, 0, 0);

class Sim {
  readonly reqs: Req[] = [];
  readonly people: Person[] = [];
  readonly site: Site;
  readonly skew: number[];
  private seq = 0;
  private nextId = 0;

  constructor(
    readonly rnd: () => number,
    readonly cfg: SimConfig,
    /** Session activity runs in [START, end); probes run until `end + tail`. */
    readonly end: number,
  ) {
    this.site = new Site(rnd);
    this.skew = Array.from({ length: cfg.servers }, () => (cfg.servers > 1 ? Math.round((rnd() * 2 - 1) * cfg.skewMs) : 0));
  }

  n(lo: number, hi: number): number {
    return lo + Math.floor(this.rnd() * (hi - lo));
  }

  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.rnd() * xs.length)]!;
  }

  ip(): string {
    const a = [23, 31, 45, 62, 77, 81, 89, 93, 104, 151, 176, 185, 195, 203, 212][Math.floor(this.rnd() * 15)]!;
    return `${a}.${this.n(0, 256)}.${this.n(0, 256)}.${this.n(1, 255)}`;
  }

  person(sw: Software, addr: string, xff: string | null = null): Person {
    const p: Person = { id: this.nextId++, sw, addr, xff, perm: new Map(), pages: new Set() };
    this.people.push(p);
    return p;
  }

  /** One request on the wire: when it is answered and when the server logs it. */
  request(p: Person, t: number, method: string, url: Url, body: number, referer: string): Req {
    const resp = this.site.respond(method, url);
    // Uploading the body takes time (1-5 MB/s), unless the server answers before reading it (a redirect).
    const upload = body > 0 && resp.location === null ? Math.round(body / this.n(1_000, 5_000)) : 0;
    const respond = t + upload + resp.ms + this.n(0, 3);
    // nginx logs a request once it is done with it: after discarding a body it did not read.
    const discard = body > 50_000 && resp.location !== null ? Math.round(body / this.n(1_000, 4_000)) : 0;
    const logAt = respond + discard + this.n(0, 2);
    const server = this.cfg.balance === 'one' ? 0 : Math.floor(this.rnd() * this.cfg.servers);
    const r: Req = {
      seq: this.seq++, person: p, server, start: t, respond, logAt, method, url, status: resp.status, bytes: resp.bytes,
      referer, location: resp.location, body, file: -1, line: -1, redir: null,
    };
    // Requests to servers whose logs are not given are never logged (they are not in `reqs`).
    if (LOGGED_HOSTS.has(url.host)) this.reqs.push(r);
    return r;
  }

  /**
   * A navigation or call: the request, and the redirects it leads to as the client software follows them.
   * Returns the first request and when the client is done.
   */
  go(p: Person, t: number, method: string, url: Url, body: number, referer: string, top = true, abandoned = false): { first: Req; end: number } {
    const b = p.sw.b;
    if (top && b.browser && method === 'GET') {
      const cached = p.perm.get(urlKey(url));
      if (cached) url = cached;
    }
    const r = this.request(p, t, method, url, body, referer);
    let end = r.respond;
    if (r.location !== null && r.status >= 300 && r.status < 400) {
      const target = resolve(r.location, url);
      const info: RedirInfo = { code: r.status, target, follow: null, reason: 'unfollowed', violation: null, unobservable: false, undecidable: false, loggedEarly: false };
      r.redir = info;
      if (abandoned) {
        // The person sent the form again before this answer came: the browser left this navigation.
        info.reason = 'retried';
        return { first: r, end };
      }
      const d = this.decide(b, r.status, method, target.host !== url.host);
      if (d === null) {
        if (!isSafe(method) || !b.queueLater || this.rnd() >= b.queueLater) return { first: r, end };
        // A crawler fetches the target later, from its queue (not a follow-up, though it may look like one).
        const later = end + this.n(5_000, 90_000);
        this.request(p, later, 'GET', target, 0, '-');
        return { first: r, end };
      }
      if (b.browser && method === 'GET' && (r.status === 301 || r.status === 308)) p.perm.set(urlKey(url), target);
      if (!LOGGED_HOSTS.has(target.host)) {
        info.reason = 'left-site';
        return { first: r, end };
      }
      if (target.scheme !== url.scheme) {
        // http → https: the TLS side is served by a frontend whose log is not given.
        info.reason = 'other-server';
        return { first: r, end };
      }
      // A GET redirect to a page the browser holds fresh in its cache (product, docs and blog pages are
      // cacheable; the results of a POST are not): the target comes from the cache, no request is made.
      if (b.browser && method === 'GET' && p.pages.has(urlKey(target)) && /^\/(products|docs|blog)\//.test(target.path) && this.rnd() < 0.5) {
        info.reason = 'cached';
        return { first: r, end };
      }
      const ref = b.refererOnFollow ? `${url.scheme}://${url.host}${url.path}` : b.browser ? referer : '-';
      const f = this.go(p, r.respond + (b.browser ? this.n(1, 25) : this.n(0, 6)), d.method, target, d.body ? body : 0, ref, false);
      info.follow = f.first;
      info.reason = 'followed';
      info.violation = methodViolation(r.status, method, d.method);
      if (info.violation === null && (r.status === 307 || r.status === 308) && body > 0 && !d.body) {
        info.violation = `body-dropped-after-${r.status}`;
        info.unobservable = true;
      }
      return { first: r, end: f.end };
    }
    if (b.browser && r.status === 200 && method === 'GET') {
      p.pages.add(urlKey(url));
      const path = url.path;
      if (!path.startsWith('/static/') && !path.startsWith('/images/') && !path.startsWith('/fonts/')) {
        // Assets in parallel, a share from the cache.
        const n = this.n(1, 5);
        const ref = `${url.scheme}://${url.host}${url.path}`;
        for (let i = 0; i < n; i++) {
          const a = i < 3 ? ASSETS[i]! : `/images/products/${this.n(1000, 9999)}.jpg`;
          const au = { scheme: url.scheme, host: url.host, path: a };
          if (p.pages.has(urlKey(au)) && this.rnd() < 0.8) continue;
          const ar = this.request(p, r.respond + this.n(5, 120), 'GET', au, 0, ref);
          p.pages.add(urlKey(au));
          end = Math.max(end, ar.respond);
        }
      }
    }
    if (b.retry5xx && r.status >= 500 && isSafe(method)) {
      let t2 = r.respond;
      for (let i = 0; i < 2; i++) {
        t2 += this.n(100, 1_200);
        const rr = this.request(p, t2, method, url, 0, referer);
        t2 = rr.respond;
        if (rr.status < 500) break;
      }
      end = t2;
    }
    return { first: r, end };
  }

  private decide(b: Behaviour, code: number, method: string, cross: boolean): { method: string; body: boolean } | null {
    const unsafe = !isSafe(method);
    if (unsafe && this.rnd() < (b.unfollowUnsafe ?? 0)) return null;
    if (!unsafe && this.rnd() < (b.unfollowSafe ?? 0)) return null;
    const fault = !b.crossHostOnly || cross;
    const x = this.rnd();
    if (!unsafe) return { method, body: false };
    if (code === 303) return fault && x < (b.keep303 ?? 0) ? { method, body: true } : { method: 'GET', body: false };
    if (code === 307 || code === 308) {
      const p = code === 307 ? (b.get307 ?? 0) : (b.get308 ?? 0);
      if (fault && x < p) return { method: 'GET', body: false };
      if (fault && this.rnd() < (b.dropBody ?? 0)) return { method, body: false };
      return { method, body: true };
    }
    // 301/302: a POST becomes GET (fetch), other methods are kept.
    return method === 'POST' ? { method: 'GET', body: false } : { method, body: true };
  }

  // -------------------------------------------------------------------------------------------------------------
  // Activities

  https(path: string, host = WWW): Url {
    return { scheme: 'https', host, path };
  }

  page(): string {
    const r = this.rnd();
    if (r < 0.35) return this.pick(PAGES);
    if (r < 0.7) return `/products/${this.n(1000, 9999)}`;
    if (r < 0.85) return `/blog/${this.pick(SLUGS)}-${this.n(100, 160)}`;
    return `/docs/${this.pick(SLUGS)}/`;
  }

  /** A browser's visit: page views and actions, with think time, until the end. */
  browse(p: Person, t: number, w: Partial<Record<BrowserAction, number>>, until = this.end): void {
    const actions = Object.entries({ ...DEFAULT_BROWSER, ...w }) as [BrowserAction, number][];
    while (t < until) {
      const a = weighted(this.rnd, actions);
      t = this.browserAction(p, t, a) + this.n(1_500, 40_000);
    }
  }

  browserAction(p: Person, t: number, a: BrowserAction): number {
    const ref = `https://${WWW}/`;
    const nav = (path: string, referer = ref, tt = t) => this.go(p, tt, 'GET', this.https(path), 0, referer).end;
    switch (a) {
      case 'page':
        return nav(this.page(), this.rnd() < 0.5 ? ref : '-');
      case 'pay': {
        const id = this.n(100_000, 999_999);
        const t1 = nav('/cart') + this.n(2_000, 15_000);
        const body = this.n(200, 2_000);
        const pay = this.https(`/orders/${id}/pay`);
        if (this.rnd() < 0.04) {
          // A double click: the same form sent again while the first is under way (payment takes 300 ms or more);
          // the browser drops the first navigation and follows the second.
          const e1 = this.go(p, t1, 'POST', pay, body, `https://${WWW}/cart`, true, true).end;
          return Math.max(e1, this.go(p, t1 + this.n(80, 290), 'POST', pay, body, `https://${WWW}/cart`).end);
        }
        return this.go(p, t1, 'POST', pay, body, `https://${WWW}/cart`).end;
      }
      case 'login': {
        const t1 = nav('/login') + this.n(3_000, 12_000);
        return this.go(p, t1, 'POST', this.https('/login'), this.n(60, 200), `https://${WWW}/login`).end;
      }
      case 'contact': {
        const t1 = nav('/contact') + this.n(5_000, 30_000);
        return this.go(p, t1, 'POST', this.https('/contact'), this.n(200, 3_000), `https://${WWW}/contact`).end;
      }
      case 'docs':
        return nav(this.rnd() < 0.3 ? '/docs' : `/docs/${this.pick(SLUGS)}`);
      case 'oldLink':
        return nav(`/old/products/${this.n(1000, 1200)}`, '-');
      case 'http':
        return this.go(p, t, 'GET', { scheme: 'http', host: WWW, path: this.pick(PAGES) }, 0, '-').end;
      case 'sso':
        return nav('/account/orders');
      case 'short': {
        const codes = [...this.site.short.keys()];
        // A few codes are shared widely (a campaign): most people click those.
        const code = this.rnd() < 0.6 ? codes[Math.floor(this.rnd() * 5)]! : this.pick(codes);
        return nav(`/s/${code}`, this.rnd() < 0.5 ? '-' : 'https://t.co/');
      }
    }
  }

  /** An API client's calls until the end. */
  api(p: Person, t: number, w: Partial<Record<ApiCall, number>>, think: [number, number] = [300, 15_000], until = this.end): void {
    const calls = Object.entries({ ...DEFAULT_API, ...w }) as [ApiCall, number][];
    while (t < until) {
      t = this.apiCall(p, t, weighted(this.rnd, calls)) + this.n(think[0], think[1]);
    }
  }

  apiCall(p: Person, t: number, c: ApiCall): number {
    const u = (path: string, host = API) => this.https(path, host);
    const go = (method: string, path: string, body = 0) => this.go(p, t, method, u(path), body, '-').end;
    switch (c) {
      case 'list':
        return go('GET', `/api/v2/items?page=${this.n(1, 40)}&limit=50`);
      case 'get':
        return go('GET', `/api/v2/items/${this.n(1, 5000)}`);
      case 'create307':
        return go('POST', '/api/v1/items', this.n(100, 4_000));
      case 'update307':
        return go('PUT', `/api/v1/items/${this.n(1, 5000)}`, this.n(100, 2_000));
      case 'order308':
        return go('POST', '/api/v1/orders', this.n(200, 3_000));
      case 'logout308':
        return go('DELETE', `/api/v1/sessions/${Math.floor(this.rnd() * 2 ** 30).toString(36)}`);
      case 'job303': {
        const e = this.go(p, t, 'POST', u('/api/v1/jobs'), this.n(100, 1_500), '-');
        const follow = e.first.redir?.follow;
        if (!follow || follow.method !== 'GET') return e.end;
        // Poll the job status a few times.
        let tt = e.end;
        for (let i = this.n(0, 3); i > 0; i--) tt = this.go(p, tt + this.n(1_000, 5_000), 'GET', follow.url, 0, '-').end;
        return tt;
      }
      case 'export303':
        return go('POST', '/api/v1/exports', this.n(100, 800));
      case 'status301':
        return go('GET', '/api/v1/status');
      case 'upload307':
        return go('POST', '/api/v1/uploads', this.n(60_000, 2_000_000));
      case 'bigUpload307':
        // A file of 12-40 MB: the 307 comes at once, the server discards the unread body for 3 to 40 seconds.
        return go('POST', '/api/v1/uploads', this.n(12_000_000, 40_000_000));
      case 'report308':
        return go('POST', '/api/v1/reports', this.n(500, 20_000));
    }
  }

  crawl(p: Person, t: number, gap: [number, number], until = this.end): void {
    const codes = [...this.site.short.keys()];
    while (t < until) {
      const r = this.rnd();
      const path =
        r < 0.5 ? this.page()
        : r < 0.65 ? `/docs/${this.pick(SLUGS)}`
        : r < 0.75 ? `/old/products/${this.n(1000, 1200)}`
        : r < 0.85 ? `/s/${this.pick(codes)}`
        : r < 0.9 ? '/robots.txt'
        : '/docs';
      t = this.go(p, t, this.rnd() < 0.1 ? 'HEAD' : 'GET', this.https(path), 0, '-').end + this.n(gap[0], gap[1]);
    }
  }

  probe(p: Person, every: number, path = '/healthz'): void {
    for (let t = START + this.n(0, every); t < this.end + TAIL_MS; t += every + this.n(-50, 50)) {
      this.request(p, t, 'GET', this.https(path), 0, '-');
    }
  }
}

/** After the last session activity, probes go on this long, so every window closes inside the log. */
const TAIL_MS = 120_000;

type BrowserAction = 'page' | 'pay' | 'login' | 'contact' | 'docs' | 'oldLink' | 'http' | 'sso' | 'short';
const DEFAULT_BROWSER: Record<BrowserAction, number> = { page: 0.6, pay: 0.1, login: 0.07, contact: 0.03, docs: 0.08, oldLink: 0.05, http: 0.04, sso: 0, short: 0 };
type ApiCall = 'list' | 'get' | 'create307' | 'update307' | 'order308' | 'logout308' | 'job303' | 'export303' | 'status301' | 'upload307' | 'bigUpload307' | 'report308';
const DEFAULT_API: Record<ApiCall, number> = {
  list: 0.3, get: 0.15, create307: 0.1, update307: 0.06, order308: 0.08, logout308: 0.04, job303: 0.1, export303: 0.04, status301: 0.05, upload307: 0.05, bigUpload307: 0, report308: 0.04,
};
/** Weights that leave out every call (spread the calls wanted over it). */
const NO_CALLS = Object.fromEntries(Object.keys(DEFAULT_API).map((k) => [k, 0])) as Record<ApiCall, number>;

function weighted<T>(rnd: () => number, items: readonly [T, number][]): T {
  let total = 0;
  for (const [, w] of items) total += w;
  let x = rnd() * total;
  for (const [v, w] of items) {
    x -= w;
    if (x < 0) return v;
  }
  return items[items.length - 1]![0];
}

// ---------------------------------------------------------------------------------------------------------------
// Scenarios

interface Scenario {
  name: string;
  description: string;
  cfg: SimConfig;
  /** Minutes of activity. */
  minutes: Record<Scale, number>;
  populate(sim: Sim, k: number): void;
}

/** Starts of sessions spread over the first part of the period. */
function startAt(sim: Sim): number {
  return START + sim.n(0, Math.max(1, (sim.end - START) * 0.6));
}

const ONE: SimConfig = { servers: 1, skewMs: 0, balance: 'one', clientKey: 'address', proxies: [] };

function healthProbe(sim: Sim): void {
  sim.probe(sim.person(SW.probe, '10.0.3.7'), 5_000);
}

function correctApiClients(sim: Sim, n: number): void {
  const libs = [SW.requests, SW.axios, SW.go, SW.node, SW.okhttp, SW.javaOk, SW.curlOk, SW.gotOk];
  for (let i = 0; i < n; i++) sim.api(sim.person(libs[i % libs.length]!, sim.ip()), startAt(sim), {});
}

export const SCENARIOS: Scenario[] = [
  {
    name: 'baseline',
    description: 'One server, distinct clients: browsers (PRG 303, trailing-slash 301, 308 moves, http→https 301, assets), correct API clients (307/308/303), a health probe.',
    cfg: ONE,
    minutes: { small: 6, full: 20 },
    populate(sim, k) {
      for (let i = 0; i < 30 * k; i++) sim.browse(sim.person(browser(sim.pick(BROWSER_UAS)), sim.ip()), startAt(sim), {});
      correctApiClients(sim, 6 * k);
      healthProbe(sim);
    },
  },
  {
    name: 'nat',
    description: 'Offices behind NAT: many people share one address and one browser build, acting at once on the same routes; a CI box where one curl script uses -X POST -L beside correct ones with the same User-Agent.',
    cfg: ONE,
    minutes: { small: 6, full: 20 },
    populate(sim, k) {
      const builds = [CHROME_WIN, CHROME_WIN_130, EDGE_WIN];
      for (let o = 0; o < 2 + 2 * k; o++) {
        const addr = sim.ip();
        const ua = builds[o % builds.length]!;
        const people = sim.n(6, 14) * (k > 1 ? 2 : 1);
        for (let i = 0; i < people; i++) {
          // Everyone is at work at the same time: pay and login are busy.
          sim.browse(sim.person(browser(ua), addr), START + sim.n(0, 60_000), { pay: 0.2, login: 0.12 });
        }
        if (o === 0) {
          // The CI box: three jobs with the same curl build, one of them with -X POST.
          const jobs = [sim.person(SW.curlOk, addr), sim.person(SW.curlOk, addr), sim.person(SW.curlX, addr)];
          for (const p of jobs) sim.api(p, START + sim.n(0, 30_000), { job303: 0.3, export303: 0.3 }, [500, 8_000]);
          // And a cron entry that starts all three at the top of every other minute: the same export request
          // from one identity within a second, answered with the same Location.
          for (let t = START; t < sim.end; t += 120_000) for (const p of jobs) sim.apiCall(p, t + sim.n(0, 400), 'export303');
        }
      }
      for (let i = 0; i < 8 * k; i++) sim.browse(sim.person(browser(sim.pick(BROWSER_UAS)), sim.ip()), startAt(sim), {});
      correctApiClients(sim, 2 * k);
      healthProbe(sim);
    },
  },
  {
    name: 'load-balanced',
    description: 'Four servers, each its own log, clock skew up to ±200 ms, lines in completion order, each request to a random server (a follow-up often lands elsewhere); a needle client and a flaky axios among correct ones.',
    cfg: { servers: 4, skewMs: 200, balance: 'random', clientKey: 'address', proxies: [] },
    minutes: { small: 6, full: 20 },
    populate(sim, k) {
      for (let i = 0; i < 25 * k; i++) sim.browse(sim.person(browser(sim.pick(BROWSER_UAS)), sim.ip()), startAt(sim), {});
      correctApiClients(sim, 6 * k);
      sim.api(sim.person(SW.needle, sim.ip()), startAt(sim), {}, [300, 6_000]);
      sim.api(sim.person(SW.flaky307, sim.ip()), startAt(sim), { create307: 0.3 }, [300, 6_000]);
      sim.api(sim.person(SW.curlX, sim.ip()), startAt(sim), { job303: 0.3 }, [300, 6_000]);
      healthProbe(sim);
    },
  },
  {
    name: 'proxies',
    description: 'A reverse proxy in front (remote address = proxy, client in X-Forwarded-For, --client-key forwarded-for), SSO redirects to another host whose follow-up is never in this log, health checks from the balancer without X-Forwarded-For.',
    cfg: { servers: 1, skewMs: 0, balance: 'one', clientKey: 'forwarded-for', proxies: ['10.0.0.2', '10.0.0.3'] },
    minutes: { small: 6, full: 20 },
    populate(sim, k) {
      const proxy = () => sim.pick(sim.cfg.proxies);
      const xff = () => (sim.rnd() < 0.2 ? `${sim.ip()}, 172.16.${sim.n(0, 255)}.${sim.n(1, 255)}` : sim.ip());
      for (let i = 0; i < 30 * k; i++) sim.browse(sim.person(browser(sim.pick(BROWSER_UAS)), proxy(), xff()), startAt(sim), { sso: 0.1 });
      const libs = [SW.requests, SW.axios, SW.go, SW.node];
      for (let i = 0; i < 6 * k; i++) sim.api(sim.person(libs[i % libs.length]!, proxy(), xff()), startAt(sim), {});
      sim.api(sim.person(SW.needle, proxy(), xff()), startAt(sim), {}, [300, 6_000]);
      sim.api(sim.person(SW.request, proxy(), xff()), startAt(sim), { order308: 0.3 }, [300, 6_000]);
      sim.api(sim.person(SW.noUaOk, proxy(), xff()), startAt(sim), { order308: 0.3 }, [300, 6_000]);
      // The balancer's own health checks reach the origin without X-Forwarded-For.
      sim.probe(sim.person(SW.elb, '10.0.0.2'), 5_000);
    },
  },
  {
    name: 'mixed-site',
    description: 'Browsers with cached 301/308 and cached targets, health probes, crawlers that queue redirect targets instead of following, a URL shortener (most answers 3xx, each code its own target), a bot without User-Agent, got retrying 5xx follow-ups, double submits.',
    cfg: ONE,
    minutes: { small: 6, full: 20 },
    populate(sim, k) {
      for (let i = 0; i < 25 * k; i++) {
        sim.browse(sim.person(browser(sim.pick(BROWSER_UAS)), sim.ip()), startAt(sim), { short: 0.25, docs: 0.15, oldLink: 0.12 });
      }
      for (let i = 0; i < 3 * k; i++) sim.crawl(sim.person(SW.googlebot, `66.249.${sim.n(64, 80)}.${sim.n(1, 255)}`), startAt(sim), [500, 4_000]);
      sim.crawl(sim.person(SW.auditBot, sim.ip()), startAt(sim), [300, 3_000]);
      sim.crawl(sim.person(SW.noUaBot, sim.ip()), startAt(sim), [1_000, 8_000]);
      for (let i = 0; i < k; i++) sim.api(sim.person(SW.gotOk, sim.ip()), startAt(sim), { job303: 0.5 }, [500, 5_000]);
      correctApiClients(sim, 2 * k);
      healthProbe(sim);
      sim.probe(sim.person(SW.elb, '10.0.3.8'), 10_000);
    },
  },
  {
    name: 'offenders',
    description: 'API clients that mishandle 303/307/308 or do not follow unsafe redirects, each at a known rate (always, cross-host only, 25%, 10%), beside correct clients with the same User-Agents; offenders with innocent User-Agents and correct clients with the User-Agent of a known-bad library.',
    cfg: ONE,
    minutes: { small: 6, full: 20 },
    populate(sim, k) {
      const offenders: Software[] = [SW.curlX, SW.needle, SW.request, SW.flaky307, SW.cross307, SW.spoofed303, SW.urllib, SW.lwp, SW.got15, SW.java308];
      const innocent: Software[] = [SW.curlOk, SW.curlOk, SW.needleKeep, SW.noUaOk, SW.axios, SW.requests, SW.javaOk, SW.gotOk, SW.go];
      for (let r = 0; r < k; r++) {
        for (const sw of offenders) sim.api(sim.person(sw, sim.ip()), startAt(sim), {}, [300, 6_000]);
        for (const sw of innocent) sim.api(sim.person(sw, sim.ip()), startAt(sim), {}, [300, 6_000]);
      }
      for (let i = 0; i < 10 * k; i++) sim.browse(sim.person(browser(sim.pick(BROWSER_UAS)), sim.ip()), startAt(sim), {});
      healthProbe(sim);
    },
  },
];

SCENARIOS.push({
  name: 'slow-uploads',
  description:
    'API clients uploading files of 12-40 MB through a route that answers 307 at once (to the upload host); the server writes the redirect\'s line only once it has discarded the unread body, seconds later, so its follow-up is often logged before it, by more than the 2 s reorder allowance. Correct clients send the upload again; an upload agent (needle) and a flaky axios turn the 307 into a GET; Python urllib leaves it.',
  cfg: ONE,
  minutes: { small: 6, full: 20 },
  populate(sim, k) {
    const uploads = { bigUpload307: 0.3 };
    const libs = [SW.requests, SW.axios, SW.go, SW.node, SW.okhttp, SW.javaOk, SW.curlOk, SW.gotOk, SW.needleKeep];
    for (let i = 0; i < 6 * k; i++) sim.api(sim.person(libs[i % libs.length]!, sim.ip()), startAt(sim), uploads);
    // An upload agent that does nothing else: every violation of its is on a slow upload.
    sim.api(sim.person(SW.needle, sim.ip()), startAt(sim), { ...NO_CALLS, bigUpload307: 1 }, [1_000, 20_000]);
    sim.api(sim.person(SW.flaky307, sim.ip()), startAt(sim), { create307: 0.2, bigUpload307: 0.3 });
    sim.api(sim.person(SW.urllib, sim.ip()), startAt(sim), uploads);
    for (let i = 0; i < 8 * k; i++) sim.browse(sim.person(browser(sim.pick(BROWSER_UAS)), sim.ip()), startAt(sim), {});
    healthProbe(sim);
  },
});

export const SCENARIO_NAMES = SCENARIOS.map((s) => s.name);

// ---------------------------------------------------------------------------------------------------------------
// Logs and truth

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad2 = (n: number) => (n < 10 ? `0${n}` : `${n}`);

function timeLocal(ms: number): string {
  const d = new Date(Math.floor(ms / 1000) * 1000);
  return `${pad2(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())} +0000`;
}

function render(r: Req, variant: VariantName, xff: boolean, skew: number): string {
  const p = r.person;
  const proto = p.sw.b.browser ? 'HTTP/2.0' : 'HTTP/1.1';
  let s = `${p.addr} - - [${timeLocal(r.logAt + skew)}] "${r.method} ${r.url.path} ${proto}" ${r.status} ${r.bytes} "${r.referer}" "${p.sw.ua}"`;
  // nginx's $request_time: from the first byte read to the line written.
  const requestTime = ((r.logAt - r.start) / 1000).toFixed(3);
  if (variant === 'location') {
    const reqLen = 120 + p.sw.ua.length + r.url.path.length + (r.referer.length > 1 ? r.referer.length + 10 : 0) + r.body;
    s += ` "${r.location ?? '-'}" ${reqLen} ${requestTime}`;
  } else if (variant === 'timed') {
    s += ` ${requestTime}`;
  }
  if (xff) s += ` "${p.xff ?? '-'}"`;
  return s;
}

export interface SimulateOptions {
  scenario: string;
  seed: number;
  scale: Scale;
  /** Directory for this scenario: `<dir>/combined/*.log`, `<dir>/location/*.log`, `<dir>/truth.json`. */
  dir: string;
}

export interface SimulateResult {
  truth: Truth;
  ms: number;
}

/** Identity as the tool keys clients: address (or first X-Forwarded-For) and User-Agent (null for none). */
function identityOf(p: Person, key: 'address' | 'forwarded-for'): { address: string; userAgent: string | null } {
  const first = p.xff?.split(',')[0]?.trim();
  return { address: key === 'forwarded-for' && first ? first : p.addr, userAgent: p.sw.ua === '-' ? null : p.sw.ua };
}

export const identityKey = (address: string, userAgent: string | null) => `${address}\u0000${userAgent ?? ''}`;

const zero = (): Counts => ({ '303': 0, '307': 0, '308': 0 });

/** Simulates one scenario; writes its logs (both variants) and truth.json under `dir`. */
export function simulate(opts: SimulateOptions): SimulateResult {
  const t0 = performance.now();
  const sc = SCENARIOS.find((s) => s.name === opts.scenario);
  if (!sc) throw new Error(`unknown scenario ${opts.scenario} (${SCENARIO_NAMES.join(', ')})`);
  // One stream per scenario and seed: scenarios do not shift each other.
  let h = opts.seed >>> 0;
  for (const ch of sc.name) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
  const rnd = mulberry32(h);
  const k = opts.scale === 'full' ? 3 : 1;
  const sim = new Sim(rnd, sc.cfg, START + sc.minutes[opts.scale] * 60_000);
  sc.populate(sim, k);

  // Files: per server, in completion order.
  const nFiles = sc.cfg.servers;
  const files = Array.from({ length: nFiles }, (_, i) => (nFiles === 1 ? 'access.log' : `server-${i + 1}.log`));
  const perFile: Req[][] = files.map(() => []);
  for (const r of sim.reqs) perFile[r.server]!.push(r);
  for (let f = 0; f < nFiles; f++) {
    const list = perFile[f]!;
    list.sort((a, b) => a.logAt - b.logAt || a.seq - b.seq);
    list.forEach((r, i) => {
      r.file = f;
      r.line = i + 1;
    });
  }
  const xff = sc.cfg.clientKey === 'forwarded-for';
  const variants = {} as Truth['variants'];
  for (const v of VARIANTS) {
    const vdir = join(opts.dir, v);
    mkdirSync(vdir, { recursive: true });
    for (let f = 0; f < nFiles; f++) {
      const skew = sim.skew[f]!;
      const text = perFile[f]!.map((r) => render(r, v, xff, skew)).join('\n');
      writeFileSync(join(vdir, files[f]!), text.length ? `${text}\n` : '');
    }
    const logFormat =
      v === 'combined' ? (xff ? COMBINED_XFF_FORMAT : COMBINED_FORMAT)
      : v === 'timed' ? (xff ? TIMED_XFF_FORMAT : TIMED_FORMAT)
      : xff ? LOCATION_XFF_FORMAT : LOCATION_FORMAT;
    variants[v] = { dir: v, logFormat, args: ['--log-format', logFormat, ...(xff ? ['--client-key', 'forwarded-for'] : [])], durations: TIMED_VARIANTS.has(v) };
  }

  markUndecidable(sim, sc.cfg.clientKey);
  markLoggedEarly(sim);
  const truth = buildTruth(sim, sc, opts, files, perFile.map((l) => l.length), variants);
  writeFileSync(join(opts.dir, 'truth.json'), `${JSON.stringify(truth, null, 1)}\n`);
  return { truth, ms: performance.now() - t0 };
}

/** The second a line shows (with its server's skew). */
function shownSecond(sim: Sim, r: Req): number {
  return Math.floor((r.logAt + sim.skew[r.server]!) / 1000);
}

/**
 * Followed redirects whose follow-up shows a time more than 2 s before the redirect's (the reorder allowance, in
 * the seconds the lines show): the redirect's line was written after a slow upload was discarded.
 */
function markLoggedEarly(sim: Sim): void {
  for (const r of sim.reqs) {
    const f = r.redir?.follow;
    if (f && shownSecond(sim, f) < shownSecond(sim, r) - 2) r.redir!.loggedEarly = true;
  }
}

/** Scored outcome of a redirect if `f` were its follow-up (null: none in the log, with the true reason). */
function outcome(r: Req, f: Req | null, reason: RedirInfo['reason']): string {
  if (f === null) return reason === 'unfollowed' || reason === 'retried' ? 'unfollowed' : 'ok';
  return methodViolation(r.status, r.method, f.method) ?? 'ok';
}

/**
 * A redirect is undecidable when another request of the same identity to the same target path (the log has no
 * host), logged within the window (60 s, or 2 s before: completion order) and not provably after the true
 * follow-up, would give it another outcome: the log cannot tell which of the two followed it. A request that is
 * the true follow-up of another redirect of the same identity, code and method does not count: swapping the two
 * follow-ups changes no count.
 */
function markUndecidable(sim: Sim, key: 'address' | 'forwarded-for'): void {
  const WINDOW = 60, BEFORE = 2;
  const index = new Map<string, Req[]>();
  for (const r of sim.reqs) {
    const id = identityOf(r.person, key);
    const k = `${identityKey(id.address, id.userAgent)}\u0001${r.url.path}`;
    let l = index.get(k);
    if (!l) index.set(k, (l = []));
    l.push(r);
  }
  const followed = new Map<Req, Req>();
  for (const r of sim.reqs) if (r.redir?.follow) followed.set(r.redir.follow, r);
  for (const r of sim.reqs) {
    const info = r.redir;
    if (!info) continue;
    const id = identityOf(r.person, key);
    const same = index.get(`${identityKey(id.address, id.userAgent)}\u0001${info.target.path}`);
    if (!same) continue;
    const f = info.follow;
    const rs = shownSecond(sim, r);
    const truthOutcome = outcome(r, f, info.reason);
    for (const q of same) {
      if (q === f || q === r) continue;
      const other = followed.get(q);
      if (other && other.status === r.status && other.method === r.method) continue;
      const qs = shownSecond(sim, q);
      if (qs < rs - BEFORE || qs > rs + WINDOW) continue;
      if (f) {
        const fs = shownSecond(sim, f);
        const provablyAfter = q.file === f.file ? q.line > f.line : qs > fs + 1;
        if (provablyAfter) continue;
      }
      if (outcome(r, q, info.reason) !== truthOutcome) {
        info.undecidable = true;
        break;
      }
    }
  }
}

function buildTruth(sim: Sim, sc: Scenario, opts: SimulateOptions, files: string[], lines: number[], variants: Truth['variants']): Truth {
  const key = sc.cfg.clientKey;
  const clients = new Map<string, TruthClient & { people_: Set<number>; sw_: Set<string> }>();
  const redirects: TruthRedirect[] = [];
  const summary: Truth['summary'] = {
    requests: sim.reqs.length, redirects: 0, followed: 0, unfollowed: 0, retried: 0, leftSite: 0, otherServer: 0, cached: 0, undecidable: 0, loggedEarly: 0, violations: zero(), unobservable: zero(),
  };
  const clientOf = (p: Person) => {
    const id = identityOf(p, key);
    const k = identityKey(id.address, id.userAgent);
    let c = clients.get(k);
    if (!c) {
      c = {
        address: id.address, userAgent: id.userAgent, people: 0, software: [], redirects: 0, codeRedirects: zero(), followed: 0, unfollowed: 0, retried: 0, unfollowedUnsafe: 0, invisible: 0,
        violations: zero(), decidableViolations: zero(), earlyViolations: zero(), loggedEarly: 0, undecidable: zero(), unobservable: zero(), mishandles: [], dontCare: [], doesNotFollow: false,
        anyUndecidable: false, people_: new Set(), sw_: new Set(),
      };
      clients.set(k, c);
    }
    c.people_.add(p.id);
    c.sw_.add(p.sw.name);
    return c;
  };
  const ordered = [...sim.reqs].sort((a, b) => a.file - b.file || a.line - b.line);
  for (const r of ordered) {
    const c = clientOf(r.person);
    const info = r.redir;
    if (!info) continue;
    const f = info.follow;
    const id = identityOf(r.person, key);
    redirects.push({
      file: r.file, line: r.line, address: id.address, userAgent: id.userAgent, method: r.method, url: r.url.path, code: r.status,
      location: r.location ?? '', followUp: f ? { file: f.file, line: f.line, method: f.method, url: f.url.path } : null,
      reason: info.reason, violation: info.violation, unobservable: info.unobservable, undecidable: info.undecidable, loggedEarly: info.loggedEarly,
      software: r.person.sw.name,
    });
    summary.redirects++;
    c.redirects++;
    const code = String(info.code);
    const vc = (CODES as readonly string[]).includes(code) ? (code as ViolationCode) : null;
    if (vc) c.codeRedirects[vc]++;
    if (info.loggedEarly) {
      summary.loggedEarly++;
      c.loggedEarly++;
    }
    if (info.undecidable) {
      summary.undecidable++;
      c.anyUndecidable = true;
      if (vc) c.undecidable[vc]++;
    }
    switch (info.reason) {
      case 'followed':
        summary.followed++;
        c.followed++;
        break;
      case 'unfollowed':
        summary.unfollowed++;
        c.unfollowed++;
        if (!isSafe(r.method)) c.unfollowedUnsafe++;
        break;
      case 'retried':
        summary.unfollowed++;
        summary.retried++;
        c.unfollowed++;
        c.retried++;
        break;
      case 'left-site':
        summary.leftSite++;
        c.invisible++;
        break;
      case 'other-server':
        summary.otherServer++;
        c.invisible++;
        break;
      case 'cached':
        summary.cached++;
        c.invisible++;
        break;
    }
    if (info.violation && vc) {
      if (info.unobservable) {
        c.unobservable[vc]++;
        summary.unobservable[vc]++;
      } else {
        c.violations[vc]++;
        summary.violations[vc]++;
        if (!info.undecidable) c.decidableViolations[vc]++;
        if (!info.undecidable && info.loggedEarly) c.earlyViolations[vc]++;
      }
    }
  }
  const out: TruthClient[] = [];
  for (const c of clients.values()) {
    const { people_, sw_, ...rest } = c;
    rest.people = people_.size;
    rest.software = [...sw_].sort();
    rest.mishandles = CODES.filter((k) => rest.decidableViolations[k] > 0);
    rest.dontCare = CODES.filter((k) => rest.decidableViolations[k] === 0 && (rest.undecidable[k] > 0 || rest.unobservable[k] > 0));
    const left = rest.unfollowed - rest.retried;
    rest.doesNotFollow = rest.unfollowedUnsafe > 0 || (left > 0 && left >= rest.followed);
    out.push(rest);
  }
  out.sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : (a.userAgent ?? '') < (b.userAgent ?? '') ? -1 : 1));
  return {
    scenario: sc.name, description: sc.description, seed: opts.seed, scale: opts.scale, clientKey: key, files, lines, variants, redirects, clients: out, summary,
  };
}
