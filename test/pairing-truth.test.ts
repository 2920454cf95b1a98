/**
 * Pairing against ground truth, and pairing that does not depend on how the input is handed over (docs/semantics.md,
 * "Pairing"):
 * - the simulated traffic of `npm run eval` (small scale, another seed than the README's run) meets the issue's
 *   thresholds in every scenario, with and without Location;
 * - the order of the files, how lines are split between files, and narrowing change no verdict;
 * - every client of the real captures (nginx and Apache, every format) gets the verdict its traffic shows.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { score, THRESHOLDS, VARIANT_LABELS, type ToolReport } from '../bench/eval/score.js';
import { SCENARIO_NAMES, simulate, VARIANTS, type Truth, type VariantName } from '../bench/eval/simulate.js';
import { compileLogFormat } from '../parsers/index.js';
import { analyzeFiles, type RunOptions } from '../src/run.js';
import { recordFilter } from '../src/narrow.js';
import type { AuditReport, ClientReport } from '../src/report.js';
import { trace } from '../cli/trace.js';
import { FULL_FORMAT, ROOT } from './exec.js';

const OUT = join(ROOT, 'test', 'output', 'pairing-truth');
const SEED = 11;
const truths = new Map<string, Truth>();

beforeAll(() => {
  rmSync(OUT, { recursive: true, force: true });
  for (const s of SCENARIO_NAMES) truths.set(s, simulate({ scenario: s, seed: SEED, scale: 'full', dir: join(OUT, s) }).truth);
});
afterAll(() => rmSync(OUT, { recursive: true, force: true }));

/** The run options a variant's CLI arguments stand for. */
function optionsOf(truth: Truth, variant: VariantName): RunOptions {
  const args = truth.variants[variant].args;
  const opts: RunOptions = { threads: 1 };
  const f = args.indexOf('--log-format');
  if (f >= 0) opts.format = compileLogFormat('custom', args[f + 1]!);
  if (args.includes('--client-key')) opts.clientKey = 'forwarded-for';
  return opts;
}

function filesOf(scenario: string, variant: VariantName): string[] {
  const t = truths.get(scenario)!;
  return t.files.map((f) => join(OUT, scenario, t.variants[variant].dir, f));
}

const asTool = (r: AuditReport) => JSON.parse(JSON.stringify(r)) as ToolReport;

/** Each client's verdicts and finding counts: what two equivalent runs must agree on. */
function outcome(r: AuditReport): Record<string, string> {
  return Object.fromEntries(r.clients.map((c) => [`${c.address} ${c.userAgent ?? '-'}`, c.verdicts.join(',')]));
}

describe('simulated production traffic with known ground truth (npm run eval, full scale, another seed)', () => {
  for (const scenario of SCENARIO_NAMES) {
    for (const variant of VARIANTS) {
      it(`${scenario}, ${VARIANT_LABELS[variant]}: precision and recall of flagged clients`, async () => {
        const truth = truths.get(scenario)!;
        const report = await analyzeFiles(filesOf(scenario, variant), optionsOf(truth, variant));
        const s = score(truth, asTool(report), variant);
        const want = THRESHOLDS[variant];
        const why = JSON.stringify({ ...s.mishandles, falsePositives: s.falsePositives, misses: s.falseNegatives });
        expect(s.mishandles.precision, why).toBeGreaterThanOrEqual(want.precision);
        expect(s.mishandles.recall, why).toBeGreaterThanOrEqual(want.recall);
      });
    }
  }
});

describe('the same verdicts however the input is handed over', () => {
  it('four load-balanced servers: in any order, merged into one file, or split again in two by alternate lines', async () => {
    const truth = truths.get('load-balanced')!;
    for (const variant of VARIANTS) {
      const opts = optionsOf(truth, variant);
      const files = filesOf('load-balanced', variant);
      expect(files.length).toBeGreaterThan(2);
      const base = await analyzeFiles(files, opts);
      const reversed = await analyzeFiles([...files].reverse(), opts);
      // The order of the files on the command line changes nothing at all.
      expect(reversed.totals).toEqual(base.totals);
      expect(outcome(reversed)).toEqual(outcome(base));
      // One file holding every line in time order (as one server would have written it), and that file split in
      // two by alternate lines: the lines of one second are interleaved differently, the verdicts are the same.
      const dir = join(OUT, `resplit-${variant}`);
      mkdirSync(dir, { recursive: true });
      const merged = mergeByTime(files);
      writeFileSync(join(dir, 'one.log'), `${merged.join('\n')}\n`);
      writeFileSync(join(dir, 'a.log'), `${merged.filter((_, i) => i % 2 === 0).join('\n')}\n`);
      writeFileSync(join(dir, 'b.log'), `${merged.filter((_, i) => i % 2 === 1).join('\n')}\n`);
      const one = await analyzeFiles([join(dir, 'one.log')], opts);
      const two = await analyzeFiles([join(dir, 'b.log'), join(dir, 'a.log')], opts);
      expect(outcome(one)).toEqual(outcome(base));
      expect(outcome(two)).toEqual(outcome(base));
      // Counts may move by a pair or two that another interleaving leaves undetermined, never by more.
      for (const r of [one, two]) {
        for (const code of ['303', '307', '308'] as const) {
          expect(Math.abs(r.totals.violations[code] - base.totals.violations[code])).toBeLessThanOrEqual(Math.max(2, base.totals.violations[code] * 0.05));
        }
      }
    }
  });

  it('narrowed to one client (and in trace), every client of the captures keeps the findings of the full run', async () => {
    for (const [file, format] of [
      ['samples/capture-combined.log', undefined],
      ['samples/capture-full.log', compileLogFormat('custom', FULL_FORMAT)],
    ] as const) {
      const path = join(ROOT, file);
      const full = await analyzeFiles([path], { threads: 1, format });
      const addresses = [...new Set(full.clients.map((c) => c.address))];
      expect(addresses.length).toBeGreaterThan(15);
      for (const address of addresses) {
        const filter = recordFilter({ client: address })!;
        const narrowed = await analyzeFiles([path], { threads: 1, format, filter });
        const traced = (await trace([path], filter, { threads: 1, format })).report;
        for (const c of full.clients.filter((x) => x.address === address)) {
          for (const r of [narrowed, traced]) {
            const n = r.clients.find((x) => x.address === c.address && x.userAgent === c.userAgent);
            expect(n && findingsOf(n), `${file} ${address} ${c.userAgent}`).toEqual(findingsOf(c));
          }
        }
      }
    }
  });
});

function findingsOf(c: ClientReport) {
  return { verdicts: c.verdicts, findings: c.findings, redirects: c.redirects };
}

const MONTHS = 'Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec'.split(' ');

/** Every line of the files, ordered by the time it shows (stable: a file's own order kept within a second). */
function mergeByTime(files: string[]): string[] {
  const all: { t: number; k: number; line: string }[] = [];
  let k = 0;
  for (const f of files) {
    for (const line of readFileSync(f, 'utf8').trimEnd().split('\n')) {
      const m = /\[(\d\d)\/(\w{3})\/(\d{4}):(\d\d):(\d\d):(\d\d)/.exec(line)!;
      const t = Date.UTC(Number(m[3]), MONTHS.indexOf(m[2]!), Number(m[1]), Number(m[4]), Number(m[5]), Number(m[6]));
      all.push({ t, k: k++, line });
    }
  }
  return all.sort((a, b) => a.t - b.t || a.k - b.k).map((x) => x.line);
}

describe('the real captures: every client gets the verdict its traffic shows', () => {
  const nginx = JSON.parse(readFileSync(join(ROOT, 'samples/capture/clients.json'), 'utf8')) as {
    address: string;
    user_agent: string | null;
    observed_verdict: { verdict: string[] };
  }[];

  it.each([
    ['combined', ['samples/capture-combined.log']],
    ['common (no User-Agent: one client per address)', ['samples/capture-common.log']],
    ['nginx escape=json', ['samples/capture-json.log']],
    ['full, with Location', ['--log-format', FULL_FORMAT, 'samples/capture-full.log']],
  ] as const)('nginx, %s', async (_name, args) => {
    const format = args[0] === '--log-format' ? compileLogFormat('custom', args[1]) : undefined;
    const report = await analyzeFiles([join(ROOT, args[args.length - 1]!)], { threads: 1, format });
    const common = args[0] === 'samples/capture-common.log';
    for (const c of report.clients) {
      const ua = (x: string | null) => (x === '-' ? null : x);
      const t = nginx.filter((x) => x.address === c.address && (common || ua(x.user_agent) === c.userAgent));
      // Without User-Agents the two clients behind 127.0.0.1 are one: both were correct.
      const want = [...new Set(t.flatMap((x) => x.observed_verdict.verdict))].sort();
      expect([...c.verdicts].sort(), `${c.address} ${c.userAgent}`).toEqual(want);
    }
    expect(report.clients).toHaveLength(common ? 19 : 20);
  });

  const apache = JSON.parse(readFileSync(join(ROOT, 'samples/capture-apache/clients.json'), 'utf8')) as {
    address: string;
    user_agent: string;
    ground_truth_verdict: string[];
    observed_findings: Record<string, number>;
  }[];
  /**
   * What the Apache logs can show, from what each client did (clients.json, read from the aux log with request
   * bodies): a GET that carries a body after 303 (HTTParty, http.rb, HTTP::Tiny) leaves no trace in a log without
   * request body sizes; a relative Location sent as written is `misresolves-location` (the client followed, to the
   * wrong URL), where the capture's summary counts it as not following.
   */
  function visible(c: (typeof apache)[number], locationLogged: boolean): string[] {
    const f = c.observed_findings;
    const out = new Set(c.ground_truth_verdict);
    if (!f['method-kept-after-303']) out.delete('mishandles-303');
    if (f['relative-location-verbatim'] && locationLogged) {
      // Its three "unfollowed" redirects (303, 307, 302 of /account/*) are the three requests sent verbatim.
      out.add('misresolves-location');
      out.delete('does-not-follow');
    }
    if (out.size === 0) out.add('correct');
    return [...out].sort();
  }

  it.each([
    ['combined', undefined, 'samples/capture-apache-combined.log'],
    ['full, with Location and %I', '%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i" "%{Location}o" %I %D', 'samples/capture-apache-full.log'],
  ] as const)('Apache, %s', async (_name, fmt, file) => {
    const format = fmt ? compileLogFormat('custom', fmt) : undefined;
    const report = await analyzeFiles([join(ROOT, file)], { threads: 1, format });
    for (const c of apache) {
      const got = report.clients.find((x) => x.address === c.address);
      expect(got ? [...got.verdicts].sort() : null, `${c.address} ${c.user_agent}`).toEqual(visible(c, fmt !== undefined));
    }
  });
});
