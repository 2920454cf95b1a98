/** What each status code requires of the follow-up, and the name a pair gets when it does not comply. */
import { describe, expect, it } from 'vitest';
import { classify, verdictsOf } from '../src/classify.js';
import type { FollowedPair, NotFollowedPair, Pair } from '../src/pairing.js';
import type { HttpRecord } from '../core/model.js';
import { rec } from './helpers.js';

const at = { client: 'c', hop: 1, chain: 1 };

function redirectOf(status: number, method: string, bodySize: number | null = 12): HttpRecord {
  return rec({ line: 1, status, method, bodySize, target: '/from', location: '/to', locationLogged: true });
}

/** The redirect followed by a request with this method and body size. */
function pair(status: number, method: string, follow: { method: string; bodySize?: number | null }, bodySize: number | null = 12): FollowedPair {
  const followUp = rec({ line: 2, method: follow.method, bodySize: follow.bodySize ?? null, target: '/to' });
  return { kind: 'followed', ...at, redirect: redirectOf(status, method, bodySize), mode: 'exact', target: '/to', confidence: 1, followUp, misresolved: false, otherAgent: null };
}

/** The redirect left: nothing to the Location within the window. */
function left(status: number, method: string, how: Partial<Pick<NotFollowedPair, 'retried' | 'loop' | 'openAtEnd'>> = {}): NotFollowedPair {
  const redirect = redirectOf(status, method);
  return { kind: 'not-followed', ...at, redirect, mode: 'exact', target: '/to', confidence: 1, retried: null, loop: false, openAtEnd: false, ...how };
}

describe('classification of one redirect and its follow-up', () => {
  it.each([
    [303, 'POST', 'GET', 0, 'followed'],
    [303, 'HEAD', 'HEAD', 0, 'followed'],
    [303, 'POST', 'POST', 12, 'method-kept-after-303'],
    [303, 'PUT', 'PUT', 0, 'method-kept-after-303'],
    [303, 'POST', 'GET', 12, 'body-kept-after-303'],
    [307, 'POST', 'POST', 12, 'followed'],
    [307, 'POST', 'GET', 0, 'method-changed-after-307'],
    [307, 'POST', 'POST', 0, 'body-dropped-after-307'],
    [308, 'PUT', 'GET', 0, 'method-changed-after-308'],
    [308, 'POST', 'POST', 0, 'body-dropped-after-308'],
    [301, 'POST', 'GET', 0, 'method-rewritten-after-301'],
    [302, 'POST', 'GET', 0, 'method-rewritten-after-302'],
    [302, 'POST', 'POST', 12, 'followed'],
    [301, 'GET', 'GET', 0, 'followed'],
  ])('%i after %s, follow-up %s with a %i-byte body: %s', (status, method, fmethod, fbody, expected) => {
    expect(classify(pair(status, method, { method: fmethod, bodySize: fbody })).finding).toBe(expected);
  });

  it('cannot judge a body it does not know: unknown sizes are not violations', () => {
    expect(classify(pair(307, 'POST', { method: 'POST', bodySize: null })).finding).toBe('followed');
    expect(classify(pair(303, 'POST', { method: 'GET', bodySize: null })).finding).toBe('followed');
    expect(classify(pair(307, 'POST', { method: 'POST', bodySize: 0 }, null)).finding).toBe('followed');
  });

  it('names what happened when nothing followed', () => {
    const again = rec({ line: 3, method: 'POST', target: '/from' });
    expect(classify(left(307, 'POST')).finding).toBe('unfollowed');
    expect(classify(left(307, 'POST', { retried: again })).finding).toBe('original-retried');
    expect(classify(left(307, 'POST', { openAtEnd: true })).finding).toBe('open-at-end');
    expect(classify(left(302, 'GET', { loop: true })).finding).toBe('redirect-loop');
    const missing: Pair = { kind: 'missing-location', ...at, redirect: redirectOf(302, 'GET'), mode: 'exact', target: null, confidence: 1 };
    expect(classify(missing).finding).toBe('missing-location');
  });

  it('a re-sent original outranks the end of the input and a loop; the end of the input outranks a loop', () => {
    const again = rec({ line: 3, method: 'POST', target: '/from' });
    expect(classify(left(307, 'POST', { retried: again, openAtEnd: true, loop: true })).finding).toBe('original-retried');
    expect(classify(left(307, 'POST', { openAtEnd: true, loop: true })).finding).toBe('open-at-end');
  });

  it('says why a pair is left-site or undetermined, and that a followed relative Location was misresolved', () => {
    const offSite: Pair = { kind: 'left-site', ...at, redirect: redirectOf(302, 'GET'), mode: 'exact', target: '//pay.example/x', confidence: 1 };
    expect(classify(offSite)).toEqual({ finding: 'left-site', why: 'the Location //pay.example/x is on another host or scheme, not in these logs' });
    const unsure: Pair = { kind: 'undetermined', ...at, redirect: redirectOf(303, 'POST'), mode: 'inferred', target: null, confidence: 0, reason: 'two fit' };
    expect(classify(unsure)).toEqual({ finding: 'undetermined', why: 'two fit' });
    expect(classify({ ...pair(303, 'POST', { method: 'GET', bodySize: 0 }), misresolved: true }).finding).toBe('location-misresolved');
    // A rule broken says more than the URL it was broken on.
    expect(classify({ ...pair(303, 'POST', { method: 'POST', bodySize: 12 }), misresolved: true }).finding).toBe('method-kept-after-303');
  });
});

describe('verdict of a client', () => {
  it('puts the most serious first and says correct only when nothing is wrong', () => {
    expect(verdictsOf({ '303': 1, '307': 0, '308': 2 }, 1, 5, 1)).toEqual(['mishandles-303', 'mishandles-308', 'does-not-follow']);
    expect(verdictsOf({ '303': 0, '307': 0, '308': 0 }, 0, 5, 0)).toEqual(['correct']);
    expect(verdictsOf({ '303': 0, '307': 0, '308': 0 }, 3, 2, 0)).toEqual(['does-not-follow']);
  });

  it('needs strong evidence for does-not-follow: an unsafe request left, or more left than followed', () => {
    const none = { '303': 0, '307': 0, '308': 0 };
    // A browser that followed 43 redirects and left one GET (its target came from the cache): correct.
    expect(verdictsOf(none, 1, 43, 0)).toEqual(['correct']);
    // urllib: a POST through 307 left at the redirect.
    expect(verdictsOf(none, 1, 43, 1)).toEqual(['does-not-follow']);
    // A crawler that never follows.
    expect(verdictsOf(none, 4, 0, 0)).toEqual(['does-not-follow']);
  });

  it('does not take one upload left from a client seen following unsafe requests as does-not-follow', () => {
    const none = { '303': 0, '307': 0, '308': 0 };
    // A browser that followed its checkouts (POST 303) and left one upload: without request times a slow upload's
    // redirect is written after its follow-up, which may be gone by then (the slow-uploads scenario of npm run eval).
    expect(verdictsOf(none, 1, 20, 1, 0, 21, 5)).toEqual(['correct']);
    // Two uploads left: not by chance.
    expect(verdictsOf(none, 2, 20, 2, 0, 22, 5)).toEqual(['does-not-follow']);
    // urllib again: it follows GETs only, so the one POST it left counts.
    expect(verdictsOf(none, 1, 43, 1, 0, 44, 0)).toEqual(['does-not-follow']);
  });
});
