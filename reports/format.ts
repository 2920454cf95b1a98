/**
 * Numbers, shares, durations and times as every report writes them (text, Markdown, HTML): one place, so the
 * reports agree to the character.
 */

/** A whole number with thousands separators: `12,345` (rounded). */
export function n(x: number): string {
  return String(Math.round(x)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** A share between 0 and 1 as a percentage with one decimal: `97.3%`; `–` when there is none. */
export function pct(x: number | null): string {
  return x === null ? '–' : `${(x * 100).toFixed(1)}%`;
}

/** Milliseconds, with fewer decimals as they grow: `0.125 ms`, `12.5 ms`, `125 ms`; `–` when unknown. */
export function ms(x: number | null): string {
  if (x === null) return '–';
  return `${x.toFixed(x >= 100 ? 0 : x >= 10 ? 1 : 3)} ms`;
}

/** `2026-11-25 15:21:42 UTC`, or `missing` when there is no time. */
export function fmtTime(iso: string | null, missing = '–'): string {
  return iso ? iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z').replace(/Z$/, ' UTC') : missing;
}

/** A period, the date once when both ends share it: `2026-11-25 10:00:00 → 15:21:42 UTC`. */
export function fmtPeriod(first: string | null, last: string | null): string {
  if (!first) return 'no timed records';
  if (!last) return fmtTime(first);
  if (first.slice(0, 10) === last.slice(0, 10)) return `${fmtTime(first).replace(/ UTC$/, '')} → ${fmtTime(last).slice(11)}`;
  return `${fmtTime(first)} → ${fmtTime(last)}`;
}
