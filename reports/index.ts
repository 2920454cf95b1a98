/** The registry of report formats: one report model in, text or bytes out. Only the CLI writes them. */
import type { AuditReport } from '../src/report.js';
import { renderArrow } from './arrow.js';
import { renderHtml } from './html.js';
import { renderMarkdown } from './markdown.js';
import { renderJson } from './json.js';
import { renderNdjson } from './ndjson.js';
import { renderText } from './text.js';

export interface RenderOptions {
  color: boolean;
}

export type Renderer = (report: AuditReport, opts: RenderOptions) => string | Uint8Array;

export const REPORTERS: Record<string, Renderer> = {
  text: (r, o) => renderText(r, { color: o.color }),
  json: (r) => renderJson(r),
  markdown: (r) => renderMarkdown(r),
  html: (r) => renderHtml(r),
  ndjson: (r) => renderNdjson(r),
  arrow: (r) => renderArrow(r),
};

/** Reports that need one row per pair kept in memory. */
export const NEEDS_PAIRS = new Set(['arrow']);

export { renderJson, renderText, renderNdjson, renderArrow, renderMarkdown, renderHtml };
export { renderArrowTables, ARROW_TABLES } from './arrow.js';
export { ndjsonPairLine } from './ndjson.js';
