export { DEFAULT_PLOT_HEIGHT, DEFAULT_PLOT_WIDTH, escapeXml, PALETTE, renderLinePlot } from "./line-plot.ts";
export type { LinePlotOptions, LineSeries } from "./line-plot.ts";
export { formatTicks, niceTicks } from "./ticks.ts";
export type { TickOptions, Ticks } from "./ticks.ts";
