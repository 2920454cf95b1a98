/**
 * One hostile-input suite run against every reporter (and trace): User-Agents, URLs, Locations and file names
 * holding terminal escapes (`\x1b]0;pwned\x07` retitles a terminal), C1 controls, bidi overrides and line breaks.
 * What a person reads shows them as visible escapes; JSON and NDJSON keep the exact value (it parses back) but
 * never carry a control character raw. Arrow is binary for DuckDB/pandas, refused on a terminal, and keeps the
 * exact value.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { analyzeFiles } from '../src/run.js';
import { REPORTERS, renderArrowTables } from '../reports/index.js';
import { trace } from '../cli/trace.js';
import { recordFilter } from '../src/narrow.js';

const tmp = mkdtempSync(join(tmpdir(), 'ra-hostile-'));
const UA = 'evil\u001b]0;pwned\u0007\u009b31m\u202etxt.exe\u0085fake line';
const LOG = join(tmp, 'hostile\u001b[2J.log');
writeFileSync(
  LOG,
  [
    `10.0.0.9 - - [25/Nov/2026:15:21:42 +0000] "POST /login\u001b[31m HTTP/1.1" 303 0 "-" "${UA}"`,
    // as nginx writes it: escaped, and unescaped again when read
    `10.0.0.9 - - [25/Nov/2026:15:21:43 +0000] "POST /home\\x1B]0;t\\x07 HTTP/1.1" 200 5 "-" "${UA}"`,
    `\u0000\u001b]0;skipped\u0007`,
    '',
  ].join('\n'),
);

/** Any control character a terminal acts on (newline and tab are layout, allowed between fields). */
const RAW = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

const text = (body: string | Uint8Array | Iterable<string>) =>
  typeof body === 'string' ? body : body instanceof Uint8Array ? Buffer.from(body).toString('latin1') : [...body].join('');

describe('every reporter neutralises control characters from the logs', async () => {
  const report = await analyzeFiles([LOG], { threads: 1, collectPairs: true });
  it('the report holds the hostile strings (the suite tests something)', () => {
    expect(report.clients[0]!.userAgent).toBe(UA);
    expect(report.totals.skipped).toBeGreaterThan(0);
  });

  for (const name of Object.keys(REPORTERS).filter((n) => n !== 'arrow')) {
    it(`${name}: no raw control character, the hostile text shown escaped`, () => {
      const out = text(REPORTERS[name]!(report, { color: false }));
      expect(out).not.toMatch(RAW);
      if (name === 'json' || name === 'ndjson') {
        // JSON keeps the exact value.
        const first = name === 'json' ? JSON.parse(out) : JSON.parse(out.split('\n').find((l) => l.includes('client-finding'))!);
        expect(JSON.stringify(first)).toContain(JSON.stringify(UA).slice(1, 5));
        if (name === 'json') expect(first.clients[0].userAgent).toBe(UA);
      } else {
        // (markdown escapes the backslash of the escape too: `\\x1b` shows as `\x1b`)
        expect(out).toMatch(/\\{1,2}x1b\\?\]0;pwned\\{1,2}x07/);
        expect(out).toMatch(/\\{1,2}u0085fake line/);
      }
    });
  }

  it('text with colour: only its own colour escapes', () => {
    const out = text(REPORTERS['text']!(report, { color: true }));
    expect(out.replace(/\u001b\[\d+m/g, '')).not.toMatch(RAW);
  });

  it('arrow keeps the exact value (binary, for machines; refused on a terminal)', () => {
    const clients = tableFromIPC(renderArrowTables(report)['clients.arrow']);
    expect(clients.getChild('user_agent')?.get(0)).toBe(UA);
  });

  it('trace: no raw control character', async () => {
    const { text: out } = await trace([LOG], recordFilter({ client: '10.0.0.9' })!, { threads: 1 });
    expect(out).toContain('\\x1b]0;pwned\\x07');
    expect(out).not.toMatch(RAW);
  });
});
