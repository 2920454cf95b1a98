/**
 * The library's reporters: one report model in, text or bytes out. Only the CLI writes them, choosing through
 * `registry.ts` (which loads each renderer when it is used).
 */
import type { Renderer, RenderOptions } from './registry.js';
import { renderArrow } from './arrow.js';
import { renderHtml } from './html.js';
import { renderMarkdown } from './markdown.js';
import { jsonChunks, renderJson } from './json.js';
import { renderNdjson } from './ndjson.js';
import { renderText } from './text.js';
import { REPORTER_LIST } from './registry.js';

export type { Renderer, RenderOptions };
export { REPORTER_LIST, REPORTER_NAMES, reporter, type Reporter, type FilesRenderer } from './registry.js';

export const REPORTERS: Record<string, Renderer> = {
  text: (r, o) => renderText(r, { color: o.color }),
  json: (r) => jsonChunks(r),
  markdown: (r) => renderMarkdown(r),
  html: (r) => renderHtml(r),
  ndjson: (r) => renderNdjson(r),
  arrow: (r) => renderArrow(r),
};

/** Reports that need one row per pair kept in memory (from the registry). */
export const NEEDS_PAIRS: ReadonlySet<string> = new Set(REPORTER_LIST.filter((r) => r.needsPairs).map((r) => r.name));

export { jsonChunks, renderJson, renderText, renderNdjson, renderArrow, renderMarkdown, renderHtml };
export { renderArrowTables, ARROW_TABLES } from './arrow.js';
export { ndjsonPairLine } from './ndjson.js';
