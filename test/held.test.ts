/**
 * The requests the pairing engine holds while their client has a redirect open (src/pairing-state.ts `HeldRequest`):
 * fewer bytes than a record, read as the record they were made from, and handed on as that record again.
 */
import { describe, expect, it } from 'vitest';
import { emptyRecord, type HttpRecord } from '../core/model.js';
import type { FollowedPair, NotFollowedPair } from '../src/pairing.js';
import { HeldRequest, recordOf, type Ident } from '../src/pairing-state.js';
import { rec, runPairs } from './helpers.js';

const T0 = Date.UTC(2026, 10, 29, 12, 0, 0);

/** Every field of a record set to something other than its default. */
function full(line: number, over: Partial<HttpRecord> = {}): HttpRecord {
  return {
    ...emptyRecord(2, line),
    time: T0 + line * 1000,
    address: '192.0.2.7',
    forwardedFor: '198.51.100.9',
    userAgent: 'curl/8.5.0',
    method: 'PUT',
    scheme: 'https',
    host: 'shop.example',
    target: `/items/${line}?colour=red`,
    status: 201,
    location: '/items/1',
    locationLogged: true,
    bodySize: 512,
    referer: 'https://shop.example/cart',
    duration: 12.5,
    timeIs: 'end',
    cacheControl: 'no-store',
    expires: '0',
    internal: false,
    traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
    service: 'shop',
    clientId: 41,
    targetId: 7 + line,
    ...over,
  };
}

const client = () => ({ shared: null }) as unknown as Ident;
const held = (id: Ident, r: HttpRecord) => new HeldRequest(id, r, r.address, r.forwardedFor, r.userAgent, r.target, r.referer, r.host, r.location);

describe('HeldRequest', () => {
  it('reads as the record it was made from, field for field', () => {
    const r = full(1);
    const h = held(client(), r);
    for (const k of Object.keys(r) as (keyof HttpRecord)[]) expect(h[k], k).toBe(r[k]);
  });

  it('makes the record again: equal, plain, its fields in the order every record has', () => {
    const r = full(1);
    const again = held(client(), r).record();
    expect(again).toEqual(r);
    expect(again).not.toBe(r);
    expect(Object.getPrototypeOf(again)).toBe(Object.prototype);
    expect(Object.keys(again)).toEqual(Object.keys(emptyRecord(0, 1)));
    expect(JSON.stringify(again)).toBe(JSON.stringify(r));
    expect(recordOf(r)).toBe(r);
  });

  it('shares what a run of one client’s requests have alike, and starts again where one differs', () => {
    const id = client();
    const a = held(id, full(1));
    const b = held(id, full(2));
    const c = held(id, full(3, { cacheControl: 'max-age=60' }));
    const d = held(id, full(4, { cacheControl: 'max-age=60' }));
    expect(b.shared).toBe(a.shared);
    expect(c.shared).not.toBe(b.shared);
    expect(d.shared).toBe(c.shared);
    expect(c.cacheControl).toBe('max-age=60');
    expect(a.cacheControl).toBe('no-store');
    expect([a, b, c, d].map((h) => h.target)).toEqual(['/items/1?colour=red', '/items/2?colour=red', '/items/3?colour=red', '/items/4?colour=red']);
  });

  it('shares across inputs: one client in two load-balanced servers’ logs, each input numbering its clients', () => {
    const id = client();
    const a = held(id, full(1, { input: 0, clientId: 5 }));
    const b = held(id, full(2, { input: 1, clientId: 77 }));
    const c = held(id, full(3, { input: 0, clientId: 5 }));
    expect(b.shared).toBe(a.shared);
    expect(c.shared).toBe(a.shared);
    expect([a.input, b.input, c.input]).toEqual([0, 1, 0]);
    expect([a.clientId, b.clientId, c.clientId]).toEqual([5, 77, 5]);
    expect(b.record()).toEqual(full(2, { input: 1, clientId: 77 }));
  });
});

describe('what the engine hands on of a held request', () => {
  const run = runPairs;

  it('gives a follow-up held while its redirect was open as a plain record equal to the one pushed', () => {
    const follow = rec({ line: 2, time: T0 + 40, target: '/done', status: 200, locationLogged: true, bodySize: 0, referer: 'http://shop.example/pay' });
    const copy = { ...follow };
    const pairs = run([rec({ line: 1, time: T0, method: 'POST', target: '/pay', status: 303, location: '/done', locationLogged: true }), follow]);
    const p = pairs[0] as FollowedPair;
    expect(p.kind).toBe('followed');
    expect(p.followUp).toEqual(copy);
    expect(Object.getPrototypeOf(p.followUp)).toBe(Object.prototype);
    expect(JSON.stringify(p.followUp)).toBe(JSON.stringify(copy));
  });

  it('keeps each held request its own proxy address when clients are keyed by X-Forwarded-For', () => {
    // Two proxies in front of one client: the client is its X-Forwarded-For address, each request keeps the
    // address it came through.
    const xff = '203.0.113.5';
    const redirect = rec({ line: 1, time: T0, address: '10.1.0.1', forwardedFor: xff, method: 'POST', target: '/pay', status: 303, location: '/done', locationLogged: true });
    const other = rec({ line: 2, time: T0 + 20, address: '10.1.0.2', forwardedFor: xff, target: '/style.css', status: 200, locationLogged: true });
    const follow = rec({ line: 3, time: T0 + 40, address: '10.1.0.3', forwardedFor: xff, target: '/done', status: 200, locationLogged: true });
    const copy = { ...follow };
    const p = run([redirect, other, follow], { clientKey: 'forwarded-for' })[0] as FollowedPair;
    expect(p.kind).toBe('followed');
    expect(p.followUp).toEqual(copy);
    expect(p.followUp.address).toBe('10.1.0.3');
  });

  it('gives a redirected request sent again as a plain record equal to the one pushed', () => {
    const again = rec({ line: 2, time: T0 + 500, method: 'POST', target: '/pay', status: 200, locationLogged: true });
    const copy = { ...again };
    const pairs = run([rec({ line: 1, time: T0, method: 'POST', target: '/pay', status: 307, location: '/elsewhere', locationLogged: true }), again]);
    const p = pairs[0] as NotFollowedPair;
    expect(p.kind).toBe('not-followed');
    expect(p.retried).toEqual(copy);
    expect(Object.getPrototypeOf(p.retried)).toBe(Object.prototype);
  });
});
