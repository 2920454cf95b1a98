/**
 * Public access logs (test/fixtures/logs, provenance there): what the analysis makes of real traffic that nobody
 * staged. The Apache log of semicomplete.com (2015) has 164 mod_dir 301s (`/projects/xdotool` →
 * `/projects/xdotool/`) and 445 304s, in completion order with timestamps that go backwards.
 */
import { describe, expect, it } from 'vitest';
import { json } from './exec.js';
import { SHARED } from './helpers.js';

describe('the elastic/examples Apache combined log', () => {
  const { report } = json([`${SHARED}elastic__examples__Common_Data_Formats__apache_logs__apache_logs`]);

  it('reads every line: one cut short is skipped with its line number, and the totals add up', () => {
    expect(report.inputs[0]).toMatchObject({ format: 'combined', linesRead: 10_000, records: 9_999, skipped: 1 });
    expect(report.inputs[0]!.skippedExamples[0]).toMatchObject({ line: 8899, reason: 'line ended before the user agent field' });
  });

  it('counts the 164 redirects, not the 445 304s, and infers their targets', () => {
    expect(report.totals.redirects).toBe(164);
    expect(report.totals.notModified).toBe(445);
    expect(report.totals.pairing).toEqual({ exact: 0, inferred: 164 });
    // A crawler that followed 21 of its 25 mod_dir 301s: four GETs left alone are weak evidence (a cached
    // target leaves no line), so it is not called does-not-follow ...
    const crawler = report.clients.find((c) => c.address === '199.168.96.66')!;
    expect(crawler).toMatchObject({ redirects: 25, followed: 21, unfollowed: 4, verdict: 'correct' });
    // ... while Yahoo's crawler never followed any of its four.
    const slurp = report.clients.find((c) => c.address === '68.180.224.225')!;
    expect(slurp).toMatchObject({ redirects: 4, followed: 0, verdict: 'does-not-follow' });
    expect(report.totals.followed + report.totals.unfollowed).toBe(164);
  });

  it('finds no violation: GETs through 301 stay GETs', () => {
    expect(report.totals.violations).toEqual({ '303': 0, '307': 0, '308': 0 });
  });
});

describe('mixed and custom nginx formats', () => {
  it('reads combined and vhost lines mixed in one file, and skips the error-log line with a reason', () => {
    const { report } = json([`${SHARED}crowdsecurity__hub__.tests__nginx_http-logs__nginx_http-logs.log`]);
    expect(report.inputs[0]).toMatchObject({ linesRead: 9, records: 7, skipped: 2 });
    expect(report.totals.redirects).toBe(1);
  });

  it('reads a BunkerWeb vhost log with a request id through --log-format, and pairs its http→https 301', () => {
    const { report } = json([
      '--log-format',
      '$host $remote_addr - $request_id $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent"',
      `${SHARED}crowdsecurity__hub__.tests__bunkerweb-logs__bunkerweb-logs.log`,
    ]);
    expect(report.inputs[0]).toMatchObject({ records: 5, skipped: 0 });
    expect(report.monitoring.findings.find((f) => f.finding === 'found-after-post')?.route).toBe('POST /admin/login');
    expect(report.clients[0]!.findings).toMatchObject({ followed: 1, unfollowed: 1 });
  });
});
