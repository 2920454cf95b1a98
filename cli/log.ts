/**
 * The tool's own diagnostics, through pino, on stderr: JSON lines when stderr is not a terminal (for log
 * collectors), pino-pretty when it is. stdout carries the report and nothing else.
 */
import { createRequire } from 'node:module';
import { pino, type Logger } from 'pino';
import type PinoPretty from 'pino-pretty';
import { PROCESS_IO, type CliIO } from './io.js';

/** pino-pretty, loaded only when stderr is a terminal (it is the heaviest module of a run that does not use it). */
function pretty(): typeof PinoPretty {
  return createRequire(import.meta.url)('pino-pretty') as typeof PinoPretty;
}

export function createLogger(level: string, io: Pick<CliIO, 'stderr' | 'diagnostics' | 'env'> = PROCESS_IO): Logger {
  if (io.stderr.isTTY) {
    return pino({ level, base: null }, pretty()({ destination: 2, sync: true, colorize: !io.env['NO_COLOR'] }));
  }
  return pino({ level, base: null }, io.diagnostics());
}
