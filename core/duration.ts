/**
 * The one duration grammar of every option that takes a length of time (`--window`, `--reorder`, `--bucket`,
 * `--interval`, and the relative form of `--since`/`--until`): a number and a unit, `ms s m h d w`, or several
 * such parts from the largest unit down (`1h30m`, `1m30s`, `2d12h`). A number alone is in seconds.
 */

/** Milliseconds per unit. */
export const DURATION_UNITS = { w: 604_800_000, d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000, ms: 1 } as const;
export type DurationUnit = keyof typeof DURATION_UNITS;

const ORDER: readonly DurationUnit[] = ['w', 'd', 'h', 'm', 's', 'ms'];
const PART = /(\d+(?:\.\d+)?)(ms|[smhdw])/y;

/** What to write in a usage message. */
export const DURATION_HINT = 'a duration such as 500ms, 60s, 2m, 1h30m, 1d, 2w';

/**
 * `"500ms"`, `"60s"`, `"2m"`, `"1h30m"`, `"7d"`, `"2w"`, `"60"` (seconds) → milliseconds; `null` when the text
 * is not a duration. Each unit at most once, largest first; blanks around the whole are ignored.
 */
export function parseDurationMs(text: string, defaultUnit: DurationUnit = 's'): number | null {
  const v = text.trim();
  if (/^\d+(?:\.\d+)?$/.test(v)) return Number(v) * DURATION_UNITS[defaultUnit];
  let total = 0;
  let at = 0;
  let last = -1;
  while (at < v.length) {
    PART.lastIndex = at;
    const m = PART.exec(v);
    if (!m) return null;
    const unit = m[2] as DurationUnit;
    const rank = ORDER.indexOf(unit);
    if (rank <= last) return null; // `30m1h`, `1m1m`: say it once, largest first
    last = rank;
    total += Number(m[1]) * DURATION_UNITS[unit];
    at = PART.lastIndex;
  }
  return at === 0 ? null : total;
}

/** Whether the text is a duration (for telling `--since 2h` from `--since 2026-11-25`). */
export function isDuration(text: string): boolean {
  return parseDurationMs(text) !== null;
}
