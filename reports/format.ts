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

/**
 * A URL as the reports show it. The report model writes a logged host without a scheme as a scheme-relative URL
 * (`//127.0.0.1/path`, valid in the JSON); people read `127.0.0.1/path`. A URL with its scheme stays as it is.
 */
export function shownUrl(url: string): string {
  return url.startsWith('//') ? url.slice(2) : url;
}

/** Characters of `s` a terminal shows (ANSI colour sequences take none). */
export function visibleLength(s: string): number {
  // eslint-disable-next-line no-control-regex
  return s.replace(/\x1b\[[0-9;]*m/g, '').length;
}

/**
 * One line wrapped at spaces to `width` columns; the lines after the first are indented like the first plus two
 * spaces. A word longer than the line (a long URL) stays whole on a line of its own: cutting it would break it.
 */
export function wrapLine(line: string, width: number): string[] {
  if (width <= 0 || visibleLength(line) <= width) return [line];
  const indent = /^ */.exec(line)![0];
  const next = `${indent}  `;
  const words = line.slice(indent.length).split(' ');
  const out: string[] = [];
  let cur = indent;
  let curLen = indent.length;
  let empty = true;
  for (const w of words) {
    const wl = visibleLength(w);
    if (!empty && curLen + 1 + wl > width) {
      out.push(cur);
      cur = next + w;
      curLen = next.length + wl;
      empty = false;
      continue;
    }
    cur += (empty ? '' : ' ') + w;
    curLen += (empty ? 0 : 1) + wl;
    empty = false;
  }
  out.push(cur);
  return out;
}
