/**
 * The reporters the CLI can choose from, as typed objects: what each writes, whether it needs one row per pair,
 * and how to load its renderer. Renderers are loaded on demand (`import()`), so a command that renders nothing
 * (`explain`, `formats`) or another format never loads apache-arrow. Adding a format: one entry here, one module
 * beside it.
 *
 * This module imports no renderer. `reports/index.ts` is the library's entry point, with every renderer.
 */
import type { AuditReport } from '../src/report.js';

export interface RenderOptions {
  color: boolean;
  /** Columns the text report wraps to (the terminal's width; 100 when unknown). */
  width?: number;
}

/** A whole report, or its text in pieces (the JSON report: written as it is made, never held whole). */
export type Renderer = (report: AuditReport, opts: RenderOptions) => string | Uint8Array | Iterable<string>;

/** Several files by name, for `-o DIR`. */
export type FilesRenderer = (report: AuditReport) => Record<string, Uint8Array>;

interface ReporterBase {
  name: string;
  /** One line for `--help`. */
  description: string;
  /** Keeps one row per pair in the report (`pairs`): memory grows with the input. */
  needsPairs: boolean;
  /** The renderer for stdout or `-o FILE`. */
  load(): Promise<Renderer>;
}

export type Reporter =
  /** Text: to a terminal, a pipe or a file. */
  | (ReporterBase & { output: 'text' })
  /** Bytes: never to a terminal; to a pipe or `-o FILE`. */
  | (ReporterBase & { output: 'binary' })
  /** Several files into the directory `-o DIR`; without `-o`, `load()`'s bytes to a pipe (never a terminal). */
  | (ReporterBase & { output: 'files'; loadFiles(): Promise<FilesRenderer> });

export const REPORTER_LIST: readonly Reporter[] = [
  {
    name: 'text',
    description: 'a summary to read on a terminal',
    output: 'text',
    needsPairs: false,
    load: async () => {
      const { renderText } = await import('./text.js');
      return (r, o) => renderText(r, { color: o.color, ...(o.width ? { width: o.width } : {}) });
    },
  },
  {
    name: 'json',
    description: 'everything, versioned (schemaVersion)',
    output: 'text',
    needsPairs: false,
    load: async () => {
      const { jsonChunks } = await import('./json.js');
      return (r) => jsonChunks(r);
    },
  },
  {
    name: 'markdown',
    description: 'a summary for a ticket or a chat post',
    output: 'text',
    needsPairs: false,
    load: async () => {
      const { renderMarkdown } = await import('./markdown.js');
      return (r) => renderMarkdown(r);
    },
  },
  {
    name: 'html',
    description: 'one self-contained page with charts and sortable tables',
    output: 'text',
    needsPairs: false,
    load: async () => {
      const { renderHtml } = await import('./html.js');
      return (r) => renderHtml(r);
    },
  },
  {
    name: 'ndjson',
    description: 'one finding per line',
    output: 'text',
    needsPairs: false,
    load: async () => {
      const { renderNdjson } = await import('./ndjson.js');
      return (r) => renderNdjson(r);
    },
  },
  {
    name: 'arrow',
    description: 'Apache Arrow tables (-o DIR: pairs, findings, clients; else the pairs as an IPC stream)',
    output: 'files',
    needsPairs: true,
    load: async () => {
      const { renderArrow } = await import('./arrow.js');
      return (r) => renderArrow(r);
    },
    loadFiles: async () => {
      const { renderArrowTables } = await import('./arrow.js');
      return (r) => renderArrowTables(r);
    },
  },
];

/** The names, in the order of the list. */
export const REPORTER_NAMES: readonly string[] = REPORTER_LIST.map((r) => r.name);

/** The reporter of that name, or undefined. */
export function reporter(name: string): Reporter | undefined {
  return REPORTER_LIST.find((r) => r.name === name);
}
