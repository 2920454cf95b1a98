/**
 * NATS JetStream: `publish` routes log lines to one subject per shard (SUBJECT.K, K = the shard of the line's
 * client, src/shard.ts), and `analyze --nats` reads one shard's subject (or all: SUBJECT.>) with a durable pull
 * consumer, for a bounded range (a scheduled report) or live (`--follow`).
 *
 * Each message is one line, with headers `Ra-Input` (the file it came from) and `Ra-Line` (its line there), so
 * the report names the same inputs and lines as a run over the files.
 *
 * Acknowledgement (bounded range): the consumer's ack policy is "all", and the last message of the range is
 * acknowledged (and the acknowledgement confirmed) only after the report of the range is written. A run that
 * dies before that acknowledges nothing. The next run finds the durable with messages delivered but not
 * acknowledged, and makes it again from its acknowledgement floor (delete and create, starting at the floor + 1):
 * it reads the same range again, in order, at once (not after the ack wait), and writes the same report. So
 * nothing is lost (only what a written report accounts for is acknowledged) and nothing is counted twice (a range
 * is counted by one report, written whole or not at all). Messages past `--to` are fetched but never
 * acknowledged: the next range starts with them. Redeliveries within a run are dropped by stream sequence.
 *
 * Live (`--follow`): NDJSON findings as they are decided (cli/live.ts); a message is acknowledged when the
 * window and twice the reorder allowance have passed since it arrived, when every pair it can be part of has
 * been decided and written. After a crash the lines since the floor are read again: findings of that last
 * stretch may be written twice (at least once, never lost).
 */
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { createInterface } from 'node:readline';
import { PassThrough, type Readable } from 'node:stream';
import { connect, headers, type NatsConnection } from '@nats-io/transport-node';
import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager, type JetStreamManager, type JsMsg } from '@nats-io/jetstream';
import { AuditError } from '../core/errors.js';
import { skippedLine } from '../core/skip.js';
import type { HttpRecord, InputStats } from '../core/model.js';
import { Analyzer } from '../src/analysis.js';
import { mergeInputs } from '../src/merge.js';
import { withSkipCodes } from '../src/input-report.js';
import { parseWhen, recordFilter, redirectFilter, type Narrowing } from '../src/narrow.js';
import { clientAddress } from '../src/pairing.js';
import type { AuditReport } from '../src/report.js';
import { shardOfAddress, type Shard } from '../src/shard.js';
import { detectLineFormat, findLineFormat } from '../parsers/index.js';
import { compileLogFormat } from '../parsers/log-format.js';
import type { LineFormat } from '../parsers/line-format.js';
import type { Renderer } from '../reports/registry.js';
import { writeReport, type OutputTarget } from './output.js';
import { exitOf } from './exit-codes.js';
import { failing, type parseFailOn } from '../src/fail-on.js';
import type { AnalyzeFlags } from './cli.js';
import type { PublishFlags } from './scale.js';
import type { CliIO, Output } from './io.js';

const H_INPUT = 'Ra-Input';
const H_LINE = 'Ra-Line';
/** One id per `publish` run: line numbers are unique within a run (stdin starts again at 1 in the next). */
const H_RUN = 'Ra-Run';

async function connectTo(url: string): Promise<NatsConnection> {
  try {
    return await connect({ servers: url.split(',').map((s) => s.trim()), maxReconnectAttempts: -1, reconnectTimeWait: 250 });
  } catch (e) {
    throw new AuditError('UNREADABLE_INPUT', `--nats ${url}: ${(e as Error).message}`);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// publish

async function* fileLines(path: string): AsyncGenerator<string> {
  const raw: Readable = path === '-' ? process.stdin : createReadStream(path);
  let stream: Readable = raw;
  if (path.endsWith('.gz')) stream = raw.pipe(createGunzip());
  yield* createInterface({ input: stream, crlfDelay: Infinity });
}

export interface Published {
  /** Lines sent, each acknowledged by the stream. */
  lines: number;
  /** Of them, lines the stream already held (the same file published before, within its duplicate window). */
  duplicates: number;
}

/** Publishes every line of the files; resolves once the stream has acknowledged each. */
export async function publishFiles(files: string[], flags: PublishFlags): Promise<Published> {
  const nc = await connectTo(flags.nats);
  try {
    // A cluster just started elects its JetStream leader first: ask again until it answers.
    if (flags.stream) await retry(async () => ensureStream(await jetstreamManager(nc, { timeout: 1000 }), flags.stream!, flags.subject, flags.replicas));
    else await retry(async () => streamOf(await jetstreamManager(nc, { timeout: 1000 }), flags.subject));
    const js = jetstream(nc);
    const forced: LineFormat | undefined = flags.logFormat
      ? compileLogFormat('custom', flags.logFormat)
      : flags.inputFormat
        ? findLineFormat(flags.inputFormat)
        : undefined;
    let published = 0;
    let duplicates = 0;
    const inFlight: Promise<unknown>[] = [];
    const run = randomUUID();
    const send = async (subject: string, line: string, input: string, n: number) => {
      const h = headers();
      h.set(H_INPUT, input);
      h.set(H_LINE, String(n));
      h.set(H_RUN, run);
      // Until it is acknowledged, a line is sent again: the stream may have no leader yet (just created, a node
      // back), or lose it (a leader election takes seconds, more on a busy machine: PUBLISH_MS), or the node this
      // client is on may not serve JetStream yet. The message id lets JetStream drop a duplicate (a line stored
      // whose acknowledgement was lost). A line sent again is stored after later ones: the consumer puts a
      // range back in file order (inFileOrder).
      let sent = 0;
      const once = async () => {
        const ack = await js.publish(subject, line, { headers: h, msgID: messageId(run, subject, input, n, line) });
        // A duplicate at the first try was stored by an earlier publish; after a retry, by this one.
        if (ack.duplicate && sent === 0) duplicates++;
        return ack;
      };
      inFlight.push(retry(() => once().finally(() => sent++), PUBLISH_MS));
      published++;
      if (inFlight.length >= 2000) await Promise.all(inFlight.splice(0));
    };
    for (const file of files) {
      let format = forced;
      const head: string[] = [];
      let n = 0;
      const route = async (line: string, lineNo: number) => {
        // Header lines (W3C #Fields) go to every shard: each shard's parser needs them.
        if (line.startsWith('#')) {
          for (let k = 0; k < flags.shards; k++) await send(`${flags.subject}.${k}`, line, file, lineNo);
          return;
        }
        const r = format!.parse(line, 0, lineNo);
        const k = typeof r === 'string' ? 0 : shardOfAddress(clientAddress(r, flags.clientKey), flags.shards);
        await send(`${flags.subject}.${k}`, line, file, lineNo);
      };
      for await (const line of fileLines(file)) {
        n++;
        if (!format) {
          head.push(line);
          if (head.length < 100) continue;
          format = detect(file, head);
          for (let i = 0; i < head.length; i++) await route(head[i]!, i + 1);
          continue;
        }
        await route(line, n);
      }
      if (!format && head.length) {
        format = detect(file, head);
        for (let i = 0; i < head.length; i++) await route(head[i]!, i + 1);
      }
    }
    await Promise.all(inFlight);
    return { lines: published, duplicates };
  } finally {
    await nc.drain();
  }
}

/**
 * The id JetStream deduplicates by (within the stream's duplicate window, 2 minutes by default). A line of a file
 * is the same message when the same file is published again (a publish job run again after it died: nothing is
 * stored twice), but only with the same text: another file under the same name (the next night's access.log.1)
 * is never taken for a duplicate. Stdin is read once: its line numbers say nothing across runs, so the run is in
 * its ids.
 */
function messageId(run: string, subject: string, input: string, n: number, line: string): string {
  const text = createHash('sha256').update(line).digest('base64url').slice(0, 22);
  return input === '-' ? `${run} ${subject} ${n}` : `${subject} ${n} ${text} ${input}`;
}

function detect(file: string, head: string[]): LineFormat {
  if (head[0]?.trimStart().startsWith('{') && head.join('').includes('"log"')) {
    throw new AuditError('NOT_A_HAR', `${file}: publish takes line logs, not HAR files`);
  }
  const d = detectLineFormat(head);
  if (!d) throw new AuditError('UNKNOWN_FORMAT', `${file}: unrecognised log format; give it with --log-format or --input-format`);
  return d.format;
}

/** Without --stream, the stream that stores SUBJECT.0 must exist: said at once, not after a minute of retries. */
async function streamOf(jsm: JetStreamManager, subject: string): Promise<string> {
  try {
    return await jsm.streams.find(`${subject}.0`);
  } catch (e) {
    if (/no stream matches/i.test((e as Error).message)) {
      throw new AuditError('USAGE', `publish: no stream stores ${subject}.0: give --stream NAME to create one (subjects ${subject}.>)`);
    }
    throw e;
  }
}

async function ensureStream(jsm: JetStreamManager, name: string, subject: string, replicas: number): Promise<void> {
  try {
    await jsm.streams.info(name);
  } catch {
    await jsm.streams.add({ name, subjects: [`${subject}.>`], num_replicas: replicas });
  }
}

export async function publishCommand(files: string[], flags: PublishFlags, io: CliIO): Promise<number> {
  const { lines, duplicates } = await publishFiles(files, flags);
  const again = duplicates ? ` (${duplicates} of them the stream already held: published before, not stored twice)` : '';
  io.stderr.write(`redirect-audit: published ${lines} lines to ${flags.subject}.0-${flags.shards - 1}${again}\n`);
  return 0;
}

// ---------------------------------------------------------------------------------------------------------------
// analyze --nats

interface NatsContext {
  format: LineFormat | undefined;
  narrowing: Narrowing;
  render: Renderer;
  target: OutputTarget | null;
  conditions: ReturnType<typeof parseFailOn>;
  /** Where the report and the closing line go. */
  io: CliIO;
}

export interface NatsRange {
  url: string;
  stream: string;
  subject: string;
  shard?: Shard | undefined;
  durable?: string | undefined;
  /** Stream time (ms) of the first message, for a durable made now; later runs start where the last one acknowledged. */
  from?: number | undefined;
  /** Stream time (ms): messages at or after are left for the next range. */
  to: number;
  /** Test hook: exit the process after this many messages, before any report (a consumer dying mid-range). */
  dieAfter?: number | undefined;
}

/** How long a line is sent again before publish fails (exit 2): longer than a leader election on a busy machine. */
const PUBLISH_MS = 60_000;

/** `f` until it succeeds, every 250 ms, for at most `ms` after its first failure; an AuditError is final. */
async function retry<T>(f: () => Promise<T>, ms = 10_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    try {
      return await f();
    } catch (e) {
      if (e instanceof AuditError || Date.now() >= until) throw e;
      await new Promise((res) => setTimeout(res, 250));
    }
  }
}

function filterOf(subject: string, shard: Shard | undefined): string {
  return shard && shard.count > 1 ? `${subject}.${shard.index}` : `${subject}.>`;
}

function durableOf(r: { durable?: string | undefined; shard?: Shard | undefined }): string {
  return r.durable ?? (r.shard && r.shard.count > 1 ? `redirect-audit-${r.shard.index}-of-${r.shard.count}` : 'redirect-audit');
}

/** The durable, ready to deliver from its acknowledgement floor in order (made again when a run died). */
async function readyDurable(jsm: JetStreamManager, stream: string, name: string, filter: string, from: number | undefined): Promise<void> {
  const config = {
    durable_name: name,
    ack_policy: AckPolicy.All,
    ack_wait: 10 * 60 * 1e9,
    max_ack_pending: -1,
    filter_subject: filter,
  };
  const info = await retry(async () => {
    try {
      return await jsm.consumers.info(stream, name);
    } catch (e) {
      if (/not found/i.test((e as Error).message)) return null;
      throw e;
    }
  });
  if (info && info.num_ack_pending === 0 && info.config.filter_subject === filter) return;
  // A run died (or the last range stopped) with messages delivered and not acknowledged: start again at the floor.
  // The start is decided once, before anything is deleted, so a retry after a lost node cannot move it.
  const floor = info ? info.ack_floor.stream_seq : 0;
  const start =
    floor > 0
      ? { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: floor + 1 }
      : from !== undefined
        ? { deliver_policy: DeliverPolicy.StartTime, opt_start_time: new Date(from).toISOString() }
        : { deliver_policy: DeliverPolicy.All };
  if (info) await retry(() => jsm.consumers.delete(stream, name).catch((e: Error) => {
    if (!/not found/i.test(e.message)) throw e;
    return true;
  }));
  await retry(() => jsm.consumers.add(stream, { ...config, ...start }));
}

/** One line of a range: its text, its line number in its file (`Ra-Line`), and which publish run sent it. */
interface RangeLine {
  n: number;
  /** The publish run (`Ra-Run`), numbered in the order the range first met each. */
  run: number;
  text: string;
}

interface Collected {
  inputs: Map<string, { lines: RangeLine[] }>;
  runs: Map<string, number>;
  last: JsMsg | null;
  count: number;
  firstSeq: number;
  lastSeq: number;
}

const emptyCollected = (): Collected => ({ inputs: new Map(), runs: new Map(), last: null, count: 0, firstSeq: 0, lastSeq: 0 });

/** What the consumer's leader says once a fetch is over (its consumer info). */
export interface ConsumerView {
  /** Messages of the filter stored and not yet delivered (`num_pending`), as the consumer's own replica knows. */
  pending: number;
  /** Delivered and not acknowledged (`num_ack_pending`). */
  ackPending: number;
  /** How far the consumer has looked through its replica of the stream (`delivered.stream_seq`). */
  scanned: number;
}

/**
 * After a fetch, whether the range is read. `end` is the stream's last sequence as its leader said when the range
 * began (everything stored before it is in the range, up to `--to`): the consumer's own `num_pending` is not
 * enough, since a consumer's leader may be a replica of the stream that is behind (a node just restarted and
 * still catching up answers 0 pending with thousands of messages yet to come). So the range is read once nothing
 * is pending and the consumer has looked through the stream up to `end`, or delivered it; `reread` when it
 * delivered messages that never arrived (a fetch that expired while they were on their way); `behind` when it
 * says nothing is pending but has not reached `end` yet (fetch again).
 */
export function rangeStep(view: ConsumerView, got: { count: number; lastSeq: number }, end: number): 'more' | 'done' | 'reread' | 'behind' {
  if (view.pending > 0) return 'more';
  if (view.ackPending > got.count) return 'reread';
  return got.lastSeq >= end || view.scanned >= end ? 'done' : 'behind';
}

/** How long a consumer may stay behind the stream's leader without progress before the run fails (exit 2). */
const BEHIND_MS = 60_000;

/** Reads the range's messages from the durable, in stream order, without acknowledging them. */
async function collect(nc: NatsConnection, r: NatsRange): Promise<Collected> {
  // Just after a node was lost the JetStream API may time out while a leader is elected: ask again.
  const jsm = await retry(() => jetstreamManager(nc, { timeout: 2000 }));
  const name = durableOf(r);
  await readyDurable(jsm, r.stream, name, filterOf(r.subject, r.shard), r.from);
  // The range ends here: what the stream's leader holds now (and, within it, what was stored before --to).
  const end = (await retry(() => jsm.streams.info(r.stream))).state.last_seq;
  let consumer = await jetstream(nc).consumers.get(r.stream, name);
  let out = emptyCollected();
  let restarts = 0;
  const toNs = BigInt(r.to) * 1_000_000n;
  let done = false;
  let failures = 0;
  let behindSince = 0;
  let scanned = -1;
  while (!done) {
    try {
      const batch = await consumer.fetch({ max_messages: 5000, expires: 1000 });
      for await (const m of batch) {
        if (done || m.seq <= out.lastSeq) continue; // past the range, or a redelivery
        if (m.seq > end || m.info.timestampNanos >= toNs) {
          done = true;
          continue;
        }
        const input = m.headers?.get(H_INPUT) || m.subject;
        const n = Number(m.headers?.get(H_LINE) ?? 0) || 0;
        const runId = m.headers?.get(H_RUN) ?? '';
        let run = out.runs.get(runId);
        if (run === undefined) out.runs.set(runId, (run = out.runs.size));
        let acc = out.inputs.get(input);
        if (!acc) out.inputs.set(input, (acc = { lines: [] }));
        acc.lines.push({ n, run, text: m.string() });
        out.last = m;
        out.count++;
        out.firstSeq ||= m.seq;
        out.lastSeq = m.seq;
        if (r.dieAfter !== undefined && out.count >= r.dieAfter) process.exit(137);
      }
      if (!done) {
        const info = await consumer.info();
        const view = { pending: info.num_pending, ackPending: info.num_ack_pending, scanned: info.delivered.stream_seq };
        const step = rangeStep(view, out, end);
        if (step === 'done') done = true;
        else if (step === 'reread') {
          // Nothing of the range is acknowledged yet: read it again from the acknowledgement floor, never short.
          if (++restarts > 5) throw new AuditError('UNREADABLE_INPUT', `--nats: ${info.num_ack_pending - out.count} messages delivered but never received`);
          await readyDurable(jsm, r.stream, name, filterOf(r.subject, r.shard), r.from);
          consumer = await jetstream(nc).consumers.get(r.stream, name);
          out = emptyCollected();
        } else if (step === 'behind') {
          // The consumer's replica has not caught up with the stream's leader yet: wait for it, while it moves.
          if (view.scanned !== scanned) [scanned, behindSince] = [view.scanned, Date.now()];
          else if (Date.now() - behindSince > BEHIND_MS) {
            throw new AuditError(
              'UNREADABLE_INPUT',
              `--nats: the consumer ${name} stays behind the stream ${r.stream} (read up to sequence ${view.scanned}, the stream holds ${end}); nothing was acknowledged, run it again`,
            );
          }
        }
      }
      failures = 0;
    } catch (e) {
      if (e instanceof AuditError) throw e;
      // A node lost, a leader being elected: the client reconnects to another node; try again.
      if (++failures > 40) throw new AuditError('UNREADABLE_INPUT', `--nats: ${(e as Error).message}`);
      await new Promise((res) => setTimeout(res, 250));
    }
  }
  return out;
}

/**
 * A file's lines in the order of the file. The stream holds them in the order they were stored, which is not
 * always the file's: a publish that failed (no JetStream leader yet, a leader lost) is sent again after later
 * lines were stored. The pairing reads a file in its order, so the range is put back in it: by publish run (in
 * the order the stream first holds each), then by line number. Lines without `Ra-Line` keep the stream's order.
 */
export function inFileOrder<T extends { run: number; n: number }>(lines: T[]): T[] {
  const before = (a: T, b: T) => a.run - b.run || a.n - b.n;
  for (let i = 1; i < lines.length; i++) if (before(lines[i - 1]!, lines[i]!) > 0) return lines.sort(before); // stable
  return lines;
}

/** The range's lines as inputs of the usual pipeline, each line with its file's name and line number. */
function sourcesOf(c: Collected, forced: LineFormat | undefined): { stats: InputStats; batches: AsyncGenerator<HttpRecord[]> }[] {
  return [...c.inputs].map(([name, { lines: stored }], input) => {
    const lines = inFileOrder(stored);
    const stats: InputStats = { name, format: '', linesRead: 0, records: 0, skipped: 0, bytes: 0, skippedExamples: [] };
    const format = forced ?? detectLineFormat(lines.slice(0, 100).map((l) => l.text))?.format;
    stats.format = format?.name ?? 'unknown';
    async function* batches(): AsyncGenerator<HttpRecord[]> {
      let batch: HttpRecord[] = [];
      for (const { n, text } of lines) {
        stats.bytes += Buffer.byteLength(text) + 1;
        if (text.trim() === '') continue;
        stats.linesRead++;
        const r = format ? format.parse(text, input, n) : 'unrecognised format';
        if (typeof r === 'string') {
          if (!text.startsWith('#')) {
            stats.skipped++;
            if (stats.skippedExamples.length < 5) stats.skippedExamples.push(skippedLine(input, n, r, text));
          } else stats.linesRead--;
          continue;
        }
        stats.records++;
        batch.push(r);
        if (batch.length >= 1000) {
          yield batch;
          batch = [];
        }
      }
      if (batch.length) yield batch;
    }
    return { stats, batches: batches() };
  });
}

/** One bounded range: read, report (handed to `write`), then acknowledge. The library form of `analyze --nats`. */
export async function analyzeNatsRange(
  r: NatsRange,
  opts: { format?: LineFormat | undefined; flags?: Partial<AnalyzeFlags>; narrowing?: Narrowing },
  write: (report: AuditReport) => void | Promise<void>,
): Promise<{ report: AuditReport; messages: number; firstSeq: number; lastSeq: number }> {
  const nc = await connectTo(r.url);
  try {
    const c = await collect(nc, r);
    const sources = sourcesOf(c, opts.format);
    const f = opts.flags ?? {};
    const analyzer = new Analyzer({
      ...(f.window !== undefined ? { windowMs: f.window } : {}),
      ...(f.reorder !== undefined ? { reorderMs: f.reorder } : {}),
      ...(f.maxHeld !== undefined ? { maxHeld: f.maxHeld } : {}),
      ...(f.clientKey !== undefined ? { clientKey: f.clientKey } : {}),
      recordFilter: opts.narrowing ? recordFilter(opts.narrowing) : undefined,
      redirectFilter: opts.narrowing ? redirectFilter(opts.narrowing) : undefined,
      monitoring: { maxHops: f.maxHops ?? 5, bucketSeconds: f.bucket ? f.bucket / 1000 : 0 },
      partial: true,
    });
    analyzer.setInputNames(sources.map((s) => s.stats.name));
    const errors: { code: string; message: string }[] = [];
    await mergeInputs(
      sources.map((s) => s.batches),
      (rec) => analyzer.push(rec),
      (_i, e) => {
        if (e) errors.push({ code: e instanceof AuditError ? e.code : 'INTERNAL', message: (e as Error).message });
      },
    );
    const stats = sources.map((s) => s.stats);
    const report = withSkipCodes(analyzer.finish(stats, errors), stats);
    if (r.shard && report.partial) report.partial.shard = { index: r.shard.index, count: r.shard.count, by: 'fnv1a32(address) mod count' };
    await write(report);
    // Only now: everything the report accounts for, and nothing else.
    if (c.last) await retry(() => c.last!.ackAck());
    return { report, messages: c.count, firstSeq: c.firstSeq, lastSeq: c.lastSeq };
  } finally {
    await nc.close();
  }
}

export async function natsAnalyze(flags: AnalyzeFlags, ctx: NatsContext): Promise<number> {
  if (!flags.stream || !flags.subject) throw new AuditError('USAGE', '--nats needs --stream NAME and --subject SUBJECT');
  const now = Date.now();
  if (flags.follow) return natsFollow(flags, ctx);
  const dieAfter = process.env['REDIRECT_AUDIT_TEST_DIE_AFTER'];
  const range: NatsRange = {
    url: flags.nats!,
    stream: flags.stream,
    subject: flags.subject,
    shard: flags.shard,
    durable: flags.durable,
    from: flags.from !== undefined ? parseWhen(flags.from, now, '--from') : undefined,
    to: flags.to !== undefined ? parseWhen(flags.to, now, '--to') : now,
    dieAfter: dieAfter ? Number(dieAfter) : undefined,
  };
  const { report, messages, firstSeq, lastSeq } = await analyzeNatsRange(range, { format: ctx.format, flags, narrowing: ctx.narrowing }, async (report) => {
    const body = ctx.render(report, { color: false });
    if (ctx.target) writeReport(ctx.target, body);
    else await writeOut(ctx.io.stdout, body);
  });
  ctx.io.stderr.write(`redirect-audit: ${messages} messages${messages ? ` (stream sequence ${firstSeq}-${lastSeq})` : ''} reported and acknowledged\n`);
  return exitOf(report.errors.length, failing(report, ctx.conditions).length);
}

function writeOut(out: Output, body: string | Uint8Array | Iterable<string>): Promise<void> {
  const parts = typeof body === 'string' || body instanceof Uint8Array ? [body] : [...body];
  return new Promise((resolve) => {
    let ok = true;
    for (const p of parts) ok = out.write(p);
    if (ok) resolve();
    else out.once('drain', () => resolve());
  });
}

/** `--follow`: the shard's lines into the live analysis (cli/live.ts), acknowledged once decided. */
async function natsFollow(flags: AnalyzeFlags, ctx: NatsContext): Promise<number> {
  const nc = await connectTo(flags.nats!);
  const jsm = await jetstreamManager(nc);
  const name = durableOf(flags);
  await readyDurable(jsm, flags.stream!, name, filterOf(flags.subject!, flags.shard), flags.from !== undefined ? parseWhen(flags.from, Date.now(), '--from') : undefined);
  const consumer = await jetstream(nc).consumers.get(flags.stream!, name);
  const lines = new PassThrough();
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const settle = flags.window + 2 * flags.reorder;
  const waiting: { m: JsMsg; at: number }[] = [];
  const acker = setInterval(() => {
    let last: JsMsg | null = null;
    while (waiting.length && waiting[0]!.at + settle <= Date.now()) last = waiting.shift()!.m;
    last?.ack();
  }, 1000);
  const messages = await consumer.consume({ max_messages: 1000 });
  controller.signal.addEventListener('abort', () => {
    void messages.close();
    lines.end();
  });
  void (async () => {
    let lastSeq = 0;
    for await (const m of messages) {
      if (m.seq <= lastSeq) continue;
      lastSeq = m.seq;
      lines.write(`${m.string()}\n`);
      waiting.push({ m, at: Date.now() });
    }
  })();
  try {
    const { follow } = await import('./live.js');
    const report = await follow('-', {
      format: ctx.format,
      inputFormat: flags.inputFormat,
      windowMs: flags.window,
      reorderMs: flags.reorder,
      maxHeld: flags.maxHeld,
      clientKey: flags.clientKey,
      filter: recordFilter(ctx.narrowing),
      redirectFilter: redirectFilter(ctx.narrowing),
      monitoring: { maxHops: flags.maxHops },
      maxClients: flags.maxClients ?? 100_000,
      maxLineBytes: flags.maxLineBytes,
      intervalMs: flags.interval,
      stdin: lines,
      signal: controller.signal,
      write: (line) => void ctx.io.stdout.write(line),
    });
    if (ctx.target) writeReport(ctx.target, ctx.render(report, { color: false }));
    return exitOf(report.errors.length, 0);
  } finally {
    clearInterval(acker);
    process.removeListener('SIGINT', stop);
    process.removeListener('SIGTERM', stop);
    await nc.drain().catch(() => undefined);
  }
}
