import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AuditError } from '../core/errors.js';
import type { HttpRecord } from '../core/model.js';
import { compileLogFormat } from '../parsers/log-format.js';
import { detectLineFormat } from '../parsers/index.js';
import { SHARED, ok } from './helpers.js';

const elastic = readFileSync(`${SHARED}elastic__examples__Common_Data_Formats__apache_logs__apache_logs`, 'utf8').split('\n');


describe('one compiler for nginx log_format and Apache LogFormat strings', () => {
  it('parses a real Apache combined line with the nginx combined format string', () => {
    const f = compileLogFormat(
      'combined',
      `$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent"`,
    );
    // Line 3144 of the elastic sample: a mod_dir 301.
    const r = ok(f.parse(elastic[3143]!, 0, 3144));
    expect(r).toMatchObject({
      address: '199.168.96.66',
      method: 'GET',
      target: '/articles',
      status: 301,
      userAgent: null,
      referer: null,
      location: null,
      locationLogged: false,
      bodySize: null,
    });
    expect(new Date(r.time).toISOString()).toBe('2015-05-18T12:05:17.000Z');
  });

  it('gives the same record from the equivalent Apache LogFormat, pasted with its backslashes (but for the instant of its time)', () => {
    const nginx = compileLogFormat('n', `$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent"`);
    const apache = compileLogFormat('a', String.raw`"%h %l %u %t \"%r\" %>s %b \"%{Referer}i\" \"%{User-Agent}i\""`);
    for (const line of elastic.slice(0, 200)) {
      // nginx writes the time the request ended, Apache the time it was received.
      expect(apache.parse(line, 0, 1)).toEqual({ ...(nginx.parse(line, 0, 1) as HttpRecord), timeIs: 'start' });
    }
    expect(nginx.parse(elastic[0]!, 0, 1)).toMatchObject({ timeIs: 'end' });
  });

  it('reads Location, Content-Length, host, X-Forwarded-For and request time when the format has them', () => {
    const f = compileLogFormat(
      'full',
      `$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" "$http_x_forwarded_for" $request_time $msec "$sent_http_location" $content_length $request_length $host`,
    );
    const line = `127.0.0.3 - - [25/Nov/2026:15:20:01 +0000] "POST /r303/from HTTP/1.1" 303 153 "-" "curl/7.88.1" "203.0.113.7, 10.0.0.2" 0.001 1795620001.123 "http://127.0.0.1:18080/r303/to" 15 201 127.0.0.1`;
    const r = ok(f.parse(line, 0, 1));
    expect(r).toMatchObject({
      method: 'POST',
      target: '/r303/from',
      status: 303,
      forwardedFor: '203.0.113.7',
      location: 'http://127.0.0.1:18080/r303/to',
      locationLogged: true,
      bodySize: 15,
      host: '127.0.0.1',
      duration: 1,
    });
    expect(r.time).toBe(1795620001123);
    expect(f.capabilities).toEqual({ location: true, bodySize: true, host: true, duration: true, forwardedFor: true });
    // "-" for Location means the response had none; "-" for Content-Length means no body.
    const none = ok(f.parse(line.replace('"http://127.0.0.1:18080/r303/to" 15', '"-" -'), 0, 1));
    expect(none.location).toBeNull();
    expect(none.bodySize).toBe(0);
  });

  it('keeps escaped quotes inside quoted fields (nginx \\x22, Apache \\")', () => {
    const f = compileLogFormat('c', '%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i"');
    const nginxLine = `1.2.3.4 - - [25/Nov/2026:15:20:01 +0000] "GET /a HTTP/1.1" 200 5 "-" "Evil \\x22quoted\\x22 agent"`;
    const apacheLine = `1.2.3.4 - - [25/Nov/2026:15:20:01 +0000] "GET /a HTTP/1.1" 200 5 "-" "Evil \\"quoted\\" agent"`;
    expect(ok(f.parse(nginxLine, 0, 1)).userAgent).toBe('Evil "quoted" agent');
    expect(ok(f.parse(apacheLine, 0, 1)).userAgent).toBe('Evil "quoted" agent');
  });

  it('turns an absolute-form request target into host and path', () => {
    const f = compileLogFormat('c', '%h %l %u %t "%r" %>s %b');
    const r = ok(f.parse(`1.2.3.4 - - [25/Nov/2026:15:20:01 +0000] "GET http://example.com:8080/x?y=1 HTTP/1.1" 301 0`, 0, 1));
    expect(r).toMatchObject({ host: 'example.com:8080', target: '/x?y=1', scheme: 'http' });
  });

  it('says why a line does not fit, without throwing', () => {
    const f = compileLogFormat('c', '%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i"');
    // Line 8899 of the elastic sample is cut in the middle of the User-Agent.
    expect(f.parse(elastic[8898]!, 0, 8899)).toBe('line ended before the user agent field');
    expect(f.parse('2021/12/01 13:53:33 [error] 31#31: *46 open() failed', 0, 1)).toBe('line ended before the time field');
    expect(f.parse(`1.2.3.4 - - [25/Nov/2026:15:20:01 +0000] "GET / HTTP/1.1" abc 0 "-" "-"`, 0, 1)).toBe('bad status "abc"');
  });

  it('rejects format strings it cannot parse with a clear error', () => {
    expect(() => compileLogFormat('x', '$remote_addr$status $request')).toThrow(/followed directly by \$status/);
    expect(() => compileLogFormat('x', '$remote_addr $request')).toThrow(/no status field/);
    expect(() => compileLogFormat('x', 'plain text')).toThrow(AuditError);
  });

  it('accepts the nginx config syntax with quoted parts', () => {
    const f = compileLogFormat('q', `'$remote_addr - $remote_user [$time_local] "$request" '\n    '$status $body_bytes_sent'`);
    const r = ok(f.parse(`1.2.3.4 - - [25/Nov/2026:15:20:01 +0000] "GET / HTTP/1.1" 302 0`, 0, 1));
    expect(r.status).toBe(302);
  });
});

describe('format detection', () => {
  it('recognises the real Apache log as combined', () => {
    expect(detectLineFormat(elastic.slice(0, 100))?.format.name).toBe('combined');
  });
  it('recognises common and vhost variants', () => {
    const common = elastic.slice(0, 50).map((l) => l.replace(/ "[^"]*" "[^"]*"$/, ''));
    expect(detectLineFormat(common)?.format.name).toBe('common');
    const vhost = readFileSync(`${SHARED}crowdsecurity__hub__.tests__nginx_http-logs__nginx_http-logs.log`, 'utf8').split('\n').slice(3, 5);
    expect(detectLineFormat(vhost)?.format.name).toBe('vhost-combined');
  });
  it('finds nothing in lines that are no access log', () => {
    expect(detectLineFormat(['hello world', '2021/12/01 13:53:33 [error] 31#31: *46 open() failed'])).toBeNull();
  });
});
