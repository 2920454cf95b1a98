#!/usr/bin/env node
// Reads the capture's full.log (it records the Location) and prints, per client (remote address +
// User-Agent), what each redirect route led to: the follow-up requests, or "unfollowed".
// This is a small, independent reading of the traffic, made to document the capture; it is not the
// analyzer. It checks that every configuration of clients.json shows up under its own address.
//
//   node samples/capture/summarize.mjs [--update] [path/to/full.log]
//
// --update writes "user_agent", "observed" and "observed_verdict" into clients.json (other fields,
// "expected" and "notes" included, are kept as they are).
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const args = process.argv.slice(2);
const update = args.includes('--update');
const logPath = args.find((a) => !a.startsWith('--')) ?? here('../capture-full.log');
const clientsPath = here('./clients.json');

// $remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer"
// "$http_user_agent" "$http_x_forwarded_for" $request_time $msec "$sent_http_location"
// $content_length $request_length $host
const LINE =
  /^(\S+) - (\S+) \[([^\]]+)\] "([^"]*)" (\d{3}) (\d+) "([^"]*)" "([^"]*)" "([^"]*)" (\S+) (\S+) "([^"]*)" (\S+) (\S+) (\S+)$/;

function parse(text) {
  const out = [];
  text.split('\n').forEach((line, i) => {
    if (!line) return;
    const m = LINE.exec(line);
    if (!m) throw new Error(`${logPath}:${i + 1}: not in the full format: ${line}`);
    const [method, target] = m[4].split(' ');
    out.push({
      n: i + 1, addr: m[1], method, target, status: Number(m[5]), ua: m[8], xff: m[9],
      // "-": no Location header; "": an empty one (nginx `return 302;`)
      location: m[12] === '-' ? null : m[12],
      body: m[13] === '-' ? 0 : Number(m[13]), host: m[15],
      // nginx logs a request when it completes: a POST whose body arrives late is logged after
      // the follow-up the client already made on another connection; start = end - duration
      start: Math.round(Number(m[11]) * 1000) - Math.round(Number(m[10]) * 1000),
    });
  });
  return out;
}

const isRedirect = (s) => s >= 300 && s < 400 && s !== 304;
const resolve = (loc, r) => {
  const u = new URL(loc, `http://${r.host}${r.target}`);
  return u.pathname + u.search;
};
const routeName = (r) => r.target.replace(/^\//, '').replace(/^(r\d{3})\/from$/, '$1');
const bodyMark = (r) =>
  r.method === 'GET' || r.method === 'HEAD' ? (r.body ? ` (body ${r.body})` : '') : r.body ? ` (body ${r.body})` : ' (no body)';
const hop = (r) => `${r.method} ${r.target}${bodyMark(r)} ${r.status}`;

// ---- chains: a request that is not the follow-up (or a retry) of the client's previous one starts a chain
function chainsOf(lines) {
  const clients = new Map();
  for (const r of lines) {
    const key = `${r.addr} ${r.ua}`;
    if (!clients.has(key)) clients.set(key, { addr: r.addr, ua: r.ua, xff: new Set(), lines: [], chains: [], pending: null, reordered: 0 });
    clients.get(key).lines.push(r);
  }
  for (const c of clients.values()) {
    const ls = c.lines;
    for (let i = 0; i < ls.length; i++) {
      const r = ls[i], next = ls[i + 1];
      // a request logged just before the 3xx that sends the client to it, and which started no later
      // (msec and request_time have 1 ms resolution: 2 ms of slack): the 3xx came first
      if (next && c.pending !== r.target && isRedirect(next.status) && next.start <= r.start + 2 &&
          resolve(next.location ?? '', next) === r.target && r.target !== next.target &&
          !(isRedirect(r.status) && resolve(r.location ?? '', r) === next.target)) { // not a loop a -> b -> a
        follow(c, next);
        follow(c, r);
        c.reordered += 1;
        i += 1;
      } else follow(c, r);
    }
  }
  return [...clients.values()];
}

function follow(c, r) {
  {
    c.xff.add(r.xff);
    const chain = c.chains.at(-1);
    const last = chain?.reqs.at(-1);
    if (c.pending !== null && r.target === c.pending) {
      chain.reqs.push(r);
    } else if (last && last.status >= 500 && last.method === r.method && last.target === r.target) {
      chain.reqs.push(r);
      chain.retries += 1;
    } else {
      c.chains.push({ reqs: [r], retries: 0 });
    }
    // no Location: some clients (LWP) re-request the same URL, as for an empty one
    c.pending = isRedirect(r.status) ? resolve(r.location ?? '', r) : null;
    c.chains.at(-1).pending = c.pending;
  }
}

const BODY_LESS = new Set(['GET', 'HEAD']);
// findings of one chain, with the names of redirect-semantics.md section 4
function judge(chain) {
  const f = [];
  const { reqs } = chain;
  for (let i = 0; i + 1 < reqs.length; i++) {
    const a = reqs[i], b = reqs[i + 1];
    if (!isRedirect(a.status)) continue; // a retry
    const code = a.status;
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
  }
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
  let text;
  if (rest.length === 0) text = '';
  else if (new Set(rest.map((r) => r.target)).size < rest.length && rest.length > 4) {
    // a loop, or an empty Location re-requested: show the start and the count
    const shown = rest.slice(0, 2).map(hop).join(' → ');
    text = `${shown} → … (${rest.length} follow-ups in all)`;
  } else {
    const parts = [];
    for (const r of rest) {
      const h = hop(r);
      const prev = parts.at(-1);
      if (prev && prev.h === h) prev.times += 1;
      else parts.push({ h, times: 1 });
    }
    text = parts.map((p) => (p.times > 1 ? `${p.h} ×${p.times}` : p.h)).join(' → ');
  }
  if (isRedirect(end.status)) {
    const stop = !end.location && rest.length === 0 ? 'not followed'
      : chain.reqs.some((r) => r.target === chain.pending) ? 'stopped'
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
const lines = parse(readFileSync(logPath, 'utf8'));
const clients = chainsOf(lines);
const config = JSON.parse(readFileSync(clientsPath, 'utf8'));
const problems = [];
const match = (entry, c) => entry.address === c.addr && (!entry.user_agent_prefix || c.ua.startsWith(entry.user_agent_prefix));
for (const c of clients) {
  const entries = config.filter((e) => match(e, c));
  if (entries.length !== 1) problems.push(`${c.addr} "${c.ua}" matches ${entries.length} entries of clients.json`);
  c.entry = entries[0];
}
for (const e of config) {
  const n = clients.filter((c) => match(e, c)).length;
  if (n !== 1) problems.push(`clients.json ${e.address} (${e.client}) shows up as ${n} clients in the log`);
}

console.log(`${logPath}: ${lines.length} lines, ${clients.length} clients\n`);
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
  const xff = [...c.xff].filter((x) => x !== '-');
  console.log(`${c.addr}  ${c.entry?.client ?? '?'}  UA "${c.ua}"${xff.length ? `  X-Forwarded-For ${xff.join(',')}` : ''}`);
  console.log(`  verdict: ${verdict.join(', ')}   ${Object.entries(counts).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  if (c.reordered) console.log(`  ${c.reordered} follow-ups logged before their 3xx (lines are in completion order; start = msec - request_time)`);
  const w = Math.max(...Object.keys(observed).map((k) => k.length));
  for (const [k, v] of Object.entries(observed)) console.log(`  ${k.padEnd(w)}  ${v}`);
  console.log('');
  if (c.entry) {
    c.entry.user_agent = c.ua;
    c.entry.observed = observed;
    c.entry.observed_verdict = { verdict, counts };
    c.entry.observed_lines = { total: c.lines.length, follow_ups_logged_before_their_3xx: c.reordered };
  }
}
if (problems.length) {
  console.error(`PROBLEMS:\n  ${problems.join('\n  ')}`);
}
if (update) {
  // keep each entry's key order: address, client, ..., expected, observed..., notes last
  const ordered = config.map(({ notes, ...rest }) => (notes === undefined ? rest : { ...rest, notes }));
  writeFileSync(clientsPath, `${JSON.stringify(ordered, null, 2)}\n`);
  console.error(`updated ${clientsPath}`);
}
process.exit(problems.length ? 1 : 0);
