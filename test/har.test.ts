/**
 * The streaming HAR parser: what each real exporter's HAR becomes (counts, redirects, locations, POST bodies,
 * clients), the exporter quirks it must survive, random chunking, truncated and non-HAR input, and the counters.
 * Fixtures are the real HAR files listed in test/fixtures/har/PROVENANCE.md (the larger ones gzipped).
 */
import { existsSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { looksLikeHar, parseHar } from '../parsers/har.js';
import { AuditError } from '../core/errors.js';
import { isRedirect, type HttpRecord, type InputStats } from '../core/model.js';
import { mulberry32 as random } from '../bench/prng.js';

// ---------------------------------------------------------------------------------------------------------------
// Helpers

const FILES = {
  arcelormittal: 'sitespeedio__pagexray__test__files__redirect__arcelormittal.com.har',
  mousel: 'sitespeedio__pagexray__test__files__redirect__mousel.lu.har',
  mytoys: 'sitespeedio__pagexray__test__files__redirect__redirect-and-redirect-back.har',
  etat: 'sitespeedio__pagexray__test__files__redirect__www.etat.lu.har',
  frontend: 'sitespeedio__pagexray__test__files__redirect__frontendredirect.har',
  nytimes: 'sitespeedio__pagexray__test__files__www.nytimes.com.har',
  linkedin: 'sitespeedio__pagexray__test__files__contentTypes__linkedin.har',
  headerSize2: 'sitespeedio__coach-core__test__har__files__headerSize2.har',
  theverge: 'sitespeedio__sitespeed.io__test__fixtures__www-theverge-com.har',
  playwright: 'microsoft__playwright__tests__assets__har-redirect.har',
  chrome61: 'gatling__gatling__gatling-recorder__src__test__resources__har__chrome61__redirect-post.har',
  firefox56: 'gatling__gatling__gatling-recorder__src__test__resources__har__firefox56__redirect-post.har',
  charles42: 'gatling__gatling__gatling-recorder__src__test__resources__har__charles42__redirect-post.har',
  iana: 'webrecorder__har2warc__test__data__example.har',
  http2github: 'webrecorder__har2warc__test__data__http2.github.io.har',
  fiddler: 'janodvarko__harviewer__selenium__tests__hars__noPages.har',
  bom: 'mitmproxy__mitmproxy__test__mitmproxy__data__har_files__with-bom.har',
} as const;
type Fixture = keyof typeof FILES;

const FIXTURES = new URL('./fixtures/har/', import.meta.url);
const cache = new Map<Fixture, Buffer>();

/** The original bytes of a fixture (gunzipped when stored as .gz). */
function fixture(name: Fixture): Buffer {
  let buf = cache.get(name);
  if (!buf) {
    const plain = new URL(FILES[name], FIXTURES);
    buf = existsSync(plain) ? readFileSync(plain) : gunzipSync(readFileSync(new URL(`${FILES[name]}.gz`, FIXTURES)));
    cache.set(name, buf);
  }
  return buf;
}

function newStats(name = 'test.har'): InputStats {
  return { name, format: 'har', linesRead: 0, records: 0, skipped: 0, bytes: 0, skippedExamples: [] };
}


/** Chunk sizes from 1 byte to 64 KB, log-uniform so that small chunks (and so many edges) are common. */
function randomSizes(seed: number): () => number {
  const rnd = random(seed);
  return () => Math.max(1, Math.floor(Math.exp(rnd() * Math.log(64 * 1024))));
}

async function* chunked(buf: Buffer, size: number | (() => number) = buf.length || 1): AsyncGenerator<Buffer> {
  for (let i = 0; i < buf.length; ) {
    const n = typeof size === 'number' ? size : size();
    yield buf.subarray(i, i + n);
    i += n;
  }
}

interface Run {
  records: HttpRecord[];
  batches: number[];
  stats: InputStats;
  error: unknown;
}

async function run(input: Buffer | string, size?: number | (() => number), inputIndex = 0, name = 'test.har'): Promise<Run> {
  const buf = typeof input === 'string' ? Buffer.from(input) : input;
  const stats = newStats(name);
  const records: HttpRecord[] = [];
  const batches: number[] = [];
  let error: unknown = null;
  try {
    for await (const batch of parseHar(chunked(buf, size), inputIndex, stats)) {
      batches.push(batch.length);
      records.push(...batch);
    }
  } catch (e) {
    error = e;
  }
  return { records, batches, stats, error };
}

async function parseFixture(name: Fixture, size?: number | (() => number)): Promise<Run> {
  const r = await run(fixture(name), size, 3, FILES[name]);
  if (r.error) throw r.error;
  return r;
}

const redirects = (rs: HttpRecord[]) => rs.filter((r) => isRedirect(r.status) && !r.internal);
const clients = (rs: HttpRecord[]) => new Set(rs.map((r) => `${r.address}\u0000${r.userAgent ?? ''}`)).size;
const at = (rs: HttpRecord[], line: number) => rs.find((r) => r.line === line)!;

/** A HAR document from parts, in the key order given (to test `log` keys in any order). */
function harText(log: Record<string, unknown>, space?: number): string {
  return JSON.stringify({ log }, null, space);
}

function entry(over: {
  method?: string;
  url?: string;
  status?: number;
  statusText?: string;
  redirectURL?: string;
  reqHeaders?: [string, string][];
  resHeaders?: [string, string][];
  extra?: Record<string, unknown>;
}): Record<string, unknown> {
  return {
    startedDateTime: '2024-05-01T12:00:00.000Z',
    time: 10,
    request: {
      method: over.method ?? 'GET',
      url: over.url ?? 'https://example.com/',
      httpVersion: 'HTTP/1.1',
      headers: (over.reqHeaders ?? [['User-Agent', 'UA/1']]).map(([name, value]) => ({ name, value })),
      queryString: [],
      cookies: [],
      headersSize: -1,
      bodySize: 0,
    },
    response: {
      status: over.status ?? 200,
      statusText: over.statusText ?? 'OK',
      httpVersion: 'HTTP/1.1',
      headers: (over.resHeaders ?? []).map(([name, value]) => ({ name, value })),
      cookies: [],
      content: { size: 0, mimeType: 'text/html' },
      redirectURL: over.redirectURL ?? '',
      headersSize: -1,
      bodySize: 0,
    },
    cache: {},
    timings: { send: 0, wait: 10, receive: 0 },
    ...over.extra,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Real exporters

interface Expected {
  address: string;
  entries: number;
  /** 3xx other than 304, not browser-made. */
  redirects: number;
  internal: number;
  withLocation: number;
  clients: number;
  /** [line, method, bodySize] of every entry that is not a GET. */
  nonGet: [number, string, number | null][];
  /** [line, status, location]: at least one redirect per file, relative ones as sent. */
  locations: [number, number, string][];
}

const EXPECTED: Record<Fixture, Expected> = {
  arcelormittal: {
    address: 'har:chrome-har', entries: 40, redirects: 5, internal: 2, withLocation: 7, clients: 1, nonGet: [],
    locations: [
      [1, 301, 'https://www.arcelormittal.com/'],
      [2, 301, 'http://corporate.arcelormittal.com'], // https -> http downgrade
      [3, 302, 'http://corporate.arcelormittal.com/'], // a self-redirect
      [4, 302, 'http://m.corporate.arcelormittal.com/'],
    ],
  },
  mousel: {
    address: 'har:chrome-har', entries: 21, redirects: 1, internal: 2, withLocation: 3, clients: 1, nonGet: [],
    locations: [[1, 301, 'http://www.brasseriedeluxembourg.lu']],
  },
  mytoys: {
    address: 'har:chrome-har', entries: 50, redirects: 7, internal: 0, withLocation: 7, clients: 1, nonGet: [],
    locations: [
      [3, 302, 'https://checkout.mytoys.de/checkout/registration'],
      [35, 302, '/reach?tc_firsttime=1&tc_s=3806'],
      [42, 302, '/otto/1/info2?sType=sync&sExtCookieId=7ca29899-4661-4821-82e7-b03bb620c385&sInitiator=external'],
    ],
  },
  etat: {
    address: 'har:chrome-har', entries: 22, redirects: 2, internal: 0, withLocation: 2, clients: 1, nonGet: [],
    locations: [
      [1, 302, 'http://www.etat.public.lu'],
      [2, 302, 'http://www.etat.public.lu/fr/index.php'],
    ],
  },
  frontend: {
    address: 'har:Browsertime', entries: 12, redirects: 0, internal: 0, withLocation: 0, clients: 1,
    nonGet: [[4, 'POST', 83], [8, 'POST', 83], [12, 'POST', 83]],
    locations: [],
  },
  nytimes: {
    address: 'har:WebPagetest', entries: 328, redirects: 44, internal: 0, withLocation: 44, clients: 1,
    nonGet: [[175, 'OPTIONS', null]], // bodySize -1 and not GET/HEAD: unknown
    locations: [
      [201, 307, '/tap.php?cookie_redirect=1&v=13490&nid=2596&put=786792932447527911&expires=30&next='],
      [206, 302, '//sync.adaptv.advertising.com/sync?type=gif&key=rocketfuelinc&uid=786792932447527911'],
    ],
  },
  linkedin: {
    address: 'har:Firefox', entries: 23, redirects: 4, internal: 0, withLocation: 4, clients: 1,
    nonGet: [[14, 'POST', 332], [23, 'POST', 1206]],
    locations: [[17, 302, 'https://www.google.com/ads/ga-audiences?v=1&aip=1&t=sr&_r=4&tid=UA-62256447-1&cid=2071063948.1453756870&jid=544633371&_v=j39&z=934860611']],
  },
  headerSize2: {
    address: 'har:Firefox', entries: 354, redirects: 12, internal: 0, withLocation: 12, clients: 1, nonGet: [],
    locations: [[15, 301, 'http://www.interiordesignshow.com/wp-content/themes/idstoronto2016/']],
  },
  theverge: {
    address: 'har:Browsertime', entries: 244, redirects: 54, internal: 0, withLocation: 54, clients: 1,
    nonGet: [[75, 'POST', 2781], [77, 'POST', 484]],
    locations: [
      [89, 302, '/cfcm.ashx?providerId=1013&extMatch=1&rcode=1&ctst=1'],
      [118, 302, '//dsum.casalemedia.com/crum?cm_dsp_id=97&external_user_id=BI3MkDM17e8hB9TvWAJjGMRBjcHQ'],
      [189, 302, 'https://googleads.g.doubleclick.net/pagead/drt/si'],
    ],
  },
  playwright: {
    address: 'har:Playwright', entries: 3, redirects: 2, internal: 0, withLocation: 2, clients: 1, nonGet: [],
    locations: [
      [1, 301, 'http://www.theverge.com/'],
      [2, 301, 'https://www.theverge.com/'],
    ],
  },
  chrome61: {
    address: 'har:WebInspector', entries: 2, redirects: 1, internal: 0, withLocation: 1, clients: 1,
    nonGet: [[1, 'POST', 0]], // Chrome 61 wrote bodySize 0 and no postData for the redirected form POST
    locations: [[1, 303, '/computers']],
  },
  firefox56: {
    address: 'har:Firefox', entries: 2, redirects: 1, internal: 0, withLocation: 1, clients: 1,
    nonGet: [[1, 'POST', 56]],
    locations: [[1, 303, '/computers']],
  },
  charles42: {
    address: 'har:Charles Proxy', entries: 2, redirects: 1, internal: 0, withLocation: 1, clients: 1,
    nonGet: [[1, 'POST', 56]], // no postData.text: request.bodySize
    locations: [[1, 303, '/computers']],
  },
  iana: {
    address: 'har:WebInspector', entries: 13, redirects: 1, internal: 1, withLocation: 2, clients: 1, nonGet: [],
    locations: [[4, 302, 'https://www.iana.org/domains/reserved']],
  },
  http2github: {
    address: 'har:WebInspector', entries: 21, redirects: 1, internal: 0, withLocation: 1, clients: 1,
    nonGet: [[20, 'POST', 2950]], // request.bodySize says 0; postData.text has 2950 bytes
    locations: [[20, 302, 'https://platform.twitter.com/jot.html']],
  },
  fiddler: {
    address: 'har', // Fiddler writes "creator" after "entries"
    entries: 87, redirects: 1, internal: 0, withLocation: 1, clients: 1,
    nonGet: [[12, 'POST', 8340]],
    locations: [[14, 302, 'http://dm.demdex.net/demconf.jpg?et:3d%7cptag:18410%7c']],
  },
  bom: {
    address: 'har:WebInspector', entries: 1, redirects: 0, internal: 0, withLocation: 0, clients: 1,
    nonGet: [[1, 'POST', 1310]],
    locations: [],
  },
};

describe('real HAR files: one record per entry, in file order', () => {
  it.each(Object.keys(EXPECTED) as Fixture[])('%s', async (name) => {
    const want = EXPECTED[name];
    const { records, stats } = await parseFixture(name);
    const got = {
      address: records[0]?.address,
      entries: records.length,
      redirects: redirects(records).length,
      internal: records.filter((r) => r.internal).length,
      withLocation: records.filter((r) => r.location !== null).length,
      clients: clients(records),
      nonGet: records.filter((r) => r.method !== 'GET').map((r) => [r.line, r.method, r.bodySize]),
    };
    const { locations, ...counts } = want;
    expect(got).toEqual(counts);
    for (const [line, status, location] of locations) {
      expect([at(records, line).status, at(records, line).location]).toEqual([status, location]);
    }
    // Counters: every entry is a record here, and the bytes are all counted once.
    expect(stats).toMatchObject({ linesRead: want.entries, records: want.entries, skipped: 0, bytes: fixture(name).length });
    expect(records.map((r) => r.line)).toEqual(Array.from({ length: want.entries }, (_, i) => i + 1));
    expect(records.every((r) => r.input === 3 && r.locationLogged)).toBe(true);
    // A 3xx without a location would be a missing-location finding: none of these exporters drops it.
    expect(records.filter((r) => isRedirect(r.status) && r.location === null)).toEqual([]);
  });
});

describe('exporter quirks', () => {
  it('Browsertime writes redirectURL "" on every 3xx: the location comes from the Location header', async () => {
    const raw = JSON.parse(fixture('theverge').toString('utf8')) as { log: { entries: { response: { status: number; redirectURL: string } }[] } };
    const threeXx = raw.log.entries.filter((e) => isRedirect(e.response.status));
    expect(threeXx).toHaveLength(54);
    expect(threeXx.every((e) => e.response.redirectURL === '')).toBe(true);
    const { records } = await parseFixture('theverge');
    expect(redirects(records).every((r) => r.location !== null && r.location !== '')).toBe(true);
    expect(at(records, 42).location).toBe(
      'http://b.scorecardresearch.com/b2?c1=2&c2=7976662&ns__t=1451827126381&ns_c=UTF-8&c8=The%20Verge&c7=http%3A%2F%2Fwww.theverge.com%2F&c9=',
    );
  });

  it("Chrome's HSTS `307 Internal Redirect` is internal; the server's 302 after it is not", async () => {
    const { records } = await parseFixture('iana');
    expect(at(records, 3)).toMatchObject({
      status: 307,
      internal: true,
      scheme: 'http',
      host: 'www.iana.org',
      target: '/domains/example',
      location: 'https://www.iana.org/domains/example',
    });
    expect(at(records, 4)).toMatchObject({ status: 302, internal: false, scheme: 'https', location: 'https://www.iana.org/domains/reserved' });
    for (const name of ['arcelormittal', 'mousel'] as const) {
      const internal = (await parseFixture(name)).records.filter((r) => r.internal);
      expect(internal.map((r) => [r.status, r.scheme, r.host, r.target])).toEqual([
        [307, 'http', 'www.google-analytics.com', '/ga.js'],
        [307, 'http', 'www.google-analytics.com', expect.stringMatching(/^\/r\/__utm\.gif\?/)],
      ]);
    }
  });

  it('304 Not Modified is not a redirect (WebPagetest nytimes: three 304s, no location)', async () => {
    const { records } = await parseFixture('nytimes');
    const notModified = records.filter((r) => r.status === 304);
    expect(notModified).toHaveLength(3);
    expect(notModified.every((r) => r.location === null && !isRedirect(r.status))).toBe(true);
    expect(redirects(records).map((r) => r.status).sort()).toEqual([...Array(42).fill(302), 303, 307]);
  });

  it('a HAR starting with a UTF-8 BOM parses, even when the BOM is split across chunks', async () => {
    expect(fixture('bom').subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    for (const size of [undefined, 1, 2]) {
      const { records, stats, error } = await run(fixture('bom'), size);
      expect(error).toBeNull();
      expect(stats).toMatchObject({ linesRead: 1, records: 1, skipped: 0 });
      expect(redirects(records)).toEqual([]);
      expect(records[0]).toMatchObject({ method: 'POST', bodySize: 1310, status: 200 });
    }
  });

  it('Charles (no "pages") and Fiddler ("pages": [], "creator" after "entries") parse', async () => {
    expect(fixture('charles42').toString('utf8')).not.toContain('"pages"');
    const fiddlerText = fixture('fiddler').toString('utf8');
    expect(fiddlerText).toMatch(/"pages": ?\[\]/);
    expect(fiddlerText.indexOf('"creator"')).toBeGreaterThan(fiddlerText.indexOf('"entries"'));
    expect((await parseFixture('charles42')).records[0]).toMatchObject({ address: 'har:Charles Proxy', method: 'POST', status: 303 });
    expect((await parseFixture('fiddler')).records.every((r) => r.address === 'har')).toBe(true);
  });

  it('Firefox 56 writes "time": null: duration is unknown, not 0', async () => {
    const { records } = await parseFixture('firefox56');
    expect(at(records, 1).duration).toBeNull();
    expect(at(records, 1).time).toBe(Date.parse('2017-10-19T21:17:19.081+02:00'));
  });

  it('WebPagetest appends " PTST/231" to the User-Agent of some requests: still one browser, one client', async () => {
    const { records } = await parseFixture('nytimes');
    // Every entry belongs to a page, so every record carries the first User-Agent seen on a page entry...
    const uas = [...new Set(records.map((r) => r.userAgent))];
    expect(uas).toEqual(['Mozilla/5.0 (Windows NT 6.1) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/44.0.2403.157 Safari/537.36 PTST/231']);
    // ...although entries 138 and 160 were sent with and without the decoration.
    const raw = JSON.parse(fixture('nytimes').toString('utf8')) as {
      log: { entries: { request: { headers: { name: string; value: string }[] } }[] };
    };
    const ua = (n: number) => raw.log.entries[n - 1]!.request.headers.find((h) => h.name.toLowerCase() === 'user-agent')!.value;
    expect(ua(138)).not.toContain('PTST');
    expect(ua(160)).toContain('PTST');
    // bodySize -1 for every GET: known to be 0.
    expect(records.filter((r) => r.method === 'GET').every((r) => r.bodySize === 0)).toBe(true);
  });

  it('one full record: the Post/Redirect/Get of the Chrome 61 export', async () => {
    const { records } = await parseFixture('chrome61');
    expect(records[0]).toEqual({
      input: 3,
      line: 1,
      time: Date.parse('2017-10-19T19:16:28.509Z'),
      address: 'har:WebInspector',
      forwardedFor: null,
      userAgent:
        'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_11_6) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/61.0.3163.100 Safari/537.36',
      method: 'POST',
      scheme: 'http',
      host: 'computer-database.gatling.io',
      target: '/computers',
      status: 303,
      location: '/computers',
      locationLogged: true,
      bodySize: 0,
      referer: 'http://computer-database.gatling.io/computers/new',
      duration: 731.0880000479523,
      timeIs: 'start',
      cacheControl: null,
      expires: null,
      internal: false,
      traceId: null,
      service: null,
      clientId: -1,
      targetId: -1,
    });
    expect(records[1]).toMatchObject({ method: 'GET', target: '/computers', status: 200, bodySize: 0 });
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Streaming

describe('random chunking gives identical records', () => {
  it.each(Object.keys(FILES) as Fixture[])('%s', async (name) => {
    const whole = await parseFixture(name);
    for (const seed of [1, 2]) {
      const pieces = await parseFixture(name, randomSizes(seed * 7919 + name.length));
      expect(pieces.records).toEqual(whole.records);
      expect(pieces.stats).toEqual(whole.stats);
    }
  });

  it('escapes, brackets inside strings and multi-byte characters survive 1-byte chunks', async () => {
    const tricky = '}]{["\\"\\\\ \\\\"\\u00e9 é € 𝄞 \\n\\\\';
    const text = harText(
      {
        creator: { name: 'x"}]', version: '1' },
        pages: [{ id: '}]{[', title: tricky }],
        entries: [
          entry({ url: 'https://example.com/a?q=%7D', reqHeaders: [['User-Agent', tricky]] }),
          entry({ status: 302, resHeaders: [['Location', `/b?x=${tricky}`]] }),
          entry({ extra: { comment: '\\', _x: [{}, [], '\\\\', 1.5e3, true, null] } }),
        ],
      },
      1,
    );
    const whole = await run(text);
    expect(whole.error).toBeNull();
    expect(whole.records.map((r) => [r.address, r.userAgent, r.location])).toEqual([
      ['har:x"}]', tricky, null],
      ['har:x"}]', 'UA/1', `/b?x=${tricky}`],
      ['har:x"}]', 'UA/1', null],
    ]);
    const oneByte = await run(text, 1);
    expect(oneByte.records).toEqual(whole.records);
    for (const seed of [3, 4, 5]) expect((await run(text, randomSizes(seed))).records).toEqual(whole.records);
  });

  it('pretty-printed and minified copies of a HAR give the same records', async () => {
    const doc = JSON.parse(fixture('arcelormittal').toString('utf8')) as { log: Record<string, unknown> };
    const original = await parseFixture('arcelormittal');
    for (const space of [undefined, 2, 4]) {
      const { records } = await run(harText(doc.log, space), 4096, 3);
      expect(records).toEqual(original.records);
    }
  });

  it('yields batches of at most 256 records while the input is still being read', async () => {
    const n = 1000;
    const text = harText({ creator: { name: 'gen' }, entries: Array.from({ length: n }, (_, i) => entry({ url: `https://example.com/${i}` })) });
    expect((await run(text)).batches).toEqual([256, 256, 256, 232]);
    // Fed in 4 KB chunks, the first batch comes out long before the last chunk is read.
    const buf = Buffer.from(text);
    let pulled = 0;
    async function* source() {
      for await (const c of chunked(buf, 4096)) {
        pulled += c.length;
        yield c;
      }
    }
    const it = parseHar(source(), 0, newStats())[Symbol.asyncIterator]();
    const first = await it.next();
    expect(first.done).toBe(false);
    expect(pulled).toBeLessThan(buf.length / 2);
    await it.return?.(undefined);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Document structure

describe('the HAR frame', () => {
  const two = [entry({ status: 301, resHeaders: [['Location', '/x']] }), entry({ url: 'https://example.com/x' })];

  it('log keys in any order; creator first names the client, creator last leaves it "har"', async () => {
    const first = await run(harText({ version: '1.2', creator: { name: 'Chrome' }, pages: [], entries: two }));
    const last = await run(harText({ entries: two, version: '1.2', creator: { name: 'Chrome' } }));
    const noPages = await run(harText({ creator: { name: 'Chrome' }, entries: two, pages: [{ id: 'p' }], browser: { name: 'b' } }));
    expect(first.records.map((r) => r.address)).toEqual(['har:Chrome', 'har:Chrome']);
    expect(last.records.map((r) => r.address)).toEqual(['har', 'har']);
    expect(noPages.records.map((r) => r.address)).toEqual(['har:Chrome', 'har:Chrome']);
    // Other keys before "log" at the top level are skipped too.
    const other = await run(JSON.stringify({ comment: { log: { entries: [1] } }, log: { entries: two } }));
    expect(other.stats).toMatchObject({ linesRead: 2, records: 2, skipped: 0 });
    expect(first.records[0]!.location).toBe('/x');
  });

  it('an empty entries array is a HAR with no records', async () => {
    const r = await run('{"log":{"version":"1.2","creator":{"name":"x"},"entries":[]}}\n');
    expect(r.error).toBeNull();
    expect(r.records).toEqual([]);
    expect(r.stats).toMatchObject({ linesRead: 0, records: 0, skipped: 0 });
  });

  it('a client address recorded by the exporter wins over the capture id; several User-Agents are several clients', async () => {
    const { records } = await run(
      harText({
        creator: { name: 'proxy' },
        entries: [
          entry({ extra: { _clientAddress: '10.0.0.7' } }),
          entry({ extra: { clientIPAddress: '10.0.0.8' }, reqHeaders: [['user-agent', 'curl/8.5.0']] }),
          entry({ reqHeaders: [['USER-AGENT', 'curl/8.5.0']] }),
          entry({ reqHeaders: [] }),
        ],
      }),
    );
    expect(records.map((r) => [r.address, r.userAgent])).toEqual([
      ['10.0.0.7', 'UA/1'],
      ['10.0.0.8', 'curl/8.5.0'],
      ['har:proxy', 'curl/8.5.0'],
      ['har:proxy', null],
    ]);
    expect(clients(records)).toBe(4);
  });

  it('fields: redirectURL before the Location header, header names in any case, default ports, caching headers', async () => {
    const { records } = await run(
      harText({
        entries: [
          entry({
            method: 'PUT',
            url: 'HTTPS://user:pw@Example.COM:443?a=1#frag',
            status: 308,
            redirectURL: 'https://example.com/new',
            reqHeaders: [['Referer', 'https://example.com/form'], ['X-Forwarded-For', '203.0.113.9, 10.0.0.1'], ['User-Agent', 'UA/1']],
            resHeaders: [['location', '/ignored'], ['Cache-Control', 'max-age=60'], ['cache-control', 'private'], ['EXPIRES', 'Thu, 01 Jan 2037 00:00:00 GMT']],
            extra: { request: { ...(entry({}).request as object), method: 'PUT', url: 'HTTPS://user:pw@Example.COM:443?a=1#frag', bodySize: -1, postData: { mimeType: 'text/plain', text: 'é€' }, headers: [{ name: 'Referer', value: 'https://example.com/form' }, { name: 'X-Forwarded-For', value: '203.0.113.9, 10.0.0.1' }] } },
          }),
          entry({ url: 'http://example.com:8080/p/a/t/h?q', status: 302, resHeaders: [['LOCATION', 'https://example.com:8443/']] }),
          entry({ method: 'DELETE', url: 'http://example.com:80/x', status: 307, statusText: 'Temporary Redirect', resHeaders: [['Non-Authoritative-Reason', 'Delegate']] }),
          entry({ method: 'HEAD', extra: { startedDateTime: 'not a date', time: -1 } }),
        ],
      }),
    );
    expect(records[0]).toMatchObject({
      method: 'PUT',
      scheme: 'https',
      host: 'example.com',
      target: '/?a=1',
      status: 308,
      location: 'https://example.com/new',
      bodySize: 5, // UTF-8 bytes of postData.text
      referer: 'https://example.com/form',
      forwardedFor: '203.0.113.9',
      userAgent: null,
      cacheControl: 'max-age=60, private',
      expires: 'Thu, 01 Jan 2037 00:00:00 GMT',
      internal: false,
    });
    expect(records[1]).toMatchObject({ host: 'example.com:8080', target: '/p/a/t/h?q', location: 'https://example.com:8443/' });
    expect(records[2]).toMatchObject({ method: 'DELETE', host: 'example.com', internal: true, bodySize: 0 });
    expect(records[3]).toMatchObject({ method: 'HEAD', bodySize: 0, duration: null });
    expect(records[3]!.time).toBeNaN();
  });

  it('looksLikeHar: `{"log": {` after an optional BOM and whitespace', () => {
    expect(looksLikeHar('{"log":{"version":"1.2"')).toBe(true);
    expect(looksLikeHar('\uFEFF\n  {\n  "log": {\n')).toBe(true);
    expect(looksLikeHar('{"entries": []}')).toBe(false);
    expect(looksLikeHar('127.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.0" 200 2326')).toBe(false);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Bad input

describe('entries that cannot be records are counted skips', () => {
  it('records + skipped = linesRead, with the line (entry index) and why', async () => {
    const entries = [
      entry({}),
      42,
      { request: { method: 'GET', url: 'https://example.com/' } },
      entry({ url: 'data:image/png;base64,iVBORw0KGgo=' }),
      entry({ status: 'OK' as unknown as number }),
      entry({ url: 'https://example.com/last' }),
    ];
    const text = harText({ creator: { name: 'x' }, entries }).replace('"https://example.com/last"', '"https://example.com/last", "bad": tru');
    const { records, stats, error } = await run(text);
    expect(error).toBeNull();
    expect(records.map((r) => r.line)).toEqual([1]);
    expect(stats).toMatchObject({ linesRead: 6, records: 1, skipped: 5 });
    expect(stats.records + stats.skipped).toBe(stats.linesRead);
    expect(stats.skippedExamples.map((s) => [s.line, s.reason.replace(/ \(.*/, '')])).toEqual([
      [2, 'entry is not an object'],
      [3, 'entry has no "response" object'],
      [4, '"request.url" is not an absolute http(s) URL'],
      [5, '"response.status" is not a number'],
      [6, 'entry is not valid JSON'],
    ]);
    expect(stats.skippedExamples[2]).toMatchObject({ input: 0, text: 'GET data:image/png;base64,iVBORw0KGgo=' });
    expect(stats.skippedExamples.every((s) => s.text.length <= 200)).toBe(true);
  });

  it('numbers and literals (in log, and as entries) are read whole across chunk edges', async () => {
    const text = `{"log":{"version":1.2,"x":true,"y":null,"creator":{"name":"c"},"entries":[12345,${JSON.stringify(entry({}))},-1.5e10 , false]}}`;
    for (const size of [undefined, 1, 2, 3]) {
      const { records, stats, error } = await run(text, size);
      expect(error).toBeNull();
      expect(records.map((r) => [r.line, r.address])).toEqual([[2, 'har:c']]);
      expect(stats).toMatchObject({ linesRead: 4, records: 1, skipped: 3 });
      expect(stats.skippedExamples.map((s) => [s.line, s.text])).toEqual([
        [1, '12345'],
        [3, '-1.5e10'],
        [4, 'false'],
      ]);
    }
  });

  it('keeps at most 10 examples', async () => {
    const { stats } = await run(harText({ entries: Array.from({ length: 25 }, () => 'x') }));
    expect(stats).toMatchObject({ linesRead: 25, records: 0, skipped: 25 });
    expect(stats.skippedExamples).toHaveLength(10);
  });
});

describe('truncated and non-HAR input', () => {
  it('a HAR cut at 60% yields every entry before the cut, then TRUNCATED_HAR saying how many', async () => {
    const buf = fixture('theverge');
    const whole = (await parseFixture('theverge')).records;
    const cut = Math.floor(buf.length * 0.6);
    // The oracle: entries that end before the cut, by the indentation of the pretty-printed text (an entry
    // closes with `      }` on a line of its own).
    const text = buf.subarray(0, cut).toString('utf8');
    const complete = [...text.slice(text.indexOf('"entries"')).matchAll(/\n {6}\},?(?=\n)/g)].length;
    for (const size of [undefined, randomSizes(60)]) {
      const { records, stats, error } = await run(buf.subarray(0, cut), size, 3, 'cut.har');
      expect(records.length).toBe(complete);
      expect(records.length).toBeGreaterThan(100);
      expect(records).toEqual(whole.slice(0, complete));
      expect(stats).toMatchObject({ linesRead: complete, records: complete, skipped: 0, bytes: cut });
      expect(error).toBeInstanceOf(AuditError);
      expect((error as AuditError).code).toBe('TRUNCATED_HAR');
      expect((error as AuditError).exitCode).toBe(2);
      expect((error as AuditError).message).toBe(
        `cut.har: truncated HAR: read ${complete} entries, stopped at byte ${cut} (the input ends inside entry ${complete + 1}; was the capture cut short?)`,
      );
    }
  });

  it('says where a HAR stops when it is cut outside an entry', async () => {
    const text = harText({ creator: { name: 'x' }, entries: [entry({}), entry({})], pages: [] });
    const ends = async (s: string) => ((await run(s)).error as AuditError).message.replace(/^.*\(the input ends /, '').replace(/;.*$/, '');
    expect(await ends(text.slice(0, text.indexOf('"entries"')))).toBe('before "log.entries"');
    expect(await ends(text.slice(0, text.indexOf('},{') + 1))).toBe('in "log.entries" after entry 1');
    expect(await ends(text.slice(0, text.indexOf('"pages"')))).toBe('after "log.entries", before the end of the document');
    expect(await ends(text.slice(0, 5))).toBe('before "log"');
  });

  it('JSON that is not a HAR: NOT_A_HAR', async () => {
    for (const doc of ['{"log": {"version": "1.2", "pages": []}}', '{"entries": [{"request": {}}]}', '{}']) {
      const { error, records } = await run(doc, undefined, 0, 'x.json');
      expect(records).toEqual([]);
      expect(error).toBeInstanceOf(AuditError);
      expect((error as AuditError).code).toBe('NOT_A_HAR');
      expect((error as AuditError).message).toBe('x.json: JSON but not a HAR: no "log.entries" array');
    }
    const notArray = await run('{"log": {"entries": {"a": 1}}}', undefined, 0, 'x.json');
    expect((notArray.error as AuditError).message).toBe('x.json: JSON but not a HAR: "log.entries" is not an array');
    for (const doc of ['[{"log": {}}]', '', '   \n', '127.0.0.1 - - "GET / HTTP/1.1" 200 1']) {
      const { error } = await run(doc, undefined, 0, 'x.json');
      expect((error as AuditError).code).toBe('NOT_A_HAR');
    }
  });

  it('broken JSON between entries stops with NOT_A_HAR after yielding the entries before it', async () => {
    const text = harText({ entries: [entry({}), entry({})] }).replace('},{', '} x {');
    const { records, error } = await run(text, 7, 0, 'broken.har');
    expect(records).toHaveLength(1);
    expect((error as AuditError).code).toBe('NOT_A_HAR');
    expect((error as AuditError).message).toMatch(/^broken\.har: not valid JSON: expected "," or a closing bracket at byte \d+, found "x"; read 1 entries$/);
  });

  it('counts bytes once, whether or not the caller counts them on the way in', async () => {
    const buf = fixture('etat');
    const stats = newStats();
    async function* counted() {
      for await (const c of chunked(buf, 1000)) {
        stats.bytes += c.length;
        yield c;
      }
    }
    for await (const _ of parseHar(counted(), 0, stats)) void _;
    expect(stats.bytes).toBe(buf.length);
  });
});
