/**
 * Memory on a big JSON document: a Zipkin v2 array of N MB, generated on the fly and piped into
 * `redirect-audit analyze -` (never written to disk), with the analyzer's peak RSS (VmHWM) read from /proc while
 * it runs. The document is one line, so it is read by stream-json's tokenizer a span at a time.
 *
 *   npx tsc -p tsconfig.json && node dist/bench/json-memory.js 200        # MB; 1024 for the 1 GB run
 *
 * test/traces.test.ts runs it on 30 MB.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { zipkinArray } from './json-gen.js';

// The built CLI, from dist/bench/ or (under vitest, from the source) bench/.
const BIN = fileURLToPath(new URL(import.meta.url.includes('/dist/') ? '../cli/bin.js' : '../dist/cli/bin.js', import.meta.url));

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
  peakRssMB: number;
  records: number;
  redirects: number;
  format: string;
  exitCode: number;
  /** [MB sent so far, analyzer RSS in MB] at each tenth of the input. */
  samples: [number, number][];
}

export async function jsonMemory(mb: number, extraArgs: string[] = []): Promise<JsonMemoryResult> {
  const args = [BIN, 'analyze', '--report', 'json', '--log-level', 'silent', ...extraArgs, '-'];
  const child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  const exited = new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? -1)));
  let peak = 0;
  const poll = setInterval(() => {
    const v = statusKB(child.pid!, 'VmHWM');
    if (v !== null && v > peak) peak = v;
  }, 25);
  const t0 = performance.now();
  let sent = 0;
  const samples: [number, number][] = [];
  let nextSample = (mb * 1024 * 1024) / 10;
  for (const chunk of zipkinArray(mb * 1024 * 1024)) {
    sent += chunk.length;
    if (sent >= nextSample) {
      nextSample += (mb * 1024 * 1024) / 10;
      const rss = statusKB(child.pid!, 'VmRSS');
      if (rss !== null) samples.push([Math.round(sent / 1024 / 1024), Math.round(rss / 1024)]);
    }
    if (!child.stdin!.write(chunk)) await new Promise((r) => child.stdin!.once('drain', r));
  }
  // The last reading before the process goes: VmHWM is its peak so far.
  const last = setInterval(() => {
    const v = statusKB(child.pid!, 'VmHWM');
    if (v !== null && v > peak) peak = v;
  }, 5);
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
  return { mb: sent / 1024 / 1024, seconds, peakRssMB: peak / 1024, records, redirects, format, exitCode, samples };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const mb = Number(process.argv[2] ?? 200);
  const r = await jsonMemory(mb, process.argv.slice(3));
  process.stdout.write(
    `${r.format}: ${r.mb.toFixed(0)} MB piped in ${r.seconds.toFixed(1)} s (${(r.mb / r.seconds).toFixed(1)} MB/s), ` +
      `${r.records} records, ${r.redirects} redirects, peak RSS ${r.peakRssMB.toFixed(0)} MB, exit ${r.exitCode}\n` +
      `RSS as it flows (MB sent: MB): ${r.samples.map(([a, b]) => `${a}: ${b}`).join(', ')}\n`,
  );
}
