/**
 * One input as a stream of record batches: opens it, recognises its format (HAR or a line format), parses each
 * line with the pure parser, and keeps the counters (lines read = records + skipped).
 */
import type { Readable } from 'node:stream';
import { AuditError } from '../core/errors.js';
import { openInput } from './input.js';
import { tailFile, untilAborted, type FollowEvent } from './tail.js';
import { DEFAULT_MAX_LINE_BYTES, readLines, type LineBatch, type Restart } from './lines.js';
import { skippedLine } from '../core/skip.js';
import type { HttpRecord, InputStats } from '../core/model.js';
import { detectDocumentFormat, detectLineFormat, findDocumentFormat, findLineFormat, lineFormats, looksLikeHar, parseDocument, parseHar } from '../parsers/index.js';
import { suggestLogFormat, trailingText } from '../parsers/extra-fields.js';
import type { LineFormat } from '../parsers/line-format.js';

export interface SourceOptions {
  /** A compiled `--log-format`, or a named format (`--input-format`). */
  format?: LineFormat | undefined;
  inputFormat?: string | undefined;
  strict?: boolean | undefined;
  /** How many skipped lines to keep as examples per input. */
  maxExamples?: number | undefined;
  stdin?: Readable | undefined;
  /** Lines to read before recognising the format (default 100). */
  detectLines?: number | undefined;
  /** Follow the input as it grows (a file: across rotation) until this signal aborts. */
  follow?: AbortSignal | undefined;
  /** Longest line kept, in bytes (`--max-line-bytes`); a longer one is one skipped line. HAR: longest field kept. */
  maxLineBytes?: number | undefined;
  /** Told what happens to a followed file (waiting for it to appear, truncated, replaced). */
  onFollowEvent?: ((e: FollowEvent) => void) | undefined;
}

/** Raw bytes read so far and the total size when known (a regular file), for progress. */
export interface InputProgress {
  bytes: number;
  size: number | null;
}

export interface RecordSource {
  stats: InputStats;
  batches: AsyncGenerator<HttpRecord[]>;
  progress(): InputProgress;
  /** Where the input is read and parsed: in a worker thread, or (unset) in this one. */
  thread?: 'worker';
  /** Releases what reads the input (a worker thread); called when the input is done with, read or not. */
  close?(): void;
}

const DETECT_LINES = 100;

export async function openSource(path: string, input: number, opts: SourceOptions = {}): Promise<RecordSource> {
  if (opts.follow) return followSource(path, input, opts, opts.follow);
  const opened = await openInput(path, opts.stdin);
  const stats = newStats(path);
  const progress = () => ({ bytes: opened.rawBytes(), size: opened.size });
  const headText = opened.head.subarray(0, 4096).toString('utf8');
  const forced = opts.format ?? (opts.inputFormat && opts.inputFormat !== 'har' ? findLineFormat(opts.inputFormat) : undefined);
  // A trace or export that is one JSON document (or JSON values one after another): named, or recognised by its start.
  const doc = forced ? undefined : opts.inputFormat ? findDocumentFormat(opts.inputFormat) : detectDocumentFormat(headText);
  if (opts.inputFormat && !forced && !doc && opts.inputFormat !== 'har') {
    throw new AuditError('UNKNOWN_FORMAT', `unknown input format "${opts.inputFormat}"; \`redirect-audit formats\` lists them`);
  }
  if (doc) {
    stats.format = doc.name;
    return { stats, batches: parseDocument(countBytes(opened.chunks, stats), input, stats, doc), progress };
  }
  if (opts.inputFormat === 'har' || (!forced && looksLikeHar(headText))) {
    stats.format = 'har';
    const counted = countBytes(opened.chunks, stats);
    return { stats, batches: parseHar(counted, input, stats, { maxFieldBytes: opts.maxLineBytes }), progress };
  }
  return { stats, batches: parseLines(opened.chunks, input, stats, forced, headText, opts), progress };
}

function newStats(name: string): InputStats {
  return { name, format: '', linesRead: 0, records: 0, skipped: 0, bytes: 0, skippedExamples: [] };
}

/**
 * A live line log: stdin until it ends or the user stops, or a file followed across rotation. The format is
 * recognised from the first lines that arrive (a live log may be quiet for a while).
 */
function followSource(path: string, input: number, opts: SourceOptions, signal: AbortSignal): RecordSource {
  const stats = newStats(path);
  const chunks =
    path === '-' ? untilAborted((opts.stdin ?? process.stdin) as AsyncIterable<Buffer>, signal) : tailFile(path, signal, { onEvent: opts.onFollowEvent });
  const forced = opts.format ?? (opts.inputFormat ? findLineFormat(opts.inputFormat) : undefined);
  if (opts.inputFormat && !forced && findDocumentFormat(opts.inputFormat)) {
    throw new AuditError('USAGE', `--follow reads line formats; "${opts.inputFormat}" is one JSON document (read it without --follow)`);
  }
  if (opts.inputFormat && !forced) {
    throw new AuditError('UNKNOWN_FORMAT', `unknown input format "${opts.inputFormat}"; \`redirect-audit formats\` lists them`);
  }
  return {
    stats,
    batches: parseLines(chunks, input, stats, forced, '', { ...opts, detectLines: 1 }),
    progress: () => ({ bytes: stats.bytes, size: null }),
  };
}

async function* countBytes<T extends Buffer | Restart>(chunks: AsyncIterable<T>, stats: InputStats): AsyncGenerator<T> {
  for await (const c of chunks) {
    if (typeof c !== 'symbol') stats.bytes += c.length;
    yield c;
  }
}

async function* parseLines(
  chunks: AsyncIterable<Buffer | Restart>,
  input: number,
  stats: InputStats,
  forced: LineFormat | undefined,
  headText: string,
  opts: SourceOptions,
): AsyncGenerator<HttpRecord[]> {
  const maxExamples = opts.maxExamples ?? 10;
  const detectLines = opts.detectLines ?? DETECT_LINES;
  const strict = opts.strict ?? false;
  const maxLineBytes = opts.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  const lines = readLines(countBytes(chunks, stats), { maxLineBytes });
  let format = forced;
  // One set of format instances per input, for detection and for the fallbacks: the W3C formats keep the #Fields
  // line of their input, so a second set would hold a copy of the detected format that never saw it.
  const candidates = forced ? [] : lineFormats();
  const pending: LineBatch[] = [];
  /** Set by a --strict stop: thrown once the records before it are out. */
  let stop: AuditError | null = null;
  /** The input failed while its format was being recognised: thrown once what was read is counted. */
  let failure: unknown = null;
  /** One batch of lines → its records; every line is a record or a counted skip. */
  const handleWith = (b: LineBatch, parseLine: (line: string, lineNo: number) => HttpRecord | string): HttpRecord[] => {
    const out: HttpRecord[] = [];
    const ls = b.lines;
    const long = b.long;
    let nextLong = long ? long[0]!.index : -1;
    let k = 0;
    const last = ls.length - 1;
    for (let i = 0; i < ls.length; i++) {
      const line = ls[i]!;
      const lineNo = b.first + i;
      let r: HttpRecord | string;
      if (i === nextLong) {
        r = `line too long (${long![k]!.bytes} bytes; the limit is ${maxLineBytes}, --max-line-bytes)`;
        nextLong = ++k < long!.length ? long![k]!.index : -1;
      } else if (b.cut && i === last) {
        r = `the input ended inside this line (${Buffer.byteLength(line)} bytes, no end of line)`;
      } else {
        r = line.length === 0 ? 'blank line' : parseLine(line, lineNo);
      }
      if (typeof r === 'string') {
        stats.skipped++;
        if (strict) {
          // The records before it are kept (and reported); the input ends here.
          stats.linesRead += i + 1;
          stats.records += out.length;
          stop = new AuditError('STRICT_SKIP', `${stats.name}:${lineNo}: ${skippedLine(input, lineNo, r, '').reason} (--strict stops at the first bad line)`);
          return out;
        }
        if (stats.skippedExamples.length < maxExamples) stats.skippedExamples.push(skippedLine(input, lineNo, r, line));
      } else {
        out.push(r);
      }
    }
    stats.linesRead += ls.length;
    stats.records += out.length;
    return out;
  };
  if (!format) {
    // Read enough lines to recognise the format, then parse those and go on.
    // (next() rather than for-await: breaking out of for-await would close the generator.)
    let seen = 0;
    let content = false;
    while (seen < detectLines || !content) {
      let r: IteratorResult<LineBatch>;
      try {
        r = await lines.next();
      } catch (e) {
        failure = e;
        break;
      }
      if (r.done) break;
      pending.push(r.value);
      seen += r.value.lines.length;
      content ||= r.value.lines.some((l) => l.trim() !== '');
    }
    const sample = pending.flatMap((b) => b.lines).slice(0, Math.max(detectLines, DETECT_LINES));
    if (sample.every((l) => l.trim() === '')) {
      // Nothing but blank (or over-long) lines, and the input has ended: each is a counted skip.
      stats.format = 'empty';
      for (const b of pending) handleWith(b, () => 'blank line');
      if (failure) throw failure;
      return;
    }
    const found = detectLineFormat(sample, candidates);
    if (!found) {
      if (failure) throw failure;
      const first = sample.find((l) => l.trim() !== '') ?? '';
      const trimmed = headText.replace(/^\uFEFF/, '').trimStart();
      if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
        throw new AuditError('NOT_A_HAR', `${stats.name}: JSON but neither a HAR (no "log.entries") nor a known JSON-lines log`);
      }
      throw new AuditError(
        'UNKNOWN_FORMAT',
        `${stats.name}: unrecognised log format (first line: ${JSON.stringify(first.slice(0, 120))}); give it with --log-format '...' or --input-format NAME`,
      );
    }
    format = found.format;
    // An extended log read as the preset it starts with: its extra fields would be dropped silently.
    const extra = extraFieldsOf(format.name, pending);
    if (extra) stats.extraFields = extra;
  }
  stats.format = format.name;
  const parse = format.parse;
  // A detected format is tried first; a line it rejects gets a chance with the other formats (one file may mix
  // combined and vhost_combined lines). A forced format gets no fallback.
  const fallbacks = forced ? [] : candidates.filter((f) => f !== format);
  const parseLine = (line: string, lineNo: number): HttpRecord | string => {
    const r = parse(line, input, lineNo);
    if (typeof r !== 'string') return r;
    for (let k = 0; k < fallbacks.length; k++) {
      const o = fallbacks[k]!.parse(line, input, lineNo);
      if (typeof o !== 'string') return o;
    }
    return r;
  };
  const handle = (b: LineBatch): HttpRecord[] => handleWith(b, parseLine);
  for (const b of pending) {
    yield handle(b);
    if (stop) throw stop;
  }
  if (failure) throw failure;
  for await (const b of lines) {
    yield handle(b);
    if (stop) throw stop;
  }
}

/**
 * The first line of the detection sample that goes on past the detected preset, when most of them do (a line or
 * two with junk at the end is not an extended format).
 */
function extraFieldsOf(format: string, batches: readonly LineBatch[]): NonNullable<InputStats['extraFields']> | null {
  let lines = 0;
  let extra = 0;
  let first: NonNullable<InputStats['extraFields']> | null = null;
  for (const b of batches) {
    for (let i = 0; i < b.lines.length; i++) {
      const l = b.lines[i]!;
      if (l.trim() === '') continue;
      lines++;
      const rest = trailingText(format, l);
      if (rest === null) continue;
      extra++;
      first ??= { line: b.first + i, text: l.length > 300 ? `${l.slice(0, 299)}…` : l, rest, suggestion: suggestLogFormat(format, rest) };
    }
  }
  return first && extra * 2 >= lines ? first : null;
}
