/**
 * What the pairing engine (src/pairing.ts) keeps per client and per open redirect, and the order it keeps
 * requests in: by time, lines of one second in their input's order, equal times across inputs by content, so
 * that the order of the inputs never matters (docs/semantics.md, section 3.5).
 */
import type { HttpRecord } from '../core/model.js';
import type { Learned, Model } from './evidence.js';
import type { Target } from './location.js';

export interface Chain {
  id: number;
  /** Request targets visited, the first request included. */
  visited: Set<string>;
  hops: number;
}

export interface Item {
  /** Its record: a `HeldRequest` once its client has a redirect open, unless it is a redirect itself. */
  rec: HttpRecord;
  /** Its URL as a template with no redirect's tokens in it (computed once, when first needed). */
  plain: string | null;
  /**
   * Its time for ordering: the logged time, plus a fraction of a millisecond for each earlier line of the same
   * input at the same logged time (a log with one-second times keeps its lines' order within the second; two
   * files split from one log interleave as the lines did).
   */
  t: number;
  /**
   * How much earlier than its logged time it was sent (`recordLead` of its record, src/instants.ts): kept here so
   * that asking when a request was sent does not reach into its record, which on a busy client was a tenth of the
   * time (a cache miss per open redirect per request, bench/profile.md).
   */
  lead: number;
  /** The chain it continues once it is the follow-up of a redirect (null: not claimed by any). */
  chain: Chain | null;
}

export interface Open {
  item: Item;
  ident: Ident;
  /** The resolved Location (exact pairing), or null (inferred). */
  target: Target | null;
  /** Inferred: the redirect's tokens. */
  tokens: ReadonlyMap<string, string> | null;
  /** What its route (`POST 303 /orders/{id}/pay`) and its URL (`GET 301 /s/abc`) are learnt to lead to. */
  route: Model;
  url: Model;
  decided: boolean;
  /** Exact: requests to the Location from the same address under another User-Agent. */
  others: Item[] | null;
  /** Inferred: where the route is learnt to lead, as of the batch being decided; and the URL with a slash. */
  learned: Learned | null;
  /** What its first requests after it teach has been learnt (see `learnObserved`). */
  observed: boolean;
  /** `learned` is as of this count of lessons (see `PairingEngine.prepare`). */
  prepared: number;
  /** The learnt template up to its first placeholder: a request that fits it begins so. */
  prefix: string;
  /** When a candidate follow-up has been seen: the log time after which it can be decided (0: none yet). */
  ready: number;
  slash: string;
  /**
   * Exact: the Location is the request's own path on another scheme or host (http → https, www → bare) and
   * the log does not record scheme or host, so a request to that path cannot be told from asking again.
   */
  blind: boolean;
}

export interface Ident {
  addr: string;
  ua: string;
  /** Its key, `addr\u0000ua`: made when first needed (`keyOf` in pairing.ts). */
  client: string | null;
  /** Its address's entry. */
  home: Address;
  /** Forgotten by the sweep (a worker-given number that still leads here is looked up again). */
  gone: boolean;
  /** The `clientId` slot that last led here (-1: none). */
  slot: number;
  /** The client's recent requests, by time (then content). */
  items: Item[];
  /** Its undecided redirects, by time. */
  open: Open[];
  last: number;
  /** With this many requests kept, those no open redirect can reach are dropped (see `PairingEngine.compact`). */
  compactAt: number;
  /**
   * What its latest held request shares with the ones before (see `HeldRequest`); null till one is held, and again
   * once its requests are all dropped.
   */
  shared: HeldShared | null;
}

export interface Address {
  /** The address (the key of its entry), shared by its clients. */
  key: string;
  /** Its client while it has one (most addresses have one User-Agent); else null, and `idents` has them. */
  one: Ident | null;
  /** Its clients by User-Agent once it has had two (null before). */
  idents: Map<string, Ident> | null;
  /** Exact redirects still open, by the path of their Location (for another User-Agent's follow-up); null till one. */
  targets: Map<string, Open[]> | null;
}

export interface Edge {
  x: Open;
  c: Item;
  score: number;
  misresolved: boolean;
  /** Candidates with the same key fit alike (the same URL, or the same template). */
  key: string;
}

/** Requests in time order; equal times by content, so the order of the inputs does not matter. */
export function compareItems(a: Item, b: Item): number {
  // Within one input its own line order (a busy second may hold more lines than `t` can tell apart).
  return a.t - b.t || (a.rec.input === b.rec.input ? a.rec.line - b.rec.line : compareRecords(a.rec, b.rec));
}

export function compareRecords(a: HttpRecord, b: HttpRecord): number {
  return (
    a.time - b.time ||
    cmp(a.target, b.target) ||
    cmp(a.method, b.method) ||
    a.status - b.status ||
    (a.bodySize ?? -1) - (b.bodySize ?? -1) ||
    cmp(a.referer ?? '', b.referer ?? '')
  );
}

export function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function isSafe(method: string): boolean {
  return method === 'GET' || method === 'HEAD';
}

/** What the judgement of a pair depends on: two candidates alike in this would be judged alike. */
export function behaviour(x: HttpRecord, c: HttpRecord): string {
  return `${c.method === x.method ? '=' : c.method}|${c.bodySize === null ? '?' : c.bodySize > 0 ? 'b' : '0'}`;
}

/** Inserts keeping time-then-content order (requests arrive almost in order: search from the end). */
export function insert(items: Item[], item: Item): void {
  const n = items.length;
  // Almost always the latest: appended. Else found by halving (a busy second of one client can hold thousands
  // of requests with the same time, which a walk back would compare one by one).
  if (n === 0 || compareItems(items[n - 1]!, item) <= 0) {
    items.push(item);
    return;
  }
  let a = 0;
  let b = n - 1;
  while (a < b) {
    const m = (a + b) >>> 1;
    if (compareItems(items[m]!, item) <= 0) a = m + 1;
    else b = m;
  }
  items.splice(a, 0, item);
}

/** The first index whose time is at or after `t`. */
export function lowerBound(items: Item[], t: number): number {
  let a = 0;
  let b = items.length;
  while (a < b) {
    const m = (a + b) >>> 1;
    if (items[m]!.t < t) a = m + 1;
    else b = m;
  }
  return a;
}

/**
 * The fields of a client's held requests that are nearly always the same from one request to the next (its address
 * and User-Agent, what the format logs): one object for a run of them, so that each held request stores one
 * reference instead of nine. (Not the worker's client number: it differs between inputs, and one client's requests
 * from two load-balanced servers' logs alternate between them.)
 */
export interface HeldShared {
  readonly address: string;
  readonly forwardedFor: string | null;
  readonly userAgent: string | null;
  readonly location: string | null;
  readonly locationLogged: boolean;
  readonly timeIs: 'start' | 'end' | null;
  readonly cacheControl: string | null;
  readonly expires: string | null;
  readonly internal: boolean;
  readonly service: string | null;
}

function sharesWith(s: HeldShared, r: HttpRecord, address: string, forwardedFor: string | null, userAgent: string | null, location: string | null): boolean {
  return (
    s.address === address &&
    s.forwardedFor === forwardedFor &&
    s.userAgent === userAgent &&
    s.location === location &&
    s.locationLogged === r.locationLogged &&
    s.timeIs === r.timeIs &&
    s.cacheControl === r.cacheControl &&
    s.expires === r.expires &&
    s.internal === r.internal &&
    s.service === r.service
  );
}

/**
 * A request held while its client has a redirect open, in 16 fields instead of a record's 24: the held requests are
 * most of the memory of a fast log (at 10,000 lines/s a quarter of a million of them, bench/profile.md). It reads as
 * the record it was made from (`HttpRecord`, the shared fields through getters); `record()` makes that record again
 * for a pair's follow-up, so what leaves the engine is a plain record. Never written to.
 */
export class HeldRequest implements HttpRecord {
  readonly shared: HeldShared;
  readonly input: number;
  readonly line: number;
  readonly time: number;
  readonly method: string;
  readonly scheme: string | null;
  readonly host: string | null;
  readonly target: string;
  readonly status: number;
  readonly bodySize: number | null;
  readonly referer: string | null;
  readonly duration: number | null;
  readonly traceId: string | null;
  readonly clientId: number;
  readonly targetId: number;

  /**
   * `address`, `forwardedFor` and `userAgent` as they are to be held (the client's shared copies), and the strings of
   * the others already copied out of their line where they were cut from one. Takes the client's `shared` object
   * when this request has its fields, else makes a new one and leaves it on the client for the next.
   */
  constructor(id: Ident, r: HttpRecord, address: string, forwardedFor: string | null, userAgent: string | null, target: string, referer: string | null, host: string | null, location: string | null) {
    let s = id.shared;
    if (s === null || !sharesWith(s, r, address, forwardedFor, userAgent, location)) {
      s = id.shared = {
        address,
        forwardedFor,
        userAgent,
        location,
        locationLogged: r.locationLogged,
        timeIs: r.timeIs,
        cacheControl: r.cacheControl,
        expires: r.expires,
        internal: r.internal,
        service: r.service,
      };
    }
    this.shared = s;
    this.input = r.input;
    this.line = r.line;
    this.time = r.time;
    this.method = r.method;
    this.scheme = r.scheme;
    this.host = host;
    this.target = target;
    this.status = r.status;
    this.bodySize = r.bodySize;
    this.referer = referer;
    this.duration = r.duration;
    this.traceId = r.traceId;
    this.clientId = r.clientId;
    this.targetId = r.targetId;
  }

  get address(): string {
    return this.shared.address;
  }
  get forwardedFor(): string | null {
    return this.shared.forwardedFor;
  }
  get userAgent(): string | null {
    return this.shared.userAgent;
  }
  get location(): string | null {
    return this.shared.location;
  }
  get locationLogged(): boolean {
    return this.shared.locationLogged;
  }
  get timeIs(): 'start' | 'end' | null {
    return this.shared.timeIs;
  }
  get cacheControl(): string | null {
    return this.shared.cacheControl;
  }
  get expires(): string | null {
    return this.shared.expires;
  }
  get internal(): boolean {
    return this.shared.internal;
  }
  get service(): string | null {
    return this.shared.service;
  }

  /** The record again, every field as it was (in `emptyRecord`'s order, core/model.ts). */
  record(): HttpRecord {
    const s = this.shared;
    return {
      input: this.input,
      line: this.line,
      time: this.time,
      address: s.address,
      forwardedFor: s.forwardedFor,
      userAgent: s.userAgent,
      method: this.method,
      scheme: this.scheme,
      host: this.host,
      target: this.target,
      status: this.status,
      location: s.location,
      locationLogged: s.locationLogged,
      bodySize: this.bodySize,
      referer: this.referer,
      duration: this.duration,
      timeIs: s.timeIs,
      cacheControl: s.cacheControl,
      expires: s.expires,
      internal: s.internal,
      traceId: this.traceId,
      service: s.service,
      clientId: this.clientId,
      targetId: this.targetId,
    };
  }
}

/** What a pair hands on of a request: a plain record, never the engine's held form. */
export function recordOf(r: HttpRecord): HttpRecord {
  return r instanceof HeldRequest ? r.record() : r;
}
