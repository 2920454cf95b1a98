#!/usr/bin/env node
// Drives the Debian Chromium through Playwright (playwright-core, no browser download) against the nginx
// that har-capture.sh started, records a HAR (content omitted), and checks what the HAR holds.
//
//   node har-capture.mjs capture BASE HAR     BASE = http://127.0.0.1:18081, HAR = where to write it
//   node har-capture.mjs check HAR [FULL_LOG] prints every entry, the redirect chains with what the
//                                             rules of shared/docs/redirect-semantics.md say of each
//                                             follow-up, and (with the log) entries nginx did not log
//
// Not part of the tests; har-capture.sh runs both modes.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const FETCH_BODY = 'a=1';

const say = (...a) => console.error(...a);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------------------------- capture
async function capture(base, harPath) {
  const { chromium } = await import('playwright-core');
  const pwVersion = createRequire(import.meta.url)('playwright-core/package.json').version;
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  say(`chromium ${browser.version()}, playwright-core ${pwVersion}`);
  const context = await browser.newContext({ recordHar: { path: harPath, content: 'omit' } });
  const page = await context.newPage();
  const index = `${base}/har-page/`;
  let n = 0;
  const step = async (label, fn) => {
    n++;
    const out = await fn();
    say(`  ${String(n).padStart(2)} ${label.padEnd(44)} -> ${typeof out === 'string' ? out : JSON.stringify(out)}`);
    await sleep(100);
  };

  // 1. real HTML forms: Playwright types into the text input and clicks the submit button.
  for (const c of ['303', '307', '308', '301', '302']) {
    await step(`form POST /r${c}/from (click)`, async () => {
      await page.goto(index, { waitUntil: 'load' });
      await page.fill(`#form-${c} input[name="name"]`, 'alice');
      const [resp] = await Promise.all([
        page.waitForNavigation({ url: `**/r${c}/to`, waitUntil: 'load' }),
        page.click(`#submit-${c}`),
      ]);
      const req = resp.request();
      return `${req.method()} ${new URL(resp.url()).pathname} ${resp.status()}`;
    });
  }

  // 2. fetch() from the page's own script.
  await page.goto(index, { waitUntil: 'load' });
  const send = (method, path, body) => page.evaluate(([m, p, b]) => window.send(m, p, b), [method, path, body]);
  await step(`fetch POST /r307/from body ${FETCH_BODY}`, () => send('POST', '/r307/from', FETCH_BODY));
  await step(`fetch POST /r308/from body ${FETCH_BODY}`, () => send('POST', '/r308/from', FETCH_BODY));
  await step(`fetch PUT /r303/from body ${FETCH_BODY}`, () => send('PUT', '/r303/from', FETCH_BODY));
  await step(`fetch PUT /r307/from body ${FETCH_BODY}`, () => send('PUT', '/r307/from', FETCH_BODY));

  // 3. the server-side mistakes the routes offer, then a plain GET navigation through a 301.
  await step('<img> GET /bad/chain-500', () => page.evaluate(() => window.loadImage('/bad/chain-500')));
  await step('fetch GET /bad/chain-500', () => send('GET', '/bad/chain-500'));
  await step(`fetch POST /bad/cacheable-307 body ${FETCH_BODY}`, () => send('POST', '/bad/cacheable-307', FETCH_BODY));
  await step('fetch GET /bad/cacheable-307', () => send('GET', '/bad/cacheable-307'));
  await step('fetch GET /bad/cacheable-307 (again)', () => send('GET', '/bad/cacheable-307'));
  await step(`fetch POST /bad/307-to-static body ${FETCH_BODY}`, () => send('POST', '/bad/307-to-static', FETCH_BODY));
  await step(`fetch POST /bad/303-to-post-only body ${FETCH_BODY}`, () =>
    send('POST', '/bad/303-to-post-only', FETCH_BODY));
  await step('fetch GET /bad/see-other-get', () => send('GET', '/bad/see-other-get'));
  await step('fetch GET /bad/no-location', () => send('GET', '/bad/no-location'));
  await step('navigation GET /r301/from (page.goto)', async () => {
    const resp = await page.goto(`${base}/r301/from`, { waitUntil: 'load' });
    return `${resp.request().method()} ${new URL(resp.url()).pathname} ${resp.status()}`;
  });

  await context.close(); // writes the HAR
  await browser.close();
  say(`HAR written: ${harPath}`);
}

// ---------------------------------------------------------------------------------------------- check
const header = (hs, name) => hs.find((h) => h.name.toLowerCase() === name)?.value;
const path = (u) => {
  const x = new URL(u);
  return x.pathname + x.search;
};

function describe(e) {
  const r = e.request;
  const pd = r.postData
    ? ` postData{${r.postData.mimeType}${r.postData.params?.length ? `, params ${r.postData.params.map((p) => p.name).join('&')}` : ''}${r.postData.text ? `, text ${r.postData.text.length} B` : ''}}`
    : '';
  return `${(e._resourceType ?? '?').padEnd(8)} ${r.method.padEnd(4)} ${path(r.url).padEnd(26)} ${String(e.response.status).padStart(3)} bodySize ${String(r.bodySize).padStart(2)}${pd}`;
}

/** What the reference expects of the follow-up of a `status` answered to `from`, and whether `to` does it. */
function verdict(status, from, to) {
  const m = from.request.method, b = from.request.bodySize;
  const tm = to.request.method, tb = to.request.bodySize;
  if (status === 303) {
    const want = m === 'HEAD' ? 'HEAD' : 'GET';
    if (tm !== want) return `method-kept-after-303 (${tm})`;
    return tb > 0 ? 'body-kept-after-303' : 'followed';
  }
  if (status === 307 || status === 308) {
    if (tm !== m) return `method-changed-after-${status} (${tm})`;
    return tb !== b ? `body-dropped-after-${status} (${b} -> ${tb})` : 'followed';
  }
  if ((status === 301 || status === 302) && m === 'POST' && tm === 'GET') return `method-rewritten-after-${status}`;
  return tm === m ? 'followed' : `method ${m} -> ${tm}`;
}

function check(harPath, logPath) {
  const har = JSON.parse(readFileSync(harPath, 'utf8'));
  const entries = har.log.entries;
  console.log(`${harPath}: ${entries.length} entries, creator ${har.log.creator.name} ${har.log.creator.version}, browser ${har.log.browser?.name} ${har.log.browser?.version}`);
  console.log('\n# entries (request order)');
  entries.forEach((e, i) => {
    const loc = header(e.response.headers, 'location');
    const redir = e.response.redirectURL ? `  Location ${JSON.stringify(loc)} redirectURL ${e.response.redirectURL}` : '';
    // Chromium's HTTP cache answered: only the provisional request headers are known (no Host, Accept, ...)
    const cached = header(e.request.headers, 'host') ? '' : '  [no Host header: not sent, from the cache]';
    console.log(`${String(i).padStart(3)} ${describe(e)}${redir}${cached}`);
  });

  // chains: an entry whose URL is the redirectURL of an open 3xx continues that chain (first open one wins).
  const chains = [];
  const open = new Map(); // absolute URL -> chain waiting for it
  for (const e of entries) {
    const waiting = open.get(e.request.url);
    let chain;
    if (waiting) {
      open.delete(e.request.url);
      chain = waiting;
    } else {
      chain = [];
      chains.push(chain);
    }
    chain.push(e);
    if (e.response.redirectURL) open.set(e.response.redirectURL, chain);
  }
  console.log('\n# redirect chains: hop -> follow-up, what the reference says of it');
  const isRedirect = (s) => s >= 300 && s < 400 && s !== 304;
  for (const c of chains.filter((c) => c.length > 1 || isRedirect(c[0].response.status))) {
    console.log(c.map((e) => `${e.request.method} ${path(e.request.url)} ${e.response.status} (${e.request.bodySize})`).join(' -> '));
    for (let i = 0; i + 1 < c.length; i++)
      console.log(`    ${c[i].response.status} ${c[i].request.method} ${path(c[i].request.url)}: ${verdict(c[i].response.status, c[i], c[i + 1])}`);
    const last = c.at(-1);
    if (last.response.redirectURL === '' && isRedirect(last.response.status))
      console.log(`    ends on a ${last.response.status} without a follow-up`);
  }
  const urls = entries.filter((e) => e.response.redirectURL).map((e) => e.response.redirectURL);
  console.log(`\nredirectURL: ${urls.length} set, ${urls.filter((u) => /^https?:/.test(u)).length} absolute; ` +
    `Location headers: ${entries.filter((e) => /^\//.test(header(e.response.headers, 'location') ?? '')).length} relative`);

  if (!logPath) return;
  // the same traffic as nginx logged it (format `full`): compare METHOD PATH STATUS as multisets.
  const key = (m, p, s) => `${m} ${p} ${s}`;
  const count = (keys) => keys.reduce((m, k) => m.set(k, (m.get(k) ?? 0) + 1), new Map());
  const lines = readFileSync(logPath, 'utf8').split('\n').filter(Boolean);
  const logKeys = lines.map((l) => {
    const m = /"(\S+) (\S+) [^"]*" (\d{3}) /.exec(l);
    return m ? key(m[1], m[2], m[3]) : `unparsed: ${l}`;
  });
  const harKeys = entries.map((e) => key(e.request.method, path(e.request.url), e.response.status));
  const inLog = count(logKeys), inHar = count(harKeys);
  console.log(`\n# ${logPath}: ${lines.length} lines; HAR ${entries.length} entries`);
  for (const k of new Set([...inHar.keys(), ...inLog.keys()])) {
    const h = inHar.get(k) ?? 0, l = inLog.get(k) ?? 0;
    if (h !== l) console.log(`  ${k}: HAR ${h}, log ${l}`);
  }
}

// ---------------------------------------------------------------------------------------------- main
const [mode, ...rest] = process.argv.slice(2);
if (mode === 'capture' && rest.length === 2) await capture(rest[0], rest[1]);
else if (mode === 'check' && rest.length >= 1) check(rest[0], rest[1]);
else {
  say('usage: node har-capture.mjs capture BASE HAR | check HAR [FULL_LOG]');
  process.exit(2);
}
