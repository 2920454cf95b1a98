/**
 * The worker thread side of src/worker-sources.ts: reads and parses the inputs it is given (each as
 * src/source.ts would in the main thread) and posts their records as compact batches (src/record-codec.ts).
 *
 * Flow control: at most IN_FLIGHT batches per input are posted and not yet taken by the main thread; past that the
 * input waits for an `ack`, so a worker that parses faster than the main thread analyses does not fill memory.
 */
import { createReadStream, fstatSync } from 'node:fs';
import { Socket } from 'node:net';
import type { Readable } from 'node:stream';
import { parentPort, workerData } from 'node:worker_threads';
import { AuditError } from '../core/errors.js';
import type { InputStats } from '../core/model.js';
import { RecordEncoder } from './record-codec.js';
import { openSource, type RecordSource } from './source.js';
import { withHead } from './peek.js';
import { shardFilter } from './shard.js';
import { formatFromSpec, type ToMain, type ToWorker, type WorkerJob } from './worker-protocol.js';

const IN_FLIGHT = 4;

const port = parentPort;
if (!port) throw new Error('parse-worker.js runs as a worker thread');

const job = workerData as WorkerJob;
const inFlight = new Map<number, number>();
const waiting = new Map<number, () => void>();

port.on('message', (m: ToWorker) => {
  inFlight.set(m.input, (inFlight.get(m.input) ?? 0) - 1);
  const wake = waiting.get(m.input);
  if (wake) {
    waiting.delete(m.input);
    wake();
  }
});

function post(m: ToMain, transfer?: ArrayBuffer[]): void {
  port!.postMessage(m, transfer);
}

async function room(input: number): Promise<void> {
  while ((inFlight.get(input) ?? 0) >= IN_FLIGHT) await new Promise<void>((resolve) => waiting.set(input, resolve));
}

/**
 * The process's standard input, read here: a worker's own `process.stdin` is fed by the main thread, which would
 * then have to read and pass on every byte. A pipe or socket is read as one (non-blocking, like Node's own
 * stdin), a redirected file as a file.
 */
function stdinStream(): Readable {
  let st;
  try {
    st = fstatSync(0);
  } catch (e) {
    throw new AuditError('UNREADABLE_INPUT', `-: cannot read standard input (${(e as Error).message})`);
  }
  if (st.isFIFO() || st.isSocket()) return new Socket({ fd: 0, readable: true, writable: false });
  return createReadStream('', { fd: 0, autoClose: false, highWaterMark: 256 * 1024 });
}

async function pump(path: string, input: number): Promise<void> {
  let source: RecordSource | null = null;
  const stats = (): InputStats | null => (source ? source.stats : null);
  try {
    const format = job.format ? formatFromSpec(job.format) : undefined;
    const stdin = path === '-' ? withHead(job.stdinHead ?? new Uint8Array(0), stdinStream()) : undefined;
    source = await openSource(path, input, { format, inputFormat: job.inputFormat, strict: job.strict, stdin, maxLineBytes: job.maxLineBytes });
    post({ type: 'opened', input, stats: source.stats, progress: source.progress() });
    const encoder = new RecordEncoder();
    const mine = job.shard ? shardFilter({ index: job.shard.index, count: job.shard.count }, job.shard.clientKey) : null;
    for await (const all of source.batches) {
      const records = mine ? all.filter(mine) : all;
      if (records.length === 0) continue;
      await room(input);
      const batch = encoder.encode(records);
      inFlight.set(input, (inFlight.get(input) ?? 0) + 1);
      post({ type: 'batch', input, batch, stats: source.stats, progress: source.progress() }, [
        batch.ints.buffer as ArrayBuffer,
        batch.nums.buffer as ArrayBuffer,
      ]);
    }
    post({ type: 'end', input, stats: source.stats, progress: source.progress() });
  } catch (e) {
    const error =
      e instanceof AuditError
        ? { code: e.code, message: e.message, exitCode: e.exitCode }
        : { code: null, message: e instanceof Error ? (e.stack ?? e.message) : String(e), exitCode: 2 };
    post({ type: 'error', input, error, stats: stats(), progress: source?.progress() ?? null });
  }
}

// The main thread ends this worker once it has taken the last message of every input.
await Promise.all(job.inputs.map((i) => pump(i.path, i.input)));
