/**
 * Why a line (or a HAR entry) was skipped, as a stable code and a readable detail: the code is for scripts and
 * dashboards (`{code, detail}` in the JSON report), the detail for a person. Parsers return a readable reason
 * (a short string, see parsers/line-format.ts); `skipOf` gives it its code.
 */
import { escapeControls } from './strings.js';

export const SKIP_CODES = [
  'blank-line',
  'line-too-long',
  'truncated-line',
  'not-json',
  'bad-status',
  'bad-time',
  'bad-value',
  'missing-field',
  'line-ended-early',
  'no-response',
  'w3c-header',
  'other-format',
  'entry-too-large',
  'unparsable',
] as const;
export type SkipCode = (typeof SKIP_CODES)[number];

export interface SkipReason {
  code: SkipCode;
  /** One line, control characters escaped. */
  detail: string;
}

const RULES: [RegExp, SkipCode][] = [
  [/^blank line$/, 'blank-line'],
  [/^line too long/, 'line-too-long'],
  [/^the input ended inside this line/, 'truncated-line'],
  [/^entry is too large/, 'entry-too-large'],
  [/not valid JSON|malformed JSON|^not a JSON object|^entry is not an object/i, 'not-json'],
  [/^line ended early|^line ended before|^only \d+ fields|^unclosed|^no space after field/, 'line-ended-early'],
  [/^bad (status|elb_status_code|DownstreamStatus|res\.statusCode)\b/, 'bad-status'],
  [/^bad (time|date|accept date|start_time|StartUTC)\b/i, 'bad-time'],
  [/^bad /, 'bad-value'],
  [/status -1|status 0\b|no elb_status_code|no response/, 'no-response'],
  [/#Fields|W3C header|^#/, 'w3c-header'],
  [/^not an? |^not a |^expected ".*" at the start/, 'other-format'],
  [/^no |without|^req without/, 'missing-field'],
];

export function skipOf(reason: string): SkipReason {
  const detail = escapeControls(reason);
  for (const [re, code] of RULES) if (re.test(reason)) return { code, detail };
  return { code: 'unparsable', detail };
}

/** A skipped line as the report keeps it: the reason with its code, the text's start, control characters escaped. */
export function skippedLine(input: number, line: number, reason: string, text: string) {
  const { code, detail } = skipOf(reason);
  return { input, line, reason: detail, code, detail, text: escapeControls(text.length > 200 ? text.slice(0, 200) : text) };
}
