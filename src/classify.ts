/**
 * Classification of one pair with the per-pair names of the table of findings (`findings.ts`; their meaning in
 * `docs/semantics.md`, section 5). Only the traffic decides: methods, body sizes and statuses, never the
 * User-Agent.
 */
import type { FollowedPair, Pair } from './pairing.js';
import { unreachable } from '../core/unreachable.js';
import type { HttpRecord } from '../core/model.js';
import { VIOLATION_FINDINGS, type PairFinding, type Verdict } from './findings.js';

// The names and their lists come from the table of findings.
export { PAIR_FINDINGS, VIOLATIONS, VIOLATION_FINDINGS, VERDICTS, type PairFinding, type Verdict } from './findings.js';

/** Why a pair got its name, in one line (for trace output and examples). */
export interface Classification {
  finding: PairFinding;
  why: string;
}

const isSafe = (m: string) => m === 'GET' || m === 'HEAD';

export function classify(pair: Pair): Classification {
  const r = pair.redirect;
  const code = r.status;
  switch (pair.kind) {
    case 'missing-location':
      return { finding: 'missing-location', why: `${code} without a Location header` };
    case 'undetermined':
      return { finding: 'undetermined', why: pair.reason };
    case 'left-site':
      return { finding: 'left-site', why: `the Location ${pair.target} is on another host or scheme, not in these logs` };
    case 'not-followed':
      // A re-sent original says more than the window's end or a loop: a duplicate-submission risk.
      if (pair.retried) return { finding: 'original-retried', why: `re-sent ${r.method} ${r.target} instead of following the ${code}` };
      if (pair.openAtEnd) return { finding: 'open-at-end', why: 'the input ended before the window closed' };
      if (pair.loop) {
        return { finding: 'redirect-loop', why: `stopped following: ${pair.target ?? 'the Location'} was already visited in this chain` };
      }
      return { finding: 'unfollowed', why: `no request to the Location within the window` };
    case 'followed': {
      const judged = judge(r, pair.followUp);
      return judged.finding === 'followed' ? (misresolved(pair) ?? judged) : judged;
    }
    default:
      return unreachable(pair, 'pair');
  }
}

/** True when `f`, taken as the follow-up of the redirect `r`, breaks the rule of its status code. */
export function breaksRule(r: HttpRecord, f: HttpRecord): boolean {
  return VIOLATION_FINDINGS.has(judge(r, f).finding);
}

/** What the rule of `r`'s status code says of the follow-up `f`. */
function judge(r: HttpRecord, f: HttpRecord): Classification {
  const code = r.status;
  if (code === 303) {
    if (!isSafe(f.method)) {
      return { finding: 'method-kept-after-303', why: `303 requires GET; the follow-up was ${f.method}` };
    }
    if (f.method === 'GET' && f.bodySize !== null && f.bodySize > 0) {
      return { finding: 'body-kept-after-303', why: `303 requires no body; the GET carried ${f.bodySize} bytes` };
    }
    return { finding: 'followed', why: `303 followed with ${f.method}` };
  }
  if (code === 307 || code === 308) {
    if (f.method !== r.method) {
      return {
        finding: code === 307 ? 'method-changed-after-307' : 'method-changed-after-308',
        why: `${code} requires the same method; ${r.method} became ${f.method}`,
      };
    }
    if (r.bodySize !== null && r.bodySize > 0 && f.bodySize === 0) {
      return {
        finding: code === 307 ? 'body-dropped-after-307' : 'body-dropped-after-308',
        why: `${code} requires the same body; ${r.bodySize} bytes became 0`,
      };
    }
    if (f.status === 408 && r.bodySize !== 0 && !isSafe(f.method)) {
      // The repeated request announced a body the server then waited for in vain.
      return {
        finding: code === 307 ? 'body-dropped-after-307' : 'body-dropped-after-308',
        why: `${code} requires the same body; the server timed out waiting for the repeated ${f.method}'s body (408)`,
      };
    }
    return {
      finding: 'followed',
      why: `${code} repeated with ${f.method}${r.bodySize ? ` and its ${r.bodySize}-byte body` : ''}`,
    };
  }
  if ((code === 301 || code === 302) && !isSafe(r.method) && f.method === 'GET') {
    return {
      finding: code === 301 ? 'method-rewritten-after-301' : 'method-rewritten-after-302',
      why: `${r.method} became GET after ${code} (historic behaviour the RFC allows)`,
    };
  }
  return { finding: 'followed', why: `${code} followed with ${f.method}` };
}

/** The client followed, but to the relative Location as written instead of resolving it. */
function misresolved(pair: FollowedPair): Classification | null {
  if (!pair.misresolved) return null;
  return {
    finding: 'location-misresolved',
    why: `requested the relative Location "${pair.redirect.location ?? ''}" as written (${pair.followUp.target}) instead of resolving it`,
  };
}

/**
 * A client's verdicts, most serious first; the first is "the" verdict. `does-not-follow` needs strong evidence:
 * unsafe requests (POST, PUT, ...) left at their redirects (two, or one by a client that followed no unsafe
 * request's redirect), or at least SAFE_LEFT GETs left and no more followed. One or two GETs left alone are weak
 * evidence: a browser may take the target from its cache, and then no log shows it. One upload left by a client
 * seen following unsafe requests' redirects is weak too: without request times, a slow upload's redirect is
 * written long after its follow-up (docs/semantics.md, 3.5), which may no longer be held.
 */
const SAFE_LEFT = 3;
const UNSAFE_LEFT = 2;

export function verdictsOf(
  violations: Record<'303' | '307' | '308', number>,
  unfollowed: number,
  followed: number,
  unfollowedUnsafe: number,
  misresolved = 0,
  decided = followed + unfollowed,
  followedUnsafe = 0,
): Verdict[] {
  const out: Verdict[] = [];
  if (violations['303'] > 0) out.push('mishandles-303');
  if (violations['307'] > 0) out.push('mishandles-307');
  if (violations['308'] > 0) out.push('mishandles-308');
  if (misresolved > 0) out.push('misresolves-location');
  const unsafeLeft = unfollowedUnsafe >= UNSAFE_LEFT || (unfollowedUnsafe > 0 && followedUnsafe === 0);
  if (unsafeLeft || (unfollowed >= SAFE_LEFT && unfollowed >= followed)) out.push('does-not-follow');
  if (out.length === 0) out.push(decided > 0 ? 'correct' : 'undetermined');
  return out;
}
