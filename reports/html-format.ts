/** Escaping and byte sizes for the HTML report (numbers and times: `format.ts`). Every string from the report goes through `esc`. */

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** HTML-escapes text for element content and for double- or single-quoted attribute values. */
export function esc(s: string | number | null | undefined): string {
  return String(s ?? '').replace(/[&<>"']/g, (ch) => ENTITIES[ch]!);
}

export { fmtPeriod, fmtTime, ms, n, pct } from './format.js';

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
