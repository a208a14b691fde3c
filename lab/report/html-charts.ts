import { OUTCOME_INFO } from "../classify/outcomes.js";
import { escapeHtml as esc } from "./escape-html.js";
import type { Column, SweepView } from "./scenario-views.js";

/**
 * The HTML report's charts, drawn as inline SVG strings: the report must open offline, from a CI
 * artifact or a mail attachment, so it fetches nothing and needs no charting library. Each chart
 * is a pure function of a view the console draws as a table, so both show the same facts.
 */

/** Colours by the OUTCOME_INFO colour names, readable on white. */
export const COLOR_VALUES = {
  green: "#1a7f37",
  yellow: "#9a6700",
  red: "#cf222e",
  gray: "#6e7781",
  cyan: "#0969da",
  magenta: "#8250df",
} as const;

/** One colour per environment, in column order (glibc blue, musl orange, then the others). */
const ENVIRONMENT_PALETTE = ["#0969da", "#d1670b", "#8250df", "#1a7f37", "#bf3989", "#57606a"];

/** A value marked on one environment's row of a sweep chart (a measured limit). */
export interface ChartMarker {
  label: string;
  environment: string;
  value: number;
  /** Solid for a measured limit, dashed for a configured size. */
  style: "solid" | "dashed";
}

const SWEEP = { left: 200, right: 40, top: 28, row: 52, bottom: 46, width: 820 } as const;

/**
 * Survived or crashed per value (x, log scale for sizes that double) and environment (rows), with
 * the measured limits drawn as vertical marks on their environment's row.
 */
export function sweepChart(view: SweepView, markers: ChartMarker[]): string {
  const values = [...view.rows.map((r) => r.value), ...markers.map((m) => m.value)];
  const scale = axisScale(values, SWEEP.left, SWEEP.width - SWEEP.right);
  const height = SWEEP.top + view.columns.length * SWEEP.row + SWEEP.bottom;
  const parts: string[] = [];
  const axisY = SWEEP.top + view.columns.length * SWEEP.row + 6;
  parts.push(
    `<line class="axis" x1="${SWEEP.left}" y1="${axisY}" x2="${SWEEP.width - SWEEP.right}" y2="${axisY}"/>`,
  );
  for (const row of view.rows) {
    const x = scale(row.value);
    parts.push(
      `<line class="grid" x1="${x}" y1="${SWEEP.top}" x2="${x}" y2="${axisY}"/>`,
      `<text class="tick" x="${x}" y="${axisY + 16}" text-anchor="middle">${esc(row.value)}</text>`,
    );
  }
  parts.push(
    `<text class="axis-label" x="${(SWEEP.left + SWEEP.width - SWEEP.right) / 2}" y="${axisY + 34}" text-anchor="middle">${esc(view.unit)}</text>`,
  );
  view.columns.forEach((column, index) => {
    const y = SWEEP.top + index * SWEEP.row + SWEEP.row / 2;
    parts.push(
      `<text class="row-label" x="${SWEEP.left - 14}" y="${y + 4}" text-anchor="end">${esc(column.label)}</text>`,
    );
    for (const row of view.rows) {
      const cell = row.cells[index];
      if (!cell) continue;
      const x = scale(row.value);
      const info = OUTCOME_INFO[cell.outcome];
      const kind =
        cell.status === "ok" ? "survived" : cell.outcome === "skipped" ? "skipped" : "crashed";
      const tip = `${column.id}, ${row.value} ${view.unit}: ${cell.status} (${info.label})`;
      const color = COLOR_VALUES[info.color];
      parts.push(
        kind === "survived"
          ? `<circle class="point survived" cx="${x}" cy="${y}" r="9" fill="${color}"><title>${esc(tip)}</title></circle>`
          : `<g class="point ${kind}"><title>${esc(tip)}</title><rect x="${x - 9}" y="${y - 9}" width="18" height="18" rx="3" fill="${color}"/><path d="M${x - 5} ${y - 5}L${x + 5} ${y + 5}M${x + 5} ${y - 5}L${x - 5} ${y + 5}" stroke="#fff" stroke-width="2.5"/></g>`,
      );
    }
    markers
      .filter((m) => m.environment === column.id)
      .forEach((marker, i) => {
        const x = scale(marker.value);
        const top = y - SWEEP.row / 2 + 4;
        const bottom = y + SWEEP.row / 2 - 4;
        const labelY = i % 2 === 0 ? top + 2 : bottom + 2;
        // Near the right edge the label goes left of its mark, so the SVG does not cut it off.
        const right = x > SWEEP.width * 0.7;
        parts.push(
          `<g class="limit-marker ${marker.style}"><title>${esc(`${column.id}: ${marker.label} ${marker.value} ${view.unit}`)}</title>`,
          `<line x1="${x}" y1="${top}" x2="${x}" y2="${bottom}"/>`,
          `<text x="${right ? x - 6 : x + 6}" y="${labelY}" text-anchor="${right ? "end" : "start"}">${esc(`${marker.label} ${marker.value}`)}</text></g>`,
        );
      });
  });
  return svg("chart sweep-chart", SWEEP.width, height, `${view.title}, by ${view.unit}`, parts);
}

/** Median, fastest and slowest of a repeated timing, for one environment. */
export interface TimingBar {
  column: Column;
  min: number;
  median: number;
  max: number;
  unit: string;
  /** The environment's place in the run, so it keeps its colour from chart to chart. */
  colorIndex: number;
}

const TIMING = { width: 330, height: 230, left: 56, right: 16, top: 34, bottom: 44 } as const;

/**
 * Median per environment as a bar, the fastest and slowest run as a whisker. Each case gets its
 * own scale: a 5 s glibc timeout next to a 1 ms musl answer is the lesson, and the labels carry
 * the exact medians that a shared axis would flatten to nothing.
 */
export function timingChart(title: string, bars: TimingBar[]): string {
  const top = niceCeiling(Math.max(...bars.map((b) => b.max), 1));
  const plotHeight = TIMING.height - TIMING.top - TIMING.bottom;
  const y = (v: number) => TIMING.top + plotHeight - (v / top) * plotHeight;
  const slot = (TIMING.width - TIMING.left - TIMING.right) / Math.max(1, bars.length);
  const parts: string[] = [
    `<text class="chart-title" x="${TIMING.left}" y="16">${esc(title)}</text>`,
    `<line class="axis" x1="${TIMING.left}" y1="${y(0)}" x2="${TIMING.width - TIMING.right}" y2="${y(0)}"/>`,
  ];
  for (const tick of [0, top / 2, top]) {
    parts.push(
      `<line class="grid" x1="${TIMING.left}" y1="${y(tick)}" x2="${TIMING.width - TIMING.right}" y2="${y(tick)}"/>`,
      `<text class="tick" x="${TIMING.left - 6}" y="${y(tick) + 4}" text-anchor="end">${esc(formatNumber(tick))}</text>`,
    );
  }
  bars.forEach((bar, i) => {
    const center = TIMING.left + slot * i + slot / 2;
    const barWidth = Math.min(56, slot * 0.55);
    const color = ENVIRONMENT_PALETTE[bar.colorIndex % ENVIRONMENT_PALETTE.length];
    const tip = `${bar.column.label}: median ${bar.median} ${bar.unit} (min ${bar.min}, max ${bar.max})`;
    parts.push(
      `<g class="timing"><title>${esc(tip)}</title>`,
      `<rect class="bar" x="${center - barWidth / 2}" y="${y(bar.median)}" width="${barWidth}" height="${Math.max(1, y(0) - y(bar.median))}" fill="${color}"/>`,
      `<path class="whisker" d="M${center} ${y(bar.max)}V${y(bar.min)}M${center - 8} ${y(bar.max)}H${center + 8}M${center - 8} ${y(bar.min)}H${center + 8}"/>`,
      `<text class="value" x="${center}" y="${y(bar.max) - 6}" text-anchor="middle">${esc(`${formatNumber(bar.median)} ${bar.unit}`)}</text>`,
      `<text class="tick" x="${center}" y="${y(0) + 16}" text-anchor="middle">${esc(bar.column.id)}</text>`,
      "</g>",
    );
  });
  return svg("chart timing-chart", TIMING.width, TIMING.height, title, parts);
}

function svg(className: string, width: number, height: number, label: string, parts: string[]) {
  return [
    `<svg class="${className}" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${esc(label)}">`,
    ...parts,
    "</svg>",
  ].join("\n");
}

/**
 * x positions for a set of values: logarithmic when they are all positive and span more than a
 * factor of four (stack sizes double from row to row), linear otherwise.
 */
function axisScale(values: number[], from: number, to: number): (v: number) => number {
  const min = Math.min(...values);
  const max = Math.max(...values);
  const log = min > 0 && max / min > 4;
  const f = log ? Math.log2 : (v: number) => v;
  const lo = f(min);
  const hi = f(max);
  const pad = (hi - lo || 1) * 0.06;
  return (v: number) => from + ((f(v) - lo + pad) / (hi - lo + 2 * pad)) * (to - from);
}

function niceCeiling(value: number): number {
  const magnitude = 10 ** Math.floor(Math.log10(value));
  const step = [1, 2, 2.5, 5, 10].find((s) => s * magnitude >= value) ?? 10;
  return step * magnitude;
}

function formatNumber(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(value < 100 ? 1 : 0);
}
