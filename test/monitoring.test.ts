/**
 * Route findings and monitoring figures on the real captures: the report names the routes that misuse 303 for
 * GET, answer 302 after POST, redirect into a 405 or a 500, or send a cacheable 307, with the right counts.
 * Counts come from the traffic: in the nginx capture each of the 20 client configurations walks the routes.
 */
import { describe, expect, it } from 'vitest';
import type { AuditReport, RouteFinding } from '../src/report.js';
import { FULL_FORMAT, jsonRun } from './exec.js';

const capture = (await jsonRun(['--log-format', FULL_FORMAT, 'samples/capture-full.log'])).report;
const chromium = (await jsonRun(['samples/capture-chromium.har'])).report;

function findings(report: AuditReport): Record<string, number> {
  const out: Record<string, number> = {};
  for (const f of report.monitoring.findings) out[`${f.finding} ${f.route}`] = f.count;
  return out;
}

function find(report: AuditReport, finding: string, route: string): RouteFinding {
  const f = report.monitoring.findings.find((x) => x.finding === finding && x.route === route);
  if (!f) throw new Error(`no ${finding} on ${route}`);
  return f;
}

describe('route findings on the nginx capture (20 clients, Location logged)', () => {
  const report = capture;
  const got = findings(report);

  it('names 303 answering GET, and 302 answering POST, once per request', () => {
    // 14 client configurations send GETs through /r303/from and /bad/see-other-get ...
    expect(got['see-other-for-get GET /r303/from']).toBe(14);
    expect(got['see-other-for-get GET /bad/see-other-get']).toBe(12);
    // ... and 16 POST through /r302/from.
    expect(got['found-after-post POST /r302/from']).toBe(16);
    expect(got['found-after-post POST /bad/found-post']).toBe(14);
    expect(find(report, 'found-after-post', 'POST /r302/from').recommendation).toMatch(/use 303 for Post\/Redirect\/Get.*or 307/);
  });

  it('names the redirects whose target refuses what the code makes clients send', () => {
    // 307 to a static file: the repeated POST gets 405. Clients that follow with GET (needle) or not at all are not counted.
    expect(got['target-rejects-repeated-method POST /bad/307-to-static']).toBe(11);
    expect(find(report, 'target-rejects-repeated-method', 'POST /bad/307-to-static').example.final?.status).toBe(405);
    // 303 to a POST-only handler: the GET gets 405.
    expect(got['target-rejects-get POST /bad/303-to-post-only']).toBe(12);
  });

  it('names chains that end in a 500 although their first answer counted as a success', () => {
    const f = find(report, 'masked-failure', 'GET /bad/chain-500');
    expect(f.count).toBe(12);
    expect(f.example).toMatchObject({ hops: 2, final: { status: 500, url: '//127.0.0.1/bad/chain-500-c' } });
    const route = report.monitoring.routes.find((r) => r.route === 'GET /bad/chain-500')!;
    expect(route.figures.apparentSuccess).toBe(1);
    expect(route.figures.effectiveSuccess).toBeLessThan(0.1);
  });

  it('names the redirect loop and its length, and the 302 sent without Location', () => {
    expect(got['redirect-loop GET /bad/loop-a']).toBe(12);
    expect(got['long-chain GET /bad/loop-a']).toBe(12);
    expect(got['missing-location GET /bad/no-location']).toBe(19);
    expect(got['mixed-redirect-codes GET /r303/from']).toBeUndefined();
  });

  it('shows what per-request figures hide: success per action below success per request', () => {
    const o = report.monitoring.overall;
    expect(o.requests).toBe(829);
    expect(o.apparentSuccess!).toBeGreaterThan(0.95);
    expect(o.effectiveSuccess!).toBeLessThan(0.75);
    expect(o.redirectShare!).toBeCloseTo(588 / 829, 5);
    // Figures over time add up to the overall ones.
    const sum = report.monitoring.buckets.reduce((n, b) => n + b.figures.requests, 0);
    expect(sum).toBe(829);
  });
});

describe('route findings on the Chromium HAR (headers known)', () => {
  const report = chromium;
  const got = findings(report);

  it('finds the cacheable 307 (Cache-Control: max-age=3600) and the same misuses as in the log', () => {
    expect(got['cacheable-temporary-redirect POST /bad/cacheable-307']).toBe(1);
    expect(got['cacheable-temporary-redirect GET /bad/cacheable-307']).toBe(2);
    expect(got['see-other-for-get GET /bad/see-other-get']).toBe(1);
    expect(got['found-after-post POST /r302/from']).toBe(1);
    expect(got['target-rejects-repeated-method POST /bad/307-to-static']).toBe(1);
    expect(got['target-rejects-get POST /bad/303-to-post-only']).toBe(1);
    expect(got['masked-failure GET /bad/chain-500']).toBe(2);
  });

  it('judges Chromium correct: 303 followed by GET without body, 307/308 repeated with the body', () => {
    expect(report.clients).toHaveLength(1);
    expect(report.clients[0]).toMatchObject({ verdict: 'correct', unfollowed: 0, pairing: { inferred: 0 } });
    expect(report.totals.violations).toEqual({ '303': 0, '307': 0, '308': 0 });
  });

  it('the nginx log of the same browser run names the same routes', async () => {
    const log = (await jsonRun(['--log-format', FULL_FORMAT, 'samples/capture-chromium-full.log'])).report;
    const fromLog = findings(log);
    for (const k of [
      'see-other-for-get GET /bad/see-other-get',
      'found-after-post POST /r302/from',
      'target-rejects-repeated-method POST /bad/307-to-static',
      'target-rejects-get POST /bad/303-to-post-only',
      'masked-failure GET /bad/chain-500',
    ]) {
      expect([k, fromLog[k]]).toEqual([k, got[k]]);
    }
    expect(log.clients.map((c) => c.verdict)).toEqual(['correct']);
  });
});
