// One traced client: `node client.cjs KIND FILE PORT`. Each KIND is its own service (service.name) and, for the
// http.request clients, its own loopback address:
//   fetch    Node's fetch (undici), following redirects itself                               127.0.0.1
//   correct  http.request + a follow loop that does what RFC 9110 says (303 → GET, 307/308 keep method and body)  127.0.0.21
//   naive    http.request + a follow loop that turns every redirect into a GET without body  127.0.0.22
//   keeper   http.request + a follow loop that keeps the method and body, even after 303     127.0.0.23
// Every action (one request and the redirects it follows) is one trace, under an INTERNAL span.
'use strict';
const [kind, file, port] = process.argv.slice(2);
const provider = require('./otel.cjs').setup(`client-${kind}`, file);
const http = require('node:http');
const { trace } = require('@opentelemetry/api');

const tracer = trace.getTracer('capture-otel');
const base = `http://127.0.0.1:${port}`;
const local = { correct: '127.0.0.21', naive: '127.0.0.22', keeper: '127.0.0.23' }[kind];
const ua = `${kind}-follower/1.0 (node ${process.version}; http.request)`;

function once(method, url, body) {
  return new Promise((resolve, reject) => {
    const headers = { 'user-agent': ua };
    if (body !== null) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      headers['content-length'] = Buffer.byteLength(body);
    }
    const req = http.request(url, { method, headers, localAddress: local }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode, location: res.headers.location }));
    });
    req.on('error', reject);
    req.end(body ?? undefined);
  });
}

async function follow(method, url, body) {
  for (let hop = 0; hop < 5; hop++) {
    const r = await once(method, url, body);
    if (r.status < 300 || r.status >= 400 || !r.location) return r.status;
    url = new URL(r.location, url).href;
    if (kind === 'naive' || (kind === 'correct' && (r.status === 303 || ((r.status === 301 || r.status === 302) && method === 'POST')))) {
      method = 'GET';
      body = null;
    }
    // keeper: method and body as they were, whatever the code.
  }
  return 'too many redirects';
}

async function action(method, path, body) {
  await tracer.startActiveSpan(`${kind} ${method} ${path}`, async (span) => {
    try {
      if (kind === 'fetch') {
        const res = await fetch(`${base}${path}`, { method, body: body ?? undefined, headers: body ? { 'content-type': 'application/x-www-form-urlencoded' } : {} });
        await res.text();
      } else {
        await follow(method, `${base}${path}`, body);
      }
    } finally {
      span.end();
    }
  });
  await new Promise((r) => setTimeout(r, 30));
}

(async () => {
  const form = 'item=42&qty=1';
  await action('POST', '/r303?order=1', form);
  await action('PUT', '/r303?order=2', form);
  await action('POST', '/r307?upload=1', form);
  await action('POST', '/r308?upload=2', form);
  await action('POST', '/r302?login=1', form);
  await action('GET', '/r301?page=1', null);
  await action('GET', '/r307?page=2', null);
  await provider.shutdown();
})();
