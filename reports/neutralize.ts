/**
 * Text from the logs (User-Agents, URLs, Locations, file names, skip reasons) is hostile input: a terminal
 * escape in a User-Agent (`\x1b]0;pwned\x07`) would retitle the terminal of whoever reads the report. Every
 * renderer goes through one of these:
 * - `neutralized(report)`: for the reports people read (text, markdown, html), a copy of the report with every
 *   control character in every string written as a visible escape (`\x1b`);
 * - `jsonSafe(text)`: for JSON and NDJSON, where JSON.stringify escapes C0 already: DEL, C1 controls, the
 *   bidirectional overrides and the Unicode line breaks as `\u` escapes, which parse back to the same value.
 */
import { escapeControls } from '../core/strings.js';

export function neutralized<T>(value: T): T {
  return copy(value) as T;
}

function copy(v: unknown): unknown {
  if (typeof v === 'string') return escapeControls(v);
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map(copy);
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) out[escapeControls(k)] = copy(x);
  return out;
}

const JSON_UNSAFE = /[\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

export function jsonSafe(text: string): string {
  JSON_UNSAFE.lastIndex = 0;
  return JSON_UNSAFE.test(text) ? text.replace(JSON_UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`) : text;
}
