/**
 * Layers import only downward: core < parsers < src < reports < cli (`docs/architecture.md`). Every import of
 * every .ts file in those folders (static `import`/`export ... from`, and `import()`) is read, and one that
 * points at a higher folder fails, with the file and the import. bench/ and test/ sit beside the stack and may
 * import any of it.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './exec.js';

const LAYERS = ['core', 'parsers', 'src', 'reports', 'cli'] as const;

function tsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...tsFiles(p));
    else if (name.endsWith('.ts')) out.push(p);
  }
  return out;
}

/** The relative specifiers a file imports (static, re-exports, dynamic with a literal). */
export function importsOf(source: string): string[] {
  const out: string[] = [];
  const re = /(?:^|[\s;])(?:import|export)\s[^'"`;]*?from\s*['"]([^'"]+)['"]|(?:^|[\s;(])import\s*\(\s*['"]([^'"]+)['"]\s*\)|^\s*import\s*['"]([^'"]+)['"]/gm;
  for (const m of source.matchAll(re)) out.push((m[1] ?? m[2] ?? m[3])!);
  return out;
}

function layerOf(path: string): number {
  const top = relative(ROOT, path).split(/[\\/]/)[0]!;
  return LAYERS.indexOf(top as (typeof LAYERS)[number]);
}

describe('layers', () => {
  it('reads imports of every kind', () => {
    expect(
      importsOf(`import { a } from '../src/a.js';\nimport type { B } from "./b.js";\nexport { c } from '../core/c.js';\nconst d = await import('../reports/d.js');\nimport './e.js';`),
    ).toEqual(['../src/a.js', './b.js', '../core/c.js', '../reports/d.js', './e.js']);
  });

  const files = LAYERS.flatMap((l) => tsFiles(join(ROOT, l)));

  it('finds the files of every layer', () => {
    for (const l of LAYERS) expect(files.some((f) => relative(ROOT, f).startsWith(`${l}/`))).toBe(true);
  });

  it('no file in a lower folder imports a higher one (core < parsers < src < reports < cli)', () => {
    const wrong: string[] = [];
    for (const file of files) {
      const from = layerOf(file);
      for (const spec of importsOf(readFileSync(file, 'utf8'))) {
        if (!spec.startsWith('.')) continue;
        const to = layerOf(resolve(dirname(file), spec));
        if (to > from) wrong.push(`${relative(ROOT, file)} imports ${spec}`);
      }
    }
    expect(wrong).toEqual([]);
  });
});
