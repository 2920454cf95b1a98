/**
 * The evaluation harness: simulates every scenario (logs + ground truth), runs the built CLI on each variant
 * (combined without Location, and a format with Location), scores the reports and prints a Markdown table.
 *
 *   npm run eval -- [--seed N] [--scale small|full] [--scenario NAME] [--check]
 *
 * Scenario files go to bench/out/eval/<scenario>/, the scores to bench/out/eval.json. Exit 0, or with --check
 * exit 1 when a scenario misses the precision/recall thresholds.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { binPath, markdownTable, projectRoot, runCli, score, THRESHOLDS, type Score } from './score.js';
import { SCENARIO_NAMES, simulate, VARIANTS, type Scale } from './simulate.js';

interface Options {
  seed: number;
  scale: Scale;
  scenarios: string[];
  check: boolean;
}

function parseArgs(argv: string[]): Options {
  const o: Options = { seed: 1, scale: 'full', scenarios: SCENARIO_NAMES, check: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--seed') {
      o.seed = Number(value());
      if (!Number.isInteger(o.seed)) throw new Error('--seed takes an integer');
    } else if (a === '--scale') {
      const v = value();
      if (v !== 'small' && v !== 'full') throw new Error('--scale is small or full');
      o.scale = v;
    } else if (a === '--scenario') {
      const v = value();
      if (!SCENARIO_NAMES.includes(v)) throw new Error(`unknown scenario ${v} (${SCENARIO_NAMES.join(', ')})`);
      o.scenarios = o.scenarios === SCENARIO_NAMES ? [v] : [...o.scenarios, v];
    } else if (a === '--check') {
      o.check = true;
    } else {
      throw new Error(`unknown option ${a} (--seed N, --scale small|full, --scenario NAME, --check)`);
    }
  }
  return o;
}

export async function main(argv: string[]): Promise<number> {
  const o = parseArgs(argv);
  const root = projectRoot();
  const bin = binPath(root);
  const outDir = join(root, 'bench', 'out');
  const scores: Score[] = [];
  for (const name of o.scenarios) {
    const dir = join(outDir, 'eval', name);
    rmSync(dir, { recursive: true, force: true });
    const { truth, ms } = simulate({ scenario: name, seed: o.seed, scale: o.scale, dir });
    process.stderr.write(
      `${name}: ${truth.summary.requests} lines in ${truth.files.length} file(s), ${truth.summary.redirects} redirects, ` +
        `${truth.clients.filter((c) => c.mishandles.length).length} offending identities, ${truth.summary.undecidable} undecidable (${ms.toFixed(0)} ms)\n`,
    );
    for (const v of VARIANTS) {
      const variant = truth.variants[v];
      const files = truth.files.map((f) => join(dir, variant.dir, f));
      const { report, ms: cliMs } = runCli(files, variant.args, bin);
      const s = score(truth, report, v, cliMs);
      scores.push(s);
      for (const x of s.falsePositives.slice(0, 3)) process.stderr.write(`  ${v} false positive: ${x}\n`);
      for (const x of s.falseNegatives.slice(0, 3)) process.stderr.write(`  ${v} miss: ${x}\n`);
    }
  }
  const table = markdownTable(scores);
  process.stdout.write(`${table}\n`);
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'eval.json'), `${JSON.stringify({ seed: o.seed, scale: o.scale, thresholds: THRESHOLDS, scores }, null, 1)}\n`);
  const failed = scores.filter((s) => !s.pass);
  if (o.check && failed.length) {
    process.stderr.write(`thresholds missed: ${failed.map((s) => `${s.scenario}/${s.variant}`).join(', ')}\n`);
    return 1;
  }
  return 0;
}

process.exitCode = await main(process.argv.slice(2)).catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  return 2;
});
