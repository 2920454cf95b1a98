/**
 * A byte-level splitter for big JSON documents: fed the bytes of a document in chunks of any size, it walks the
 * containers a format walks into (its `select`, parsers/json-select.ts) and cuts out each value the format
 * selects as the exact bytes it has in the input, for the caller to `JSON.parse`. Everything else (the values the
 * format skips, and the inside of each selected value) is passed over by matching brackets and strings, without
 * being decoded: no token objects, no text of the whole input. It knows nothing about streams, files or records
 * (parsers/json-stream.ts drives it), and it does what parsers/har-scanner.ts does for HAR entries, for any path.
 *
 * Memory is the path of the walked containers plus the one value being cut out (pieces of the chunks it spans).
 * A selected value longer than `maxValueBytes` is not held: from that size on its bytes are handed over in pieces
 * as they come (`piece`), for a streaming parser to assemble.
 *
 * Only the walked containers (the document's frame) are checked as JSON here; inside a value it tracks just
 * string/escape state and bracket depth, so a malformed value still comes out as one slice of bytes and fails in
 * `JSON.parse`, and a malformed value the format skips is walked past unnoticed (stream-json's tokenizer would
 * reject it). Multi-byte UTF-8 never contains bytes below 0x80, so scanning bytes for `"`, `\`, brackets and
 * commas is safe across chunk edges without decoding.
 */
import { WALK, type PathKey } from './json-select.js';

export interface SplitterEvents {
  /** The format's answer for the value at `path` (parsers/json-select.ts). */
  select(path: readonly PathKey[]): number;
  /** A container walked into has closed; `path` is its own path. */
  closed?(path: readonly PathKey[]): void;
  /** A selected value, whole: its bytes are `bytes[start, end)`. */
  value(tag: number, bytes: Buffer, start: number, end: number, path: readonly PathKey[]): void;
  /**
   * A selected value longer than `maxValueBytes`, in pieces instead: the first call has the bytes held until it
   * crossed that size, the next ones the bytes of each chunk it spans, the last one has `last` set.
   */
  piece(tag: number, bytes: Buffer, path: readonly PathKey[], last: boolean): void;
}

/** Bytes that are not JSON where the frame of the document is read: thrown by `write()` and `end()`. */
export class JsonSplitError extends Error {
  constructor(
    message: string,
    /** Where, in bytes from the start of what was fed. */
    readonly offset: number,
  ) {
    super(message);
    this.name = 'JsonSplitError';
  }
}

// What the frame expects next.
const P_TOP = 0; // a top-level value (JSON values may follow one another)
const P_OBJ_FIRST = 1; // a key or `}`
const P_OBJ_KEY = 2; // a key (after a comma)
const P_COLON = 3;
const P_VALUE = 4; // the value of the current key, or an element after a comma
const P_ARR_FIRST = 5; // an element or `]`
const P_AFTER = 6; // `,` or the closing bracket of the current container

// What the value being read is.
const V_NESTED = 0; // an object or array (or a string: depth 0 until its closing quote)
const V_SCALAR = 1; // a number, true, false, null: up to the next delimiter

// What becomes of it.
const CAP_NONE = 0;
const CAP_KEY = 1;
const CAP_VALUE = 2;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const BOM = [0xef, 0xbb, 0xbf];

export class JsonSplitter {
  /** Where the next byte fed is in the input: bytes fed so far, plus `firstByte`. */
  bytes = 0;
  /** Where (in bytes) the value last handed over began: for the caller's error messages. */
  valueOffset = 0;

  private readonly events: SplitterEvents;
  private readonly maxValueBytes: number;

  // The frame: the walked containers (1 = array, 0 = object), the next index of each array, the path.
  private readonly arrays: number[] = [];
  private readonly nexts: number[] = [];
  private readonly path: PathKey[] = [];
  private top: number;
  private phase = P_TOP;
  private bom = 0;

  // The value being read, possibly across chunks.
  private inValue = false;
  private vKind = V_NESTED;
  private vDepth = 0;
  private vInString = false;
  /** The first byte of the next chunk is escaped (a `\` ended the previous one). */
  private vEscape = false;
  private capture = CAP_NONE;
  private tag = 0;
  private pieces: Buffer[] = [];
  private pieceBytes = 0;
  /** The value outgrew `maxValueBytes`: its bytes are handed over as they come. */
  private streaming = false;

  /**
   * @param firstIndex the index of the first top-level value (values already read another way come before it)
   * @param firstByte where the first byte fed is in the input (for offsets in messages)
   */
  constructor(events: SplitterEvents, maxValueBytes: number, firstIndex = 0, firstByte = 0) {
    this.events = events;
    this.maxValueBytes = maxValueBytes;
    this.top = firstIndex;
    this.bytes = firstByte;
  }

  /** Nothing is open: the bytes so far made complete values. */
  get idle(): boolean {
    return this.phase === P_TOP && !this.inValue;
  }

  write(chunk: Buffer): void {
    const n = chunk.length;
    let i = 0;
    if (this.inValue && n > 0) i = this.readValue(chunk, 0, 0);
    while (i < n) {
      const c = chunk[i]!;
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) {
        i++;
        continue;
      }
      switch (this.phase) {
        case P_TOP:
          if (this.bom < 3 && this.bytes + i === this.bom && c === BOM[this.bom]) {
            this.bom++; // a byte-order mark at the very start
            i++;
            break;
          }
          i = this.startValue(chunk, i, c);
          break;
        case P_OBJ_FIRST:
          if (c === 0x7d) i = this.close(chunk, i, c);
          else if (c === QUOTE) i = this.startKey(chunk, i);
          else throw this.unexpected(chunk, i, 'a key or "}"');
          break;
        case P_OBJ_KEY:
          if (c !== QUOTE) throw this.unexpected(chunk, i, 'a key');
          i = this.startKey(chunk, i);
          break;
        case P_COLON:
          if (c !== 0x3a) throw this.unexpected(chunk, i, '":"');
          this.phase = P_VALUE;
          i++;
          break;
        case P_ARR_FIRST:
          if (c === 0x5d) {
            i = this.close(chunk, i, c);
            break;
          }
        // falls through: an element
        case P_VALUE:
          i = this.startValue(chunk, i, c);
          break;
        default: // P_AFTER
          if (c === 0x2c) {
            this.phase = this.arrays[this.arrays.length - 1] === 1 ? P_VALUE : P_OBJ_KEY;
            i++;
          } else if (c === 0x7d || c === 0x5d) {
            i = this.close(chunk, i, c);
          } else {
            throw this.unexpected(chunk, i, '"," or a closing bracket');
          }
      }
    }
    this.bytes += n;
  }

  /**
   * Call once, after the last chunk: true when the input ended between top-level values, false when it ended
   * inside one (it was cut short). A number ending the input is finished here.
   */
  end(): boolean {
    if (this.inValue && this.vKind === V_SCALAR) {
      const empty = Buffer.alloc(0);
      this.finish(empty, 0, 0);
    }
    return this.idle;
  }

  private unexpected(chunk: Buffer, i: number, expected: string): JsonSplitError {
    const c = chunk[i]!;
    const at = this.bytes + i;
    const shown = c >= 0x20 && c < 0x7f ? `"${String.fromCharCode(c)}"` : `byte 0x${c.toString(16)}`;
    return new JsonSplitError(`expected ${expected} at byte ${at}, found ${shown}`, at);
  }

  /** A walked container closes (`c` is its closing bracket). */
  private close(chunk: Buffer, i: number, c: number): number {
    const d = this.arrays.length;
    if (d === 0 || this.arrays[d - 1] !== (c === 0x5d ? 1 : 0)) throw this.unexpected(chunk, i, d === 0 ? 'a value' : this.arrays[d - 1] === 1 ? '"]"' : '"}"');
    this.arrays.pop();
    this.nexts.pop();
    this.path.length = d;
    this.events.closed?.(this.path);
    this.phase = d === 1 ? P_TOP : P_AFTER;
    return i + 1;
  }

  private startKey(chunk: Buffer, i: number): number {
    this.beginValue(CAP_KEY, 0);
    this.valueOffset = this.bytes + i;
    this.vInString = true;
    return this.readValue(chunk, i + 1, i);
  }

  /** A value starts at `i` (`c`): asks the format what to do with it. */
  private startValue(chunk: Buffer, i: number, c: number): number {
    const d = this.arrays.length;
    const path = this.path;
    if (d === 0) path[0] = this.top++;
    else if (this.arrays[d - 1] === 1) path[d] = this.nexts[d - 1]!++;
    path.length = d + 1;
    if (c === 0x7d || c === 0x5d || c === 0x2c || c === 0x3a) throw this.unexpected(chunk, i, 'a value');
    const sel = this.events.select(path);
    const container = c === 0x7b || c === 0x5b;
    if (sel === WALK && container) {
      this.arrays.push(c === 0x5b ? 1 : 0);
      this.nexts.push(0);
      this.phase = c === 0x5b ? P_ARR_FIRST : P_OBJ_FIRST;
      return i + 1;
    }
    // A value skipped, selected, or a scalar where the format would walk (nothing to walk into: skipped).
    this.beginValue(sel > 0 ? CAP_VALUE : CAP_NONE, sel > 0 ? sel : 0);
    this.valueOffset = this.bytes + i;
    if (container) {
      this.vDepth = 1;
      return this.readValue(chunk, i + 1, i);
    }
    if (c === QUOTE) {
      this.vInString = true;
      return this.readValue(chunk, i + 1, i);
    }
    this.vKind = V_SCALAR;
    return this.readValue(chunk, i, i);
  }

  private beginValue(capture: number, tag: number): void {
    this.inValue = true;
    this.capture = capture;
    this.tag = tag;
    this.vKind = V_NESTED;
    this.vDepth = 0;
    this.vInString = false;
    this.vEscape = false;
    this.streaming = false;
  }

  /**
   * Goes on reading the current value from `i`; `start` is where its bytes begin in this chunk. Returns the index
   * after the value when it ends in this chunk (and hands it over), or `chunk.length` when it goes on.
   */
  private readValue(chunk: Buffer, i: number, start: number): number {
    const n = chunk.length;
    if (this.vKind === V_SCALAR) {
      while (i < n) {
        const c = chunk[i]!;
        if (c === 0x2c || c === 0x7d || c === 0x5d || c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) return this.finish(chunk, start, i);
        i++;
      }
      return this.more(chunk, start);
    }
    let depth = this.vDepth;
    let inString = this.vInString;
    if (this.vEscape) {
      this.vEscape = false;
      i++;
    }
    while (i < n) {
      if (inString) {
        // To the closing quote, stepping over escapes.
        for (;;) {
          if (i >= n) break;
          const c = chunk[i++]!;
          if (c === QUOTE) {
            inString = false;
            break;
          }
          if (c === BACKSLASH) {
            if (i >= n) {
              this.vEscape = true;
              break;
            }
            i++;
          }
        }
        if (inString) break;
        if (depth === 0) {
          // The value (or key) was this string.
          this.vInString = false;
          return this.finish(chunk, start, i);
        }
        continue;
      }
      const c = chunk[i++]!;
      if (c === QUOTE) inString = true;
      else if (c === 0x7b || c === 0x5b) depth++;
      else if (c === 0x7d || c === 0x5d) {
        if (--depth === 0) {
          this.vDepth = 0;
          return this.finish(chunk, start, i);
        }
      }
    }
    this.vDepth = depth;
    this.vInString = inString;
    return this.more(chunk, start);
  }

  /** The value goes on in the next chunk: keep (or hand over) its bytes from this one. */
  private more(chunk: Buffer, start: number): number {
    if (this.capture === CAP_NONE || start >= chunk.length) return chunk.length;
    const piece = start === 0 ? chunk : chunk.subarray(start);
    if (this.streaming) {
      this.events.piece(this.tag, piece, this.path, false);
      return chunk.length;
    }
    this.pieces.push(piece);
    this.pieceBytes += piece.length;
    if (this.capture === CAP_VALUE && this.pieceBytes > this.maxValueBytes) {
      this.streaming = true;
      const held = Buffer.concat(this.pieces, this.pieceBytes);
      this.pieces = [];
      this.pieceBytes = 0;
      this.events.piece(this.tag, held, this.path, false);
    }
    return chunk.length;
  }

  /** The value ends at `end` in this chunk: hand it over, and go on with the frame. */
  private finish(chunk: Buffer, start: number, end: number): number {
    this.inValue = false;
    const capture = this.capture;
    if (capture === CAP_KEY) {
      this.path[this.arrays.length] = this.key(chunk, start, end);
      this.phase = P_COLON;
      return end;
    }
    this.phase = this.arrays.length === 0 ? P_TOP : P_AFTER;
    if (capture === CAP_NONE) return end;
    if (this.streaming) {
      this.streaming = false;
      this.events.piece(this.tag, chunk.subarray(start, end), this.path, true);
    } else if (this.pieces.length === 0) {
      this.events.value(this.tag, chunk, start, end, this.path);
    } else {
      this.pieces.push(chunk.subarray(start, end));
      const whole = Buffer.concat(this.pieces, this.pieceBytes + (end - start));
      this.pieces = [];
      this.pieceBytes = 0;
      this.events.value(this.tag, whole, 0, whole.length, this.path);
    }
    return end;
  }

  /** A key's text (its bytes include the quotes). */
  private key(chunk: Buffer, start: number, end: number): string {
    let bytes = chunk;
    if (this.pieces.length > 0) {
      this.pieces.push(chunk.subarray(start, end));
      bytes = Buffer.concat(this.pieces);
      this.pieces = [];
      this.pieceBytes = 0;
      start = 0;
      end = bytes.length;
    }
    const text = bytes.toString('utf8', start + 1, end - 1);
    if (!text.includes('\\')) return text;
    try {
      return JSON.parse(bytes.toString('utf8', start, end)) as string;
    } catch {
      throw new JsonSplitError(`a key that is not a JSON string at byte ${this.valueOffset}`, this.valueOffset);
    }
  }
}
