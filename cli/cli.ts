/**
 * The command line. Exit codes: 0 clean, 1 a `--fail-on` condition holds, 2 usage or input error.
 * The report goes to stdout (or `-o FILE`), diagnostics to stderr.
 */
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { diffBaseline, loadBaselineIfPresent } from '../src/baseline.js';
import { AuditError } from '../core/errors.js';
import { DURATION_HINT, parseDurationMs } from '../core/duration.js';
import { parseStatuses, parseWhen, recordFilter, redirectFilter } from '../src/narrow.js';
import { describeCondition, failing, parseFailOn } from '../src/fail-on.js';
import { batched, checkOutput, stopOnSignals, writeReport, type OutputTarget } from './output.js';
import { EXIT, exitOf } from './exit-codes.js';
import { followEventWarner, logInputs } from './diagnostics.js';
import { DEFAULT_MAX_LINE_BYTES } from '../src/lines.js';
import { createLogger } from './log.js';
import { PROCESS_IO, type CliIO, type Output } from './io.js';
import { VERSION } from '../core/version.js';
import { REPORTER_NAMES, reporter, type Renderer, type Reporter } from '../reports/registry.js';
import type { LineFormat } from '../parsers/line-format.js';
import { explain, explainIndex } from '../src/explain.js';
import { Progress } from './progress.js';
import type { RecordSource } from '../src/source.js';
import type { Narrowing } from '../src/narrow.js';
import { markShard, scaleCommands, scaleOptions, shardOptions } from './scale.js';
import type { Shard } from '../src/shard.js';

/** "60", "60s", "500ms", "2m", "1h30m", "1d", "2w" → milliseconds (the grammar of `core/duration.ts`). */
export function parseDuration(v: string): number {
  const ms = parseDurationMs(v);
  if (ms === null) throw new InvalidArgumentError(`expected ${DURATION_HINT}`);
  return ms;
}

function collect(v: string, prev: string[]): string[] {
  return [...prev, v];
}

function positiveInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number above 0');
  return n;
}

function useColor(io: CliIO, flag: boolean | undefined): boolean {
  if (flag === false || io.env['NO_COLOR']) return false;
  if (io.env['FORCE_COLOR'] && io.env['FORCE_COLOR'] !== '0') return true;
  return Boolean(io.stdout.isTTY);
}

/** One run of the command line: where it writes, and the exit code its command sets. */
export interface CliRun {
  io: CliIO;
  code: number;
}

export interface AnalyzeFlags {
  logFormat?: string;
  inputFormat?: string;
  window: number;
  reorder: number;
  maxHeld: number;
  clientKey: 'address' | 'forwarded-for';
  report?: string;
  output?: string;
  strict?: boolean;
  failOn?: string;
  color?: boolean;
  logLevel: string;
  since?: string;
  until?: string;
  client?: string;
  route?: string;
  status?: number[];
  baseline?: string;
  maxHops: number;
  bucket?: number;
  field: string[];
  follow?: boolean;
  interval: number;
  maxClients?: number;
  threads?: number;
  maxLineBytes: number;
  shard?: Shard;
  shardRecords?: boolean;
  partial?: boolean;
  nats?: string;
  stream?: string;
  subject?: string;
  durable?: string;
  from?: string;
  to?: string;
}

async function analyzeCommand(files: string[], flags: AnalyzeFlags, io: CliIO): Promise<number> {
  if ((files.length === 0 || files.includes('-')) && io.stdinIsTerminal()) {
    // Nothing would ever come: say how to give a log instead of waiting silently.
    throw new AuditError('USAGE', 'no input: give log or HAR files, or pipe a log in (zcat access.log.gz | redirect-audit analyze -)');
  }
  const log = createLogger(flags.logLevel, io);
  const reportName = flags.report ?? (io.stdout.isTTY && !flags.output ? 'text' : 'json');
  const chosen = reporter(reportName);
  if (!chosen) {
    throw new AuditError('USAGE', `unknown report "${reportName}"; choose one of ${REPORTER_NAMES.join(', ')}`);
  }
  if (chosen.output !== 'text' && !flags.output && io.stdout.isTTY) {
    const give = chosen.output === 'files' ? `-o DIR (one .${reportName} file per table)` : '-o FILE';
    throw new AuditError('USAGE', `--report ${reportName} is binary: give ${give} or pipe it on`);
  }
  // Everything that can be wrong with the options is said before any input is read.
  const target = flags.output ? checkOutput(flags.output, files, chosen.output === 'files') : null;
  const conditions = flags.failOn ? parseFailOn(flags.failOn, { baseline: Boolean(flags.baseline) }) : [];
  // Loaded now, so only the renderer in use is ever loaded (apache-arrow only for arrow).
  const render = await chosen.load();
  const format = await formatOf(flags);
  const baseline = flags.baseline ? loadBaselineIfPresent(flags.baseline) : null;
  if (flags.baseline && !baseline) log.warn({ baseline: flags.baseline }, `--baseline ${flags.baseline}: no such file; the comparison is skipped (a first run?)`);
  const narrowing: Narrowing = {
    ...timeNarrowing(flags),
    client: flags.client,
    route: flags.route,
    statuses: flags.status,
  };
  if (flags.nats) {
    const { natsAnalyze } = await import('./nats.js');
    return natsAnalyze(flags, { format, narrowing, render, target, conditions, io });
  }
  if (flags.follow) return followCommand(files, flags, format, narrowing, render, target, io);
  const unguard = stopOnSignals();
  try {
    return await batchRun(files, flags, format, narrowing, render, chosen, target, conditions, baseline, io);
  } finally {
    unguard();
  }
}

async function batchRun(
  files: string[],
  flags: AnalyzeFlags,
  format: LineFormat | undefined,
  narrowing: Narrowing,
  render: Renderer,
  chosen: Reporter,
  target: OutputTarget | null,
  conditions: ReturnType<typeof parseFailOn>,
  baseline: ReturnType<typeof loadBaselineIfPresent>,
  io: CliIO,
): Promise<number> {
  const log = createLogger(flags.logLevel, io);
  let sources: RecordSource[] = [];
  const progress = new Progress(io.stderr, {
    sources: () => sources.map((s) => s.progress()),
    records: () => sources.reduce((n, s) => n + s.stats.linesRead, 0),
  });
  const { analyzeFiles } = await import('../src/run.js');
  const report = await analyzeFiles(files, {
    format,
    inputFormat: flags.inputFormat,
    strict: flags.strict,
    windowMs: flags.window,
    reorderMs: flags.reorder,
    maxHeld: flags.maxHeld,
    clientKey: flags.clientKey,
    filter: recordFilter(narrowing),
    redirectFilter: redirectFilter(narrowing),
    monitoring: { maxHops: flags.maxHops, bucketSeconds: flags.bucket ? flags.bucket / 1000 : 0 },
    collectPairs: chosen.needsPairs,
    maxClients: flags.maxClients ?? 1_000_000,
    maxLineBytes: flags.maxLineBytes,
    threads: flags.threads,
    stdinInWorker: true,
    ...shardOptions(flags, recordFilter(narrowing)),
    onSources: (opened) => {
      sources = opened;
      progress.start();
    },
  }).finally(() => progress.stop());
  markShard(report, flags);
  if (baseline && flags.baseline) report.baseline = diffBaseline(report, baseline, flags.baseline);
  logInputs(log, report, sources);
  if (chosen.output === 'files' && target) {
    // Several files (Arrow: three tables, an Arrow file holds one schema): -o names a directory.
    const tables = (await chosen.loadFiles())(report);
    for (const [name, bytes] of Object.entries(tables)) writeReport(target, bytes, name);
  } else {
    const body = render(report, { color: !target && useColor(io, flags.color), width: (!target && io.stdout.columns) || 100 });
    if (target) writeReport(target, body);
    else await writeBody(io.stdout, body);
  }
  for (const e of report.errors) io.stderr.write(`redirect-audit: error: ${e.message}\n`);
  const failed = failing(report, conditions);
  if (failed.length) log.warn({ failOn: failed.map((c) => c.text) }, `--fail-on: ${failed.map((c) => describeCondition(report, c)).join(', ')}`);
  return exitOf(report.errors.length, failed.length);
}

/** `--follow`: NDJSON lines on stdout as pairs are decided; the final report (if -o) when the input ends or on a signal. */
async function followCommand(
  files: string[],
  flags: AnalyzeFlags,
  format: LineFormat | undefined,
  narrowing: Narrowing,
  render: Renderer,
  target: OutputTarget | null,
  io: CliIO,
): Promise<number> {
  if (files.length > 1) throw new AuditError('USAGE', '--follow takes one input: a file (followed across rotation) or "-"');
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    const { follow } = await import('./live.js');
    const report = await follow(files[0] ?? '-', {
      format,
      inputFormat: flags.inputFormat,
      windowMs: flags.window,
      reorderMs: flags.reorder,
      maxHeld: flags.maxHeld,
      clientKey: flags.clientKey,
      filter: recordFilter(narrowing),
      redirectFilter: redirectFilter(narrowing),
      monitoring: { maxHops: flags.maxHops },
      maxClients: flags.maxClients ?? 100_000,
      maxLineBytes: flags.maxLineBytes,
      onFollowEvent: followEventWarner(createLogger(flags.logLevel, io)),
      intervalMs: flags.interval,
      signal: controller.signal,
      write: (line) => {
        io.stdout.write(line);
      },
    });
    if (target) {
      const body = (flags.report ? render : await reporter('json')!.load())(report, { color: false });
      writeReport(target, body);
    }
    for (const e of report.errors) io.stderr.write(`redirect-audit: error: ${e.message}\n`);
    return exitOf(report.errors.length, failing(report, flags.failOn ? parseFailOn(flags.failOn, { baseline: Boolean(flags.baseline) }) : []).length);
  } finally {
    process.removeListener('SIGINT', stop);
    process.removeListener('SIGTERM', stop);
  }
}

async function writeBody(out: Output, body: ReturnType<Renderer>): Promise<void> {
  if (typeof body === 'string' || body instanceof Uint8Array) return write(out, body);
  for (const s of batched(body)) await write(out, s);
}

function write(out: Output, body: string | Uint8Array): Promise<void> {
  return new Promise((resolve) => {
    if (out.write(body)) resolve();
    else out.once('drain', () => resolve());
  });
}

/** The options every command that reads inputs shares: how to read them, how to pair, which period. */
function inputOptions(cmd: Command): Command {
  return cmd
    .option('--log-format <format>', "an nginx log_format ('$remote_addr ... $status ...') or Apache LogFormat ('%h %l %u %t \"%r\" %>s %b') string")
    .option('--input-format <name>', 'force a format by name (see `redirect-audit formats`)')
    .option('--field <name=path>', 'JSON lines: where a field is (address, userAgent, method, target, request, status, location, bodySize, time, referer, host, forwardedFor, duration); repeatable', collect, [])
    .addOption(new Option('--window <duration>', 'how long a client has to follow a redirect').argParser(parseDuration).default(60_000, '60s'))
    .addOption(
      new Option('--max-held <n>', 'requests held for open redirects at most (the memory bound); past it the oldest are decided early, as undetermined when no follow-up was seen yet')
        .argParser(positiveInt)
        .default(400_000, '400,000'),
    )
    .addOption(
      new Option('--reorder <duration>', 'how much earlier than its redirect a follow-up may be logged (logs are in completion order)')
        .argParser(parseDuration)
        .default(2_000, '2s'),
    )
    .addOption(
      new Option('--client-key <key>', 'identify clients by remote address or the first X-Forwarded-For address (plus User-Agent)')
        .choices(['address', 'forwarded-for'])
        .default('address'),
    )
    .addOption(
      new Option('--threads <n>', 'threads to use: with 2 or more, inputs are read and parsed in worker threads beside the analysis (1: all in one; default: one per core, workers for stdin and files of 64 MiB or more but JSON documents, whose analysis is the work)').argParser(
        positiveInt,
      ),
    )
    .addOption(
      new Option('--max-line-bytes <n>', 'longest line read, in bytes (HAR: longest string in an entry); a longer line is one skipped line, a longer HAR string is dropped from its entry')
        .argParser(positiveInt)
        .default(DEFAULT_MAX_LINE_BYTES, '1048576 (1 MiB)'),
    )
    .option('--since <when>', 'only requests at or after: a date/time (2026-11-25T10:00Z) or a duration before now (2h, 7d)')
    .option('--until <when>', 'only requests before: a date/time or a duration before now');
}

/**
 * `--log-format` or `--field` as a format to force, if given. The parsers (and the analysis) are loaded by the
 * commands that read input, not at start-up: `explain` and `formats` start without them.
 */
export async function formatOf(flags: AnalyzeFlags): Promise<LineFormat | undefined> {
  if (flags.logFormat && flags.field.length) throw new AuditError('USAGE', '--field maps JSON lines; it does not go with --log-format');
  if (flags.logFormat) return (await import('../parsers/log-format.js')).compileLogFormat('custom', flags.logFormat);
  if (!flags.field.length) return undefined;
  const { jsonLinesFormat, parseFieldOptions } = await import('../parsers/json-lines.js');
  return jsonLinesFormat(parseFieldOptions(flags.field));
}

export function timeNarrowing(flags: AnalyzeFlags): Pick<Narrowing, 'since' | 'until'> {
  const now = Date.now();
  return {
    since: flags.since !== undefined ? parseWhen(flags.since, now, '--since') : undefined,
    until: flags.until !== undefined ? parseWhen(flags.until, now, '--until') : undefined,
  };
}

export function buildProgram(run: CliRun = { io: PROCESS_IO, code: 0 }): Command {
  const { io } = run;
  const program = new Command();
  program
    .name('redirect-audit')
    .description('Pairs every 3xx in HTTP access logs and HAR files with the client\'s follow-up, and reports clients that mishandle redirects (303, 307, 308).')
    .version(VERSION)
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
      // Help wraps to the terminal it is written to, else at 80 columns (commander's own choice).
      getOutHelpWidth: () => (io.stdout.isTTY && io.stdout.columns !== undefined ? io.stdout.columns : 80),
      getErrHelpWidth: () => (io.stderr.isTTY && io.stderr.columns !== undefined ? io.stderr.columns : 80),
      outputError: (s, w) => w(s.startsWith('error:') ? `redirect-audit: ${s}` : s),
    });

  const analyze = program
    .command('analyze')
    .description('analyze access logs or HAR files ("-" or nothing reads stdin); plain or gzip')
    .argument('[files...]', 'log or HAR files; "-" is stdin');
  inputOptions(analyze)
    .option('--report <name>', `report format: ${REPORTER_NAMES.join(', ')} (default: text on a terminal, else json)`)
    .option('-o, --output <file>', 'write the report to a file instead of stdout (for arrow: a directory, one .arrow file per table)')
    .option('--strict', 'stop at the first line that cannot be parsed (exit 2)')
    .option('--fail-on <expr>', 'exit 1 when a condition holds, e.g. violations, "307>0", "unfollowed>=10"')
    .option('--client <who>', 'only this client: an address (remote or X-Forwarded-For) or a User-Agent substring')
    .option('--route <glob>', "only redirects of matching routes: '/checkout/*', 'POST /api/**'")
    .addOption(new Option('--status <codes>', 'only redirects with these statuses, e.g. 303,307').argParser(parseStatuses))
    .option('--baseline <report.json>', 'a previous JSON report: add what changed since (new clients mishandling 303/307/308, fixed ones, routes that moved)')
    .addOption(new Option('--max-hops <n>', 'chains longer than this are long-chain').argParser(positiveInt).default(5))
    .addOption(new Option('--bucket <duration>', 'width of the time buckets (default: picked for at most 96)').argParser(parseDuration))
    .option('--follow', 'live: follow one input (a file across rotation, or "-"), print each finding as an NDJSON line as soon as it is decided')
    .addOption(new Option('--interval <duration>', 'with --follow: a summary line this often').argParser(parseDuration).default(60_000, '60s'))
    .addOption(
      new Option('--max-clients <n>', 'clients tracked at most; the least recently seen is dropped and counted (default: 1,000,000; 100,000 with --follow)').argParser(
        positiveInt,
      ),
    )
    .option('--no-color', 'no colours in the text report (NO_COLOR is honoured too)')
    .addOption(new Option('--log-level <level>', 'diagnostics on stderr').choices(['debug', 'info', 'warn', 'error', 'silent']).default('warn'));
  scaleOptions(analyze).action(async (files: string[], flags: AnalyzeFlags) => {
    run.code = await analyzeCommand(files, flags, io);
  });
  scaleCommands(program, run);

  const traceCmd = program
    .command('trace')
    .description("one client's requests as redirect chains, one hop a line, with each hop's classification and why")
    .argument('[files...]', 'log or HAR files; "-" is stdin')
    .requiredOption('--client <who>', 'the client: an address (remote or X-Forwarded-For) or a User-Agent substring');
  inputOptions(traceCmd).action(async (files: string[], flags: AnalyzeFlags) => {
      const byClient = recordFilter({ client: flags.client })!;
      const byTime = recordFilter(timeNarrowing(flags));
      const { trace } = await import('./trace.js');
      const { text, report } = await trace(files, byClient, {
        maxLineBytes: flags.maxLineBytes,
        format: await formatOf(flags),
        inputFormat: flags.inputFormat,
        windowMs: flags.window,
        reorderMs: flags.reorder,
        maxHeld: flags.maxHeld,
        clientKey: flags.clientKey,
        threads: flags.threads,
        stdinInWorker: true,
        filter: byTime,
      });
      await write(io.stdout, text);
      // The same errors and exit codes as analyze: a truncated input is not a clean trace.
      for (const e of report.errors) io.stderr.write(`redirect-audit: error: ${e.message}\n`);
      run.code = exitOf(report.errors.length, 0);
    });

  program
    .command('explain')
    .description('explain a status code, a finding or a verdict: the rule, the usual mistakes, what to do')
    .argument('[topic]', 'e.g. 303, 307, method-kept-after-303, masked-failure, mishandles-307 (none: list them)')
    .option('--no-color', 'no bold headings (NO_COLOR is honoured too)')
    .action((topic: string | undefined, flags: { color?: boolean }) => {
      if (topic === undefined) {
        io.stdout.write(explainIndex());
        return;
      }
      const text = explain(topic, { color: useColor(io, flags.color) });
      if (text === null) {
        io.stderr.write(`redirect-audit: error: unknown topic "${topic}"\n\n${explainIndex()}`);
        run.code = 2;
        return;
      }
      io.stdout.write(text);
    });

  program
    .command('formats')
    .description('list the input formats and what each can carry')
    .action(async () => {
      const { documentFormats, lineFormats } = await import('../parsers/index.js');
      const rows = lineFormats().map((f) => {
        const c = f.capabilities;
        const yes = (b: boolean) => (b ? 'yes' : '-');
        return [f.name, yes(c.location), yes(c.bodySize), yes(c.host), yes(c.duration), f.description];
      });
      for (const d of documentFormats().reverse()) {
        const c = d.capabilities;
        const yes = (b: boolean) => (b ? 'yes' : '-');
        rows.unshift([d.name, yes(c.location), yes(c.bodySize), yes(c.host), yes(c.duration), d.description]);
      }
      rows.unshift(['har', 'yes', 'yes', 'yes', 'yes', 'HAR 1.1/1.2 (browsers, Playwright, proxies), streamed']);
      rows.unshift(['name', 'Location', 'body size', 'host', 'duration', 'description']);
      const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
      const text = rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ')).join('\n');
      io.stdout.write(`${text}\n\nAny nginx log_format or Apache LogFormat string works with --log-format.\n`);
    });
  return program;
}

/**
 * Runs one command line (`argv` as in `process.argv`) and resolves to its exit code. Everything it writes goes
 * through `io` (the process's own streams by default); it sets no exit code and leaves no listener on the process
 * (bin.ts does both), so it can run in a test's process.
 */
export async function main(argv: string[], io: CliIO = PROCESS_IO): Promise<number> {
  const run: CliRun = { io, code: 0 };
  try {
    await buildProgram(run).parseAsync(argv);
    return run.code;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.exitCode === 0) return 0;
      return 2;
    }
    if (e instanceof AuditError) {
      io.stderr.write(`redirect-audit: error: ${e.message}\n`);
      return e.exitCode;
    }
    io.stderr.write(`redirect-audit: internal error (a bug: please report it): ${(e as Error).stack ?? String(e)}\n`);
    return EXIT.INTERNAL;
  }
}
