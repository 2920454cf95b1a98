/**
 * Inputs that do not end: a file followed as it grows (surviving rotation and truncation, like `tail -F`), and
 * any stream cut short when the user stops (SIGINT/SIGTERM) so the final report can still be written.
 */
import { open, stat, type FileHandle } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';

/** Yields `it` until it ends or `signal` aborts (then returns quietly, without waiting for more data). */
export async function* untilAborted<T>(it: AsyncIterable<T>, signal: AbortSignal): AsyncGenerator<T> {
  if (signal.aborted) return;
  const iterator = it[Symbol.asyncIterator]();
  const aborted = new Promise<'aborted'>((resolve) => signal.addEventListener('abort', () => resolve('aborted'), { once: true }));
  for (;;) {
    const r = await Promise.race([iterator.next(), aborted]);
    if (r === 'aborted' || r.done) return;
    yield r.value;
  }
}

const CHUNK = 256 * 1024;

/**
 * Follows a file from its start: reads what is there, then polls for more. When the name points to a new file
 * (rotation: another inode) or the file shrinks (truncation), the old one is read to its end and the new one is
 * read from its start. A missing file (between rotation steps) is waited for.
 */
export async function* tailFile(path: string, signal: AbortSignal, pollMs = 200): AsyncGenerator<Buffer> {
  let fh: FileHandle | null = null;
  let ino = -1;
  let pos = 0;
  const buf = Buffer.alloc(CHUNK);
  try {
    while (!signal.aborted) {
      if (!fh) {
        try {
          fh = await open(path, 'r');
          ino = (await fh.stat()).ino;
          pos = 0;
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
          await sleep(pollMs, undefined, { signal }).catch(() => undefined);
          continue;
        }
      }
      const { bytesRead } = await fh.read(buf, 0, CHUNK, pos);
      if (bytesRead > 0) {
        pos += bytesRead;
        yield Buffer.from(buf.subarray(0, bytesRead));
        continue;
      }
      // At the end: has the name moved on to another file, or was this one truncated?
      let now: { ino: number; size: number } | null = null;
      try {
        now = await stat(path);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      }
      if (now && (now.ino !== ino || now.size < pos)) {
        await fh.close();
        fh = null;
        continue;
      }
      await sleep(pollMs, undefined, { signal }).catch(() => undefined);
    }
  } finally {
    await fh?.close();
  }
}
