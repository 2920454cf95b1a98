/**
 * The prose of `redirect-audit explain TOPIC`, as Markdown: one document per status code, finding (a row of the
 * table in `findings.ts`) and verdict, rendered for the terminal by `markdown-terminal.ts`. Each document is a
 * `# title` and `## sections` of paragraphs and `- ` bullets; a paragraph may be wrapped anywhere. What it says
 * follows `docs/semantics.md`; the decisions it describes are those of `classify.ts`, `pairing.ts` and
 * `monitoring.ts`. A test checks that every row of the table has a document and every document is a row, a
 * status code or a verdict.
 *
 * Paragraphs shared by several documents are constants below, put in with `${NAME}`.
 */
import { VERDICTS } from './findings.js';

/** A Markdown document: the template's text with its values put in (an `md` tag, so editors can highlight it). */
const md = (text: TemplateStringsArray, ...values: string[]): string =>
  text.reduce((out, part, i) => out + part + (values[i] ?? ''), '').trim();

/** The verdicts in order of seriousness, as the prose lists them. */
const SERIOUSNESS = VERDICTS.join(', ');

const FOLLOW_UP = md`
The follow-up of a redirect is the same client's request to the Location (resolved against the request's URL)
within the window (--window, 60s by default); requests to other URLs in between do not break the pair, and a
follow-up logged up to --reorder (2s) before its redirect still counts, since logs are written in completion
order. A client's redirects and requests are paired jointly when their windows end, strongest evidence first,
so that one person's request behind a shared address never settles another's redirect. When the log does not
record Location, the evidence is weighed (where the route is learnt to lead, the redirect's own ids carried
over, a trailing slash, a Referer naming the redirecting URL, the delay; never the method or body being judged)
and the pair is marked inferred; where it does not decide, the pair is undetermined.`;

const CLIENT = md`
A client is the remote address (or the first X-Forwarded-For address with --client-key forwarded-for) plus the
User-Agent as logged.`;

const TRAFFIC = md`
These are known behaviours, useful for labelling and explaining a verdict; the verdict itself always comes from
the traffic in the log, never from the User-Agent.`;

const VERDICT_TRAFFIC = md`
Verdicts come from the traffic in the log only: the User-Agent labels a client, it never decides what the client
did.`;

const BODY_SIZE = md`
Needs the request body size in the log (for example $content_length in an nginx log_format, bodySize in a HAR;
\`redirect-audit formats\` shows which formats carry it). Without it the body cannot be judged and the pair is
judged on its method alone.`;

/** A POST turned into GET after 301 or 302: allowed (the same document for both codes but the advice). */
function methodRewritten(code: string, advice: string): string {
  return md`
# method-rewritten-after-${code} (allowed, for information)

## Meaning

After a ${code} the client turned a POST (or another method besides GET/HEAD) into GET. RFC 9110 allows it for 301
and 302 for historic reasons, and browsers do it, so it is not a violation.

## Why it matters

It shows that the route leaves the follow-up method to each client: some will repeat the POST, others GET the
target. If the difference matters, the code is the wrong one.

## How it is decided

${FOLLOW_UP}

The pair is a ${code} to a method other than GET/HEAD whose follow-up is a GET.

## What to do

Nothing on the client. On the server: ${advice}
`;
}

/** A 307 or 308 repeated without its body (the same document for both codes). */
function bodyDropped(code: string): string {
  return md`
# body-dropped-after-${code} (violation of ${code})

## Meaning

After a ${code} the client repeated the method but not the body: the original request had a body, the follow-up
has none.

## Why it matters

The target receives an empty POST/PUT (Content-Length 0): a lost submission, a validation error, or worse an
empty record saved, while the logs show the right method at the right URL.

## How it is decided

${FOLLOW_UP}

The pair is a ${code} whose follow-up has the same method, and either the original body size is above 0 and the
follow-up's is 0, or the server answered the repeated request 408 (Request Timeout: it waited for the body the
request announced, and none came). ${BODY_SIZE}

Known clients that do this: got 15.0.0 to 15.0.6 on a cross-origin ${code} (fixed in 15.0.7); clients that send the
Content-Length header again without the body. The traffic decides, not the name.

## What to do

Upgrade or fix the client (got: 15.0.7 or later). Meanwhile, avoid a cross-origin redirect for that route.
`;
}

/** The verdict that a client broke one code's rule (the same document for 303, 307 and 308). */
function mishandles(code: string, rule: string, findings: [string, string]): string {
  return md`
# mishandles-${code} (client verdict)

## Meaning

The client broke the ${code} rule at least once: its follow-up was not ${rule}. The report gives the counts
(violations.${code}, findings) and one example pair per finding, with file and line.

## How it is decided

A client gets mishandles-${code} when at least one of its pairs is ${findings[0]} or ${findings[1]}. ${CLIENT} A
client can have several verdicts; they are listed most serious first (${SERIOUSNESS}) and the first is "the"
verdict.

${VERDICT_TRAFFIC}

## What to do

Read the example pair, find the client behind the address and User-Agent, and fix its redirect handling (see
\`explain ${code}\` for the known ways of getting it wrong). --fail-on ${code} or --fail-on violations makes a
scheduled run exit 1 when this happens.
`;
}

/** Status codes, findings and verdicts, one Markdown document each. */
export const PROSE: Readonly<Record<string, string>> = {
  '301': md`
# 301 Moved Permanently

## Rule

The resource has moved for good to the Location. The follow-up keeps the method; historically a POST may become
GET, and RFC 9110 allows that. The body goes with the request only if the method is kept. A 301 is cacheable
heuristically (RFC 9111 section 4.2.2): caches and browsers may remember it without any Cache-Control or
Expires.

## What clients must do

Request the Location. Browsers and Node fetch (the WHATWG Fetch standard) turn a POST into a GET without a body
and drop the body headers (Content-Type, Content-Encoding, Content-Language, Content-Location); other methods
are kept. Authorization is dropped when the redirect crosses origins.

## Usual mistakes

Clients rarely break 301: rewriting POST to GET is allowed. The mistakes are on the server side: using 301 for a
POST endpoint that should keep its method (use 308), or for a move that is not permanent (caches will keep it;
use 302 or 307).

- Perl LWP follows only GET and HEAD by default: a redirected POST/PUT/DELETE is left unfollowed.

${TRAFFIC}

## What redirect-audit reports

- method-rewritten-after-301: a POST (or another method besides GET/HEAD) became GET; allowed, reported for
  information, no violation.
- followed, unfollowed, original-retried: as for any redirect (see \`explain followed\`).
- Server side: mixed-redirect-codes, masked-failure, long-chain, redirect-loop, missing-location,
  insecure-downgrade.

A 301 never makes a client mishandles-*; not following it gives does-not-follow.
`,

  '302': md`
# 302 Found

## Rule

A temporary redirect. The follow-up keeps the method; historically a POST may become GET, and RFC 9110 allows
that. The body goes with the request only if the method is kept. A 302 is not cacheable without explicit
headers.

## What clients must do

Request the Location. Browsers and Node fetch turn a POST into a GET without a body (the body headers go with
it); other methods are kept. Because clients differ on POST, a 302 after a POST is ambiguous: say what you mean
with 303 (fetch a result with GET) or 307 (repeat the POST).

## Usual mistakes

- Servers answer a form POST with 302 and rely on browsers turning it into GET; scripts and libraries that keep
  the method then re-send the POST to the result page.
- Perl LWP follows only GET and HEAD by default: a redirected POST/PUT/DELETE is left unfollowed.
- Caching headers (max-age, Expires) on a 302 let caches keep a temporary redirect.

${TRAFFIC}

## What redirect-audit reports

- method-rewritten-after-302: a POST (or another method besides GET/HEAD) became GET; allowed, reported for
  information, no violation.
- found-after-post: the route answers 302 to POST (server side).
- cacheable-temporary-redirect: the 302 carries max-age/s-maxage or Expires.
- followed, unfollowed, original-retried, and the chain findings as for any redirect.

A 302 never makes a client mishandles-*; not following it gives does-not-follow.
`,

  '303': md`
# 303 See Other

## Rule

The follow-up is a GET (a HEAD stays HEAD), whatever the original method was, and it carries no body. A 303 is
not cacheable without explicit headers.

This is the Post/Redirect/Get pattern: after a POST, send the client to a result page it fetches with GET, so
that a reload does not resubmit the form. A 303 in answer to a GET says "what you want is another resource";
used for canonicalization or a moved resource it sends the wrong signal (301/308 or 302/307 are meant).

## What clients must do

Send GET (or HEAD after HEAD) to the Location, with no body and without the body headers (Content-Type,
Content-Encoding, Content-Language, Content-Location). Browsers, Node fetch, node-fetch, axios, got, superagent,
python-requests, httpx, Go net/http, Java HttpClient and wget all do this by default.

## Usual mistakes

- curl with -X METHOD and -L keeps the method on every hop: a POST or PUT answered by 303 is re-sent as POST/PUT
  to the result page. (curl -d ... -L without -X is correct.)
- Python urllib does not follow a 303 answered to PUT: the redirect is left unfollowed and the caller gets an
  error.
- Perl LWP follows only GET and HEAD by default: a 303 after POST/PUT/DELETE is left unfollowed.
- got retries a failed GET follow-up: a 500 after a 303 shows up as three identical requests.
- Server side: 303 used for a canonical or moved URL answered to GET, or a result URL that refuses GET.

${TRAFFIC}

## What redirect-audit reports

- method-kept-after-303: the follow-up was not GET/HEAD (a violation).
- body-kept-after-303: the GET follow-up carried a body (a violation; needs the body size in the log).
- followed: GET or HEAD without a body.
- Verdict mishandles-303 for a client with either violation; does-not-follow for unfollowed or original-retried.
- Server side: see-other-for-get (303 answering GET/HEAD), target-rejects-get (the GET is refused with 405),
  cacheable-temporary-redirect (303 with max-age/Expires).
`,

  '304': md`
# 304 Not Modified (not a redirect)

## What it is

A 304 answers a conditional request (If-None-Match, If-Modified-Since): the client's cached copy is still good.
It is in the 3xx range but it is not a redirect: it has no Location and there is nothing to follow.

## What redirect-audit reports

Nothing about clients or redirects: a 304 is never paired, never counted as a redirect and never
missing-location. It is counted in totals.notModified, and in the monitoring figures as an ordinary successful
answer.
`,

  '307': md`
# 307 Temporary Redirect

## Rule

The follow-up uses the same method with the same body: the client repeats the request unchanged at the Location,
so a POST stays a POST, with its body. A 307 is the temporary form (like 302, but the method may not change) and
is not cacheable without explicit headers.

## What clients must do

Send the same method and the same body (with its Content-Type) to the Location. Browsers follow silently for
fetch() and for a form post; Node fetch, node-fetch, axios, got, superagent, python-requests, httpx, Go
net/http, Java HttpClient and wget do it by default. Authorization is dropped when the redirect crosses origins.

Chrome shows HSTS upgrades as "307 Internal Redirect" (Non-Authoritative-Reason: HSTS): the browser made that
response itself; no server sent it (see \`explain internal-redirect\`).

## Usual mistakes

- needle (npm) with redirects enabled rewrites every redirect to GET and drops the body unless
  follow_keep_method is set: POST/PUT/DELETE through a 307 arrive as GET.
- request (npm) with followAllRedirects keeps the method on 307 (but breaks 308).
- Python urllib does not follow a 307 for anything but GET/HEAD: the redirect is left unfollowed and the caller
  gets an error.
- Perl LWP follows only GET and HEAD by default: every redirected POST/PUT/DELETE is left unfollowed.
- got 15.0.0 to 15.0.6 keeps the method on a cross-origin 307 but sends it without the body (fixed in 15.0.7): a
  POST arrives with Content-Length 0.
- Server side: a 307 to a URL that does not accept the repeated method (405/404/501): the route meant 303.

${TRAFFIC}

## What redirect-audit reports

- method-changed-after-307: the follow-up used another method, usually GET (a violation).
- body-dropped-after-307: same method, but the body is gone (a violation; needs the body size).
- followed: the same method, and the body kept when the sizes are known.
- Verdict mishandles-307 for a client with either violation; does-not-follow for unfollowed or original-retried.
- Server side: target-rejects-repeated-method, cacheable-temporary-redirect (307 with max-age/Expires),
  internal-redirect (browser-made 307 in a HAR).
`,

  '308': md`
# 308 Permanent Redirect

## Rule

The follow-up uses the same method with the same body: the client repeats the request unchanged at the Location,
so a POST stays a POST, with its body. A 308 is the permanent form (like 301, but the method may not change) and
is cacheable heuristically: caches and browsers may remember it without any Cache-Control or Expires.

## What clients must do

Send the same method and the same body (with its Content-Type) to the Location. Browsers follow silently for
fetch() and for a form post; Node fetch, node-fetch, axios, got, superagent, python-requests, httpx, Go
net/http, Java HttpClient and wget do it by default. Authorization is dropped when the redirect crosses origins.

## Usual mistakes

- needle (npm) with redirects enabled rewrites every redirect to GET and drops the body unless
  follow_keep_method is set: POST/PUT/DELETE through a 308 arrive as GET.
- request (npm, deprecated but widely installed) with followAllRedirects turns a 308 into GET without body (it
  predates 308).
- Python urllib does not follow a 308 for anything but GET/HEAD: the redirect is left unfollowed and the caller
  gets an error.
- Perl LWP follows only GET and HEAD by default: every redirected POST/PUT/DELETE is left unfollowed.
- got 15.0.0 to 15.0.6 keeps the method on a cross-origin 308 but sends it without the body (fixed in 15.0.7): a
  POST arrives with Content-Length 0.
- Server side: a 308 to a URL that does not accept the repeated method (405/404/501): the route meant 303.

${TRAFFIC}

## What redirect-audit reports

- method-changed-after-308: the follow-up used another method, usually GET (a violation).
- body-dropped-after-308: same method, but the body is gone (a violation; needs the body size).
- followed: the same method, and the body kept when the sizes are known.
- Verdict mishandles-308 for a client with either violation; does-not-follow for unfollowed or original-retried.
- Server side: target-rejects-repeated-method.
`,

  followed: md`
# followed

## Meaning

The client followed the redirect the way its status code requires: GET/HEAD without a body after 303; the same
method (and body, when sizes are known) after 307/308; any follow-up after 301/302 unless a POST became GET
(that is method-rewritten-after-301/302).

## How it is decided

${FOLLOW_UP}

${CLIENT}

## What to do

Nothing: this is the correct behaviour.
`,

  'method-kept-after-303': md`
# method-kept-after-303 (violation of 303)

## Meaning

After a 303 See Other the follow-up was not GET or HEAD: the client kept POST, PUT, DELETE, ...

## Why it matters

303 is Post/Redirect/Get: the follow-up must be a GET of the result page. A client that re-sends the POST
submits the form a second time at the result URL (duplicate submissions, double orders), or the result page
refuses it with 405 and the action looks failed although it succeeded.

## How it is decided

${FOLLOW_UP}

The pair is a 303 whose follow-up's method is neither GET nor HEAD. ${CLIENT}

## What to do

Fix the client. The best known cause is curl -X POST -L (or -X PUT): -X forces the method on every hop; use curl
-d ... -L without -X. The traffic decides, not the name. If the route really wants the method repeated, it
should answer 307 or 308, not 303.
`,

  'body-kept-after-303': md`
# body-kept-after-303 (violation of 303)

## Meaning

After a 303 the follow-up was a GET, but it carried a body.

## Why it matters

A GET with a body is at best ignored and at worst rejected (400) or handled differently by proxies and caches;
it also means the client re-sent the form data, with its body headers, to the result page.

## How it is decided

${FOLLOW_UP}

The pair is a 303 whose GET follow-up has a body size above 0. ${BODY_SIZE}

## What to do

Fix the client: after 303 it must drop the body and the body headers (Content-Type, Content-Encoding, ...).
`,

  'method-changed-after-307': md`
# method-changed-after-307 (violation of 307)

## Meaning

After a 307 the client's follow-up used another method than the original request, usually GET instead of POST.
307 requires the same method with the same body.

## Why it matters

The request the user made never arrives: a POST becomes a GET of the new URL, the body is lost, and the target
often answers with a page or a 405 instead of doing the work. The action silently fails or does something else,
while per-request dashboards show two successful answers.

## How it is decided

${FOLLOW_UP}

The pair is a 307 whose follow-up's method differs from the redirected request's method. ${CLIENT}

Known clients that do this: needle with redirects enabled (without follow_keep_method). The traffic decides, not
the name.

## What to do

Fix or configure the client (needle: follow_keep_method; request: replace it). If the route really wants the
client to fetch a result with GET, answer 303 instead of 307.
`,

  'method-changed-after-308': md`
# method-changed-after-308 (violation of 308)

## Meaning

After a 308 the client's follow-up used another method than the original request, usually GET instead of POST.
308 requires the same method with the same body.

## Why it matters

The request the user made never arrives: a POST becomes a GET of the new URL, the body is lost, and the target
often answers with a page or a 405 instead of doing the work. The action silently fails or does something else,
while per-request dashboards show two successful answers.

## How it is decided

${FOLLOW_UP}

The pair is a 308 whose follow-up's method differs from the redirected request's method. ${CLIENT}

Known clients that do this: needle with redirects enabled (without follow_keep_method), and request (npm) with
followAllRedirects on 308. The traffic decides, not the name.

## What to do

Fix or configure the client (needle: follow_keep_method; request: replace it). If the route really wants the
client to fetch a result with GET, answer 303 instead of 308.
`,

  'body-dropped-after-307': bodyDropped('307'),
  'body-dropped-after-308': bodyDropped('308'),

  'method-rewritten-after-301': methodRewritten('301', 'use 308 if the method must be kept at the new URL, or 303 if the client\nshould fetch a result with GET.'),
  'method-rewritten-after-302': methodRewritten('302', 'use 303 for Post/Redirect/Get, or 307 if the method must be kept (see\n\`explain found-after-post\`).'),

  unfollowed: md`
# unfollowed

## Meaning

The client made no request to the Location within the window (--window, 60s by default).

## Why it matters

The user action never reached its target: the form post, API call or download stopped at the redirect.
Per-request dashboards count the 3xx as a success, so the failure is invisible there (see \`explain
masked-failure\`).

## How it is decided

${FOLLOW_UP}

A redirect with no follow-up when its window closes is unfollowed, unless the client re-sent the original
request instead (original-retried), the Location was already visited in this chain (redirect-loop), or the input
ended while the window was still open and the client sent nothing more (open-at-end).

Known clients that leave redirects unfollowed: Python urllib for 307/308 of anything but GET/HEAD and for 303
after PUT; Perl LWP for every redirect of POST/PUT/DELETE. Some clients are simply configured not to follow
(curl without -L). The traffic decides, not the name.

## What to do

Enable or implement redirect following in the client (LWP: requests_redirectable; urllib: a custom redirect
handler or another library). If the window is too short for slow clients, widen --window. Counts toward the
does-not-follow verdict.
`,

  'original-retried': md`
# original-retried

## Meaning

Instead of following, the client sent the original request again (same method, same URL).

## Why it matters

Duplicate-submission risk: every retry of a POST may be processed again (a second order, a second payment), and
the client still never reaches the Location.

## How it is decided

${FOLLOW_UP}

A redirect of an unsafe request (POST, PUT, PATCH, DELETE) with no follow-up is original-retried when, after it,
the same client requested the redirecting URL again with the same method (with Location logged: before any
request to the Location; without it: among the client's requests in the window). A repeated GET is not a retry:
a page may request one URL twice and follow both redirects.

## What to do

Fix the client's redirect handling (it treats the 3xx as a failure and retries); make the route idempotent (an
idempotency key) so retries do no harm. Counts toward the does-not-follow verdict.
`,

  'missing-location': md`
# missing-location

## Meaning

A 3xx (other than 304) without a Location header, in a log that records Location.

## Why it matters

There is nothing to follow: every client stops there, and the user action fails although the response is counted
as a success by per-request dashboards.

## How it is decided

Only when the format records Location (\`redirect-audit formats\`, or $sent_http_location / %{Location}o in
--log-format): a 3xx logged without Location ("-"), or with one that cannot be resolved to a URL. The pair is
named missing-location (not held against the client: no verdict changes), and the route gets the server finding
missing-location.

## What to do

Fix the server: every redirect needs a Location. Otherwise answer with a non-3xx status.
`,

  'open-at-end': md`
# open-at-end

## Meaning

The input ended while the redirect's window was still open and the client sent nothing afterwards: the follow-up
may simply be in the next log file. Neither followed nor unfollowed.

## How it is decided

A redirect with no follow-up at the end of input, whose window (--window) had not closed by the last timestamp
read, and after which the client made no request. It counts in totals.openAtEnd, in no verdict and in no success
figure.

## What to do

Nothing, unless there are many: then include the next log file (several files are merged by time).
`,

  'redirect-loop': md`
# redirect-loop

## Meaning

A chain of redirects returns to a URL it already visited (a → b → a), so clients stop following or follow until
their limit (20 in browsers) and give up.

## Why it matters

The user never gets a page ("too many redirects"), each lap costs a round trip, and per-request dashboards count
every hop as a success.

## How it is decided

Per pair: a redirect not followed whose Location is a URL the client's current chain already visited (without
Location logged: the population's usual target is where this client just came from). The client is not blamed:
it does not count as unfollowed.

Per route: the chain that ended in that loop is counted once, as a failed action, on the route where it started.

## What to do

Fix the redirect rules (often http/https or www/non-www or trailing-slash rules that undo each other); redirect
straight to the final URL.
`,

  'see-other-for-get': md`
# see-other-for-get (server side)

## Meaning

A route answers 303 See Other to GET or HEAD.

## Why it matters

303 is for sending a client to a result after a POST (Post/Redirect/Get). For a GET it says "what you want is
another resource"; used for a moved or canonical URL it sends the wrong signal: search engines and caches do not
treat it as a move, and it is not cacheable.

## How it is decided

Every 303 response to a GET or HEAD request counts, on the route (method + normalised path) of the request.

## What to do

Use 301 or 308 for a permanent move or a canonical URL, 302 or 307 for a temporary one.
`,

  'found-after-post': md`
# found-after-post (server side)

## Meaning

A route answers 302 Found to POST.

## Why it matters

302 after POST is ambiguous: browsers turn the POST into GET, but clients may keep the method, so the same form
post either fetches the result page or is re-submitted there depending on the client.

## How it is decided

Every 302 response to a POST counts, on the route of the request.

## What to do

Say what you mean: 303 for Post/Redirect/Get (the follow-up must be a GET; a reload does not resubmit), or 307
to have the POST repeated, with its body, at the new URL.
`,

  'target-rejects-repeated-method': md`
# target-rejects-repeated-method (server side)

## Meaning

After a 307 or 308 the client correctly repeated the method, and the target refused it (405, 404 or 501).

## Why it matters

Correct clients fail and broken ones (that turn POST into GET) appear to work: the route meant 303 and the bug
hides behind the clients that mishandle 307/308.

## How it is decided

${FOLLOW_UP}

The pair is a 307/308 whose follow-up used the same method and got 405, 404 or 501; counted on the route of the
redirect.

## What to do

Answer 303 (send the client to a page it fetches with GET), or make the target accept the method.
`,

  'target-rejects-get': md`
# target-rejects-get (server side)

## Meaning

After a 303 the client correctly sent GET to the Location, and the target refused it with 405.

## Why it matters

The target only accepts the original method: correct clients fail, and only clients that wrongly keep the method
after 303 (curl -X POST -L) get through.

## How it is decided

${FOLLOW_UP}

The pair is a 303 whose GET follow-up got 405; counted on the route of the redirect.

## What to do

The route meant 307 (or 308): repeat the method with its body at the new URL. Or make the target serve GET.
`,

  'mixed-redirect-codes': md`
# mixed-redirect-codes (server side)

## Meaning

One route and method answered with different 3xx codes (say 302 and 307).

## Why it matters

Each code asks for a different follow-up, so the same client behaves differently from one request to the next:
usually two servers, two deployments or two code paths disagree.

## How it is decided

Per route (method + path with ids normalised: /orders/123 is /orders/{id}), the distinct redirect codes seen;
the count is the number of codes.

## What to do

Pick one code per route (see \`explain 303\`, \`explain 307\`) and use it everywhere.
`,

  'cacheable-temporary-redirect': md`
# cacheable-temporary-redirect (server side)

## Meaning

A 302, 303 or 307 sent with Cache-Control max-age/s-maxage or Expires.

## Why it matters

Temporary redirects are not cacheable without explicit headers; with them, browsers and CDNs may keep
redirecting after the server stopped, and a per-user redirect may be served to other users.

## How it is decided

A 302/303/307 whose Cache-Control has max-age or s-maxage above 0 (and no no-store, no-cache or private), or
with an Expires in the future. Needs the response headers in the input (a HAR, or a log format with
$sent_http_cache_control / $sent_http_expires).

## What to do

Drop max-age/Expires from temporary redirects (or send no-store), or use 301/308 if the move is permanent.
`,

  'masked-failure': md`
# masked-failure (server side and monitoring)

## Meaning

A chain whose first answer is a 3xx (counted as "not an error") ends in a 4xx/5xx, or never completes (not
followed).

## Why it matters

Per-request dashboards count the redirect as a success, so the failure the user saw is hidden: the apparent
success rate (per request) is higher than the effective success rate (per chain, one user action).

## How it is decided

Each chain is followed from its first redirect through every follow-up to the final answer. A final answer of
400 or above, or a chain left unfollowed, counts once on the route where the chain started. Chains still open at
the end of input (open-at-end) are not counted.

## What to do

Fix the target (or the client, for unfollowed chains), and alert on chains: the effective success in the
monitoring section, not on per-request status codes.
`,

  'possibly-cached': md`
# possibly-cached (monitoring)

## Meaning

A chain that starts with a 301 or 308 answering GET or HEAD was not followed in this log. A permanent redirect is
cacheable: a browser that has it cached goes straight to the target, and the server sees no follow-up for it (or
sees one long before or after the window).

## Why it matters

Its cause is uncertain: the client may have given up, or followed from its cache. Counting it as a
masked-failure would flood the report with failures of routes that work (845 \`/old/page{N}\` routes, each
"failing" for the 10% of browsers with the target cached) and push the routes that really fail down the list.

## How it is decided

An unfollowed pair whose redirect is a GET or HEAD answered 301 or 308. The chain is counted apart (a route's
\`impact.uncertain\`): neither a success nor a failure in the effective success, never a masked-failure. Chains
whose pair is undetermined or left the site are counted apart the same way, without a finding of their own.

## What to do

Nothing, unless there are many: then look at the route's target (does it answer?) and at the clients (\`trace\`).
`,

  'long-chain': md`
# long-chain (server side)

## Meaning

A chain of redirects with more hops than the limit (--max-hops, 5 by default).

## Why it matters

Each hop costs a round trip (latency per chain grows with it), and clients give up at their limit (20 in Fetch,
fewer in some libraries).

## How it is decided

Hops are counted along a client's chain of paired redirects; counted on the route where the chain started.

## What to do

Redirect straight to the final URL.
`,

  'internal-redirect': md`
# internal-redirect (HAR only)

## Meaning

A 307 the browser made itself: Chrome shows HSTS upgrades as "307 Internal Redirect" with
Non-Authoritative-Reason: HSTS. No server sent it.

## How it is decided

A 3xx HAR entry with the status text "Internal Redirect" or a Non-Authoritative-Reason header. It is excluded
from pairing and from every server figure, and counted in totals.internalRedirects.

## What to do

Nothing: reported for information, so the numbers add up.
`,

  'insecure-downgrade': md`
# insecure-downgrade (server side)

## Meaning

A redirect from https to http.

## Why it matters

The follow-up travels unencrypted: cookies, tokens and, after a 307/308, the request body are exposed, and
HSTS-protected clients refuse it.

## How it is decided

A request made over https (the scheme must be known: a HAR or a log with $scheme) whose Location starts with
http://.

## What to do

Redirect to https (usually a proxy that does not know it sits behind TLS: fix X-Forwarded-Proto handling).
`,

  'mishandles-303': mishandles('303', 'GET without a body', ['method-kept-after-303', 'body-kept-after-303']),
  'mishandles-307': mishandles('307', 'the same method with the same body', ['method-changed-after-307', 'body-dropped-after-307']),
  'mishandles-308': mishandles('308', 'the same method with the same body', ['method-changed-after-308', 'body-dropped-after-308']),

  'does-not-follow': md`
# does-not-follow (client verdict)

## Meaning

The client left redirects unfollowed: it made no request to the Location within the window, or re-sent the
original request instead.

## How it is decided

An unsafe request (POST, PUT, ...) was left at its redirect, or the client left at least as many redirects as it
followed. A few GETs left alone are not enough: a browser may take the target from its cache, and then no log
shows the follow-up. Pairs that are redirect-loop, missing-location or open-at-end do not count: they are not
the client's doing. It ranks after mishandles-303/307/308 and misresolves-location.

${VERDICT_TRAFFIC}

## What to do

See \`explain unfollowed\` and \`explain original-retried\`. --fail-on does-not-follow or --fail-on unfollowed
makes a scheduled run exit 1.
`,

  correct: md`
# correct (client verdict)

## Meaning

Every redirect the client received was followed as its code requires, or not held against it
(method-rewritten-after-301/302, missing-location, redirect-loop, open-at-end).

## How it is decided

No violation of 303, 307 or 308 and nothing unfollowed or retried. Read it with the counts: a client that never
received a 307 has not shown that it handles one, and a verdict resting on two redirects says less than one
resting on thousands.

${VERDICT_TRAFFIC}
`,

  undetermined: md`
# undetermined (a pair not decided; a client verdict)

## Meaning

The log cannot decide which request, if any, followed this redirect. Neither followed nor unfollowed, and
never a violation. The report counts the reasons (totals.pairing.undeterminedWhy):

- where the route redirects to is not known: the log does not record Location, and not enough clients (three at
  least) agree on where the route leads;
- two candidate follow-ups fit equally well and would be judged differently;
- other redirects of the client to the same URL were open at the same time (a client running requests in
  parallel) and the requests could be paired with fewer violations than the assignment found;
- the Location differs from the request only in scheme or host (http to https), which the log does not record;
- an unsafe request's redirect (a POST, an upload) that nothing followed, in a log without request times, while a
  request that fits it was logged before it, earlier than the reorder allowance, or other redirects of its route
  were: a server that answers at once and writes the line only once it has read or discarded the request's body
  logs the follow-up first. With \`$request_time\` or \`%D\` in the log, when the redirect was sent is known.

As a verdict: none of the client's pairs was decided, so the log says nothing about how it handles redirects.
It ranks last.

## Why it matters

A pair that cannot be decided must not be guessed: counting it as unfollowed would accuse a client of not
following, and counting it as followed would hide a violation. It is counted apart (in the findings, with its
own verdict) so the figures say how much of the log could be judged.

## How it is decided

${FOLLOW_UP}

When the redirect's window closes (and the reorder allowance after it), one of the reasons above holds for the
best candidate, or no candidate has a strong clue and the route's target is not known.

## What to do

Log the Location header (\`$sent_http_location\` in an nginx log_format, \`%{Location}o\` in an Apache
LogFormat): with it every pair is exact. See \`redirect-audit formats\` for the formats that carry it.
Log the request time too (\`$request_time\`, \`%D\`): a redirect written long after it was sent (a slow upload)
is then paired with what followed it.
`,

  'left-site': md`
# left-site (the follow-up is elsewhere)

## Meaning

The Location names another host or another scheme whose traffic is not in these logs (\`https://login.example\`
from \`http://shop.example\`, a payment provider, a CDN): the client may well have followed, but not where this
log can see it. Neither followed nor unfollowed, and never held against the client.

## Why it matters

Counting such a redirect as unfollowed would blame every client of a sign-in or payment flow. Counting it as
followed would claim what the log does not show. The count tells how many user actions leave the site.

## How it is decided

The Location, resolved against the request's URL, has a host (or a scheme) other than those of the logged
traffic; no request of the client to that URL can appear in these inputs. ${CLIENT}

## What to do

Nothing, if leaving is intended. To judge these pairs too, analyze the other host's log with this one (several
files are merged by time).
`,

  'location-misresolved': md`
# location-misresolved (the client followed to the wrong URL)

## Meaning

The Location was relative (\`profile?saved=1\`, \`../done\`) and the client requested it verbatim, as its
request target, instead of resolving it against the URL of the request that was redirected (RFC 9110 section
10.2.2, RFC 3986 section 5). It tried to follow, to the wrong URL.

## Why it matters

The follow-up lands on a URL that does not exist (\`/profile?saved=1\` instead of \`/account/profile?saved=1\`)
or on another resource: the user action fails with a 404, or worse does something else, while the client
believes it followed.

## How it is decided

${FOLLOW_UP}

The pair's follow-up requests the Location's text as it was sent, where the resolved URL differs from it (a
relative path not starting with \`/\`, or with \`.\`/\`..\` segments), and the client made no request to the
resolved URL. ${CLIENT}

## What to do

Fix the client: resolve a Location with the URL API (\`new URL(location, requestUrl)\`) rather than pasting it
onto the host. On the server, an absolute path (\`/account/profile?saved=1\`) or an absolute URL in Location
avoids the problem for clients that cannot be fixed.
`,

  'misresolves-location': md`
# misresolves-location (client verdict)

## Meaning

The client requested a relative Location verbatim at least once instead of resolving it against the request's
URL: it follows redirects, to the wrong URL.

## How it is decided

A client gets misresolves-location when at least one of its pairs is location-misresolved. It ranks after
mishandles-303/307/308 and before does-not-follow (${SERIOUSNESS}). ${CLIENT}

${VERDICT_TRAFFIC}

## What to do

See \`explain location-misresolved\`. --fail-on misresolves-location or --fail-on location-misresolved makes a
scheduled run exit 1 when this happens.
`,
};
