/**
 * Which request counts as "the request that follows" a redirect, and why (`docs/semantics.md`, section 3).
 */
import { describe, expect, it } from 'vitest';
import { followUpOf, PairingEngine, resolveLocation, type FollowedPair, type NotFollowedPair, type Pair } from '../src/pairing.js';
import type { HttpRecord } from '../core/model.js';
import { rec, runPairs } from './helpers.js';
import { RecordDecoder, RecordEncoder } from '../src/record-codec.js';
import { Analyzer } from '../src/analysis.js';

const T0 = Date.UTC(2026, 10, 25, 12, 0, 0);

const run = runPairs;

const logged = { locationLogged: true } as const;

/** The pair, which must be a followed one. */
function followed(p: Pair | undefined): FollowedPair {
  expect(p?.kind).toBe('followed');
  return p as FollowedPair;
}

/** The pair, which must be one whose client did not follow. */
function notFollowed(p: Pair | undefined): NotFollowedPair {
  expect(p?.kind).toBe('not-followed');
  return p as NotFollowedPair;
}

describe('pairing when the log records Location (exact)', () => {
  it('pairs a 303 with the first later request to the Location, skipping requests to other URLs', () => {
    const pairs = run([
      rec({ line: 1, time: T0, method: 'POST', target: '/submit', status: 303, location: '/result', ...logged }),
      rec({ line: 2, time: T0 + 10, target: '/style.css', status: 200, ...logged }),
      rec({ line: 3, time: T0 + 20, target: '/result', status: 200, ...logged }),
      rec({ line: 4, time: T0 + 30, target: '/result', status: 200, ...logged }),
    ]);
    expect(pairs).toHaveLength(1);
    expect(followed(pairs[0]).followUp.line).toBe(3);
    expect(pairs[0]!.mode).toBe('exact');
  });

  it('resolves absolute and relative Locations against the request', () => {
    const r = rec({ line: 1, host: 'shop.example:8080', target: '/a/b/c?x=1', status: 302 });
    expect(resolveLocation(r, 'http://shop.example:8080/x')).toEqual({ path: '/x', host: 'shop.example', scheme: 'http' });
    expect(resolveLocation(r, '../d')).toEqual({ path: '/a/d', host: 'shop.example', scheme: null });
    expect(resolveLocation(r, '/e#frag')).toEqual({ path: '/e', host: 'shop.example', scheme: null });
    expect(resolveLocation(r, '//cdn.example/f')).toEqual({ path: '/f', host: 'cdn.example', scheme: null });
    expect(resolveLocation({ ...r, scheme: 'https' }, '/g')).toEqual({ path: '/g', host: 'shop.example', scheme: 'https' });
  });

  it('takes the same address under another User-Agent to the exact Location only when the client itself sent none', () => {
    // Some clients send the first hop with their HTTP library's User-Agent and the next with their own.
    const pairs = run([
      rec({ line: 1, time: T0, status: 307, method: 'POST', target: '/a', location: '/b', ...logged }),
      rec({ line: 2, time: T0 + 5, userAgent: 'someone-else', target: '/b', ...logged }),
    ]);
    expect(followed(pairs[0]).followUp.line).toBe(2);
    expect(followed(pairs[0]).otherAgent).toBe('someone-else');
    // Its own request wins; one from another User-Agent seconds later is someone else's.
    const own = run([
      rec({ line: 1, time: T0, status: 307, method: 'POST', target: '/a', location: '/b', ...logged }),
      rec({ line: 2, time: T0 + 5, userAgent: 'someone-else', method: 'POST', target: '/b', ...logged }),
      rec({ line: 3, time: T0 + 9, method: 'GET', target: '/b', ...logged }),
    ]);
    expect(followed(own[0]).followUp.line).toBe(3);
    expect(followed(own[0]).otherAgent).toBeNull();
    const late = run([
      rec({ line: 1, time: T0, status: 307, method: 'POST', target: '/a', location: '/b', ...logged }),
      rec({ line: 2, time: T0 + 30_000, userAgent: 'someone-else', target: '/b', ...logged }),
    ]);
    expect(followUpOf(late[0]!)).toBeNull();
  });

  it('can identify clients by their first X-Forwarded-For address', () => {
    const records = [
      rec({ line: 1, time: T0, address: '10.9.9.9', forwardedFor: '203.0.113.7', status: 302, location: '/b', ...logged }),
      rec({ line: 2, time: T0 + 5, address: '10.9.9.8', forwardedFor: '203.0.113.7', target: '/b', ...logged }),
    ];
    expect(followUpOf(run(records)[0]!)).toBeNull();
    expect(followed(run(records, { clientKey: 'forwarded-for' })[0]).followUp.line).toBe(2);
  });

  it('leaves a redirect unfollowed when the window closes first', () => {
    const pairs = run(
      [
        rec({ line: 1, time: T0, status: 302, location: '/b', ...logged }),
        rec({ line: 2, time: T0 + 61_000, target: '/b', ...logged }),
      ],
      { windowMs: 60_000 },
    );
    expect(notFollowed(pairs[0]).openAtEnd).toBe(false);
  });

  it('accepts a follow-up logged with an earlier timestamp (completion order)', () => {
    const pairs = run([
      rec({ line: 1, time: T0 + 2000, status: 301, location: '/p/', target: '/p', ...logged }),
      rec({ line: 2, time: T0, target: '/p/', ...logged }),
    ]);
    expect(followed(pairs[0]).followUp.line).toBe(2);
  });

  it('marks a client that re-sends the original instead of following', () => {
    const pairs = run([
      rec({ line: 1, time: T0, method: 'POST', target: '/pay', status: 307, location: '/pay2', ...logged }),
      rec({ line: 2, time: T0 + 100, method: 'POST', target: '/pay', status: 200, ...logged }),
    ]);
    expect(notFollowed(pairs[0]).retried?.line).toBe(2);
  });

  it('reports a 3xx without Location as missing-location when the log records Location', () => {
    const pairs = run([rec({ line: 1, time: T0, status: 302, location: null, ...logged })]);
    expect(pairs[0]!.kind).toBe('missing-location');
  });

  it('does not blame the client for a redirect still open when the input ends, unless it had moved on', () => {
    const pairs = run([
      rec({ line: 1, time: T0, status: 302, target: '/a', location: '/b', ...logged }),
      rec({ line: 2, time: T0 + 1000, userAgent: 'other', target: '/other', ...logged }),
      rec({ line: 3, time: T0 + 2000, userAgent: 'mover', status: 302, target: '/a', location: '/b', ...logged }),
      rec({ line: 4, time: T0 + 3000, userAgent: 'mover', target: '/elsewhere', ...logged }),
    ]);
    expect(pairs.map((p) => [p.redirect.line, p.kind, p.kind === 'not-followed' && p.openAtEnd])).toEqual([
      [1, 'not-followed', true],
      [3, 'not-followed', false],
    ]);
  });

  it('a Location on a host these logs do not show is left-site; a redirect back into the chain, left, is a loop', () => {
    const away = run([
      rec({ line: 1, time: T0, scheme: 'https', host: 'shop.example', method: 'POST', target: '/pay', status: 303, location: 'https://pay.example/x', ...logged }),
      rec({ line: 2, time: T0 + 70_000, scheme: 'https', host: 'shop.example', target: '/later', ...logged }),
    ]);
    expect(away.map((p) => [p.kind, p.target])).toEqual([['left-site', '//pay.example/x']]);
    const loop = run([
      rec({ line: 1, time: T0, target: '/a', status: 302, location: '/b', ...logged }),
      rec({ line: 2, time: T0 + 10, target: '/b', status: 302, location: '/a', ...logged }),
      rec({ line: 3, time: T0 + 20, target: '/c', ...logged }),
    ]);
    expect(followed(loop[0]).followUp.line).toBe(2);
    expect(loop.map((p) => [p.chain, p.hop])).toEqual([
      [1, 1],
      [1, 2],
    ]);
    expect(notFollowed(loop[1])).toMatchObject({ loop: true, openAtEnd: false, retried: null });
  });

  it('does not count 304 or browser-made internal redirects as redirects', () => {
    const pairs = run([
      rec({ line: 1, time: T0, status: 304, ...logged }),
      rec({ line: 2, time: T0, status: 307, location: 'https://x/', internal: true, ...logged }),
    ]);
    expect(pairs).toHaveLength(0);
  });

  it('keeps memory bounded: a client with too many open redirects has the oldest decided', () => {
    const records = Array.from({ length: 10 }, (_, i) =>
      rec({ line: i + 1, time: T0 + i, status: 302, target: `/r${i}`, location: `/never${i}`, ...logged }),
    );
    const pairs: Pair[] = [];
    const e = new PairingEngine((p) => pairs.push(p), { maxPendingPerClient: 3 });
    for (const r of records) e.push(r);
    expect(e.openCount).toBe(3);
    expect(pairs.map((p) => p.redirect.line)).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });
});

describe('pairing when the log does not record Location (inferred from the population)', () => {
  const UA = ['a', 'b', 'c', 'd'];
  it('takes the URL most clients requested next after the same route', () => {
    const records: HttpRecord[] = [];
    let line = 0;
    // Three clients follow POST /submit → 303 to /done; a fourth never goes there.
    for (const ua of UA) {
      records.push(rec({ line: ++line, time: T0 + line, userAgent: ua, method: 'POST', target: '/submit', status: 303 }));
      records.push(rec({ line: ++line, time: T0 + line, userAgent: ua, target: ua === 'd' ? '/elsewhere' : '/done' }));
    }
    const pairs = run(records);
    expect(pairs.map((p) => [p.redirect.userAgent, followUpOf(p)?.target ?? null, p.mode])).toEqual([
      ['a', '/done', 'inferred'],
      ['b', '/done', 'inferred'],
      ['c', '/done', 'inferred'],
      ['d', null, 'inferred'],
    ]);
  });

  it('learns across ids: every order teaches where POST /orders/{id}/pay sends clients', () => {
    const records: HttpRecord[] = [];
    let line = 0;
    for (const id of [1, 2, 3]) {
      records.push(rec({ line: ++line, time: T0 + line, userAgent: `c${id}`, method: 'POST', target: `/orders/${id}/pay`, status: 303 }));
      records.push(rec({ line: ++line, time: T0 + line, userAgent: `c${id}`, target: `/orders/${id}/done` }));
    }
    // This client's browser fetched a stylesheet first: the population says the follow-up is the order page.
    records.push(rec({ line: ++line, time: T0 + line, userAgent: 'c4', method: 'POST', target: '/orders/4/pay', status: 303 }));
    records.push(rec({ line: ++line, time: T0 + line, userAgent: 'c4', target: '/style.css' }));
    records.push(rec({ line: ++line, time: T0 + line, userAgent: 'c4', target: '/orders/4/done' }));
    const c4 = run(records).find((p) => p.redirect.userAgent === 'c4')!;
    expect(followed(c4).followUp.target).toBe('/orders/4/done');
  });

  it('recognises a trailing-slash redirect and a Referer naming the redirecting URL', () => {
    const pairs = run([
      rec({ line: 1, time: T0, target: '/projects/x', status: 301 }),
      rec({ line: 2, time: T0 + 1, target: '/favicon.ico' }),
      rec({ line: 3, time: T0 + 2, target: '/projects/x/' }),
      rec({ line: 4, time: T0 + 3, userAgent: 'Go-http-client/1.1', target: '/old', status: 302 }),
      rec({ line: 5, time: T0 + 4, userAgent: 'Go-http-client/1.1', target: '/unrelated' }),
      rec({ line: 6, time: T0 + 5, userAgent: 'Go-http-client/1.1', target: '/new', referer: 'http://h/old' }),
    ]);
    expect(pairs.map((p) => followUpOf(p)?.line)).toEqual([3, 6]);
  });
});

describe('what real captures taught the pairing', () => {
  it('a Location with a bare trailing "?" is the URL the browser then requests (doubleclick in a real HAR)', () => {
    const pairs = run([
      rec({ line: 1, time: T0, host: 'ad.example', target: '/a;x=1', status: 302, location: 'https://ad.example/b;y=2;ord=42?', ...logged }),
      rec({ line: 2, time: T0 + 5, host: 'ad.example', target: '/b;y=2;ord=42?', ...logged }),
    ]);
    expect(followed(pairs[0]).followUp.line).toBe(2);
  });

  it('the same path on another host is not the original asked again (webtrends in a real HAR)', () => {
    const pairs = run([
      rec({ line: 1, time: T0, host: 'statse.example', target: '/dcs.gif?x=1', status: 303, location: '/dcs.gif?r=1&x=1', ...logged }),
      rec({ line: 2, time: T0 + 5, host: 'scs.example', target: '/dcs.gif?x=1', ...logged }),
      rec({ line: 3, time: T0 + 9, host: 'statse.example', target: '/dcs.gif?r=1&x=1', ...logged }),
    ]);
    expect(followed(pairs[0]).followUp.line).toBe(3);
  });

  it('a page may GET one URL twice and follow both redirects; a re-sent POST is original-retried', () => {
    const gets = run([
      rec({ line: 1, time: T0, target: '/drt/ui', status: 302, location: '/drt/si', ...logged }),
      rec({ line: 2, time: T0 + 70, target: '/drt/ui', status: 302, location: '/drt/si', ...logged }),
      rec({ line: 3, time: T0 + 71, target: '/drt/si', ...logged }),
      rec({ line: 4, time: T0 + 98, target: '/drt/si', ...logged }),
    ]);
    // Pairs come out in the order of their redirects; the first request to the target follows the latest one.
    expect(gets.map((p) => [p.redirect.line, followUpOf(p)?.line])).toEqual([
      [1, 4],
      [2, 3],
    ]);
    const posts = run([
      rec({ line: 1, time: T0, method: 'POST', target: '/pay', status: 307, location: '/pay2', ...logged }),
      rec({ line: 2, time: T0 + 100, method: 'POST', target: '/pay', status: 200, ...logged }),
    ]);
    expect(notFollowed(posts[0]).retried?.line).toBe(2);
  });
});

describe('client numbers from a parsing worker are only a shortcut', () => {
  // 40,000 clients over 67 minutes, a seventh of them back 8 minutes later: more than the engine keeps idle, so
  // clients are forgotten and come back under a number whose slot still leads to the forgotten one. A quarter of
  // the addresses have two clients (two User-Agents), so that one of them can be forgotten while the other stays.
  function records(): HttpRecord[] {
    const out: HttpRecord[] = [];
    let line = 0;
    const agents = ['curl/8.5.0', 'okhttp/4.12.0', 'python-requests/2.32.3'];
    const visit = (i: number, t: number) => {
      const a = i % 4 === 1 ? i - 1 : i;
      const who = { address: `10.${(a >> 8) & 255}.${a & 255}.${1 + (a >> 16)}`, userAgent: agents[i % 3]! };
      out.push(rec({ line: ++line, time: t, method: 'POST', target: `/orders/${i}`, status: i % 5 === 0 ? 307 : 303, ...who }));
      if (i % 11 !== 0) out.push(rec({ line: ++line, time: t + 40, method: i % 13 === 0 ? 'POST' : 'GET', target: `/orders/${i}/done`, status: 200, ...who }));
      if (i % 3 === 0) out.push(rec({ line: ++line, time: t + 60, target: i % 2 ? '/static/app.js' : `/img/${i % 50}.png`, status: 200, ...who }));
    };
    for (let i = 0; i < 40_000; i++) {
      visit(i, T0 + i * 100);
      if (i % 7 === 0 && i >= 5000) visit(i - 5000, T0 + i * 100 + 50);
    }
    return out.sort((a, b) => a.time - b.time || a.line - b.line);
  }
  const summary = (pairs: Pair[]) =>
    pairs.map((p) => `${p.client} ${p.redirect.line} ${p.kind} ${p.kind === 'followed' ? p.followUp.line : ''}`).sort();

  it('the same pairs with no numbers, the encoder\'s numbers (one input or two), and numbers that all fall in one slot; the same route figures', () => {
    const plain = records();
    const encoder = new RecordEncoder();
    const decoded = new RecordDecoder().decode(encoder.encode(plain), 0);
    expect(new Set(decoded.map((r) => r.clientId)).size).toBeGreaterThan(30_000);
    const keys = new Map<string, number>();
    const colliding = plain.map((r) => {
      const key = `${r.address} ${r.userAgent}`;
      if (!keys.has(key)) keys.set(key, keys.size);
      return { ...r, clientId: keys.get(key)! * 65_536 };
    });
    // As two servers' logs, each read by its own worker: a client's redirect and its follow-up under two numbers.
    const split = [0, 1].flatMap((input) =>
      new RecordDecoder().decode(new RecordEncoder().encode(plain.filter((r) => r.line % 2 === input).map((r) => ({ ...r, input }))), input),
    );
    split.sort((a, b) => a.time - b.time || a.line - b.line);
    const want = summary(run(plain));
    expect(want.filter((s) => s.includes(' followed ')).length).toBeGreaterThan(30_000);
    expect(summary(run(decoded))).toEqual(want);
    expect(summary(run(colliding))).toEqual(want);
    expect(summary(run(split))).toEqual(want);

    // The route figures too, found by the target numbers (`Monitoring.routeOf`).
    const report = (rs: HttpRecord[]) => {
      const a = new Analyzer();
      for (const r of rs) a.push(r);
      const { generatedAt: _, ...rest } = a.finish([]);
      return JSON.stringify(rest);
    };
    const targets = new Map<string, number>();
    const sameSlot = plain.map((r) => {
      const key = `${r.method} ${r.target}`;
      if (!targets.has(key)) targets.set(key, targets.size);
      return { ...r, targetId: targets.get(key)! * 65_536 };
    });
    const whole = report(plain);
    expect(whole).toContain('/orders/{');
    expect(report(decoded)).toBe(whole);
    expect(report(sameSlot)).toBe(whole);
  });
});

describe('the memory bound (maxHeld)', () => {
  // 200 busy clients, 5 requests a second each for 3 minutes (Location logged); every tenth request a POST
  // answered 303, followed at once by a GET to its result, except each client's every third redirect, never followed.
  function busy(): HttpRecord[] {
    const out: HttpRecord[] = [];
    let line = 0;
    for (let s = 0; s < 900; s++) {
      for (let c = 0; c < 200; c++) {
        const who = { address: `10.1.${c >> 8}.${c & 255}`, userAgent: 'okhttp/4.12.0' };
        const t = T0 + s * 200 + c;
        if (s % 10 === 0) {
          const n = s / 10;
          const location = `/orders/${c}-${n}/done`;
          out.push(rec({ line: ++line, time: t, method: 'POST', target: `/orders/${c}-${n}`, status: 303, location, locationLogged: true, ...who }));
          if (n % 3 !== 0) out.push(rec({ line: ++line, time: t + 5, target: location, status: 200, locationLogged: true, ...who }));
        } else out.push(rec({ line: ++line, time: t, target: `/feed?page=${s}`, status: 200, locationLogged: true, ...who }));
      }
    }
    return out;
  }

  it('keeps the requests held under the bound, and decides early redirects as undetermined, never unfollowed', () => {
    const records = busy();
    const unbounded = run(records);
    const pairs: Pair[] = [];
    const e = new PairingEngine((p) => pairs.push(p), { maxHeld: 5_000 });
    type Client = { items: unknown[] };
    type Address = { one: Client | null; idents: Map<string, Client> | null };
    const internals = e as unknown as { held: number; addrs: Map<string, Address> };
    let most = 0;
    for (const [i, r] of records.entries()) {
      e.push(r);
      most = Math.max(most, internals.held);
      if (i % 10_000 === 0) {
        // The count is exact: every client's requests.
        let n = 0;
        for (const a of internals.addrs.values()) {
          for (const id of a.one ? [a.one] : a.idents!.values()) n += id.items.length;
        }
        expect(internals.held).toBe(n);
      }
    }
    e.flush();
    expect(most).toBeLessThanOrEqual(5_001);
    const kinds = (ps: Pair[]) => ps.reduce<Record<string, number>>((m, p) => ((m[p.kind] = (m[p.kind] ?? 0) + 1), m), {});
    const early = pairs.filter((p) => p.kind === 'undetermined' && p.reason.includes('requests were held'));
    expect(early.length).toBeGreaterThan(100);
    // Without the bound the unfollowed third are unfollowed; with it, some are undetermined instead: never the
    // other way round, and nothing followed is called unfollowed.
    const was = new Map(unbounded.map((p) => [p.redirect.line, p.kind]));
    for (const p of pairs) {
      if (p.kind === 'not-followed') expect(was.get(p.redirect.line)).toBe('not-followed');
      if (p.kind === 'followed') expect(was.get(p.redirect.line)).toBe('followed');
    }
    expect(kinds(unbounded)['not-followed']).toBeGreaterThan(1000);
    expect(kinds(pairs)['not-followed'] ?? 0).toBeLessThan(kinds(unbounded)['not-followed']!);
    expect(kinds(pairs)['followed']).toBeGreaterThan(0.9 * kinds(unbounded)['followed']!);
  });
});
