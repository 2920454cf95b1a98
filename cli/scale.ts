/**
 * Past one machine: `--shard K/N` and `--partial` on analyze, `merge` (partial reports into one), `publish`
 * (log lines to NATS JetStream subjects, one per shard), and the options of `analyze --nats`.
 */
import { readFileSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { AuditError } from '../core/errors.js';
import { reportProblem } from '../src/report-schema.js';
import type { AuditReport } from '../src/report.js';
import { parseShard, shardFilter, type Shard } from '../src/shard.js';
import { checkOutput, writeReport } from './output.js';
import type { RunOptions } from '../src/run.js';
import type { CliRun } from './cli.js';

interface ShardFlags {
  shard?: Shard;
  shardRecords?: boolean;
  partial?: boolean;
  clientKey: 'address' | 'forwarded-for';
}

export function scaleOptions(cmd: Command): Command {
  return cmd
    .addOption(
      new Option('--shard <K/N>', 'report only the clients whose address hashes to K of N (FNV-1a 32-bit mod N; see README, "Shards"); implies --partial').argParser(
        parseShard,
      ),
    )
    .option('--shard-records', "with --shard: drop the other shards' records before pairing (1/N of the work; exact where the log records Location, see README)")
    .option('--partial', 'add the "partial" section, so that the JSON report can be merged with others (`redirect-audit merge`)')
    .option('--nats <url>', 'read log lines from a NATS JetStream stream instead of files (nats://host:port, comma-separated for a cluster)')
    .option('--stream <name>', 'with --nats: the JetStream stream')
    .option('--subject <subject>', 'with --nats: the subject the lines were published on (with --shard: SUBJECT.K)')
    .option('--durable <name>', 'with --nats: the durable consumer (default: redirect-audit-K-of-N)')
    .option('--from <when>', 'with --nats: the first message of the range, by the time the stream stored it (a date/time or a duration before now)')
    .option('--to <when>', 'with --nats: the end of the range (exclusive; default: what the stream holds now)');
}

/**
 * The run options of `--shard` / `--partial`. By default a shard narrows (like `--client`): its pairing still
 * reads every record, since what a route redirects to and whether a host is served are learnt from every
 * client, and the report is exactly the share of a single run. `--shard-records` drops the other shards' records
 * before the pairing instead: each shard does 1/N of the work, and is exact where the log records Location.
 */
export function shardOptions(flags: ShardFlags, narrowing: RunOptions['filter']): Pick<RunOptions, 'accept' | 'acceptShard' | 'partial' | 'filter'> {
  const partial = Boolean(flags.partial || flags.shard);
  if (!flags.shard || flags.shard.count <= 1) return { partial, filter: narrowing };
  const mine = shardFilter(flags.shard, flags.clientKey);
  if (flags.shardRecords) return { partial, filter: narrowing, accept: mine, acceptShard: { shard: flags.shard, clientKey: flags.clientKey } };
  return { partial, filter: narrowing ? (r) => mine(r) && narrowing(r) : mine };
}

/** Says in the report which shard it is. */
export function markShard(report: AuditReport, flags: ShardFlags): void {
  if (flags.shard && report.partial) {
    report.partial.shard = { index: flags.shard.index, count: flags.shard.count, by: 'fnv1a32(address) mod count' };
  }
}

export function loadReport(path: string): AuditReport {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new AuditError('USAGE', `merge: ${path}: ${(e as Error).message}`);
  }
  const problem = reportProblem(value);
  if (problem) throw new AuditError('USAGE', `merge: ${path} is not a JSON report: ${problem}`);
  return value as AuditReport;
}

export function scaleCommands(program: Command, run: CliRun): void {
  program
    .command('merge')
    .description('merge partial JSON reports (made with --partial or --shard): shards of one run, or nightly reports into a weekly one')
    .argument('<reports...>', 'JSON reports')
    .option('--report <name>', 'report format of the result: json, text, markdown, html or ndjson', 'json')
    .option('-o, --output <file>', 'write the merged report to a file instead of stdout')
    .action(async (paths: string[], flags: { report: string; output?: string }) => {
      // Loaded when used: other commands load no more than they need (test/lazy-load.test.ts).
      const { reporter } = await import('../reports/registry.js');
      const { mergeReports } = await import('../src/merge-reports.js');
      const chosen = reporter(flags.report);
      if (!chosen || chosen.output === 'files') throw new AuditError('USAGE', `merge: --report ${flags.report}: choose json, text, markdown, html or ndjson`);
      const target = flags.output ? checkOutput(flags.output, paths) : null;
      const merged = mergeReports(paths.map(loadReport), paths);
      const body = (await chosen.load())(merged, { color: false });
      if (target) writeReport(target, body);
      else if (typeof body === 'string' || body instanceof Uint8Array) run.io.stdout.write(body);
      else for (const s of body) run.io.stdout.write(s);
    });

  program
    .command('publish')
    .description('publish log lines to NATS JetStream, each to SUBJECT.K where K is the shard of its client (the hash of --shard)')
    .argument('<files...>', 'log files (any line format analyze reads; plain or gzip); "-" is stdin')
    .requiredOption('--nats <url>', 'NATS server(s): nats://host:port, comma-separated')
    .requiredOption('--subject <subject>', 'subject prefix: lines go to SUBJECT.0 ... SUBJECT.(N-1)')
    .addOption(new Option('--shards <n>', 'how many shards').argParser((v) => parseShard(`0/${v}`).count).default(1))
    .option('--stream <name>', 'create this stream (SUBJECT.>) if it does not exist')
    .addOption(new Option('--replicas <n>', 'replicas of a created stream').argParser(Number).default(1))
    .option('--log-format <format>', 'an nginx log_format or Apache LogFormat string (as analyze)')
    .option('--input-format <name>', 'force a format by name')
    .addOption(new Option('--client-key <key>', 'as analyze').choices(['address', 'forwarded-for']).default('address'))
    .action(async (files: string[], flags: PublishFlags) => {
      const { publishCommand } = await import('./nats.js');
      run.code = await publishCommand(files, flags, run.io);
    });
}

export interface PublishFlags {
  nats: string;
  subject: string;
  shards: number;
  stream?: string;
  replicas: number;
  logFormat?: string;
  inputFormat?: string;
  clientKey: 'address' | 'forwarded-for';
}
