/**
 * A one-line progress display on a terminal's stderr: bytes read (of the total when every input's size is known,
 * with a percentage, a bar and an ETA), and lines per second. It is redrawn in place (`\r` + clear-line) every
 * ~200 ms and cleared by `stop()`. On anything that is not a TTY (a pipe, a file, CI logs) nothing is written
 * at all, so stderr stays clean for diagnostics. No dependencies.
 */

/** What the display reads on every tick: the inputs' raw bytes and sizes, and the lines read so far. */
export interface ProgressOptions {
  /** Raw bytes read and total size (null when unknown, e.g. stdin) of each input. */
  sources: () => { bytes: number; size: number | null }[];
  /** Lines (or records) read so far over all inputs. */
  records: () => number;
  /** Redraw interval; 200 ms by default. */
  intervalMs?: number;
  /** Clock in milliseconds (tests); `performance.now` by default. */
  now?: () => number;
}

/** The part of a stream the display needs (a `process.stderr`, or a fake one in tests). */
export type ProgressStream = Pick<NodeJS.WriteStream, 'write'> & { isTTY?: boolean; columns?: number };

const CLEAR_LINE = '\r\x1b[2K';
/** Sizes are binary: MiB, 1024 × 1024 bytes. */
const MIB = 1024 * 1024;

/** True when a progress line may be drawn on this stream: a terminal that understands `\r` and clear-line. */
export function shouldShowProgress(stream: { isTTY?: boolean }): boolean {
  return stream.isTTY === true && process.env['TERM'] !== 'dumb';
}

export class Progress {
  private readonly stream: ProgressStream;
  private readonly opts: ProgressOptions;
  private readonly now: () => number;
  private readonly enabled: boolean;
  private timer: NodeJS.Timeout | null = null;
  private started = 0;
  private drawn = false;

  constructor(stream: ProgressStream, opts: ProgressOptions) {
    this.stream = stream;
    this.opts = opts;
    this.now = opts.now ?? (() => performance.now());
    this.enabled = shouldShowProgress(stream);
  }

  /** Starts redrawing (only on a TTY). The first line appears after one interval, so quick runs show nothing. */
  start(): void {
    if (!this.enabled || this.timer) return;
    this.started = this.now();
    this.timer = setInterval(() => this.draw(), this.opts.intervalMs ?? 200);
    // The display never keeps the process alive.
    this.timer.unref();
  }

  /** Stops redrawing and clears the line, leaving the terminal as it was. Safe to call more than once. */
  stop(): void {
    if (this.timer) {
      clearInterval(this.timer);
      this.timer = null;
    }
    if (this.drawn) {
      this.stream.write(CLEAR_LINE);
      this.drawn = false;
    }
  }

  /** Draws the current line now (the timer calls this). */
  draw(): void {
    if (!this.enabled) return;
    this.stream.write(CLEAR_LINE + this.line());
    this.drawn = true;
  }

  /** The text of the line, without control characters: for the timer and for tests. */
  line(): string {
    const sources = this.opts.sources();
    let bytes = 0;
    let size: number | null = 0;
    for (const s of sources) {
      bytes += s.bytes;
      size = size === null || s.size === null ? null : size + s.size;
    }
    if (sources.length === 0) size = null;
    const elapsed = Math.max(this.now() - this.started, 1) / 1000;
    const lines = this.opts.records();
    const lineRate = `${formatCount(lines / elapsed)} lines/s`;
    const byteRate = bytes / elapsed;
    // Each part with its priority: on a narrow terminal the lowest go first (the bar, then the rates), so the
    // ETA stays as long as anything does.
    const parts: [text: string, keep: number][] = [];
    if (size !== null && size > 0) {
      const frac = Math.min(bytes / size, 1);
      parts.push([`${mib(bytes)} / ${mib(size)} MiB`, 3], [`${Math.floor(frac * 100)}%`, 4]);
      parts.push([`[${'#'.repeat(Math.round(frac * 20)).padEnd(20, '-')}]`, 0], [lineRate, 1]);
      if (byteRate > 0 && bytes < size) parts.push([`ETA ${duration((size - bytes) / byteRate)}`, 5]);
    } else {
      parts.push([`${mib(bytes)} MiB read`, 3], [`${mib(byteRate)} MiB/s`, 2], [lineRate, 1]);
    }
    // A line longer than the terminal would wrap, and `\r` would then redraw only its last part.
    const cols = this.stream.columns;
    const fits = (t: string) => !cols || t.length < cols;
    for (let drop = 0; drop <= 5; drop++) {
      const kept = parts.filter(([, keep]) => keep >= drop).map(([t]) => t);
      const text = `redirect-audit: ${kept.join('  ')}`;
      if (fits(text)) return text;
      const bare = kept.join('  ');
      if (drop >= 2 && fits(bare)) return bare;
    }
    const last = parts.filter(([, keep]) => keep >= 4).map(([t]) => t).join(' ');
    return cols ? last.slice(0, Math.max(cols - 1, 0)) : last;
  }
}

function mib(n: number): string {
  return (n / MIB).toFixed(1);
}

function formatCount(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** Seconds → `m:ss` or `h:mm:ss`. */
function duration(seconds: number): string {
  const s = Math.max(0, Math.ceil(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}
