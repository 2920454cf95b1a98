/**
 * The first bytes of an input, read before deciding which thread parses it.
 *
 * A JSON document (a Zipkin or Jaeger export, a `gcloud logging read` array, OTLP, an `_search` body) is cut into
 * values by the byte splitter far faster than it is analysed (97 MB/s against ~35 MB/s, bench/profile.md): a worker
 * thread reading it saves a fifth of the wall time but adds a second V8 heap, and a 1 GB Zipkin array then peaks at
 * 186–205 MB instead of 168–173 MB (`node dist/bench/json-memory.js 1024`, with and without `--threads 1`).
 * Unasked (`--threads` not given), such a document is read in the main thread; line logs and HAR, whose parsing is
 * the larger part of the work, still go to workers.
 *
 * Standard input can be looked at only by reading it: the bytes read here are handed on (`withHead`) to whichever
 * thread reads the rest.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { Readable } from 'node:stream';
import { constants, gunzipSync } from 'node:zlib';
import { detectDocumentFormat } from '../parsers/documents.js';

const PEEK_BYTES = 64 * 1024;

/** Up to 64 KiB from the start of a file, or null when it cannot be read (the error is reported when it is opened). */
export function peekFile(path: string): Buffer | null {
  let fd: number | null = null;
  try {
    fd = openSync(path, 'r');
    const buf = Buffer.allocUnsafe(PEEK_BYTES);
    const n = readSync(fd, buf, 0, PEEK_BYTES, 0);
    return buf.subarray(0, n);
  } catch {
    return null;
  } finally {
    if (fd !== null) closeSync(fd);
  }
}

/**
 * The first bytes that standard input has (one read: whatever its writer has written, up to 64 KiB; empty at its
 * end), taken from it; null when it is a terminal, cannot be read without waiting (a non-blocking descriptor), or
 * fails. What this returns must be handed on with `withHead` to whatever reads the rest.
 */
export function peekStdin(): Buffer | null {
  try {
    if (fstatSync(0).isCharacterDevice()) return null;
    const buf = Buffer.allocUnsafe(PEEK_BYTES);
    const n = readSync(0, buf, 0, PEEK_BYTES, null);
    return buf.subarray(0, n);
  } catch {
    return null;
  }
}

/** Whether these first bytes (gzip or not) start one of the JSON document formats. */
export function startsDocument(head: Uint8Array): boolean {
  let bytes = Buffer.from(head.buffer, head.byteOffset, head.byteLength);
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      // What the first bytes of a gzip stream give without its end.
      bytes = gunzipSync(bytes, { finishFlush: constants.Z_SYNC_FLUSH });
    } catch {
      return false;
    }
  }
  return detectDocumentFormat(bytes.subarray(0, 4096).toString('utf8')) !== undefined;
}

/** A stream of `head` and then the rest of `rest`: standard input again, with the bytes a peek took from it. */
export function withHead(head: Uint8Array, rest: Readable): Readable {
  if (head.byteLength === 0) return rest;
  const first = Buffer.from(head.buffer, head.byteOffset, head.byteLength);
  return Readable.from(
    (async function* () {
      yield first;
      for await (const chunk of rest) yield chunk as Buffer;
    })(),
    { objectMode: false },
  );
}
