/**
 * The CLI for tests: the built binary as a user runs it (`cli`, `json`; knip's habit: a real process, NO_COLOR,
 * stdin from a buffer), or its `main()` in the test's own process (`run`, `jsonRun`).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { expect } from 'vitest';
import { fileURLToPath } from 'node:url';
import type { AuditReport } from '../src/report.js';
import type { Output } from '../cli/io.js';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = `${ROOT}dist/cli/bin.js`;

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

export function cli(args: string[], input?: Buffer | string): Run {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    input: input ?? '',
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
    maxBuffer: 256 * 1024 * 1024,
  });
  return { code: r.status ?? -1, stdout: r.stdout.toString(), stderr: r.stderr.toString() };
}

/**
 * Runs a command line in this process (`main` of cli/cli.ts) with its stdout and stderr collected: what `cli()`
 * gives, without starting a process. Nothing of the process is touched (cli/io.ts): no exit code, no listener,
 * no write to the test's own streams. Not for what only a process shows: stdin, signals, `--follow`, a process
 * that exits when done, and the modules loaded at start-up; those spawn with `cli()`.
 *
 * `built`: the compiled CLI (dist/, as `cli()` runs it), whose worker threads can start (their script is
 * dist/src/parse-worker.js); the sources cannot start one and read every input in the main thread.
 */
export async function run(args: string[], opts: { built?: boolean } = {}): Promise<Run> {
  if (args.includes('-')) throw new Error(`stdin needs a process: use cli() for ${args.join(' ')}`);
  if (`${process.cwd()}/` !== ROOT) throw new Error(`run the tests from the project root (${ROOT}), not ${process.cwd()}`);
  const { main } = opts.built ? ((await import(`${ROOT}dist/cli/cli.js`)) as typeof import('../cli/cli.js')) : await import('../cli/cli.js');
  const out = collector();
  const err = collector();
  const code = await main(['node', 'redirect-audit', ...args], {
    stdout: out,
    stderr: err,
    diagnostics: () => err,
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
    // As on a terminal: a command that would read stdin says so instead of waiting.
    stdinIsTerminal: () => true,
  });
  return { code, stdout: out.text(), stderr: err.text() };
}

/** A stream that keeps what is written (never a terminal, never full). */
function collector(): Output & { text(): string } {
  const chunks: Buffer[] = [];
  return {
    write(chunk: string | Uint8Array) {
      chunks.push(Buffer.from(chunk));
      return true;
    },
    once() {
      return this;
    },
    text: () => Buffer.concat(chunks).toString(),
  };
}

/** `analyze --report json` in this process (see `run`). */
export async function jsonRun(args: string[]): Promise<{ report: AuditReport; run: Run }> {
  const r = await run(['analyze', '--report', 'json', ...args]);
  if (r.code !== 0 && r.code !== 1) throw new Error(`exit ${r.code}: ${r.stderr}`);
  return { report: JSON.parse(r.stdout) as AuditReport, run: r };
}

export function json(args: string[], input?: Buffer | string): { report: AuditReport; run: Run } {
  const run = cli(['analyze', '--report', 'json', ...args], input);
  if (run.code !== 0 && run.code !== 1) throw new Error(`exit ${run.code}: ${run.stderr}`);
  return { report: JSON.parse(run.stdout) as AuditReport, run };
}

/** address + User-Agent → verdicts, the part of a report the equivalence tests compare. */
export function verdictMap(report: AuditReport): Record<string, string> {
  const out: Record<string, string> = {};
  for (const c of report.clients) out[`${c.address} ${c.userAgent ?? '-'}`] = c.verdicts.join(',');
  return out;
}

export const FULL_FORMAT =
  '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" "$http_x_forwarded_for" $request_time $msec "$sent_http_location" $content_length $request_length $host';

/** The report of samples/capture-full.log as the CLI makes it, with only `generatedAt` pinned (for golden files). */
export async function captureReport(): Promise<AuditReport> {
  const { analyzeFiles } = await import('../src/run.js');
  const { compileLogFormat } = await import('../parsers/log-format.js');
  // Input names are as given: relative to the project root, where vitest runs.
  if (`${process.cwd()}/` !== ROOT) throw new Error(`run the tests from the project root (${ROOT}), not ${process.cwd()}`);
  const report = await analyzeFiles(['samples/capture-full.log'], { format: compileLogFormat('custom', FULL_FORMAT) });
  report.generatedAt = '2000-01-01T00:00:00.000Z';
  return report;
}

/** Compares with test/golden/NAME; UPDATE_GOLDEN=1 rewrites it. A missing file fails, never passes. */
export function expectGolden(name: string, actual: string): void {
  const path = `${ROOT}test/golden/${name}`;
  if (process.env['UPDATE_GOLDEN'] === '1') {
    mkdirSync(`${ROOT}test/golden`, { recursive: true });
    writeFileSync(path, actual);
  }
  if (!existsSync(path)) throw new Error(`${path} is missing: run with UPDATE_GOLDEN=1 to write it`);
  expect(actual).toBe(readFileSync(path, 'utf8'));
}
