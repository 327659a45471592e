export { DocumentCollector, CollectedRun } from "./collector.ts";
export { descriptorHintedFields, dimensionFields, hintedFields } from "./hinted-fields.ts";
export { DEFAULT_JSONL_BUFFER_BYTES, defaultJsonlFileName, JsonlWriter, readJsonl } from "./jsonl.ts";
export type { JsonlWriterOptions, ReadJsonlOptions } from "./jsonl.ts";
export {
  DEFAULT_LIVE_TABLE_MIN_WIDTH,
  DEFAULT_LIVE_TABLE_PRECISION,
  DEFAULT_LIVE_TABLE_STREAM,
  DEFAULT_PRINT_HEADER_INTERVAL,
  LiveTable,
} from "./live-table.ts";
export type { LiveTableOptions } from "./live-table.ts";
export { computePeakStats, PeakStats } from "./peak-stats.ts";
export type { PeakStatsOptions, PeakStatsResult } from "./peak-stats.ts";
export { DocumentRouter } from "./router.ts";
export { RunTracker } from "./run-tracker.ts";
export type { TextSink } from "./sink.ts";
export { defaultSvgFileName, SEQ_NUM_AXIS, SvgPlot } from "./svg-plot.ts";
export type { SvgPlotOptions } from "./svg-plot.ts";
export * from "./svg/index.ts";
