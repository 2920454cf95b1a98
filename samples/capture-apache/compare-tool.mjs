#!/usr/bin/env node
// Compares the analyzer's per-client verdicts (its JSON reports of the two logs) with the ground truth of
// clients.json (ground_truth_verdict, read from the traffic by summarize.mjs). Prints one line per client.
//   node dist/src/bin.js analyze --report json --threads 1 --log-format '<full LogFormat>' samples/capture-apache-full.log > full.json
//   node dist/src/bin.js analyze --report json --threads 1 samples/capture-apache-combined.log > combined.json
//   node samples/capture-apache/compare-tool.mjs full.json combined.json
import { readFileSync } from 'node:fs';

const clients = JSON.parse(readFileSync(new URL('./clients.json', import.meta.url), 'utf8'));
const reports = process.argv.slice(2).map((p) => ({ p, r: JSON.parse(readFileSync(p, 'utf8')) }));
const norm = (ua) => (ua === '-' ? '' : ua);
let disagreements = 0;
for (const c of clients) {
  const truth = [...c.ground_truth_verdict].sort().join(',');
  const cells = reports.map(({ r }) => {
    const t = r.clients.filter((x) => x.address === c.address && norm(x.userAgent ?? '') === norm(c.user_agent));
    if (t.length !== 1) return { text: `${t.length} clients`, same: false };
    const v = [...(t[0].verdicts ?? [t[0].verdict])].sort().join(',');
    const f = Object.entries(t[0].findings).filter(([k]) => k !== 'followed').map(([k, n]) => `${k} ${n}`).join(', ');
    return { text: `${v}${v === truth ? '' : ' ≠'}  [${f}]`, same: v === truth };
  });
  disagreements += cells.filter((x) => !x.same).length;
  console.log(`${c.address}  ${c.client.slice(0, 60)}\n  truth: ${truth}`);
  cells.forEach((x, i) => console.log(`  ${reports[i].p}: ${x.text}`));
}
console.log(`\n${disagreements} disagreement(s) over ${clients.length} clients × ${reports.length} report(s)`);
