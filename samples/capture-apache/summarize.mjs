#!/usr/bin/env node
// Reads the Apache capture's full log (it records the Location, which decides pairs exactly) and, beside it,
// the auxiliary log (the declared request body and the exact start of each request), and prints per client
// (remote address + User-Agent) what each redirect led to: the follow-up requests, or "unfollowed".
// A small, independent reading of the traffic, made to document the capture; it is not the analyzer.
// It checks that every configuration of clients.json shows up as exactly one client in the log.
//
//   node samples/capture-apache/summarize.mjs [--update] [full.log aux.log]
//
// --update writes "user_agent", "ground_truth_verdict", "observed", "observed_findings" and "observed_lines" into
// clients.json (other fields, "notes" included, are kept as they are).
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const args = process.argv.slice(2);
const update = args.includes('--update');
const files = args.filter((a) => !a.startsWith('--'));
const fullPath = files[0] ?? here('../capture-apache-full.log');
const auxPath = files[1] ?? here('../capture-apache-aux.log');
const clientsPath = here('./clients.json');
const HOST = '127.0.0.1:18081';

// full: %h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i" "%{Location}o" %I %D
const FULL = /^(\S+) (\S+) (\S+) \[([^\]]+)\] "([^"]*)" (\d{3}) (\S+) "([^"]*)" "([^"]*)" "([^"]*)" (\d+) (\d+)$/;
// aux: %a %{remote}p %{begin:usec}t %D "%r" %>s "%{Content-Length}i" "%{Transfer-Encoding}i" %I "%{Location}o" "%{User-Agent}i"
const AUX = /^(\S+) (\d+) (\d+) (\d+) "([^"]*)" (\d{3}) "([^"]*)" "([^"]*)" (\d+) "([^"]*)" "([^"]*)"$/;

function lines(path, re) {
  return readFileSync(path, 'utf8').split('\n').filter(Boolean).map((line, i) => {
    const m = re.exec(line);
    if (!m) throw new Error(`${path}:${i + 1}: not in the expected format: ${line}`);
    return m;
  });
}

// Apache writes each request to the three files one after the other; two processes can interleave, so the
// aux line of a request is found by its content (address, request, status, %I, %D, User-Agent), not its place.
const aux = new Map();
for (const m of lines(auxPath, AUX)) {
  const key = [m[1], m[5], m[6], m[9], m[4], m[11]].join('|');
  if (!aux.has(key)) aux.set(key, []);
  aux.get(key).push({ port: Number(m[2]), startUs: BigInt(m[3]), contentLength: m[7], transferEncoding: m[8] });
}
const records = lines(fullPath, FULL).map((m, i) => {
  const key = [m[1], m[5], m[6], m[11], m[12], m[9]].join('|');
  const a = aux.get(key)?.shift();
  if (!a) throw new Error(`${fullPath}:${i + 1}: no line of ${auxPath} for it`);
  const [method, target] = m[5].split(' ');
  const declared = a.contentLength !== '-' ? Number(a.contentLength) : a.transferEncoding !== '-' ? 'chunked' : 0;
  const status = Number(m[6]);
  return {
    n: i + 1, addr: m[1], ua: m[9], method, target, status,
    location: m[10] === '-' ? null : m[10], // "-": no Location header; "": an empty one
    declared, // the body the request announced (Content-Length, or chunked)
    // a body counts as sent unless Apache gave up waiting for it (408 after RequestReadTimeout body=2)
    body: declared && status !== 408 ? declared : 0,
    bodyNeverSent: Boolean(declared) && status === 408,
    bytesIn: Number(m[11]), durationUs: Number(m[12]), start: a.startUs, port: a.port,
  };
});
if ([...aux.values()].some((l) => l.length)) throw new Error(`${auxPath} has lines that ${fullPath} lacks`);

const isRedirect = (s) => s >= 300 && s < 400 && s !== 304;
const resolve = (loc, r) => {
  const base = r.target.startsWith('/') ? `http://${HOST}${r.target}` : `http://${HOST}/`;
  const u = new URL(loc, base);
  return u.pathname + u.search;
};
const routeName = (r) => r.target.replace(/^\//, '').replace(/^(r\d{3})\/from$/, '$1');
const bodyMark = (r) => {
  if (r.bodyNeverSent) return ` (declared ${r.declared}, never sent)`;
  if (r.method === 'GET' || r.method === 'HEAD') return r.body ? ` (body ${r.body})` : '';
  return r.body ? ` (body ${r.body})` : ' (no body)';
};
const hop = (r) => `${r.method} ${r.target}${bodyMark(r)} ${r.status}`;

// ---- chains. A client's requests are taken in the order they STARTED (the aux log's begin:usec; the file
// is in completion order). A request to the resolved Location of one of the client's redirects still waiting
// (see best() below) is that redirect's follow-up; a request repeating a 5xx is a retry; anything else starts
// a chain. Parallel clients (aiohttp gather, Promise.all) thus get their interleaved chains apart.
// Which waiting redirect a request follows up: of those of the client sent to that target and started
// before it, (1) one answered on the same connection (client port), else (2) one whose method the request
// is right to use (307/308: the same method; 303: GET or HEAD), else (3) the one started last, so that a
// redirect left unfollowed earlier does not take the follow-up of a later one. (1) and (2) only matter for
// the parallel clients, whose redirects to one target overlap in time: there the log alone cannot tell
// which follow-up belongs to which redirect, and this picks a consistent reading. Returns an index or -1.
const consistent = (a, b) => (a.status === 307 || a.status === 308 ? a.method === b.method
  : a.status === 303 ? BODY_LESS.has(b.method) : true);
function best(list, r, pred) {
  let bestI = -1, bestScore = null;
  list.forEach((ch, i) => {
    const a = ch.redirect;
    if (!pred(ch) || a.start >= r.start) return;
    const score = [a.port === r.port ? 1 : 0, consistent(a, r) ? 1 : 0, a.start];
    const better = !bestScore || score[0] > bestScore[0] || (score[0] === bestScore[0] &&
      (score[1] > bestScore[1] || (score[1] === bestScore[1] && score[2] > bestScore[2])));
    if (better) { bestI = i; bestScore = score; }
  });
  return bestI;
}

function chainsOf(recs) {
  const clients = new Map();
  for (const r of recs) {
    const key = `${r.addr} ${r.ua}`;
    if (!clients.has(key)) clients.set(key, { addr: r.addr, ua: r.ua, lines: [], chains: [], outOfOrder: 0 });
    clients.get(key).lines.push(r);
  }
  for (const c of clients.values()) {
    const byStart = [...c.lines].sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : a.n - b.n));
    c.outOfOrder = byStart.filter((r, i) => r !== c.lines[i]).length;
    const waiting = []; // chains whose last request is a redirect not yet followed
    let prev = null;
    for (const r of byStart) {
      const w = best(waiting, r, (ch) => ch.pending === r.target);
      let chain;
      if (w >= 0) {
        chain = waiting.splice(w, 1)[0];
        chain.reqs.push(r);
      } else {
        // a relative Location (no leading slash) that the client did not resolve as RFC 3986 says: the
        // client's next request whose target ends with that Location (sent verbatim, or joined wrongly)
        // (an EMPTY Location stands for the request's own URL: a client that asks for "/" right after it
        // resolved it wrongly, as PHP's stream wrapper and HTTParty do)
        const mis = best(waiting, r, (ch) => ch.rawLocation !== null && !ch.rawLocation.startsWith('/') &&
          r.target !== ch.pending && (ch.rawLocation === '' ? ch.redirect === prev && r.target === '/' : r.target.endsWith(ch.rawLocation)));
        const retryOf = c.chains.findLast((ch) => {
          const last = ch.reqs.at(-1);
          return last.status >= 500 && last.method === r.method && last.target === r.target;
        });
        if (mis >= 0) {
          chain = waiting.splice(mis, 1)[0];
          chain.reqs.push(r);
          r.wrongTarget = r.target === chain.rawLocation ? 'verbatim' : 'misresolved';
        } else if (retryOf) {
          chain = retryOf;
          chain.reqs.push(r);
          chain.retries += 1;
        } else {
          chain = { reqs: [r], retries: 0 };
          c.chains.push(chain);
        }
      }
      // no Location: some clients re-request the same URL, as for an empty one
      if (isRedirect(r.status) && !r.wrongTarget) {
        chain.pending = resolve(r.location ?? '', r);
        chain.rawLocation = r.location;
        chain.redirect = r;
        waiting.push(chain);
      } else chain.pending = null;
      prev = r;
    }
  }
  return [...clients.values()];
}

const BODY_LESS = new Set(['GET', 'HEAD']);
// findings of one chain, with the names of redirect-semantics.md section 4 (and a few of this capture's own)
function judge(chain) {
  const f = [];
  const { reqs } = chain;
  for (let i = 0; i + 1 < reqs.length; i++) {
    const a = reqs[i], b = reqs[i + 1];
    if (!isRedirect(a.status)) continue; // a retry
    const code = a.status;
    if (b.wrongTarget) {
      // the Location was never requested: unfollowed, whatever was requested instead. (An empty Location,
      // asked for as "/", is only noted: as in samples/capture, clients that stop at an empty Location are
      // not counted as unfollowing it.)
      if (a.location === '') f.push('empty-location-requested-as-root');
      else f.push(`unfollowed-${code}`, `relative-location-${b.wrongTarget}`);
      continue;
    }
    if (code === 303) {
      if (!BODY_LESS.has(b.method)) f.push('method-kept-after-303');
      else if (b.body) f.push('body-kept-after-303');
      else f.push('followed');
    } else if (code === 307 || code === 308) {
      if (b.method !== a.method) f.push(`method-changed-after-${code}`);
      else if (a.body && !b.body) f.push(`body-dropped-after-${code}`);
      else f.push('followed');
    } else if (b.method !== a.method) f.push(`method-rewritten-after-${code}`);
    else f.push('followed');
    if (b.bodyNeverSent) f.push('body-declared-never-sent');
  }
  if (chain.retries) f.push(...Array(chain.retries).fill('retried-after-5xx'));
  const end = reqs.at(-1);
  if (reqs.some((r) => isRedirect(r.status) && r.location === null)) f.push('missing-location');
  if (reqs.some((r) => isRedirect(r.status) && r.location === '')) f.push('empty-location');
  if (isRedirect(end.status) && end.location) {
    const visited = new Set(reqs.map((r) => r.target));
    if (visited.has(chain.pending)) f.push('loop-stopped');
    else f.push(`unfollowed-${end.status}`);
  }
  return f;
}

function describe(chain) {
  const [first, ...rest] = chain.reqs;
  const end = chain.reqs.at(-1);
  const hopText = (r) => (r.wrongTarget ? `${hop(r)} [the Location "${chain.reqs[chain.reqs.indexOf(r) - 1].location}" ${r.wrongTarget === 'verbatim' ? 'sent verbatim' : 'resolved wrongly'}]` : hop(r));
  let text;
  if (rest.length === 0) text = '';
  else if (new Set(rest.map((r) => r.target)).size < rest.length && rest.length > 4) {
    const shown = rest.slice(0, 2).map(hopText).join(' → ');
    text = `${shown} → … (${rest.length} follow-ups in all)`;
  } else {
    const parts = [];
    for (const r of rest) {
      const h = hopText(r);
      const prev = parts.at(-1);
      if (prev && prev.h === h) prev.times += 1;
      else parts.push({ h, times: 1 });
    }
    text = parts.map((p) => (p.times > 1 ? `${p.h} ×${p.times}` : p.h)).join(' → ');
  }
  if (end.wrongTarget) text = `${text}; ${resolve(chain.reqs.at(-2).location, chain.reqs.at(-2))} itself unfollowed`;
  else if (isRedirect(end.status)) {
    const stop = !end.location && rest.length === 0 ? 'not followed'
      : chain.reqs.slice(0, -1).some((r) => r.target === chain.pending) || chain.pending === end.target ? 'stopped'
      : 'unfollowed';
    text = text ? `${text}, then ${stop}` : stop;
  }
  if (first.location === null && isRedirect(first.status)) text = `(no Location) ${text}`;
  else if (first.location === '') text = `(empty Location) ${text}`;
  if (!isRedirect(first.status)) text = `no redirect (${first.status})`;
  return text;
}

function verdictOf(findings) {
  const counts = {};
  for (const f of findings) counts[f] = (counts[f] ?? 0) + 1;
  const v = [];
  if (counts['method-kept-after-303'] || counts['body-kept-after-303']) v.push('mishandles-303');
  for (const c of [307, 308]) if (counts[`method-changed-after-${c}`] || counts[`body-dropped-after-${c}`]) v.push(`mishandles-${c}`);
  if (Object.keys(counts).some((k) => k.startsWith('unfollowed-'))) v.push('does-not-follow');
  return { verdict: v.length ? v : ['correct'], counts };
}

// ---- main
const clients = chainsOf(records);
const config = JSON.parse(readFileSync(clientsPath, 'utf8'));
const problems = [];
const match = (entry, c) => entry.address === c.addr;
for (const c of clients) {
  const entries = config.filter((e) => match(e, c));
  if (entries.length !== 1) problems.push(`${c.addr} "${c.ua}" matches ${entries.length} entries of clients.json`);
  c.entry = entries[0];
}
for (const e of config) {
  const n = clients.filter((c) => match(e, c)).length;
  if (n !== 1) problems.push(`clients.json ${e.address} (${e.client}) shows up as ${n} clients in the log`);
}

console.log(`${fullPath}: ${records.length} lines, ${clients.length} clients\n`);
for (const c of clients) {
  const observed = {};
  const findings = [];
  for (const ch of c.chains) {
    const key = `${routeName(ch.reqs[0])} ${ch.reqs[0].method}`;
    let k = key;
    for (let i = 2; observed[k] !== undefined; i++) k = `${key} #${i}`;
    observed[k] = describe(ch);
    findings.push(...judge(ch));
  }
  const { verdict, counts } = verdictOf(findings);
  console.log(`${c.addr}  ${c.entry?.client ?? '?'}  UA "${c.ua}"`);
  console.log(`  verdict: ${verdict.join(', ')}   ${Object.entries(counts).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  if (c.outOfOrder) console.log(`  ${c.outOfOrder} lines logged out of their start order (the file is in completion order)`);
  const w = Math.max(...Object.keys(observed).map((k) => k.length));
  for (const [k, v] of Object.entries(observed)) console.log(`  ${k.padEnd(w)}  ${v}`);
  console.log('');
  if (c.entry) {
    c.entry.user_agent = c.ua;
    c.entry.ground_truth_verdict = verdict;
    c.entry.observed = observed;
    c.entry.observed_findings = counts;
    c.entry.observed_lines = { total: c.lines.length, logged_out_of_start_order: c.outOfOrder };
  }
}
if (problems.length) console.error(`PROBLEMS:\n  ${problems.join('\n  ')}`);
if (update) {
  // key order: address, client, kind, user_agent, verdict, observed..., notes last
  const ordered = config.map(({ address, client, kind, user_agent, ground_truth_verdict, observed, observed_findings, observed_lines, notes, verdict, ...rest }) =>
    ({ address, client, kind, ...rest, user_agent, ground_truth_verdict, observed_findings, observed_lines, observed, ...(notes === undefined ? {} : { notes }) }));
  writeFileSync(clientsPath, `${JSON.stringify(ordered, null, 2)}\n`);
  console.error(`updated ${clientsPath}`);
}
process.exit(problems.length ? 1 : 0);
