/**
 * The streaming HAR parser: the byte scanner (`har-scanner.ts`) cuts each element of `log.entries` out of the
 * stream, `JSON.parse` decodes it, and `recordFromEntry` (`har-entry.ts`) makes the record. Records come out in
 * file order, in batches, so memory holds one chunk, one entry and one batch, whatever the size of the file.
 */
import type { HttpRecord, InputStats } from '../core/model.js';
import { AuditError } from '../core/errors.js';
import { recordFromEntry } from './har-entry.js';
import { DEFAULT_MAX_ENTRY_BYTES, DEFAULT_MAX_FIELD_BYTES, HarScanner, HarShapeError } from './har-scanner.js';
import { skippedLine } from '../core/skip.js';

export interface HarOptions {
  /** A string inside an entry longer than this is dropped from it (the entry is kept, and a note says so). */
  maxFieldBytes?: number | undefined;
  /** An entry longer than this (after dropping long strings) is skipped. */
  maxEntryBytes?: number | undefined;
}

/** True when the first bytes of an input look like a HAR document (`{"log": {`), BOM and whitespace allowed. */
export function looksLikeHar(head: string): boolean {
  return /^\uFEFF?\s*\{\s*"log"\s*:\s*\{/.test(head);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Records per yielded batch. */
const BATCH = 256;
/** Skipped entries kept as examples. */
const MAX_EXAMPLES = 10;

/**
 * Reads one HAR from its decompressed bytes. The capture is one client, `har:<creator.name>` (just `har` when
 * `creator` comes after the entries), unless an entry names its client address; entries of pages are labelled
 * with the first User-Agent seen on a page entry, so one browser stays one client. Throws `TRUNCATED_HAR` after
 * yielding every entry read when the document does not end, `NOT_A_HAR` when it is not one.
 */
export async function* parseHar(
  chunks: AsyncIterable<Buffer>,
  input: number,
  stats: InputStats,
  opts: HarOptions = {},
): AsyncGenerator<HttpRecord[]> {
  const maxFieldBytes = opts.maxFieldBytes ?? DEFAULT_MAX_FIELD_BYTES;
  // The caller may already count bytes on the way in (src/source.ts does): never count a chunk twice.
  const baseBytes = stats.bytes;
  let address = 'har';
  let browserUA: string | null = null;
  let batch: HttpRecord[] = [];

  const onSkip = (line: number, reason: string, text: string) => {
    stats.skipped++;
    if (stats.skippedExamples.length < MAX_EXAMPLES) stats.skippedExamples.push(skippedLine(input, line, reason, text));
  };

  const scanner = new HarScanner(
    {
    creator(bytes) {
      try {
        const creator: unknown = JSON.parse(bytes.toString('utf8'));
        const name = typeof creator === 'object' && creator !== null ? (creator as { name?: unknown }).name : undefined;
        if (typeof name === 'string' && name !== '') address = `har:${name}`;
      } catch {
        // a broken creator only costs the capture its name
      }
    },
    entry(bytes, size, dropped) {
      const line = ++stats.linesRead;
      if (dropped.length) {
        const notes = (stats.notes ??= { count: 0, examples: [] });
        for (const d of dropped) {
          notes.count++;
          if (notes.examples.length < MAX_EXAMPLES) {
            notes.examples.push({
              line,
              code: 'field-dropped',
              detail: `entry ${line}: a string of ${d} bytes dropped (the limit is ${maxFieldBytes}, --max-line-bytes); the entry is kept`,
            });
          }
        }
      }
      if (bytes === null) {
        onSkip(line, `entry is too large to decode (${size} bytes)`, '');
        return;
      }
      const text = bytes.toString('utf8');
      let entry: unknown;
      try {
        entry = JSON.parse(text);
      } catch (e) {
        onSkip(line, `entry is not valid JSON (${(e as Error).message})`, text.slice(0, 200));
        return;
      }
      const made = recordFromEntry(entry, input, line, address);
      if (made.kind === 'skip') {
        onSkip(line, made.reason, made.text || text.slice(0, 200));
        return;
      }
      // A browser capture is one client: entries of its pages carry the browser's User-Agent, which some
      // recorders decorate on only some requests (WebPagetest appends " PTST/…"), so they are labelled with
      // the first one seen on a page entry. Entries outside pages (proxies) keep their own.
      if (isObject(entry) && entry['pageref'] !== undefined && made.record.address === address) {
        browserUA ??= made.record.userAgent;
        made.record.userAgent = browserUA;
      }
      stats.records++;
      batch.push(made.record);
    },
    },
    opts.maxEntryBytes ?? DEFAULT_MAX_ENTRY_BYTES,
    maxFieldBytes,
  );

  let failure: AuditError | null = null;
  let seen = 0;
  try {
    for await (const chunk of chunks) {
      seen += chunk.length;
      if (stats.bytes < baseBytes + seen) stats.bytes = baseBytes + seen;
      scanner.write(chunk);
      while (batch.length >= BATCH) {
        const full = batch.length === BATCH ? batch : batch.slice(0, BATCH);
        batch = batch.length === BATCH ? [] : batch.slice(BATCH);
        yield full;
      }
    }
  } catch (e) {
    if (!(e instanceof HarShapeError)) throw e;
    const at = e.notJson ? `; read ${stats.linesRead} entries` : '';
    failure = new AuditError('NOT_A_HAR', `${stats.name}: ${e.message}${at}`);
  }
  if (!failure) {
    const end = scanner.end();
    if (end.kind === 'empty') {
      failure = new AuditError('NOT_A_HAR', `${stats.name}: empty input, not a HAR`);
    } else if (end.kind === 'no-entries') {
      failure = new AuditError('NOT_A_HAR', `${stats.name}: JSON but not a HAR: no "log.entries" array`);
    } else if (end.kind === 'truncated') {
      failure = new AuditError(
        'TRUNCATED_HAR',
        `${stats.name}: truncated HAR: read ${stats.linesRead} entries, stopped at byte ${seen} ` +
          `(the input ends ${end.where}; was the capture cut short?)`,
      );
    }
  }
  for (let i = 0; i < batch.length; i += BATCH) yield batch.slice(i, i + BATCH);
  if (failure) throw failure;
}
