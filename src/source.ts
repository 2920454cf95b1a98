/**
 * One input as a stream of record batches: opens it, recognises its format (HAR or a line format), parses each
 * line with the pure parser, and keeps the counters (lines read = records + skipped).
 */
import type { Readable } from 'node:stream';
import { AuditError } from '../core/errors.js';
import { openInput } from './input.js';
import { tailFile, untilAborted } from './tail.js';
import { readLines, type LineBatch } from './lines.js';
import type { HttpRecord, InputStats } from '../core/model.js';
import { detectLineFormat, findLineFormat, lineFormats, looksLikeHar, parseHar } from '../parsers/index.js';
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
  if (opts.inputFormat && !forced && opts.inputFormat !== 'har') {
    throw new AuditError('UNKNOWN_FORMAT', `unknown input format "${opts.inputFormat}"; \`redirect-audit formats\` lists them`);
  }
  if (opts.inputFormat === 'har' || (!forced && looksLikeHar(headText))) {
    stats.format = 'har';
    const counted = countBytes(opened.chunks, stats);
    return { stats, batches: parseHar(counted, input, stats), progress };
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
  const chunks = path === '-' ? untilAborted((opts.stdin ?? process.stdin) as AsyncIterable<Buffer>, signal) : tailFile(path, signal);
  const forced = opts.format ?? (opts.inputFormat ? findLineFormat(opts.inputFormat) : undefined);
  if (opts.inputFormat && !forced) {
    throw new AuditError('UNKNOWN_FORMAT', `unknown input format "${opts.inputFormat}"; \`redirect-audit formats\` lists them`);
  }
  return {
    stats,
    batches: parseLines(chunks, input, stats, forced, '', { ...opts, detectLines: 1 }),
    progress: () => ({ bytes: stats.bytes, size: null }),
  };
}

async function* countBytes(chunks: AsyncIterable<Buffer>, stats: InputStats): AsyncGenerator<Buffer> {
  for await (const c of chunks) {
    stats.bytes += c.length;
    yield c;
  }
}

async function* parseLines(
  chunks: AsyncIterable<Buffer>,
  input: number,
  stats: InputStats,
  forced: LineFormat | undefined,
  headText: string,
  opts: SourceOptions,
): AsyncGenerator<HttpRecord[]> {
  const maxExamples = opts.maxExamples ?? 10;
  const detectLines = opts.detectLines ?? DETECT_LINES;
  const strict = opts.strict ?? false;
  const lines = readLines(countBytes(chunks, stats));
  let format = forced;
  // One set of format instances per input, for detection and for the fallbacks: the W3C formats keep the #Fields
  // line of their input, so a second set would hold a copy of the detected format that never saw it.
  const candidates = forced ? [] : lineFormats();
  const pending: LineBatch[] = [];
  if (!format) {
    // Read enough lines to recognise the format, then parse those and go on.
    // (next() rather than for-await: breaking out of for-await would close the generator.)
    let seen = 0;
    let content = false;
    while (seen < detectLines || !content) {
      const r = await lines.next();
      if (r.done) break;
      pending.push(r.value);
      seen += r.value.lines.length;
      content ||= r.value.lines.some((l) => l.trim() !== '');
    }
    const sample = pending.flatMap((b) => b.lines).slice(0, Math.max(detectLines, DETECT_LINES));
    if (sample.every((l) => l.trim() === '')) {
      stats.format = 'empty';
      stats.linesRead = sample.length;
      stats.skipped = sample.length;
      return;
    }
    const found = detectLineFormat(sample, candidates);
    if (!found) {
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
  const handle = (b: LineBatch): HttpRecord[] => {
    const out: HttpRecord[] = [];
    const ls = b.lines;
    for (let i = 0; i < ls.length; i++) {
      const line = ls[i]!;
      const lineNo = b.first + i;
      const r = line.length === 0 ? 'blank line' : parseLine(line, lineNo);
      if (typeof r === 'string') {
        stats.skipped++;
        if (strict) {
          stats.linesRead = lineNo;
          throw new AuditError('STRICT_SKIP', `${stats.name}:${lineNo}: ${r} (--strict stops at the first bad line)`);
        }
        if (stats.skippedExamples.length < maxExamples) {
          stats.skippedExamples.push({ input, line: lineNo, reason: r, text: line.slice(0, 200) });
        }
      } else {
        out.push(r);
      }
    }
    stats.linesRead += ls.length;
    stats.records += out.length;
    return out;
  };
  for (const b of pending) yield handle(b);
  for await (const b of lines) yield handle(b);
}
