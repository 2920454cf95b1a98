/**
 * The real capture (samples/capture/: nginx on loopback, real clients, each from its own address): the verdicts
 * the analyzer gives must be what the clients actually did. `clients.json` records, per client, what the
 * capture's own summarizer (samples/capture/summarize.mjs) read off the log line by line; this test holds the
 * analyzer to it from three logs of the same traffic: one that records Location (exact pairing), the plain
 * `combined` log (Location inferred), and the combined log with every User-Agent replaced by an opaque token.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AuditReport, ClientReport } from '../src/report.js';
import { FULL_FORMAT, jsonRun, ROOT } from './exec.js';

interface CapturedClient {
  address: string;
  client: string;
  user_agent: string | null;
  observed_verdict: { verdict: string[] };
}

const clients = JSON.parse(readFileSync(`${ROOT}samples/capture/clients.json`, 'utf8')) as CapturedClient[];
const key = (address: string, ua: string | null) => `${address} ${ua ?? '-'}`;

function byClient(report: AuditReport): Map<string, ClientReport> {
  return new Map(report.clients.map((c) => [key(c.address, c.userAgent), c]));
}

function expectObservedVerdicts(report: AuditReport, uaOf: (ua: string | null) => string | null = (ua) => ua) {
  const got = byClient(report);
  const rows = clients.map((c) => {
    const r = got.get(key(c.address, uaOf(c.user_agent)));
    return { client: c.client, verdicts: r?.verdicts ?? ['(not found)'] };
  });
  expect(rows).toEqual(clients.map((c) => ({ client: c.client, verdicts: c.observed_verdict.verdict })));
  // Every client with a redirect in the log is one of the captured ones.
  expect(report.clients).toHaveLength(clients.length);
}

describe('verdicts on the real capture match what each client did', () => {
  it('from the log that records Location: every pair exact', async () => {
    const { report } = await jsonRun(['--log-format', FULL_FORMAT, 'samples/capture-full.log']);
    expect(report.totals.pairing.inferred).toBe(0);
    expectObservedVerdicts(report);
    const needle = byClient(report).get(key('127.0.0.34', clients.find((c) => c.address === '127.0.0.34')!.user_agent))!;
    // needle turns each POST/PUT after 307 into GET: 4 such hops in the capture, and one after 308.
    expect(needle.findings).toMatchObject({ 'method-changed-after-307': 4, 'method-changed-after-308': 1 });
    const curlX = byClient(report).get(key('127.0.0.11', 'curl/7.88.1'))!;
    expect(curlX.examples[0]).toMatchObject({
      finding: 'method-kept-after-303',
      redirect: { method: 'POST', url: '//127.0.0.1/r303/from', status: 303, location: '/r303/to' },
      followUp: { method: 'POST', url: '//127.0.0.1/r303/to' },
    });
  });

  it('from the plain combined log of the same traffic: every pair inferred, same verdicts', async () => {
    const { report } = await jsonRun(['samples/capture-combined.log']);
    expect(report.inputs[0]!.format).toBe('combined');
    expect(report.totals.pairing.exact).toBe(0);
    expectObservedVerdicts(report);
  });

  it('with every User-Agent replaced by an opaque token: same verdicts (the User-Agent only labels)', async () => {
    const token = (ua: string | null) => (ua === null || ua === '-' ? null : `ua-${createHash('sha256').update(ua).digest('hex').slice(0, 12)}`);
    const lines = readFileSync(`${ROOT}samples/capture-combined.log`, 'utf8').trimEnd().split('\n');
    const opaque = lines.map((l) => l.replace(/"([^"]*)"$/, (_m, ua: string) => `"${ua === '-' ? '-' : token(ua)}"`));
    expect(opaque.join('\n')).not.toMatch(/curl|Wget|Python|needle|axios|node|Mozilla/i);
    const dir = mkdtempSync(join(tmpdir(), 'ra-opaque-'));
    writeFileSync(join(dir, 'opaque.log'), `${opaque.join('\n')}\n`);
    const { report } = await jsonRun([join(dir, 'opaque.log')]);
    expectObservedVerdicts(report, token);
  });

  it('from the nginx escape=json log of the same traffic: same verdicts', async () => {
    const { report } = await jsonRun(['samples/capture-json.log']);
    expect(report.inputs[0]!.format).toBe('nginx-json');
    expectObservedVerdicts(report);
  });

  it('the four logs hold the same traffic: same number of records and redirects', async () => {
    const full = (await jsonRun(['--log-format', FULL_FORMAT, 'samples/capture-full.log'])).report.totals;
    const combined = (await jsonRun(['samples/capture-combined.log'])).report.totals;
    const common = (await jsonRun(['samples/capture-common.log'])).report;
    expect(common.inputs[0]!.format).toBe('common');
    const nginxJson = (await jsonRun(['samples/capture-json.log'])).report.totals;
    for (const t of [combined, common.totals, nginxJson]) {
      expect(t.records).toBe(full.records);
      expect(t.redirects).toBe(full.redirects);
    }
  });
});
