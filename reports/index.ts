/** The registry of report formats: one report model in, text or bytes out. Only the CLI writes them. */
import type { AuditReport } from '../src/report.js';
import { renderJson } from './json.js';
import { renderText } from './text.js';

export interface RenderOptions {
  color: boolean;
}

export type Renderer = (report: AuditReport, opts: RenderOptions) => string | Uint8Array;

export const REPORTERS: Record<string, Renderer> = {
  text: (r, o) => renderText(r, { color: o.color }),
  json: (r) => renderJson(r),
};

export { renderJson, renderText };
