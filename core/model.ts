import type { SkipCode } from './skip.js';

/**
 * The record model: what every parser produces and the pairing engine consumes.
 *
 * One `HttpRecord` is one request/response exchange as an access log line or a HAR entry describes it.
 * Fields a format does not carry are `null` (unknown), never guessed; `locationLogged` says whether a `null`
 * Location means "the response had none" (the format records it) or "we cannot know" (it does not).
 */
export interface HttpRecord {
  /** Index of the input (file or stdin) this record came from, in command-line order. */
  input: number;
  /** 1-based line number in that input (for HAR: 1-based entry index). */
  line: number;
  /** Milliseconds since the epoch; NaN when the format has no time field. */
  time: number;
  /** Remote address as logged (or the HAR's client address, or a synthetic capture id). */
  address: string;
  /** First X-Forwarded-For address, when logged. */
  forwardedFor: string | null;
  userAgent: string | null;
  /** Request method, upper case as sent. */
  method: string;
  /** "http" / "https" when known. */
  scheme: string | null;
  /** Host (with port if not default) when known. */
  host: string | null;
  /** Request target: path and query, as sent (origin-form). */
  target: string;
  status: number;
  /** Location response header (as sent, possibly relative); null when absent or unknown (see locationLogged). */
  location: string | null;
  /** True when the format records the Location header, so null really means "no Location". */
  locationLogged: boolean;
  /** Request body size in bytes (Content-Length or HAR bodySize); null when unknown. */
  bodySize: number | null;
  referer: string | null;
  /** Time the server took, in milliseconds; null when unknown. */
  duration: number | null;
  /**
   * Which instant `time` is: `start` (the request was received or sent: Apache `%t`, a HAR's `startedDateTime`, a
   * span's start), `end` (the response was complete and the line written: nginx `$time_local`, `$msec`, Caddy's
   * `ts`), or null where the format does not say (the `combined` preset is written by nginx and Apache alike).
   * With `duration` it gives the other instant (`sentAt`, `doneAt` in src/instants.ts).
   */
  timeIs: 'start' | 'end' | null;
  /** Response headers relevant to caching of a redirect, when known (HAR, or logged). */
  cacheControl: string | null;
  expires: string | null;
  /** A browser-made response (Chrome's HSTS `307 Internal Redirect`): not a server's answer. */
  internal: boolean;
  /** The trace this exchange belongs to (OpenTelemetry, Zipkin, Jaeger: hex trace id); null for logs. */
  traceId: string | null;
  /** The service that recorded it (a trace's `service.name`): the server for a server span, the client for a client span. */
  service: string | null;
  /**
   * A number its parsing worker gave this record's address, X-Forwarded-For and User-Agent, the same for each record
   * of theirs from one input and never given to another; -1 when none was given. Only a shortcut: the pairing finds
   * a client by this where it can, by the strings otherwise, with the same result.
   */
  clientId: number;
  /** Likewise for its method and target: the same number for the same method and target from one input; -1: none. */
  targetId: number;
}

/** A line (or entry) that could not become a record. */
export interface SkippedLine {
  input: number;
  line: number;
  /** Readable, one line, control characters escaped (`detail` of the code). */
  reason: string;
  /** A stable code for the reason (core/skip.ts). */
  code: SkipCode;
  /** What exactly: the reason's specifics, for a person. */
  detail: string;
  /** The start of the offending text, for the report (at most 200 characters, control characters escaped). */
  text: string;
}

/** Something kept but changed on the way in (a HAR field too large to keep, dropped from its entry). */
export interface InputNote {
  line: number;
  code: 'field-dropped';
  detail: string;
}

/** What a parser reports about one input once it is read. */
export interface InputStats {
  /** Display name: the path, or "-" for stdin. */
  name: string;
  /** Detected or forced format name. */
  format: string;
  /** Lines (or HAR entries) read: always records + skipped (a blank line is a skip too). */
  linesRead: number;
  records: number;
  skipped: number;
  bytes: number;
  /** The first few skipped lines, with why. */
  skippedExamples: SkippedLine[];
  /** Entries kept with a part dropped (HAR fields over the size limit): how many, and the first few. */
  notes?: { count: number; examples: InputNote[] };
  /**
   * A detected preset whose lines go on past its last field (an extended log read as `combined`): the first
   * such line, the text after the preset, and a `--log-format` that would read it.
   */
  extraFields?: { line: number; text: string; rest: string; suggestion: string | null };
}

/** Creates a record with every optional field unknown; parsers fill what their format carries. */
export function emptyRecord(input: number, line: number): HttpRecord {
  return {
    input,
    line,
    time: Number.NaN,
    address: '-',
    forwardedFor: null,
    userAgent: null,
    method: 'GET',
    scheme: null,
    host: null,
    target: '/',
    status: 0,
    location: null,
    locationLogged: false,
    bodySize: null,
    referer: null,
    duration: null,
    timeIs: null,
    cacheControl: null,
    expires: null,
    internal: false,
    traceId: null,
    service: null,
    clientId: -1,
    targetId: -1,
  };
}

/** The address a record's client is keyed by: the peer's, or the first X-Forwarded-For one (`--client-key`). */
export function clientAddress(r: HttpRecord, key: 'address' | 'forwarded-for'): string {
  return key === 'forwarded-for' && r.forwardedFor ? r.forwardedFor : r.address;
}

/** 3xx responses other than 304 (Not Modified is not a redirect). */
export function isRedirect(status: number): boolean {
  return status >= 300 && status < 400 && status !== 304;
}
