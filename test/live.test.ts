/**
 * Investigation and live use: `trace` prints one client's chains (pinned in a golden file), and `--follow`
 * reports a finding as soon as its pair is decided, before the input ends, and gives a final summary on SIGINT.
 */
import { spawn } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectGolden, FULL_FORMAT, ROOT, run } from './exec.js';

const BIN = `${ROOT}dist/cli/bin.js`;
const FULL = 'samples/capture-full.log';
const lines = readFileSync(`${ROOT}${FULL}`, 'utf8').trimEnd().split('\n');


describe('trace', () => {
  it("prints needle's chains hop by hop, with the rule each follow-up broke (golden)", async () => {
    const r = await run(['trace', '--client', '127.0.0.34', '--log-format', FULL_FORMAT, FULL]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('method-changed-after-307 (exact): 307 requires the same method; POST became GET');
    expect(r.stdout).toContain('(logged before its redirect)');
    expectGolden('trace-needle.txt', r.stdout);
  });

  it('takes a User-Agent substring and prints each matching client', async () => {
    const r = await run(['trace', '--client', 'curl', FULL.replace('full', 'combined')]);
    // curl from .10, .11, .12, .13 and the X-Forwarded-For pass from 127.0.0.1.
    expect(r.stdout.match(/^client /gm)).toHaveLength(5);
    expect(r.stdout).toContain('method-kept-after-303 (inferred)');
  });
});

/** Runs `analyze --follow` with a pipe for stdin; resolves each stdout line as it comes. */
function following(args: string[]) {
  const child = spawn(process.execPath, [BIN, 'analyze', '--follow', ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  const got: string[] = [];
  let buf = '';
  const waiters: { test: (l: string) => boolean; resolve: (l: string) => void }[] = [];
  child.stdout.on('data', (d: Buffer) => {
    buf += d.toString();
    let nl: number;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      got.push(line);
      for (const w of [...waiters]) if (w.test(line)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(line);
      }
    }
  });
  const exited = new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? -1)));
  const waitFor = (test: (l: string) => boolean, ms = 10_000) =>
    new Promise<string>((resolve, reject) => {
      const hit = got.find(test);
      if (hit) return resolve(hit);
      const timer = setTimeout(() => reject(new Error(`no such line within ${ms} ms; got:\n${got.join('\n')}`)), ms);
      waiters.push({ test, resolve: (l) => (clearTimeout(timer), resolve(l)) });
    });
  return { child, got, waitFor, exited };
}

describe('--follow', () => {
  it('prints the first finding while the input is still open, line by line through a pipe', async () => {
    const f = following(['--log-format', FULL_FORMAT, '-']);
    // Lines 1..24: curl -d (correct) then curl -X POST, whose 303 follow-up is a POST (line 24).
    for (const l of lines.slice(0, 24)) {
      f.child.stdin.write(`${l}\n`);
      await new Promise((r) => setTimeout(r, 5));
    }
    const line = await f.waitFor((l) => l.includes('"method-kept-after-303"'));
    const pair = JSON.parse(line);
    expect(pair).toMatchObject({ type: 'pair', clientAddress: '127.0.0.11', line: 23, followUpLine: 24, followUpMethod: 'POST' });
    // The input is still open: nothing has ended it yet.
    expect(f.child.exitCode).toBeNull();
    f.child.stdin.end();
    expect(await f.exited).toBe(0);
    const last = JSON.parse(f.got[f.got.length - 1]!);
    expect(last).toMatchObject({ type: 'summary', records: 24 });
  });

  it('gives the final summary on SIGINT, never a stack trace, and follows a file across rotation', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ra-follow-'));
    const log = join(dir, 'access.log');
    writeFileSync(log, `${lines.slice(0, 22).join('\n')}\n`);
    const f = following(['--log-format', FULL_FORMAT, '--interval', '0', log]);
    let stderr = '';
    f.child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    await f.waitFor((l) => l.includes('"method-rewritten-after-302"'));
    // logrotate: the old file moves away, a new one takes the name.
    renameSync(log, `${log}.1`);
    writeFileSync(log, '');
    appendFileSync(log, `${lines.slice(22, 24).join('\n')}\n`);
    await f.waitFor((l) => l.includes('"method-kept-after-303"'));
    f.child.kill('SIGINT');
    expect(await f.exited).toBe(0);
    expect(stderr).toBe('');
    expect(JSON.parse(f.got[f.got.length - 1]!)).toMatchObject({ type: 'summary', records: 24 });
  });

  it('reports an unfollowed redirect when its window passes on a quiet stream', async () => {
    const f = following(['--log-format', FULL_FORMAT, '--window', '1s', '-']);
    // urllib leaves POST /r307/from unfollowed (line 696 in the capture); nothing else comes after it.
    const i = lines.findIndex((l) => l.startsWith('127.0.0.41 ') && l.includes('"POST /r307/from'));
    f.child.stdin.write(`${lines[i]}\n`);
    const line = await f.waitFor((l) => l.includes('"unfollowed"'), 8000);
    expect(JSON.parse(line)).toMatchObject({ finding: 'unfollowed', clientAddress: '127.0.0.41', url: '//127.0.0.1/r307/from' });
    f.child.stdin.end();
    await f.exited;
  });
});
