/**
 * Clients grouped by software: people act per client software and per verdict, not per address. 62 addresses
 * that all send `LegacyClient/1.0` are one group with 62 addresses; the groups are computed from the report's
 * per-identity rows (`clients`), which stay as they are. The User-Agent only labels a group (`user-agent.ts`).
 */
import { isMishandling, noViolations, VERDICT_RANK, VERDICTS, violationTotal, type Verdict } from './findings.js';
import type { ClientReport, SoftwareGroup } from './report.js';
import { softwareOf } from './user-agent.js';

/** Addresses listed per group in the JSON report. */
export const GROUP_ADDRESSES = 50;

/** One group's clients, for renderers that show them (the JSON report keeps only the counts and addresses). */
export interface SoftwareClients {
  group: SoftwareGroup;
  members: ClientReport[];
}

/** Groups `clients` by software, most serious first (verdict, then violations, then clients). */
export function groupBySoftware(clients: readonly ClientReport[], maxAddresses = GROUP_ADDRESSES): SoftwareClients[] {
  const byLabel = new Map<string, { sw: ReturnType<typeof softwareOf>; members: ClientReport[] }>();
  for (const c of clients) {
    const sw = softwareOf(c.userAgent);
    let g = byLabel.get(sw.label);
    if (!g) {
      g = { sw, members: [] };
      byLabel.set(sw.label, g);
    }
    g.members.push(c);
  }
  const out: SoftwareClients[] = [];
  for (const { sw, members } of byLabel.values()) {
    members.sort((a, b) => VERDICT_RANK.get(a.verdict)! - VERDICT_RANK.get(b.verdict)! || violationTotal(b.violations) - violationTotal(a.violations) || cmp(a.address, b.address));
    const verdicts: Partial<Record<Verdict, number>> = {};
    const addresses: string[] = [];
    const seen = new Set<string>();
    const uas = new Set<string | null>();
    const g: SoftwareGroup = {
      software: sw.label,
      family: sw.family,
      version: sw.version,
      verdict: members[0]!.verdict,
      verdicts,
      clients: members.length,
      addressCount: 0,
      addresses,
      userAgents: 0,
      redirects: 0,
      followed: 0,
      unfollowed: 0,
      violations: noViolations(),
    };
    for (const c of members) {
      for (const v of c.verdicts) verdicts[v] = (verdicts[v] ?? 0) + 1;
      if (!seen.has(c.address)) {
        seen.add(c.address);
        if (addresses.length < maxAddresses) addresses.push(c.address);
      }
      uas.add(c.userAgent);
      g.redirects += c.redirects;
      g.followed += c.followed;
      g.unfollowed += c.unfollowed;
      g.violations['303'] += c.violations['303'];
      g.violations['307'] += c.violations['307'];
      g.violations['308'] += c.violations['308'];
    }
    g.addressCount = seen.size;
    g.userAgents = uas.size;
    g.verdicts = Object.fromEntries(VERDICTS.filter((v) => verdicts[v]).map((v) => [v, verdicts[v]!]));
    out.push({ group: g, members });
  }
  out.sort(
    (a, b) =>
      VERDICT_RANK.get(a.group.verdict)! - VERDICT_RANK.get(b.group.verdict)! ||
      violationTotal(b.group.violations) - violationTotal(a.group.violations) ||
      b.group.clients - a.group.clients ||
      b.group.redirects - a.group.redirects ||
      cmp(a.group.software, b.group.software),
  );
  return out;
}

/** The groups of the JSON report. */
export function softwareGroups(clients: readonly ClientReport[]): SoftwareGroup[] {
  return groupBySoftware(clients).map((g) => g.group);
}

/**
 * The software with clients of one verdict, and those clients: "mishandles-307: LegacyClient 1.0, 54 addresses".
 * A client counts under every verdict that applies to it.
 */
export function softwareWithVerdict(groups: readonly SoftwareClients[], verdict: Verdict): SoftwareClients[] {
  const out: SoftwareClients[] = [];
  for (const g of groups) {
    const members = g.members.filter((c) => c.verdicts.includes(verdict));
    if (members.length) out.push({ group: g.group, members });
  }
  return out.sort((a, b) => b.members.length - a.members.length || violationTotal(b.group.violations) - violationTotal(a.group.violations) || cmp(a.group.software, b.group.software));
}

/** Distinct addresses of some clients, in their order. */
export function addressesOf(members: readonly ClientReport[]): string[] {
  return [...new Set(members.map((c) => c.address))];
}

/** The verdicts a report lists by software, in order: the mishandling ones, then the others that need a look. */
export const GROUPED_VERDICTS: readonly Verdict[] = VERDICTS.filter((v) => v !== 'correct');

export { isMishandling };

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
