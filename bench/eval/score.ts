/**
 * Scores a redirect-audit JSON report against the simulator's ground truth, and runs the built CLI.
 *
 * A client identity is (address or first X-Forwarded-For, User-Agent as logged). It is flagged for code C when
 * its `verdicts` contain `mishandles-C`; the truth is "this identity truly violated C at least once" on a
 * redirect whose pairing the log decides. Pairs that only undecidable or unobservable evidence could support are
 * neither right nor wrong (left out of precision and recall).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CODES, identityKey, type Counts, type Truth, type TruthClient, type VariantName, type ViolationCode } from './simulate.js';

/** The part of the CLI's JSON report (src/report.ts) the score reads. */
export interface ToolClient {
  address: string;
  userAgent: string | null;
  verdicts: string[];
  violations: Counts;
  unfollowed: number;
}
export interface ToolReport {
  clients: ToolClient[];
  totals: { redirects: number; unfollowed?: number; findings: Partial<Record<string, number>> };
}

export interface PR {
  tp: number;
  fp: number;
  fn: number;
  precision: number;
  recall: number;
}

export interface Score {
  scenario: string;
  variant: VariantName;
  lines: number;
  redirects: number;
  /** Truly mishandling (identity, code) pairs, and the tool's flags. */
  mishandles: PR;
  doesNotFollow: PR;
  /** Identities whose three violation counts are exactly right, of those scored. */
  counts: { exact: number; total: number };
  /** `invisible`: redirects with no follow-up in the log that the client did follow (left-site, other-server, cached). */
  unfollowed: { tool: number; truth: number; invisible: number; within10: boolean; clientsWithin: number; clients: number };
  /** Share of redirects the tool calls `undetermined` (a finding the engine will add), else 0. */
  undetermined: number;
  /** Redirects whose pairing the log cannot decide (truth), counted apart. */
  undecidable: number;
  /** A few of the wrong flags and misses, for reading. */
  falsePositives: string[];
  falseNegatives: string[];
  cliMs: number | null;
  pass: boolean;
}

export const THRESHOLDS: Record<VariantName, { precision: number; recall: number }> = {
  location: { precision: 0.99, recall: 0.95 },
  combined: { precision: 0.98, recall: 0.9 },
  timed: { precision: 0.98, recall: 0.9 },
};

/** The variants' names in the table. */
export const VARIANT_LABELS: Record<VariantName, string> = {
  combined: 'combined',
  timed: 'combined + $request_time',
  location: 'with Location',
};

/**
 * The codes a client is truly flagged for in a variant, and those where a flag is neither right nor wrong. A
 * violation whose follow-up was logged early (more than the reorder allowance before its redirect) is decidable
 * only where the log has request times; without them it counts like an undecidable one.
 */
export function truthFlags(t: TruthClient, durations: boolean): { mishandles: ViolationCode[]; dontCare: ViolationCode[] } {
  if (durations) return { mishandles: t.mishandles, dontCare: t.dontCare };
  const mishandles = CODES.filter((k) => t.decidableViolations[k] - t.earlyViolations[k] > 0);
  const dontCare = CODES.filter((k) => !mishandles.includes(k) && (t.earlyViolations[k] > 0 || t.undecidable[k] > 0 || t.unobservable[k] > 0));
  return { mishandles, dontCare };
}

function pr(tp: number, fp: number, fn: number): PR {
  return { tp, fp, fn, precision: tp + fp === 0 ? 1 : tp / (tp + fp), recall: tp + fn === 0 ? 1 : tp / (tp + fn) };
}

const within10 = (tool: number, truth: number) => Math.abs(tool - truth) <= 0.1 * truth;

const label = (address: string, ua: string | null) => `${address} "${ua ?? '-'}"`;

export function score(truth: Truth, report: ToolReport, variant: VariantName, cliMs: number | null = null): Score {
  const durations = truth.variants[variant].durations;
  const truthBy = new Map(truth.clients.map((c) => [identityKey(c.address, c.userAgent), c]));
  const flags = new Map(truth.clients.map((c) => [c, truthFlags(c, durations)]));
  const toolBy = new Map(report.clients.map((c) => [identityKey(c.address, c.userAgent), c]));
  const falsePositives: string[] = [];
  const falseNegatives: string[] = [];

  // Mishandles: (identity, code) pairs.
  let tp = 0, fp = 0, fn = 0;
  for (const c of report.clients) {
    const t = truthBy.get(identityKey(c.address, c.userAgent));
    for (const code of CODES) {
      if (!c.verdicts.includes(`mishandles-${code}`)) continue;
      const f = t ? flags.get(t)! : null;
      if (f?.mishandles.includes(code)) tp++;
      else if (!f?.dontCare.includes(code)) {
        fp++;
        if (falsePositives.length < 8) falsePositives.push(`${code} ${label(c.address, c.userAgent)} [${t?.software.join('; ') ?? 'unknown identity'}]`);
      }
    }
  }
  for (const t of truth.clients) {
    const c = toolBy.get(identityKey(t.address, t.userAgent));
    for (const code of flags.get(t)!.mishandles) {
      if (c?.verdicts.includes(`mishandles-${code}`)) continue;
      fn++;
      if (falseNegatives.length < 8) falseNegatives.push(`${code} ${label(t.address, t.userAgent)} [${t.software.join('; ')}]`);
    }
  }

  // does-not-follow
  let dtp = 0, dfp = 0, dfn = 0;
  for (const c of report.clients) {
    if (!c.verdicts.includes('does-not-follow')) continue;
    const t = truthBy.get(identityKey(c.address, c.userAgent));
    if (t?.doesNotFollow) dtp++;
    else if (!t?.anyUndecidable) dfp++;
  }
  for (const t of truth.clients) {
    if (!t.doesNotFollow) continue;
    if (!toolBy.get(identityKey(t.address, t.userAgent))?.verdicts.includes('does-not-follow')) dfn++;
  }

  // Counts and unfollowed, per identity, leaving out identities with an undecidable redirect (without request
  // times, also those with a follow-up logged early).
  const keys = new Set<string>();
  for (const t of truth.clients) if (t.redirects > 0) keys.add(identityKey(t.address, t.userAgent));
  for (const c of report.clients) keys.add(identityKey(c.address, c.userAgent));
  let exact = 0, total = 0, clientsWithin = 0, clients = 0;
  for (const k of keys) {
    const t = truthBy.get(k);
    if (t?.anyUndecidable || (!durations && (t?.loggedEarly ?? 0) > 0)) continue;
    const c = toolBy.get(k);
    const tv = t?.violations ?? { '303': 0, '307': 0, '308': 0 };
    const cv = c?.violations ?? { '303': 0, '307': 0, '308': 0 };
    // Scored: identities that got a 303/307/308, and any the tool says violated.
    if (CODES.some((code) => (t?.codeRedirects[code] ?? 0) > 0 || cv[code] > 0)) {
      total++;
      if (CODES.every((code) => tv[code] === cv[code])) exact++;
    }
    const tu = t?.unfollowed ?? 0;
    const cu = c?.unfollowed ?? 0;
    if (tu > 0 || cu > 0) {
      clients++;
      if (within10(cu, tu)) clientsWithin++;
    }
  }
  const toolUnfollowed = report.totals.unfollowed ?? report.clients.reduce((s, c) => s + c.unfollowed, 0);
  const undeterminedCount = report.totals.findings['undetermined'] ?? 0;
  const s: Score = {
    scenario: truth.scenario,
    variant,
    lines: truth.lines.reduce((a, b) => a + b, 0),
    redirects: truth.summary.redirects,
    mishandles: pr(tp, fp, fn),
    doesNotFollow: pr(dtp, dfp, dfn),
    counts: { exact, total },
    unfollowed: {
      tool: toolUnfollowed,
      truth: truth.summary.unfollowed,
      invisible: truth.summary.leftSite + truth.summary.otherServer + truth.summary.cached,
      within10: within10(toolUnfollowed, truth.summary.unfollowed), clientsWithin, clients },
    undetermined: report.totals.redirects > 0 ? undeterminedCount / report.totals.redirects : 0,
    // Without request times, pairs whose follow-up was logged early are undecidable too.
    undecidable: truth.summary.undecidable + (durations ? 0 : truth.summary.loggedEarly),
    falsePositives,
    falseNegatives,
    cliMs,
    pass: false,
  };
  s.pass = s.mishandles.precision >= THRESHOLDS[variant].precision && s.mishandles.recall >= THRESHOLDS[variant].recall;
  return s;
}

/** The report a perfect tool would write for this truth (for testing the scorer). */
export function perfectReport(truth: Truth): ToolReport {
  const clients: ToolClient[] = truth.clients.map((t) => {
    const verdicts: string[] = t.mishandles.map((c) => `mishandles-${c}`);
    if (t.doesNotFollow) verdicts.push('does-not-follow');
    if (verdicts.length === 0) verdicts.push('correct');
    return { address: t.address, userAgent: t.userAgent, verdicts, violations: { ...t.violations }, unfollowed: t.unfollowed };
  });
  return { clients, totals: { redirects: truth.summary.redirects, unfollowed: truth.summary.unfollowed, findings: {} } };
}

// ---------------------------------------------------------------------------------------------------------------
// Running the CLI

/** The project root: the nearest folder up from this module with a package.json. */
export function projectRoot(from = dirname(fileURLToPath(import.meta.url))): string {
  let d = from;
  while (!existsSync(join(d, 'package.json'))) {
    const up = dirname(d);
    if (up === d) throw new Error(`no package.json above ${from}`);
    d = up;
  }
  return d;
}

/** The CLI entry, from package.json's `bin.redirect-audit` (so it survives a layout change). */
export function binPath(root = projectRoot()): string {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { bin?: string | Record<string, string> };
  const bin = typeof pkg.bin === 'string' ? pkg.bin : pkg.bin?.['redirect-audit'];
  if (!bin) throw new Error('package.json has no bin.redirect-audit');
  return resolve(root, bin);
}

/** Runs `analyze --report json --threads 1` on the files; returns the report and the wall time. */
export function runCli(files: string[], args: string[], bin = binPath()): { report: ToolReport; ms: number } {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [bin, 'analyze', '--report', 'json', '--threads', '1', ...args, ...files], {
    maxBuffer: 512 * 1024 * 1024,
    env: { ...process.env, NO_COLOR: '1' },
  });
  const ms = performance.now() - t0;
  if (r.status !== 0 && r.status !== 1) {
    throw new Error(`redirect-audit exited ${r.status ?? r.signal}: ${r.stderr.toString().slice(0, 2000)}`);
  }
  return { report: JSON.parse(r.stdout.toString()) as ToolReport, ms };
}

// ---------------------------------------------------------------------------------------------------------------
// Rendering

const f2 = (x: number) => x.toFixed(2);
const f3 = (x: number) => x.toFixed(3);

export function markdownTable(scores: Score[]): string {
  const head =
    '| scenario | variant | lines | redirects | precision | recall | TP/FP/FN | dnf P | dnf R | counts exact | unfollowed tool/truth (±10%) [+invisible] | clients unfollowed ±10% | undetermined | undecidable | pass |';
  const sep = '|' + ' --- |'.repeat(15);
  const rows = scores.map((s) =>
    [
      s.scenario,
      VARIANT_LABELS[s.variant],
      s.lines,
      s.redirects,
      f3(s.mishandles.precision),
      f3(s.mishandles.recall),
      `${s.mishandles.tp}/${s.mishandles.fp}/${s.mishandles.fn}`,
      f2(s.doesNotFollow.precision),
      f2(s.doesNotFollow.recall),
      `${s.counts.exact}/${s.counts.total}`,
      `${s.unfollowed.tool}/${s.unfollowed.truth} ${s.unfollowed.within10 ? 'yes' : 'no'} [+${s.unfollowed.invisible}]`,
      `${s.unfollowed.clientsWithin}/${s.unfollowed.clients}`,
      f3(s.undetermined),
      s.undecidable,
      s.pass ? 'yes' : 'no',
    ].join(' | '),
  );
  return [head, sep, ...rows.map((r) => `| ${r} |`)].join('\n');
}
