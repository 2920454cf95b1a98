/**
 * Partial reports merged into one (`redirect-audit merge a.json b.json ...`): the reports of N shards of the same
 * inputs (each a share of the clients: src/shard.ts), or the reports of consecutive periods (nightly reports into
 * a weekly one), or both.
 *
 * Everything in a report is a count that merges by addition, or is recomputed from merged counts the way the
 * analysis computes it: a client's verdicts with the same `verdictsOf`, figures from the counts behind them,
 * time buckets from per-minute counts, a route's `mixed-redirect-codes` from the codes it answered with, routes'
 * names from the route templates the parts learnt, added up into what one run over all of them learns. What a
 * report shows only derived (a mean latency, a share, whether a client's unfollowed requests were unsafe) is
 * carried by the report's `partial` section, so a report merges only if it was made with `--partial` (or
 * `--shard`, `--nats`, or by `merge`). The report has no latency quantiles (it shows means), so no sketch is
 * needed: sums and counts merge exactly.
 *
 * Examples (of a client, of a route finding, of each redirect code) are kept from the earliest record among
 * the parts: by time, then input name, then line.
 *
 * Inputs: an input that several parts read (shards of one run, or periods narrowed with --since/--until out
 * of the same files) has the same name and counts in each, and is listed once; the others are joined in the
 * order of the parts.
 */
import { verdictsOf } from './classify.js';
import { noViolations, PAIR_RANK, type PairFinding } from './findings.js';
import { AuditError } from '../core/errors.js';
import { VERSION } from '../core/version.js';
import { compareClients } from './analysis.js';
import { softwareGroups } from './software.js';
import { FigAcc, bucketsOf, compareRefs, rankedFindings, recommendation, sortByImpact, templateOf, type MonitoringState, type RawFigures } from './monitoring.js';
import { RouteTemplates } from './route-templates.js';
import {
  emptyTotals,
  SCHEMA_VERSION,
  type AuditReport,
  type ClientReport,
  type Example,
  type InputReport,
  type Pairing,
  type PartialState,
  type RouteFinding,
  type RouteReport,
  type Totals,
} from './report.js';

/** Merges reports made with `partial` (see above); `names` name them in errors (file names). */
export function mergeReports(reports: AuditReport[], names: string[] = reports.map((_, i) => `report ${i + 1}`)): AuditReport {
  if (reports.length === 0) throw new AuditError('USAGE', 'merge: no reports given');
  reports.forEach((r, i) => {
    if (r.schemaVersion !== SCHEMA_VERSION) throw new AuditError('USAGE', `merge: ${names[i]} has schemaVersion ${String(r.schemaVersion)}, not ${SCHEMA_VERSION}`);
    if (!r.partial) {
      throw new AuditError('USAGE', `merge: ${names[i]} has no "partial" section: make the reports to merge with --partial (or --shard)`);
    }
  });
  const first = reports[0]!;
  for (let i = 1; i < reports.length; i++) {
    const o = reports[i]!.options;
    if (o.windowSeconds !== first.options.windowSeconds || o.clientKey !== first.options.clientKey) {
      throw new AuditError('USAGE', `merge: ${names[i]} was made with other options (--window, --client-key) than ${names[0]}`);
    }
    if (reports[i]!.partial!.monitoring.bucketOption !== first.partial!.monitoring.bucketOption) {
      throw new AuditError('USAGE', `merge: ${names[i]} was made with another --bucket than ${names[0]}`);
    }
  }
  const shards = shardsOf(reports.map((r) => r.partial!));
  const inputs = mergeInputs(reports, shards.disjoint);
  const clients = mergeClients(reports);
  const { monitoring, state } = mergeMonitoring(reports);
  const totals = mergeTotals(reports, inputs, clients);
  const partial: PartialState = {
    ...(shards.single ? { shard: shards.single } : {}),
    ...(shards.union ? { shards: shards.union } : {}),
    // Per client, added up (two parts with the same client: consecutive periods; shards have none in common).
    unfollowedUnsafe: sumCounts(reports.map((r) => r.partial!.unfollowedUnsafe)),
    followedUnsafe: sumCounts(reports.map((r) => r.partial!.followedUnsafe ?? {})),
    monitoring: state,
  };
  const firsts = reports.map((r) => r.period.first).filter((t): t is string => t !== null).sort();
  const lasts = reports.map((r) => r.period.last).filter((t): t is string => t !== null).sort();
  return {
    schemaVersion: SCHEMA_VERSION,
    tool: { name: 'redirect-audit', version: VERSION },
    generatedAt: new Date().toISOString(),
    options: { ...first.options },
    period: { first: firsts[0] ?? null, last: lasts[lasts.length - 1] ?? null },
    inputs,
    totals,
    clients,
    errors: reports.flatMap((r) => r.errors),
    monitoring,
    softwareGroups: softwareGroups(clients),
    partial,
  };
}

/** Which shards the parts are: disjoint shards of one count, all the same shard, or neither. */
function shardsOf(parts: PartialState[]): {
  disjoint: boolean;
  single: PartialState['shard'] | null;
  union: PartialState['shards'] | null;
} {
  const sets = parts.map((p) => (p.shard ? { count: p.shard.count, indexes: [p.shard.index] } : (p.shards ?? null)));
  if (sets.some((s) => s === null)) return { disjoint: false, single: null, union: null };
  const count = sets[0]!.count;
  if (sets.some((s) => s!.count !== count)) return { disjoint: false, single: null, union: null };
  const all = sets.flatMap((s) => s!.indexes);
  if (new Set(all).size === all.length) return { disjoint: parts.length > 1, single: null, union: { count, indexes: all.sort((a, b) => a - b) } };
  // The same shard over consecutive periods.
  if (parts.every((p) => p.shard && p.shard.index === parts[0]!.shard!.index)) return { disjoint: false, single: parts[0]!.shard!, union: null };
  return { disjoint: false, single: null, union: null };
}

function mergeInputs(reports: AuditReport[], disjointShards: boolean): InputReport[] {
  // An input read by several parts (shards of one run, or periods narrowed with --since/--until out of the same
  // files) has the same name and counts in each: listed once. Shards that each got their own share of a file's
  // lines (publish, analyze --nats) have its name with other counts: their counts add up to the file's.
  // Otherwise (a rotated access.log of each night) the inputs are different files: listed each.
  const seen = new Set<string>();
  const byName = new Map<string, InputReport>();
  const out: InputReport[] = [];
  for (const r of reports) {
    for (const i of r.inputs) {
      const key = JSON.stringify([i.name, i.format, i.bytes, i.linesRead, i.records, i.skipped]);
      if (seen.has(key)) continue;
      seen.add(key);
      const same = disjointShards ? byName.get(i.name) : undefined;
      if (same) {
        same.bytes += i.bytes;
        same.linesRead += i.linesRead;
        same.records += i.records;
        same.skipped += i.skipped;
        same.skippedExamples = [...same.skippedExamples, ...i.skippedExamples].sort((a, b) => a.line - b.line).slice(0, Math.max(5, same.skippedExamples.length));
        continue;
      }
      const copy = { ...i, skippedExamples: [...i.skippedExamples] };
      byName.set(i.name, copy);
      out.push(copy);
    }
  }
  return out;
}

function addCounts<K extends string>(into: Partial<Record<K, number>>, from: Partial<Record<K, number>>): void {
  for (const [k, n] of Object.entries(from) as [K, number][]) into[k] = (into[k] ?? 0) + n;
}

function addPairing(into: Pairing, from: Pairing): void {
  into.exact += from.exact;
  into.inferred += from.inferred;
  if (from.undetermined) into.undetermined = (into.undetermined ?? 0) + from.undetermined;
  if (from.otherAgent) into.otherAgent = (into.otherAgent ?? 0) + from.otherAgent;
  if (from.undeterminedWhy) {
    into.undeterminedWhy ??= {};
    addCounts(into.undeterminedWhy, from.undeterminedWhy);
  }
}

function sortedWhy(p: Pairing): Pairing {
  if (p.undeterminedWhy) p.undeterminedWhy = Object.fromEntries(Object.entries(p.undeterminedWhy).sort((x, y) => y[1] - x[1]));
  return p;
}

function sumCounts(parts: Record<string, number>[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const part of parts) for (const [k, n] of Object.entries(part)) out[k] = (out[k] ?? 0) + n;
  return out;
}

function mergeClients(reports: AuditReport[]): ClientReport[] {
  interface Acc {
    c: ClientReport;
    examples: Map<PairFinding, Example>;
    unsafe: number;
    followedUnsafe: number;
  }
  const byKey = new Map<string, Acc>();
  for (const r of reports) {
    for (const c of r.clients) {
      const key = `${c.address}\u0000${c.userAgent ?? ''}`;
      const unsafe = r.partial!.unfollowedUnsafe[key] ?? 0;
      const followedUnsafe = r.partial!.followedUnsafe?.[key] ?? 0;
      let acc = byKey.get(key);
      if (!acc) {
        acc = {
          c: {
            ...c,
            pairing: { exact: 0, inferred: 0 },
            violations: noViolations(),
            findings: {},
            redirects: 0,
            followed: 0,
            unfollowed: 0,
          },
          examples: new Map(),
          unsafe: 0,
          followedUnsafe: 0,
        };
        byKey.set(key, acc);
      }
      const m = acc.c;
      m.redirects += c.redirects;
      m.followed += c.followed;
      m.unfollowed += c.unfollowed;
      addPairing(m.pairing, c.pairing);
      for (const v of ['303', '307', '308'] as const) m.violations[v] += c.violations[v];
      addCounts(m.findings, c.findings);
      acc.unsafe += unsafe;
      acc.followedUnsafe += followedUnsafe;
      for (const e of c.examples) {
        const had = acc.examples.get(e.finding);
        if (!had || compareRefs(e.redirect, had.redirect) < 0) acc.examples.set(e.finding, e);
      }
    }
  }
  const out: ClientReport[] = [];
  for (const { c, examples, unsafe, followedUnsafe } of byKey.values()) {
    const retried = c.findings['original-retried'] ?? 0;
    const misresolved = c.findings['location-misresolved'] ?? 0;
    const verdicts = verdictsOf(c.violations, c.unfollowed - retried, c.followed, unsafe, misresolved, c.redirects - (c.pairing.undetermined ?? 0), followedUnsafe);
    const shown = [...examples.values()].filter((e) => e.finding !== 'followed').sort((x, y) => PAIR_RANK.get(x.finding)! - PAIR_RANK.get(y.finding)!);
    if (shown.length === 0 && examples.has('followed')) shown.push(examples.get('followed')!);
    out.push({ ...c, verdict: verdicts[0]!, verdicts, findings: sortKeys(c.findings), examples: shown });
  }
  return out.sort(compareClients);
}

function mergeTotals(reports: AuditReport[], inputs: InputReport[], clients: ClientReport[]): Totals {
  const t: Totals = emptyTotals(clients.length);
  for (const i of inputs) {
    t.linesRead += i.linesRead;
    t.skipped += i.skipped;
  }
  for (const { totals: o } of reports) {
    t.records += o.records;
    t.redirects += o.redirects;
    t.notModified += o.notModified;
    t.internalRedirects += o.internalRedirects;
    t.followed += o.followed;
    t.unfollowed += o.unfollowed;
    t.missingLocation += o.missingLocation;
    t.openAtEnd += o.openAtEnd;
    t.evictedClients += o.evictedClients;
    addPairing(t.pairing, o.pairing);
    for (const v of ['303', '307', '308'] as const) t.violations[v] += o.violations[v];
    addCounts(t.findings, o.findings);
  }
  sortedWhy(t.pairing);
  t.findings = sortKeys(t.findings);
  for (const c of clients) t.verdicts[c.verdict] = (t.verdicts[c.verdict] ?? 0) + 1;
  return t;
}

function addRaw(into: RawFigures | undefined, from: RawFigures): RawFigures {
  if (!into) return [...from] as RawFigures;
  for (let i = 0; i < into.length; i++) into[i]! += from[i]!;
  return into;
}

/**
 * The route templates of the whole: what the parts learnt, added up (route-templates.ts), which is what one run
 * over all of them learns; so a route `/orders/7/pay` that one shard saw too few of to call `/orders/{var}/pay`
 * is named as the whole names it. A part made before reports carried templates has its routes as they were
 * logged: they are learnt again here, which comes to the same.
 */
function templatesOf(states: MonitoringState[]): RouteTemplates {
  const templates = new RouteTemplates();
  for (const s of states) {
    if (s.templates) templates.add(RouteTemplates.fromJSON(s.templates));
    else for (const route of Object.keys(s.routes)) templates.learn(route.slice(0, route.indexOf(' ')), route.slice(route.indexOf(' ') + 1));
  }
  return templates;
}

function mergeMonitoring(reports: AuditReport[]): { monitoring: AuditReport['monitoring']; state: MonitoringState } {
  const states = reports.map((r) => r.partial!.monitoring);
  const templates = templatesOf(states);
  const named = new Map<string, string>();
  const nameOf = (route: string): string => {
    let name = named.get(route);
    if (name === undefined) named.set(route, (name = templateOf(templates, route)));
    return name;
  };
  const state: MonitoringState = {
    bucketOption: states[0]!.bucketOption,
    overall: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
    other: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
    routes: {},
    minutes: {},
    redirectCodes: {},
  };
  for (const s of states) {
    addRaw(state.overall, s.overall);
    addRaw(state.other, s.other);
    for (const [k, raw] of Object.entries(s.routes)) state.routes[nameOf(k)] = addRaw(state.routes[nameOf(k)], raw);
    for (const [k, raw] of Object.entries(s.minutes)) state.minutes[k] = addRaw(state.minutes[k], raw);
    for (const [route, codes] of Object.entries(s.redirectCodes)) {
      const into = (state.redirectCodes[nameOf(route)] ??= {});
      for (const [code, ref] of Object.entries(codes)) if (!into[code] || compareRefs(ref, into[code]) < 0) into[code] = ref;
    }
  }
  state.minutes = Object.fromEntries(Object.entries(state.minutes).sort((a, b) => Number(a[0]) - Number(b[0])));
  state.templates = templates.toJSON();

  // Routes: statuses and finding counts add; figures from the merged counts.
  const routes = new Map<string, RouteReport>();
  for (const r of reports) {
    for (const route of r.monitoring.routes) {
      const name = nameOf(route.route);
      let m = routes.get(name);
      if (!m) {
        m = { route: name, figures: route.figures, statuses: {}, findings: {}, impact: { affected: 0, violations: 0, failedChains: 0, uncertain: 0 } };
        routes.set(name, m);
      }
      addCounts(m.statuses, route.statuses);
      addCounts(m.findings, route.findings);
      if (route.impact) for (const k of ['affected', 'violations', 'failedChains', 'uncertain'] as const) m.impact![k] += route.impact[k];
    }
  }
  const codesOf = (route: string) => Object.keys(state.redirectCodes[route] ?? {}).map(Number).sort();
  for (const m of routes.values()) {
    const raw = state.routes[m.route];
    if (raw) m.figures = FigAcc.fromRaw(raw).figures();
    m.statuses = Object.fromEntries(Object.entries(m.statuses).sort((a, b) => Number(a[0]) - Number(b[0])));
    const codes = codesOf(m.route);
    if (codes.length > 1) m.findings['mixed-redirect-codes'] = codes.length;
    else delete m.findings['mixed-redirect-codes'];
    m.findings = rankedFindings(m.findings);
  }

  // Route findings: counts add, the earliest example, the recommendation written again.
  const findings = new Map<string, RouteFinding>();
  for (const r of reports) {
    for (const f of r.monitoring.findings) {
      if (f.finding === 'mixed-redirect-codes') continue;
      const route = nameOf(f.route);
      const key = `${f.finding}\u0000${route}`;
      const had = findings.get(key);
      if (!had) findings.set(key, { ...f, route });
      else {
        had.count += f.count;
        if (compareRefs(f.example.redirect, had.example.redirect) < 0) had.example = f.example;
      }
    }
  }
  for (const route of routes.keys()) {
    const codes = codesOf(route);
    if (codes.length < 2) continue;
    const firstRef = state.redirectCodes[route]![String(codes[0])]!;
    findings.set(`mixed-redirect-codes\u0000${route}`, {
      finding: 'mixed-redirect-codes',
      route,
      count: codes.length,
      recommendation: '',
      example: { redirect: firstRef, followUp: null, final: null, hops: null },
    });
  }
  for (const f of findings.values()) f.recommendation = recommendation(f.finding, f.route, f.example, codesOf(f.route));
  const findingList = [...findings.values()];
  const routeList = [...routes.values()];
  sortByImpact(findingList, routeList, new Map(routeList.map((r) => [r.route, r.impact!.affected])));
  const minutes = new Map(Object.entries(state.minutes).map(([k, raw]) => [Number(k), FigAcc.fromRaw(raw)]));
  const { bucketSeconds, buckets } = bucketsOf(minutes, state.bucketOption);
  return {
    monitoring: {
      overall: FigAcc.fromRaw(state.overall).figures(),
      bucketSeconds,
      buckets,
      routes: routeList,
      otherRoutes: state.other[0],
      findings: findingList,
    },
    state,
  };
}


function sortKeys<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => cmp(a, b))) as T;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
