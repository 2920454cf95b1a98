// Drives one npm HTTP client through the steps of sequence.json, from its own loopback address.
// Usage: node drive.mjs <client> <local address> [--codes-only] [--xff 203.0.113.7]
// Each client keeps its default User-Agent and its default redirect handling, except where noted
// (needle: follow_max 5; request: followAllRedirects). Errors are printed and the run goes on.
import http from 'node:http';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

const [client, localAddress, ...rest] = process.argv.slice(2);
const codesOnly = rest.includes('--codes-only');
const xffAt = rest.indexOf('--xff');
const xff = xffAt >= 0 ? rest[xffAt + 1] : undefined;
const seq = JSON.parse(readFileSync(new URL('./sequence.json', import.meta.url), 'utf8'));
const FORM = 'application/x-www-form-urlencoded';

function headersFor(method) {
  const h = {};
  if (method !== 'GET') h['content-type'] = FORM;
  if (xff) h['x-forwarded-for'] = xff;
  return h;
}
const hasBody = (m) => m === 'POST' || m === 'PUT';

// Each sender returns a short description of the final outcome; thrown errors are caught by the loop.
const senders = {
  async fetch() {
    const { Agent } = await import('undici');
    // undici takes localAddress as a Client/Agent option; inside `connect: {}` it is silently
    // overridden by the Client's own (null) localAddress and the socket binds to 127.0.0.1.
    const dispatcher = new Agent({ localAddress });
    return async (method, url) => {
      const res = await fetch(url, { method, headers: headersFor(method), body: hasBody(method) ? seq.body : undefined, dispatcher });
      await res.arrayBuffer();
      return `${res.status} ${res.url}`;
    };
  },
  async 'node-fetch'() {
    const { default: nodeFetch } = await import('node-fetch');
    const agent = new http.Agent({ localAddress });
    return async (method, url) => {
      const res = await nodeFetch(url, { method, headers: headersFor(method), body: hasBody(method) ? seq.body : undefined, agent });
      await res.arrayBuffer();
      return `${res.status} ${res.url}`;
    };
  },
  async axios() {
    const { default: axios } = await import('axios');
    const httpAgent = new http.Agent({ localAddress });
    return async (method, url) => {
      const res = await axios.request({ url, method, headers: headersFor(method), data: hasBody(method) ? seq.body : undefined, httpAgent, validateStatus: () => true });
      return `${res.status} ${res.request?.res?.responseUrl ?? ''}`;
    };
  },
  async got() {
    const { default: got } = await import('got');
    const agent = { http: new http.Agent({ localAddress }) };
    return async (method, url) => {
      const res = await got(url, { method, headers: headersFor(method), body: hasBody(method) ? seq.body : undefined, agent, throwHttpErrors: false });
      return `${res.statusCode} ${res.url} retries=${res.retryCount}`;
    };
  },
  async needle() {
    const { default: needle } = await import('needle');
    const agent = new http.Agent({ localAddress });
    return async (method, url) => {
      const res = await needle(method.toLowerCase(), url, hasBody(method) ? seq.body : null, { follow_max: 5, agent, headers: headersFor(method) });
      return `${res.statusCode}`;
    };
  },
  async request() {
    const { default: request } = await import('request');
    return (method, url) => new Promise((resolve, reject) => {
      request({ url, method, headers: headersFor(method), body: hasBody(method) ? seq.body : undefined, followAllRedirects: true, localAddress },
        (err, res) => (err ? reject(err) : resolve(`${res.statusCode} ${res.request.uri.href}`)));
    });
  },
  async superagent() {
    const { default: superagent } = await import('superagent');
    const agent = new http.Agent({ localAddress });
    return async (method, url) => {
      let req = superagent(method, url).agent(agent).set(headersFor(method)).ok(() => true);
      if (hasBody(method)) req = req.send(seq.body);
      const res = await req;
      return `${res.status} ${res.redirects.length} redirects`;
    };
  },
};

if (!senders[client]) {
  console.error(`unknown client ${client}; one of ${Object.keys(senders).join(', ')}`);
  process.exit(2);
}
const send = await senders[client]();
for (const { method, path } of seq.steps) {
  if (codesOnly && !/^\/r\d{3}\//.test(path)) continue;
  let outcome;
  try {
    outcome = await send(method, seq.base + path);
  } catch (e) {
    outcome = `error: ${e.code ?? e.name}: ${String(e.message).split('\n')[0]}`;
  }
  console.log(`  ${client}@${localAddress} ${method} ${path} -> ${outcome}`);
  await sleep(50);
}
process.exit(0); // keep-alive agents would otherwise hold the process open
