/**
 * The document formats: inputs that are one big JSON document (or JSON values one after another) rather than a
 * record a line. Each is recognised from the first bytes of the input and read with parsers/json-stream.ts.
 */
import { gcpLoggingArrayFormat } from './gcp-logging.js';
import { elasticSearchFormat } from './ecs.js';
import { jaegerFormat } from './jaeger.js';
import type { DocumentFormat } from './json-stream.js';
import { otlpFormat } from './otlp.js';
import { zipkinFormat } from './zipkin.js';

export type { DocumentFormat } from './json-stream.js';
export { parseDocument } from './json-stream.js';

export function documentFormats(): DocumentFormat[] {
  return [otlpFormat, jaegerFormat, zipkinFormat, gcpLoggingArrayFormat, elasticSearchFormat];
}

export function findDocumentFormat(name: string | undefined): DocumentFormat | undefined {
  return name === undefined ? undefined : documentFormats().find((f) => f.name === name);
}

/** The document format the first bytes of an input (decoded, up to 4 KB) are in, if any. */
export function detectDocumentFormat(head: string): DocumentFormat | undefined {
  const h = head.replace(/^\uFEFF/, '').trimStart();
  if (h[0] !== '{' && h[0] !== '[') return undefined;
  return documentFormats().find((f) => f.detect(h));
}
