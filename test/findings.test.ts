/**
 * The table of findings (`src/findings.ts`) and what is derived from it: the lists and orders the reports used to
 * spell out one by one must come out as they were, so reports stay byte for byte the same.
 */
import { describe, expect, it } from 'vitest';
import {
  FINDINGS,
  PAIR_FINDINGS,
  PAIR_RANK,
  SERVER_FINDINGS,
  SERVER_RANK,
  UNFOLLOWED_FINDINGS,
  VERDICTS,
  VIOLATION_FINDINGS,
  VIOLATIONS,
  isMishandling,
  mishandles,
  serverTone,
  verdictTone,
  violationTotal,
} from '../src/findings.js';

const byRank = <T extends string>(rank: ReadonlyMap<T, number>) => [...rank.keys()].sort((a, b) => rank.get(a)! - rank.get(b)!);

describe('the table of findings', () => {
  it('groups the violations by the code whose rule they break', () => {
    expect(VIOLATIONS).toEqual({
      '303': ['method-kept-after-303', 'body-kept-after-303'],
      '307': ['method-changed-after-307', 'body-dropped-after-307'],
      '308': ['method-changed-after-308', 'body-dropped-after-308'],
    });
    expect(VIOLATION_FINDINGS.size).toBe(6);
    for (const name of ['undetermined', 'left-site', 'location-misresolved']) {
      expect(VIOLATION_FINDINGS.has(name as never)).toBe(false);
    }
  });

  it('counts only unfollowed and original-retried as unfollowed (never undetermined or left-site)', () => {
    expect([...UNFOLLOWED_FINDINGS].sort()).toEqual(['original-retried', 'unfollowed']);
  });

  it('ranks the examples of a client: violations, then not following, then the rest, followed last', () => {
    expect(byRank(PAIR_RANK)).toEqual([
      'method-kept-after-303',
      'body-kept-after-303',
      'method-changed-after-307',
      'body-dropped-after-307',
      'method-changed-after-308',
      'body-dropped-after-308',
      'location-misresolved',
      'original-retried',
      'unfollowed',
      'missing-location',
      'method-rewritten-after-301',
      'method-rewritten-after-302',
      'left-site',
      'redirect-loop',
      'open-at-end',
      'undetermined',
      'followed',
    ]);
  });

  it('orders route findings with the server bugs that break correct clients first', () => {
    expect(byRank(SERVER_RANK)).toEqual([
      'target-rejects-repeated-method',
      'target-rejects-get',
      'found-after-post',
      'see-other-for-get',
      'cacheable-temporary-redirect',
      'mixed-redirect-codes',
      'masked-failure',
      'redirect-loop',
      'long-chain',
      'missing-location',
      'insecure-downgrade',
      'internal-redirect',
      'possibly-cached',
    ]);
  });

  it('has one row per name and scope, with redirect-loop and missing-location on both sides', () => {
    const keys = FINDINGS.map((f) => `${f.scope === 'pair' ? 'pair' : 'server'}:${f.name}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(PAIR_FINDINGS.filter((n) => (SERVER_FINDINGS as readonly string[]).includes(n)).sort()).toEqual(['missing-location', 'redirect-loop']);
    // --fail-on counts the route findings for the shared names.
    for (const f of FINDINGS.filter((x) => x.scope === 'pair' && (SERVER_FINDINGS as readonly string[]).includes(x.name))) expect(f.failOn).toBeNull();
  });

  it('gives the verdicts in order of seriousness, the new ones where they belong', () => {
    expect(VERDICTS).toEqual(['mishandles-303', 'mishandles-307', 'mishandles-308', 'misresolves-location', 'does-not-follow', 'correct', 'undetermined']);
    expect(mishandles('307')).toBe('mishandles-307');
    expect(VERDICTS.filter(isMishandling)).toEqual(['mishandles-303', 'mishandles-307', 'mishandles-308']);
  });

  it('keeps the tones of the HTML report', () => {
    expect(VERDICTS.map(verdictTone)).toEqual(['bad', 'bad', 'bad', 'bad', 'warn', 'good', 'warn']);
    const bad = SERVER_FINDINGS.filter((f) => serverTone(f) === 'bad').sort();
    expect(bad).toEqual(['insecure-downgrade', 'masked-failure', 'missing-location', 'redirect-loop', 'target-rejects-get', 'target-rejects-repeated-method']);
  });

  it('gives every route and chain finding a recommendation for one route', () => {
    for (const f of FINDINGS.filter((x) => x.scope !== 'pair')) {
      const line = f.advise!({ route: 'POST /a', method: 'POST', code: 307, target: '/b', location: '/b', finalStatus: 405, hops: 7, codes: [302, 307] });
      expect(line).not.toMatch(/\n|undefined/);
    }
  });

  it('sums violations of 303, 307 and 308', () => {
    expect(violationTotal({ '303': 1, '307': 2, '308': 4 })).toBe(7);
  });
});
