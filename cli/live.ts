/**
 * `analyze --follow`: a live log in, one NDJSON line out for each pair the moment it is decided (a follow-up
 * arrived, or the window closed), a summary line every `interval` and a final one when the input ends or the
 * user stops (SIGINT/SIGTERM: the final report, never a stack trace).
 *
 * The pairing clock is the log's own time; while the input is quiet it moves on with the wall clock from the
 * last record, so an open redirect is reported as unfollowed when its window has passed, not at the next line.
 */
import type { Readable } from 'node:stream';
import { Analyzer, type AnalyzeOptions } from '../src/analysis.js';
import { AuditError } from '../core/errors.js';
import { mergeInputs } from '../src/merge.js';
import type { HttpRecord } from '../core/model.js';
import type { AuditReport } from '../src/report.js';
import { openSource } from '../src/source.js';
import { withSkipCodes } from '../src/input-report.js';
import type { FollowEvent } from '../src/tail.js';
import type { LineFormat } from '../parsers/line-format.js';
import { ndjsonPairLine, ndjsonSummaryLine } from '../reports/ndjson.js';

export interface LiveOptions extends AnalyzeOptions {
  format?: LineFormat | undefined;
  inputFormat?: string | undefined;
  stdin?: Readable | undefined;
  filter?: ((r: HttpRecord) => boolean) | undefined;
  /** Milliseconds between summary lines; 0 for none but the last. */
  intervalMs: number;
  /** Where lines go (stdout). */
  write: (line: string) => void;
  /** Stops the input (the caller wires SIGINT/SIGTERM to it). */
  signal: AbortSignal;
  /** Also report pairs that were followed correctly. */
  all?: boolean | undefined;
  /** Longest line read (`--max-line-bytes`). */
  maxLineBytes?: number | undefined;
  /** Told when the followed file is missing, appears, is truncated or replaced (warnings on stderr). */
  onFollowEvent?: ((e: FollowEvent) => void) | undefined;
}

export async function follow(path: string, opts: LiveOptions): Promise<AuditReport> {
  let lastWall = Date.now();
  const analyzer: Analyzer = new Analyzer({
    ...opts,
    recordFilter: opts.filter,
    eager: true,
    onPair: (p, c) => {
      if (opts.all || c.finding !== 'followed') opts.write(ndjsonPairLine(analyzer.rowOf(p, c)));
    },
  });
  analyzer.setInputNames([path]);
  const source = await openSource(path, 0, {
    format: opts.format,
    inputFormat: opts.inputFormat,
    stdin: opts.stdin,
    follow: opts.signal,
    maxLineBytes: opts.maxLineBytes,
    onFollowEvent: opts.onFollowEvent,
  });
  const clock = setInterval(() => {
    // Quiet input: move the log clock on by the wall time since the last record.
    if (Number.isFinite(analyzer.now)) analyzer.advance(analyzer.now + (Date.now() - lastWall));
    lastWall = Date.now();
  }, 1000);
  const summaries =
    opts.intervalMs > 0 ? setInterval(() => opts.write(ndjsonSummaryLine(analyzer.snapshot([source.stats]))), opts.intervalMs) : null;
  const errors: { code: string; message: string }[] = [];
  try {
    await mergeInputs(
      [source.batches],
      (r) => {
        lastWall = Date.now();
        analyzer.push(r);
      },
      (_i, error) => {
        if (!error) return;
        if (error instanceof AuditError) errors.push({ code: error.code, message: error.message });
        else throw error;
      },
    );
  } finally {
    clearInterval(clock);
    if (summaries) clearInterval(summaries);
  }
  const report = withSkipCodes(analyzer.finish([source.stats], errors), [source.stats]);
  opts.write(ndjsonSummaryLine(report));
  return report;
}
