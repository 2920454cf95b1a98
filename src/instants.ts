/**
 * When a request was sent and when its answer was done, as far as its record tells (docs/semantics.md, 3.5).
 *
 * A record's `time` is one instant of the exchange: its end in nginx's logs (the line is written when the request
 * is done, after an unread body was discarded), its start in Apache's (`%t`), a HAR's and a span's. With the
 * duration (`$request_time`, `%D`, a HAR entry's `time`, a span's end) the other instant is known too. Where
 * either is missing, both instants are the logged time, and pairing is what it is without them.
 *
 * The pairing engine (src/pairing.ts) asks two things of a redirect `x` and a request `c` of the same client:
 * - was `c` sent after `x` was? (`sentLater`): a follow-up cannot be sent before the request it follows was;
 * - how long after the answer to `x` was `c` sent? (`delayOf`): the redirect's answer reaches the client at its
 *   end at the latest. A server may answer before it has read the request's body (a redirect of an upload), and
 *   log the request only once it has read or discarded the rest, seconds later; a request sent while the
 *   redirect was under way was sent at once, just as one logged shortly before it in completion order.
 */
import type { HttpRecord } from '../core/model.js';
import type { Item } from './pairing-state.js';

/**
 * The duration that moves a record's time to its other instant: none where the format does not say which instant
 * the time is, and none shorter than a logged time in whole seconds can tell (`$time_local`, `%t`): there the order
 * of the lines (completion order within a second) says more than a start worked out to the millisecond from a
 * time that was cut to the second.
 */
function span(r: HttpRecord): number {
  const d = r.duration;
  if (d === null || r.timeIs === null || !(d > 0)) return 0;
  return d >= 1000 || r.time % 1000 !== 0 ? d : 0;
}

/** When the client sent the request: its start (the logged time less the duration where the time is the end). */
export function sentAt(c: Item): number {
  return c.t - c.lead;
}

/** How much earlier than its logged time a request was sent (0 where that is not known). */
export function recordLead(r: HttpRecord): number {
  return r.timeIs === 'end' ? span(r) : 0;
}

/** When the answer was done: its end (the logged time plus the duration where the time is the start). */
export function doneAt(c: Item): number {
  return c.rec.timeIs === 'start' ? c.t + span(c.rec) : c.t;
}

/** How much earlier than its logged time the request was sent (0 where that is not known). */
export function leadOf(c: Item): number {
  return c.t - sentAt(c);
}

/** How long after `x` was sent `c` was (negative: before). Without durations, the difference of logged times. */
export function sentLater(x: Item, c: Item): number {
  return sentAt(c) - sentAt(x);
}

/**
 * Whether `c` may have been sent after `x` was: where a start is worked out from a time cut to the second (less a
 * duration), two starts less than that second apart cannot be told in order; else as `sentLater` says (the order
 * of the logged times where neither has a duration).
 */
export function maybeSentAfter(x: Item, c: Item): boolean {
  const d = sentLater(x, c);
  if (d >= 0) return true;
  const cut = (leadOf(x) > 0 && x.rec.time % 1000 === 0) || (leadOf(c) > 0 && c.rec.time % 1000 === 0);
  return cut && d > -1000;
}

/**
 * How long after the redirect `x` was answered the request `c` was sent: negative when it was sent before `x`
 * was (within the reorder allowance a log in completion order or a skewed clock explains); a request sent while
 * `x` was under way counts as sent just before its answer (-1 ms), where the allowance for completion order
 * scores it. Without durations, the difference of logged times, as before durations were read.
 */
export function delayOf(x: Item, c: Item): number {
  const sent = sentAt(c);
  const answered = doneAt(x);
  if (sent >= answered) return sent - answered;
  const began = sentAt(x);
  return sent >= began ? Math.max(-1, sent - answered) : sent - began;
}
