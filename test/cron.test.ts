/**
 * The README's cron recipe, exactly as written there, run with bash on a fresh directory for two nights with the
 * built CLI: the first night has no `latest.json` (a warning, the report written, the link made), the second
 * compares with the first. `redirect-audit` and `date` are shims on PATH; the log is a sample.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './exec.js';

function recipe(): string {
  const readme = readFileSync(`${ROOT}README.md`, 'utf8');
  const block = /```sh\n# crontab:[^\n]*\n([\s\S]*?)```/.exec(readme);
  if (!block) throw new Error('the cron recipe is not in the README');
  // A crontab line: the schedule, then the command; cron turns `\%` into `%`.
  return block[1]!.replace(/^(\S+\s+){5}/, '').replace(/\\%/g, '%');
}

describe("the README's cron recipe", () => {
  it('works on a fresh directory on its first and second nights', () => {
    const root = mkdtempSync(join(tmpdir(), 'ra-cron-'));
    const work = join(root, 'var/lib/redirect-audit');
    const bin = join(root, 'bin');
    mkdirSync(work, { recursive: true });
    mkdirSync(bin);
    writeFileSync(join(bin, 'redirect-audit'), `#!/bin/sh\nexec "${process.execPath}" "${ROOT}dist/cli/bin.js" "$@"\n`);
    writeFileSync(join(bin, 'date'), '#!/bin/sh\necho "$NIGHT"\n');
    chmodSync(join(bin, 'redirect-audit'), 0o755);
    chmodSync(join(bin, 'date'), 0o755);
    const command = recipe()
      .replace('/var/lib/redirect-audit', work)
      .replace('/var/log/nginx/access.log.1', `${ROOT}samples/capture-combined.log`);
    const night = (date: string) =>
      spawnSync('bash', ['-c', command], { env: { ...process.env, PATH: `${bin}:${process.env['PATH']}`, NIGHT: date, NO_COLOR: '1' } });

    const first = night('2026-11-25');
    const err1 = first.stderr.toString();
    expect(err1).toMatch(/--baseline latest\.json: no such file; the comparison is skipped/);
    // The sample has clients that mishandle 303 and masked failures: --fail-on holds, so exit 1, not 2.
    expect(first.status, err1).toBe(1);
    expect(JSON.parse(readFileSync(join(work, '2026-11-25.json'), 'utf8'))).toMatchObject({ schemaVersion: 1 });
    expect(readlinkSync(join(work, 'latest.json'))).toBe('2026-11-25.json');

    const second = night('2026-11-26');
    expect(second.status, second.stderr.toString()).toBe(1);
    const report = JSON.parse(readFileSync(join(work, '2026-11-26.json'), 'utf8'));
    expect(report.baseline).toMatchObject({ file: 'latest.json', newlyMishandling: [] });
    expect(second.stderr.toString()).not.toMatch(/no such file/);
    expect(readlinkSync(join(work, 'latest.json'))).toBe('2026-11-26.json');
    expect(existsSync(join(work, '2026-11-25.json'))).toBe(true);
  });
});
