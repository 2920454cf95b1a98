/**
 * Inputs read and parsed in worker threads, so that parsing runs on another core while the main thread pairs and
 * analyses. Each input becomes an ordinary RecordSource: the merge, the pairing and everything after it are the
 * same code as with one thread, and the records arrive in the same order, so the report is the same.
 *
 * A worker can take several inputs (with 2 cores: one worker for all of them, beside the main thread). The
 * records cross over as compact batches (src/record-codec.ts); the worker posts at most a few batches per input
 * ahead of the main thread, which acknowledges each one it takes.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { AuditError } from '../core/errors.js';
import type { HttpRecord, InputStats } from '../core/model.js';
import { RecordDecoder } from './record-codec.js';
import type { InputProgress, RecordSource } from './source.js';
import type { ToMain, ToWorker, WorkerJob } from './worker-protocol.js';

const SCRIPT = new URL('./parse-worker.js', import.meta.url);

/** The worker script, when this module runs compiled (from TypeScript sources, e.g. under vitest, there is none). */
export function workerScriptAvailable(): boolean {
  return SCRIPT.protocol === 'file:' && existsSync(fileURLToPath(SCRIPT));
}

const WORKER_YOUNG_MB = 8;

/**
 * A worker with node's options of this process where a worker can take them (--cpu-prof does), else with none:
 * some (--expose-gc, V8 flags) make `new Worker` throw.
 */
function startWorker(job: WorkerJob): Worker {
  const execArgv = process.execArgv.filter((a) => !a.startsWith('--input-type') && a !== '-e' && a !== '--eval');
  // A young generation of 8 MB instead of V8's default: the worker's garbage is short-lived (lines, tokens), and
  // the same speed costs 20–40 MB less RSS (bench/profile.md, "Traces and JSON documents").
  const resourceLimits = { maxYoungGenerationSizeMb: WORKER_YOUNG_MB };
  try {
    return new Worker(SCRIPT, { workerData: job, execArgv, resourceLimits });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ERR_WORKER_INVALID_EXEC_ARGV') throw e;
    return new Worker(SCRIPT, { workerData: job, execArgv: [], resourceLimits });
  }
}

interface Channel {
  input: number;
  worker: Worker;
  stats: InputStats;
  progress: InputProgress;
  queue: ToMain[];
  wake: (() => void) | null;
  opened: Promise<ToMain>;
  resolveOpened: (m: ToMain) => void;
  isOpen: boolean;
  /** An `end` or `error` has arrived. */
  ended: boolean;
  /** Closed by the main thread (read to the end, failed, or given up). */
  finished: boolean;
}

function toError(e: { code: string | null; message: string; exitCode: number }): Error {
  return e.code ? new AuditError(e.code as AuditError['code'], e.message, e.exitCode) : new Error(`parse worker: ${e.message}`);
}

/**
 * Starts `workers` worker threads over `inputs` (round robin) and waits until each input is open or has failed.
 * Returns one source (or the error that stopped it from opening) per input, in the order given; `close()` on any
 * source of a worker ends that worker once all its inputs are closed.
 */
export async function openWorkerSources(
  inputs: { path: string; input: number }[],
  workers: number,
  job: Omit<WorkerJob, 'inputs'>,
): Promise<(RecordSource | Error)[]> {
  const channels: Channel[] = [];
  const n = Math.max(1, Math.min(workers, inputs.length));
  for (let w = 0; w < n; w++) {
    const mine = inputs.filter((_, i) => i % n === w);
    const worker = startWorker({ ...job, inputs: mine });
    const byInput = new Map<number, Channel>();
    for (const { path, input } of mine) {
      let resolveOpened!: (m: ToMain) => void;
      const opened = new Promise<ToMain>((r) => (resolveOpened = r));
      const ch: Channel = {
        input,
        worker,
        stats: { name: path, format: '', linesRead: 0, records: 0, skipped: 0, bytes: 0, skippedExamples: [] },
        progress: { bytes: 0, size: null },
        queue: [],
        wake: null,
        opened,
        resolveOpened,
        isOpen: false,
        ended: false,
        finished: false,
      };
      byInput.set(input, ch);
      channels.push(ch);
    }
    const deliver = (ch: Channel, m: ToMain) => {
      if (m.stats) Object.assign(ch.stats, m.stats);
      if (m.progress) ch.progress = m.progress;
      if (m.type === 'end' || m.type === 'error') ch.ended = true;
      if (!ch.isOpen) {
        ch.isOpen = true;
        ch.resolveOpened(m);
        if (m.type === 'opened') return;
      }
      ch.queue.push(m);
      const wake = ch.wake;
      ch.wake = null;
      wake?.();
    };
    worker.on('message', (m: ToMain) => deliver(byInput.get(m.input)!, m));
    const fail = (message: string) => {
      for (const ch of byInput.values()) {
        if (!ch.ended) deliver(ch, { type: 'error', input: ch.input, error: { code: null, message, exitCode: 2 }, stats: null, progress: null });
      }
    };
    worker.on('error', (e) => fail(e.stack ?? e.message));
    worker.on('exit', (code) => fail(`worker thread exited (${code}) before its inputs ended`));
  }
  const close = (ch: Channel) => {
    ch.finished = true;
    if (channels.every((c) => c.worker !== ch.worker || c.finished)) void ch.worker.terminate();
  };
  const results = new Map<number, RecordSource | Error>();
  for (const ch of channels) {
    const first = await ch.opened;
    if (first.type === 'error') {
      ch.finished = true;
      results.set(ch.input, toError(first.error));
      continue;
    }
    results.set(ch.input, {
      stats: ch.stats,
      batches: batches(ch),
      progress: () => ch.progress,
      thread: 'worker',
      close: () => close(ch),
    });
  }
  // An input that failed to open is finished already: its worker may be done.
  for (const ch of channels) if (ch.finished) close(ch);
  return inputs.map((i) => results.get(i.input)!);

  async function* batches(ch: Channel): AsyncGenerator<HttpRecord[]> {
    const decoder = new RecordDecoder();
    try {
      for (;;) {
        // Let the event loop turn between batches. Messages are delivered in a loop that runs until the port is
        // empty, and each batch taken brings the next one: without this turn the analysis would run inside that
        // loop from start to end, and timers (the progress line) and signal handlers would never get their turn.
        await new Promise<void>((resolve) => setImmediate(resolve));
        while (ch.queue.length === 0) await new Promise<void>((resolve) => (ch.wake = resolve));
        const m = ch.queue.shift()!;
        if (m.type === 'batch') {
          ch.worker.postMessage({ input: ch.input } satisfies ToWorker);
          yield decoder.decode(m.batch, ch.input);
        } else if (m.type === 'error') {
          throw toError(m.error);
        } else {
          return;
        }
      }
    } finally {
      close(ch);
    }
  }
}
