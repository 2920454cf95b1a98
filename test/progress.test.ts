/**
 * The progress line: drawn on a terminal's stderr only, redrawn in place, cleared at the end; never a byte on a
 * pipe or a file. Unit tests drive a fake TTY with a fake clock; the end-to-end test runs the built CLI under a
 * pseudo-terminal (`script` from util-linux) and with stderr on a pipe.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { Progress, shouldShowProgress } from '../cli/progress.js';
import { ROOT } from './exec.js';

const MB = 1024 * 1024;
const CLEAR = '\r\x1b[2K';

class FakeStream {
  writes: string[] = [];
  constructor(
    public isTTY: boolean,
    public columns = 120,
  ) {}
  write(s: string | Uint8Array): boolean {
    this.writes.push(String(s));
    return true;
  }
  get text(): string {
    return this.writes.join('');
  }
}

/** Two inputs whose counters the test moves by hand, and a clock it sets. */
function setup(sizes: (number | null)[], isTTY = true) {
  const stream = new FakeStream(isTTY);
  const sources = sizes.map((size) => ({ bytes: 0, size }));
  let records = 0;
  let clock = 0;
  const progress = new Progress(stream as unknown as NodeJS.WriteStream, {
    sources: () => sources,
    records: () => records,
    now: () => clock,
  });
  return {
    stream,
    progress,
    advance(ms: number, bytes: number[], lines: number) {
      clock += ms;
      bytes.forEach((b, i) => (sources[i]!.bytes += b));
      records += lines;
      vi.advanceTimersByTime(ms);
    },
  };
}

describe('Progress on a terminal', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('redraws one line with MiB read of the total, percent, a bar, lines/s and an ETA', () => {
    const { stream, progress, advance } = setup([6 * MB, 4 * MB]);
    progress.start();
    expect(stream.writes).toEqual([]); // nothing before the first interval: quick runs stay silent
    advance(200, [MB, MB], 5_000); // 2 MB of 10 in 0.2 s, 5000 lines
    expect(stream.writes).toHaveLength(1);
    const first = stream.writes[0]!;
    expect(first.startsWith(CLEAR)).toBe(true);
    expect(first).not.toContain('\n');
    expect(first).toContain('2.0 / 10.0 MiB');
    expect(first).toContain('20%');
    expect(first).toContain('[####----------------]');
    expect(first).toContain('25,000 lines/s');
    expect(first).toContain('ETA 0:01'); // 8 MB left at 10 MB/s
    advance(200, [3 * MB, 0], 5_000); // 5 of 10 MB in 0.4 s
    expect(stream.writes).toHaveLength(2);
    expect(stream.writes[1]).toContain('50%');
    expect(stream.writes[1]).toContain('[##########----------]');
    expect(stream.writes[1]).toContain('25,000 lines/s');
    progress.stop();
    expect(stream.writes.at(-1)).toBe(CLEAR);
    advance(1000, [0, 0], 0);
    expect(stream.writes).toHaveLength(3); // stopped: no more redraws
  });

  it('shows bytes and rates, with no bar, percent or ETA, when a size is unknown (stdin)', () => {
    const { stream, progress, advance } = setup([null, 4 * MB]);
    progress.start();
    advance(400, [2 * MB, 2 * MB], 10_000);
    const line = stream.writes[0]!;
    expect(line).toContain('4.0 MiB read');
    expect(line).toContain('10.0 MiB/s');
    expect(line).toContain('25,000 lines/s');
    expect(line.slice(CLEAR.length)).not.toMatch(/%|\[|ETA/);
    progress.stop();
    expect(stream.text.endsWith(CLEAR)).toBe(true);
  });

  it('keeps the line shorter than the terminal, so that \\r redraws all of it', () => {
    const { stream, progress, advance } = setup([10 * MB]);
    stream.columns = 50;
    progress.start();
    advance(200, [MB], 100);
    expect(stream.writes[0]!.slice(CLEAR.length).length).toBeLessThan(50);
    // The ETA is what is kept longest: the bar and the rates go first.
    expect(stream.writes[0]).toContain('ETA ');
    expect(stream.writes[0]).toContain('1.0 / 10.0 MiB');
    stream.columns = 30;
    advance(200, [MB], 100);
    const narrow = stream.writes.at(-1)!.slice(CLEAR.length);
    expect(narrow.length).toBeLessThan(30);
    expect(narrow).toContain('ETA ');
  });

  it('stop before any line was drawn writes nothing, and stop twice is harmless', () => {
    const { stream, progress } = setup([MB]);
    progress.start();
    progress.stop();
    progress.stop();
    expect(stream.writes).toEqual([]);
  });

  it('writes nothing at all when the stream is not a TTY', () => {
    const { stream, progress, advance } = setup([10 * MB], false);
    progress.start();
    advance(1000, [5 * MB], 10_000);
    progress.draw();
    progress.stop();
    expect(stream.writes).toEqual([]);
    expect(shouldShowProgress(stream)).toBe(false);
    expect(shouldShowProgress({})).toBe(false);
    expect(shouldShowProgress({ isTTY: true })).toBe(process.env['TERM'] !== 'dumb');
  });
});

// End to end, against the CLI with the progress display wired around `analyzeFiles` (see cli/progress.ts).
const BIN = `${ROOT}dist/cli/bin.js`;
const hasScript = spawnSync('script', ['--version']).status === 0;
if (!hasScript) console.warn('progress.test.ts: `script` (util-linux) not found: the pseudo-terminal test is skipped');

describe.skipIf(!hasScript)('progress of the built CLI', () => {
  let dir = '';
  let log = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'redirect-audit-progress-'));
    log = join(dir, 'big.log');
    // 40 copies of the real capture (~33k lines, ~3.4 MB, every copy at the same times, so each client has
    // thousands of requests in one window): long enough (> 0.5 s) for several redraws.
    writeFileSync(log, readFileSync(join(ROOT, 'samples/capture-combined.log')).toString().repeat(40));
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const env = { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', TERM: 'xterm' };
  const args = (out: string) => ['analyze', '--report', 'json', '-o', out, log];
  const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

  it('draws progress on a terminal (under script) and clears it at the end', () => {
    const out = join(dir, 'tty.json');
    const command = [process.execPath, BIN, ...args(out)].map(quote).join(' ');
    const r = spawnSync('script', ['-qefc', command, '/dev/null'], { cwd: ROOT, env, input: '', maxBuffer: 64 * MB });
    const text = r.stdout.toString();
    expect(r.status, r.stderr.toString()).toBe(0);
    expect(text).toContain('MiB');
    expect(text).toContain('lines/s');
    expect(text).toMatch(/\d+%/);
    // The last thing written is the cleared line: nothing of the display is left on the terminal.
    expect(text.lastIndexOf(CLEAR)).toBeGreaterThan(text.lastIndexOf('lines/s'));
    expect(JSON.parse(readFileSync(out, 'utf8')).schemaVersion).toBe(1);
  });

  it('writes no progress when stderr is a pipe', () => {
    const out = join(dir, 'pipe.json');
    const r = spawnSync(process.execPath, [BIN, ...args(out)], { cwd: ROOT, env, input: '', maxBuffer: 64 * MB });
    expect(r.status, r.stderr.toString()).toBe(0);
    const stderr = r.stderr.toString();
    expect(stderr).not.toContain('lines/s');
    expect(stderr).not.toContain('\r');
    expect(JSON.parse(readFileSync(out, 'utf8')).schemaVersion).toBe(1);
  });
});
