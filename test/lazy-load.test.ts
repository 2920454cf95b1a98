/**
 * Commands load what they use: reporters are loaded when chosen (`reports/registry.ts`), so `explain` and
 * `formats` never load apache-arrow, and pino-pretty is loaded only for a terminal.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from './exec.js';

const dir = mkdtempSync(join(tmpdir(), 'ra-load-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The modules a run of the CLI loaded (URLs of ES modules, paths of CommonJS ones). */
function loaded(args: string[], name: string): string[] {
  const log = join(dir, `${name}.log`);
  const r = spawnSync(process.execPath, ['--import', `${ROOT}test/fixtures/load-log/register.mjs`, `${ROOT}dist/cli/bin.js`, ...args], {
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: '1', LOAD_LOG: log },
  });
  expect(r.status, r.stderr.toString()).toBe(0);
  return readFileSync(log, 'utf8').split('\n').filter(Boolean);
}

const has = (mods: string[], pkg: string) => mods.some((m) => m.includes(`/node_modules/${pkg}/`));

describe('lazy loading', () => {
  it('explain 303 loads neither apache-arrow, pino-pretty nor any renderer', () => {
    const mods = loaded(['explain', '303'], 'explain');
    expect(mods.some((m) => m.endsWith('/dist/src/explain.js'))).toBe(true);
    expect(has(mods, 'apache-arrow')).toBe(false);
    expect(has(mods, 'pino-pretty')).toBe(false);
    expect(mods.filter((m) => m.includes('/dist/reports/')).map((m) => m.replace(/.*\/dist\//, ''))).toEqual(['reports/registry.js']);
    // Nor the parsers, the pairing engine or stream-json: they are loaded by the commands that read input.
    expect(mods.filter((m) => m.includes('/dist/parsers/'))).toEqual([]);
    expect(mods.some((m) => /\/dist\/src\/(pairing|run|analysis|source)\.js$/.test(m))).toBe(false);
    expect(has(mods, 'stream-json')).toBe(false);
  });

  it('formats loads no renderer, only the registry, and not the pairing engine', () => {
    const mods = loaded(['formats'], 'formats');
    expect(mods.some((m) => m.endsWith('/dist/parsers/index.js'))).toBe(true);
    expect(mods.some((m) => /\/dist\/src\/(pairing|run|analysis)\.js$/.test(m))).toBe(false);
    expect(has(mods, 'apache-arrow')).toBe(false);
    expect(mods.filter((m) => m.includes('/dist/reports/')).map((m) => m.replace(/.*\/dist\//, ''))).toEqual(['reports/registry.js']);
  });

  it('analyze --report text loads the text reporter only; --report arrow loads apache-arrow', () => {
    const text = loaded(['analyze', '--threads', '1', '--report', 'text', 'samples/capture-full.log'], 'text');
    expect(text.some((m) => m.endsWith('/dist/reports/text.js'))).toBe(true);
    expect(text.some((m) => m.endsWith('/dist/reports/html.js'))).toBe(false);
    expect(has(text, 'apache-arrow')).toBe(false);
    expect(has(text, 'pino-pretty')).toBe(false); // stderr is not a terminal
    const arrow = loaded(['analyze', '--threads', '1', '--report', 'arrow', '-o', join(dir, 'arrow'), 'samples/capture-full.log'], 'arrow');
    expect(has(arrow, 'apache-arrow')).toBe(true);
  });
});
