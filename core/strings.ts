/**
 * Lines are cut out of large decoded chunks, and V8 keeps a cut-out string as a slice that holds on to its whole
 * chunk. A field kept past its record (a client key, a route, an example) must be copied, or every kept field
 * would pin the ~256 KB it was read with, and memory would grow with the input.
 */
export function detach(s: string): string {
  // Flattening a cons string makes a fresh copy; slicing that copy no longer refers to the chunk.
  return s.length < 13 ? s : (` ${s}`).slice(1);
}

/**
 * A copy of `s` that is also every other `intern`ed copy of the same text: V8's string table, reached by using the
 * text as a property name. `detach` leaves a 32-byte slice over its copy; this leaves one flat string, in the old
 * generation at once, and text held many times (the same URL or Referer in many requests) once. For text kept a
 * while and often the same: the fields of requests held for open redirects, examples, route keys and templates.
 * Not for text nearly always distinct (client keys): there it costs twice `detach`'s time for nothing shared.
 */
export function intern(s: string): string {
  if (s.length < 13) return s;
  NAMES[s] = 0;
  const k = Object.keys(NAMES)[0]!;
  delete NAMES[s];
  return k;
}

/** An object in dictionary mode that holds one name at a time (see `intern`). */
const NAMES: Record<string, number> = Object.create(null) as Record<string, number>;

/**
 * Control characters (C0 but for what `keep` lists, DEL, C1) and the bidirectional overrides, written as visible
 * escapes (`\x1b`, `\u009b`, `\u202e`): text from a log (a User-Agent, a URL) can then be printed to a terminal
 * without changing its title, its colours or the order it shows characters in.
 */
const CONTROLS = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;
const CONTROLS_BUT_LAYOUT = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

function escapeOne(ch: string): string {
  const c = ch.charCodeAt(0);
  return c < 0x80 ? `\\x${c.toString(16).padStart(2, '0')}` : `\\u${c.toString(16).padStart(4, '0')}`;
}

/** One field (a User-Agent, a URL, a reason): every control character escaped, newlines and tabs too. */
export function escapeControls(s: string): string {
  CONTROLS.lastIndex = 0;
  return CONTROLS.test(s) ? s.replace(CONTROLS, escapeOne) : s;
}

/** A whole text made of lines: newlines and tabs kept, every other control character escaped. */
export function escapeControlsInText(s: string): string {
  CONTROLS_BUT_LAYOUT.lastIndex = 0;
  return CONTROLS_BUT_LAYOUT.test(s) ? s.replace(CONTROLS_BUT_LAYOUT, escapeOne) : s;
}
