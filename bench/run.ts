/**
 * The benchmark (`npm run bench`). Generates seeded access logs (cached in bench/out/), then measures each case in
 * a fresh child process so that peak RSS is per case, and prints Markdown tables to paste into the README.
 *
 * Cases, per input:
 *   read     raw line reading: openInput + readLines (src/lines.ts), counting lines
 *   parse    readLines + the detected format's pure parse, as src/source.ts does it
 *   analyze  the whole job: analyzeFiles + renderJson (also over the input split in two files, as two servers), in
 *            one thread (--threads 1) and with the inputs parsed in worker threads (--threads BENCH_THREADS)
 * plus, when installed, lnav and goaccess on the same file, and HAR throughput via bench/har-bench.ts.
 *
 * Environment:
 *   BENCH_SIZES=100000,2000000   line counts (10M: BENCH_SIZES=10000000 npm run bench)
 *   BENCH_SEED=42                generator seed
 *   BENCH_FORMATS=combined,full,json  which generated formats to measure (json: nginx escape=json)
 *   BENCH_REPEAT=1               runs per case; the fastest is kept (peak RSS: the highest)
 *   BENCH_EXTERNAL=1             time lnav / goaccess when installed (0 to skip)
 *   BENCH_HAR_MB=200             size of the HAR case (0 to skip)
 *   BENCH_THREADS=N              threads for the worker-thread analyze column (default: the cores, at least 2)
 *   BENCH_CPU_PROF=1             run the analyze cases under --cpu-prof (profiles in bench/out/prof/)
 *   BENCH_STREAM_LINES=20000000  lines streamed through a pipe into `analyze --max-clients 10000 -`, RSS sampled (0 to skip)
 *   BENCH_MATRIX=1               instead of the cases above, the shape matrix (bench/matrix.ts: redirect share, clients,
 *                                rate, NAT, Location; BENCH_MATRIX_LINES=300000 a cell, BENCH_MATRIX_CELLS=a,b)
 *
 * Other entry points:
 *   node dist/bench/run.js --case read|parse|analyze|bytes --file F [--file G] [--log-format full] [--threads N]
 *   node dist/bench/run.js --top-self PROFILE.cpuprofile [N]    top N functions by self time
 *   node dist/bench/run.js --stages PROFILE.cpuprofile [N [UNIT]] its time by stage of the analysis (µs per N UNITs)
 *   node dist/bench/run.js --matrix                              the shape matrix alone (as BENCH_MATRIX=1)
 *   node dist/bench/run.js --heap SNAPSHOT [N [OWNER [DEPTH]]]   a heap snapshot's live objects by owner (bench/heap.ts)
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { createReadStream, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openInput } from '../src/input.js';
import { readLines } from '../src/lines.js';
import { limitHeapGrowth } from '../cli/heap.js';
import { analyzeFiles } from '../src/run.js';
import { heapByOwner } from './heap.js';
import type { LineFormat } from '../parsers/line-format.js';
import { compileLogFormat, detectLineFormat, findLineFormat, lineFormats } from '../parsers/index.js';
import { renderJson } from '../reports/json.js';
import { FULL_LOG_FORMAT, generateLog, splitLog, type GeneratedFormat } from './generate.js';
import { runMatrix } from './matrix.js';
import { benchStream, streamTable } from './stream.js';

const HERE = dirname(fileURLToPath(import.meta.url)); // dist/bench
const ROOT = resolve(HERE, '..', '..');
const OUT = join(ROOT, 'bench', 'out');
/** Bump when the generator's output changes, so cached logs are not reused. */
const GENERATOR_VERSION = 1;

type CaseName = 'bytes' | 'read' | 'parse' | 'analyze' | 'har';

interface CaseResult {
  case: CaseName;
  lines: number;
  bytes: number;
  ms: number;
  /** CPU time (user + system) of the case, all threads: less sensitive than `ms` to other load on the machine. */
  cpuMs: number;
  maxRssKB: number;
  note?: string;
}

// -------------------------------------------------------------------------------------------------------------
// Child side: one case, one process, one JSON line on stdout.

function fullFormat(): LineFormat {
  return findLineFormat('full') ?? compileLogFormat('full', FULL_LOG_FORMAT, 'nginx', 'bench full format');
}

async function runCase(name: CaseName, files: string[], logFormat: string | undefined, threads: number | undefined): Promise<CaseResult> {
  const forced = logFormat === 'full' ? fullFormat() : logFormat ? findLineFormat(logFormat) : undefined;
  const bytes = files.reduce((n, f) => n + statSync(f).size, 0);
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  let lines = 0;
  let note: string | undefined;
  if (name === 'bytes') {
    for (const f of files) {
      for await (const c of createReadStream(f, { highWaterMark: 256 * 1024 })) lines += countNewlines(c as Buffer);
    }
  } else if (name === 'read') {
    for (const f of files) {
      const opened = await openInput(f);
      for await (const b of readLines(opened.chunks)) lines += b.lines.length;
    }
  } else if (name === 'parse') {
    let records = 0;
    for (const [input, f] of files.entries()) {
      const opened = await openInput(f);
      const it = readLines(opened.chunks);
      let format = forced;
      let fallbacks: LineFormat[] = [];
      for await (const b of it) {
        if (!format) {
          const found = detectLineFormat(b.lines.slice(0, 100));
          if (!found) throw new Error(`${f}: no format recognised`);
          format = found.format;
          fallbacks = lineFormats().filter((x) => x !== format);
        }
        const parse = format.parse;
        const ls = b.lines;
        for (let i = 0; i < ls.length; i++) {
          const line = ls[i]!;
          if (line.length === 0) continue;
          let r = parse(line, input, b.first + i);
          for (let k = 0; typeof r === 'string' && k < fallbacks.length; k++) r = fallbacks[k]!.parse(line, input, b.first + i);
          if (typeof r !== 'string') records++;
        }
        lines += ls.length;
      }
      note = `${format?.name ?? '?'}: ${records} records`;
    }
  } else if (name === 'analyze') {
    const report = await analyzeFiles(files, { format: forced, threads });
    const json = renderJson(report);
    lines = report.totals.linesRead;
    const t = report.totals;
    note = `${t.records} records, ${t.redirects} redirects, ${t.clients} clients, ${(json.length / 1e6).toFixed(1)} MB of JSON`;
  }
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return { case: name, lines, bytes, ms, cpuMs: (cpu.user + cpu.system) / 1000, maxRssKB: process.resourceUsage().maxRSS, ...(note ? { note } : {}) };
}

async function runHar(sizeMB: number): Promise<CaseResult | null> {
  const url = new URL('./har-bench.js', import.meta.url);
  if (!existsSync(fileURLToPath(url))) return null;
  const mod = (await import(url.href)) as { benchHar?: (mb: number) => Promise<{ mbPerSec: number; peakRssMB: number; entries: number }> };
  if (typeof mod.benchHar !== 'function') return null;
  const r = await mod.benchHar(sizeMB);
  const rss = Math.max(r.peakRssMB * 1024, process.resourceUsage().maxRSS);
  return { case: 'har', lines: r.entries, bytes: sizeMB * 1e6, ms: (sizeMB / r.mbPerSec) * 1000, cpuMs: 0, maxRssKB: rss, note: `${r.mbPerSec.toFixed(1)} MB/s reported by benchHar` };
}

function countNewlines(b: Buffer): number {
  let n = 0;
  for (let i = b.indexOf(10); i >= 0; i = b.indexOf(10, i + 1)) n++;
  return n;
}

// -------------------------------------------------------------------------------------------------------------
// Parent side

const env = (k: string, d: string) => process.env[k] ?? d;

function child(args: string[], cpuProf: string | null): CaseResult {
  const nodeArgs = cpuProf ? ['--cpu-prof', '--cpu-prof-dir', join(OUT, 'prof'), '--cpu-prof-name', cpuProf] : [];
  const r = spawnSync(process.execPath, [...nodeArgs, fileURLToPath(import.meta.url), ...args], {
    encoding: 'utf8',
    maxBuffer: 16 << 20,
  });
  const last = r.stdout.trim().split('\n').pop() ?? '';
  if (r.status !== 0 || !last.startsWith('{')) {
    throw new Error(`case ${args.join(' ')} failed (exit ${r.status}):\n${r.stderr}`);
  }
  return JSON.parse(last) as CaseResult;
}

function measure(args: string[], repeat: number, cpuProf: string | null): CaseResult {
  let best: CaseResult | null = null;
  let rss = 0;
  for (let i = 0; i < repeat; i++) {
    const r = child(args, i === 0 ? cpuProf : null);
    rss = Math.max(rss, r.maxRssKB);
    if (!best || r.ms < best.ms) best = r;
  }
  return { ...best!, maxRssKB: rss };
}

const fmtRate = (n: number) => (n >= 1e6 ? `${(n / 1e6).toFixed(2)}M` : `${Math.round(n / 1e3)}k`);
const secs = (r: CaseResult) => `${(r.ms / 1000).toFixed(2)}/${(r.cpuMs / 1000).toFixed(2)}`;
const cell = (r: CaseResult) =>
  `${fmtRate(r.lines / (r.ms / 1000))} lines/s · ${(r.bytes / 1e6 / (r.ms / 1000)).toFixed(0)} MB/s · ${(r.maxRssKB / 1024).toFixed(0)} MB`;

async function logFile(lines: number, seed: number, format: GeneratedFormat): Promise<string> {
  const path = join(OUT, `${format}-${lines}-s${seed}-g${GENERATOR_VERSION}.log`);
  if (!existsSync(path)) {
    const t0 = performance.now();
    process.stderr.write(`generating ${relative(ROOT, path)} ...`);
    const r = await generateLog(path, lines, { seed, format });
    process.stderr.write(` ${(r.bytes / 1e6).toFixed(0)} MB, ${r.redirects} redirects, ${r.clients} clients (${((performance.now() - t0) / 1000).toFixed(1)} s)\n`);
  }
  return path;
}

async function splitFiles(path: string): Promise<string[]> {
  const parts = [path.replace(/\.log$/, '.part1.log'), path.replace(/\.log$/, '.part2.log')];
  if (!parts.every((p) => existsSync(p))) {
    process.stderr.write(`splitting ${relative(ROOT, path)} in two ...\n`);
    await splitLog(path, parts);
  }
  return parts;
}

function which(cmd: string): string | null {
  const r = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

/** Times an external command; peak RSS through /usr/bin/time when present. */
function timeExternal(argv: string[]): { ms: number; maxRssKB: number | null; ok: boolean; out: string } {
  const gnuTime = existsSync('/usr/bin/time');
  const cmd = gnuTime ? ['/usr/bin/time', '-f', '__MAXRSS__ %M', ...argv] : argv;
  const t0 = performance.now();
  const r: SpawnSyncReturns<string> = spawnSync(cmd[0]!, cmd.slice(1), {
    encoding: 'utf8',
    maxBuffer: 64 << 20,
    env: { ...process.env, HOME: join(OUT, 'home'), TERM: 'dumb' },
    timeout: 30 * 60_000,
  });
  const ms = performance.now() - t0;
  const m = /__MAXRSS__ (\d+)/.exec(r.stderr ?? '');
  return { ms, maxRssKB: m ? Number(m[1]) : null, ok: r.status === 0, out: (r.stdout ?? '').trim() };
}

async function main(): Promise<void> {
  mkdirSync(join(OUT, 'home'), { recursive: true });
  const sizes = env('BENCH_SIZES', '100000,2000000').split(',').map((s) => Number(s.trim())).filter((n) => n > 0);
  const seed = Number(env('BENCH_SEED', '42'));
  const formats = env('BENCH_FORMATS', 'combined,full,json').split(',').map((s) => s.trim()) as GeneratedFormat[];
  const repeat = Math.max(1, Number(env('BENCH_REPEAT', '1')));
  const external = env('BENCH_EXTERNAL', '1') !== '0';
  const harMB = Number(env('BENCH_HAR_MB', '200'));
  const cpuProf = env('BENCH_CPU_PROF', '0') === '1';
  const threads = Math.max(2, Number(env('BENCH_THREADS', String(availableParallelism()))));

  const rows: string[] = [];
  const notes: string[] = [];
  const ext: string[] = [];
  const tools = external ? { lnav: which('lnav'), goaccess: which('goaccess') } : { lnav: null, goaccess: null };
  for (const lines of sizes) {
    for (const format of formats) {
      const file = await logFile(lines, seed, format);
      const size = statSync(file).size;
      const fmtArgs = format === 'full' ? ['--log-format', 'full'] : [];
      const name = relative(ROOT, file);
      process.stderr.write(`measuring ${name} ...\n`);
      const read = measure(['--case', 'read', '--file', file, ...fmtArgs], repeat, null);
      const parse = measure(['--case', 'parse', '--file', file, ...fmtArgs], repeat, null);
      const prof = cpuProf ? `analyze-${format}-${lines}.cpuprofile` : null;
      const analyze1 = measure(['--case', 'analyze', '--threads', '1', '--file', file, ...fmtArgs], repeat, prof);
      const analyze = measure(['--case', 'analyze', '--threads', String(threads), '--file', file, ...fmtArgs], repeat, null);
      rows.push(
        `| ${format} | ${lines.toLocaleString('en-US')} | ${(size / 1e6).toFixed(0)} | ${cell(read)} | ${cell(parse)} | ${cell(analyze1)} | ${cell(analyze)} |`,
      );
      notes.push(
        `- ${format} ${lines}: parse: ${parse.note ?? ''}; analyze: ${analyze.note ?? ''}; ` +
          `wall/CPU s: read ${secs(read)}, parse ${secs(parse)}, analyze ${secs(analyze1)} (1 thread), ${secs(analyze)} (${threads} threads)`,
      );
      if (format === 'combined') {
        const parts = await splitFiles(file);
        const splitArgs = ['--case', 'analyze', ...parts.flatMap((p) => ['--file', p]), ...fmtArgs];
        const split1 = measure([...splitArgs, '--threads', '1'], repeat, null);
        const split = measure([...splitArgs, '--threads', String(threads)], repeat, null);
        rows.push(`| ${format}, split in 2 files | ${lines.toLocaleString('en-US')} | ${(size / 1e6).toFixed(0)} | – | – | ${cell(split1)} | ${cell(split)} |`);
        const ours = Math.max(analyze.lines / (analyze.ms / 1000), analyze1.lines / (analyze1.ms / 1000));
        if (!external) continue;
        for (const [tool, path] of Object.entries(tools)) {
          if (!path) continue;
          process.stderr.write(`timing ${tool} on ${name} ...\n`);
          const argv =
            tool === 'lnav'
              ? [path, '-n', '-c', ';SELECT count(*) FROM access_log', file]
              : [path, file, '--log-format=COMBINED', '-o', join(OUT, 'goaccess.json')];
          const r = timeExternal(argv);
          const theirs = lines / (r.ms / 1000);
          const rss = r.maxRssKB === null ? '?' : (r.maxRssKB / 1024).toFixed(0);
          ext.push(
            `| ${tool} | ${lines.toLocaleString('en-US')} | ${(r.ms / 1000).toFixed(2)}${r.ok ? '' : ' (failed)'} | ${fmtRate(theirs)} | ${rss} | ${(ours / theirs).toFixed(2)}× |`,
          );
        }
      }
    }
  }
  let har: string;
  if (harMB > 0) {
    const exists = existsSync(join(HERE, 'har-bench.js'));
    if (!exists) har = `HAR: skipped (bench/har-bench.ts not built: no dist/bench/har-bench.js).`;
    else {
      process.stderr.write(`measuring HAR ${harMB} MB ...\n`);
      try {
        const r = child(['--case', 'har', '--size-mb', String(harMB)], null);
        har = `| HAR | ${r.lines.toLocaleString('en-US')} entries | ${harMB} | ${(r.bytes / 1e6 / (r.ms / 1000)).toFixed(1)} MB/s · ${fmtRate(r.lines / (r.ms / 1000))} entries/s · ${(r.maxRssKB / 1024).toFixed(0)} MB peak RSS |`;
        har = `| input | entries | MB | benchHar |\n| --- | --- | --- | --- |\n${har}`;
      } catch (e) {
        har = `HAR: benchHar failed: ${(e as Error).message.split('\n')[0]}`;
      }
    }
  } else har = 'HAR: skipped (BENCH_HAR_MB=0).';

  const out: string[] = [];
  out.push(
    `Node ${process.version}, ${osLine()}, load average ${loadavg().map((x) => x.toFixed(1)).join(' ')} at the end; seed ${seed}; best of ${repeat}; ` +
      'each cell: lines/s · MB/s · peak RSS (one fresh process per case; time measured inside it, without start-up)',
  );
  out.push('');
  out.push(`| input | lines | MB | (a) read lines | (b) parse | (c) analyze + JSON report, 1 thread | (d) the same, ${threads} threads |`);
  out.push('| --- | ---: | ---: | --- | --- | --- | --- |');
  out.push(...rows);
  out.push('');
  out.push(...notes);
  out.push('');
  if (!external) out.push('External tools: skipped (BENCH_EXTERNAL=0).');
  else {
    for (const [tool, path] of Object.entries(tools)) if (!path) out.push(`${tool}: not installed, not compared.`);
    if (ext.length) {
      out.push('| tool (combined log) | lines | seconds | lines/s | peak RSS MB | redirect-audit analyze ÷ tool |');
      out.push('| --- | ---: | ---: | ---: | ---: | ---: |');
      out.push(...ext);
    }
  }
  out.push('');
  out.push(har);
  const streamLines = Number(process.env['BENCH_STREAM_LINES'] ?? 20_000_000);
  out.push('');
  if (streamLines > 0) {
    process.stderr.write(`streaming ${streamLines} lines through a pipe ...\n`);
    out.push(streamTable(await benchStream(streamLines)));
  } else out.push('Streaming: skipped (BENCH_STREAM_LINES=0).');
  process.stdout.write(`${out.join('\n')}\n`);
}

function osLine(): string {
  return `${availableParallelism()} × ${cpus()[0]?.model.trim() ?? 'cpu'}`;
}

// -------------------------------------------------------------------------------------------------------------
// --top-self: the functions with the most self time in a .cpuprofile

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount?: number; children?: number[] }[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export function topSelf(path: string, n = 15): string {
  const p = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
  const self = new Map<number, number>();
  for (let i = 0; i < p.samples.length; i++) self.set(p.samples[i]!, (self.get(p.samples[i]!) ?? 0) + (p.timeDeltas[i] ?? 0));
  const byFn = new Map<string, number>();
  for (const node of p.nodes) {
    const us = self.get(node.id) ?? 0;
    if (!us) continue;
    const f = node.callFrame;
    const file = f.url ? f.url.replace(/^file:\/\/.*?\/dist\//, '').replace(/^node:/, 'node:') : '';
    const key = `${f.functionName || '(anonymous)'} ${file ? `${file}:${f.lineNumber + 1}` : ''}`.trim();
    byFn.set(key, (byFn.get(key) ?? 0) + us);
  }
  const total = p.endTime - p.startTime;
  const rows = [...byFn.entries()].sort((a, b) => b[1] - a[1]).slice(0, n);
  const lines = ['| # | function | self ms | self % |', '| ---: | --- | ---: | ---: |'];
  rows.forEach(([k, us], i) => lines.push(`| ${i + 1} | \`${k}\` | ${(us / 1000).toFixed(0)} | ${((us / total) * 100).toFixed(1)} |`));
  return `${lines.join('\n')}\n\nprofile: ${(total / 1e6).toFixed(2)} s sampled`;
}

// -------------------------------------------------------------------------------------------------------------
// --stages: a profile's time by stage of the analysis (bench/profile.md, "What a redirect costs")

/**
 * Each stage is named by the functions that begin it; a sample counts for the first of them met from its leaf up
 * (`decide`, called from `solve`, counts as deciding; `solve`'s own evidence as assigning). Order matters only
 * where one stage's function calls another's.
 */
const STAGES: [string, string][] = [
  ['(garbage collector)', 'garbage collection'],
  ['writeReport', 'report'],
  ['build', 'report'],
  ['jsonChunks', 'report'],
  ['take', 'count the pair (classification, client counts, examples, route figures)'],
  ['record', 'count the line (route figures)'],
  ['decide', 'decide (pair, chain, reasons)'],
  ['observe', 'learn routes (observe: first requests after it, its URL and route models)'],
  ['solve', 'assign (solve: candidates, evidence, assignment)'],
  ['open', 'open a redirect (tokens, models, scan back)'],
  ['notice', 'notice candidates'],
  ['identOf', 'find the client'],
  ['push', 'pairing push (the rest)'],
  ['advance', 'pairing clock (the rest)'],
  ['parseLines', 'read + parse'],
  ['readLines', 'read + parse'],
  ['handleWith', 'read + parse'],
];

/** The profile's samples by stage (see STAGES); with `per` (redirects, lines), the µs each costs. */
export function stages(path: string, per = 0, unit = 'redirect'): string {
  const p = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
  const stageOf = new Map(STAGES);
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const by = new Map<string, number>();
  let total = 0;
  for (let i = 0; i < p.samples.length; i++) {
    // (A sample lasts until the next one: the delta after it, as DevTools counts. `topSelf` takes the delta before
    // it, which moves a stage's share by up to two points: garbage collection 12.1% this way, 13.9% that way, on
    // the 90%-redirects profile of bench/profile.md. Compare shares made the same way.)
    const us = p.timeDeltas[i + 1] ?? 0;
    let stage = 'other';
    for (let id: number | undefined = p.samples[i]; id !== undefined; id = parent.get(id)) {
      const s = stageOf.get(byId.get(id)!.callFrame.functionName);
      if (s) {
        stage = s;
        break;
      }
    }
    by.set(stage, (by.get(stage) ?? 0) + us);
    total += us;
  }
  const lines = [`| stage | s | share |${per ? ` µs a ${unit} |` : ''}`, `| --- | ---: | ---: |${per ? ' ---: |' : ''}`];
  for (const [k, us] of [...by].sort((a, b) => b[1] - a[1])) {
    lines.push(`| ${k} | ${(us / 1e6).toFixed(2)} | ${((us / total) * 100).toFixed(1)}% |${per ? ` ${(us / per).toFixed(1)} |` : ''}`);
  }
  return `${lines.join('\n')}\n\nprofile: ${(total / 1e6).toFixed(2)} s sampled`;
}

// -------------------------------------------------------------------------------------------------------------

const argv = process.argv.slice(2);
const opt = (k: string) => argv.filter((_, i) => argv[i - 1] === k);
if (argv[0] === '--top-self') {
  process.stdout.write(`${topSelf(argv[1]!, Number(argv[2] ?? 15))}\n`);
} else if (argv[0] === '--stages') {
  process.stdout.write(`${stages(argv[1]!, Number(argv[2] ?? 0), argv[3] ?? 'redirect')}\n`);
} else if (argv[0] === '--heap') {
  process.stdout.write(`${heapByOwner(argv[1]!, Number(argv[2] ?? 25), argv[3] ?? null, Number(argv[4] ?? 3))}\n`);
} else if (argv.includes('--case')) {
  // As the CLI (cli/bin.ts) runs.
  limitHeapGrowth();
  const name = opt('--case')[0] as CaseName;
  if (name === 'har') {
    const r = await runHar(Number(opt('--size-mb')[0] ?? 200));
    if (!r) {
      process.stderr.write('bench/har-bench.js has no benchHar\n');
      process.exitCode = 1;
    } else process.stdout.write(`${JSON.stringify(r)}\n`);
  } else {
    const t = opt('--threads')[0];
    const r = await runCase(name, opt('--file'), opt('--log-format')[0], t === undefined ? undefined : Number(t));
    process.stdout.write(`${JSON.stringify(r)}\n`);
  }
} else if (argv.includes('--matrix') || process.env['BENCH_MATRIX'] === '1') {
  process.stdout.write(`${await runMatrix()}\n`);
} else {
  await main();
}
