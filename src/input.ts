/**
 * Opens one input (a path or "-" for stdin) as a stream of decompressed bytes. Gzip is recognised by its magic
 * bytes, not by the file name, so `zcat`-less pipes and misnamed files both work.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { AuditError } from '../core/errors.js';

export interface OpenedInput {
  name: string;
  gzip: boolean;
  /** Decompressed bytes; the first chunk has been read already and is replayed. */
  chunks: AsyncIterable<Buffer>;
  /** The first decompressed bytes (up to one chunk), for format detection. */
  head: Buffer;
  /** Raw (compressed) bytes read so far, for progress. */
  rawBytes(): number;
  /** Total raw size when known (a regular file). */
  size: number | null;
}

async function* replay(first: Buffer | null, rest: AsyncIterator<Buffer>): AsyncGenerator<Buffer> {
  if (first && first.length) yield first;
  for (;;) {
    const r = await rest.next();
    if (r.done) return;
    yield r.value;
  }
}

export async function openInput(path: string, stdin: Readable = process.stdin): Promise<OpenedInput> {
  const name = path;
  let raw: Readable;
  let size: number | null = null;
  if (path === '-') {
    raw = stdin;
  } else {
    try {
      const st = await stat(path);
      if (st.isDirectory()) throw new AuditError('UNREADABLE_INPUT', `${path}: is a directory, not a log file`);
      size = st.isFile() ? st.size : null;
    } catch (e) {
      if (e instanceof AuditError) throw e;
      throw new AuditError('UNREADABLE_INPUT', `${path}: ${describeFsError(e)}`);
    }
    raw = createReadStream(path, { highWaterMark: 256 * 1024 });
  }
  let rawBytes = 0;
  const rawIt = (raw as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
  let first: IteratorResult<Buffer>;
  try {
    first = await rawIt.next();
  } catch (e) {
    throw new AuditError('UNREADABLE_INPUT', `${path}: ${describeFsError(e)}`);
  }
  const firstBuf = first.done ? Buffer.alloc(0) : toBuffer(first.value);
  const counted = async function* () {
    for await (const c of replay(firstBuf, rawIt)) {
      const b = toBuffer(c);
      rawBytes += b.length;
      yield b;
    }
  };
  const gzip = firstBuf.length >= 2 && firstBuf[0] === 0x1f && firstBuf[1] === 0x8b;
  let decompressed: AsyncIterable<Buffer> = counted();
  if (gzip) decompressed = gunzip(path, Readable.from(counted()));
  const it = decompressed[Symbol.asyncIterator]();
  const h = await it.next();
  const head = h.done ? Buffer.alloc(0) : h.value;
  return { name, gzip, chunks: replay(head, it), head, rawBytes: () => rawBytes, size };
}

async function* gunzip(path: string, src: Readable): AsyncGenerator<Buffer> {
  const z = createGunzip();
  src.on('error', (e) => z.destroy(e));
  src.pipe(z);
  let out = 0;
  try {
    for await (const c of z as AsyncIterable<Buffer>) {
      out += c.length;
      yield c;
    }
  } catch (e) {
    if (e instanceof AuditError) throw e;
    const why = (e as Error).message;
    throw new AuditError('CORRUPT_GZIP', `${path}: corrupt gzip data after ${out} decompressed bytes (${why})`);
  }
}

function toBuffer(c: unknown): Buffer {
  return Buffer.isBuffer(c) ? c : Buffer.from(String(c));
}

function describeFsError(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  switch (err.code) {
    case 'ENOENT':
      return 'no such file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'is a directory, not a log file';
    default:
      return err.message ?? String(e);
  }
}
