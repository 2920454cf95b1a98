/**
 * The CLI as users run it: the same log through stdin, as a file, as gzip and split across two files gives the
 * same verdicts; bad input is counted and reported; exit codes are 0, 1 (asked for) and 2 (errors).
 *
 * Commands run in this process (`run`, `jsonRun`), but where only a process shows it: stdin, the exit code as the
 * process's, binary stdout through a pipe, a reader that goes away (`cli`, `json`).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AuditReport } from '../src/report.js';
import { cli, json, jsonRun, run, verdictMap, ROOT } from './exec.js';

const COMBINED = `${ROOT}samples/capture-combined.log`;
let tmp: string;
let lines: string[];

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'ra-cli-'));
  lines = readFileSync(COMBINED, 'utf8').trimEnd().split('\n');
});

describe('one log, four ways in, the same verdicts', () => {
  it('file, stdin, gzip (by content, even misnamed) and two halves agree', async () => {
    const base = (await jsonRun([COMBINED])).report;
    expect(base.clients.length).toBeGreaterThan(5);
    const want = verdictMap(base);

    const fromStdin = json(['-'], readFileSync(COMBINED)).report;
    expect(verdictMap(fromStdin)).toEqual(want);
    expect(json([], readFileSync(COMBINED)).report.totals).toEqual(base.totals);

    const gz = join(tmp, 'access.log'); // gzip data under a plain name
    writeFileSync(gz, gzipSync(readFileSync(COMBINED)));
    const fromGzip = (await jsonRun([gz])).report;
    expect(verdictMap(fromGzip)).toEqual(want);
    expect(json(['-'], gzipSync(readFileSync(COMBINED))).report.totals).toEqual(base.totals);

    const half = Math.floor(lines.length / 2);
    const a = join(tmp, 'a.log');
    const b = join(tmp, 'b.log');
    writeFileSync(a, `${lines.slice(0, half).join('\n')}\n`);
    writeFileSync(b, `${lines.slice(half).join('\n')}\n`);
    // Given in either order, the merge by timestamp puts the halves back together.
    // Lines of one second cut between two files lose their order across the cut, which may leave a pair
    // undetermined, but never changes a verdict; the order of the files on the command line changes nothing.
    const ba = (await jsonRun([b, a])).report;
    expect(verdictMap(ba)).toEqual(want);
    expect((await jsonRun([a, b])).report.totals).toEqual(ba.totals);
  });

  it('garbage lines mixed in change nothing but the skipped count, which is reported with file and line', async () => {
    const base = (await jsonRun([COMBINED])).report;
    const mixed = lines.flatMap((l, i) => (i % 50 === 7 ? [l, 'this is not a log line', '\u0000\u0001 binary junk'] : [l]));
    const garbage = mixed.length - lines.length;
    const f = join(tmp, 'garbage.log');
    writeFileSync(f, `${mixed.join('\n')}\n`);
    const { report, run: r } = await jsonRun([f]);
    expect(verdictMap(report)).toEqual(verdictMap(base));
    expect(report.totals.skipped).toBe(garbage);
    expect(report.totals.records + report.totals.skipped).toBe(report.totals.linesRead);
    expect(report.inputs[0]!.skippedExamples[0]).toMatchObject({ line: 9, text: 'this is not a log line' });
    expect(r.stderr).toContain(`skipped ${garbage} of ${mixed.length} lines`);
  });
});

describe('bad input and exit codes', () => {
  it('--strict stops at the first bad line with its file and line number', async () => {
    const f = join(tmp, 'strict.log');
    writeFileSync(f, `${lines[0]}\nnot a log line\n${lines[1]}\n`);
    const r = await run(['analyze', '--strict', '--log-level', 'error', '--report', 'json', f]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(`redirect-audit: error: ${f}:2: line ended before the time field (--strict stops at the first bad line)`);
    // The report of what was read before the stop is still written.
    const report = JSON.parse(r.stdout) as AuditReport;
    expect(report.totals).toMatchObject({ linesRead: 2, records: 1, skipped: 1 });
    expect(report.errors.map((e) => e.code)).toEqual(['STRICT_SKIP']);
  });

  it('an unreadable file, an unknown format and a corrupt gzip are one-line errors with exit 2', async () => {
    const missing = await run(['analyze', join(tmp, 'nope.log')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
    expect(missing.stderr).toContain('no such file');

    const prose = join(tmp, 'prose.txt');
    writeFileSync(prose, 'Dear diary,\ntoday I read no logs.\n');
    const unknown = await run(['analyze', prose]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unrecognised log format.*--log-format/);

    const corrupt = join(tmp, 'corrupt.gz');
    const gz = gzipSync(readFileSync(COMBINED));
    writeFileSync(corrupt, gz.subarray(0, Math.floor(gz.length / 2)));
    const bad = await run(['analyze', '--report', 'json', corrupt]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/corrupt gzip data after \d+ decompressed bytes/);
    // What was read before the damage is still reported.
    const partial = JSON.parse(bad.stdout);
    expect(partial.totals.records).toBeGreaterThan(100);
    expect(partial.errors[0].code).toBe('CORRUPT_GZIP');
  });

  it('an unusable --log-format or option is a usage error', async () => {
    expect((await run(['analyze', '--log-format', '$remote_addr', COMBINED])).code).toBe(2);
    expect((await run(['analyze', '--window', 'soon', COMBINED])).code).toBe(2);
    expect((await run(['analyze', '--report', 'pdf', COMBINED])).stderr).toContain('unknown report "pdf"');
  });

  it('exits 1 only where asked with --fail-on', async () => {
    expect((await run(['analyze', '--report', 'json', COMBINED])).code).toBe(0);
    expect((await run(['analyze', '--report', 'json', '--fail-on', 'violations', COMBINED])).code).toBe(1);
    expect((await run(['analyze', '--report', 'json', '--fail-on', 'violations>1000', COMBINED])).code).toBe(0);
    expect((await run(['analyze', '--fail-on', 'bogus', COMBINED])).code).toBe(2);
    // The process exits with it.
    expect(cli(['analyze', '--report', 'json', '--fail-on', 'violations', COMBINED]).code).toBe(1);
  });

  it('writes the report to -o FILE and nothing to stdout', async () => {
    const out = join(tmp, 'report.json');
    const r = await run(['analyze', '--report', 'json', '-o', out, COMBINED]);
    expect(r.stdout).toBe('');
    expect(JSON.parse(readFileSync(out, 'utf8')).schemaVersion).toBe(1);
  });

  it('prints a readable text report with the mishandling clients first', async () => {
    const r = await run(['analyze', '--report', 'text', COMBINED]);
    expect(r.code).toBe(0);
    // Grouped by software: the mishandling software named near the top, then one section per verdict.
    const first = r.stdout.indexOf('Mishandling software');
    expect(first).toBeGreaterThan(0);
    expect(r.stdout.indexOf('mishandles-303 kept the method')).toBeGreaterThan(first);
    expect(r.stdout).not.toContain('\u001b[');
  });

  it('lists the formats', async () => {
    const r = await run(['formats']);
    expect(r.stdout).toMatch(/^combined\s+-\s+-/m);
    expect(r.stdout).toMatch(/^har\s+yes/m);
  });
});

describe('columnar and mapped output', () => {
  it('--report arrow -o DIR writes pairs, findings and clients tables that read back', async () => {
    const { tableFromIPC } = await import('apache-arrow');
    const dir = join(tmp, 'arrow');
    const r = await run(['analyze', '--report', 'arrow', '-o', dir, COMBINED]);
    expect(r.code).toBe(0);
    const base = (await jsonRun([COMBINED])).report;
    const pairs = tableFromIPC(readFileSync(join(dir, 'pairs.arrow')));
    expect(pairs.numRows).toBe(base.totals.redirects);
    const clients = tableFromIPC(readFileSync(join(dir, 'clients.arrow')));
    expect(clients.numRows).toBe(base.clients.length);
    // To stdout (a pipe): the pairs table as an Arrow stream.
    const piped = spawnSync(process.execPath, [`${ROOT}dist/cli/bin.js`, 'analyze', '--report', 'arrow', COMBINED]);
    expect(tableFromIPC(piped.stdout).numRows).toBe(base.totals.redirects);
  });

  it('--field maps JSON lines with other names', async () => {
    const f = join(tmp, 'custom.jsonl');
    const lines = readFileSync(`${ROOT}samples/capture-json.log`, 'utf8').trimEnd().split('\n');
    // Rename the keys, as a service with its own JSON logger might.
    writeFileSync(
      f,
      `${lines
        .map((l) => {
          const o = JSON.parse(l) as Record<string, string>;
          return JSON.stringify({ ts: o['time'], peer: { ip: o['remote_addr'] }, line: o['request'], code: o['status'], agent: o['http_user_agent'], loc: o['sent_http_location'] });
        })
        .join('\n')}\n`,
    );
    const args = ['--field', 'address=peer.ip', '--field', 'request=line', '--field', 'status=code', '--field', 'userAgent=agent', '--field', 'location=loc', '--field', 'time=ts'];
    const mapped = (await jsonRun([...args, f])).report;
    expect(mapped.totals.records).toBe(lines.length);
    expect(verdictMap(mapped)).toEqual(verdictMap((await jsonRun(['samples/capture-json.log'])).report));
    expect((await run(['analyze', '--field', 'nonsense', f])).code).toBe(2);
  });
});

describe('stdout is the report, stderr the diagnostics', () => {
  it('`... | head -1` exits cleanly: no EPIPE, no stack trace', () => {
    const r = spawnSync('bash', ['-c', `node ${ROOT}dist/cli/bin.js analyze --report ndjson ${COMBINED} | head -1; exit \${PIPESTATUS[0]}`], {
      env: { ...process.env, NO_COLOR: '1' },
    });
    expect(r.status).toBe(0);
    expect(r.stdout.toString().trim().split('\n')).toHaveLength(1);
    expect(r.stderr.toString()).toBe('');
  });

  it('diagnostics are JSON lines (pino) when stderr is not a terminal, and --log-level sets what is said', async () => {
    const f = join(tmp, 'diag.log');
    writeFileSync(f, `${lines[0]}\nnot a log line\n`);
    const warn = await run(['analyze', '--report', 'json', f]);
    const events = warn.stderr.trim().split('\n').map((l) => JSON.parse(l) as { level: number; msg: string });
    expect(events).toEqual([expect.objectContaining({ level: 40, msg: expect.stringContaining('skipped 1 of 2 lines') })]);
    const info = await run(['analyze', '--report', 'json', '--log-level', 'info', f]);
    expect(info.stderr).toContain('"msg":"input read"');
    expect((await run(['analyze', '--report', 'json', '--log-level', 'silent', f])).stderr).toBe('');
    // From a process: on its file descriptor 2.
    expect(JSON.parse(cli(['analyze', '--report', 'json', f]).stderr)).toMatchObject({ level: 40, msg: expect.stringContaining('skipped 1 of 2 lines') });
  });
});

describe('formats are recognised from content, stdin included, or forced', () => {
  const HAR = `${ROOT}test/fixtures/har/`;

  it('reads HAR and JSON lines from stdin, and several HAR files at once', async () => {
    const chrome = readFileSync(`${HAR}gatling__gatling__gatling-recorder__src__test__resources__har__chrome61__redirect-post.har`);
    const viaStdin = json(['-'], chrome).report;
    expect(viaStdin.inputs[0]).toMatchObject({ name: '-', format: 'har', records: 2 });
    expect(viaStdin.clients.map((c) => c.verdict)).toEqual(['correct']);

    const both = (
      await jsonRun([
      `${HAR}gatling__gatling__gatling-recorder__src__test__resources__har__chrome61__redirect-post.har`,
      `${HAR}gatling__gatling__gatling-recorder__src__test__resources__har__firefox56__redirect-post.har`,
      ])
    ).report;
    // Two browsers, each through its POST -> 303 -> GET.
    expect(both.totals.redirects).toBe(2);
    expect(both.clients.map((c) => c.address).sort()).toEqual(['har:Firefox', 'har:WebInspector']);
    expect(both.totals.findings).toEqual({ followed: 2 });

    const jsonLines = json(['-'], readFileSync(`${ROOT}samples/capture-json.log`)).report;
    expect(jsonLines.inputs[0]!.format).toBe('nginx-json');
  });

  it('--input-format forces a format, and an unknown name is a usage error', async () => {
    // Forced to common, the combined capture loses its User-Agents: clients are addresses only.
    const forced = (await jsonRun(['--input-format', 'common', COMBINED])).report;
    expect(forced.inputs[0]!.format).toBe('common');
    expect(forced.clients.every((c) => c.userAgent === null)).toBe(true);
    const r = await run(['analyze', '--input-format', 'nope', COMBINED]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown input format "nope"');
  });

  it('a truncated HAR reports how far it got, keeps what it read, and exits 2', async () => {
    const full = readFileSync(`${HAR}sitespeedio__pagexray__test__files__redirect__arcelormittal.com.har`);
    const cut = join(tmp, 'cut.har');
    writeFileSync(cut, full.subarray(0, Math.floor(full.length * 0.6)));
    const r = await run(['analyze', '--report', 'json', cut]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/truncated HAR: read \d+ entries/);
    const partial = JSON.parse(r.stdout);
    expect(partial.inputs[0].records).toBeGreaterThan(0);
    expect(partial.errors[0].code).toBe('TRUNCATED_HAR');
    const notHar = join(tmp, 'not.json');
    writeFileSync(notHar, JSON.stringify({ hello: 'world', list: [1, 2, 3] }, null, 2));
    const n = await run(['analyze', notHar]);
    expect(n.code).toBe(2);
    expect(n.stderr.trim().split('\n')).toHaveLength(1);
    expect(n.stderr).toMatch(/JSON but/);
  });
});

describe('--max-held, the memory bound', () => {
  it('past it, redirects are decided early as undetermined with the reason; the default leaves the capture alone; 0 is refused', async () => {
    const log = `${ROOT}samples/capture-combined.log`;
    const whole = (await jsonRun([log])).report;
    expect(JSON.stringify(whole.totals.pairing.undeterminedWhy ?? {})).not.toContain('requests were held');
    const bounded = (await jsonRun(['--max-held', '20', log])).report;
    const why = bounded.totals.pairing.undeterminedWhy ?? {};
    const early = Object.entries(why).find(([reason]) => reason.includes('more than 20 requests were held'));
    expect(early?.[1]).toBeGreaterThan(0);
    // Decided early is never unfollowed: no more unfollowed than without the bound.
    expect(bounded.totals.unfollowed).toBeLessThanOrEqual(whole.totals.unfollowed);
    const refused = await run(['analyze', '--max-held', '0', log]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('--max-held');
  });
});
