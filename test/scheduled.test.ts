/**
 * Scheduled use and narrowing: --baseline compares with the last report, --fail-on turns figures into an exit
 * code, --since/--until/--client/--route/--status narrow what is counted.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { FULL_FORMAT, jsonRun, ROOT, run } from './exec.js';

const FULL = `${ROOT}samples/capture-full.log`;
let tmp: string;
let withoutNeedle: string;

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'ra-sched-'));
  // Yesterday's log, as it were: the same traffic without the needle client.
  const lines = readFileSync(FULL, 'utf8').trimEnd().split('\n');
  withoutNeedle = join(tmp, 'yesterday.log');
  writeFileSync(withoutNeedle, `${lines.filter((l) => !l.startsWith('127.0.0.34 ')).join('\n')}\n`);
});

describe('--baseline', () => {
  it('names the clients that mishandle 303/307 now and did not before, and those fixed since', async () => {
    const before = join(tmp, 'before.json');
    expect((await run(['analyze', '--report', 'json', '-o', before, '--log-format', FULL_FORMAT, withoutNeedle])).code).toBe(0);
    const { report } = await jsonRun(['--log-format', FULL_FORMAT, '--baseline', before, FULL]);
    expect(report.baseline!.newlyMishandling).toEqual([
      { address: '127.0.0.34', userAgent: 'Needle/3.5.0 (Node.js v20.20.2; linux x64)', verdicts: ['mishandles-307', 'mishandles-308'] },
    ]);
    expect(report.baseline!.fixed).toEqual([]);
    // curl -X POST (2) + curl -X PUT (1) + request (1) before; needle adds 4 after 307 and 1 after 308.
    expect(report.baseline!.totals.violations).toEqual({ before: 4, after: 9 });
    // Routes whose figures moved: needle's GET after the 307 to a static file succeeds where a repeated POST
    // gets 405, so that route's effective success rose from 0.
    const moved = report.baseline!.routes.find((r) => r.route === 'POST /bad/307-to-static')!;
    expect(moved.before?.effectiveSuccess).toBe(0);
    expect(moved.after?.effectiveSuccess).toBeCloseTo(1 / 14, 5);

    // Reversed: needle is gone, so nothing new, and it is not "fixed" either (it is absent, not correct).
    const after = join(tmp, 'after.json');
    await run(['analyze', '--report', 'json', '-o', after, '--log-format', FULL_FORMAT, FULL]);
    const back = (await jsonRun(['--log-format', FULL_FORMAT, '--baseline', after, withoutNeedle])).report.baseline!;
    expect(back.newlyMishandling).toEqual([]);
    expect(back.fixed).toEqual([]);
  });

  it('fails the job on new mishandling clients, and says why on stderr', async () => {
    const before = join(tmp, 'b2.json');
    await run(['analyze', '--report', 'json', '-o', before, '--log-format', FULL_FORMAT, withoutNeedle]);
    const r = await run(['analyze', '--report', 'json', '--log-format', FULL_FORMAT, '--baseline', before, '--fail-on', 'new-mishandling', FULL]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('--fail-on: new-mishandling');
    const text = (await run(['analyze', '--report', 'text', '--log-format', FULL_FORMAT, '--baseline', before, FULL])).stdout;
    expect(text).toMatch(/new mishandles-307, mishandles-308 {2}127\.0\.0\.34/);
  });

  it('refuses a file that is not a JSON report, with exit 2', async () => {
    const r = await run(['analyze', '--baseline', FULL, FULL]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('not JSON');
  });
});

describe('--fail-on over monitoring figures and server findings', () => {
  it.each([
    ['effective-success<0.99', 1],
    ['effective-success<0.5', 0],
    ['apparent-success<0.9', 0],
    ['masked-failure>=10', 1],
    ['cacheable-temporary-redirect', 0],
    ['mishandles-303>=2', 1],
    ['mishandles-303>2', 0],
  ])('%s exits %i', async (expr, code) => {
    expect((await run(['analyze', '--report', 'json', '--log-format', FULL_FORMAT, '--fail-on', expr, FULL])).code).toBe(code);
  });
});

describe('narrowing', () => {
  it('--client takes an address or a User-Agent substring', async () => {
    const byAddress = (await jsonRun(['--log-format', FULL_FORMAT, '--client', '127.0.0.11', FULL])).report;
    expect(byAddress.clients.map((c) => c.address)).toEqual(['127.0.0.11']);
    const byUa = (await jsonRun(['--log-format', FULL_FORMAT, '--client', 'Needle', FULL])).report;
    expect(byUa.clients.map((c) => c.verdicts)).toEqual([['mishandles-307', 'mishandles-308']]);
    const byXff = (await jsonRun(['--log-format', FULL_FORMAT, '--client', '203.0.113.7', FULL])).report;
    expect(byXff.clients).toHaveLength(2);
  });

  it('--status and --route count only matching redirects, and their follow-ups still pair', async () => {
    const r307 = (await jsonRun(['--log-format', FULL_FORMAT, '--status', '307', FULL])).report;
    expect(Object.keys(r307.totals.violations).filter((k) => r307.totals.violations[k as '303'] > 0)).toEqual(['307']);
    expect(r307.totals.followed).toBeGreaterThan(0);
    const route = (await jsonRun(['--log-format', FULL_FORMAT, '--route', 'POST /r30*/from', FULL])).report;
    expect(route.monitoring.routes.every((r) => /^POST \/r30\d\/from$/.test(r.route))).toBe(true);
    // 16 client configurations POST through each of the five routes.
    expect(route.totals.redirects).toBe(80);
  });

  it('--max-clients keeps the most recently seen clients and counts the ones it dropped', async () => {
    const all = (await jsonRun(['--log-format', FULL_FORMAT, FULL])).report;
    const capped = (await jsonRun(['--log-format', FULL_FORMAT, '--max-clients', '3', FULL])).report;
    // The capture drives its clients one after another; the last three with redirects are kept (LWP, then the
    // two clients behind the proxy address, which come last).
    expect(capped.clients.map((c) => `${c.address} ${c.userAgent}`).sort()).toEqual([
      '127.0.0.1 curl/7.88.1',
      '127.0.0.1 python-requests/2.28.1',
      '127.0.0.42 libwww-perl/6.68',
    ]);
    expect(capped.totals.evictedClients).toBeGreaterThanOrEqual(all.clients.length - 3);
    // Dropping a client's entry drops nothing from the totals.
    const { clients: _a, evictedClients: _b, verdicts: _c, ...countsAll } = all.totals;
    const { clients: _d, evictedClients: _e, verdicts: _f, ...countsCapped } = capped.totals;
    expect(countsCapped).toEqual(countsAll);
  });

  it('--since and --until select by time, absolute or relative to now', async () => {
    const all = (await jsonRun(['--log-format', FULL_FORMAT, FULL])).report;
    const mid = new Date((Date.parse(all.period.first!) + Date.parse(all.period.last!)) / 2).toISOString();
    const early = (await jsonRun(['--log-format', FULL_FORMAT, '--until', mid, FULL])).report;
    const late = (await jsonRun(['--log-format', FULL_FORMAT, '--since', mid, FULL])).report;
    expect(early.totals.records + late.totals.records).toBe(all.totals.records);
    expect(early.totals.records).toBeGreaterThan(0);
    expect(late.totals.records).toBeGreaterThan(0);
    // Relative to now: everything is newer than 100,000 days ago, and nothing is older.
    expect((await jsonRun(['--log-format', FULL_FORMAT, '--since', '100000d', FULL])).report.totals.records).toBe(all.totals.records);
    expect((await jsonRun(['--log-format', FULL_FORMAT, '--until', '100000d', FULL])).report.totals.records).toBe(0);
    expect((await run(['analyze', '--since', 'yesterday-ish', FULL])).code).toBe(2);
  });
});
