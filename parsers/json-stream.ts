/**
 * Big JSON documents (a JSON array, one object of gigabytes, or JSON values one after another such as the
 * OpenTelemetry Collector's file exporter writes) read in bounded memory.
 *
 * A format says which values it wants by their path (`select`), and gets each one whole (`value`), plus a call
 * when a container it walked into closes (`closed`): parsers/json-select.ts. Three readers give the same calls:
 *
 * - each line decoded with `JSON.parse` and walked, while the input is JSON values one per line and each line is
 *   at most `LINE_LIMIT` bytes (the Collector's file exporter; `JSON.parse` reads ~190 MB/s);
 * - from the first line that is not (a pretty-printed `gcloud logging read --format=json`, a Zipkin array on one
 *   line, an OTLP export request of tens of MB), the byte splitter of parsers/json-splitter.ts: it walks the
 *   containers the format walks into and cuts each selected value out of the bytes, to be `JSON.parse`d alone;
 *   the rest is passed over by matching brackets and strings, never decoded;
 * - stream-json's tokenizer (`jsonParser`), the fallback: for one selected value longer than `LINE_LIMIT` (a Zipkin
 *   trace or a Jaeger trace of tens of MB), which the splitter hands over in pieces as they come rather than
 *   holding its bytes, text and value at once; and for the whole input with `reader: 'tokens'` (the bench and the
 *   tests, which compare it with the splitter). Only the selected values are assembled (stream-json's
 *   `Assembler`); everything else is walked as tokens and dropped. It reads 4-5 times slower than the splitter
 *   (bench/profile.md).
 *
 * The tokenizer is called directly, as a function (stream-json's `parser()` is `gen(fixUtf8Stream(),
 * jsonParser())`; the UTF-8 front is Node's `TextDecoder` here): the same tokenizer through `chain([...])` or
 * `parser.asStream()` reads ~15 MB/s on the same input (bench/json-stream-bench.ts).
 */
import { Assembler } from 'stream-json/assembler.js';
import { jsonParser } from 'stream-json/parser.js';
/** stream-chain's `none` (a registered symbol): passed to the tokenizer, it flushes. */
const none: unique symbol = Symbol.for('object-stream.none') as never;
import type { HttpRecord, InputStats } from '../core/model.js';
import { AuditError } from '../core/errors.js';
import { skippedLine } from '../core/skip.js';
import { SKIP, type DocumentHandler, type PathKey } from './json-select.js';
import { JsonSplitError, JsonSplitter, type SplitterEvents } from './json-splitter.js';

export { SKIP, WALK, type DocumentHandler, type PathKey } from './json-select.js';

/** Where a format puts what it read: records, and counted skips (each is one "line" of the input's stats). */
export interface RecordSink {
  record(r: HttpRecord): void;
  skip(reason: string, text: string): void;
  /** The line number the next record or skip gets (1-based, the count of items read so far + 1). */
  next(): number;
}

/**
 * Lines up to this size are `JSON.parse`d whole (a longer one goes to the splitter), and so are the values the
 * splitter cuts out (a longer one goes to the tokenizer in pieces).
 */
export const LINE_LIMIT = 4 * 1024 * 1024;
const BATCH = 256;
const MAX_EXAMPLES = 10;
/** Records are put in time order within a window of this many (spans are written as they end, not as they start). */
const REORDER = 4096;

interface Frame {
  array: boolean;
  next: number;
}

type Token = { name: string; value?: unknown };

/** Walks tokens, keeping the path; assembles what the handler selects. */
class TokenWalker {
  private readonly path: PathKey[] = [];
  private readonly frames: Frame[] = [];
  private top = 0;
  private skipping = 0;
  private asm: Assembler | null = null;
  private readonly assembler = new Assembler();
  private tag = 0;

  constructor(private readonly handler: DocumentHandler) {}

  /** Nothing is open: the tokens so far made complete values. */
  get idle(): boolean {
    return this.frames.length === 0 && this.skipping === 0 && this.asm === null;
  }

  token(t: Token): void {
    if (this.asm) {
      this.asm.consume(t as never);
      if (this.asm.done) {
        const v = this.asm.current;
        this.asm = null;
        this.handler.value(this.tag, v, this.path);
      }
      return;
    }
    const name = t.name;
    if (this.skipping > 0) {
      if (name === 'startObject' || name === 'startArray') this.skipping++;
      else if (name === 'endObject' || name === 'endArray') this.skipping--;
      return;
    }
    switch (name) {
      case 'keyValue':
        this.path[this.frames.length] = t.value as string;
        return;
      case 'endObject':
      case 'endArray':
        this.frames.pop();
        this.path.length = this.frames.length + 1;
        this.handler.closed?.(this.path);
        return;
      case 'startObject':
      case 'startArray':
      case 'stringValue':
      case 'numberValue':
      case 'nullValue':
      case 'trueValue':
      case 'falseValue':
        this.start(t);
        return;
      default:
        return; // streamed pieces are not asked for
    }
  }

  private start(t: Token): void {
    const d = this.frames.length;
    const path = this.path;
    if (d === 0) path[0] = this.top++;
    else {
      const f = this.frames[d - 1]!;
      if (f.array) path[d] = f.next++;
    }
    path.length = d + 1;
    const container = t.name === 'startObject' || t.name === 'startArray';
    const sel = this.handler.select(path);
    if (sel > 0) {
      if (!container) {
        this.handler.value(sel, scalar(t), path);
        return;
      }
      this.tag = sel;
      this.asm = this.assembler;
      this.asm.consume(t as never);
    } else if (sel === SKIP) {
      if (container) this.skipping = 1;
    } else if (container) {
      this.frames.push({ array: t.name === 'startArray', next: 0 });
    }
  }
}

function scalar(t: Token): unknown {
  switch (t.name) {
    case 'numberValue':
      return Number(t.value);
    case 'nullValue':
      return null;
    case 'trueValue':
      return true;
    case 'falseValue':
      return false;
    default:
      return t.value;
  }
}

/** The same calls as TokenWalker, over a value already decoded. */
function walkValue(v: unknown, path: PathKey[], handler: DocumentHandler): void {
  const sel = handler.select(path);
  if (sel > 0) {
    handler.value(sel, v, path);
    return;
  }
  if (sel === SKIP || typeof v !== 'object' || v === null) return;
  const d = path.length;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      path[d] = i;
      walkValue(v[i], path, handler);
      path.length = d;
    }
  } else {
    for (const k in v) {
      path[d] = k;
      walkValue((v as Record<string, unknown>)[k], path, handler);
      path.length = d;
    }
  }
  handler.closed?.(path);
}

/** Holds records back a little to give them in time order (stable; records without a time keep their place). */
class Reorder {
  private buf: HttpRecord[] = [];
  /** Records in order, ready to go. */
  ready: HttpRecord[] = [];
  push(r: HttpRecord): void {
    this.buf.push(r);
    if (this.buf.length >= 2 * REORDER) this.flush(REORDER);
  }
  flush(keep = 0): void {
    const buf = this.buf;
    if (!buf.some((r) => Number.isNaN(r.time))) buf.sort((a, b) => a.time - b.time);
    const n = buf.length - keep;
    for (let i = 0; i < n; i++) this.ready.push(buf[i]!);
    this.buf = buf.slice(n);
  }
}

export interface DocumentFormat {
  readonly name: string;
  readonly description: string;
  readonly capabilities: { location: boolean; bodySize: boolean; host: boolean; duration: boolean; forwardedFor: boolean };
  /** True when the first bytes of an input (up to 4 KB, decoded) are this format. */
  detect(head: string): boolean;
  /** A handler for one input, putting what it reads into `sink`. `end` is called once the input is read. */
  handler(input: number, sink: RecordSink): DocumentHandler & { end?(): void };
}

export interface DocumentOptions {
  /** Lines, and selected values, up to this many bytes are decoded whole (default LINE_LIMIT). */
  lineLimit?: number;
  /**
   * `auto` (the default): a line at a time while lines are whole JSON values, then the byte splitter. `split`,
   * `tokens`: the byte splitter or stream-json's tokenizer from the first byte (the bench, the tests).
   */
  reader?: 'auto' | 'split' | 'tokens';
}

/**
 * Reads one input of a document format from its decompressed bytes, yielding records in batches. Every item the
 * format reads is a record or a counted skip (`linesRead` = records + skipped). Malformed JSON ends the input
 * with NOT_A_HAR and a document cut short with TRUNCATED_HAR, in both cases after yielding what was read.
 */
export async function* parseDocument(
  chunks: AsyncIterable<Buffer>,
  input: number,
  stats: InputStats,
  format: DocumentFormat,
  opts: DocumentOptions = {},
): AsyncGenerator<HttpRecord[]> {
  const lineLimit = opts.lineLimit ?? LINE_LIMIT;
  const reader = opts.reader ?? 'auto';
  const baseBytes = stats.bytes;
  const reorder = new Reorder();
  const sink: RecordSink = {
    record(r) {
      stats.linesRead++;
      stats.records++;
      reorder.push(r);
    },
    skip(reason, text) {
      const line = ++stats.linesRead;
      stats.skipped++;
      if (stats.skippedExamples.length < MAX_EXAMPLES) stats.skippedExamples.push(skippedLine(input, line, reason, text));
    },
    next: () => stats.linesRead + 1,
  };
  const handler = format.handler(input, sink);

  // Line mode while every line is a whole JSON value of at most lineLimit bytes; from the first line that is not,
  // the rest of the input goes to the splitter (or, with reader: 'tokens', the tokenizer).
  let lineMode = reader === 'auto';
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  /** Where the line being gathered starts, in bytes from the start of the input. */
  let lineStart = 0;
  const walkPath: PathKey[] = [];
  let top = 0;
  let splitter: JsonSplitter | null = null;
  let tokens: TokenReader | null = null;
  let seen = 0;
  let failure: AuditError | null = null;
  let ending = false;

  /** The bytes from `at` (in the input) on, to the reader of what is not read a line at a time. */
  const rest = (bytes: Buffer, at: number): void => {
    if (reader === 'tokens') {
      tokens ??= new TokenReader(handler); // from the first byte: no line was read before
      tokens.write(bytes);
      return;
    }
    splitter ??= new JsonSplitter(splitEvents(handler, () => splitter!.valueOffset), lineLimit, top, at);
    splitter.write(bytes);
  };

  /** One complete line in line mode: decoded whole, or (if it is not a whole JSON value) the switch. */
  const line = (bytes: Buffer, next: Buffer): void => {
    let s = bytes.toString('utf8');
    if (top === 0 && s.charCodeAt(0) === 0xfeff) s = s.slice(1);
    if (s.trim() === '') return;
    let v: unknown;
    try {
      v = JSON.parse(s);
    } catch {
      if (top === 0) {
        // The first value spans lines (pretty-printed): the rest of the input, from this line on, goes to the splitter.
        lineMode = false;
        rest(bytes, lineStart);
        rest(next, lineStart + bytes.length);
        return;
      }
      sink.skip('malformed JSON (a line that is not a whole JSON value)', s.slice(0, 200));
      return;
    }
    walkPath.length = 1;
    walkPath[0] = top++;
    walkValue(v, walkPath, handler);
  };

  try {
    for await (const chunk of chunks) {
      const chunkStart = seen;
      seen += chunk.length;
      if (stats.bytes < baseBytes + seen) stats.bytes = baseBytes + seen;
      if (!lineMode) {
        rest(chunk, chunkStart);
      } else {
        let from = 0;
        for (;;) {
          const nl = chunk.indexOf(10, from);
          if (nl < 0) {
            pending.push(from === 0 ? chunk : chunk.subarray(from));
            pendingBytes += chunk.length - from;
            if (pendingBytes > lineLimit) {
              // A line too long to decode whole: the rest of the input goes to the splitter.
              lineMode = false;
              const text = Buffer.concat(pending);
              pending = [];
              pendingBytes = 0;
              rest(text, lineStart);
            }
            break;
          }
          const piece = chunk.subarray(from, nl);
          const whole = pending.length ? Buffer.concat([...pending, piece]) : piece;
          pending = [];
          pendingBytes = 0;
          from = nl + 1;
          line(whole, chunk.subarray(nl));
          if (!lineMode) break;
          lineStart = chunkStart + from;
        }
      }
      if (reorder.ready.length >= BATCH) {
        const full = reorder.ready;
        reorder.ready = [];
        yield full;
      }
    }
    if (lineMode && pendingBytes > 0) line(Buffer.concat(pending), Buffer.alloc(0));
    if (tokens) {
      ending = true;
      if (!(tokens as TokenReader).end()) failure = truncated(stats, format, seen);
    } else if (splitter && !(splitter as JsonSplitter).end()) {
      failure = truncated(stats, format, seen);
    }
  } catch (e) {
    if (e instanceof AuditError) throw e;
    if (e instanceof JsonSplitError) {
      failure = new AuditError('NOT_A_HAR', `${stats.name}: malformed ${format.name} JSON near byte ${e.offset} after ${stats.linesRead} items (${e.message})`);
    } else {
      if (!(e instanceof Error) || !/Parser|JSON|Unexpected/i.test(e.message)) throw e;
      // The tokenizer complains at the end of a document that stops inside a value: that is a truncation.
      if (ending) failure = truncated(stats, format, seen);
      else failure = new AuditError('NOT_A_HAR', `${stats.name}: malformed ${format.name} JSON near byte ${seen} after ${stats.linesRead} items (${e.message})`);
    }
  }
  handler.end?.();
  reorder.flush();
  const out = reorder.ready;
  for (let i = 0; i < out.length; i += BATCH) yield out.slice(i, i + BATCH);
  if (failure) throw failure;
}

function truncated(stats: InputStats, format: DocumentFormat, seen: number): AuditError {
  return new AuditError(
    'TRUNCATED_HAR',
    `${stats.name}: truncated ${format.name} document: read ${stats.linesRead} items, the input ends inside a JSON value at byte ${seen} (was it cut short?)`,
  );
}

/** The splitter's values, `JSON.parse`d for the format; a value too long to hold goes through the tokenizer. */
function splitEvents(handler: DocumentHandler, offset: () => number): SplitterEvents {
  let streamed: StreamedValue | null = null;
  return {
    select: (p) => handler.select(p),
    closed: (p) => handler.closed?.(p),
    value(tag, bytes, start, end, path) {
      let v: unknown;
      try {
        v = JSON.parse(bytes.toString('utf8', start, end));
      } catch (e) {
        throw new JsonSplitError(`a value that is not JSON: ${(e as Error).message}`, offset());
      }
      handler.value(tag, v, path);
    },
    piece(tag, bytes, path, last) {
      // stream-json's tokenizer, fed this one value: it is assembled without its bytes or text held whole.
      streamed ??= new StreamedValue();
      streamed.write(bytes);
      if (!last) return;
      const v = streamed.end();
      streamed = null;
      handler.value(tag, v, path);
    },
  };
}

type Tokenizer = (s: string | typeof none) => unknown;

function newTokenizer(): Tokenizer {
  return jsonParser({ jsonStreaming: true, packValues: true, streamValues: false }) as unknown as Tokenizer;
}

/** stream-json's tokenizer over bytes, in 8 KB slices of text, its tokens to `each`. */
class Tokens {
  private readonly tokenizer = newTokenizer();
  private readonly decoder = new TextDecoder('utf-8', { ignoreBOM: false });
  constructor(private readonly each: (t: Token) => void) {}

  write(bytes: Buffer): void {
    this.text(this.decoder.decode(bytes, { stream: true }));
  }

  /** Flushes the tokenizer (it throws when the input stops inside a value). */
  end(): void {
    this.text(this.decoder.decode());
    this.feed(none);
  }

  private text(text: string): void {
    // In slices of 8 KB: the tokenizer appends to and re-slices its buffer, and returns one array of tokens per
    // call; small slices keep both small (raw tokenizing 45 MB/s instead of 22 with 256 KB, and less memory).
    for (let i = 0; i < text.length; i += TOKEN_SLICE) this.feed(text.length <= TOKEN_SLICE ? text : text.slice(i, i + TOKEN_SLICE));
  }

  private feed(text: string | typeof none): void {
    const r = this.tokenizer(text) as { values?: Token[] } | typeof none;
    if (r !== none && r && (r as { values?: Token[] }).values) {
      const vs = (r as { values: Token[] }).values;
      for (let i = 0; i < vs.length; i++) this.each(vs[i]!);
    }
  }
}

/** The whole input through the tokenizer (`reader: 'tokens'`). */
class TokenReader {
  private readonly walker: TokenWalker;
  private readonly tokens: Tokens;
  constructor(handler: DocumentHandler) {
    const walker = new TokenWalker(handler);
    this.walker = walker;
    this.tokens = new Tokens((t) => walker.token(t));
  }
  write(bytes: Buffer): void {
    this.tokens.write(bytes);
  }
  /** True when the input ended between values. */
  end(): boolean {
    this.tokens.end();
    return this.walker.idle;
  }
}

/** One value given in pieces by the splitter (longer than the line limit), assembled from its tokens. */
class StreamedValue {
  private readonly asm = new Assembler();
  private readonly tokens = new Tokens((t) => this.asm.consume(t as never));
  write(bytes: Buffer): void {
    this.tokens.write(bytes);
  }
  end(): unknown {
    this.tokens.end();
    return this.asm.current;
  }
}

const TOKEN_SLICE = 8192;
