/**
 * `--help` and the README say the same things: every option of `analyze --help` and `trace --help` is in the
 * README (the option table, or the trace paragraph), and every option the README's "Using it" part names exists.
 * The README also says how to put the command on the PATH.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ROOT, run } from './exec.js';

const README = readFileSync(`${ROOT}README.md`, 'utf8');
/** From "## Using it" to "## Inputs": the option table, reports, scheduled reports, live and trace. */
const USING = README.slice(README.indexOf('## Using it'), README.indexOf('## Inputs'));

/** Options of a command's --help: `-o, --output <file>` gives `-o` and `--output`. */
async function helpOptions(command: string): Promise<string[]> {
  const r = await run([command, '--help']);
  expect(r.code).toBe(0);
  const out: string[] = [];
  for (const m of r.stdout.matchAll(/^ {2}((?:-\w, )?--[\w-]+)/gm)) out.push(...m[1]!.split(', '));
  return out.filter((o) => o !== '--help' && o !== '-h');
}

/** Options named in backticks in a text: `--window 60s`, `--since/--until`, `-o FILE`. */
function mentioned(text: string): Set<string> {
  const out = new Set<string>();
  for (const m of text.matchAll(/`([^`]*)`/g)) for (const o of m[1]!.matchAll(/(?<![\w-])(--?[a-z][\w-]*)/g)) out.add(o[1]!);
  return out;
}

describe('README and --help', () => {
  it('every option of analyze --help is in the README, and the README names no option that does not exist', async () => {
    const analyze = await helpOptions('analyze');
    const trace = await helpOptions('trace');
    expect(analyze).toContain('--log-level');
    expect(analyze).toContain('-o');
    const inReadme = mentioned(USING);
    expect(analyze.filter((o) => !inReadme.has(o))).toEqual([]);
    // Options the README's examples and tables name: analyze's, trace's, or a command's own.
    const known = new Set([...analyze, ...trace, '--help', '--version']);
    const unknown = [...inReadme].filter((o) => o.startsWith('--') && !known.has(o));
    expect(unknown).toEqual([]);
  });

  it('every option of trace --help is in the README trace paragraph', async () => {
    const trace = await helpOptions('trace');
    const at = USING.indexOf('redirect-audit trace --client X');
    const para = USING.slice(USING.lastIndexOf('\n- ', at) + 1);
    const named = mentioned(para.slice(0, para.indexOf('\n- ')));
    expect(trace.filter((o) => !named.has(o))).toEqual([]);
  });

  it('the colour option and NO_COLOR are described alike', async () => {
    const help = (await run(['analyze', '--help'])).stdout;
    expect(help).toMatch(/--no-color\s+no colours in the text report \(NO_COLOR is honoured\s+too\)/);
    expect(USING).toMatch(/\| `--no-color` \| no colours in the text report \(`NO_COLOR` is honoured too/);
  });

  it('speaks of 303/307/308 where it means all three', async () => {
    const help = (await run(['analyze', '--help'])).stdout;
    expect(help).not.toMatch(/303\/307(?!\/308)/);
    expect(README).not.toMatch(/mishandl\w* 303\/307(?!\/308)/);
  });

  it('lists both virtual-host presets by what tells them apart', async () => {
    const formats = (await run(['formats'])).stdout;
    for (const name of ['vhost_combined', 'vhost-combined']) {
      expect(formats).toMatch(new RegExp(`^${name}\\s`, 'm'));
      expect(README).toContain(`\`${name}\` (`);
    }
  });

  it('says how to install the command', () => {
    expect(README).toContain('npm install -g .');
    expect(README).toContain('npx redirect-audit');
    expect(USING).toMatch(/npm install -g \./);
  });
});
