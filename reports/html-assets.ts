/**
 * The HTML report's inline stylesheet and script. Nothing here refers to anything outside the file: the page's
 * Content-Security-Policy allows no fetch at all, and only this script (by its hash).
 */

export const CSS = `
:root {
  color-scheme: light dark;
  --bg: #f4f6f8; --panel: #ffffff; --fg: #1d2530; --muted: #5c6877; --border: #dfe4ea; --head: #f8f9fb;
  --hover: #f1f5fb; --code: #eef1f5;
  --apparent: #3b6fd8; --effective: #e0761f; --share: #8b96a5; --gap: rgba(224, 118, 31, 0.12);
  --bad: #c9303e; --warn: #b7791f; --good: #23855a; --bad-bg: #fdecee; --warn-bg: #fdf4e3; --good-bg: #e7f5ee;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #0f1318; --panel: #171c23; --fg: #e4e8ee; --muted: #95a1b0; --border: #2a323d; --head: #1c222b;
    --hover: #1f2731; --code: #222a34;
    --apparent: #6b9cf5; --effective: #f39a4c; --share: #8f9bab; --gap: rgba(243, 154, 76, 0.14);
    --bad: #f07078; --warn: #e2b04a; --good: #4cc28a; --bad-bg: #3a1d22; --warn-bg: #3a2f17; --good-bg: #173327;
  }
}
* { box-sizing: border-box; }
body {
  margin: 0; background: var(--bg); color: var(--fg);
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
}
main { max-width: 1320px; margin: 0 auto; padding: 28px 24px 40px; }
header h1 { font-size: 22px; margin: 0 0 4px; letter-spacing: -0.01em; }
header .meta { color: var(--muted); margin: 0; }
header .inputs { color: var(--muted); margin: 6px 0 0; padding: 0; list-style: none; font-size: 13px; }
h2 { font-size: 16px; margin: 32px 0 12px; }
h2 .count { color: var(--muted); font-weight: 400; }
code, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace; font-size: 12px; }
code { background: var(--code); padding: 1px 4px; border-radius: 4px; overflow-wrap: anywhere; }
.cards { display: grid; grid-template-columns: repeat(4, minmax(0, 1fr)); gap: 12px; margin-top: 20px; }
.clients-card { grid-column: span 2; }
.clients-grid { display: flex; gap: 28px; align-items: flex-start; }
.clients-grid .verdicts { flex: 1; columns: 2; column-gap: 28px; margin-top: 8px; }
.sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
.card { background: var(--panel); border: 1px solid var(--border); border-radius: 10px; padding: 14px 16px; }
.card .label { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: 0.04em; }
.card .value { font-size: 28px; font-weight: 650; margin: 2px 0; font-variant-numeric: tabular-nums; }
.card .sub { color: var(--muted); font-size: 12.5px; }
.card.bad .value { color: var(--bad); }
.card.good .value { color: var(--good); }
.card .value.apparent { color: var(--apparent); }
.card .value.effective { color: var(--effective); }
.verdicts { list-style: none; margin: 6px 0 0; padding: 0; font-size: 12.5px; }
.verdicts li { display: flex; justify-content: space-between; gap: 8px; }
.verdicts li b { font-variant-numeric: tabular-nums; }
svg.stack { display: block; width: 100%; height: 6px; border-radius: 3px; overflow: hidden; margin-top: 10px; background: var(--border); }
svg.stack .v-bad { fill: var(--bad); } svg.stack .v-warn { fill: var(--warn); } svg.stack .v-good { fill: var(--good); }
.dot { display: inline-block; width: 8px; height: 8px; border-radius: 50%; margin-right: 6px; vertical-align: baseline; }
.v-bad { background: var(--bad); } .v-warn { background: var(--warn); } .v-good { background: var(--good); }
.panel { background: var(--panel); border: 1px solid var(--border); border-radius: 10px; padding: 16px 18px; }
.panel + .panel { margin-top: 12px; }
.panel h3 { margin: 14px 0 4px; font-size: 14px; }
.panel > :first-child { margin-top: 0; }
.panel > :last-child { margin-bottom: 0; }
#errors { margin-top: 18px; }
#baseline .table-wrap { margin-top: 12px; }
.panel .note { color: var(--muted); margin: 0 0 10px; font-size: 12.5px; }
.legend { display: flex; flex-wrap: wrap; gap: 16px; margin: 0 0 8px; padding: 0; list-style: none; font-size: 12.5px; color: var(--muted); }
.legend i { display: inline-block; width: 14px; height: 3px; border-radius: 2px; margin-right: 6px; vertical-align: middle; }
.legend i.s-apparent { background: var(--apparent); } .legend i.s-effective { background: var(--effective); }
.legend i.s-share { background: repeating-linear-gradient(90deg, var(--share) 0 4px, transparent 4px 7px); }
.legend i.gap { background: var(--gap); height: 10px; }
svg.chart { display: block; width: 100%; height: auto; overflow: visible; }
svg .grid { stroke: var(--border); stroke-width: 1; }
svg .tick { fill: var(--muted); font-size: 12px; }
svg .route-label { fill: var(--fg); font: 12px ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace; }
svg .bar-value { fill: var(--muted); font-size: 11px; font-variant-numeric: tabular-nums; }
svg .line { fill: none; stroke-width: 2.5; stroke-linejoin: round; stroke-linecap: round; }
svg .line.s-apparent { stroke: var(--apparent); } svg .line.s-effective { stroke: var(--effective); }
svg .line.s-share { stroke: var(--share); stroke-dasharray: 6 5; stroke-width: 2; }
svg .pt { stroke: var(--panel); stroke-width: 2; }
svg .pt.s-apparent, svg .bar.s-apparent { fill: var(--apparent); }
svg .pt.s-effective, svg .bar.s-effective { fill: var(--effective); }
svg .pt.s-share { fill: var(--share); }
svg .gap-area { fill: var(--gap); }
svg .no-data { fill: var(--head); stroke: var(--border); stroke-dasharray: 3 3; }
svg .tick-mark { stroke: var(--border); }
svg .route-impact { fill: var(--muted); font-size: 11px; }
svg .route-impact.hot { fill: var(--bad); }
td.addresses code { font-size: 11.5px; margin-right: 4px; }
svg .pt:hover, svg .bar:hover { opacity: 0.8; }
.table-wrap { background: var(--panel); border: 1px solid var(--border); border-radius: 10px; overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th, td { padding: 7px 9px; text-align: left; vertical-align: top; border-bottom: 1px solid var(--border); }
tbody tr:last-child td { border-bottom: 0; }
tbody tr:hover td { background: var(--hover); }
th { background: var(--head); font-weight: 600; font-size: 12px; color: var(--muted); vertical-align: bottom; }
th.num, td.num { text-align: right; font-variant-numeric: tabular-nums; }
td.num { white-space: nowrap; }
th button {
  all: unset; cursor: pointer; border-radius: 4px; display: inline-block;
}
th button:focus-visible { outline: 2px solid var(--apparent); outline-offset: 2px; }
th button::after { content: "↕"; opacity: 0.35; font-size: 11px; margin-left: 3px; white-space: nowrap; }
th[aria-sort="ascending"] button::after { content: "▲"; opacity: 0.9; font-size: 9px; }
th[aria-sort="descending"] button::after { content: "▼"; opacity: 0.9; font-size: 9px; }
th[aria-sort="ascending"], th[aria-sort="descending"] { color: var(--fg); }
td.key code { white-space: nowrap; }
td.route { min-width: 210px; }
td.ua { min-width: 140px; max-width: 240px; overflow-wrap: anywhere; }
td.chips { min-width: 120px; }
td.findings { min-width: 200px; }
td.example { min-width: 250px; max-width: 440px; font-size: 12px; }
td.example code { background: none; padding: 0; }
td.example .then { display: block; }
td.example .why { color: var(--muted); display: block; margin-top: 2px; font-size: 11.5px; }
td.rec { min-width: 320px; max-width: 520px; }
.chip { display: inline-block; padding: 1px 7px; border-radius: 999px; font-size: 11.5px; font-weight: 600; white-space: nowrap; margin: 0 4px 2px 0; }
.chip.bad { color: var(--bad); background: var(--bad-bg); }
.chip.warn { color: var(--warn); background: var(--warn-bg); }
.chip.good { color: var(--good); background: var(--good-bg); }
.muted { color: var(--muted); }
.zero { color: var(--muted); opacity: 0.6; }
.hot { color: var(--bad); font-weight: 600; }
.more { color: var(--muted); font-size: 12.5px; margin: 8px 2px 0; }
.empty { color: var(--muted); margin: 8px 0; }
.errors li { color: var(--bad); }
ul.plain { margin: 6px 0 0; padding-left: 18px; }
footer { color: var(--muted); font-size: 12px; margin-top: 36px; border-top: 1px solid var(--border); padding-top: 12px; }
@media (max-width: 800px) { .cards { grid-template-columns: repeat(2, minmax(0, 1fr)); } }
@media (max-width: 700px) { main { padding: 18px 12px; } .card .value { font-size: 24px; } .clients-grid .verdicts { columns: 1; } }
@media print { th button::after { content: none; } .table-wrap { overflow: visible; } }
`;

/**
 * Sorting for every `table.sortable`: a click on a header's button sorts by that column, ascending, then
 * descending. Columns whose header has `data-sort="num"` sort by number (a cell's `data-v` when it has one, else its text); empty values go
 * last in both directions; equal values keep the original order.
 */
export const SCRIPT = `
"use strict";
for (const table of document.querySelectorAll("table.sortable")) {
  const body = table.tBodies[0];
  const heads = Array.from(table.tHead.rows[0].cells);
  const original = new Map(Array.from(body.rows, (row, i) => [row, i]));
  heads.forEach((th, col) => {
    const button = th.querySelector("button");
    if (!button) return;
    button.addEventListener("click", () => {
      const asc = th.getAttribute("aria-sort") !== "ascending";
      for (const h of heads) if (h.hasAttribute("aria-sort")) h.setAttribute("aria-sort", "none");
      th.setAttribute("aria-sort", asc ? "ascending" : "descending");
      const num = th.dataset.sort === "num";
      const key = (row) => {
        const cell = row.cells[col];
        const raw = cell.dataset.v ?? cell.textContent.trim();
        if (raw === "") return null;
        if (!num) return raw;
        const v = Number(raw);
        return Number.isNaN(v) ? null : v;
      };
      const rows = Array.from(body.rows, (row) => ({ row, k: key(row), i: original.get(row) }));
      rows.sort((a, b) => {
        if (a.k === null || b.k === null) return a.k === b.k ? a.i - b.i : a.k === null ? 1 : -1;
        const d = num ? a.k - b.k : a.k.localeCompare(b.k, "en", { numeric: true, sensitivity: "base" });
        return (asc ? d : -d) || a.i - b.i;
      });
      body.append(...rows.map((r) => r.row));
    });
  });
}
`;
