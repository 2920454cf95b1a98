/**
 * Outputs under faults, through the built CLI (a process is the point here: exit codes, signals, pipes):
 * a log is never overwritten by its report, -o is checked before anything is read, a report is never left half
 * written, a broken pipe is quiet, SIGINT/SIGTERM end a batch run with 130/143 and no file, and end `--follow`
 * with the final summary and report. `RA_BIN` runs the suite against another build (to see it fail before).
 */
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { writeReport, checkOutput } from '../cli/output.js';
import { ROOT } from './exec.js';

const BIN = process.env['RA_BIN'] ?? `${ROOT}dist/cli/bin.js`;
const SAMPLE = `${ROOT}samples/capture-combined.log`;
const tmp = mkdtempSync(join(tmpdir(), 'ra-faults-out-'));

function run(args: string[], opts: { cwd?: string; input?: string } = {}) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: opts.cwd ?? tmp,
    input: opts.input ?? '',
    env: { ...process.env, NO_COLOR: '1' },
  });
  return { code: r.status, signal: r.signal, stdout: r.stdout.toString(), stderr: r.stderr.toString() };
}

describe('a log is never overwritten by its report (row 1)', () => {
  it('refuses -o naming an input: directly, through ./, a symlink, and a .gz', () => {
    const dir = join(tmp, 'same');
    mkdirSync(dir);
    copyFileSync(SAMPLE, join(dir, 'a.log'));
    writeFileSync(join(dir, 'a.log.gz'), gzipSync(readFileSync(SAMPLE)));
    symlinkSync('a.log', join(dir, 'link.log'));
    const before = readFileSync(SAMPLE);
    for (const [out, input] of [
      ['a.log', 'a.log'],
      ['./a.log', 'a.log'],
      ['link.log', 'a.log'],
      ['a.log', 'link.log'],
      ['a.log.gz', 'a.log.gz'],
    ] as const) {
      const r = run(['analyze', '-o', out, input], { cwd: dir });
      expect(r.code, `${out} ${input}: ${r.stderr}`).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/refusing to overwrite a log with its report/);
    }
    expect(readFileSync(join(dir, 'a.log')).equals(before)).toBe(true);
    expect(readFileSync(join(dir, 'a.log.gz')).equals(gzipSync(before))).toBe(true);
  });
});

describe('-o that cannot be written (row 3)', () => {
  it('is one line and exit 2, before anything is read', () => {
    const cases: [string, RegExp][] = [
      ['/nonexistent/x.json', /no such directory/],
      ['/sys/x.json', /permission denied|cannot create/],
      [tmp, /is a directory/],
    ];
    // stdin that never ends: a check made after reading would hang here, not answer.
    for (const [out, message] of cases) {
      const r = spawnSync(process.execPath, [BIN, 'analyze', '-o', out, '-'], { stdio: ['pipe', 'pipe', 'pipe'], timeout: 10_000, input: undefined });
      expect(r.status, `${out}: ${r.stderr}`).toBe(2);
      const err = r.stderr.toString();
      expect(err.trim().split('\n')).toHaveLength(1);
      expect(err).toMatch(message);
      expect(err).not.toMatch(/internal error|at .*\.js:\d+/);
    }
  });

  it('a full disk (/dev/full) is one line and exit 2, for -o and for stdout', () => {
    const o = run(['analyze', '--report', 'json', '-o', '/dev/full', SAMPLE]);
    expect(o.code).toBe(2);
    expect(o.stderr.trim()).toMatch(/^redirect-audit: error: -o \/dev\/full: the report could not be written \(no space left on the device\)$/);
    const s = spawnSync('bash', ['-c', `"${process.execPath}" "${BIN}" analyze --report json "${SAMPLE}" > /dev/full`]);
    expect(s.status).toBe(2);
    expect(s.stderr.toString().trim()).toMatch(/^redirect-audit: error: the report could not be written to stdout \(no space left on the device\)$/);
  });

  it('a report that fails half way leaves the old one whole, and no temporary file', () => {
    const dir = join(tmp, 'atomic');
    mkdirSync(dir);
    const path = join(dir, 'report.json');
    writeFileSync(path, 'old report\n');
    const target = checkOutput(path, []);
    function* failing(): Generator<string> {
      yield 'x'.repeat(3 << 20); // more than one write
      throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
    }
    expect(() => writeReport(target, failing())).toThrow(/report\.json: the report could not be written \(no space left on the device\); .* is as it was/);
    expect(readFileSync(path, 'utf8')).toBe('old report\n');
    expect(readdirSync(dir)).toEqual(['report.json']);
    writeReport(target, ['new ', 'report\n']);
    expect(readFileSync(path, 'utf8')).toBe('new report\n');
    expect(readdirSync(dir)).toEqual(['report.json']);
  });
});

describe('a broken pipe', () => {
  it('`redirect-audit ... | head -c 10` exits 0, quietly', () => {
    const r = spawnSync('bash', ['-c', `"${process.execPath}" "${BIN}" analyze --report json "${SAMPLE}" "${SAMPLE}" | head -c 10 >/dev/null; echo "\${PIPESTATUS[0]}"`]);
    expect(r.stdout.toString().trim()).toBe('0');
    expect(r.stderr.toString()).toBe('');
  });
});

/** Starts the CLI, waits until `ready(stderr, stdout)`, sends `signal`, and gives what came out. */
function interrupt(args: string[], signal: NodeJS.Signals, ready: (out: string, err: string) => boolean, feed?: (p: ReturnType<typeof spawn>) => void) {
  return new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve) => {
    const p = spawn(process.execPath, [BIN, ...args], { cwd: tmp, env: { ...process.env, NO_COLOR: '1' } });
    let out = '';
    let err = '';
    let sent = false;
    const check = () => {
      if (!sent && ready(out, err)) {
        sent = true;
        p.kill(signal);
      }
    };
    p.stdout.on('data', (d: Buffer) => {
      out += d;
      check();
    });
    p.stderr.on('data', (d: Buffer) => {
      err += d;
      check();
    });
    feed?.(p);
    const t = setInterval(check, 50);
    p.on('close', (code, sig) => {
      clearInterval(t);
      resolve({ code, signal: sig, stdout: out, stderr: err });
    });
  });
}

describe('SIGINT and SIGTERM', () => {
  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const) {
    it(`${signal} in a batch run: exit ${code}, one line, no report and no partial file`, async () => {
      const dir = join(tmp, `batch-${signal}`);
      mkdirSync(dir);
      const out = join(dir, 'r.json');
      let started = Date.now();
      const r = await interrupt(
        ['analyze', '--threads', '1', '--report', 'json', '-o', out, '-'],
        signal,
        // Long enough for the CLI to have started and installed its handlers, also on a busy machine.
        () => Date.now() - started > 1500,
        (p) => {
          started = Date.now();
          p.stdin!.write(readFileSync(SAMPLE)); // and stdin stays open: the run is still reading
        },
      );
      expect(r.code).toBe(code);
      expect(r.stderr.trim()).toBe(`redirect-audit: stopped by ${signal}: no report written`);
      expect(readdirSync(dir)).toEqual([]);
    });
  }

  it('SIGTERM with --follow: the final summary on stdout, the report in -o, exit 0', async () => {
    const dir = join(tmp, 'follow');
    mkdirSync(dir);
    const log = join(dir, 't.log');
    writeFileSync(log, readFileSync(SAMPLE));
    const out = join(dir, 'r.json');
    const started = Date.now();
    const r = await interrupt(['analyze', '--follow', '--window', '1s', '-o', out, log], 'SIGTERM', (o) => o.includes('"type":"pair"') && Date.now() - started > 300);
    expect(r.code).toBe(0);
    const last = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { type: string; linesRead: number };
    expect(last).toMatchObject({ type: 'summary', linesRead: readFileSync(SAMPLE, 'utf8').trimEnd().split('\n').length });
    expect(JSON.parse(readFileSync(out, 'utf8'))).toMatchObject({ schemaVersion: 1 });
  });

  it('--follow on a missing file says so on stderr instead of waiting silently (row 11)', async () => {
    const r = await interrupt(['analyze', '--follow', join(tmp, 'missing.log')], 'SIGINT', (_o, e) => e.includes('waiting'));
    expect(r.stderr).toMatch(/missing\.log: no such file yet; waiting for it to appear/);
    expect(r.code).toBe(0);
    appendFileSync(join(tmp, 'unused'), '');
  });
});

describe('the same errors everywhere', () => {
  it('trace on a truncated gzip: the error and exit 2, like analyze (row 9)', () => {
    const f = join(tmp, 'truncated.log.gz');
    const gz = gzipSync(readFileSync(SAMPLE));
    writeFileSync(f, gz.subarray(0, Math.floor(gz.length / 2)));
    const t = run(['trace', '--client', '127.0.0.11', f]);
    const a = run(['analyze', '--report', 'json', f]);
    expect(a.code).toBe(2);
    expect(t.code).toBe(2);
    expect(t.stderr).toMatch(/corrupt gzip data/);
  });

  it('an empty input is a warning (row 11), --fail-on names the value (row 10)', () => {
    const empty = join(tmp, 'empty.log');
    writeFileSync(empty, '');
    const r = run(['analyze', '--report', 'json', empty, SAMPLE]);
    expect(r.stderr).toMatch(/empty\.log: empty input \(0 lines\)/);
    const f = run(['analyze', '--report', 'json', '--fail-on', 'violations', SAMPLE]);
    expect(f.code).toBe(1);
    expect(f.stderr).toMatch(/--fail-on: violations = \d+ > 0/);
    const u = run(['analyze', '--fail-on', 'violations>=', SAMPLE]);
    expect(u.code).toBe(2);
    expect(existsSync(join(tmp, 'violations'))).toBe(false);
  });
});
