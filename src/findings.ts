/**
 * The table of findings: one row per finding, and every list, ordering, tone and name the rest of the tool uses
 * is derived from it (`PAIR_FINDINGS`, `VIOLATIONS`, `SERVER_FINDINGS`, the example ranking, the order of route
 * findings, the HTML tones, the verdict order). The meaning of each row is in `docs/semantics.md` (section 5,
 * findings; section 6, verdicts); the prose `redirect-audit explain NAME` prints is in `findings-prose.ts`.
 *
 * To add a finding: add its row here, its prose in `findings-prose.ts` (a test checks both ways), and the code
 * that decides it (`classify.ts` for a pair, `monitoring.ts` for a route or a chain).
 *
 * A name may stand in two rows: `redirect-loop` and `missing-location` are both a pair finding (what became of
 * one redirect, not held against the client) and a route or chain finding (what the server should fix). They
 * share one explanation.
 */

/**
 * Where a finding is decided: one redirect and its follow-up (`pair`), a route seen over many requests (`route`),
 * or a chain of redirects from its first hop to its final answer (`chain`).
 */
export type Scope = 'pair' | 'route' | 'chain';

/** How much it matters: a broken rule or a failed user action, a risk, information, the correct case. */
export type Severity = 'error' | 'warning' | 'info' | 'none';

/** How the HTML report colours it (classes `bad`, `warn`, `good` of `reports/html-assets.ts`). */
export type Tone = 'bad' | 'warn' | 'good';

/** The status codes whose rule a client can break; the keys of `violations` in the report. */
export const VIOLATION_CODES = ['303', '307', '308'] as const;
export type ViolationCode = (typeof VIOLATION_CODES)[number];
export type ViolationCounts = Record<ViolationCode, number>;

/** A fresh count of no violations. */
export function noViolations(): ViolationCounts {
  return { '303': 0, '307': 0, '308': 0 };
}

export interface Finding {
  name: string;
  scope: Scope;
  severity: Severity;
  /** Ordering within its scope (pair, or route and chain together): 1 first. Examples and lists follow it. */
  rank: number;
  /** The status code whose rule it concerns, for the violation grouping (`violations["303"]`), or null. */
  code: ViolationCode | null;
  /** Breaks the rule of `code` (counted in `violations`, gives a `mishandles-CODE` verdict). */
  violation: boolean;
  /** Counts as unfollowed (in `unfollowed`, toward `does-not-follow`). */
  unfollowed: boolean;
  /** What to do, in one line. */
  recommendation: string;
  tone: Tone;
  /** The name `--fail-on` takes for it, or null when the name means the other row (route findings win). */
  failOn: string | null;
  /** Route and chain findings: the recommendation for one route, with its figures (the report's line). */
  advise?: (c: AdviceContext) => string;
}

/** What a route finding's recommendation may name: the route and its first example. */
export interface AdviceContext {
  /** `METHOD /normalised/path` */
  route: string;
  method: string;
  /** Status of the example's (first) redirect. */
  code: number;
  /** Where the example's follow-up went, else its Location, else "the target". */
  target: string;
  location: string | null;
  /** Status of the chain's final answer, when it has one. */
  finalStatus: number | null;
  hops: number | null;
  /** The route's distinct redirect codes, sorted. */
  codes: number[];
}

const row = <const N extends string, const S extends Scope>(
  name: N,
  scope: S,
  rank: number,
  severity: Severity,
  tone: Tone,
  recommendation: string,
  more: { code?: ViolationCode; violation?: boolean; unfollowed?: boolean; failOn?: string | null; advise?: (c: AdviceContext) => string } = {},
) => ({
  name,
  scope,
  severity,
  rank,
  code: more.code ?? null,
  violation: more.violation ?? false,
  unfollowed: more.unfollowed ?? false,
  recommendation,
  tone,
  failOn: more.failOn === undefined ? (name as string) : more.failOn,
  ...(more.advise ? { advise: more.advise } : {}),
});

/**
 * Per pair: what one redirect's follow-up did. The order of the rows is the order of `PAIR_FINDINGS` (and of the
 * NDJSON client-finding lines); `rank` orders the examples of a client, most worth reading first.
 */
const PAIR_ROWS = [
  row('followed', 'pair', 17, 'none', 'good', 'Nothing: the follow-up used the method and body the status requires.'),
  row('method-kept-after-303', 'pair', 1, 'error', 'bad', 'Fix the client: after 303 it must GET the Location (curl: drop -X, use -d ... -L).', { code: '303', violation: true }),
  row('body-kept-after-303', 'pair', 2, 'error', 'bad', 'Fix the client: after 303 it must drop the body and the body headers.', { code: '303', violation: true }),
  row('method-changed-after-307', 'pair', 3, 'error', 'bad', 'Fix the client: after 307 it must repeat the method (needle: follow_keep_method).', { code: '307', violation: true }),
  row('method-changed-after-308', 'pair', 5, 'error', 'bad', 'Fix the client: after 308 it must repeat the method (needle: follow_keep_method; replace request).', { code: '308', violation: true }),
  row('body-dropped-after-307', 'pair', 4, 'error', 'bad', 'Fix the client: after 307 it must repeat the body (got: 15.0.7 or later).', { code: '307', violation: true }),
  row('body-dropped-after-308', 'pair', 6, 'error', 'bad', 'Fix the client: after 308 it must repeat the body (got: 15.0.7 or later).', { code: '308', violation: true }),
  row('location-misresolved', 'pair', 7, 'error', 'bad', 'Fix the client: resolve a relative Location against the request URL (RFC 3986 section 5).'),
  row('method-rewritten-after-301', 'pair', 11, 'info', 'warn', 'Nothing on the client; on the server use 308 to keep the method, or 303 for a result fetched with GET.'),
  row('method-rewritten-after-302', 'pair', 12, 'info', 'warn', 'Nothing on the client; on the server use 303 for Post/Redirect/Get, or 307 to keep the method.'),
  row('unfollowed', 'pair', 9, 'warning', 'warn', 'Enable redirect following in the client, or widen --window for slow clients.', { unfollowed: true }),
  row('original-retried', 'pair', 8, 'warning', 'warn', 'Fix the client\'s redirect handling; make the route idempotent so retries do no harm.', { unfollowed: true }),
  row('left-site', 'pair', 13, 'info', 'good', 'Nothing, or add the logs of the other host to see the follow-up.'),
  row('undetermined', 'pair', 16, 'info', 'warn', 'Log the Location header ($sent_http_location, %{Location}o) for exact pairing.'),
  row('missing-location', 'pair', 10, 'warning', 'bad', 'Fix the server: every redirect needs a Location.', { failOn: null }),
  row('open-at-end', 'pair', 15, 'info', 'good', 'Nothing, unless there are many: then include the next log file.'),
  row('redirect-loop', 'pair', 14, 'warning', 'bad', 'Fix the redirect rules that undo each other; redirect straight to the final URL.', { failOn: null }),
] as const;

/**
 * Per route or chain: what the server should fix, and what redirects hide from per-request monitoring. The order
 * of the rows is the order of `SERVER_FINDINGS`; `rank` orders the report's list of route findings.
 */
const SERVER_ROWS = [
  row('see-other-for-get', 'route', 4, 'warning', 'warn', 'Use 301/308 for a moved or canonical URL, 302/307 for a temporary one; 303 is for a result after a POST.', {
    advise: (c) =>
      `${c.route} answers 303 to ${c.method}: for a moved or canonical URL use 301/308 (permanent) or 302/307 (temporary); 303 is for sending a client to a result after a POST.`,
  }),
  row('found-after-post', 'route', 3, 'warning', 'warn', 'Use 303 for Post/Redirect/Get, or 307 to have the POST repeated at the new URL.', {
    advise: (c) =>
      `${c.route} answers 302: use 303 for Post/Redirect/Get (the follow-up must be a GET, a reload does not resubmit), or 307 to have the POST repeated at the new URL; 302 leaves it to each client.`,
  }),
  row('target-rejects-repeated-method', 'route', 1, 'error', 'bad', 'Answer 303 (a page fetched with GET), or make the target accept the repeated method.', {
    advise: (c) =>
      `${c.route} answers ${c.code}, so clients repeat the ${c.method} at ${c.target}, which refuses it (${c.finalStatus ?? '4xx'}): the route meant 303 (send the client to a page it fetches with GET).`,
  }),
  row('target-rejects-get', 'route', 2, 'error', 'bad', 'Answer 307 (repeat the method with its body), or make the target serve GET.', {
    advise: (c) =>
      `${c.route} answers 303, so clients GET ${c.target}, which refuses GET (405): the route meant 307 (repeat the ${c.method} with its body at the new URL).`,
  }),
  row('mixed-redirect-codes', 'route', 6, 'warning', 'warn', 'Use one redirect code per route, so every client behaves the same way.', {
    advise: (c) => `${c.route} answered with ${c.codes.join(', ')}: one route should use one code, so every client behaves the same way.`,
  }),
  row('cacheable-temporary-redirect', 'route', 5, 'warning', 'warn', 'Drop max-age/Expires from temporary redirects, or use 301/308 if the move is permanent.', {
    advise: (c) =>
      `${c.route} answers ${c.code} with caching headers: caches may keep a temporary redirect; drop max-age/Expires, or use 301/308 if the move is permanent.`,
  }),
  row('masked-failure', 'chain', 7, 'error', 'bad', 'Fix the target, and alert on chains (effective success), not on requests.', {
    advise: (c) =>
      `Chains starting at ${c.route} count as a success on their first answer (${c.code}) but ${c.finalStatus !== null ? `ended in ${c.finalStatus}` : 'never completed (not followed)'}: alert on chains (effective success), not on requests.`,
  }),
  row('redirect-loop', 'chain', 8, 'error', 'bad', 'Fix the redirect rules that undo each other; redirect straight to the final URL.', {
    advise: (c) => `${c.route} leads back to a URL the chain already visited: clients give up; redirect to the final URL.`,
  }),
  row('long-chain', 'chain', 9, 'warning', 'warn', 'Redirect straight to the final URL: each hop costs a round trip.', {
    advise: (c) => `${c.route} takes ${c.hops ?? 'many'} hops: redirect straight to the final URL (each hop costs a round trip).`,
  }),
  row('missing-location', 'route', 10, 'error', 'bad', 'Send a Location with every redirect, or answer with a non-3xx status.', {
    advise: (c) => `${c.route} answers ${c.code} without a Location header: clients cannot follow; send Location.`,
  }),
  row('internal-redirect', 'route', 12, 'info', 'warn', 'Nothing: a browser-made HSTS 307, kept out of server figures.', {
    advise: (c) => `A browser-made ${c.code} (HSTS upgrade) on ${c.route}: no server sent it; kept out of server figures.`,
  }),
  row('insecure-downgrade', 'route', 11, 'error', 'bad', 'Redirect to https, so the follow-up stays encrypted.', {
    advise: (c) => `${c.route} redirects from https to http (${c.location ?? ''}): redirect to https so the follow-up stays encrypted.`,
  }),
  row('possibly-cached', 'chain', 13, 'info', 'warn', 'Nothing, unless many: a browser may follow a permanent redirect from its cache, unseen by the server.', {
    advise: (c) =>
      `Chains starting at ${c.route} (${c.code} to ${c.method}) were not followed in this log: a client may have followed from its cache (a permanent redirect is cacheable), so they are not counted as failures.`,
  }),
] as const;

export type PairFinding = (typeof PAIR_ROWS)[number]['name'];
export type ServerFinding = (typeof SERVER_ROWS)[number]['name'];

/** Every finding, pair rows first. */
export const FINDINGS: readonly Finding[] = [...PAIR_ROWS, ...SERVER_ROWS];

export const PAIR_FINDINGS: readonly PairFinding[] = PAIR_ROWS.map((r) => r.name);
export const SERVER_FINDINGS: readonly ServerFinding[] = SERVER_ROWS.map((r) => r.name);

const PAIR_BY_NAME = new Map<string, Finding>(PAIR_ROWS.map((r) => [r.name, r]));
const SERVER_BY_NAME = new Map<string, Finding>(SERVER_ROWS.map((r) => [r.name, r]));

/** The row of a pair finding. */
export function pairFinding(name: PairFinding): Finding {
  return PAIR_BY_NAME.get(name)!;
}

/** The row of a route or chain finding, or undefined for a name that is none. */
export function serverFinding(name: string): Finding | undefined {
  return SERVER_BY_NAME.get(name);
}

/** The findings that break each status code's rule, by the code they break, in table order. */
const violationsOf = (code: ViolationCode): PairFinding[] =>
  PAIR_ROWS.filter((r) => r.violation && r.code === code).map((r) => r.name);
export const VIOLATIONS: Readonly<Record<ViolationCode, readonly PairFinding[]>> = {
  '303': violationsOf('303'),
  '307': violationsOf('307'),
  '308': violationsOf('308'),
};

/** Every finding that breaks a status code's rule. */
export const VIOLATION_FINDINGS: ReadonlySet<PairFinding> = new Set(PAIR_ROWS.filter((r) => r.violation).map((r) => r.name));

/** The code whose rule a pair finding breaks, for the findings that break one. */
export const VIOLATION_OF: ReadonlyMap<PairFinding, ViolationCode> = new Map(
  PAIR_ROWS.filter((r) => r.violation && r.code !== null).map((r) => [r.name, r.code!]),
);

/** Pair findings that count as unfollowed. */
export const UNFOLLOWED_FINDINGS: ReadonlySet<PairFinding> = new Set(PAIR_ROWS.filter((r) => r.unfollowed).map((r) => r.name));

/** Rank of a pair finding (examples of a client, most worth reading first). */
export const PAIR_RANK: ReadonlyMap<PairFinding, number> = new Map(PAIR_ROWS.map((r) => [r.name, r.rank]));

/** Rank of a route or chain finding (the report's list of route findings). */
export const SERVER_RANK: ReadonlyMap<ServerFinding, number> = new Map(SERVER_ROWS.map((r) => [r.name, r.rank]));

/** Tone of a route or chain finding in the HTML report (`warn` for a name that is none). */
export function serverTone(name: string): Tone {
  return SERVER_BY_NAME.get(name)?.tone ?? 'warn';
}

/** Violations of 303, 307 and 308 together. */
export function violationTotal(v: ViolationCounts): number {
  let sum = 0;
  for (const code of VIOLATION_CODES) sum += v[code];
  return sum;
}

/** A client's verdict: what its pairs add up to. The order of the rows is the order of seriousness. */
export interface VerdictRow {
  name: string;
  /** The status code whose rule the client broke (`mishandles-CODE`), or null. */
  code: ViolationCode | null;
  tone: Tone;
  /** One line: what it says about the client. */
  meaning: string;
}

const verdict = <const N extends string>(name: N, tone: Tone, meaning: string, code: ViolationCode | null = null) => ({
  name,
  code,
  tone,
  meaning,
});

const VERDICT_ROWS = [
  verdict('mishandles-303', 'bad', 'broke the rule of 303 at least once (the follow-up was not a GET without a body)', '303'),
  verdict('mishandles-307', 'bad', 'broke the rule of 307 at least once (the follow-up changed the method or dropped the body)', '307'),
  verdict('mishandles-308', 'bad', 'broke the rule of 308 at least once (the follow-up changed the method or dropped the body)', '308'),
  verdict('misresolves-location', 'bad', 'requested a relative Location verbatim instead of resolving it against the request URL'),
  verdict('does-not-follow', 'warn', 'left unsafe requests at their redirects (two, or one and followed no unsafe one), or at least as many redirects as it followed'),
  verdict('correct', 'good', 'followed every redirect as its code requires, or was not to blame'),
  verdict('undetermined', 'warn', 'none of its pairs was decided: the log cannot tell what it did'),
] as const;

export type Verdict = (typeof VERDICT_ROWS)[number]['name'];

/** Verdicts, most serious first. */
export const VERDICT_TABLE: readonly VerdictRow[] = VERDICT_ROWS;
export const VERDICTS: readonly Verdict[] = VERDICT_ROWS.map((v) => v.name);

const VERDICT_BY_NAME = new Map<string, VerdictRow>(VERDICT_ROWS.map((v) => [v.name, v]));

/** Position of a verdict in the order of seriousness (0 first). */
export const VERDICT_RANK: ReadonlyMap<Verdict, number> = new Map(VERDICTS.map((v, i) => [v, i]));

/** The verdict of breaking a code's rule: `mishandles-303`, ... */
export function mishandles(code: ViolationCode): Verdict {
  return VERDICT_ROWS.find((v) => v.code === code)!.name;
}

/** Whether a verdict says the client broke the rule of 303, 307 or 308. */
export function isMishandling(v: string): boolean {
  return VERDICT_BY_NAME.get(v)?.code != null;
}

export function verdictTone(v: string): Tone {
  return VERDICT_BY_NAME.get(v)?.tone ?? 'good';
}

/** What a status code asks of the follow-up, in one line (trace output), and whether it is a redirect rule. */
export const STATUS_RULES: Readonly<Record<number, string>> = {
  301: 'same method, POST may become GET',
  302: 'same method, POST may become GET',
  303: 'follow with GET (HEAD stays HEAD), no body',
  307: 'repeat the same method with the same body',
  308: 'repeat the same method with the same body',
};

/** The status codes `explain` has a topic for. */
export const STATUS_TOPICS = ['301', '302', '303', '304', '307', '308'] as const;
