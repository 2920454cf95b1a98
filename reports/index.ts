/** The registry of report formats: one report model in, text or bytes out. Only the CLI writes them. */
import type { AuditReport } from '../src/report.js';
import { renderArrow } from './arrow.js';
import { renderHtml } from './html.js';
import { renderMarkdown } from './markdown.js';
import { jsonChunks, renderJson } from './json.js';
import { renderNdjson } from './ndjson.js';
import { renderText } from './text.js';

export interface RenderOptions {
  color: boolean;
}

/** A whole report, or its text in pieces (the JSON report: written as it is made, never held whole). */
export type Renderer = (report: AuditReport, opts: RenderOptions) => string | Uint8Array | Iterable<string>;

export const REPORTERS: Record<string, Renderer> = {
  text: (r, o) => renderText(r, { color: o.color }),
  json: (r) => jsonChunks(r),
  markdown: (r) => renderMarkdown(r),
  html: (r) => renderHtml(r),
  ndjson: (r) => renderNdjson(r),
  arrow: (r) => renderArrow(r),
};

/** Reports that need one row per pair kept in memory. */
export const NEEDS_PAIRS = new Set(['arrow']);

export { jsonChunks, renderJson, renderText, renderNdjson, renderArrow, renderMarkdown, renderHtml };
export { renderArrowTables, ARROW_TABLES } from './arrow.js';
export { ndjsonPairLine } from './ndjson.js';
