/**
 * What the CLI says on stderr about the inputs once they are read: each input's counts, skipped lines (HAR:
 * entries) with the first reason, entries kept with a part dropped, and an input with nothing in it (in a
 * scheduled run that is a broken logrotate, not a quiet night: it must not pass unnoticed).
 */
import type { Logger } from 'pino';
import type { AuditReport } from '../src/report.js';
import type { FollowEvent } from '../src/tail.js';
import type { RecordSource } from '../src/source.js';

export function logInputs(log: Logger, report: AuditReport, sources: RecordSource[]): void {
  for (const [k, i] of report.inputs.entries()) {
    const thread = sources[k]?.thread ?? 'main';
    const unit = i.format === 'har' ? 'entries' : 'lines';
    log.info({ input: i.name, format: i.format, lines: i.linesRead, records: i.records, skipped: i.skipped, thread }, 'input read');
    if (i.format === 'unreadable') continue; // its error is said on its own
    if (i.linesRead === 0) {
      log.warn({ input: i.name }, `${i.name}: empty input (0 ${unit}): is the log being written, or did a rotation go wrong?`);
    } else if (i.records === 0) {
      log.warn({ input: i.name }, `${i.name}: no request in ${i.linesRead} ${unit}`);
    }
    if (i.skipped) {
      const first = i.skippedExamples[0];
      const where = first ? (i.format === 'har' ? `entry ${first.line}` : `line ${first.line}`) : '';
      log.warn(
        { input: i.name, skipped: i.skipped },
        `${i.name}: skipped ${i.skipped} of ${i.linesRead} ${unit}${first ? ` (first: ${where}, ${first.reason})` : ''}`,
      );
    }
    if (i.extraFields) {
      // One warning per input: the fields this run did not read, and how to read them.
      const x = i.extraFields;
      const guess = x.suggestion?.includes('…') ? ' (name each … field: "$sent_http_location" for Location, $content_length, $request_time, ...)' : '';
      log.warn(
        { input: i.name, format: i.format, line: x.line, extra: x.rest },
        `${i.name}: read as ${i.format}, but its lines have more fields (line ${x.line}: ${x.text}). ` +
          `The extra fields (${x.rest}) are ignored, and with them any Location or body size: give the whole format with --log-format` +
          (x.suggestion ? ` '${x.suggestion}'${guess}` : ''),
      );
    }
    if (i.notes) {
      const first = i.notes.examples[0];
      log.warn({ input: i.name, notes: i.notes.count }, `${i.name}: ${i.notes.count} field${i.notes.count === 1 ? '' : 's'} dropped${first ? ` (first: ${first.detail})` : ''}`);
    }
  }
}

/** A followed file's events as warnings: a file that is not there must not be waited for silently. */
export function followEventWarner(log: Logger): (e: FollowEvent) => void {
  return (e) => {
    switch (e.kind) {
      case 'waiting':
        log.warn({ input: e.path }, `${e.path}: no such file yet; waiting for it to appear`);
        break;
      case 'appeared':
        log.warn({ input: e.path }, `${e.path}: appeared; reading it`);
        break;
      case 'truncated':
        log.warn({ input: e.path }, `${e.path}: truncated; reading it again from its start (line numbers start again)`);
        break;
      case 'replaced':
        log.info({ input: e.path }, `${e.path}: replaced by a new file (rotation); reading the new one`);
        break;
    }
  };
}
