/**
 * The JSON-lines formats (nginx-json and its field map, Caddy, Traefik, Envoy, pino-http, GitLab) on real samples
 * and on fixtures built from each project's documentation, and the detector over every sample and fixture.
 * The text formats (ALB, CloudFront, IIS, HAProxy) are in formats-text.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { AuditError } from '../core/errors.js';
import type { HttpRecord } from '../core/model.js';
import { openSource } from '../src/source.js';
import { caddyFormat } from '../parsers/caddy.js';
import { envoyFormat } from '../parsers/envoy.js';
import { gitlabFormat } from '../parsers/gitlab.js';
import { detectLineFormat, lineFormats } from '../parsers/index.js';
import { jsonLinesFormat, jsonObjectStart, parseFieldOptions, parseJsonLine } from '../parsers/json-lines.js';
import { compileLogFormat } from '../parsers/log-format.js';
import { pinoHttpFormat } from '../parsers/pino-http.js';
import { traefikFormat } from '../parsers/traefik.js';
import { SHARED, FIXTURES, lines, ok, parseAll, iso } from './helpers.js';

const SAMPLES = new URL('../samples/', import.meta.url).pathname;





describe('nginx-json: nginx log_format escape=json', () => {
  const FULL =
    '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" "$http_x_forwarded_for" $request_time $msec "$sent_http_location" $content_length $request_length $host';

  it('gives the same records as the `full` text format on the same real traffic (samples/capture-*.log)', () => {
    const json = lines(`${SAMPLES}capture-json.log`);
    const text = lines(`${SAMPLES}capture-full.log`);
    expect(json.length).toBe(text.length);
    expect(json.length).toBeGreaterThan(800);
    const nj = jsonLinesFormat();
    const full = compileLogFormat('full', FULL);
    const ambiguous = new Set<string>();
    for (let i = 0; i < json.length; i++) {
      const a = ok(nj.parse(json[i]!, 0, i + 1));
      const b = ok(full.parse(text[i]!, 0, i + 1));
      const where = `line ${i + 1}`;
      expect({ ...pick(a), time: Math.round(a.time) }, where).toEqual({ ...pick(b), time: Math.round(b.time) });
      if (a.locationLogged) {
        expect([a.location, a.locationLogged], where).toEqual([b.location, b.locationLogged]);
      } else {
        // escape=json writes "" for a missing header and for an empty one alike ("-" and `""` in the text log):
        // on a redirect the JSON line cannot say which, so its Location is unknown rather than absent.
        expect(json[i], where).toContain('"sent_http_location":""');
        expect([b.location === null || b.location === '', b.status >= 300 && b.status < 400], where).toEqual([true, true]);
        ambiguous.add(b.target);
      }
    }
    // Only the two routes built to send no Location and an empty one.
    expect([...ambiguous].sort()).toEqual(['/bad/empty-location', '/bad/no-location']);
  });

  function pick(r: HttpRecord) {
    const { method, target, status, address, userAgent, bodySize, host, referer, forwardedFor, duration } = r;
    return { method, target, status, address, userAgent, bodySize, host, referer, forwardedFor, duration };
  }

  it('reads content_length as the body size ("" or "-" is no body) and never request_length', () => {
    const nj = jsonLinesFormat();
    const base = '"remote_addr":"10.0.0.1","request":"POST /f HTTP/1.1","status":307,"request_length":412';
    expect(ok(nj.parse(`{${base},"content_length":"16"}`, 0, 1)).bodySize).toBe(16);
    expect(ok(nj.parse(`{${base},"content_length":""}`, 0, 1)).bodySize).toBe(0);
    expect(ok(nj.parse(`{${base},"content_length":"-"}`, 0, 1)).bodySize).toBe(0);
    expect(ok(nj.parse(`{${base}}`, 0, 1)).bodySize).toBeNull();
  });

  it('takes method and URI fields when there is no request line, and the usual time fields', () => {
    const nj = jsonLinesFormat();
    const r = ok(
      nj.parse(
        '{"ip":"10.0.0.2","method":"PUT","uri":"/a","args":"x=1","status":"308","ua":"got/14","time_local":"25/Nov/2026:15:19:15 +0100","location":"/a/","request_time":"0.005"}',
        0,
        1,
      ),
    );
    expect(r).toMatchObject({ address: '10.0.0.2', method: 'PUT', target: '/a?x=1', status: 308, userAgent: 'got/14', location: '/a/', locationLogged: true });
    expect(iso(r.time)).toBe('2026-11-25T14:19:15.000Z');
    expect(r.duration).toBeCloseTo(5);
    expect(iso(ok(nj.parse('{"request":"GET / HTTP/1.1","status":200,"ts":1764083955123}', 0, 1)).time)).toBe('2025-11-25T15:19:15.123Z');
    expect(iso(ok(nj.parse('{"request":"GET / HTTP/1.1","status":200,"timestamp":"2026-11-25T15:19:15.5Z"}', 0, 1)).time)).toBe(
      '2026-11-25T15:19:15.500Z',
    );
  });

  it('rejects lines that hold no JSON object at once, and says why', () => {
    const nj = jsonLinesFormat();
    expect(nj.parse('127.0.0.1 - - [25/Nov/2026:15:19:15 +0000] "GET / HTTP/1.1" 200 3 "-" "curl/8"', 0, 1)).toBe('not a JSON object');
    expect(nj.parse('{"status":200, "request":"GET /', 0, 1)).toBe('JSON object not closed on this line');
    expect(nj.parse('{"status":200,,}', 0, 1)).toBe('malformed JSON');
    expect(nj.parse('{"request":"GET / HTTP/1.1"}', 0, 1)).toBe('no status field');
    expect(nj.parse('{"request":"GET / HTTP/1.1","status":"abc"}', 0, 1)).toBe('bad status "abc"');
    expect(nj.parse('{"status":200}', 0, 1)).toBe('no request line or URI field');
  });

  it('maps fields to paths with --field (nested paths, keys with dots, array elements, duration units)', () => {
    const f = jsonLinesFormat(
      parseFieldOptions([
        'address=meta.remote_ip',
        'userAgent=req.headers.user-agent',
        'status=res.code',
        'location=res.headers.Location.0',
        'duration=took:ms',
        'bodySize=req.headers.content-length',
      ]),
    );
    expect(f.name).toBe('json-lines');
    const r = ok(
      f.parse(
        '{"meta.remote_ip":"192.0.2.1","request":"POST /x HTTP/1.1","req":{"headers":{"user-agent":"httpx/0.27","content-length":"9"}},"res":{"code":303,"headers":{"Location":["/y"]}},"took":12}',
        0,
        1,
      ),
    );
    expect(r).toMatchObject({ address: '192.0.2.1', userAgent: 'httpx/0.27', status: 303, location: '/y', locationLogged: true, duration: 12, bodySize: 9 });
    expect(() => parseFieldOptions(['agent=ua'])).toThrow(AuditError);
    expect(() => parseFieldOptions(['userAgent'])).toThrow(/expected name=path/);
    expect(() => parseFieldOptions(['duration=t:min'])).toThrow(/unknown unit/);
  });
});

describe('JSON line prefixes', () => {
  it('finds the object after a docker compose, syslog or kubectl prefix, with or without colours', () => {
    expect(jsonObjectStart('{"a":1}')).toBe(0);
    expect(jsonObjectStart('  {"a":1}')).toBe(2);
    expect(jsonObjectStart('caddy  | {"a":1}')).toBe(9);
    expect(jsonObjectStart('web-1  | {"a":1}')).toBe(9);
    expect(jsonObjectStart('\u001b[36mcaddy  |\u001b[0m {"a":1}')).toBe(18);
    expect(jsonObjectStart('Nov 25 15:19:15 host nginx: {"a":1}')).toBe(28);
    expect(jsonObjectStart('[pod/web-7d9/nginx] {"a":1}')).toBe(20);
    // Not a prefix: text that happens to contain a brace.
    expect(jsonObjectStart('10.0.0.1 - - [25/Nov/2026] "GET /{id} HTTP/1.1" 200')).toBe(-1);
    expect(parseJsonLine('caddy  | {"a":1}')).toEqual({ a: 1 });
  });
});

describe('caddy: Caddy v2 JSON access log', () => {
  const file = `${SHARED}tstack__lnav__test__logfile_caddy_log.0`;

  it('reads the 4 access entries of the real docker compose capture and skips the 35 runtime lines with a reason', () => {
    const { records, skipped } = parseAll(caddyFormat(), file);
    expect(records.map((r) => [r.line, r.method, r.target, r.status])).toEqual([
      [16, 'GET', '/', 304],
      [37, 'GET', '/', 304],
      [38, 'GET', '/', 304],
      [39, 'GET', '/index.html', 200],
    ]);
    const r = records[0]!;
    expect(r).toMatchObject({
      address: '172.19.0.1',
      host: 'localhost',
      scheme: 'http',
      userAgent: 'Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:142.0) Gecko/20100101 Firefox/142.0',
      location: null,
      locationLogged: true, // resp_headers is logged whole: no Location means none was sent
      bodySize: 0, // no Content-Length or Transfer-Encoding header
      forwardedFor: null,
    });
    expect(iso(r.time)).toBe('2025-10-21T04:10:28.615Z');
    expect(r.duration).toBeCloseTo(1.674508, 5);
    expect(skipped.size).toBe(35);
    expect(skipped.get(1)).toMatch(/^not an access log entry: maxprocs: Leaving GOMAXPROCS=12/);
    expect(skipped.get(8)).toMatch(/^not an access log entry \(logger tls\.cache\.maintenance/);
  });

  it('takes the body size from Content-Length, not bytes_read (a redirect handler never reads the body)', () => {
    const line =
      '{"level":"info","ts":1714557600.5,"logger":"http.log.access.log0","msg":"handled request","request":{"remote_ip":"10.0.0.1","remote_port":"5000","client_ip":"203.0.113.5","proto":"HTTP/2.0","method":"POST","host":"example.com","uri":"/old?x=1","headers":{"User-Agent":["curl/8.5.0"],"Content-Length":["16"],"X-Forwarded-For":["203.0.113.5"]},"tls":{"resumed":false,"version":772}},"bytes_read":0,"user_id":"","duration":0.0001,"size":0,"status":308,"resp_headers":{"Server":["Caddy"],"Location":["https://example.com/new?x=1"]}}';
    expect(ok(caddyFormat().parse(line, 0, 1))).toMatchObject({
      address: '203.0.113.5',
      method: 'POST',
      target: '/old?x=1',
      scheme: 'https',
      status: 308,
      bodySize: 16,
      location: 'https://example.com/new?x=1',
      forwardedFor: '203.0.113.5',
    });
  });
});

describe('traefik: Traefik JSON access log (fixture built from doc.traefik.io "Access Logs")', () => {
  it('reads requests, headers kept with accessLog.fields.headers, and skips Traefik\'s own log lines', () => {
    const { records, skipped } = parseAll(traefikFormat(), `${FIXTURES}traefik.log`);
    expect(skipped).toEqual(new Map([[1, 'not a Traefik access log entry (no RequestMethod)']]));
    expect(records.map((r) => [r.method, r.target, r.status, r.location, r.locationLogged, r.bodySize])).toEqual([
      ['POST', '/form', 303, '/done', true, 16],
      ['GET', '/done', 200, null, true, 0],
      ['POST', '/api/items?x=1', 307, 'https://app.example.com/api/v2/items?x=1', true, 27],
      ['GET', '/api/v2/items?x=1', 200, null, true, 0],
      ['GET', '/ping', 200, null, false, 0], // no headers kept: the Location is unknown
    ]);
    expect(records[0]).toMatchObject({ address: '10.0.0.2', host: 'app.example.com', scheme: 'https', userAgent: 'curl/8.5.0' });
    expect(records[2]).toMatchObject({ address: '10.0.0.3', forwardedFor: '198.51.100.20', userAgent: 'needle/3.3.1' });
    expect(iso(records[0]!.time)).toBe('2024-05-01T10:00:01.100Z');
    expect(records[0]!.duration).toBe(2.5);
  });
});

describe('envoy: Envoy JSON access log (fixture with the default format\'s fields, envoyproxy.io "Access logging")', () => {
  it('reads the default fields; response_code 0 (no response) is skipped with the flags', () => {
    const { records, skipped } = parseAll(envoyFormat(), `${FIXTURES}envoy.log`);
    expect(skipped).toEqual(new Map([[6, 'response_code 0: no response was sent (response_flags DC)']]));
    expect(records.map((r) => [r.address, r.method, r.target, r.status, r.bodySize, r.location])).toEqual([
      ['10.0.0.9', 'POST', '/upload', 307, 2048, '/v2/upload'],
      ['10.0.0.9', 'POST', '/v2/upload', 201, 2048, null],
      ['10.0.0.1', 'GET', '/healthz', 200, 0, null],
      ['2001:db8::7', 'PUT', '/doc/7', 308, 512, '/doc/7/'],
      ['2001:db8::7', 'GET', '/doc/7/', 200, 0, null],
    ]);
    expect(records[3]).toMatchObject({ host: 'app.example.com', userAgent: 'python-requests/2.31.0', forwardedFor: '203.0.113.77', duration: 2 });
    expect(records[1]!.locationLogged).toBe(false); // this config logs %RESP(LOCATION)% only on some lines
    expect(iso(records[0]!.time)).toBe('2024-05-01T10:00:00.123Z');
  });
});

describe('pino-http: Node request logs (fixture: pino-http README example plus built lines)', () => {
  it('reads req/res with headers and skips the application\'s other log lines', () => {
    const { records, skipped } = parseAll(pinoHttpFormat(), `${FIXTURES}pino-http.log`);
    expect([...skipped.keys()]).toEqual([2, 7]);
    expect(skipped.get(2)).toBe('not a request log (msg "Server listening at http://0.0.0.0:3000")');
    expect(records[0]).toMatchObject({ address: '::1', method: 'GET', target: '/', status: 200, host: 'localhost:3000', userAgent: 'curl/7.43.0', bodySize: 0, duration: 2 });
    expect(iso(records[0]!.time)).toBe('2018-07-09T21:17:54.631Z');
    expect(records[1]).toMatchObject({ method: 'POST', target: '/login?next=%2Fhome', status: 303, location: '/home', bodySize: 27, cacheControl: 'no-store', referer: 'https://api.example.com/login' });
    expect(records[3]).toMatchObject({ method: 'PUT', status: 308, location: '/files/1/', forwardedFor: '198.51.100.4' });
  });
});

describe('gitlab: GitLab production_json.log (real sample from crowdsecurity/hub)', () => {
  const file = `${SHARED}crowdsecurity__hub__.tests__gitlab-bf__gitlab-bf.log`;

  it('reads the POST → 302 with its logged Location; status 0 lines are skipped with a reason', () => {
    const { records, skipped } = parseAll(gitlabFormat(), file);
    expect(records).toHaveLength(8);
    expect(skipped.size).toBe(10);
    expect([...skipped.values()][0]).toMatch(/^status 0: the request ended without a response/);
    const redirects = records.filter((r) => r.status === 302);
    expect(redirects).toHaveLength(6);
    expect(redirects[0]).toMatchObject({
      address: '1.0.0.1',
      method: 'POST',
      target: '/users/auth/ldapmain/callback',
      location: 'https://gitlab.***/users/sign_in',
      locationLogged: true,
      host: null,
      bodySize: null,
    });
    expect(iso(redirects[0]!.time)).toBe('2025-05-22T04:26:59.791Z');
    expect(redirects[0]!.duration).toBeCloseTo(42.34);
    // A 200 without `location`: lograge adds it only after redirect_to, so nothing is known.
    expect(records.find((r) => r.status === 200)).toMatchObject({ locationLogged: false, location: null });
  });
});

describe('format detection', () => {
  const cases: [string, string][] = [
    [`${SHARED}tstack__lnav__test__logfile_caddy_log.0`, 'caddy'],
    [`${SHARED}tstack__lnav__test__logfile_haproxy.0`, 'haproxy'],
    [`${SHARED}crowdsecurity__hub__.tests__gitlab-bf__gitlab-bf.log`, 'gitlab'],
    [`${SHARED}elastic__examples__Common_Data_Formats__apache_logs__apache_logs`, 'combined'],
    [`${SAMPLES}capture-combined.log`, 'combined'],
    [`${SAMPLES}capture-json.log`, 'nginx-json'],
    [`${FIXTURES}alb.log`, 'alb'],
    [`${FIXTURES}cloudfront.log`, 'cloudfront'],
    [`${FIXTURES}iis.log`, 'iis'],
    [`${FIXTURES}traefik.log`, 'traefik'],
    [`${FIXTURES}envoy.log`, 'envoy'],
    [`${FIXTURES}pino-http.log`, 'pino-http'],
  ];

  it.each(cases)('%s is detected as %s', (path, name) => {
    expect(detectLineFormat(lines(path).slice(0, 100), lineFormats())?.format.name).toBe(name);
  });

  it.each(cases)('%s: read through openSource, every line is a record or a counted skip', async (path, name) => {
    const src = await openSource(path, 0);
    let records = 0;
    for await (const batch of src.batches) records += batch.length;
    expect(src.stats.format).toBe(name);
    expect(src.stats.records).toBe(records);
    expect(src.stats.records + src.stats.skipped).toBe(src.stats.linesRead);
    expect(records).toBeGreaterThan(0);
  });

  it('each new format rejects the lines of the other new formats (nginx-json also reads GitLab lines: ties go to gitlab)', () => {
    const files = [
      ...cases.slice(0, 3).map(([p]) => p),
      `${SAMPLES}capture-json.log`,
      ...['alb', 'cloudfront', 'iis', 'traefik', 'envoy', 'pino-http'].map((n) => `${FIXTURES}${n}.log`),
    ];
    const own = ['caddy', 'haproxy', 'gitlab', 'nginx-json', 'alb', 'cloudfront', 'iis', 'traefik', 'envoy', 'pino-http'];
    const crossings: string[] = [];
    for (const format of lineFormats().filter((f) => own.includes(f.name))) {
      files.forEach((path, k) => {
        if (own[k] === format.name) return;
        lines(path).forEach((l, i) => {
          if (typeof format.parse(l, 0, i + 1) !== 'string') crossings.push(`${format.name} read ${own[k]} line ${i + 1}`);
        });
      });
    }
    expect(new Set(crossings.map((c) => c.replace(/ line \d+$/, '')))).toEqual(new Set(['nginx-json read gitlab']));
  });

  it('no format throws, whatever the line', () => {
    const junk = ['', '{', '}', '{}', '[]', 'null', '{"request":null,"status":null}', '#Fields:', '#Fields: date', '"', ' [', '\u0000\uFFFD', 'a'.repeat(5000)];
    const all = [...junk, ...cases.flatMap(([p]) => lines(p).slice(0, 30).map((l) => l.slice(0, Math.floor(l.length / 2))))];
    for (const f of lineFormats()) for (const l of all) expect(() => f.parse(l, 0, 1)).not.toThrow();
  });
});
