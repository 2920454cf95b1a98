/**
 * The HTML report's charts, drawn here as inline SVG (no chart library, nothing fetched). Colours come from the
 * page's CSS (classes `s-apparent`, `s-effective`, `s-share`), so they follow `prefers-color-scheme`.
 * Every point and bar carries `data-series` and a `<title>` tooltip.
 */
import type { RouteReport, TimeBucket } from '../src/report.js';
import { esc, n, pct } from './html-format.js';

const W = 1080;

/** y coordinate of a share (0..1) in a plot that spans `top`..`bottom`. */
const yOf = (v: number, top: number, bottom: number) => bottom - v * (bottom - top);
const r1 = (x: number) => Math.round(x * 10) / 10;

type Series = { key: 'apparent' | 'effective' | 'share'; label: string; value: (b: TimeBucket) => number | null };

const SERIES: Series[] = [
  { key: 'apparent', label: 'Apparent success', value: (b) => b.figures.apparentSuccess },
  { key: 'effective', label: 'Effective success', value: (b) => b.figures.effectiveSuccess },
  { key: 'share', label: 'Redirect share', value: (b) => b.figures.redirectShare },
];

/** Tick steps for the time axis, in seconds. */
const TICK_STEPS = [60, 120, 300, 600, 900, 1800, 3600, 2 * 3600, 3 * 3600, 6 * 3600, 12 * 3600, 86400, 2 * 86400, 7 * 86400, 14 * 86400, 28 * 86400];

/**
 * Apparent and effective success and redirect share per time bucket: three lines on one 0–100% axis. The time
 * axis is proportional: buckets sit at their time, a stretch without requests is a visible gap (shaded, named in
 * its tooltip), and no line is drawn across it.
 */
export function timeChart(buckets: TimeBucket[], bucketSeconds: number): string {
  if (!buckets.length) return '<p class="empty">No timed requests: the log has no timestamps to bucket.</p>';
  const H = 280;
  const left = 52;
  const right = W - 20;
  const top = 16;
  const bottom = H - 40;
  const times = buckets.map((b) => Date.parse(b.start) / 1000);
  const t0 = times[0]!;
  const span = times[times.length - 1]! - t0;
  const xAt = (t: number) => (span > 0 ? left + ((t - t0) / span) * (right - left) : (left + right) / 2);
  const xOf = (i: number) => xAt(times[i]!);
  // Runs of buckets with no gap between them: a line is drawn within a run, never across a gap.
  const runStart = times.map((t, i) => i === 0 || t - times[i - 1]! > bucketSeconds * 1.5);
  const out: string[] = [];
  out.push(
    `<svg class="chart" id="chart-time" viewBox="0 0 ${W} ${H}" role="img" aria-labelledby="chart-time-title">`,
    `<title id="chart-time-title">Apparent and effective success and redirect share per ${esc(bucketLabel(bucketSeconds))}</title>`,
  );
  // Gaps: no request from the end of one bucket to the start of the next.
  const multiDay = buckets[0]!.start.slice(0, 10) !== buckets[buckets.length - 1]!.start.slice(0, 10);
  for (let i = 1; i < buckets.length; i++) {
    if (!runStart[i]) continue;
    const x1 = r1(xOf(i - 1));
    const x2 = r1(xOf(i));
    const from = new Date((times[i - 1]! + bucketSeconds) * 1000).toISOString();
    const tip = `No requests from ${timeLabel(from, bucketSeconds, true)} to ${timeLabel(buckets[i]!.start, bucketSeconds, true)} UTC`;
    out.push(`<rect class="no-data" data-gap="${i}" x="${x1}" y="${top}" width="${r1(x2 - x1)}" height="${bottom - top}"><title>${esc(tip)}</title></rect>`);
  }
  for (const v of [0, 0.25, 0.5, 0.75, 1]) {
    const y = r1(yOf(v, top, bottom));
    out.push(`<line class="grid" x1="${left}" x2="${right}" y1="${y}" y2="${y}"/>`);
    out.push(`<text class="tick" x="${left - 8}" y="${y + 4}" text-anchor="end">${v * 100}%</text>`);
  }
  // x labels at round times, proportionally placed (about 8); a single bucket gets its own.
  if (span === 0) {
    out.push(`<text class="tick" x="${r1(xOf(0))}" y="${bottom + 20}" text-anchor="middle">${esc(timeLabel(buckets[0]!.start, bucketSeconds, multiDay))}</text>`);
  } else {
    const step = Math.max(bucketSeconds, TICK_STEPS.find((s) => span / s <= 8) ?? TICK_STEPS[TICK_STEPS.length - 1]!);
    const ticks: number[] = [];
    for (let t = Math.ceil(t0 / step) * step; t <= t0 + span; t += step) ticks.push(t);
    if (ticks.length < 2) ticks.splice(0, ticks.length, t0, t0 + span);
    for (const t of ticks) {
      const x = r1(xAt(t));
      const anchor = x - left < 30 ? 'start' : right - x < 30 ? 'end' : 'middle';
      out.push(`<line class="tick-mark" x1="${x}" x2="${x}" y1="${bottom}" y2="${bottom + 5}"/>`);
      out.push(
        `<text class="tick" x="${x}" y="${bottom + 20}" text-anchor="${anchor}">${esc(timeLabel(new Date(t * 1000).toISOString(), bucketSeconds, multiDay))}</text>`,
      );
    }
  }
  out.push(`<text class="tick" x="${right}" y="${H - 2}" text-anchor="end">UTC, per ${esc(bucketLabel(bucketSeconds))}; time to scale, shaded: no requests</text>`);

  // The gap between what dashboards show and what users got, one area per run of buckets.
  const app = buckets.map((b) => b.figures.apparentSuccess);
  const eff = buckets.map((b) => b.figures.effectiveSuccess);
  if (buckets.length > 1 && app.every((v) => v !== null) && eff.every((v) => v !== null)) {
    let from = 0;
    for (let i = 1; i <= buckets.length; i++) {
      if (i < buckets.length && !runStart[i]) continue;
      if (i - from > 1) {
        const idx = Array.from({ length: i - from }, (_, k) => from + k);
        const upper = idx.map((k) => `${r1(xOf(k))},${r1(yOf(app[k]!, top, bottom))}`);
        const lower = idx.map((k) => `${r1(xOf(k))},${r1(yOf(eff[k]!, top, bottom))}`).reverse();
        out.push(`<polygon class="gap-area" points="${[...upper, ...lower].join(' ')}"><title>Gap between apparent and effective success</title></polygon>`);
      }
      from = i;
    }
  }
  for (const s of SERIES) {
    let d = '';
    let pen = false;
    buckets.forEach((b, i) => {
      const v = s.value(b);
      if (v === null || runStart[i]) pen = false;
      if (v === null) return;
      d += `${pen ? 'L' : 'M'}${r1(xOf(i))} ${r1(yOf(v, top, bottom))}`;
      pen = true;
    });
    if (d) out.push(`<path class="line s-${s.key}" d="${d}"/>`);
  }
  for (const s of SERIES) {
    buckets.forEach((b, i) => {
      const v = s.value(b);
      if (v === null) return;
      const tip = `${timeLabel(b.start, bucketSeconds, true)} UTC · ${s.label} ${pct(v)} (${n(b.figures.requests)} requests, ${n(b.figures.actions)} actions)`;
      out.push(
        `<circle class="pt s-${s.key}" data-series="${s.key}" cx="${r1(xOf(i))}" cy="${r1(yOf(v, top, bottom))}" r="4"><title>${esc(tip)}</title></circle>`,
      );
    });
  }
  out.push('</svg>');
  return out.join('\n');
}

/** Apparent against effective success per route, two horizontal bars each. */
export function routeChart(routes: RouteReport[]): string {
  if (!routes.length) return '<p class="empty">No routes.</p>';
  // A second line under each label says what the route is ranked by (its impact), when the report has it.
  const withImpact = routes.some((r) => r.impact);
  const rowH = withImpact ? 40 : 32;
  const top = 26;
  const labelW = 330;
  const left = labelW + 10;
  const right = W - 70;
  const H = top + routes.length * rowH + 8;
  const xOf = (v: number) => left + v * (right - left);
  const out: string[] = [];
  out.push(
    `<svg class="chart" id="chart-routes" viewBox="0 0 ${W} ${H}" role="img" aria-labelledby="chart-routes-title">`,
    `<title id="chart-routes-title">Apparent against effective success for the top ${routes.length} routes</title>`,
  );
  for (const v of [0, 0.25, 0.5, 0.75, 1]) {
    const x = r1(xOf(v));
    out.push(`<line class="grid" x1="${x}" x2="${x}" y1="${top - 6}" y2="${H - 4}"/>`);
    out.push(`<text class="tick" x="${x}" y="${top - 12}" text-anchor="middle">${v * 100}%</text>`);
  }
  routes.forEach((r, i) => {
    const y = top + i * rowH;
    const label = r.route.length > 44 ? `${r.route.slice(0, 43)}…` : r.route;
    out.push(
      `<text class="route-label" x="${labelW}" y="${y + (withImpact ? 17 : 21)}" text-anchor="end">${esc(label)}<title>${esc(r.route)}</title></text>`,
    );
    if (r.impact) {
      const i = r.impact;
      const parts = [`${n(i.affected)} affected`];
      if (i.violations) parts.push(`${n(i.violations)} violations`);
      if (i.failedChains) parts.push(`${n(i.failedChains)} failed`);
      if (i.uncertain) parts.push(`${n(i.uncertain)} uncertain`);
      out.push(`<text class="route-impact${i.affected ? ' hot' : ''}" x="${labelW}" y="${y + 31}" text-anchor="end">${esc(parts.join(' · '))}</text>`);
    }
    const dy0 = withImpact ? 8 : 6;
    const bars: [key: 'apparent' | 'effective', label: string, v: number | null, dy: number][] = [
      ['apparent', 'Apparent success', r.figures.apparentSuccess, dy0],
      ['effective', 'Effective success', r.figures.effectiveSuccess, dy0 + 11],
    ];
    for (const [key, name, v, dy] of bars) {
      const w = v === null ? 0 : r1(xOf(v) - left);
      const tip = `${r.route} · ${name} ${pct(v)} (${n(key === 'apparent' ? r.figures.requests : r.figures.actions)} ${key === 'apparent' ? 'requests' : 'actions'})`;
      out.push(
        `<rect class="bar s-${key}" data-series="${key}" x="${left}" y="${y + dy}" width="${w}" height="10" rx="2"><title>${esc(tip)}</title></rect>`,
        `<text class="bar-value" x="${r1(left + w + 6)}" y="${y + dy + 9}">${pct(v)}</text>`,
      );
    }
  });
  out.push('</svg>');
  return out.join('\n');
}

function bucketLabel(seconds: number): string {
  if (seconds % 86400 === 0) return seconds === 86400 ? 'day' : `${seconds / 86400} days`;
  if (seconds % 3600 === 0) return seconds === 3600 ? 'hour' : `${seconds / 3600} hours`;
  if (seconds % 60 === 0) return seconds === 60 ? 'minute' : `${seconds / 60} minutes`;
  return `${seconds} s`;
}

function timeLabel(iso: string, bucketSeconds: number, withDate: boolean): string {
  const date = iso.slice(5, 10);
  const time = bucketSeconds % 60 === 0 ? iso.slice(11, 16) : iso.slice(11, 19);
  return withDate ? `${date} ${time}` : time;
}
