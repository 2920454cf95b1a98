/** The messages between the main thread and a parsing worker (src/parse-worker.ts), and what a worker is given. */
import type { AuditErrorCode } from '../core/errors.js';
import type { InputStats } from '../core/model.js';
import type { EncodedBatch } from './record-codec.js';
import type { InputProgress } from './source.js';
import { compileLogFormat } from '../parsers/log-format.js';
import { jsonLinesFormat } from '../parsers/json-lines.js';
import type { FormatSpec, LineFormat } from '../parsers/line-format.js';

export interface WorkerJob {
  inputs: { path: string; input: number }[];
  format?: FormatSpec | undefined;
  inputFormat?: string | undefined;
  strict?: boolean | undefined;
  maxLineBytes?: number | undefined;
  /** The first bytes of standard input, read by the main thread to see what it is (src/peek.ts). */
  stdinHead?: Uint8Array | undefined;
  /** Only this shard's records are handed over (`--shard-records`; the others would be dropped on arrival). */
  shard?: { index: number; count: number; clientKey: 'address' | 'forwarded-for' } | undefined;
}

export type ToMain =
  | { type: 'opened' | 'end'; input: number; stats: InputStats; progress: InputProgress }
  | { type: 'batch'; input: number; batch: EncodedBatch; stats: InputStats; progress: InputProgress }
  | {
      type: 'error';
      input: number;
      /** `code` null: not an AuditError (a bug); the message then holds the stack. */
      error: { code: AuditErrorCode | null; message: string; exitCode: number };
      stats: InputStats | null;
      progress: InputProgress | null;
    };

/** One batch of `input` taken by the main thread: the worker may post another. */
export interface ToWorker {
  input: number;
}

export function formatFromSpec(spec: FormatSpec): LineFormat {
  return spec.kind === 'log-format'
    ? compileLogFormat(spec.name, spec.format, spec.syntax, spec.description)
    : jsonLinesFormat(spec.map);
}
