/**
 * Timestamp parsing for access logs, without `Date` parsing per line: the numeric parts are read by hand and the
 * last result is cached, since consecutive lines usually share their second.
 */
const MONTHS: Record<string, number> = {
  Jan: 0, Feb: 1, Mar: 2, Apr: 3, May: 4, Jun: 5, Jul: 6, Aug: 7, Sep: 8, Oct: 9, Nov: 10, Dec: 11,
};

let lastLocal = '';
let lastLocalValue = Number.NaN;

function digits(s: string, from: number, n: number): number {
  let v = 0;
  for (let i = from; i < from + n; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return Number.NaN;
    v = v * 10 + c;
  }
  return v;
}

/** `10/Oct/2000:13:55:36 -0700` (nginx `$time_local`, Apache `%t` without brackets) → epoch ms, or NaN. */
export function parseTimeLocal(s: string): number {
  if (s === lastLocal) return lastLocalValue;
  let v = Number.NaN;
  if (s.length === 26 && s[2] === '/' && s[6] === '/' && s[11] === ':' && s[20] === ' ') {
    const month = MONTHS[s.slice(3, 6)];
    const day = digits(s, 0, 2);
    const year = digits(s, 7, 4);
    const hh = digits(s, 12, 2);
    const mm = digits(s, 15, 2);
    const ss = digits(s, 18, 2);
    const sign = s[21] === '-' ? -1 : s[21] === '+' ? 1 : Number.NaN;
    const offset = sign * (digits(s, 22, 2) * 60 + digits(s, 24, 2));
    if (month !== undefined) v = Date.UTC(year, month, day, hh, mm, ss) - offset * 60000;
  }
  lastLocal = s;
  lastLocalValue = v;
  return v;
}

/** The same for `line[a, b)`, without making a string when it repeats the last timestamp read. */
export function parseTimeLocalIn(line: string, a: number, b: number): number {
  if (b - a === lastLocal.length && line.startsWith(lastLocal, a)) return lastLocalValue;
  return parseTimeLocal(line.slice(a, b));
}

let lastIso = '';
let lastIsoValue = Number.NaN;

/** ISO 8601 with an offset or Z (`2026-11-25T10:00:00+00:00`, fractions allowed) → epoch ms, or NaN. */
export function parseIsoTime(s: string): number {
  if (s === lastIso) return lastIsoValue;
  // Only accept full date-times: Date.parse would take "2026" too.
  const v = /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:?\d\d)$/.test(s) ? Date.parse(s) : Number.NaN;
  lastIso = s;
  lastIsoValue = v;
  return v;
}
