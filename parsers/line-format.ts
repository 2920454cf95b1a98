import type { HttpRecord } from '../src/model.js';

/** What a format can tell us, for `redirect-audit formats` and for the report. */
export interface FormatCapabilities {
  location: boolean;
  bodySize: boolean;
  host: boolean;
  duration: boolean;
  forwardedFor: boolean;
}

/**
 * A line-oriented input format. `parse` is pure: it turns one line (without its newline) into a record or
 * returns the reason it could not (a short string). It never throws for bad input.
 */
export interface LineFormat {
  readonly name: string;
  readonly description: string;
  readonly capabilities: FormatCapabilities;
  parse(line: string, input: number, lineNo: number): HttpRecord | string;
}
