/**
 * Splits a byte stream into lines, in batches. Newlines are found in the bytes and each line is decoded on its
 * own, so a line's string holds only that line (a string cut from a decoded chunk would keep the whole chunk
 * alive for as long as any field of it is kept). UTF-8 sequences never contain the newline byte, so a multi-byte
 * character cannot be split by a cut; a partial last line is carried over to the next chunk; `\r\n` is accepted;
 * a leading UTF-8 BOM is dropped.
 *
 * Every line of the input comes out as exactly one line, whatever its size:
 * - a line longer than `maxLineBytes` is not kept: its bytes are counted and dropped as they pass, and it comes
 *   out as an empty placeholder listed in `long` with its length (one skipped line, numbering intact);
 * - when the input fails (a gzip cut short), the partial line read before the failure comes out, marked `cut`,
 *   and then the error is thrown;
 * - `RESTART` in the stream (a followed file was truncated) ends the current line, and numbering starts again.
 */
export interface LineBatch {
  /** Line number of `lines[0]` (1-based). */
  first: number;
  lines: string[];
  /** Lines longer than the limit: their index in `lines` (which holds '' for them) and their length in bytes. */
  long?: { index: number; bytes: number }[];
  /** The last line of `lines` is what was read before the input failed: it has no end. */
  cut?: boolean;
}

/** A followed file started over (it was truncated): line numbers start again at 1. */
export const RESTART: unique symbol = Symbol('restart');
export type Restart = typeof RESTART;

/** The default longest line kept (bytes, without its newline): `--max-line-bytes`. */
export const DEFAULT_MAX_LINE_BYTES = 1 << 20;
/** @deprecated the default of `maxLineBytes`. */
export const MAX_LINE = DEFAULT_MAX_LINE_BYTES;

export interface LineOptions {
  maxLineBytes?: number | undefined;
}

export async function* readLines(chunks: AsyncIterable<Buffer | Restart>, opts: LineOptions = {}): AsyncGenerator<LineBatch> {
  const max = opts.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  let carryState: Buffer[] = [];
  let carryLenState = 0;
  /** Bytes of an over-long line seen so far; -1 when not in one. */
  let skippingState = -1;
  let lineNo = 1;
  /** Bytes held back at the start of the input until it is known whether they are a BOM. */
  let start: Buffer | null = Buffer.alloc(0);

  const decode = (b: Buffer, from: number, to: number) => b.toString('utf8', from, to > from && b[to - 1] === 13 ? to - 1 : to);
  /** The pending partial line as one finished line (at the end of the input, or before RESTART). */
  const flush = (batch: LineBatch) => {
    if (skippingState >= 0) {
      (batch.long ??= []).push({ index: batch.lines.length, bytes: skippingState });
      batch.lines.push('');
      skippingState = -1;
    } else if (carryLenState > 0) {
      const whole = carryState.length === 1 ? carryState[0]! : Buffer.concat(carryState, carryLenState);
      batch.lines.push(decode(whole, 0, whole.length));
    }
    carryState = [];
    carryLenState = 0;
  };
  const emit = function* (batch: LineBatch): Generator<LineBatch> {
    if (batch.lines.length) {
      yield batch;
      lineNo += batch.lines.length;
    }
  };

  const iterator = chunks[Symbol.asyncIterator]();
  for (;;) {
    let r: IteratorResult<Buffer | Restart>;
    try {
      r = await iterator.next();
    } catch (e) {
      // What was read of the last line is still a line (a partial one): it is counted, then the error goes on.
      const batch: LineBatch = { first: lineNo, lines: [] };
      if (start && start.length) {
        carryState = [start];
        carryLenState = start.length;
      }
      flush(batch);
      if (batch.lines.length) batch.cut = true;
      yield* emit(batch);
      throw e;
    }
    if (r.done) break;
    if (r.value === RESTART) {
      const batch: LineBatch = { first: lineNo, lines: [] };
      if (start && start.length) {
        carryState = [start];
        carryLenState = start.length;
      }
      flush(batch);
      yield* emit(batch);
      lineNo = 1;
      start = Buffer.alloc(0);
      continue;
    }
    let buf: Buffer = r.value;
    if (start) {
      buf = start.length ? Buffer.concat([start, buf]) : buf;
      if (buf.length < 3 && (buf.length === 0 || (buf[0] === 0xef && (buf.length < 2 || buf[1] === 0xbb)))) {
        start = buf; // too short to tell whether it is a BOM
        continue;
      }
      if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) buf = buf.subarray(3);
      start = null;
    }
    const batch: LineBatch = { first: lineNo, lines: [] };
    const lines = batch.lines;
    const st: SplitState = { carry: carryState, carryLen: carryLenState, skipping: skippingState };
    split(buf, batch, st, max);
    skippingState = st.skipping;
    carryState = st.carry;
    carryLenState = st.carryLen;
    if (lines.length) {
      yield batch;
      lineNo += lines.length;
    }
  }
  const batch: LineBatch = { first: lineNo, lines: [] };
  if (start && start.length) {
    carryState = [start];
    carryLenState = start.length;
  }
  flush(batch);
  yield* emit(batch);
}

interface SplitState {
  carry: Buffer[];
  carryLen: number;
  skipping: number;
}

/** Cuts one chunk into `batch` (a plain function, not part of the generator, so that V8 optimises its loop). */
function split(buf: Buffer, batch: LineBatch, st: SplitState, max: number): void {
  let from = 0;
  // Locals in the loop, written back at the end.
  let skipping = st.skipping;
  let carry = st.carry;
  let carryLen = st.carryLen;
  const lines = batch.lines;
  const n = buf.length;
  while (from < n) {
    const nl = buf.indexOf(10, from);
    const end = nl < 0 ? n : nl;
    const seg = end - from;
    if (skipping >= 0) {
      skipping += seg;
      if (nl < 0) break;
      (batch.long ??= []).push({ index: lines.length, bytes: skipping });
      lines.push('');
      skipping = -1;
    } else if (carryLen + seg > max && !(nl >= 0 && carryLen + seg === max + 1 && buf[end - 1] === 13)) {
      // Too long to keep: counted, not held.
      const bytes = carryLen + seg;
      carry = [];
      carryLen = 0;
      if (nl < 0) {
        skipping = bytes;
        break;
      }
      (batch.long ??= []).push({ index: lines.length, bytes: buf[end - 1] === 13 ? bytes - 1 : bytes });
      lines.push('');
    } else if (nl < 0) {
      carry.push(Buffer.from(buf.subarray(from))); // a copy: the chunk itself can go
      carryLen += seg;
      break;
    } else if (carryLen > 0) {
      // Only the partial line carried over is joined with the head of this chunk, not the whole chunk.
      carry.push(buf.subarray(from, end));
      const whole = Buffer.concat(carry, carryLen + seg);
      carry = [];
      carryLen = 0;
      lines.push(whole.toString('utf8', 0, whole.length > 0 && whole[whole.length - 1] === 13 ? whole.length - 1 : whole.length));
    } else {
      lines.push(buf.toString('utf8', from, end > from && buf[end - 1] === 13 ? end - 1 : end));
    }
    from = nl + 1;
  }
  st.skipping = skipping;
  st.carry = carry;
  st.carryLen = carryLen;
}
