// HAND-WRITTEN CLIENTS REPRODUCING KNOWN BUG CLASSES. No library among those tried here (Debian 12 and npm,
// see README.md) behaves like these; they are written here, on purpose, so that the logs hold real traffic
// of each kind. They are labelled as such in clients.json and README.md. Each binds its own loopback address
// and sends no User-Agent.
//
// Usage: node handwritten.mjs relative-verbatim|declared-body <local address>
//
//   relative-verbatim : the follow loop often written by hand around node:http (seen in many projects):
//                         if (3xx && res.headers.location) { options.path = res.headers.location; again }
//                       It keeps the method and re-sends the body on every hop, and puts the Location into
//                       the request line AS IT IS: an absolute path works, "profile?saved=1" goes out as
//                       "GET profile?saved=1 HTTP/1.1" (not /account/profile?saved=1); Apache answers 400.
//                       Runs the whole of sequence.json (at most 10 hops a request).
//   declared-body     : a raw socket (node:net) that, on a 307 or 308, re-sends the request line and the
//                       headers, Content-Length: 16 included, but never the body (as a client does that
//                       streamed its body once and cannot replay it). Apache waits for the body and answers
//                       408 after RequestReadTimeout body=2. Sends the 307/308 steps of sequence.json.
import http from 'node:http';
import net from 'node:net';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

const [client, localAddress] = process.argv.slice(2);
const seq = JSON.parse(readFileSync(new URL('./sequence.json', import.meta.url), 'utf8'));
const base = new URL(seq.base);
const hasBody = (m) => m === 'POST' || m === 'PUT';

function relativeVerbatim(method, path) {
  const options = { host: base.hostname, port: base.port, method, path, localAddress, agent: false, headers: {} };
  const body = hasBody(method) ? seq.body : undefined;
  if (body) Object.assign(options.headers, { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body) });
  let hops = 0;
  return new Promise((resolve) => {
    const go = () => {
      const req = http.request(options, (res) => {
        res.resume();
        if (res.statusCode >= 300 && res.statusCode < 400 && res.headers.location && hops < 10) {
          hops += 1;
          options.path = res.headers.location; // the bug: a relative reference used as the request target
          return res.on('end', go);
        }
        res.on('end', () => resolve(`${res.statusCode} ${options.path} after ${hops} redirects`));
      });
      req.on('error', (e) => resolve(`error: ${e.code ?? e.message} (path ${JSON.stringify(options.path)})`));
      req.end(body);
    };
    go();
  });
}

// one request on its own connection; resolves with { status, location } of the response head
function rawRequest(method, target, headers, body) {
  return new Promise((resolve) => {
    const sock = net.connect({ host: base.hostname, port: Number(base.port), localAddress });
    let data = '';
    sock.setEncoding('latin1');
    sock.on('connect', () => {
      const head = [`${method} ${target} HTTP/1.1`, `Host: ${base.host}`, ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`), 'Connection: close', '', ''].join('\r\n');
      sock.write(head);
      if (body !== undefined) sock.write(body);
    });
    sock.on('data', (d) => { data += d; });
    const done = (err) => {
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(data);
      const loc = /\r\nLocation: ?([^\r\n]*)/i.exec(data);
      resolve({ status: m ? Number(m[1]) : 0, location: loc ? loc[1] : null, err });
    };
    sock.on('end', () => done());
    sock.on('error', (e) => done(e.code));
    sock.setTimeout(10000, () => { sock.destroy(); done('timeout'); });
  });
}

async function declaredBody(method, path) {
  const headers = { 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': Buffer.byteLength(seq.body) };
  const first = await rawRequest(method, path, headers, seq.body);
  if (![307, 308].includes(first.status) || first.location === null) return `${first.status} (not followed)`;
  const target = new URL(first.location, seq.base + path); // resolved correctly
  const t0 = Date.now();
  const second = await rawRequest(method, target.pathname + target.search, headers, undefined); // the body never goes
  return `${first.status} -> ${method} ${target.pathname}${target.search} without its body: ${second.status || second.err} after ${Date.now() - t0} ms`;
}

let steps = seq.steps;
let send;
if (client === 'relative-verbatim') send = relativeVerbatim;
else if (client === 'declared-body') {
  send = declaredBody;
  steps = steps.filter((s) => hasBody(s.method) && /307|308/.test(s.path));
} else {
  console.error('usage: node handwritten.mjs relative-verbatim|declared-body <local address>');
  process.exit(2);
}
for (const { method, path } of steps) {
  console.log(`  ${client}@${localAddress} ${method} ${path} -> ${await send(method, path)}`);
  await sleep(50);
}
