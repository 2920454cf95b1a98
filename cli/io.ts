/**
 * What one run of the command line writes to and reads of its surroundings: the process's own streams and
 * environment (`bin.ts`), or, in tests, streams that collect what is written (commander's `configureOutput`
 * habit), so that a command runs in the test's process without touching the process's globals.
 */
import { isatty } from 'node:tty';
import { pino, type DestinationStream } from 'pino';

/** The part of a stream the CLI writes through (`process.stdout`, or one that collects). */
export interface Output {
  write(chunk: string | Uint8Array): boolean;
  once(event: 'drain', listener: () => void): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface CliIO {
  /** The report, and nothing else. */
  stdout: Output;
  /** One-line errors, commander's messages and the progress line. */
  stderr: Output;
  /** Where the diagnostics (pino's JSON lines) go when stderr is not a terminal. */
  diagnostics(): DestinationStream;
  /** NO_COLOR, FORCE_COLOR. */
  env: NodeJS.ProcessEnv;
  /** Standard input is a terminal: reading it would wait for someone to type. */
  stdinIsTerminal(): boolean;
}

/** The process's own: the streams are opened when first used, as they would be without this object. */
export const PROCESS_IO: CliIO = {
  get stdout() {
    return process.stdout;
  },
  get stderr() {
    return process.stderr;
  },
  // Written synchronously to fd 2: a diagnostic is out before an exit that follows it.
  diagnostics: () => pino.destination({ dest: 2, sync: true }),
  get env() {
    return process.env;
  },
  // isatty, not process.stdin.isTTY: opening process.stdin would make a pipe non-blocking for this thread, and a
  // worker thread reads it.
  stdinIsTerminal: () => isatty(0),
};
