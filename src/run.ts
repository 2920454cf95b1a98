/**
 * The whole job as a library call: open every input, merge them by time, pair, classify, and build the report.
 */
import { stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import type { Readable } from 'node:stream';
import { Analyzer, type AnalyzeOptions } from './analysis.js';
import { AuditError } from '../core/errors.js';
import { mergeInputs } from './merge.js';
import type { HttpRecord, InputStats } from '../core/model.js';
import type { AuditReport } from './report.js';
import { openSource, type RecordSource } from './source.js';
import { openWorkerSources, workerScriptAvailable } from './worker-sources.js';
import { peekFile, peekStdin, startsDocument, withHead } from './peek.js';
import { findDocumentFormat } from '../parsers/documents.js';
import type { Shard } from './shard.js';
import type { PairingOptions } from './pairing.js';
import { withSkipCodes } from './input-report.js';
import type { LineFormat } from '../parsers/line-format.js';

export interface RunOptions extends AnalyzeOptions {
  format?: LineFormat | undefined;
  inputFormat?: string | undefined;
  strict?: boolean | undefined;
  stdin?: Readable | undefined;
  /** Report only the records this returns true for (narrowing); pairing still sees every record. */
  filter?: ((r: HttpRecord) => boolean) | undefined;
  /**
   * Records this refuses are not seen at all, not even by the pairing (`--shard`: the other shards' clients).
   * Unlike `filter`, it makes the work smaller.
   */
  accept?: ((r: HttpRecord) => boolean) | undefined;
  /**
   * The shard `accept` keeps, when that is what it is (`--shard-records`): worker threads then drop the other
   * shards' records before handing records over, instead of numbering and posting every one of them.
   */
  acceptShard?: { shard: Shard; clientKey: PairingOptions['clientKey'] } | undefined;
  /**
   * Threads to use, the main one included (default: the machine's cores, with workers only for stdin or for
   * files of 64 MB or more, and not for JSON documents such as trace exports: src/peek.ts). With 2 or more,
   * inputs are read and parsed in worker threads while the main thread analyses; 1 does everything in the main
   * thread. The report is the same either way. A `format` that cannot be
   * rebuilt in a worker is read in place, and so is stdin unless `stdinInWorker`.
   */
  threads?: number | undefined;
  /**
   * Read "-" (the process's standard input) in a worker thread too. Only for a process that leaves its stdin to
   * this call (the CLI): the worker reads file descriptor 0 itself.
   */
  stdinInWorker?: boolean | undefined;
  /** Longest line kept, in bytes (HAR: longest string in an entry); longer is one skipped line (default 1 MiB). */
  maxLineBytes?: number | undefined;
  /** Told about each opened source (progress display). */
  onSources?: ((sources: RecordSource[]) => void) | undefined;
}

/**
 * Errors that end one input but keep what was read from it: the report is still made, and the exit is 2. A
 * `--strict` stop ends every input, with the report of what was read before it.
 */
const RECOVERABLE = new Set(['TRUNCATED_HAR', 'CORRUPT_GZIP', 'STRICT_SKIP']);
/** Errors that make one input unusable: with other inputs to report on, the report of those is still made. */
const ONE_INPUT = new Set(['UNREADABLE_INPUT', 'UNKNOWN_FORMAT', 'NOT_A_HAR']);

/** Thrown through the merge to stop reading every input (a --strict stop). */
const STOP = Symbol('stop');

/** An input that could not be opened, in the report: its name, no lines, and the error in `errors`. */
function unreadable(name: string): RecordSource {
  const stats: InputStats = { name, format: 'unreadable', linesRead: 0, records: 0, skipped: 0, bytes: 0, skippedExamples: [] };
  return { stats, batches: (async function* () {})(), progress: () => ({ bytes: 0, size: null }) };
}

/**
 * Where worker threads start to pay, by default (`npm run bench`: 100k lines / 22 MB of combined, 0.40 s in one
 * thread against 0.50 s with a worker; 2M lines / 449 MB, 4.79 s against 3.50 s).
 */
const WORKERS_FROM_BYTES = 64 * 1024 * 1024;

/** The size of the files as log text: a gzip file (by name) counted at 8 times its size; unreadable ones as 0. */
async function logBytes(paths: string[]): Promise<number> {
  let n = 0;
  for (const p of paths) {
    try {
      n += (await stat(p)).size * (p.endsWith('.gz') ? 8 : 1);
    } catch {
      // reported when the input is opened
    }
  }
  return n;
}

export async function analyzeFiles(paths: string[], opts: RunOptions = {}): Promise<AuditReport> {
  const inputs = paths.length ? paths : ['-'];
  if (inputs.filter((p) => p === '-').length > 1) throw new AuditError('USAGE', 'stdin ("-") can be read only once');
  const fromWorkers = new Map<number, RecordSource | Error>();
  let stdin = opts.stdin;
  try {
    const threads = opts.threads ?? availableParallelism();
    let inWorkers =
      threads > 1 && workerScriptAvailable() && (!opts.format || opts.format.spec)
        ? inputs.flatMap((path, input) => (path === '-' && !(opts.stdinInWorker && !opts.stdin) ? [] : [{ path, input }]))
        : [];
    // Unasked, small files stay in this thread: starting a worker costs more than it saves below ~64 MB.
    if (opts.threads === undefined && inWorkers.every((w) => w.path !== '-')) {
      if ((await logBytes(inWorkers.map((w) => w.path))) < WORKERS_FROM_BYTES) inWorkers = [];
    }
    // Unasked, a JSON document stays in this thread too: its analysis is the work, and a second heap its memory
    // (src/peek.ts). Standard input is looked at by reading it; what was read goes on to the thread that reads it.
    let stdinHead: Buffer | null = null;
    if (opts.threads === undefined && !opts.format && inWorkers.length) {
      if (opts.inputFormat) {
        if (findDocumentFormat(opts.inputFormat)) inWorkers = [];
      } else {
        inWorkers = inWorkers.filter((w) => {
          const head = w.path === '-' ? (stdinHead = peekStdin()) : peekFile(w.path);
          return !(head && startsDocument(head));
        });
      }
    }
    if (stdinHead !== null && !inWorkers.some((w) => w.path === '-')) stdin = withHead(stdinHead, process.stdin);
    if (inWorkers.length) {
      const opened = await openWorkerSources(inWorkers, threads - 1, {
        format: opts.format?.spec,
        inputFormat: opts.inputFormat,
        strict: opts.strict,
        maxLineBytes: opts.maxLineBytes,
        ...(stdinHead !== null ? { stdinHead } : {}),
        ...(opts.acceptShard ? { shard: { index: opts.acceptShard.shard.index, count: opts.acceptShard.shard.count, clientKey: opts.acceptShard.clientKey } } : {}),
      });
      inWorkers.forEach((w, k) => fromWorkers.set(w.input, opened[k]!));
    }
    // In input order. An input that cannot be opened is an error of the report when others can be (exit 2, the
    // report of the others still made); when none can, the first one's error is the answer.
    const sources: RecordSource[] = [];
    const openErrors: { code: string; message: string }[] = [];
    let firstError: unknown = null;
    for (let i = 0; i < inputs.length; i++) {
      let source: RecordSource | Error | undefined = fromWorkers.get(i);
      if (!source) {
        try {
          source = await openSource(inputs[i]!, i, {
            format: opts.format,
            inputFormat: opts.inputFormat,
            strict: opts.strict,
            stdin,
            maxLineBytes: opts.maxLineBytes,
          });
        } catch (e) {
          source = e as Error;
        }
      }
      if (source instanceof Error) {
        if (!(source instanceof AuditError && ONE_INPUT.has(source.code))) throw source;
        firstError ??= source;
        openErrors.push({ code: source.code, message: source.message });
        source = unreadable(inputs[i]!);
      }
      sources.push(source);
    }
    if (openErrors.length === inputs.length) throw firstError;
    return await analyzeSources(inputs, sources, opts, openErrors);
  } finally {
    // Worker threads end here, also when another input failed before they were read.
    for (const w of fromWorkers.values()) if (!(w instanceof Error)) w.close?.();
  }
}

async function analyzeSources(
  inputs: string[],
  sources: RecordSource[],
  opts: RunOptions,
  openErrors: { code: string; message: string }[] = [],
): Promise<AuditReport> {
  opts.onSources?.(sources);
  const analyzer = new Analyzer({ ...opts, recordFilter: opts.filter });
  analyzer.setInputNames(inputs);
  const errors = [...openErrors];
  const several = sources.length > 1;
  try {
    await mergeInputs(
      sources.map((s) => s.batches),
      opts.accept ? (r) => void (opts.accept!(r) && analyzer.push(r)) : (r) => analyzer.push(r),
      (_index, error) => {
        if (!error) return;
        if (error instanceof AuditError && (RECOVERABLE.has(error.code) || (several && ONE_INPUT.has(error.code)))) {
          errors.push({ code: error.code, message: error.message });
          if (error.code === 'STRICT_SKIP') throw STOP;
          return;
        }
        throw error;
      },
    );
  } catch (e) {
    if (e !== STOP) throw e;
    // The other inputs are not read further.
    for (const s of sources) void s.batches.return(undefined).catch(() => undefined);
  }
  const report = analyzer.finish(
    sources.map((s) => s.stats),
    errors,
  );
  return withSkipCodes(report, sources.map((s) => s.stats));
}
