/**
 * nginx-json's fast path (line templates, parsers/json-lines.ts) against its generic path (`JSON.parse` and the
 * field getters): the same record, or the same skip reason, for every line of every JSON sample and fixture, for
 * generated nginx lines, for hand-made edge cases and for random damage done to real lines.
 */
import { readdirSync } from 'node:fs';
import { Writable } from 'node:stream';
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { generateLog } from '../bench/generate.js';
import { mulberry32 } from '../bench/prng.js';
import { decimalNumber } from '../parsers/format-helpers.js';
import { jsonLinesFormat, jsonObjectStart, learnTemplate } from '../parsers/json-lines.js';
import type { HttpRecord } from '../core/model.js';
import { FIXTURES, SHARED, lines } from './helpers.js';

const SAMPLES = new URL('../samples/', import.meta.url).pathname;

interface Mismatch {
  line: number;
  text: string;
  fast: HttpRecord | string;
  generic: HttpRecord | string;
}

/**
 * Every line through a fresh fast nginx-json and the generic one, `times` times each (a line that taught the fast
 * path a template is read the second time through that template): the lines where they differ.
 */
function compare(ls: readonly string[], times = 1): Mismatch[] {
  const fast = jsonLinesFormat();
  const generic = jsonLinesFormat(undefined, { fastPath: false });
  const out: Mismatch[] = [];
  ls.forEach((text, i) => {
    for (let k = 0; k < times; k++) {
      const f = fast.parse(text, 0, i + 1);
      const g = generic.parse(text, 0, i + 1);
      if (!isDeepStrictEqual(f, g)) out.push({ line: i + 1, text, fast: f, generic: g });
    }
  });
  return out;
}

/** How many of `ls` the template learnt from `ls[0]` matches: the fast path is really taken. */
function matchedByFirst(ls: readonly string[]): number {
  const t = learnTemplate(ls[0]!, jsonObjectStart(ls[0]!));
  if (t === null) return 0;
  return ls.filter((l) => {
    t.re.lastIndex = Math.max(0, jsonObjectStart(l));
    return t.re.test(l);
  }).length;
}

/**
 * `ls` in runs of 200 lines, each read by fresh formats: when templates match fewer than half of 256 lines,
 * nginx-json stops trying them for a while, and the damaged lines must not turn the fast path off.
 */
function chunks(ls: readonly string[]): string[][] {
  const out: string[][] = [];
  for (let i = 0; i < ls.length; i += 200) out.push(ls.slice(i, i + 200));
  return out;
}

async function generated(n: number, seed: number): Promise<string[]> {
  let text = '';
  const out = new Writable({
    write(chunk: Buffer, _enc, done) {
      text += chunk.toString('utf8');
      done();
    },
  });
  await generateLog('', n, { format: 'json', seed, out });
  return text.slice(0, -1).split('\n');
}

describe('nginx-json fast path = generic path', () => {
  it('on every sample and fixture that holds lines (JSON or not: nginx-json is tried on any line)', () => {
    const files = [
      ...readdirSync(SAMPLES).filter((f) => f.endsWith('.log')).map((f) => SAMPLES + f),
      ...readdirSync(FIXTURES).filter((f) => f.endsWith('.log')).map((f) => FIXTURES + f),
      ...readdirSync(SHARED).filter((f) => f !== 'PROVENANCE.md').map((f) => SHARED + f),
    ];
    expect(files).toContain(`${SAMPLES}capture-json.log`);
    for (const f of files) expect(compare(lines(f), 2), f).toEqual([]);
  });

  it('takes the fast path on the nginx sample', () => {
    const json = lines(`${SAMPLES}capture-json.log`);
    expect(matchedByFirst(json)).toBeGreaterThan(json.length * 0.9);
  });

  it('on generated nginx escape=json lines (bench/generate.ts)', async () => {
    for (const seed of [42, 7]) {
      const ls = await generated(3000, seed);
      expect(ls.length).toBe(3000);
      expect(matchedByFirst(ls)).toBeGreaterThan(2900);
      expect(compare(ls)).toEqual([]);
    }
  });

  // One nginx line and variations of it. Each case is read after the base line (so the base's template is tried
  // on it) and twice (so its own template, if it taught one, is tried on it too).
  const BASE =
    '{"time":"2026-11-25T00:00:00.003Z","msec":"1795564800.003","remote_addr":"51.170.153.125","remote_user":"","request":"GET /docs/migrating/ HTTP/2.0","method":"GET","uri":"/docs/migrating/","status":"301","body_bytes_sent":"81887","http_referer":"https://www.example.com/","http_user_agent":"Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0","http_x_forwarded_for":"10.1.2.3, 10.0.0.1","request_time":"0.190","sent_http_location":"/docs/migrating","content_length":"","request_length":"321","host":"www.example.com"}';
  const sub = (from: string, to: string) => {
    if (!BASE.includes(from)) throw new Error(`not in BASE: ${from}`);
    return BASE.replace(from, to);
  };
  const CASES: Record<string, string[]> = {
    'the base line': [BASE],
    'escapes in values': [
      sub('Firefox/133.0', String.raw`Firefox/133.0 \"quoted\" back\\slash \u00e9\u0000\t\n \/`),
      sub('"/docs/migrating"', String.raw`"/caf\u00e9?a=\"1\""`),
      sub('"GET /docs/migrating/ HTTP/2.0"', String.raw`"GET /a\\\"b HTTP/1.1"`),
      sub('"GET /docs/migrating/ HTTP/2.0"', String.raw`"GET /\ud83d\ude00 HTTP/1.1"`),
      sub('"GET /docs/migrating/ HTTP/2.0"', String.raw`"GET /\ud800 HTTP/1.1"`),
      sub('Firefox/133.0', String.raw`bad \x escape`),
      sub('Firefox/133.0', String.raw`bad \u12 escape`),
      sub('Firefox/133.0', 'trailing backslash \\'),
      sub('"remote_user":""', String.raw`"remote_user":"bad \x escape in a value not read"`),
      sub('"remote_user":""', String.raw`"remote_user":"\\ \u00e9 escapes in a value not read"`),
      sub('"remote_user":""', String.raw`"remote_user":"\"escapes\" in a value not read"`),
    ],
    'raw unicode and control characters in values': [
      sub('Firefox/133.0', 'Firefox/133.0 é 日本 😀 \u2028 \u007f'),
      sub('Firefox/133.0', 'lone \ud800 surrogate'),
      sub('Firefox/133.0', 'raw\ttab'),
      sub('Firefox/133.0', 'raw\u0001ctl'),
      sub('Firefox/133.0', 'raw\u001fctl'),
      sub('"remote_user":""', '"remote_user":"raw\ttab in a value not read"'),
      sub('"remote_user":""', '"remote_user":"raw\u0000 in a value not read"'),
    ],
    'numbers where nginx writes strings': [
      sub('"status":"301"', '"status":301'),
      sub('"status":"301"', '"status":3.01e2'),
      sub('"status":"301"', '"status":301.5'),
      sub('"status":"301"', '"status":-301'),
      sub('"status":"301"', '"status":0'),
      sub('"status":"301"', '"status":-0'),
      sub('"status":"301"', '"status":1e400'),
      sub('"msec":"1795564800.003"', '"msec":1795564800.003'),
      sub('"msec":"1795564800.003"', '"msec":1795564800003'),
      sub('"msec":"1795564800.003"', '"msec":1.795564800003E+9'),
      sub('"msec":"1795564800.003"', '"msec":0'),
      sub('"request_time":"0.190"', '"request_time":0.19'),
      sub('"request_time":"0.190"', '"request_time":-1'),
      sub('"content_length":""', '"content_length":12'),
      sub('"content_length":""', '"content_length":1.5'),
      sub('"remote_addr":"51.170.153.125"', '"remote_addr":51170'),
    ],
    'odd string values': [
      sub('"status":"301"', '"status":"abc"'),
      sub('"status":"301"', '"status":" 301"'),
      sub('"status":"301"', '"status":""'),
      sub('"status":"301"', '"status":"-"'),
      sub('"msec":"1795564800.003"', '"msec":""'),
      sub('"msec":"1795564800.003"', '"msec":"-"'),
      sub('"msec":"1795564800.003"', '"msec":"abc"'),
      sub('"msec":"1795564800.003"', '"msec":"1795564800."'),
      sub('"msec":"1795564800.003"', '"msec":".003"'),
      sub('"msec":"1795564800.003"', '"msec":"1795564800.0030000001"'),
      sub('"msec":"1795564800.003"', '"msec":"9007199254740993"'),
      sub('"msec":"1795564800.003"', '"msec":"1795564800.003 "'),
      sub('"request_time":"0.190"', '"request_time":""'),
      sub('"request_time":"0.190"', '"request_time":"1e3"'),
      sub('"request":"GET /docs/migrating/ HTTP/2.0"', '"request":""'),
      sub('"request":"GET /docs/migrating/ HTTP/2.0"', '"request":"-"'),
      sub('"request":"GET /docs/migrating/ HTTP/2.0"', '"request":"GET http://h.example:8080/x?y HTTP/1.1"'),
      sub('"remote_addr":"51.170.153.125"', '"remote_addr":"-"'),
      sub('"remote_addr":"51.170.153.125"', '"remote_addr":""'),
      sub('"http_x_forwarded_for":"10.1.2.3, 10.0.0.1"', '"http_x_forwarded_for":"-"'),
      sub('"content_length":""', '"content_length":"-"'),
      sub('"content_length":""', '"content_length":"x"'),
      sub('"sent_http_location":"/docs/migrating"', '"sent_http_location":""'),
      sub('"sent_http_location":"/docs/migrating"', '"sent_http_location":"-"'),
    ],
    'missing fields': [
      sub('"status":"301",', ''),
      sub('"msec":"1795564800.003",', ''),
      sub('"msec":"1795564800.003",', '').replace('"time":"2026-11-25T00:00:00.003Z",', ''),
      sub('"request":"GET /docs/migrating/ HTTP/2.0",', ''),
      sub('"request":"GET /docs/migrating/ HTTP/2.0",', '').replace('"method":"GET",', ''),
      sub('"request":"GET /docs/migrating/ HTTP/2.0",', '').replace('"uri":"/docs/migrating/",', ''),
      sub('"request":"GET /docs/migrating/ HTTP/2.0",', '"args":"a=1","query_string":"b=2",'),
      sub('"request":"GET /docs/migrating/ HTTP/2.0",', '"query_string":"b=2",'),
      sub('"request":"GET /docs/migrating/ HTTP/2.0",', '"args":"-",'),
      sub('"sent_http_location":"/docs/migrating",', ''),
      sub('"content_length":"",', ''),
      sub('"remote_addr":"51.170.153.125",', '"client_ip":"10.9.9.9","ip":"10.8.8.8",'),
      '{"status":"200","request":"GET / HTTP/1.1"}',
      '{"status":"200","request_uri":"/x?a=1","request_method":"POST","args":"b=2"}',
      '{"status":"200","path":"/x","method":"PUT","ts":1795564800123,"ua":"curl/8","xff":"1.2.3.4","http_host":"h"}',
      '{"status":"200","request":"GET / HTTP/1.1","time_local":"25/Nov/2026:00:00:00 +0000"}',
      '{"status":"200","request":"GET / HTTP/1.1","time_iso8601":"2026-11-25T00:00:00+00:00"}',
      '{"status":"200","request":"GET / HTTP/1.1","@timestamp":"2026-11-25 00:00:00"}',
      '{"status":"200","request":"GET / HTTP/1.1","timestamp":"yesterday"}',
      '{"status":"200","request":"GET / HTTP/1.1","scheme":"https","sent_http_cache_control":"no-store","sent_http_expires":"-"}',
      '{"status":"200","request":"GET / HTTP/1.1","scheme":"ftp","sent_http_cache_control":"","sent_http_expires":"Thu, 01 Jan 1970"}',
    ],
    'nested objects, arrays, literals': [
      sub('"remote_user":""', '"remote_user":{"a":"b"}'),
      sub('"remote_user":""', '"remote_user":[]'),
      sub('"remote_user":""', '"remote_user":null'),
      sub('"remote_user":""', '"remote_user":true'),
      sub('"remote_user":""', '"remote_user":false'),
      sub('"status":"301"', '"status":["301"]'),
      sub('"status":"301"', '"status":null'),
      sub('"http_x_forwarded_for":"10.1.2.3, 10.0.0.1"', '"http_x_forwarded_for":["10.1.2.3","10.0.0.1"]'),
      sub('"host":"www.example.com"', '"host":{"name":"x"}'),
      sub('"host":"www.example.com"', '"host":"www.example.com","extra":{"nested":[1,{"deep":"x"}]}'),
    ],
    whitespace: [
      BASE.replaceAll('":"', '": "'),
      BASE.replaceAll('":"', '": "').replace('51.170.153.125', '10.0.0.9'),
      BASE.replaceAll('","', '", "'),
      BASE.replaceAll('","', '",\t"'),
      BASE.replaceAll('":"', '" :"'),
      `{ ${BASE.slice(1, -1)} }`,
      `{\t${BASE.slice(1)}`,
      `${BASE}   `,
      `${BASE}\t`,
      `${BASE}\r`,
      `${BASE} \t\r `,
      `${BASE}\n`,
      `${BASE}\u00a0`,
      `${BASE}\u000b`,
      `   ${BASE}`,
      sub('"status":"301"', '"status":\u00a0"301"'),
      sub('"status":"301"', '"status":\u000b"301"'),
      sub('"status":"301"', '"status":\n"301"'),
    ],
    'empty objects': ['{}', '{ }', '{\t}', '{}  ', '{"":""}', '{"":"","status":"200"}'],
    prefixes: [
      `nginx: ${BASE}`,
      `web_1  | ${BASE}`,
      `Nov 25 15:19:15 host nginx[123]: ${BASE}`,
      `[pod/web-7d9/nginx] ${BASE}`,
      `\u001b[36mweb_1  |\u001b[0m ${BASE}`,
      `web_1  | ${BASE}`.replace('51.170.153.125', '10.0.0.9'),
      `nginx:${BASE}`,
      `x ${BASE}`,
      `${'p'.repeat(250)}: ${BASE}`,
    ],
    'truncated and damaged lines': [
      BASE.slice(0, 100),
      BASE.slice(0, -1),
      BASE.slice(0, -2),
      `${BASE.slice(0, 100)}}`,
      `${BASE.slice(0, 100)}"}`,
      `${BASE}}`,
      `${BASE}x`,
      `${BASE},`,
      `${BASE}{}`,
      `{${BASE}`,
      BASE.replace('"status":"301",', '"status":"301",,'),
      BASE.replace('"status":"301",', '"status":"301"'),
      BASE.replace('"status":"301"', '"status"'),
      BASE.replace('"status":"301"', '"status":'),
      BASE.replace('"status":"301"', 'status:"301"'),
      BASE.replace('"status":"301"', "'status':'301'"),
      BASE.replace('"status":"301"', '"status":"301'),
      BASE.replace('"status":"301"', '"status:"301"'),
      `${BASE.slice(0, -1)},}`,
      '{',
      '}',
      '{"',
      '{"status"}',
      '{"status":"200"',
      '',
      '   ',
      'not json at all',
      '["status","200"]',
      '"status"',
    ],
    'duplicate keys: the last one wins': [
      sub('"host":"www.example.com"', '"host":"www.example.com","status":"404"'),
      sub('"host":"www.example.com"', '"host":"www.example.com","status":404'),
      sub('"host":"www.example.com"', '"host":"www.example.com","host":"second.example"'),
      sub('"host":"www.example.com"', '"host":"www.example.com","msec":"1795564900.5"'),
      sub('"host":"www.example.com"', '"host":"www.example.com","request":"POST /again HTTP/1.1"'),
      sub('"host":"www.example.com"', '"host":"www.example.com","remote_addr":"9.9.9.9","client_ip":"8.8.8.8"'),
      sub('"host":"www.example.com"', '"host":"www.example.com","status":{"x":1}'),
      sub('"host":"www.example.com"', '"host":"www.example.com","status":"200","status":"302"'),
    ],
    'keys near the ones read': [
      sub('"status":"301"', '"status_x":"301"'),
      sub('"status":"301"', '"statu":"301"'),
      sub('"status":"301"', '"Status":"301"'),
      sub('"status":"301"', '"status ":"301"'),
      sub('"status":"301"', '"status_x":"404","status":"301"'),
      sub('"host":"www.example.com"', '"hostname":"www.example.com"'),
      sub('"msec":"1795564800.003"', '"ms":"1795564800.003"'),
      sub('"msec":"1795564800.003"', '"msecs":"1795564800.003"'),
      sub('"remote_addr":"51.170.153.125"', '"remote_address":"51.170.153.125"'),
      sub('"remote_addr":"51.170.153.125"', '"ip_address":"51.170.153.125"'),
      sub('"request":"GET /docs/migrating/ HTTP/2.0"', '"request_id":"GET /docs/migrating/ HTTP/2.0"'),
    ],
    'keys with escapes': [
      sub('"status":"301"', String.raw`"st\u0061tus":"301"`),
      sub('"status":"301"', String.raw`"status\u0000":"301"`),
      sub('"status":"301"', String.raw`"status\"":"301"`),
      sub('"status":"301"', String.raw`"\\status":"301"`),
      sub('"remote_user":""', String.raw`"a\"b":"", "c\\\\":"x"`),
      sub('"remote_user":""', String.raw`"(.*)+?[x]{1}|^$":""`),
      sub('"remote_user":""', '"é😀":""'),
      sub('"remote_user":""', '"__proto__":"x","constructor":"y"'),
      sub('"status":"301"', String.raw`"st\x61tus":"301"`),
    ],
  };
  for (const [name, cases] of Object.entries(CASES)) {
    it(name, () => {
      for (const c of cases) expect(compare([BASE, c, c, BASE]), JSON.stringify(c)).toEqual([]);
    });
  }

  // Numbers JSON does not allow, read after a line with a number there (whose template expects one).
  const BAD_NUMBERS = ['0301', '+301', '301.', '.5', '1e', '1e+', '-', '--1', '-01', 'NaN', 'Infinity', '0x12d', '3 01', '1_0'];
  it('numbers JSON does not allow, where the template has a number', () => {
    for (const key of ['status', 'body_bytes_sent']) {
      const at = (v: string) => BASE.replace(new RegExp(`"${key}":"[^"]*"`), `"${key}":${v}`);
      for (const bad of BAD_NUMBERS) {
        const c = at(bad);
        expect(compare([at('301'), c, at('-1.5e-3'), c]), c).toEqual([]);
      }
    }
  });

  it('on each edge case read after all the others (several templates learnt at once)', () => {
    const all = [...Object.values(CASES).flat(), ...BAD_NUMBERS.map((b) => BASE.replace('"status":"301"', `"status":${b}`))];
    expect(chunks([...all, ...all, ...all]).flatMap((c) => compare(c))).toEqual([]);
  });

  it('on real lines damaged at random', () => {
    const rnd = mulberry32(20261125);
    const base = [...lines(`${SAMPLES}capture-json.log`).slice(0, 50), BASE, BASE.replaceAll('":"', '": "')];
    const alphabet = ['"', '\\', '{', '}', '[', ']', ',', ':', ' ', '\t', '0', '1', '9', '.', '-', 'e', '+', 'a', 'é', '\u0001', '\u2028', '\ud800'];
    const damaged: string[] = [];
    for (let n = 0; n < 4000; n++) {
      let l = base[Math.floor(rnd() * base.length)]!;
      for (let edits = 1 + Math.floor(rnd() * 3); edits > 0; edits--) {
        const at = Math.floor(rnd() * (l.length + 1));
        const ch = alphabet[Math.floor(rnd() * alphabet.length)]!;
        const op = rnd();
        l = op < 0.4 ? l.slice(0, at) + ch + l.slice(at) : op < 0.7 ? l.slice(0, at) + l.slice(at + 1) : l.slice(0, at) + ch + l.slice(at + 1);
      }
      damaged.push(l);
    }
    // Interleaved with intact lines so that the templates of the intact lines are tried on the damaged ones.
    const mixed = damaged.flatMap((l, i) => [base[i % base.length]!, l]);
    expect(chunks(mixed).flatMap((c) => compare(c))).toEqual([]);
    // And each damaged line that teaches a template, read again through it.
    expect(damaged.flatMap((l) => compare([l, l]))).toEqual([]);
  });
});

describe('decimalNumber', () => {
  it('is Number() for every string', () => {
    const fixed = [
      '', '0', '00', '0.0', '1', '1.', '.1', '1.5', '-1', '+1', '1e5', ' 1', '1 ', '0x10', 'Infinity', 'NaN', '1..2',
      '1.2.3', '9007199254740993', '900719925474099', '123456789012345', '1234567890123456', '12345678901234.5',
      '1234567890123.45', '1.23456789012345', '0.000000000000001', '1795564800.003', '0.190', '999999999999999.9',
      '٣', '１',
    ];
    for (const s of fixed) expect(Object.is(decimalNumber(s), Number(s)), s).toBe(true);
    const rnd = mulberry32(42);
    for (let n = 0; n < 20000; n++) {
      const len = 1 + Math.floor(rnd() * 18);
      let s = '';
      for (let i = 0; i < len; i++) s += String(Math.floor(rnd() * 10));
      if (rnd() < 0.8) {
        const dot = Math.floor(rnd() * (len + 1));
        s = `${s.slice(0, dot)}.${s.slice(dot)}`;
      }
      expect(Object.is(decimalNumber(s), Number(s)), s).toBe(true);
    }
  });
});
