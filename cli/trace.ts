/**
 * `redirect-audit trace --client X FILE...`: one client's requests as chains, one hop a line, each follow-up
 * with its classification and why: which rule, and which lines of the input. Only the traced client's records
 * are kept, so memory grows with that client's traffic, not with the input.
 */
import { analyzeFiles, type RunOptions } from '../src/run.js';
import type { Classification } from '../src/classify.js';
import { STATUS_RULES } from '../src/findings.js';
import type { HttpRecord } from '../core/model.js';
import { clientKeyOf, followUpOf, splitClientKey, type Pair } from '../src/pairing.js';
import type { AuditReport } from '../src/report.js';
import { escapeControls } from '../core/strings.js';

interface Traced {
  records: HttpRecord[];
}

export interface TraceResult {
  report: AuditReport;
  text: string;
}

/** `match` selects the client's records (the --client narrowing); everything else is as for analyze. */
export async function trace(files: string[], match: (r: HttpRecord) => boolean, opts: RunOptions): Promise<TraceResult> {
  const clientKey = opts.clientKey ?? 'address';
  const clients = new Map<string, Traced>();
  const pairOf = new Map<HttpRecord, { pair: Pair; c: Classification }>();
  const isFollowUp = new Set<string>();
  // Records by where they came from, not by identity: a follow-up is made again by the pairing engine
  // (`FollowedPair`), and the filter is asked about it as about the record pushed.
  const kept = new Set<string>();
  const report = await analyzeFiles(files, {
    ...opts,
    // Narrowing selects what is reported; pairing sees every record, so the pairs are analyze's own.
    filter: (r) => {
      if (!match(r) || (opts.filter && !opts.filter(r))) return false;
      const place = placeOf(r);
      if (kept.has(place)) return true;
      kept.add(place);
      const key = clientKeyOf(r, clientKey);
      let t = clients.get(key);
      if (!t) {
        t = { records: [] };
        clients.set(key, t);
      }
      t.records.push(r);
      return true;
    },
    onPair: (pair, c) => {
      pairOf.set(pair.redirect, { pair, c });
      if (pair.kind === 'followed') isFollowUp.add(placeOf(pair.followUp));
    },
  });
  const names = files.length ? files : ['-'];
  const where = (r: HttpRecord) => `${names[r.input] ?? r.input}:${r.line}`;
  const out: string[] = [];
  for (const [key, t] of clients) {
    const { address, userAgent } = splitClientKey(key);
    const cr = report.clients.find((c) => c.address === address && c.userAgent === userAgent);
    out.push(`client ${address}  ${userAgent ?? '(no User-Agent)'}`);
    out.push(
      cr
        ? `  verdicts: ${cr.verdicts.join(', ')} · redirects ${cr.redirects}, followed ${cr.followed}, unfollowed ${cr.unfollowed}`
        : '  no redirects',
    );
    out.push(`  ${t.records.length} requests`);
    let chain = 0;
    for (const r of t.records) {
      if (isFollowUp.has(placeOf(r))) continue; // printed inside its chain
      const first = pairOf.get(r);
      if (!first) {
        out.push(`  ${where(r)}  ${r.method} ${url(r)} → ${r.status}`);
        continue;
      }
      out.push('', `  chain ${++chain}: ${r.method} ${url(r)}`);
      let hop: HttpRecord | null = r;
      let prev: HttpRecord | null = null;
      let n = 0;
      const seen = new Set<HttpRecord>();
      while (hop && !seen.has(hop)) {
        seen.add(hop);
        const p = pairOf.get(hop);
        const early = prev && prev.input === hop.input && hop.line < prev.line ? '  (logged before its redirect)' : '';
        out.push(
          `    ${++n}. ${where(hop)}  ${hop.method} ${url(hop)} → ${hop.status}${hop.location !== null ? ` Location: ${hop.location || '""'}` : ''}${early}`,
        );
        if (!p) break;
        const { pair, c } = p;
        const rule = STATUS_RULES[hop.status] ?? '';
        out.push(`       ${c.finding} (${pair.mode}): ${c.why}${rule ? `; rule: ${rule}` : ''}`);
        if (pair.kind === 'not-followed' && pair.retried) out.push(`       re-sent at ${where(pair.retried)}`);
        prev = hop;
        hop = followUpOf(pair);
      }
    }
    out.push('');
  }
  if (clients.size === 0) out.push('no requests from that client');
  // Each line's text from the logs with its control characters escaped (a newline inside a field included).
  return { report, text: `${out.map(escapeControls).join('\n')}\n` };
}

/** Where a record came from: its input and line (and time: a followed file that starts over numbers its lines again). */
function placeOf(r: HttpRecord): string {
  return `${r.input}:${r.line}:${r.time}`;
}

function url(r: HttpRecord): string {
  return r.host ? `${r.scheme ? `${r.scheme}://` : ''}${r.host}${r.target}` : r.target;
}
