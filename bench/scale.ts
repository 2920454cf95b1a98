/**
 * Issue #17's numbers: lines/s for 1, 2 and 4 shard processes, reading files (`--shard K/N`, narrowing and
 * `--shard-records`) and reading a three-node NATS JetStream cluster (`analyze --nats`), and what `merge` costs.
 * Not part of `npm test`; it prints numbers, it does not pass or fail.
 *
 *   npm run build && node dist/bench/scale.js [lines=200000]
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateLog, FULL_LOG_FORMAT } from './generate.js';
import { NatsCluster, natsServerBinary } from './nats-cluster.js';
import { mergeReports } from '../src/merge-reports.js';
import type { AuditReport } from '../src/report.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = join(ROOT, 'dist/cli/bin.js');
const OUT = join(ROOT, 'bench/out');

function run(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    p.on('close', (code) => (code === 0 || code === 1 ? resolve() : reject(new Error(`${args.join(' ')}: exit ${code}: ${err}`))));
  });
}

async function timed(f: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await f();
  return (performance.now() - t) / 1000;
}

async function main(): Promise<void> {
  const lines = Number(process.argv[2] ?? 200_000);
  mkdirSync(OUT, { recursive: true });
  const log = join(OUT, `scale-${lines}.log`);
  await generateLog(log, lines, { seed: 3, format: 'full' });
  console.log(`${lines} lines (generated, full format), ${availableParallelism()} cores (${cpus()[0]?.model ?? '?'})`);
  const common = ['--log-format', FULL_LOG_FORMAT, '--report', 'json', '--threads', '1'];
  const rows: string[] = ['| processes | files: --shard K/N | files: --shard K/N --shard-records | NATS: analyze --nats (3 nodes) |', '| --- | --- | --- | --- |'];

  const cluster = natsServerBinary() ? await NatsCluster.start(3) : null;
  try {
    for (const n of [1, 2, 4]) {
      const shards = Array.from({ length: n }, (_, k) => k);
      const files = await timed(() => Promise.all(shards.map((k) => run(['analyze', ...common, '--shard', `${k}/${n}`, '-o', join(OUT, `f${n}-${k}.json`), log]))));
      const split = await timed(() =>
        Promise.all(shards.map((k) => run(['analyze', ...common, '--shard', `${k}/${n}`, '--shard-records', '-o', join(OUT, `s${n}-${k}.json`), log]))),
      );
      let nats = '-';
      if (cluster) {
        const publish = await timed(() =>
          run(['publish', '--nats', cluster.url, '--subject', `b${n}`, '--shards', String(n), '--stream', `B${n}`, '--replicas', '3', '--log-format', FULL_LOG_FORMAT, log]),
        );
        const consume = await timed(() =>
          Promise.all(
            shards.map((k) =>
              run(['analyze', '--nats', cluster.url, '--stream', `B${n}`, '--subject', `b${n}`, '--shard', `${k}/${n}`, ...common, '-o', join(OUT, `n${n}-${k}.json`)]),
            ),
          ),
        );
        nats = `${Math.round(lines / consume).toLocaleString('en')} lines/s (${consume.toFixed(2)} s; publish ${Math.round(lines / publish).toLocaleString('en')} lines/s)`;
      }
      const rate = (s: number) => `${Math.round(lines / s).toLocaleString('en')} lines/s (${s.toFixed(2)} s)`;
      rows.push(`| ${n} | ${rate(files)} | ${rate(split)} | ${nats} |`);
    }
  } finally {
    await cluster?.stop();
  }
  console.log(rows.join('\n'));

  // The merge: 4 shard reports into one, in process (parse + merge) and as the command.
  const parts = [0, 1, 2, 3].map((k) => join(OUT, `f4-${k}.json`));
  const bytes = parts.reduce((n, p) => n + readFileSync(p).length, 0);
  const reports = parts.map((p) => JSON.parse(readFileSync(p, 'utf8')) as AuditReport);
  const t = performance.now();
  const merged = mergeReports(reports);
  const mergeMs = performance.now() - t;
  const cmd = await timed(() => run(['merge', ...parts, '-o', join(OUT, 'merged.json')]));
  const weekly = await timed(() => run(['merge', ...Array.from({ length: 7 }, () => parts[0]!), '-o', join(OUT, 'weekly.json')]));
  console.log(
    `merge of 4 shard reports (${(bytes / 1e6).toFixed(1)} MB, ${merged.clients.length} clients, ${merged.monitoring.routes.length} routes): ` +
      `${mergeMs.toFixed(0)} ms in process; \`redirect-audit merge\` ${cmd.toFixed(2)} s; 7 reports (a week of nights) ${weekly.toFixed(2)} s`,
  );
}

await main();
