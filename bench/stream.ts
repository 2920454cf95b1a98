/**
 * Memory on an endless stream: tens of millions of generated lines piped into `redirect-audit analyze -`, with
 * the analyzer's resident memory sampled as they flow. Flat means the state is bounded by the open redirects and
 * the capped tables, not by what has gone by. Run by `npm run bench` (BENCH_STREAM_LINES, default 20M; 0 skips).
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { generateLog } from './generate.js';

const BIN = fileURLToPath(new URL('../cli/bin.js', import.meta.url));

function rssMB(pid: number): number | null {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : null;
  } catch {
    return null;
  }
}

export interface StreamResult {
  lines: number;
  maxClients: number;
  seconds: number;
  /** [lines sent so far, analyzer RSS in MB] at each tenth of the stream, and the peak. */
  samples: [number, number][];
  peakMB: number;
}

export async function benchStream(lines: number, maxClients = 10_000): Promise<StreamResult> {
  // The generated traffic keeps bringing new clients (40,000 in all): the cap is what keeps an endless stream flat.
  const args = ['analyze', '--report', 'json', '-o', '/dev/null', '--log-level', 'silent', '--max-clients', String(maxClients), '-'];
  const child = spawn(process.execPath, [BIN, ...args], {
    stdio: ['pipe', 'ignore', 'inherit'],
  });
  const exited = new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? -1)));
  let sent = 0;
  let peak = 0;
  const samples: [number, number][] = [];
  const step = Math.max(1, Math.floor(lines / 10));
  let next = step;
  const counting = new (class extends (await import('node:stream')).Writable {
    override _write(chunk: Buffer, _enc: BufferEncoding, cb: (e?: Error | null) => void): void {
      for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) sent++;
      if (!child.stdin.write(chunk)) child.stdin.once('drain', () => cb());
      else cb();
    }
    override _final(cb: (e?: Error | null) => void): void {
      child.stdin.end(cb);
    }
  })();
  const timer = setInterval(() => {
    const r = rssMB(child.pid!);
    if (r === null) return;
    peak = Math.max(peak, r);
    if (sent >= next) {
      samples.push([sent, Math.round(r)]);
      next += step;
    }
  }, 200);
  const t0 = performance.now();
  await generateLog('-', lines, { seed: 42, format: 'combined', out: counting });
  const code = await exited;
  clearInterval(timer);
  if (code !== 0) throw new Error(`analyze exited ${code}`);
  return { lines, maxClients, seconds: (performance.now() - t0) / 1000, samples, peakMB: Math.round(peak) };
}

export function streamTable(r: StreamResult): string {
  const rows = r.samples.map(([n, mb]) => `| ${n.toLocaleString('en-US')} | ${mb} |`);
  return [
    `Streaming ${r.lines.toLocaleString('en-US')} generated lines through a pipe into \`analyze --max-clients ${r.maxClients.toLocaleString('en-US')} -\` (${r.seconds.toFixed(0)} s): analyzer RSS as the lines flow, peak ${r.peakMB} MB`,
    '',
    '| lines sent | RSS MB |',
    '| ---: | ---: |',
    ...rows,
  ].join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const n = Number(process.argv[2] ?? 20_000_000);
  benchStream(n).then((r) => process.stdout.write(`${streamTable(r)}\n`));
}
