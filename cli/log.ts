/**
 * The tool's own diagnostics, through pino, on stderr: JSON lines when stderr is not a terminal (for log
 * collectors), pino-pretty when it is. stdout carries the report and nothing else.
 */
import { createRequire } from 'node:module';
import { pino, type Logger } from 'pino';
import type PinoPretty from 'pino-pretty';

/** pino-pretty, loaded only when stderr is a terminal (it is the heaviest module of a run that does not use it). */
function pretty(): typeof PinoPretty {
  return createRequire(import.meta.url)('pino-pretty') as typeof PinoPretty;
}

export function createLogger(level: string, stderrIsTTY = Boolean(process.stderr.isTTY)): Logger {
  if (stderrIsTTY) {
    return pino({ level, base: null }, pretty()({ destination: 2, sync: true, colorize: !process.env['NO_COLOR'] }));
  }
  return pino({ level, base: null }, pino.destination({ dest: 2, sync: true }));
}
