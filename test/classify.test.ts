/** What each status code requires of the follow-up, and the name a pair gets when it does not comply. */
import { describe, expect, it } from 'vitest';
import { classify, verdictsOf } from '../src/classify.js';
import type { Pair } from '../src/pairing.js';
import type { HttpRecord } from '../core/model.js';
import { rec } from './helpers.js';

function pair(status: number, method: string, follow: { method: string; bodySize?: number | null } | null, bodySize: number | null = 12): Pair {
  const redirect = rec({ line: 1, status, method, bodySize, target: '/from', location: '/to', locationLogged: true });
  const followUp: HttpRecord | null = follow
    ? rec({ line: 2, method: follow.method, bodySize: follow.bodySize ?? null, target: '/to' })
    : null;
  return {
    client: 'c',
    redirect,
    followUp,
    retried: null,
    mode: 'exact',
    missingLocation: false,
    openAtEnd: false,
    loop: false,
    hop: 1,
    target: '/to',
    chain: 1,
    confidence: 1,
    undetermined: null,
    leftSite: false,
    misresolved: false,
    otherAgent: null,
  };
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
    expect(classify(pair(307, 'POST', null)).finding).toBe('unfollowed');
    expect(classify({ ...pair(307, 'POST', null), retried: rec({ line: 3, method: 'POST', target: '/from' }) }).finding).toBe('original-retried');
    expect(classify({ ...pair(307, 'POST', null), openAtEnd: true }).finding).toBe('open-at-end');
    expect(classify({ ...pair(302, 'GET', null), missingLocation: true }).finding).toBe('missing-location');
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
});
