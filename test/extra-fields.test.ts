/**
 * An extended log (`combined` plus `rt= loc="…" cl=…`, or plus positional fields) without `--log-format` is read
 * as the preset it starts with; the fields past it are dropped. Detection notices them and says once, on stderr,
 * how to pass them, with the line it saw.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { suggestLogFormat, trailingText } from '../parsers/extra-fields.js';
import { json, run } from './exec.js';

const COMBINED = 'samples/capture-combined.log';
const extended = readFileSync(COMBINED, 'utf8')
  .trimEnd()
  .split('\n')
  .map((l) => `${l} rt=0.004 loc="/x" cl=12`)
  .join('\n');

describe('fields past a known format', () => {
  it('finds the text after the preset, and suggests a format that names known keys', () => {
    const line = '10.0.0.1 - - [25/Nov/2026:15:21:42 +0000] "GET / HTTP/1.1" 200 3 "-" "curl/8.5.0"';
    expect(trailingText('combined', line)).toBeNull();
    expect(trailingText('combined', `${line} rt=0.004 loc="/x"`)).toBe('rt=0.004 loc="/x"');
    expect(trailingText('combined', `${line} "a b" 1234 0.005`)).toBe('"a b" 1234 0.005');
    expect(trailingText('nginx-json', line)).toBeNull();
    expect(suggestLogFormat('combined', 'rt=0.004 loc="/x" cl=12')).toBe(
      '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" rt=$request_time loc="$sent_http_location" cl=$content_length',
    );
    expect(suggestLogFormat('combined', '"/x" 1234 0.005')).toMatch(/"\$http_user_agent" "…" … …$/);
  });

  it('warns once on stderr with the line and a --log-format, and the JSON report says it too', () => {
    const { report, run } = json(['-'], extended);
    expect(report.inputs[0]!.format).toBe('combined');
    const warnings = run.stderr.split('\n').filter((l) => l.includes('more fields'));
    expect(warnings).toHaveLength(1);
    const msg = JSON.parse(warnings[0]!).msg as string;
    expect(msg).toContain('line 1: 127.0.0.10 - - [25/Nov/2026:15:21:42 +0000]');
    expect(msg).toContain(`--log-format '$remote_addr`);
    expect(msg).toContain('loc="$sent_http_location"');
    expect(report.inputs[0]!.extraFields).toMatchObject({ line: 1, rest: 'rt=0.004 loc="/x" cl=12' });
    // The suggested format reads the Location: exact pairs.
    const again = json(['--log-format', report.inputs[0]!.extraFields!.suggestion!, '-'], extended);
    expect(again.report.totals.pairing.inferred).toBe(0);
    expect(again.run.stderr).not.toContain('more fields');
  });

  it('says nothing about a plain combined log, or with --log-format', async () => {
    expect((await run(['analyze', '--report', 'json', COMBINED])).stderr).not.toContain('more fields');
  });
});
