/**
 * The registry of line formats and the detector. Formats are tried on the first lines of an input; the one that
 * parses the most lines wins, ties going to the one listed first (the more specific).
 */
import { accessLogPresets } from './access-log.js';
import type { LineFormat } from './line-format.js';
import { structuredFormats } from './structured-formats.js';

export type { FormatCapabilities, LineFormat } from './line-format.js';
export { compileLogFormat } from './log-format.js';
export { looksLikeHar, parseHar } from './har.js';
export { detectDocumentFormat, documentFormats, findDocumentFormat, parseDocument, type DocumentFormat } from './documents.js';

/** Every line format the detector knows, most specific first. */
export function lineFormats(): LineFormat[] {
  // Text access-log presets first; then HAProxy, ALB, the W3C formats (new instances per call: they keep the
  // #Fields line of their input), and the JSON-lines formats, the generic nginx-json last.
  return [...accessLogPresets(), ...structuredFormats()];
}

export function findLineFormat(name: string): LineFormat | undefined {
  return lineFormats().find((f) => f.name === name);
}

export interface Detection {
  format: LineFormat;
  parsed: number;
  tried: number;
}

/** Picks the format that parses the most of `lines` (blank lines ignored); null when none parses any. */
export function detectLineFormat(lines: readonly string[], formats: readonly LineFormat[] = lineFormats()): Detection | null {
  const sample = lines.filter((l) => l.trim() !== '').slice(0, 200);
  let best: Detection | null = null;
  for (const format of formats) {
    let parsed = 0;
    for (let i = 0; i < sample.length; i++) {
      if (typeof format.parse(sample[i]!, 0, i + 1) !== 'string') parsed++;
    }
    if (parsed > 0 && (!best || parsed > best.parsed)) best = { format, parsed, tried: sample.length };
  }
  return best;
}
