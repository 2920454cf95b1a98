/**
 * One duration grammar for every option that takes a length of time (`core/duration.ts`): `ms s m h d w`, parts
 * from the largest unit down, a bare number in seconds. `--since 2h` is the same grammar, counted back from now.
 */
import { describe, expect, it } from 'vitest';
import { isDuration, parseDurationMs } from '../core/duration.js';
import { parseWhen } from '../src/narrow.js';
import { parseDuration } from '../cli/cli.js';

describe('parseDurationMs', () => {
  it.each([
    ['500ms', 500],
    ['60s', 60_000],
    ['60', 60_000],
    ['1.5s', 1500],
    ['2m', 120_000],
    ['1h', 3_600_000],
    ['1d', 86_400_000],
    ['2w', 1_209_600_000],
    ['1h30m', 5_400_000],
    ['1m30s', 90_000],
    ['2d12h', 216_000_000],
    ['1s500ms', 1500],
    [' 2m ', 120_000],
  ])('reads %s as %d ms', (text, ms) => {
    expect(parseDurationMs(text)).toBe(ms);
  });

  it.each(['', 'abc', '5x', '-1s', '30m1h', '1m1m', 'h', '1 h', '2026-11-25', '1h 30m'])('refuses %j', (text) => {
    expect(parseDurationMs(text)).toBeNull();
    expect(isDuration(text)).toBe(false);
  });
});

describe('the options that take a duration', () => {
  it('--window, --reorder, --bucket and --interval share the grammar', () => {
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parseDuration('1d')).toBe(86_400_000);
    expect(() => parseDuration('soon')).toThrow(/duration such as/);
  });

  it('--since/--until count a duration back from now, and still read dates', () => {
    const now = Date.parse('2026-11-25T12:00:00Z');
    expect(parseWhen('2h', now)).toBe(now - 7_200_000);
    expect(parseWhen('1h30m', now)).toBe(now - 5_400_000);
    expect(parseWhen('1w', now)).toBe(now - 604_800_000);
    expect(parseWhen('500ms', now)).toBe(now - 500);
    expect(parseWhen('2026-11-25', now)).toBe(Date.parse('2026-11-25T00:00:00Z'));
    expect(() => parseWhen('yesterday', now)).toThrow(/neither a date/);
  });
});
