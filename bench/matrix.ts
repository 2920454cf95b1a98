/**
 * The shape matrix: the CLI's cost per line over traffic shapes (bench/shapes.ts), one axis varied at a time from a
 * base shape, each cell a generated log of BENCH_MATRIX_LINES lines (300k). Run by `BENCH_MATRIX=1 npm run bench`
 * or `node dist/bench/run.js --matrix`; prints a Markdown table.
 *
 * Each cell: the CLI as a user runs it (`node dist/cli/bin.js analyze --report json -o /dev/null`), once with
 * `--threads 1` and once with the default threads, each a fresh process: wall time measured around it (start-up
 * included), peak RSS and CPU time (all threads) from getrusage inside it (bench/rss-probe.ts, preloaded). Then lnav
 * (`lnav -n -c ';SELECT count(*) FROM access_log' FILE`) and goaccess (`goaccess FILE --log-format=COMBINED -o
 * x.json`) on the same file when installed, timed with /usr/bin/time. Under the table, the cost of a line split into
 * that of a line without a redirect and that of a redirect line (`splitCost`), fitted over the cells that vary only
 * the share of redirects: whether a redirect costs the same however many there are.
 *
 * Environment:
 *   BENCH_MATRIX_LINES=300000   lines per cell
 *   BENCH_MATRIX_CELLS=a,b      only these cells (names as in the table); the base is always run
 *   BENCH_REPEAT=1              runs per CLI measurement, the fastest kept (peak RSS: the highest)
 *   BENCH_EXTERNAL=1            time lnav / goaccess when installed (0 to skip)
 *   BENCH_SEED=42
 *   BENCH_MATRIX_THREADS=N      --threads of the second CLI column (default: none given, the CLI's default, which
 *                               starts a worker only for files of 64 MiB or more: marked "worker" in the table)
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BASE_SHAPE, LOCATION_LOG_FORMAT, generateShape, type Shape, type ShapeResult } from './shapes.js';

const HERE = dirname(fileURLToPath(import.meta.url)); // dist/bench
const ROOT = resolve(HERE, '..', '..');
const OUT = join(ROOT, 'bench', 'out');
const BIN = join(ROOT, 'dist', 'cli', 'bin.js');
const PROBE = join(HERE, 'rss-probe.js');
/** Bump when bench/shapes.ts's output changes, so cached logs are not reused. */
const SHAPES_VERSION = 1;
/** src/run.ts: below this, the CLI's default reads a file in the main thread (no worker). */
const WORKERS_FROM_BYTES = 64 * 1024 * 1024;

export interface Cell {
  name: string;
  /** What differs from the base, as written in the table. */
  varied: string;
  shape: Shape;
}

/** The base shape and one axis varied at a time (plus two cells where two stresses meet). */
export function matrixCells(seed: number): Cell[] {
  const b: Shape = { ...BASE_SHAPE, seed };
  const cells: Cell[] = [{ name: 'base', varied: '— (5% redirects, 10k clients, 1,000 lines/s, 5% NAT, no Location)', shape: b }];
  const add = (name: string, varied: string, over: Partial<Shape>) => cells.push({ name, varied, shape: { ...b, ...over } });
  for (const s of [0.01, 0.2, 0.5, 0.9]) add(`redirects-${s * 100}`, `redirects ${s * 100}%`, { redirectShare: s });
  add('clients-100', 'clients 100', { clients: 100 });
  add('clients-1k', 'clients 1,000', { clients: 1_000 });
  add('clients-100k', 'clients 100k', { clients: 100_000 });
  add('clients-1M', 'clients 1M (as many as the lines allow)', { clients: 1_000_000 });
  add('rate-10', 'rate 10 lines/s', { rate: 10 });
  add('rate-100', 'rate 100 lines/s', { rate: 100 });
  add('rate-10k', 'rate 10,000 lines/s', { rate: 10_000 });
  add('rate-50k', 'rate 50,000 lines/s', { rate: 50_000 });
  add('nat-0', 'NAT 0%', { natShare: 0 });
  add('nat-30', 'NAT 30%', { natShare: 0.3 });
  add('location', 'Location logged', { location: true });
  add('location-redirects-50', 'Location logged, redirects 50%', { location: true, redirectShare: 0.5 });
  add('rate-50k-nat-30', 'rate 50,000 lines/s, NAT 30%', { rate: 50_000, natShare: 0.3 });
  return cells;
}

/** One cell's CPU per line (one thread, start-up taken off) at its share of redirect lines. */
export interface CostPoint {
  name: string;
  /** Share of its lines that are redirects, 0 to 1. */
  share: number;
  /** CPU microseconds a line. */
  us: number;
}

/**
 * The cost of a line split in two, from cells that differ only in their share of redirects: the least-squares line
 * through (share, µs a line) gives a line without a redirect (`plain`, at share 0) and a redirect line (`redirect`,
 * at share 1). Where the cost of a redirect does not grow with how many there are, the cells lie on that line; a
 * scan over the open redirects would bend them above it at high shares. Null without two distinct shares.
 */
export function splitCost(points: readonly CostPoint[]): { plain: number; redirect: number } | null {
  const n = points.length;
  if (n < 2) return null;
  const ms = points.reduce((a, p) => a + p.share, 0) / n;
  const mu = points.reduce((a, p) => a + p.us, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (const p of points) {
    sxy += (p.share - ms) * (p.us - mu);
    sxx += (p.share - ms) ** 2;
  }
  if (sxx === 0) return null;
  const slope = sxy / sxx;
  const plain = mu - slope * ms;
  return { plain, redirect: plain + slope };
}

/** Whether `a` is `b` but for its share of redirects. */
function onlyShareDiffers(a: Shape, b: Shape): boolean {
  return (Object.keys(b) as (keyof Shape)[]).every((k) => k === 'redirectShare' || a[k] === b[k]);
}

interface Run {
  ms: number;
  cpuMs: number;
  maxRssKB: number;
}

interface External {
  ms: number;
  maxRssKB: number | null;
  ok: boolean;
  /** What the tool counted: lnav's count(*), goaccess's valid requests. */
  counted: number | null;
}

async function shapeFile(cell: Cell, lines: number): Promise<{ path: string; gen: ShapeResult }> {
  const s = cell.shape;
  const path = join(OUT, `shape-${cell.name}-${lines}-s${s.seed}-v${SHAPES_VERSION}.log`);
  const meta = `${path}.json`;
  if (existsSync(path) && existsSync(meta)) return { path, gen: JSON.parse(readFileSync(meta, 'utf8')) as ShapeResult };
  mkdirSync(OUT, { recursive: true });
  process.stderr.write(`generating ${relative(ROOT, path)} ...`);
  const t0 = performance.now();
  const gen = await generateShape(path, lines, s);
  writeFileSync(meta, `${JSON.stringify(gen)}\n`);
  process.stderr.write(` ${(gen.bytes / 1e6).toFixed(0)} MB (${((performance.now() - t0) / 1000).toFixed(1)} s)\n`);
  return { path, gen };
}

function runCli(file: string, location: boolean, threads: number | null, repeat: number): Run {
  const args = ['--import', PROBE, BIN, 'analyze', '--report', 'json', '-o', '/dev/null', '--log-level', 'silent'];
  if (threads !== null) args.push('--threads', String(threads));
  if (location) args.push('--log-format', LOCATION_LOG_FORMAT);
  args.push(file);
  let best: Run | null = null;
  let rss = 0;
  for (let i = 0; i < repeat; i++) {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 16 << 20 });
    const ms = performance.now() - t0;
    const m = /__PROBE__ (\{.*\})/.exec(r.stderr ?? '');
    if (r.status !== 0 || !m) throw new Error(`analyze ${file} failed (exit ${r.status}):\n${r.stderr}`);
    const p = JSON.parse(m[1]!) as { maxRssKB: number; cpuMs: number };
    rss = Math.max(rss, p.maxRssKB);
    if (!best || ms < best.ms) best = { ms, cpuMs: p.cpuMs, maxRssKB: 0 };
  }
  return { ...best!, maxRssKB: rss };
}

function which(cmd: string): string | null {
  const r = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

function version(cmd: string, flag: string): string {
  const r = spawnSync(cmd, [flag], { encoding: 'utf8', env: { ...process.env, HOME: join(OUT, 'home') } });
  return (r.stdout || r.stderr || '').split('\n')[0]!.trim();
}

function timeExternal(argv: string[], count: (stdout: string) => number | null): External {
  const gnuTime = existsSync('/usr/bin/time');
  const cmd = gnuTime ? ['/usr/bin/time', '-f', '__MAXRSS__ %M', ...argv] : argv;
  const t0 = performance.now();
  const r = spawnSync(cmd[0]!, cmd.slice(1), {
    encoding: 'utf8',
    maxBuffer: 64 << 20,
    env: { ...process.env, HOME: join(OUT, 'home'), TERM: 'dumb' },
    timeout: 30 * 60_000,
  });
  const ms = performance.now() - t0;
  const m = /__MAXRSS__ (\d+)/.exec(r.stderr ?? '');
  return { ms, maxRssKB: m ? Number(m[1]) : null, ok: r.status === 0, counted: r.status === 0 ? count(r.stdout ?? '') : null };
}

const rate = (lines: number, ms: number) => {
  const n = lines / (ms / 1000);
  return n >= 1e6 ? `${(n / 1e6).toFixed(2)}M` : `${Math.round(n / 1e3)}k`;
};
const mb = (kb: number | null) => (kb === null ? '?' : (kb / 1024).toFixed(0));
const int = (n: number) => n.toLocaleString('en-US');

function span(ms: number): string {
  const s = ms / 1000;
  return s >= 3600 ? `${(s / 3600).toFixed(1)} h` : s >= 60 ? `${(s / 60).toFixed(1)} min` : `${s.toFixed(0)} s`;
}

export async function runMatrix(): Promise<string> {
  mkdirSync(join(OUT, 'home'), { recursive: true });
  const env = (k: string, d: string) => process.env[k] ?? d;
  const lines = Number(env('BENCH_MATRIX_LINES', '300000'));
  const seed = Number(env('BENCH_SEED', '42'));
  const repeat = Math.max(1, Number(env('BENCH_REPEAT', '1')));
  const external = env('BENCH_EXTERNAL', '1') !== '0';
  const only = env('BENCH_MATRIX_CELLS', '').split(',').map((s) => s.trim()).filter(Boolean);
  const cells = matrixCells(seed).filter((c) => c.name === 'base' || only.length === 0 || only.includes(c.name));
  const threadsEnv = env('BENCH_MATRIX_THREADS', '');
  const threadsArg = threadsEnv ? Number(threadsEnv) : null;
  const lnav = external ? which('lnav') : null;
  const goaccess = external ? which('goaccess') : null;
  const load0 = loadavg();
  const t0 = performance.now();

  const rows: string[] = [];
  const notes: string[] = [];
  // Start-up (node, imports, report of nothing): measured on a 100-line log, taken off before the cost per line.
  const tiny = join(OUT, `shape-startup-100-s${seed}-v${SHAPES_VERSION}.log`);
  if (!existsSync(tiny)) await generateShape(tiny, 100, { ...BASE_SHAPE, seed });
  const startup = runCli(tiny, false, 1, 3);
  let base: { ms1: number; cpu1: number } | null = null;
  const points: CostPoint[] = [];
  for (const cell of cells) {
    const { path, gen } = await shapeFile(cell, lines);
    const bytes = statSync(path).size;
    const d = { redirects: gen.redirects, identities: gen.identities, spanMs: gen.lastMs - gen.firstMs };
    const loadAt = loadavg()[0]!;
    process.stderr.write(`measuring ${cell.name} (load ${loadAt.toFixed(1)}) ...\n`);
    const one = runCli(path, cell.shape.location, 1, repeat);
    const dflt = runCli(path, cell.shape.location, threadsArg, repeat);
    const ms1 = Math.max(1, one.ms - startup.ms);
    const cpu1 = Math.max(1, one.cpuMs - startup.cpuMs);
    if (!base) base = { ms1, cpu1 };
    if (onlyShareDiffers(cell.shape, cells[0]!.shape)) points.push({ name: cell.name, share: d.redirects / lines, us: (cpu1 * 1000) / lines });
    const rel = `${(ms1 / base.ms1).toFixed(2)}× · ${(cpu1 / base.cpu1).toFixed(2)}×`;
    const flag = ms1 / base.ms1 > 1.5 || cpu1 / base.cpu1 > 1.5 ? ' **' : '';
    const ours = Math.min(one.ms, dflt.ms);
    let ln = '–';
    let lnRatio = '–';
    let ga = '–';
    let gaRatio = '–';
    if (lnav) {
      const r = timeExternal([lnav, '-n', '-c', ';SELECT count(*) FROM access_log', path], (out) => {
        const m = /(\d+)\s*$/.exec(out.trim());
        return m ? Number(m[1]) : null;
      });
      ln = `${(r.ms / 1000).toFixed(2)} s · ${mb(r.maxRssKB)} MB${r.ok ? '' : ' (failed)'}${r.counted !== null && r.counted !== lines ? ` (counted ${int(r.counted)})` : ''}`;
      lnRatio = `${(r.ms / ours).toFixed(2)}×`;
    }
    if (goaccess) {
      const json = join(OUT, 'goaccess-matrix.json');
      const r = timeExternal([goaccess, path, '--log-format=COMBINED', '-o', json], () => {
        try {
          return (JSON.parse(readFileSync(json, 'utf8')) as { general?: { valid_requests?: number } }).general?.valid_requests ?? null;
        } catch {
          return null;
        }
      });
      ga = `${(r.ms / 1000).toFixed(2)} s · ${mb(r.maxRssKB)} MB${r.ok ? '' : ' (failed)'}${r.counted !== null && r.counted !== lines ? ` (valid ${int(r.counted)})` : ''}`;
      gaRatio = `${(r.ms / ours).toFixed(2)}×`;
    }
    const cli = (r: Run) => `${(r.ms / 1000).toFixed(2)} s · ${rate(lines, r.ms)} · ${mb(r.maxRssKB)} MB`;
    const worker = threadsArg === null && bytes >= WORKERS_FROM_BYTES && availableParallelism() > 1 ? ' (worker)' : '';
    rows.push(
      `| ${cell.name}${flag} | ${cell.varied} | ${((d.redirects / lines) * 100).toFixed(1)}% | ${int(d.identities)} | ${span(d.spanMs)} | ${(bytes / 1e6).toFixed(0)} | ${cli(one)} | ${cli(dflt)}${worker} | ${rel} | ${ln} | ${lnRatio} | ${ga} | ${gaRatio} |`,
    );
    notes.push(`${cell.name}: load ${loadAt.toFixed(1)}, CPU s ${(one.cpuMs / 1000).toFixed(2)} (1 thread) / ${(dflt.cpuMs / 1000).toFixed(2)} (${threadsArg === null ? 'default' : `${threadsArg} threads`})`);
  }
  const out: string[] = [];
  out.push(
    `Shape matrix: ${int(lines)} lines a cell, seed ${seed}, best of ${repeat}; Node ${process.version}, ${availableParallelism()} × ${cpus()[0]?.model.trim() ?? 'cpu'}; ` +
      `load average ${load0.map((x) => x.toFixed(1)).join(' ')} at the start, ${loadavg().map((x) => x.toFixed(1)).join(' ')} at the end (${((performance.now() - t0) / 60_000).toFixed(1)} min)` +
      (!external
        ? '; lnav and goaccess not run (BENCH_EXTERNAL=0)'
        : (lnav ? `; ${version(lnav, '-V')}` : '; lnav not installed') +
          (goaccess ? `; ${version(goaccess, '-V').replace(/\s*-\s*$/, '').replace(/\.$/, '')}` : '; goaccess not installed')),
  );
  out.push('');
  out.push(
    `CLI cells: wall s (start-up included) · lines/s · peak RSS. Cost per line vs base: 1-thread wall · 1-thread CPU, both less the start-up ` +
      `(${(startup.ms / 1000).toFixed(2)} s wall, ${(startup.cpuMs / 1000).toFixed(2)} s CPU on a 100-line log); ** above 1.5×. ` +
      'lnav ÷ / goaccess ÷: their wall time over the faster of the two CLI runs (above 1 the CLI is faster; the issue asks for 2).',
  );
  out.push('');
  out.push(`| cell | varied from the base | 3xx lines | identities | log span | MB | analyze \`--threads 1\` | analyze, ${threadsArg === null ? 'default threads' : `\`--threads ${threadsArg}\``} | cost/line vs base | lnav | lnav ÷ | goaccess | goaccess ÷ |`);
  out.push('| --- | --- | ---: | ---: | ---: | ---: | --- | --- | ---: | --- | ---: | --- | ---: |');
  out.push(...rows);
  out.push('');
  out.push(`Load and CPU per cell: ${notes.join('; ')}.`);
  const split = splitCost(points);
  if (split) {
    const us = (x: number) => x.toFixed(1);
    const line = (p: CostPoint) => `${p.name} ${us(p.us)} (line: ${us(split.plain + (split.redirect - split.plain) * p.share)})`;
    out.push('');
    out.push(
      `Cost split (CPU µs a line, one thread, start-up taken off; least squares over ${points.map((p) => p.name).join(', ')}, ` +
        `the cells that vary only the share of redirects): a line without a redirect ${us(split.plain)} µs, a redirect line ` +
        `${us(split.redirect)} µs (${(split.redirect / split.plain).toFixed(1)}×). Measured against that line: ${points.map(line).join('; ')}.`,
    );
  }
  return out.join('\n');
}
