/**
 * A small, dependency-free SVG line plot: frame, grid, ticks, axis labels, title and legend. Used for scan
 * plots at the end of a run and for "objective vs iteration" plots of agents; the output opens in any browser.
 */
import { niceTicks } from "./ticks.ts";

export interface LineSeries {
  name: string;
  x: readonly number[];
  y: readonly number[];
  /** @default a colour of the palette, by position */
  color?: string;
  /** @default "lines+markers" up to 60 points, "lines" beyond */
  mode?: "lines" | "markers" | "lines+markers";
}

export interface LinePlotOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  series: readonly LineSeries[];
  /** @default 720 */
  width?: number;
  /** @default 440 */
  height?: number;
}

export const DEFAULT_PLOT_WIDTH = 720;
export const DEFAULT_PLOT_HEIGHT = 440;
const MARKER_LIMIT = 60;
const INSET = 8;

/** Matplotlib's "tab10", whose colours stay distinct for most kinds of colour blindness. */
export const PALETTE = [
  "#1f77b4",
  "#ff7f0e",
  "#2ca02c",
  "#d62728",
  "#9467bd",
  "#8c564b",
  "#e377c2",
  "#7f7f7f",
  "#bcbd22",
  "#17becf",
] as const;

const FONT = "font-family=\"Helvetica, Arial, sans-serif\"";
const MARGIN = { top: 44, right: 20, bottom: 56, left: 76 };

export function renderLinePlot(options: LinePlotOptions): string {
  const width = options.width ?? DEFAULT_PLOT_WIDTH;
  const height = options.height ?? DEFAULT_PLOT_HEIGHT;
  const plot = {
    left: MARGIN.left,
    top: MARGIN.top,
    width: Math.max(10, width - MARGIN.left - MARGIN.right),
    height: Math.max(10, height - MARGIN.top - MARGIN.bottom),
  };
  const xs = options.series.flatMap((s) => finite(s.x));
  const ys = options.series.flatMap((s) => finite(s.y));
  const xTicks = niceTicks(Math.min(...xs), Math.max(...xs), {
    target: Math.max(3, Math.round(plot.width / 100)),
    integer: xs.length > 0 && xs.every(Number.isInteger),
  });
  const yTicks = niceTicks(Math.min(...ys), Math.max(...ys), { target: Math.max(3, Math.round(plot.height / 60)) });
  // Data is drawn a few pixels inside the frame so points on the axis range stay whole and visible.
  const inner = { left: plot.left + INSET, width: plot.width - 2 * INSET, bottom: plot.top + plot.height - INSET, height: plot.height - 2 * INSET };
  const px = (v: number) => inner.left + ((v - xTicks.lo) / (xTicks.hi - xTicks.lo)) * inner.width;
  const py = (v: number) => inner.bottom - ((v - yTicks.lo) / (yTicks.hi - yTicks.lo)) * inner.height;
  const bottom = plot.top + plot.height;
  const right = plot.left + plot.width;

  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${n(width / 2)}" y="26" text-anchor="middle" ${FONT} font-size="15" font-weight="bold" fill="#222">${escapeXml(options.title)}</text>`,
  );

  // Grid and ticks.
  out.push(`<g stroke="#e6e6e6" stroke-width="1">`);
  for (const v of xTicks.values) out.push(`<line x1="${n(px(v))}" y1="${plot.top}" x2="${n(px(v))}" y2="${bottom}"/>`);
  for (const v of yTicks.values) out.push(`<line x1="${plot.left}" y1="${n(py(v))}" x2="${right}" y2="${n(py(v))}"/>`);
  out.push(`</g>`, `<g stroke="#333" stroke-width="1">`);
  for (const v of xTicks.values) out.push(`<line x1="${n(px(v))}" y1="${bottom}" x2="${n(px(v))}" y2="${bottom + 5}"/>`);
  for (const v of yTicks.values) out.push(`<line x1="${plot.left - 5}" y1="${n(py(v))}" x2="${plot.left}" y2="${n(py(v))}"/>`);
  out.push(`</g>`, `<g ${FONT} font-size="12" fill="#333">`);
  xTicks.values.forEach((v, i) =>
    out.push(`<text x="${n(px(v))}" y="${bottom + 19}" text-anchor="middle">${escapeXml(xTicks.labels[i]!)}</text>`),
  );
  yTicks.values.forEach((v, i) =>
    out.push(`<text x="${plot.left - 8}" y="${n(py(v) + 4)}" text-anchor="end">${escapeXml(yTicks.labels[i]!)}</text>`),
  );
  out.push(`</g>`);

  // Axis labels.
  out.push(
    `<text x="${n(plot.left + plot.width / 2)}" y="${height - 14}" text-anchor="middle" ${FONT} font-size="13" fill="#222">${escapeXml(options.xLabel)}</text>`,
    `<text transform="translate(18 ${n(plot.top + plot.height / 2)}) rotate(-90)" text-anchor="middle" ${FONT} font-size="13" fill="#222">${escapeXml(options.yLabel)}</text>`,
  );

  // Data, clipped to the frame.
  out.push(
    `<clipPath id="plot-area"><rect x="${plot.left}" y="${plot.top}" width="${plot.width}" height="${plot.height}"/></clipPath>`,
    `<g clip-path="url(#plot-area)">`,
  );
  options.series.forEach((s, i) => out.push(...seriesMarkup(s, colorOf(s, i), px, py)));
  out.push(`</g>`);
  out.push(`<rect x="${plot.left}" y="${plot.top}" width="${plot.width}" height="${plot.height}" fill="none" stroke="#333" stroke-width="1"/>`);

  if (xs.length === 0 || ys.length === 0) {
    out.push(
      `<text x="${n(plot.left + plot.width / 2)}" y="${n(plot.top + plot.height / 2)}" text-anchor="middle" ${FONT} font-size="14" fill="#888">no data</text>`,
    );
  }
  const points = options.series.flatMap((s) =>
    s.x.flatMap((x, i) => (Number.isFinite(x) && Number.isFinite(s.y[i]!) ? [[px(x), py(s.y[i]!)] as const] : [])),
  );
  out.push(...legendMarkup(options.series, plot, points));
  out.push(`</svg>`);
  return `${out.join("\n")}\n`;
}

function seriesMarkup(
  s: LineSeries,
  color: string,
  px: (v: number) => number,
  py: (v: number) => number,
): string[] {
  const count = Math.min(s.x.length, s.y.length);
  const mode = modeOf(s);
  const out: string[] = [];
  if (mode !== "markers") {
    // A missing or non-finite point breaks the line rather than joining its neighbours across the gap.
    let d = "";
    let pen = false;
    for (let i = 0; i < count; i++) {
      const [x, y] = [s.x[i]!, s.y[i]!];
      if (!Number.isFinite(x) || !Number.isFinite(y)) {
        pen = false;
        continue;
      }
      d += `${pen ? "L" : "M"}${n(px(x))} ${n(py(y))}`;
      pen = true;
    }
    if (d !== "") {
      out.push(`<path d="${d}" fill="none" stroke="${color}" stroke-width="1.8" stroke-linejoin="round" stroke-linecap="round"/>`);
    }
  }
  if (mode !== "lines") {
    out.push(`<g fill="${color}">`);
    for (let i = 0; i < count; i++) {
      const [x, y] = [s.x[i]!, s.y[i]!];
      if (Number.isFinite(x) && Number.isFinite(y)) out.push(`<circle cx="${n(px(x))}" cy="${n(py(y))}" r="3"/>`);
    }
    out.push(`</g>`);
  }
  return out;
}

type Box = { left: number; top: number; width: number; height: number };

/** The legend goes in whichever corner of the plot hides the fewest data points. */
function legendMarkup(series: readonly LineSeries[], plot: Box, points: readonly (readonly [number, number])[]): string[] {
  if (series.length === 0) return [];
  const rowHeight = 18;
  const textWidth = Math.max(...series.map((s) => s.name.length)) * 7;
  const boxWidth = 36 + textWidth + 10;
  const boxHeight = series.length * rowHeight + 8;
  const corners = [
    [plot.left + plot.width - boxWidth - 8, plot.top + 8],
    [plot.left + 8, plot.top + 8],
    [plot.left + plot.width - boxWidth - 8, plot.top + plot.height - boxHeight - 8],
    [plot.left + 8, plot.top + plot.height - boxHeight - 8],
  ] as const;
  const hidden = ([cx, cy]: readonly [number, number]) =>
    points.filter(([x, y]) => x >= cx - 4 && x <= cx + boxWidth + 4 && y >= cy - 4 && y <= cy + boxHeight + 4).length;
  const [x0, y0] = corners.reduce((best, c) => (hidden(c) < hidden(best) ? c : best));
  const out = [
    `<g ${FONT} font-size="12" fill="#222">`,
    `<rect x="${n(x0)}" y="${n(y0)}" width="${boxWidth}" height="${boxHeight}" fill="#ffffff" fill-opacity="0.85" stroke="#bbb" rx="3"/>`,
  ];
  series.forEach((s, i) => {
    const y = n(y0 + 4 + rowHeight * i + rowHeight / 2);
    const color = colorOf(s, i);
    const mode = modeOf(s);
    if (mode !== "markers") out.push(`<line x1="${n(x0 + 8)}" y1="${y}" x2="${n(x0 + 30)}" y2="${y}" stroke="${color}" stroke-width="2"/>`);
    if (mode !== "lines") out.push(`<circle cx="${n(x0 + 19)}" cy="${y}" r="3" fill="${color}"/>`);
    out.push(`<text x="${n(x0 + 36)}" y="${n(y0 + 4 + rowHeight * i + rowHeight / 2 + 4)}">${escapeXml(s.name)}</text>`);
  });
  out.push(`</g>`);
  return out;
}

function modeOf(s: LineSeries): NonNullable<LineSeries["mode"]> {
  return s.mode ?? (Math.min(s.x.length, s.y.length) <= MARKER_LIMIT ? "lines+markers" : "lines");
}

function colorOf(s: LineSeries, i: number): string {
  return s.color ?? PALETTE[i % PALETTE.length]!;
}

function finite(values: readonly number[]): number[] {
  return values.filter((v) => typeof v === "number" && Number.isFinite(v));
}

/** A coordinate with two decimals at most: enough on screen, and it keeps files small. */
function n(v: number): string {
  return String(Math.round(v * 100) / 100);
}

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&${{ "&": "amp", "<": "lt", ">": "gt", '"': "quot", "'": "apos" }[c]!};`);
}
