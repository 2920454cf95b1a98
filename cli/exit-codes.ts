/**
 * Every exit the program makes, in one place (the README's table says the same). Scripts and cron jobs branch on
 * these: 1 only ever means "a --fail-on condition holds", never a failure of the tool.
 */
export const EXIT = {
  /** The report was written; no --fail-on condition holds. */
  OK: 0,
  /** A --fail-on condition holds (the report was still written). */
  FAIL_ON: 1,
  /** Usage error, unreadable or bad input, bad --baseline, an output that cannot be written. */
  ERROR: 2,
  /** A bug in redirect-audit (stderr has the stack trace): never expected, each one is a test to write. */
  INTERNAL: 3,
  /** A batch run stopped by SIGINT (Ctrl-C) before its report was written: no report, no partial file. */
  SIGINT: 130,
  /** The same, stopped by SIGTERM. */
  SIGTERM: 143,
} as const;

/** 0, 1 or 2 for a finished run: errors in the report first (exit 2), then --fail-on (exit 1). */
export function exitOf(errors: number, failing: number): number {
  return errors ? EXIT.ERROR : failing ? EXIT.FAIL_ON : EXIT.OK;
}
