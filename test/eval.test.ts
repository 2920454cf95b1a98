/**
 * The evaluation harness itself (bench/eval): the simulator's ground truth agrees with the logs it wrote, and
 * the scorer gives a perfect prediction full marks and takes points for wrong flags and misses. The engine's
 * accuracy is measured by `npm run eval`, not asserted here.
 */
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { binPath, perfectReport, runCli, score, type ToolReport } from '../bench/eval/score.js';
import { CODES, identityKey, SCENARIO_NAMES, simulate, VARIANTS, type Truth, type VariantName } from '../bench/eval/simulate.js';
import { ROOT } from './exec.js';

const OUT = join(ROOT, 'test', 'output', 'eval');
const SEED = 7;

interface Line {
  address: string;
  userAgent: string | null;
  method: string;
  url: string;
  status: number;
  location: string | null;
  xff: string | null;
}

// The three variants (combined; combined and the request time; with Location, request length and time), with and
// without X-Forwarded-For at the end.
const LINE =
  /^(\S+) - - \[[^\]]+\] "(\S+) (\S+) HTTP\/[\d.]+" (\d{3}) \d+ "[^"]*" "([^"]*)"(?: "([^"]*)" \d+ \d+\.\d{3}| \d+\.\d{3})?(?: "([^"]*)")?$/;

function parse(text: string): Line {
  const m = LINE.exec(text);
  if (!m) throw new Error(`unparsable line: ${text}`);
  return {
    address: m[1]!,
    method: m[2]!,
    url: m[3]!,
    status: Number(m[4]),
    userAgent: m[5] === '-' ? null : m[5]!,
    location: m[6] === undefined || m[6] === '-' ? null : m[6],
    xff: m[7] === undefined || m[7] === '-' ? null : m[7],
  };
}

function identity(l: Line, key: Truth['clientKey']): string {
  const first = l.xff?.split(',')[0]?.trim();
  return identityKey(key === 'forwarded-for' && first ? first : l.address, l.userAgent);
}

const truths = new Map<string, Truth>();
const files = new Map<string, Record<VariantName, string[][]>>();

beforeAll(() => {
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
  for (const name of SCENARIO_NAMES) {
    const dir = join(OUT, name);
    const { truth } = simulate({ scenario: name, seed: SEED, scale: 'small', dir });
    truths.set(name, truth);
    const read = (v: VariantName) => truth.files.map((f) => readFileSync(join(dir, truth.variants[v].dir, f), 'utf8').split('\n').slice(0, -1));
    files.set(name, { combined: read('combined'), timed: read('timed'), location: read('location') });
  }
});

afterAll(() => rmSync(OUT, { recursive: true, force: true }));

describe.each(SCENARIO_NAMES)('scenario %s (small)', (name) => {
  it('writes the lines the truth counts, the same traffic in both variants, in a few thousand lines', () => {
    const truth = truths.get(name)!;
    const f = files.get(name)!;
    expect(truth.files.length).toBeGreaterThan(0);
    for (const v of VARIANTS) expect(f[v].map((l) => l.length)).toEqual(truth.lines);
    const total = truth.lines.reduce((a, b) => a + b, 0);
    expect(total).toBe(truth.summary.requests);
    expect(total).toBeGreaterThan(800);
    expect(total).toBeLessThan(50_000);
    for (let i = 0; i < truth.files.length; i++) {
      f.combined[i]!.forEach((text, j) => {
        const c = parse(text);
        const l = parse(f.location[i]![j]!);
        const t = parse(f.timed[i]![j]!);
        expect([c.address, c.method, c.url, c.status, c.userAgent, c.xff]).toEqual([l.address, l.method, l.url, l.status, l.userAgent, l.xff]);
        expect([t.address, t.method, t.url, t.status, t.userAgent, t.xff, t.location]).toEqual([c.address, c.method, c.url, c.status, c.userAgent, c.xff, null]);
        expect(c.location).toBeNull();
      });
    }
  });

  it('records every redirect at its line, and every follow-up at a line of the same identity', () => {
    const truth = truths.get(name)!;
    const lines = files.get(name)!.location;
    const at = (file: number, line: number) => parse(lines[file]![line - 1]!);
    let redirectsInFiles = 0;
    for (const file of lines) for (const text of file) if (parse(text).location !== null && parse(text).status >= 300) redirectsInFiles++;
    expect(truth.redirects.length).toBe(redirectsInFiles);
    expect(truth.summary.redirects).toBe(truth.redirects.length);
    for (const r of truth.redirects) {
      const l = at(r.file, r.line);
      expect([l.method, l.url, l.status, l.location]).toEqual([r.method, r.url, r.code, r.location]);
      expect(identity(l, truth.clientKey)).toBe(identityKey(r.address, r.userAgent));
      if (r.followUp) {
        expect(r.reason).toBe('followed');
        const f = at(r.followUp.file, r.followUp.line);
        expect([f.method, f.url]).toEqual([r.followUp.method, r.followUp.url]);
        expect(identity(f, truth.clientKey)).toBe(identity(l, truth.clientKey));
        // The follow-up goes where the Location says (the path; the log has no host).
        expect(r.location.replace(/^https?:\/\/[^/]+/, '')).toBe(f.url);
      } else {
        expect(r.reason).not.toBe('followed');
        expect(r.violation).toBeNull();
      }
      if (r.violation) expect(r.violation).toMatch(new RegExp(`-after-${r.code}$`));
    }
  });

  it('sums the redirects into the clients', () => {
    const truth = truths.get(name)!;
    const by = new Map(truth.clients.map((c) => [identityKey(c.address, c.userAgent), c]));
    const sums = new Map<string, { redirects: number; unfollowed: number; v303: number; undecidable: number }>();
    for (const r of truth.redirects) {
      const k = identityKey(r.address, r.userAgent);
      const s = sums.get(k) ?? { redirects: 0, unfollowed: 0, v303: 0, undecidable: 0 };
      s.redirects++;
      if (r.reason === 'unfollowed' || r.reason === 'retried') s.unfollowed++;
      if (r.violation === 'method-kept-after-303') s.v303++;
      if (r.undecidable) s.undecidable++;
      sums.set(k, s);
    }
    for (const [k, s] of sums) {
      const c = by.get(k)!;
      expect(c).toBeDefined();
      expect([c.redirects, c.unfollowed, c.violations['303']]).toEqual([s.redirects, s.unfollowed, s.v303]);
      expect(c.anyUndecidable).toBe(s.undecidable > 0);
      for (const code of c.mishandles) expect(c.decidableViolations[code]).toBeGreaterThan(0);
    }
    expect(truth.summary.undecidable).toBe(truth.redirects.filter((r) => r.undecidable).length);
  });

  it('gives a perfect prediction precision = recall = 1 and every count right', () => {
    const truth = truths.get(name)!;
    for (const v of VARIANTS) {
      const s = score(truth, perfectReport(truth), v);
      expect([s.mishandles.precision, s.mishandles.recall, s.doesNotFollow.precision, s.doesNotFollow.recall]).toEqual([1, 1, 1, 1]);
      expect(s.counts.exact).toBe(s.counts.total);
      expect(s.unfollowed.within10).toBe(true);
      expect(s.unfollowed.clientsWithin).toBe(s.unfollowed.clients);
      expect(s.pass).toBe(true);
    }
  });
});

describe('the simulator', () => {
  it('is deterministic per seed, and another seed gives other traffic', () => {
    const a = truths.get('offenders')!;
    const again = simulate({ scenario: 'offenders', seed: SEED, scale: 'small', dir: join(OUT, 'again') }).truth;
    expect(again).toEqual(a);
    expect(readFileSync(join(OUT, 'again', 'combined', 'access.log'), 'utf8')).toBe(files.get('offenders')!.combined[0]!.join('\n') + '\n');
    const other = simulate({ scenario: 'offenders', seed: SEED + 1, scale: 'small', dir: join(OUT, 'other') }).truth;
    expect(other.redirects).not.toEqual(a.redirects);
  });

  it('has offenders of every code, innocent look-alikes, left-site, cached and other-server redirects', () => {
    const off = truths.get('offenders')!;
    for (const code of ['303', '307', '308'] as const) expect(off.clients.some((c) => c.mishandles.includes(code))).toBe(true);
    expect(off.clients.some((c) => c.doesNotFollow)).toBe(true);
    // The same User-Agent on an offender and on a correct client (the verdict must come from traffic).
    const uas = (pred: (c: Truth['clients'][number]) => boolean) => new Set(off.clients.filter(pred).map((c) => c.userAgent));
    const bad = uas((c) => c.mishandles.length > 0);
    const good = uas((c) => c.mishandles.length === 0 && !c.doesNotFollow && c.codeRedirects['307'] + c.codeRedirects['308'] > 0);
    expect([...bad].filter((ua) => good.has(ua)).length).toBeGreaterThanOrEqual(2);
    expect(off.clients.some((c) => c.dontCare.length > 0)).toBe(true); // got 15.0.x: only the body is dropped
    expect(truths.get('proxies')!.summary.leftSite).toBeGreaterThan(0);
    expect(truths.get('mixed-site')!.summary.cached).toBeGreaterThan(0);
    expect(truths.get('baseline')!.summary.otherServer).toBeGreaterThan(0);
    expect(truths.get('load-balanced')!.files.length).toBeGreaterThanOrEqual(3);
    // NAT: identities with several people behind them.
    expect(truths.get('nat')!.clients.some((c) => c.people >= 5)).toBe(true);
  });

  it('logs slow uploads\' follow-ups before their redirects, beyond the reorder allowance, and their request times show the redirect came first', () => {
    const t = truths.get('slow-uploads')!;
    const early = t.redirects.filter((r) => r.loggedEarly);
    expect(early.length).toBeGreaterThan(20);
    expect(t.summary.loggedEarly).toBe(early.length);
    // An offender whose only violations are on such redirects: flagged with request times, not without.
    expect(t.clients.some((c) => c.mishandles.length > 0 && CODES.every((k) => c.decidableViolations[k] === c.earlyViolations[k]))).toBe(true);
    const lines = readFileSync(join(OUT, 'slow-uploads', 'timed', t.files[0]!), 'utf8').split('\n');
    const at = (line: number) => {
      const m = / \[(\d\d)\/\w+\/\d{4}:(\d\d):(\d\d):(\d\d) \+0000\] .* (\d+\.\d{3})$/.exec(lines[line - 1]!)!;
      const end = ((Number(m[2]) * 60 + Number(m[3])) * 60 + Number(m[4])) * 1000;
      return { end, start: end - Number(m[5]) * 1000 };
    };
    for (const r of early) {
      const x = at(r.line);
      const f = at(r.followUp!.line);
      expect(x.end - f.end).toBeGreaterThan(2000);
      // Sent after the redirect was (within the second the times are cut to).
      expect(f.start).toBeGreaterThan(x.start - 1000);
    }
  });
});

describe('the scorer', () => {
  const truth = () => truths.get('offenders')!;
  const clone = (r: ToolReport): ToolReport => JSON.parse(JSON.stringify(r)) as ToolReport;

  it('takes precision for flagging an innocent client, and recall for missing an offender', () => {
    const t = truth();
    const innocent = t.clients.find((c) => c.mishandles.length === 0 && c.dontCare.length === 0 && c.codeRedirects['307'] > 0)!;
    const wrong = clone(perfectReport(t));
    wrong.clients.find((c) => c.address === innocent.address && c.userAgent === innocent.userAgent)!.verdicts.push('mishandles-307');
    const s1 = score(t, wrong, 'location');
    expect(s1.mishandles.fp).toBe(1);
    expect(s1.mishandles.precision).toBeLessThan(1);
    expect(s1.mishandles.recall).toBe(1);
    expect(s1.falsePositives[0]).toContain(innocent.address);

    const offender = t.clients.find((c) => c.mishandles.length > 0)!;
    const missing = clone(perfectReport(t));
    const c = missing.clients.find((x) => x.address === offender.address && x.userAgent === offender.userAgent)!;
    c.verdicts = c.verdicts.filter((v) => !v.startsWith('mishandles-'));
    const s2 = score(t, missing, 'location');
    expect(s2.mishandles.fn).toBe(offender.mishandles.length);
    expect(s2.mishandles.recall).toBeLessThan(1);
    expect(s2.mishandles.precision).toBe(1);
  });

  it('neither rewards nor punishes a flag that only unobservable or undecidable evidence could support', () => {
    const t = truth();
    const dc = t.clients.find((c) => c.dontCare.length > 0)!;
    const r = clone(perfectReport(t));
    r.clients.find((c) => c.address === dc.address && c.userAgent === dc.userAgent)!.verdicts.push(`mishandles-${dc.dontCare[0]!}`);
    const s = score(t, r, 'combined');
    expect([s.mishandles.precision, s.mishandles.recall]).toEqual([1, 1]);
  });

  it('keys clients by address and User-Agent: a report keyed by another address flags nobody right', () => {
    const t = truth();
    const r = clone(perfectReport(t));
    for (const c of r.clients) c.address = `10.9.${c.address}`;
    const s = score(t, r, 'location');
    expect(s.mishandles.tp).toBe(0);
    expect(s.mishandles.recall).toBe(0);
    expect(s.mishandles.precision).toBe(0);
  });

  it('checks violation counts and unfollowed within 10%', () => {
    const t = truth();
    const r = clone(perfectReport(t));
    const offender = r.clients.find((c) => c.violations['303'] > 0)!;
    offender.violations['303'] += 1;
    r.totals.unfollowed = Math.round(t.summary.unfollowed * 1.2) + 1;
    const s = score(t, r, 'location');
    expect(s.counts.exact).toBe(s.counts.total - 1);
    expect(s.unfollowed.within10).toBe(false);
    expect(s.undetermined).toBe(0);
    r.totals.findings['undetermined'] = 5;
    expect(score(t, r, 'location').undetermined).toBeCloseTo(5 / r.totals.redirects, 10);
  });

  it('scores the built CLI on both variants of a scenario (figures in range; accuracy is not asserted here)', () => {
    expect(existsSync(binPath())).toBe(true);
    const t = truths.get('load-balanced')!;
    for (const v of VARIANTS) {
      const { report } = runCli(t.files.map((f) => join(OUT, 'load-balanced', t.variants[v].dir, f)), t.variants[v].args);
      expect(report.totals.redirects).toBeGreaterThan(0);
      const s = score(t, report, v);
      for (const x of [s.mishandles.precision, s.mishandles.recall, s.doesNotFollow.precision, s.doesNotFollow.recall, s.undetermined]) {
        expect(x).toBeGreaterThanOrEqual(0);
        expect(x).toBeLessThanOrEqual(1);
      }
    }
  });
});
