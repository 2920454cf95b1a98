/**
 * Lines are cut out of large decoded chunks, and V8 keeps a cut-out string as a slice that holds on to its whole
 * chunk. A field kept past its record (a client key, a route, an example) must be copied, or every kept field
 * would pin the ~256 KB it was read with, and memory would grow with the input.
 */
export function detach(s: string): string {
  // Flattening a cons string makes a fresh copy; slicing that copy no longer refers to the chunk.
  return s.length < 13 ? s : (` ${s}`).slice(1);
}

export function detachOrNull(s: string | null): string | null {
  return s === null ? null : detach(s);
}
