/**
 * When a request was sent, from the logged duration (issue #12, item 1; docs/semantics.md, 3.5): which instant
 * each format's time is, and pairing that reads a redirect's start and end where the log has them. A slow upload
 * answered 307 at once is written by nginx only once its body is discarded, seconds after the follow-up it got.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { score, type ToolReport } from '../bench/eval/score.js';
import { simulate } from '../bench/eval/simulate.js';
import { compileLogFormat, detectLineFormat } from '../parsers/index.js';
import { analyzeFiles } from '../src/run.js';
import type { AuditReport } from '../src/report.js';
import { ROOT } from './exec.js';
import { ok } from './helpers.js';

const OUT = join(ROOT, 'test', 'output', 'durations');
afterAll(() => rmSync(OUT, { recursive: true, force: true }));

const NGINX = '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" "$sent_http_location"';
const APACHE = '%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i" "%{Location}o"';

async function analyze(name: string, format: string, text: string[]): Promise<AuditReport> {
  mkdirSync(OUT, { recursive: true });
  const path = join(OUT, name);
  writeFileSync(path, `${text.join('\n')}\n`);
  return analyzeFiles([path], { threads: 1, format: compileLogFormat('custom', format) });
}

const client = (r: AuditReport, address: string) => r.clients.find((c) => c.address === address)!;

describe('which instant a logged time is', () => {
  it('nginx writes the end of the request, Apache the start (unless %{end:…}t), the shared presets say nothing', () => {
    const line = '198.51.100.4 - - [25/Nov/2026:09:04:20 +0000] "POST /upload HTTP/1.1" 307 162 "-" "uploader/1.0" "/files/7a" 10.323';
    expect(ok(compileLogFormat('n', `${NGINX} $request_time`).parse(line, 0, 1))).toMatchObject({ timeIs: 'end', duration: 10323 });
    expect(ok(compileLogFormat('a', `${APACHE} %T`).parse(line, 0, 1))).toMatchObject({ timeIs: 'start' });
    const end = ok(compileLogFormat('e', '%h %l %u [%{end:%d/%b/%Y:%H:%M:%S %z}t] "%r" %>s %b "%{Referer}i" "%{User-Agent}i" "%{Location}o" %T').parse(line, 0, 1));
    expect(end).toMatchObject({ timeIs: 'end', time: Date.UTC(2026, 10, 25, 9, 4, 20) });
    // The real aux log of the Apache capture: `%{begin:usec}t %D`, the start to the microsecond.
    const aux = compileLogFormat(
      'aux',
      '%a %{remote}p %{begin:usec}t %D "%r" %>s "%{Content-Length}i" "%{Transfer-Encoding}i" %I "%{Location}o" "%{User-Agent}i"',
    );
    const r = ok(aux.parse('127.0.0.50 54224 1795931065804702 10067 "POST /r301/from HTTP/1.1" 301 "16" "-" 149 "/r301/to" "-"', 0, 1));
    expect(r).toMatchObject({ timeIs: 'start', time: 1795931065804.702, duration: 10.067, status: 301 });
    // `combined` is written by nginx and by Apache alike: which instant its time is, is not known.
    const combined = '198.51.100.4 - - [25/Nov/2026:09:04:20 +0000] "POST /upload HTTP/1.1" 307 162 "-" "uploader/1.0"';
    const detected = detectLineFormat([combined])!.format;
    expect(detected.name).toBe('combined');
    expect(ok(detected.parse(combined, 0, 1)).timeIs).toBeNull();
  });
});

describe('a slow upload answered 307 at once: its redirect is written after the follow-up it got', () => {
  // The client posts 10 MB to /upload at 09:04:09.7; the server answers 307 at once and discards the body for
  // 10.3 s; the client follows at once, with a GET (it turned the 307 into a GET), answered 405 in 5 ms. nginx
  // writes the GET at 09:04:09 and the redirect at 09:04:20: 11 s before, far past the reorder allowance.
  const lines = (time: boolean) => [
    `198.51.100.4 - - [25/Nov/2026:09:04:09 +0000] "GET /files/7a2m854w HTTP/1.1" 405 157 "-" "uploader/1.0" "-"${time ? ' 0.005' : ''}`,
    `198.51.100.4 - - [25/Nov/2026:09:04:20 +0000] "POST /upload HTTP/1.1" 307 162 "-" "uploader/1.0" "/files/7a2m854w"${time ? ' 10.323' : ''}`,
    // The log goes on past the window.
    `203.0.113.9 - - [25/Nov/2026:09:06:00 +0000] "GET /healthz HTTP/1.1" 200 2 "-" "kube-probe/1.29" "-"${time ? ' 0.001' : ''}`,
  ];

  it('with $request_time: the redirect was sent before the GET was, so the GET follows it (a 307 turned into GET)', async () => {
    const r = await analyze('timed.log', `${NGINX} $request_time`, lines(true));
    const c = client(r, '198.51.100.4');
    expect(c.verdicts).toEqual(['mishandles-307']);
    expect(c.findings).toEqual({ 'method-changed-after-307': 1 });
    expect(c.examples[0]!.followUp).toMatchObject({ line: 1, method: 'GET' });
  });

  it('without it: undetermined where the log shows a fitting request before the redirect, or its route doing so; never a violation', async () => {
    // The same client, twice: a 5 s upload (the GET written 5 s before the redirect), then a 10 s one. The log
    // still holds the first GET when the first redirect comes: undetermined, and the route is seen to write its
    // redirects late, so the second one, whose GET it no longer holds, is undetermined too.
    const r = await analyze('plain.log', NGINX, [
      '198.51.100.4 - - [25/Nov/2026:09:04:09 +0000] "GET /files/7a2m854w HTTP/1.1" 405 157 "-" "uploader/1.0" "-"',
      '198.51.100.4 - - [25/Nov/2026:09:04:14 +0000] "POST /upload HTTP/1.1" 307 162 "-" "uploader/1.0" "/files/7a2m854w"',
      '198.51.100.4 - - [25/Nov/2026:09:05:31 +0000] "GET /files/d0c2e91a HTTP/1.1" 405 157 "-" "uploader/1.0" "-"',
      '198.51.100.4 - - [25/Nov/2026:09:05:42 +0000] "POST /upload HTTP/1.1" 307 162 "-" "uploader/1.0" "/files/d0c2e91a"',
      '203.0.113.9 - - [25/Nov/2026:09:07:00 +0000] "GET /healthz HTTP/1.1" 200 2 "-" "kube-probe/1.29" "-"',
    ]);
    const c = client(r, '198.51.100.4');
    expect(c.verdicts).toEqual(['undetermined']);
    expect(c.findings).toEqual({ undetermined: 2 });
    expect(c.examples[0]!.why).toMatch(/logged before it, earlier than the reorder allowance|route's redirects have been written after/);
  });

  it('with $request_time, the same two: both followed, by a GET', async () => {
    const r = await analyze('timed-twice.log', `${NGINX} $request_time`, [
      '198.51.100.4 - - [25/Nov/2026:09:04:09 +0000] "GET /files/7a2m854w HTTP/1.1" 405 157 "-" "uploader/1.0" "-" 0.004',
      '198.51.100.4 - - [25/Nov/2026:09:04:14 +0000] "POST /upload HTTP/1.1" 307 162 "-" "uploader/1.0" "/files/7a2m854w" 5.402',
      '198.51.100.4 - - [25/Nov/2026:09:05:31 +0000] "GET /files/d0c2e91a HTTP/1.1" 405 157 "-" "uploader/1.0" "-" 0.006',
      '198.51.100.4 - - [25/Nov/2026:09:05:42 +0000] "POST /upload HTTP/1.1" 307 162 "-" "uploader/1.0" "/files/d0c2e91a" 11.310',
      '203.0.113.9 - - [25/Nov/2026:09:07:00 +0000] "GET /healthz HTTP/1.1" 200 2 "-" "kube-probe/1.29" "-" 0.001',
    ]);
    expect(client(r, '198.51.100.4').findings).toEqual({ 'method-changed-after-307': 2 });
  });

  it('Apache writes when the request was received (%t): the same traffic is in order, and %D gives when the redirect was done', async () => {
    // Lines in completion order, times of reception: the redirect's line comes last, with the earlier time.
    const apache = [
      '198.51.100.4 - - [25/Nov/2026:09:04:09 +0000] "GET /files/7a2m854w HTTP/1.1" 405 157 "-" "uploader/1.0" "-" 5012',
      '198.51.100.4 - - [25/Nov/2026:09:04:09 +0000] "POST /upload HTTP/1.1" 307 162 "-" "uploader/1.0" "/files/7a2m854w" 10323000',
      '203.0.113.9 - - [25/Nov/2026:09:06:00 +0000] "GET /healthz HTTP/1.1" 200 2 "-" "kube-probe/1.29" "-" 1000',
    ];
    const r = await analyze('apache.log', `${APACHE} %D`, apache);
    expect(client(r, '198.51.100.4').findings).toEqual({ 'method-changed-after-307': 1 });
  });

  it('a long request of the same client sent before the redirect was is no follow-up, however late its line', async () => {
    // A PUT of /files/7a2m854w started at 09:03:50 (before the POST was sent) and written at 09:04:21: with its
    // duration it was sent 20 s before the redirect, without it it looks like a follow-up 1 s after.
    const r = await analyze('before.log', `${NGINX} $request_time`, [
      '198.51.100.4 - - [25/Nov/2026:09:04:20 +0000] "POST /upload HTTP/1.1" 307 162 "-" "uploader/1.0" "/files/7a2m854w" 0.323',
      '198.51.100.4 - - [25/Nov/2026:09:04:21 +0000] "PUT /files/7a2m854w HTTP/1.1" 200 157 "-" "uploader/1.0" "-" 31.000',
      '203.0.113.9 - - [25/Nov/2026:09:06:00 +0000] "GET /healthz HTTP/1.1" 200 2 "-" "kube-probe/1.29" "-" 0.001',
    ]);
    expect(client(r, '198.51.100.4').findings).toEqual({ unfollowed: 1 });
  });
});

describe('the slow-uploads scenario of npm run eval (small)', () => {
  it('an upload agent that turns every 307 into GET is found with request times; without them it is not accused of more than it did', async () => {
    const dir = join(OUT, 'slow-uploads');
    const { truth } = simulate({ scenario: 'slow-uploads', seed: 11, scale: 'small', dir });
    const run = async (v: 'combined' | 'timed') => {
      const report = await analyzeFiles(
        truth.files.map((f) => join(dir, truth.variants[v].dir, f)),
        { threads: 1, format: compileLogFormat('custom', truth.variants[v].logFormat) },
      );
      return score(truth, JSON.parse(JSON.stringify(report)) as ToolReport, v);
    };
    const timed = await run('timed');
    const combined = await run('combined');
    expect(truth.summary.loggedEarly).toBeGreaterThan(20);
    // With request times every offender is found, nobody is wrongly flagged, nobody wrongly said not to follow.
    expect([timed.mishandles.precision, timed.mishandles.recall, timed.doesNotFollow.precision]).toEqual([1, 1, 1]);
    expect(timed.undecidable).toBe(0);
    // Without, the agent's violations cannot be seen: fewer found, none wrongly.
    expect(combined.mishandles.precision).toBe(1);
    expect(combined.mishandles.tp).toBeLessThan(timed.mishandles.tp);
    expect(combined.undecidable).toBe(truth.summary.loggedEarly);
  });
});
