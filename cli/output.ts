/**
 * Writing the report safely. `-o` is checked before any input is read: it must not be one of the inputs (through
 * a symlink, `./`, a hard link or a `.gz` alike: same device and inode), its directory must exist and be
 * writable, and it must not be a directory (but for `--report arrow`, where it must be one). A report file is
 * written to a temporary file beside it, flushed, and renamed over the target, so a reader (the next night's
 * `--baseline`, a dashboard) sees the old report or the new one, never half of one; a full disk or a signal
 * leaves the target as it was. A device (`/dev/stdout`, `/dev/full`) is written in place.
 */
import { accessSync, closeSync, constants, fsyncSync, mkdirSync, openSync, realpathSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { AuditError } from '../core/errors.js';
import { EXIT } from './exit-codes.js';

export interface OutputTarget {
  /** Where the bytes end up (a symlink resolved: it is kept, its target replaced). */
  path: string;
  /** As given, for messages. */
  given: string;
  kind: 'file' | 'device' | 'directory';
}

function fsReason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT':
      return 'no such directory';
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      return 'permission denied';
    case 'ENOSPC':
      return 'no space left on the device';
    case 'EDQUOT':
      return 'disk quota exceeded';
    case 'EISDIR':
      return 'is a directory';
    case 'ENOTDIR':
      return 'a part of the path is not a directory';
    default:
      return (e as Error).message;
  }
}

function outputError(given: string, why: string): AuditError {
  return new AuditError('BAD_OUTPUT', `-o ${given}: ${why}; nothing was read or written`);
}

/**
 * Checks `-o` against the inputs and the file system, before reading. `directory`: the report is a directory of
 * files (arrow).
 */
export function checkOutput(given: string, inputs: string[], directory = false): OutputTarget {
  let path = resolve(given);
  let st: ReturnType<typeof statSync> | null = null;
  try {
    st = statSync(path);
    path = realpathSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw outputError(given, fsReason(e));
  }
  if (st) {
    for (const input of inputs) {
      if (input === '-') continue;
      try {
        const i = statSync(input);
        if (i.dev === st.dev && i.ino === st.ino) {
          throw new AuditError('BAD_OUTPUT', `-o ${given} is the input ${input}: refusing to overwrite a log with its report; nothing was read or written`);
        }
      } catch (e) {
        if (e instanceof AuditError) throw e;
        // an input that cannot be opened is reported when it is read
      }
    }
    if (directory) {
      if (!st.isDirectory()) throw outputError(given, 'not a directory (--report arrow writes one .arrow file per table into a directory)');
      probe(given, path);
      return { path, given, kind: 'directory' };
    }
    if (st.isDirectory()) throw outputError(given, 'is a directory (give a file name)');
    const device = !st.isFile();
    try {
      if (device) accessSync(path, constants.W_OK);
    } catch (e) {
      throw outputError(given, fsReason(e));
    }
    if (!device) probe(given, dirname(path));
    return { path, given, kind: device ? 'device' : 'file' };
  }
  // A new file (or directory): its parent must be there, a directory, and writable.
  const parent = dirname(path);
  try {
    if (!statSync(parent).isDirectory()) throw outputError(given, `${dirname(given)} is not a directory`);
  } catch (e) {
    if (e instanceof AuditError) throw e;
    throw outputError(given, fsReason(e));
  }
  probe(given, parent);
  return { path, given, kind: directory ? 'directory' : 'file' };
}

/**
 * Can a file be made in `dir`? Tried for real (a file made and removed): permission bits say nothing to root,
 * and nothing about a read-only mount or /proc.
 */
function probe(given: string, dir: string): void {
  const p = join(dir, `.redirect-audit.${process.pid}.probe`);
  try {
    closeSync(openSync(p, 'wx'));
  } catch (e) {
    throw outputError(given, (e as NodeJS.ErrnoException).code === 'ENOENT' ? `cannot create a file in ${dir}` : fsReason(e));
  }
  removeQuietly(p);
}

/** Temporary files being written, removed if the run is stopped. */
const partial = new Set<string>();

/** A report's pieces joined into writes of about 1 MB (to a file, or to stdout). */
export function* batched(body: Iterable<string>): Generator<string> {
  let buf = '';
  for (const piece of body) {
    buf += piece;
    if (buf.length >= 1 << 20) {
      yield buf;
      buf = '';
    }
  }
  if (buf) yield buf;
}

function writeAll(fd: number, body: string | Uint8Array | Iterable<string>): void {
  if (typeof body === 'string' || body instanceof Uint8Array) {
    const bytes = typeof body === 'string' ? Buffer.from(body) : body;
    for (let off = 0; off < bytes.length; ) off += writeSync(fd, bytes, off, bytes.length - off);
    return;
  }
  for (const s of batched(body)) writeAll(fd, s);
}

/**
 * Writes a report to `target` (a file: through a temporary file and a rename; a device: in place). Any failure is
 * one line, exit 2, and the target is left as it was.
 */
export function writeReport(target: OutputTarget, body: string | Uint8Array | Iterable<string>, name?: string): void {
  const path = name ? join(target.path, name) : target.path;
  const shown = name ? join(target.given, name) : target.given;
  if (target.kind === 'directory' && !name) throw new Error('writeReport: a directory target needs a file name');
  if (target.kind === 'device') {
    let fd = -1;
    try {
      fd = openSync(path, 'w');
      writeAll(fd, body);
    } catch (e) {
      throw new AuditError('BAD_OUTPUT', `-o ${shown}: the report could not be written (${fsReason(e)})`);
    } finally {
      if (fd >= 0) closeSync(fd);
    }
    return;
  }
  if (target.kind === 'directory') mkdirSync(target.path, { recursive: true });
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  let fd = -1;
  partial.add(tmp);
  try {
    fd = openSync(tmp, 'w', 0o666);
    writeAll(fd, body);
    fsyncSync(fd);
    closeSync(fd);
    fd = -1;
    renameSync(tmp, path);
  } catch (e) {
    if (fd >= 0) closeSync(fd);
    removeQuietly(tmp);
    throw new AuditError('BAD_OUTPUT', `-o ${shown}: the report could not be written (${fsReason(e)}); ${shown} is as it was`);
  } finally {
    partial.delete(tmp);
  }
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}

/**
 * A batch run stopped by SIGINT/SIGTERM: no report (it would be of an unknown part of the input), no partial file,
 * one line on stderr, exit 130/143. Returns what removes the handlers.
 */
export function stopOnSignals(): () => void {
  const on = (signal: 'SIGINT' | 'SIGTERM') => () => {
    for (const tmp of partial) removeQuietly(tmp);
    process.stderr.write(`redirect-audit: stopped by ${signal}: no report written\n`);
    process.exit(signal === 'SIGINT' ? EXIT.SIGINT : EXIT.SIGTERM);
  };
  const int = on('SIGINT');
  const term = on('SIGTERM');
  process.once('SIGINT', int);
  process.once('SIGTERM', term);
  return () => {
    process.removeListener('SIGINT', int);
    process.removeListener('SIGTERM', term);
  };
}

/**
 * stdout went wrong: a reader that went away (`| head`) is not an error of ours; anything else (a full disk
 * under `> file`) is one line and exit 2.
 */
export function onStdoutError(e: NodeJS.ErrnoException): void {
  if (e.code === 'EPIPE') process.exit(typeof process.exitCode === 'number' ? process.exitCode : EXIT.OK);
  try {
    process.stderr.write(`redirect-audit: error: the report could not be written to stdout (${fsReason(e)})\n`);
  } finally {
    process.exit(EXIT.ERROR);
  }
}
