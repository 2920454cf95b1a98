/** Escaping and number formats for the HTML report. Every string from the report goes through `esc`. */

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** HTML-escapes text for element content and for double- or single-quoted attribute values. */
export function esc(s: string | number | null | undefined): string {
  return String(s ?? '').replace(/[&<>"']/g, (ch) => ENTITIES[ch]!);
}

export function n(x: number): string {
  return String(Math.round(x)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

export function pct(x: number | null): string {
  return x === null ? '–' : `${(x * 100).toFixed(1)}%`;
}

export function ms(x: number | null): string {
  if (x === null) return '–';
  return `${x.toFixed(x >= 100 ? 0 : x >= 10 ? 1 : 3)} ms`;
}

/** `2026-11-25 15:21:42 UTC` */
export function fmtTime(iso: string | null): string {
  return iso ? iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z').replace(/Z$/, ' UTC') : '–';
}

export function fmtPeriod(first: string | null, last: string | null): string {
  if (!first) return 'no timed records';
  if (!last) return fmtTime(first);
  if (first.slice(0, 10) === last.slice(0, 10)) return `${fmtTime(first).replace(/ UTC$/, '')} → ${fmtTime(last).slice(11)}`;
  return `${fmtTime(first)} → ${fmtTime(last)}`;
}

export function bytes(x: number): string {
  if (x < 1024) return `${x} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = x / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v >= 100 ? 0 : 1)} ${units[i]}`;
}
