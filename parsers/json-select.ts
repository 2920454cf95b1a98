/**
 * What a document format says about the values of a big JSON document: which ones it walks into, which it skips,
 * and which it wants whole. The readers of parsers/json-stream.ts (whole lines, the byte splitter of
 * parsers/json-splitter.ts, stream-json's tokenizer) all make the same calls from it.
 */

/** A value's place: path[0] is the index of the top-level value, then keys and array indexes. */
export type PathKey = string | number;

/** `select` answers: walk into the value (a container), or skip it; any number above 0 assembles it. */
export const WALK = 0;
export const SKIP = -1;

export interface DocumentHandler {
  /** What to do with the value at `path` (path[0] is the index of the top-level value). */
  select(path: readonly PathKey[]): number;
  /** A selected value, assembled. */
  value(tag: number, value: unknown, path: readonly PathKey[]): void;
  /** A container walked into (WALK) has closed; `path` is its own path. */
  closed?(path: readonly PathKey[]): void;
}
