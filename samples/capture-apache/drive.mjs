// Drives one npm HTTP client through the steps of sequence.json, from its own loopback address, with the
// client's own redirect following and its default User-Agent.
// Usage: node drive.mjs <client> <local address>
//   ky, ofetch, wretch : fetch wrappers over Node's global fetch; the address is bound by an undici Agent
//                        with localAddress set as the global dispatcher (fetch uses it by default)
//   undici-request     : undici.request() through an Agent composed with interceptors.redirect()
//                        (undici.request does not follow redirects without it)
//   phin               : phin { followRedirects: true } (follow-redirects underneath), localAddress via `core`
//   fetch-parallel     : Node's global fetch, ROUNDS rounds of PARALLEL requests at once (Promise.all)
//                        through 303/307/308 redirects: interleaved chains of one client
// Errors are printed and the run goes on.
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { Agent, setGlobalDispatcher, interceptors, request } from 'undici';

const [client, localAddress] = process.argv.slice(2);
const seq = JSON.parse(readFileSync(new URL('./sequence.json', import.meta.url), 'utf8'));
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const hasBody = (m) => m === 'POST' || m === 'PUT';
const PARALLEL = [
  ['POST', '/r303/from'], ['POST', '/r307/from'], ['PUT', '/r303/from'], ['PUT', '/r307/from'], ['POST', '/r308/from'],
  ['GET', '/r303/from'], ['POST', '/r303/from'], ['POST', '/r307/from'], ['POST', '/account/edit'], ['GET', '/r302/from'],
];
const ROUNDS = 3;

const senders = {
  async ky() {
    const { default: ky } = await import('ky');
    return async (method, url) => {
      const res = await ky(url, { method, headers: hasBody(method) ? FORM : {}, body: hasBody(method) ? seq.body : undefined, throwHttpErrors: false });
      await res.arrayBuffer();
      return `${res.status} ${res.url}`;
    };
  },
  async ofetch() {
    const { ofetch } = await import('ofetch');
    return async (method, url) => {
      const res = await ofetch.raw(url, { method, headers: hasBody(method) ? FORM : {}, body: hasBody(method) ? seq.body : undefined, ignoreResponseError: true, responseType: 'text' });
      return `${res.status} ${res.url}`;
    };
  },
  async wretch() {
    const { default: wretch } = await import('wretch');
    return async (method, url) => {
      const res = await wretch(url).headers(hasBody(method) ? FORM : {}).fetch(method, '', hasBody(method) ? seq.body : undefined).res()
        .catch((e) => { if (e.response) return e.response; throw e; }); // a WretchError for 4xx/5xx
      if (!res.bodyUsed) await res.arrayBuffer(); // (wretch has read an error's body itself)
      return `${res.status} ${res.url}`;
    };
  },
  async 'undici-request'() {
    const dispatcher = new Agent({ localAddress }).compose(interceptors.redirect({ maxRedirections: 20 }));
    return async (method, url) => {
      const res = await request(url, { method, headers: hasBody(method) ? FORM : {}, body: hasBody(method) ? seq.body : undefined, dispatcher });
      await res.body.text();
      return `${res.statusCode}`;
    };
  },
  async phin() {
    const { default: phin } = await import('phin');
    return async (method, url) => {
      const res = await phin({ url, method, headers: hasBody(method) ? FORM : {}, data: hasBody(method) ? seq.body : undefined, followRedirects: true, core: { localAddress } });
      return `${res.statusCode} ${res.responseUrl ?? ''}`;
    };
  },
};

async function fetchParallel() {
  setGlobalDispatcher(new Agent({ localAddress }));
  for (let round = 1; round <= ROUNDS; round++) {
    const results = await Promise.all(PARALLEL.map(async ([method, path]) => {
      try {
        const res = await fetch(seq.base + path, { method, headers: hasBody(method) ? FORM : {}, body: hasBody(method) ? seq.body : undefined });
        await res.arrayBuffer();
        return `${res.status} ${res.url}`;
      } catch (e) {
        return `error: ${e.cause?.code ?? e.name}: ${e.message}`;
      }
    }));
    PARALLEL.forEach(([m, p], i) => console.log(`  ${client}@${localAddress} ${m} ${p} -> round ${round}: ${results[i]}`));
    await sleep(200);
  }
}

if (client === 'fetch-parallel') {
  await fetchParallel();
  process.exit(0);
}
if (!senders[client]) {
  console.error(`unknown client ${client}; one of ${[...Object.keys(senders), 'fetch-parallel'].join(', ')}`);
  process.exit(2);
}
if (['ky', 'ofetch', 'wretch'].includes(client)) setGlobalDispatcher(new Agent({ localAddress }));
const send = await senders[client]();
for (const { method, path } of seq.steps) {
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
