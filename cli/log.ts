/**
 * The tool's own diagnostics, through pino, on stderr: JSON lines when stderr is not a terminal (for log
 * collectors), pino-pretty when it is. stdout carries the report and nothing else.
 */
import { pino, type Logger } from 'pino';
import pretty from 'pino-pretty';

export function createLogger(level: string, stderrIsTTY = Boolean(process.stderr.isTTY)): Logger {
  if (stderrIsTTY) {
    return pino({ level, base: null }, pretty({ destination: 2, sync: true, colorize: !process.env['NO_COLOR'] }));
  }
  return pino({ level, base: null }, pino.destination({ dest: 2, sync: true }));
}
