import { escapeControls } from './strings.js';

/**
 * One error class for everything the user can get wrong or feed us badly. `code` is stable (scripts may match
 * on it), `message` is one line that says what to do, `exitCode` is what the CLI exits with.
 */
export type AuditErrorCode =
  | 'USAGE'
  | 'UNKNOWN_FORMAT'
  | 'BAD_LOG_FORMAT'
  | 'UNREADABLE_INPUT'
  | 'CORRUPT_GZIP'
  | 'TRUNCATED_HAR'
  | 'NOT_A_HAR'
  | 'STRICT_SKIP'
  | 'BAD_BASELINE'
  | 'BAD_OUTPUT';

export class AuditError extends Error {
  readonly code: AuditErrorCode;
  readonly exitCode: number;
  constructor(code: AuditErrorCode, message: string, exitCode = 2) {
    // One line, and safe on a terminal: a file name or a line quoted in it may hold control characters.
    super(escapeControls(message));
    this.name = 'AuditError';
    this.code = code;
    this.exitCode = exitCode;
  }
}
