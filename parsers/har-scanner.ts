/**
 * A byte-level splitter for HAR documents: fed the bytes of one HAR in chunks of any size, it finds
 * `log.entries` and hands over the exact bytes of each entry (to be `JSON.parse`d by the caller), plus the bytes
 * of `log.creator`. Everything else (`pages`, response bodies outside entries, unknown keys) is skipped without
 * being decoded. It knows nothing about streams, files or records.
 *
 * Only the frame of the document (the root object, `log`, the `entries` array) is checked as JSON here; inside a
 * value it tracks just string/escape state and bracket depth, so a malformed entry still comes out as one slice
 * of bytes and fails in `JSON.parse`, where the caller counts it as a skipped entry.
 *
 * Multi-byte UTF-8 never contains bytes below 0x80, so scanning bytes for `"`, `\`, brackets and commas is safe
 * across chunk edges without decoding.
 */

/** What the scanner reports; the callbacks run synchronously inside `write()`. */
export interface HarScanEvents {
  /**
   * The bytes of one element of `log.entries` (a complete JSON value), or null when it exceeded `maxEntryBytes`.
   * `dropped` lists the sizes of strings inside it longer than `maxFieldBytes`: each is `""` in `bytes`.
   */
  entry(bytes: Buffer | null, size: number, dropped: number[]): void;
  /** The bytes of the `log.creator` value. */
  creator(bytes: Buffer): void;
}

/** How the document ended, from `end()`. */
export type HarScanEnd =
  | { kind: 'complete' }
  | { kind: 'empty' }
  | { kind: 'no-entries' }
  | { kind: 'truncated'; where: string };

/** The frame of the document is not a HAR (or not JSON): thrown by `write()`. */
export class HarShapeError extends Error {
  constructor(
    message: string,
    readonly notJson: boolean,
  ) {
    super(message);
    this.name = 'HarShapeError';
  }
}

// Containers of the frame.
const ROOT = 0;
const LOG = 1;
const ENTRIES = 2;

// What the frame expects next.
const P_BEFORE = 0; // the root value
const P_KEY = 1; // a key or `}`
const P_COLON = 2;
const P_VALUE = 3; // the value of the current key
const P_AFTER = 4; // `,` or the closing bracket
const P_FIRST_ELEM = 5; // an element or `]`
const P_ELEM = 6; // an element
const P_DONE = 7; // the root is closed; the rest is ignored

// What the value being read is.
const V_CONTAINER = 0;
const V_STRING = 1;
const V_SCALAR = 2;

// What becomes of it.
const CAP_NONE = 0;
const CAP_KEY = 1;
const CAP_ENTRY = 2;
const CAP_CREATOR = 3;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** 256 MB: an entry larger than this (a huge inline response body) is skipped rather than decoded. */
export const DEFAULT_MAX_ENTRY_BYTES = 256 * 1024 * 1024;
/**
 * 1 MB: a string inside an entry longer than this (an inline response body, a data: URL) is dropped from it
 * (becomes `""`) and the entry is kept; the record never needs such a string.
 */
export const DEFAULT_MAX_FIELD_BYTES = 1 << 20;

export class HarScanner {
  /** Bytes fed so far. */
  bytes = 0;
  /** Complete elements of `log.entries` seen so far. */
  entries = 0;

  private readonly events: HarScanEvents;
  private readonly maxEntryBytes: number;

  // The frame.
  private readonly stack: number[] = [];
  private phase = P_BEFORE;
  private key = '';
  private sawLog = false;
  private sawEntries = false;

  // The value being read (possibly across chunks).
  private inValue = false;
  private vKind = V_CONTAINER;
  private vDepth = 0;
  private vInString = false;
  /** 1 when the first byte of the next chunk is escaped (a `\` ended the previous one). */
  private vSkip = 0;
  private capture = CAP_NONE;
  private pieces: Buffer[] = [];
  private pieceBytes = 0;
  private oversize = false;

  // A string inside an entry: where its content starts among the bytes kept, its length so far, whether its
  // bytes are being dropped (it is longer than `maxFieldBytes`), and the sizes of the strings dropped.
  private readonly maxFieldBytes: number;
  private strKept = 0;
  private strLen = 0;
  private dropping = false;
  private dropped: number[] = [];

  constructor(events: HarScanEvents, maxEntryBytes = DEFAULT_MAX_ENTRY_BYTES, maxFieldBytes = DEFAULT_MAX_FIELD_BYTES) {
    this.events = events;
    this.maxEntryBytes = maxEntryBytes;
    this.maxFieldBytes = maxFieldBytes;
  }

  write(chunk: Buffer): void {
    const n = chunk.length;
    let i = 0;
    if (this.inValue) {
      i = this.readValue(chunk, 0, 0);
      if (this.inValue) {
        this.bytes += n;
        return;
      }
    }
    while (i < n) {
      const c = chunk[i]!;
      // Whitespace (and the bytes of a BOM before the root value).
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09 || (this.phase === P_BEFORE && (c === 0xef || c === 0xbb || c === 0xbf))) {
        i++;
        continue;
      }
      switch (this.phase) {
        case P_BEFORE:
          if (c !== 0x7b) throw this.unexpected(c, i, 'a JSON object');
          this.stack.push(ROOT);
          this.phase = P_KEY;
          i++;
          break;
        case P_KEY:
          if (c === QUOTE) {
            i = this.startValue(chunk, i, CAP_KEY);
          } else if (c === 0x7d) {
            i = this.close(i);
          } else {
            throw this.unexpected(c, i, 'a key or "}"');
          }
          break;
        case P_COLON:
          if (c !== 0x3a) throw this.unexpected(c, i, '":"');
          this.phase = P_VALUE;
          i++;
          break;
        case P_VALUE: {
          const where = this.stack[this.stack.length - 1];
          if (where === ROOT && this.key === 'log') {
            if (c !== 0x7b) throw new HarShapeError('JSON but not a HAR: "log" is not an object', false);
            this.sawLog = true;
            this.stack.push(LOG);
            this.phase = P_KEY;
            i++;
          } else if (where === LOG && this.key === 'entries') {
            if (c !== 0x5b) throw new HarShapeError('JSON but not a HAR: "log.entries" is not an array', false);
            this.sawEntries = true;
            this.stack.push(ENTRIES);
            this.phase = P_FIRST_ELEM;
            i++;
          } else {
            i = this.startValue(chunk, i, where === LOG && this.key === 'creator' ? CAP_CREATOR : CAP_NONE);
          }
          break;
        }
        case P_AFTER:
          if (c === 0x2c) {
            this.phase = this.stack[this.stack.length - 1] === ENTRIES ? P_ELEM : P_KEY;
            i++;
          } else if (c === 0x7d || c === 0x5d) {
            i = this.close(i);
          } else {
            throw this.unexpected(c, i, '"," or a closing bracket');
          }
          break;
        case P_FIRST_ELEM:
          if (c === 0x5d) {
            i = this.close(i);
            break;
          }
        // falls through: an element
        case P_ELEM:
          i = this.startValue(chunk, i, CAP_ENTRY);
          break;
        default: // P_DONE: whatever follows the document is ignored
          i = n;
      }
      if (this.inValue) {
        this.bytes += n;
        return;
      }
    }
    this.bytes += n;
  }

  /** Says how the document ended; call once, after the last chunk. */
  end(): HarScanEnd {
    if (this.phase === P_DONE) return this.sawEntries ? { kind: 'complete' } : { kind: 'no-entries' };
    if (this.phase === P_BEFORE) return { kind: 'empty' };
    let where: string;
    if (this.inValue && this.capture === CAP_ENTRY) where = `inside entry ${this.entries + 1}`;
    else if (this.stack[this.stack.length - 1] === ENTRIES) where = `in "log.entries" after entry ${this.entries}`;
    else if (!this.sawEntries) where = this.sawLog ? 'before "log.entries"' : 'before "log"';
    else where = 'after "log.entries", before the end of the document';
    return { kind: 'truncated', where };
  }

  private unexpected(c: number, i: number, expected: string): HarShapeError {
    const at = this.bytes + i;
    const shown = c >= 0x20 && c < 0x7f ? `"${String.fromCharCode(c)}"` : `byte 0x${c.toString(16)}`;
    return new HarShapeError(`not valid JSON: expected ${expected} at byte ${at}, found ${shown}`, true);
  }

  private close(i: number): number {
    this.stack.pop();
    if (this.stack.length === 0) {
      this.phase = P_DONE;
      if (!this.sawEntries) throw new HarShapeError('JSON but not a HAR: no "log.entries" array', false);
    } else {
      this.phase = P_AFTER;
    }
    return i + 1;
  }

  private startValue(chunk: Buffer, i: number, capture: number): number {
    const c = chunk[i]!;
    this.inValue = true;
    this.capture = capture;
    this.pieces = [];
    this.pieceBytes = 0;
    this.oversize = false;
    this.vSkip = 0;
    this.vInString = false;
    this.dropping = false;
    this.dropped = [];
    if (c === 0x7b || c === 0x5b) {
      this.vKind = V_CONTAINER;
      this.vDepth = 1;
      return this.readValue(chunk, i + 1, i);
    }
    if (c === QUOTE) {
      this.vKind = V_STRING;
      this.vInString = true;
      return this.readValue(chunk, i + 1, i);
    }
    if (c === 0x7d || c === 0x5d || c === 0x2c || c === 0x3a) throw this.unexpected(c, i, 'a value');
    this.vKind = V_SCALAR;
    return this.readValue(chunk, i, i);
  }

  /**
   * Goes on reading the current value from `i`; `start` is where its bytes begin in this chunk. Returns the
   * index after the value when it ends in this chunk (and reports it), or `chunk.length` when it goes on.
   */
  private readValue(chunk: Buffer, i: number, start: number): number {
    if (this.dropping) start = chunk.length; // inside a string being dropped: nothing kept until it ends
    const n = chunk.length;
    if (this.vSkip) {
      i += this.vSkip;
      this.vSkip = 0;
    }
    if (this.vKind === V_SCALAR) {
      while (i < n) {
        const c = chunk[i]!;
        if (c === 0x2c || c === 0x7d || c === 0x5d || c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) {
          return this.finish(chunk, start, i);
        }
        i++;
      }
      return this.more(chunk, start);
    }
    let depth = this.vDepth;
    let inString = this.vInString;
    // Strings inside an entry are measured, so that one too long can be dropped (only there: a key or the
    // creator is small, and a string as a whole entry is not an entry anyway).
    const fields = this.capture === CAP_ENTRY && this.vKind === V_CONTAINER && !this.oversize;
    let strFrom = inString ? i : -1;
    while (i < n) {
      if (inString) {
        // The closing quote: the next `"` not preceded by an odd run of backslashes (counted from `i`, which
        // is never inside an escape).
        const q = chunk.indexOf(QUOTE, i);
        if (q < 0) {
          let k = n - 1;
          while (k >= i && chunk[k] === BACKSLASH) k--;
          if ((n - 1 - k) & 1) this.vSkip = 1;
          i = n;
          if (fields) {
            this.strLen += n - strFrom;
            if (!this.dropping && this.strLen > this.maxFieldBytes) {
              this.keepOnly(this.strKept, chunk, start);
              this.dropping = true;
            }
            if (this.dropping) {
              this.vDepth = depth;
              this.vInString = true;
              return n; // nothing of this chunk is kept
            }
          }
          break;
        }
        let k = q - 1;
        while (k >= i && chunk[k] === BACKSLASH) k--;
        i = q + 1;
        if ((q - 1 - k) & 1) continue; // an escaped quote
        inString = false;
        if (this.vKind === V_STRING) {
          this.vInString = false;
          return this.finish(chunk, start, i);
        }
        if (fields) {
          this.strLen += q - strFrom;
          if (this.dropping || this.strLen > this.maxFieldBytes) {
            // The string's content goes; its quotes stay: `""`.
            if (!this.dropping) this.keepOnly(this.strKept, chunk, start);
            this.dropping = false;
            this.dropped.push(this.strLen);
            start = q;
          }
        }
        continue;
      }
      const c = chunk[i++]!;
      if (c === QUOTE) {
        inString = true;
        if (fields) {
          this.strKept = this.pieceBytes + (i - start);
          this.strLen = 0;
          strFrom = i;
        }
      } else if (c === 0x7b || c === 0x5b) depth++;
      else if (c === 0x7d || c === 0x5d) {
        if (--depth === 0) {
          this.vDepth = 0;
          this.vInString = false;
          return this.finish(chunk, start, i);
        }
      }
    }
    this.vDepth = depth;
    this.vInString = inString;
    return this.more(chunk, start);
  }

  /** Keeps only the first `k` bytes of the value read so far (the kept pieces, then this chunk from `start`). */
  private keepOnly(k: number, chunk: Buffer, start: number): void {
    if (k <= this.pieceBytes) {
      const out: Buffer[] = [];
      let acc = 0;
      for (const p of this.pieces) {
        if (acc + p.length <= k) {
          out.push(p);
          acc += p.length;
        } else {
          if (k > acc) out.push(p.subarray(0, k - acc));
          break;
        }
      }
      this.pieces = out;
    } else {
      this.pieces.push(chunk.subarray(start, start + (k - this.pieceBytes)));
    }
    this.pieceBytes = k;
  }

  /** The value goes on in the next chunk: keep its bytes from this one. */
  private more(chunk: Buffer, start: number): number {
    if (this.capture !== CAP_NONE && !this.oversize && start < chunk.length) {
      const piece = chunk.subarray(start);
      this.pieceBytes += piece.length;
      if (this.pieceBytes > this.maxEntryBytes && this.capture === CAP_ENTRY) {
        this.oversize = true;
        this.pieces = [];
      } else {
        this.pieces.push(piece);
      }
    } else if (this.oversize) {
      this.pieceBytes += chunk.length - start;
    }
    return chunk.length;
  }

  private finish(chunk: Buffer, start: number, end: number): number {
    this.inValue = false;
    const capture = this.capture;
    if (capture === CAP_NONE) {
      this.phase = P_AFTER;
      return end;
    }
    const size = this.pieceBytes + (end - start);
    let bytes: Buffer | null = null;
    if (!this.oversize && size <= this.maxEntryBytes) {
      const tail = chunk.subarray(start, end);
      bytes = this.pieces.length === 0 ? tail : Buffer.concat([...this.pieces, tail], size);
    }
    this.pieces = [];
    this.pieceBytes = 0;
    if (capture === CAP_KEY) {
      this.key = bytes ? decodeKey(bytes) : '';
      this.phase = P_COLON;
    } else if (capture === CAP_ENTRY) {
      this.entries++;
      this.phase = P_AFTER;
      const dropped = this.dropped;
      this.dropped = [];
      this.events.entry(bytes, size, dropped);
    } else {
      this.phase = P_AFTER;
      if (bytes) this.events.creator(bytes);
    }
    return end;
  }
}

function decodeKey(bytes: Buffer): string {
  try {
    const k: unknown = JSON.parse(bytes.toString('utf8'));
    return typeof k === 'string' ? k : '';
  } catch {
    return '';
  }
}
