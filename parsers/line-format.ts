import type { HttpRecord } from '../core/model.js';

/** What a format can tell us, for `redirect-audit formats` and for the report. */
export interface FormatCapabilities {
  location: boolean;
  bodySize: boolean;
  host: boolean;
  duration: boolean;
  forwardedFor: boolean;
}

/**
 * How to build a format again from plain data, for a worker thread (a function cannot be posted to one): a
 * compiled `--log-format` string, or the JSON-lines format with a `--field` map.
 */
export type FormatSpec =
  | { kind: 'log-format'; name: string; format: string; syntax: 'nginx' | 'apache' | 'either' | 'auto'; description: string }
  | { kind: 'json-fields'; map: Record<string, string> };

/**
 * A line-oriented input format. `parse` turns one line (without its newline) into a record or returns the reason
 * it could not (a short string); it never throws for bad input. What it gives depends on the line only, except
 * where the format says otherwise (W3C logs read their columns from the `#Fields` line); a format may keep state
 * that makes it faster (nginx-json's line templates), never state that changes a result.
 */
export interface LineFormat {
  readonly name: string;
  readonly description: string;
  readonly capabilities: FormatCapabilities;
  /** Set when the format can be rebuilt in a worker thread; without it, inputs forced to it are parsed in place. */
  readonly spec?: FormatSpec;
  parse(line: string, input: number, lineNo: number): HttpRecord | string;
}
