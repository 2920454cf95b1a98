/**
 * The text formats: AWS ALB, CloudFront and IIS (W3C, columns from `#Fields`), HAProxy httplog. ALB, CloudFront
 * and IIS have no permissively licensed real sample with redirects, so their fixtures hold the examples of the
 * vendors' documentation plus lines built in the same layout (see fixtures/formats/PROVENANCE.md).
 */
import { describe, expect, it } from 'vitest';
import { albFormat } from '../parsers/alb.js';
import { cloudfrontFormat } from '../parsers/cloudfront.js';
import { haproxyFormat } from '../parsers/haproxy.js';
import { iisFormat } from '../parsers/iis.js';
import { SHARED, FIXTURES, lines, ok, parseAll, iso } from './helpers.js';






describe('alb: AWS ALB access log', () => {
  // The first 7 lines are the examples of "Access logs for your Application Load Balancer", section "Examples"
  // (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-access-logs.html), each
  // joined on one line; the last 3 are built in that layout.
  const { records, skipped } = parseAll(albFormat(), `${FIXTURES}alb.log`);

  it('reads every documented example: client, request URL, status, processing times', () => {
    expect(skipped.size).toBe(0);
    expect(records).toHaveLength(10);
    expect(records[0]).toMatchObject({
      address: '192.168.131.39',
      method: 'GET',
      scheme: 'http',
      host: 'www.example.com',
      target: '/',
      status: 200,
      userAgent: 'curl/7.46.0',
      duration: 1,
      location: null,
      locationLogged: false, // forwarded to a target: its Location is not logged
      bodySize: null, // received_bytes includes the headers
    });
    expect(iso(records[0]!.time)).toBe('2018-07-02T22:23:00.186Z');
    expect(records[1]).toMatchObject({ scheme: 'https', host: 'www.example.com', duration: 171 });
    expect(records[3]).toMatchObject({ status: 101, userAgent: null });
    expect(records[6]).toMatchObject({ status: 502 });
  });

  it('takes the Location of the load balancer\'s own redirect action from redirect_url', () => {
    // The documentation's HTTP/2 example: actions_executed "redirect" (with an odd status 200).
    expect(records[2]).toMatchObject({ host: '10.0.2.105:773', location: 'https://example.com:80/', locationLogged: true });
    expect(records[7]).toMatchObject({
      method: 'POST',
      scheme: 'http',
      target: '/orders?src=x',
      status: 301,
      location: 'https://www.example.com:443/orders?src=x',
      locationLogged: true,
    });
    expect(records[8]).toMatchObject({ method: 'GET', scheme: 'https', target: '/orders?src=x', status: 200 });
  });

  it('reads elb_status_code by position: in "504 - 125 308" the 308 is sent_bytes', () => {
    expect(records[9]).toMatchObject({ status: 504, duration: null, target: '/slow' });
  });

  it('reads Classic ELB lines too (no type field first)', () => {
    const classic =
      '2015-05-13T23:39:43.945958Z my-loadbalancer 192.168.131.39:2817 10.0.0.1:80 0.000073 0.001048 0.000057 200 200 0 29 "GET http://www.example.com:80/ HTTP/1.1" "curl/7.38.0" - -';
    expect(ok(albFormat().parse(classic, 0, 1))).toMatchObject({ address: '192.168.131.39', status: 200, target: '/', userAgent: 'curl/7.38.0' });
    expect(albFormat().parse('127.0.0.1 - - [25/Nov/2026:15:19:15 +0000] "GET / HTTP/1.1" 200 3', 0, 1)).toMatch(/^not an ALB log line/);
  });
});

describe('cloudfront: CloudFront standard log (W3C, tab-separated)', () => {
  // Lines 1-8: the example log file of the CloudFront Developer Guide, "Standard log file format"
  // (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/standard-logs-reference.html);
  // after the #Remark, lines built in the same layout.
  const { records, skipped } = parseAll(cloudfrontFormat(), `${FIXTURES}cloudfront.log`);

  it('reads the columns named by #Fields and answers directive lines with a W3C header reason', () => {
    expect(skipped.get(1)).toBe('W3C header (#Version)');
    expect(skipped.get(2)).toBe('W3C header (#Fields)');
    expect(skipped.get(9)).toBe('W3C header (#Remark)');
    expect(skipped.get(12)).toBe('status 000: the viewer closed the connection before a response');
    expect(skipped.size).toBe(4);
    expect(records).toHaveLength(8);
    expect(records[0]).toMatchObject({
      address: '192.0.2.100',
      method: 'GET',
      target: '/index.html',
      status: 200,
      host: 'd111111abcdef8.cloudfront.net',
      scheme: 'https',
      duration: 1,
      userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/78.0.3904.108 Safari/537.36',
      locationLogged: false,
    });
    expect(iso(records[0]!.time)).toBe('2019-12-04T21:02:31.000Z');
    expect(records[3]).toMatchObject({ target: '/favicon.ico', status: 502, referer: 'http://www.example.com/', host: 'www.example.com', scheme: 'http' });
    expect(records[5]).toMatchObject({ userAgent: 'curl/7.55.1' });
    expect(records[6]).toMatchObject({ target: '/docs?lang=en', status: 301, scheme: 'http' });
    expect(records[7]).toMatchObject({ target: '/docs?lang=en', status: 200, scheme: 'https', forwardedFor: '203.0.113.9' });
  });

  it('keeps header state per instance: a new instance knows no columns, and IIS refuses CloudFront\'s #Fields', () => {
    const dataLine = lines(`${FIXTURES}cloudfront.log`)[2]!;
    expect(cloudfrontFormat().parse(dataLine, 0, 3)).toBe('no #Fields header before this line');
    const iis = parseAll(iisFormat(), `${FIXTURES}cloudfront.log`);
    expect(iis.records).toHaveLength(0);
    expect(iis.skipped.get(3)).toBe("the #Fields line is CloudFront's, not IIS's");
  });
});

describe('iis: IIS W3C extended log (space-separated)', () => {
  // Built on the default IIS field list (learn.microsoft.com, IIS <logFile> "logExtFileFlags") and, for the
  // second block, the W3C logging example of learn.microsoft.com/windows/win32/http/w3c-logging (time only).
  const { records, skipped } = parseAll(iisFormat(), `${FIXTURES}iis.log`);

  it('reads the records, `+` as space in cs(User-Agent), time-taken in ms', () => {
    expect(records).toHaveLength(7);
    expect([...skipped.values()].every((r) => r.startsWith('W3C header'))).toBe(true);
    expect(records[1]).toMatchObject({
      address: '203.0.113.50',
      method: 'POST',
      target: '/Account/Login?ReturnUrl=%2FOrders',
      status: 302,
      userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 Safari/537.36',
      referer: 'https://shop.example.com/Account/Login',
      duration: 125,
      locationLogged: false,
    });
    expect(iso(records[1]!.time)).toBe('2024-03-17T08:01:21.000Z');
    expect(records[2]).toMatchObject({ method: 'GET', target: '/Orders', status: 200 });
  });

  it('follows a new #Fields block mid-file, taking the date from #Date when records have only a time', () => {
    expect(records[5]).toMatchObject({ address: '172.16.255.255', method: 'GET', target: '/default.htm', status: 200, userAgent: null, duration: null });
    expect(iso(records[5]!.time)).toBe('2024-03-18T00:00:07.000Z');
  });
});

describe('haproxy: HAProxy option httplog in syslog', () => {
  const file = `${SHARED}tstack__lnav__test__logfile_haproxy.0`;

  it('reads the 13 requests of the real lnav sample; start-up and SSL lines are skipped with reasons', () => {
    const { records, skipped } = parseAll(haproxyFormat(), file);
    expect(records).toHaveLength(13);
    expect(skipped.get(1)).toBe('HAProxy message, not a request: Proxy prod_http_in started.');
    expect(skipped.get(14)).toBe('HAProxy connection error: SSL handshake failure');
    expect(skipped.size).toBe(4);
    expect(records[0]).toMatchObject({
      address: '141.35.244.171', // the port is per connection: not part of the client
      method: 'GET',
      target: '/admin/colt/administration?survey=130&input_stats=1&ajax=1&&ajax=1&refresh=1&ihandle=1',
      status: 200,
      duration: 1487,
      userAgent: null, // the {...} captures are unnamed without the config
      location: null,
      locationLogged: false,
    });
    expect(iso(records[0]!.time)).toBe('2019-02-25T16:19:48.143Z');
    expect(records.filter((r) => r.method === 'POST')).toHaveLength(3);
  });

  it('names the captured headers when told the `capture request/response header` config', () => {
    const f = haproxyFormat({ requestCaptures: ['User-Agent'], responseCaptures: ['Location'] });
    const r = ok(f.parse(lines(file)[3]!, 0, 4));
    expect(r).toMatchObject({
      userAgent: 'Mozilla/5.0 (Windows NT 6.1; Win64; x64; rv:65.0) Gecko/20100101 Firefox/65.0',
      location: null,
      locationLogged: true,
    });
    // The example of the HAProxy manual, section 8.2.3 "HTTP log format" ({1wt.eu} is a captured Host).
    const doc =
      'Feb  6 12:14:14 localhost haproxy[14389]: 10.0.1.2:33317 [06/Feb/2009:12:14:14.655] http-in static/srv1 10/0/30/69/109 200 2750 - - ---- 1/1/1/1/0 0/0 {1wt.eu} {} "GET /index.html HTTP/1.1"';
    const d = ok(haproxyFormat({ requestCaptures: ['Host'] }).parse(doc, 0, 1));
    expect(d).toMatchObject({ address: '10.0.1.2', host: '1wt.eu', target: '/index.html', status: 200, duration: 109 });
    expect(iso(d.time)).toBe('2009-02-06T12:14:14.655Z');
    const built =
      'Mar  1 10:00:00 lb haproxy[99]: 192.0.2.5:40000 [01/Mar/2024:10:00:00.120] fe be/app1 0/0/1/3/4 303 120 - - ---- 1/1/0/0/0 0/0 {app.example|curl/8.5.0} {/done} "POST /form HTTP/1.1"';
    const three = haproxyFormat({ requestCaptures: ['Host', 'User-Agent'], responseCaptures: ['Location'] });
    expect(ok(three.parse(built, 0, 1))).toMatchObject({ host: 'app.example', userAgent: 'curl/8.5.0', status: 303, location: '/done', locationLogged: true });
  });

  it('keeps bad requests as records and skips lines without a response', () => {
    const f = haproxyFormat();
    const bad =
      'Feb  6 12:14:15 localhost haproxy[14389]: 10.0.1.2:33320 [06/Feb/2009:12:14:15.000] http-in http-in/<NOSRV> -1/-1/-1/-1/0 400 187 - - PR-- 1/1/0/0/0 0/0 "<BADREQ>"';
    expect(ok(f.parse(bad, 0, 1))).toMatchObject({ status: 400, method: '-', target: '<BADREQ>', duration: 0 });
    const aborted =
      'Feb  6 12:14:16 localhost haproxy[14389]: 10.0.1.2:33321 [06/Feb/2009:12:14:16.000] http-in static/srv1 5/0/0/-1/+5 -1 0 - - CD-- 1/1/0/0/0 0/0 "GET /x HTTP/1.1"';
    expect(f.parse(aborted, 0, 1)).toBe('status -1: no response (the connection was aborted)');
  });
});
