/**
 * Inputs that do not end: a file followed as it grows (surviving rotation and truncation, like `tail -F`), and
 * any stream cut short when the user stops (SIGINT/SIGTERM) so the final report can still be written.
 */
import { open, stat, type FileHandle } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { RESTART, type Restart } from './lines.js';

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
/** Bytes of the end of what was read, kept to tell whether the file still holds them (see `tailFile`). */
const MARK = 64;

/** What happened to a followed file, for a warning on stderr. */
export type FollowEvent =
  | { kind: 'waiting'; path: string }
  | { kind: 'appeared'; path: string }
  | { kind: 'truncated'; path: string }
  | { kind: 'replaced'; path: string };

export interface TailOptions {
  pollMs?: number | undefined;
  onEvent?: ((e: FollowEvent) => void) | undefined;
}

/**
 * Follows a file from its start: reads what is there, then polls for more. When the name points to a new file
 * (rotation: another inode), the old one is read to its end and the new one from its start; when the file was
 * truncated (copytruncate), it is read again from its start. Either way `RESTART` comes first, so line numbers
 * start again. A truncation is seen by size, and also when the file has grown past where we were since: the
 * last bytes read are no longer where they were (`tail -F` by size alone would lose the lines written first).
 * A missing file (not there yet, or between rotation steps) is waited for, and said once (`onEvent`).
 */
export async function* tailFile(path: string, signal: AbortSignal, opts: TailOptions = {}): AsyncGenerator<Buffer | Restart> {
  const pollMs = opts.pollMs ?? 200;
  let fh: FileHandle | null = null;
  let ino = -1;
  let pos = 0;
  let mark: Buffer | null = null;
  let waiting = false;
  let opened = false;
  const buf = Buffer.alloc(CHUNK);
  const pause = () => sleep(pollMs, undefined, { signal }).catch(() => undefined);
  /** Does the file still hold, just before `pos`, the bytes last read there? */
  const stillHolds = async (h: FileHandle): Promise<boolean> => {
    if (!mark || mark.length === 0) return true;
    const check = Buffer.alloc(mark.length);
    const { bytesRead } = await h.read(check, 0, mark.length, pos - mark.length);
    return bytesRead === mark.length && check.equals(mark);
  };
  /**
   * The next bytes at `pos`; null at the end; 'truncated' when the file no longer holds what was read before
   * them (checked after the read: a truncation and new writes between two reads cannot pass as more of the file).
   */
  const readAt = async (h: FileHandle): Promise<Buffer | null | 'truncated'> => {
    const { bytesRead } = await h.read(buf, 0, CHUNK, pos);
    if (bytesRead === 0) return null;
    if (!(await stillHolds(h))) return 'truncated';
    pos += bytesRead;
    const out = Buffer.from(buf.subarray(0, bytesRead));
    mark = bytesRead >= MARK ? out.subarray(bytesRead - MARK) : Buffer.concat([mark ?? Buffer.alloc(0), out]).subarray(-MARK);
    return out;
  };
  try {
    while (!signal.aborted) {
      if (!fh) {
        try {
          fh = await open(path, 'r');
          ino = (await fh.stat()).ino;
          pos = 0;
          mark = null;
          if (waiting) opts.onEvent?.({ kind: 'appeared', path });
          waiting = false;
          if (opened) yield RESTART;
          opened = true;
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
          if (!waiting) opts.onEvent?.({ kind: 'waiting', path });
          waiting = true;
          await pause();
          continue;
        }
      }
      const data = await readAt(fh);
      if (data === 'truncated') {
        opts.onEvent?.({ kind: 'truncated', path });
        pos = 0;
        mark = null;
        yield RESTART;
        continue;
      }
      if (data) {
        yield data;
        continue;
      }
      await pause();
      if (signal.aborted) break;
      // Before reading on: has the name moved on to another file, or was this one truncated?
      let now: { ino: number; size: number } | null = null;
      try {
        now = await stat(path);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      }
      if (now && now.ino !== ino) {
        // Rotated: what was written to the old file before the move is read first.
        for (let d = await readAt(fh); d && d !== 'truncated'; d = await readAt(fh)) yield d;
        await fh.close();
        fh = null;
        opts.onEvent?.({ kind: 'replaced', path });
        continue;
      }
      if (now && (now.size < pos || !(await stillHolds(fh)))) {
        opts.onEvent?.({ kind: 'truncated', path });
        pos = 0;
        mark = null;
        yield RESTART;
      }
    }
  } finally {
    await fh?.close();
  }
}
