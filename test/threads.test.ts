/**
 * Worker threads (src/worker-sources.ts): inputs read and parsed in worker threads give byte for byte the report
 * of one thread, errors included, and the records cross the thread boundary unchanged (src/record-codec.ts).
 *
 * The workers run only from the compiled code (dist/), so these tests drive the built CLI: in this process
 * (`run(..., { built: true })`), and as a process where stdin is read (by a worker, from file descriptor 0).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { emptyRecord, type HttpRecord } from '../core/model.js';
import { RecordDecoder, RecordEncoder } from '../src/record-codec.js';
import { generateLog, splitLog } from '../bench/generate.js';
import { cli, FULL_FORMAT, ROOT, run, type Run } from './exec.js';

const S = `${ROOT}samples/`;
const HAR = `${ROOT}test/fixtures/har/`;
const LOGS = `${ROOT}test/fixtures/logs/`;
let tmp = '';

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'ra-threads-'));
  // A generated log of many interleaved clients, split in two as if two servers had written it.
  await generateLog(join(tmp, 'gen.log'), 30_000, { seed: 7 });
  await splitLog(join(tmp, 'gen.log'), [join(tmp, 'a.log'), join(tmp, 'b.log')]);
}, 60_000);

/** The run's stdout with the report's creation time blanked: the only part allowed to differ. */
const stable = (r: Run) =>
  r.stdout.replace(/"generatedAt": ?"[^"]*"/g, '"generatedAt":""').replace(/generated \d{4}-\d\d-\d\dT[\d:.]+Z/g, 'generated -');

function threadsOf(r: Run): string[] {
  return r.stderr
    .split('\n')
    .filter((l) => l.includes('"input read"'))
    .map((l) => (JSON.parse(l) as { thread: string }).thread);
}

/** The built CLI: in this process, or as a process when there is stdin to give it. */
async function built(args: string[], input?: Buffer): Promise<Run> {
  return input ? cli(args, input) : run(args, { built: true });
}

/** Runs `args` with 1, 2 and 3 threads and checks the three runs agree; returns the 2-thread run. */
async function sameWithThreads(args: string[], input?: Buffer): Promise<Run> {
  const runs: Run[] = [];
  for (const t of [1, 2, 3]) runs.push(await built(['analyze', '--log-level', 'info', '--threads', String(t), ...args], input));
  const [one, two, three] = runs as [Run, Run, Run];
  expect(two.code, two.stderr).toBe(one.code);
  expect(three.code).toBe(one.code);
  expect(stable(two)).toBe(stable(one));
  expect(stable(three)).toBe(stable(one));
  expect(threadsOf(one).every((t) => t === 'main')).toBe(true);
  return two;
}

describe('reports are the same with one thread and with worker threads', () => {
  it('the real captures in three formats and the Chromium HAR, merged', async () => {
    const two = await sameWithThreads(['--report', 'json', `${S}capture-combined.log`, `${S}capture-json.log`, `${S}capture-chromium.har`]);
    expect(threadsOf(two)).toEqual(['worker', 'worker', 'worker']);
    const report = JSON.parse(two.stdout);
    expect(report.totals.records).toBe(829 * 2 + report.inputs[2].records);
    expect(report.clients.length).toBeGreaterThan(20);
  });

  it('a generated log split in two files (the pairing crosses files), with every report format that is text', async () => {
    for (const report of ['json', 'markdown']) {
      const two = await sameWithThreads(['--report', report, join(tmp, 'a.log'), join(tmp, 'b.log')]);
      expect(threadsOf(two)).toEqual(['worker', 'worker']);
    }
    // Redirects served by one "server" and followed on the other are paired across the two worker-read inputs.
    const report = JSON.parse((await built(['analyze', '--report', 'json', '--threads', '2', join(tmp, 'a.log'), join(tmp, 'b.log')])).stdout) as {
      clients: { examples: { redirect: { input: string }; followUp: { input: string } | null }[] }[];
    };
    const crossing = report.clients.flatMap((c) => c.examples).filter((e) => e.followUp && e.followUp.input !== e.redirect.input);
    expect(crossing.length).toBeGreaterThan(10);
  });

  it('public logs, a gzip file, stdin beside a file, a --log-format and the narrowing options', async () => {
    for (const f of ['elastic__examples__Common_Data_Formats__apache_logs__apache_logs', 'tstack__lnav__test__logfile_caddy_log.0', 'tstack__lnav__test__logfile_haproxy.0', 'crowdsecurity__hub__.tests__gitlab-bf__gitlab-bf.log']) {
      await sameWithThreads(['--report', 'json', `${LOGS}${f}`]);
    }
    const gz = join(tmp, 'capture.log.gz');
    writeFileSync(gz, gzipSync(readFileSync(`${S}capture-combined.log`)));
    await sameWithThreads(['--report', 'json', gz, `${HAR}sitespeedio__pagexray__test__files__www.nytimes.com.har.gz`]);
    const mixed = await sameWithThreads(['--report', 'json', `${S}capture-json.log`, '-'], readFileSync(`${S}capture-combined.log`));
    // stdin is read by a worker too (from file descriptor 0: here a pipe), gzip or not.
    expect(threadsOf(mixed)).toEqual(['worker', 'worker']);
    expect(threadsOf(await sameWithThreads(['--report', 'json', '-'], gzipSync(readFileSync(`${S}capture-json.log`))))).toEqual(['worker']);
    const custom = await sameWithThreads(['--report', 'json', '--log-format', FULL_FORMAT, `${S}capture-full.log`]);
    expect(threadsOf(custom)).toEqual(['worker']);
    const mapped = await sameWithThreads(['--report', 'json', '--field', 'address=remote_addr', '--field', 'userAgent=http_user_agent', `${S}capture-json.log`]);
    expect(threadsOf(mapped)).toEqual(['worker']);
    expect(JSON.parse(mapped.stdout).inputs[0].format).toBe('json-lines');
    await sameWithThreads(['--report', 'json', '--status', '303,307', '--since', '2026-01-01T00:00:00Z', join(tmp, 'a.log'), join(tmp, 'b.log')]);
  });

  it('--shard K/N --shard-records: a worker hands over only its shard\'s records, and the report is the same', async () => {
    type R = { inputs: { records: number }[]; totals: { redirects: number }; partial: { shard: { index: number } } };
    const whole = JSON.parse((await built(['analyze', '--report', 'json', join(tmp, 'a.log'), join(tmp, 'b.log')])).stdout) as R;
    let redirects = 0;
    for (const shard of ['0/3', '1/3', '2/3']) {
      const two = await sameWithThreads(['--report', 'json', '--shard', shard, '--shard-records', join(tmp, 'a.log'), join(tmp, 'b.log')]);
      expect(threadsOf(two)).toEqual(['worker', 'worker']);
      const report = JSON.parse(two.stdout) as R;
      // Every line is read and counted; only the shard's clients' redirects are paired, and the shards add up.
      expect(report.inputs.map((i) => i.records)).toEqual(whole.inputs.map((i) => i.records));
      expect(report.partial.shard.index).toBe(Number(shard[0]));
      expect(report.totals.redirects).toBeGreaterThan(0);
      redirects += report.totals.redirects;
    }
    expect(redirects).toBe(whole.totals.redirects);
  });

  it('trace gives the same text', async () => {
    const args = ['trace', '--client', '127.0.0.34', `${S}capture-combined.log`, `${S}capture-json.log`];
    const one = await built([...args, '--threads', '1']);
    const two = await built([...args, '--threads', '2']);
    expect(one.code).toBe(0);
    expect(two.stdout).toBe(one.stdout);
    expect(two.stdout).toContain('method-changed-after-307');
  });
});

describe('errors from a worker are the errors of one thread', () => {
  it('a missing file, an unknown format, --strict, a corrupt gzip and a truncated HAR', async () => {
    const prose = join(tmp, 'prose.txt');
    writeFileSync(prose, 'Dear diary,\ntoday I read no logs.\n');
    const bad = join(tmp, 'bad.log');
    writeFileSync(bad, `${readFileSync(`${S}capture-combined.log`, 'utf8')}this is not a log line\n`);
    const corrupt = join(tmp, 'corrupt.gz');
    const gz = gzipSync(readFileSync(`${S}capture-combined.log`));
    writeFileSync(corrupt, gz.subarray(0, Math.floor(gz.length / 2)));
    const har = readFileSync(`${HAR}sitespeedio__pagexray__test__files__redirect__arcelormittal.com.har`);
    const cut = join(tmp, 'cut.har');
    writeFileSync(cut, har.subarray(0, Math.floor(har.length * 0.6)));
    const cases: [string[], number, RegExp][] = [
      [[join(tmp, 'nope.log'), `${S}capture-combined.log`], 2, /no such file/],
      [[`${S}capture-combined.log`, prose], 2, /unrecognised log format/],
      [['--strict', bad], 2, /bad\.log:830: .*--strict/],
      [['--report', 'json', corrupt, `${S}capture-json.log`], 2, /corrupt gzip data after \d+ decompressed bytes/],
      [['--report', 'json', cut], 2, /truncated HAR: read \d+ entries/],
    ];
    for (const [args, code, message] of cases) {
      const runs = [await built(['analyze', '--threads', '1', ...args]), await built(['analyze', '--threads', '2', ...args])];
      for (const r of runs) {
        expect(r.code, r.stderr).toBe(code);
        expect(r.stderr).toMatch(message);
      }
      const noTime = (s: string) => s.replace(/"time":\d+,/g, '');
      expect(noTime(runs[1]!.stderr)).toBe(noTime(runs[0]!.stderr));
      expect(stable(runs[1]!)).toBe(stable(runs[0]!));
    }
  });

  it('by default, workers read stdin and large files; a small file is read in the main thread', async () => {
    const small = await built(['analyze', '--log-level', 'info', '--report', 'json', `${S}capture-combined.log`]);
    expect(threadsOf(small)).toEqual(['main']);
    const piped = cli(['analyze', '--log-level', 'info', '--report', 'json', '-'], readFileSync(`${S}capture-combined.log`));
    expect(threadsOf(piped)).toEqual(['worker']);
    expect(stable(piped)).toBe(stable(small).split(`"${S}capture-combined.log"`).join('"-"'));
  });

  it('by default, a JSON document on stdin is read in the main thread (plain or gzip); a log on stdin is handed whole to a worker', async () => {
    const zipkin = readFileSync(`${ROOT}test/fixtures/formats/zipkin.json`);
    const inWorker = cli(['analyze', '--log-level', 'info', '--report', 'json', '--threads', '2', '-'], zipkin);
    expect(threadsOf(inWorker)).toEqual(['worker']);
    expect(JSON.parse(inWorker.stdout).inputs[0].format).toBe('zipkin');
    for (const input of [zipkin, gzipSync(zipkin)]) {
      const piped = cli(['analyze', '--log-level', 'info', '--report', 'json', '-'], input);
      expect(threadsOf(piped)).toEqual(['main']);
      expect(stable(piped)).toBe(stable(inWorker));
    }
    // Named, it is not looked at first.
    const named = cli(['analyze', '--log-level', 'info', '--report', 'json', '--input-format', 'zipkin', '-'], zipkin);
    expect(threadsOf(named)).toEqual(['main']);
    expect(stable(named)).toBe(stable(inWorker));
    // The bytes looked at go on to the worker: the same records as the file read in this thread, gzip or not.
    const log = readFileSync(`${S}capture-combined.log`);
    const file = await built(['analyze', '--report', 'json', `${S}capture-combined.log`]);
    for (const input of [log, gzipSync(log)]) {
      const piped = cli(['analyze', '--log-level', 'info', '--report', 'json', '-'], input);
      expect(threadsOf(piped)).toEqual(['worker']);
      expect(stable(piped)).toBe(stable(file).split(`"${S}capture-combined.log"`).join('"-"'));
    }
  });

  it('--threads takes a positive whole number', async () => {
    const r = await built(['analyze', '--threads', '0', `${S}capture-combined.log`]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--threads');
  });
});

describe('the record codec', () => {
  function record(i: number): HttpRecord {
    const r = emptyRecord(i % 3, 3_000_000_000 + i); // line numbers past 2^31 survive
    r.time = i % 5 === 0 ? Number.NaN : 1_795_564_800_000 + i * 7.5;
    r.address = `10.0.${i % 7}.${i % 250}`;
    r.userAgent = i % 4 === 0 ? null : `agent/${i % 40}`;
    r.method = ['GET', 'POST', 'PUT'][i % 3]!;
    r.target = `/item/${i}?q=${'é'.repeat(i % 3)}`;
    r.status = [200, 303, 307, 404][i % 4]!;
    r.location = r.status === 303 ? `/done/${i}` : i % 6 === 0 ? '' : null;
    r.locationLogged = i % 2 === 0;
    r.bodySize = i % 3 === 0 ? null : i % 3 === 1 ? 0 : i * 11;
    r.duration = i % 4 === 1 ? null : i / 8;
    r.timeIs = i % 3 === 0 ? null : i % 3 === 1 ? 'start' : 'end';
    r.forwardedFor = i % 5 === 1 ? '203.0.113.9' : null;
    r.scheme = i % 2 ? 'https' : null;
    r.host = i % 2 ? 'shop.example' : null;
    r.referer = i % 3 === 2 ? `https://shop.example/p/${i}` : null;
    r.cacheControl = i % 9 === 0 ? 'no-store' : null;
    r.expires = i % 10 === 0 ? '0' : null;
    r.internal = i % 11 === 0;
    r.traceId = i % 3 === 0 ? null : `5b8efff798038103d269b633813fc6${(i % 256).toString(16).padStart(2, '0')}`;
    r.service = i % 4 === 0 ? null : `svc-${i % 6}`;
    return r;
  }

  it('decodes what it encoded, across dictionary restarts, in batch order', () => {
    const all = Array.from({ length: 5000 }, (_, i) => record(i));
    // A tiny dictionary restarts many times: both sides must restart in step.
    const enc = new RecordEncoder(20);
    const decoders = [new RecordDecoder(), new RecordDecoder(), new RecordDecoder()];
    const out: HttpRecord[] = [];
    let restarts = 0;
    for (let i = 0; i < all.length; i += 97) {
      const chunk = all.slice(i, i + 97);
      const batch = enc.encode(chunk);
      if (batch.reset) restarts++;
      // One decoder per input; here every batch goes through the first, with the input given back.
      out.push(...decoders[0]!.decode(batch, 0).map((r, k) => ({ ...r, input: chunk[k]!.input })));
    }
    expect(restarts).toBeGreaterThan(3);
    // Every field crosses as it was, but for the client and target numbers the encoder gives.
    expect(out.map((r) => ({ ...r, clientId: -1, targetId: -1 }))).toEqual(all);
    // One number per address, X-Forwarded-For and User-Agent while the dictionary lasts; never one number for two.
    const keyOf = (r: HttpRecord) => `${r.address}|${r.forwardedFor}|${r.userAgent}`;
    const byId = new Map<number, string>();
    for (const r of out) {
      expect(r.clientId).toBeGreaterThanOrEqual(0);
      expect(byId.get(r.clientId) ?? keyOf(r)).toBe(keyOf(r));
      byId.set(r.clientId, keyOf(r));
    }
    const big = new RecordEncoder();
    const ids = new RecordDecoder().decode(big.encode(all), 0).map((r) => r.clientId);
    const keys = all.map(keyOf);
    expect(new Set(ids).size).toBe(new Set(keys).size);
    // Object.is: NaN times stay NaN, and 0 is not turned into null (or back).
    expect(out.filter((r) => Number.isNaN(r.time))).toHaveLength(1000);
    expect(out.filter((r) => r.bodySize === 0)).toHaveLength(all.filter((r) => r.bodySize === 0).length);
    // The trace fields cross too (null stays null).
    expect(out.filter((r) => r.traceId === null)).toHaveLength(all.filter((r) => r.traceId === null).length);
    expect(out[5]).toMatchObject({ traceId: all[5]!.traceId, service: 'svc-5' });
    // Which instant the time is, all three ways.
    expect(out.slice(0, 3).map((r) => r.timeIs)).toEqual([null, 'start', 'end']);
  });

  it('targets and Referers shared between records still decode to each record\'s own text, through slot collisions', () => {
    // 20,000 distinct targets (more than the decoder's slots of target numbers), then the first ones again; Referers
    // that all share a length and their middle and last characters (one slot of the decoder's cheap hash).
    const all = Array.from({ length: 26_000 }, (_, i) => {
      const r = emptyRecord(0, i + 1);
      r.time = 1_795_564_800_000 + i;
      r.target = `/t/${i < 20_000 ? i : i % 3000}`;
      r.referer = i % 4 === 0 ? null : `https://a.example/${String(i % 977).padStart(4, '0')}x0x`;
      r.bodySize = i % 2 ? 2 ** 33 + i : i;
      return r;
    });
    const enc = new RecordEncoder();
    const dec = new RecordDecoder();
    const out: HttpRecord[] = [];
    for (let i = 0; i < all.length; i += 1000) out.push(...dec.decode(enc.encode(all.slice(i, i + 1000)), 0));
    expect(out.map((r) => [r.line, r.target, r.referer, r.bodySize])).toEqual(all.map((r) => [r.line, r.target, r.referer, r.bodySize]));
    // The same method and target keep their number, a target seen again after 20,000 others too.
    expect(out[20_001]!.targetId).toBe(out[2001]!.targetId);
  });

  it('the decoded records have the property order of emptyRecord (one object shape)', () => {
    const batch = new RecordEncoder().encode([record(1)]);
    const [r] = new RecordDecoder().decode(batch, 0);
    expect(Object.keys(r!)).toEqual(Object.keys(emptyRecord(0, 1)));
  });
});
