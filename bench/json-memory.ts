/**
 * Memory on a big JSON document: a Zipkin v2 array of N MB (or a Jaeger `/api/traces` body, or a `gcloud logging
 * read --format=json` array), generated on the fly and piped into `redirect-audit analyze -` (never written to
 * disk), with the analyzer's peak RSS (VmHWM) and CPU time (utime + stime) read from /proc while it runs. The
 * Zipkin and Jaeger documents are one line and the gcloud array is pretty-printed, so none is read a line at a
 * time: each goes through the byte splitter (parsers/json-splitter.ts).
 *
 *   npx tsc -p tsconfig.json && node dist/bench/json-memory.js 200        # MB; 1024 for the 1 GB run
 *   node dist/bench/json-memory.js 200 jaeger --threads 1                 # a shape, then options for analyze
 *
 * test/traces.test.ts runs it on 30 MB.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { JSON_SHAPES, type JsonShape } from './json-gen.js';

// The built CLI, from dist/bench/ or (under vitest, from the source) bench/.
const BIN = fileURLToPath(new URL(import.meta.url.includes('/dist/') ? '../cli/bin.js' : '../dist/cli/bin.js', import.meta.url));

/** CPU seconds (user + system) of a running process, from /proc/PID/stat; null once it is gone. */
function cpuSeconds(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100 on Linux)
  } catch {
    return null;
  }
}

function statusKB(pid: number, field: string): number | null {
  try {
    const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

export interface JsonMemoryResult {
  mb: number;
  seconds: number;
  /** The analyzer's CPU time, user + system (last reading before it exited, within a few ms). */
  cpuSeconds: number;
  peakRssMB: number;
  records: number;
  redirects: number;
  format: string;
  exitCode: number;
  /** [MB sent so far, analyzer RSS in MB] at each tenth of the input. */
  samples: [number, number][];
}

export async function jsonMemory(mb: number, extraArgs: string[] = [], shape: JsonShape = 'zipkin'): Promise<JsonMemoryResult> {
  const args = [BIN, 'analyze', '--report', 'json', '--log-level', 'silent', ...extraArgs, '-'];
  const child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  const exited = new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? -1)));
  let peak = 0;
  let cpu = 0;
  const read = () => {
    const v = statusKB(child.pid!, 'VmHWM');
    if (v !== null && v > peak) peak = v;
    const c = cpuSeconds(child.pid!);
    if (c !== null && c > cpu) cpu = c;
  };
  const poll = setInterval(read, 25);
  const t0 = performance.now();
  let sent = 0;
  const samples: [number, number][] = [];
  let nextSample = (mb * 1024 * 1024) / 10;
  for (const chunk of JSON_SHAPES[shape](mb * 1024 * 1024)) {
    sent += chunk.length;
    if (sent >= nextSample) {
      nextSample += (mb * 1024 * 1024) / 10;
      const rss = statusKB(child.pid!, 'VmRSS');
      if (rss !== null) samples.push([Math.round(sent / 1024 / 1024), Math.round(rss / 1024)]);
    }
    if (!child.stdin!.write(chunk)) await new Promise((r) => child.stdin!.once('drain', r));
  }
  // The last reading before the process goes: VmHWM is its peak so far.
  const last = setInterval(read, 5);
  child.stdin!.end();
  const exitCode = await exited;
  clearInterval(poll);
  clearInterval(last);
  const seconds = (performance.now() - t0) / 1000;
  let records = 0;
  let redirects = 0;
  let format = '?';
  try {
    const report = JSON.parse(out) as { inputs: { records: number; format: string }[]; totals: { redirects: number } };
    records = report.inputs[0]!.records;
    format = report.inputs[0]!.format;
    redirects = report.totals.redirects;
  } catch {
    // reported through exitCode and records = 0
  }
  return { mb: sent / 1024 / 1024, seconds, cpuSeconds: cpu, peakRssMB: peak / 1024, records, redirects, format, exitCode, samples };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const mb = Number(process.argv[2] ?? 200);
  const named = (process.argv[3] ?? '') in JSON_SHAPES;
  const shape = (named ? process.argv[3] : 'zipkin') as JsonShape;
  const r = await jsonMemory(mb, process.argv.slice(named ? 4 : 3), shape);
  process.stdout.write(
    `${r.format}: ${r.mb.toFixed(0)} MB piped in ${r.seconds.toFixed(1)} s (${(r.mb / r.seconds).toFixed(1)} MB/s), ` +
      `analyzer CPU ${r.cpuSeconds.toFixed(1)} s (${(r.mb / r.cpuSeconds).toFixed(1)} MB per CPU second), ` +
      `${r.records} records, ${r.redirects} redirects, peak RSS ${r.peakRssMB.toFixed(0)} MB, exit ${r.exitCode}\n` +
      `RSS as it flows (MB sent: MB): ${r.samples.map(([a, b]) => `${a}: ${b}`).join(', ')}\n`,
  );
}
