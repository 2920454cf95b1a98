/**
 * Issue #17: N shards merged equal one process over the same input, on every sample and on a generated log;
 * periods (--since/--until) merged equal the whole; merging is associative; the shard hash is the documented one.
 *
 * The one process is a plain run (no --partial): routes named by the templates it learns from every path
 * (`GET /blog/{var}`), which a shard that saw fewer paths may not have learnt. Compared: the whole report but
 * `generatedAt` (per run) and `partial` (which a plain run has not). `inputs` are equal too: an input every shard
 * read is listed once.
 */
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyzeFiles, type RunOptions } from '../src/run.js';
import { mergeReports } from '../src/merge-reports.js';
import { fnv1a32, parseShard, shardFilter, shardOfAddress } from '../src/shard.js';
import { compileLogFormat } from '../parsers/log-format.js';
import type { AuditReport } from '../src/report.js';
import { generateLog } from '../bench/generate.js';
import { FULL_FORMAT, ROOT, run } from './exec.js';

const SAMPLES = readdirSync(`${ROOT}samples`)
  // capture-apache-aux.log is not an analyzer input (samples/capture-apache/README.md).
  .filter((f) => (f.endsWith('.log') || f.endsWith('.har')) && f !== 'capture-apache-aux.log')
  .map((f) => `samples/${f}`);

function comparable(r: AuditReport): unknown {
  const { generatedAt: _g, partial: _p, ...rest } = r;
  return JSON.parse(JSON.stringify(rest));
}

async function single(paths: string[], opts: RunOptions): Promise<AuditReport> {
  return analyzeFiles(paths, { ...opts, threads: 1 });
}

/** Routes the whole names by a template learnt from all its paths, and some part names by a path it logged. */
function templatedApart(whole: AuditReport, parts: AuditReport[]): string[] {
  const templated = new Set(whole.monitoring.routes.map((r) => r.route).filter((r) => r.includes('{var}')));
  return [...templated].filter((t) =>
    parts.some((p) => !p.monitoring.routes.some((r) => r.route === t) && p.monitoring.routes.some((r) => r.route.startsWith(t.slice(0, t.indexOf('{var}'))))),
  );
}

/** N shards, each as `--shard K/N` makes it (narrowing, or with `records` dropping the others' records). */
async function sharded(paths: string[], opts: RunOptions, n: number, records = false): Promise<AuditReport[]> {
  const parts: AuditReport[] = [];
  for (let k = 0; k < n; k++) {
    const mine = shardFilter({ index: k, count: n });
    const r = await analyzeFiles(paths, { ...opts, threads: 1, partial: true, ...(records ? { accept: mine } : { filter: mine }) });
    r.partial!.shard = { index: k, count: n, by: 'fnv1a32(address) mod count' };
    parts.push(r);
  }
  return parts;
}

const cases: [string, RunOptions][] = [
  ...SAMPLES.map((s): [string, RunOptions] => [s, {}]),
  ['samples/capture-full.log', { format: compileLogFormat('custom', FULL_FORMAT) }],
];

describe('shards merged equal one process', () => {
  for (const [path, opts] of cases) {
    const name = `${path}${opts.format ? ' (--log-format)' : ''}`;
    it(`${name}: 3 shards`, async () => {
      if (`${process.cwd()}/` !== ROOT) throw new Error('run from the project root');
      const whole = await single([path], opts);
      const parts = await sharded([path], opts, 3);
      expect(parts.reduce((n, p) => n + p.clients.length, 0)).toBe(whole.clients.length);
      expect(JSON.stringify(comparable(mergeReports(parts)))).toBe(JSON.stringify(comparable(whole)));
      // Shards in another order give the same report.
      expect(comparable(mergeReports([...parts].reverse()))).toEqual(comparable(whole));
    });
  }

  // Dropping the other shards' records before pairing is exact where Location is logged (nothing is learnt
  // from the population then).
  for (const [path, opts] of [
    ['samples/capture-full.log', { format: compileLogFormat('custom', FULL_FORMAT) }],
    ['samples/capture-chromium-full.log', {}],
    ['samples/capture-chromium.har', {}],
  ] as [string, RunOptions][]) {
    it(`${path}: 4 shards with --shard-records`, async () => {
      const whole = await single([path], opts);
      expect(comparable(mergeReports(await sharded([path], opts, 4, true)))).toEqual(comparable(whole));
    });
  }
});

describe('a generated log', () => {
  let dir = '';
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ra-shard-'));
    await generateLog(join(dir, 'combined.log'), 20_000, { seed: 11 });
    await generateLog(join(dir, 'full.log'), 20_000, { seed: 11, format: 'full' });
  }, 60_000);

  it('combined: 4 shards merged equal one run, routes named by the templates of the whole', async () => {
    const paths = [join(dir, 'combined.log')];
    const whole = await single(paths, {});
    expect(whole.clients.length).toBeGreaterThan(100);
    const merged = mergeReports(await sharded(paths, {}, 4));
    expect(comparable(merged)).toEqual(comparable(whole));
    // Key for key, as `merge` writes it.
    expect(JSON.stringify(comparable(merged))).toBe(JSON.stringify(comparable(whole)));
    // A partial report is the plain one with its partial section.
    expect(comparable(await analyzeFiles(paths, { threads: 1, partial: true }))).toEqual(comparable(whole));
  });

  it('a route that only the whole sees often enough to name by a template is named so in the merge', async () => {
    // 40 clients, each paying its own order: 40 values at one position make `/orders/{var}/pay` for the whole,
    // while each of 4 shards sees about 10 and keeps the paths as logged.
    const lines: string[] = [];
    for (let i = 0; i < 40; i++) {
      const ip = `198.51.100.${i + 1}`;
      const t = (s: number) => `25/Nov/2026:10:${String(Math.floor(i / 2)).padStart(2, '0')}:${String(s + (i % 2) * 30).padStart(2, '0')} +0000`;
      lines.push(`${ip} - - [${t(0)}] "POST /orders/o${i}x/pay HTTP/1.1" 303 0 "-" "curl/8.5.0"`);
      lines.push(`${ip} - - [${t(1)}] "GET /orders/o${i}x/done HTTP/1.1" 200 512 "-" "curl/8.5.0"`);
    }
    const path = join(dir, 'orders.log');
    writeFileSync(path, `${lines.join('\n')}\n`);
    const whole = await single([path], {});
    expect(whole.monitoring.routes.map((r) => r.route)).toContain('POST /orders/{var}/pay');
    const parts = await sharded([path], {}, 4);
    expect(templatedApart(whole, parts)).toContain('POST /orders/{var}/pay');
    expect(comparable(mergeReports(parts))).toEqual(comparable(whole));
  });

  it('shards made before reports carried templates (routes as logged) merge into the same', async () => {
    const paths = [join(dir, 'combined.log')];
    const whole = await single(paths, {});
    const parts = [];
    for (let k = 0; k < 3; k++) {
      const r = await analyzeFiles(paths, { threads: 1, partial: true, filter: shardFilter({ index: k, count: 3 }), monitoring: { learnTemplates: false } });
      r.partial!.shard = { index: k, count: 3, by: 'fnv1a32(address) mod count' };
      delete r.partial!.monitoring.templates;
      parts.push(r);
    }
    expect(comparable(mergeReports(parts))).toEqual(comparable(whole));
  });

  it('full (Location logged): 4 shards dropping the others\' records merged equal one run', async () => {
    const paths = [join(dir, 'full.log')];
    const opts = { format: compileLogFormat('custom', FULL_FORMAT) };
    const whole = await single(paths, opts);
    expect(comparable(mergeReports(await sharded(paths, opts, 4, true)))).toEqual(comparable(whole));
  });

  it('periods (--since/--until) merged equal the whole, and merging is associative', async () => {
    const paths = [join(dir, 'combined.log')];
    const whole = await single(paths, {});
    const t0 = Date.parse(whole.period.first!);
    const t1 = Date.parse(whole.period.last!) + 1;
    const cuts = [t0, t0 + (t1 - t0) / 3, t0 + ((t1 - t0) * 2) / 3, t1].map(Math.floor);
    const nights: AuditReport[] = [];
    for (let i = 0; i < 3; i++) {
      nights.push(await analyzeFiles(paths, { threads: 1, partial: true, filter: (r) => r.time >= cuts[i]! && r.time < cuts[i + 1]! }));
    }
    const weekly = mergeReports(nights);
    expect(comparable(weekly)).toEqual(comparable(whole));
    expect(comparable(mergeReports([mergeReports(nights.slice(0, 2)), nights[2]!]))).toEqual(comparable(weekly));
  });

  it('the CLI: analyze --shard K/N, then merge', async () => {
    const path = join(dir, 'combined.log');
    const parts: string[] = [];
    for (const k of [0, 1]) {
      const out = join(dir, `part-${k}.json`);
      const part = await run(['analyze', '--report', 'json', '--shard', `${k}/2`, '-o', out, path]);
      expect(part.code === 0 || part.code === 1, part.stderr).toBe(true);
      parts.push(out);
    }
    const merged = await run(['merge', ...parts]);
    expect(merged.code, merged.stderr).toBe(0);
    const whole = await run(['analyze', '--report', 'json', path]);
    expect(comparable(JSON.parse(merged.stdout) as AuditReport)).toEqual(comparable(JSON.parse(whole.stdout) as AuditReport));
    // A report without the partial section cannot be merged exactly: said, not guessed.
    writeFileSync(join(dir, 'plain.json'), (await run(['analyze', '--report', 'json', path])).stdout);
    const refused = await run(['merge', join(dir, 'plain.json'), parts[0]!]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/--partial/);
  });
});

describe('the shard hash', () => {
  it('is FNV-1a 32-bit of the UTF-8 address, mod N', () => {
    expect(fnv1a32('')).toBe(0x811c9dc5);
    expect(fnv1a32('a')).toBe(0xe40c292c);
    expect(fnv1a32('foobar')).toBe(0xbf9cf968);
    expect(fnv1a32('127.0.0.1')).toBe(0x08a3d11e);
    expect(shardOfAddress('127.0.0.1', 4)).toBe(0x08a3d11e % 4);
    expect(fnv1a32('é')).toBe(fnv1a32('\u00e9'));
    expect(parseShard('2/4')).toEqual({ index: 2, count: 4 });
    expect(() => parseShard('4/4')).toThrow(/K\/N/);
  });
});
