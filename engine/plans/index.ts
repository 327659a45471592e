/** Plans, plan stubs and wrappers: generator functions yielding Msg for the RunEngine, after Bluesky. */
export * from "./stubs.ts";
export * from "./per-step.ts";
export * from "./wrappers.ts";
export * from "./types.ts";
export { Cycler, cycler, innerProduct, outerProduct, snakeCyclers } from "./cycler.ts";
export {
  linspace,
  logspace,
  innerProductPattern,
  innerListProductPattern,
  outerProductPattern,
  outerListProductPattern,
  spiralFermatPattern,
} from "./patterns.ts";
export type { SpiralFermatArgs } from "./patterns.ts";
export { mergeMd, dimensionsPerMotor, dimensionsOneAxis } from "./metadata.ts";
export { shortUid } from "./uid.ts";
export { separateDevices, hintedFields, rootAncestor } from "./devices.ts";
export { readPosition } from "./relative.ts";
export { count } from "./count.ts";
export type { CountOptions } from "./count.ts";
export { scan, relScan } from "./scan.ts";
export type { ScanOptions } from "./scan.ts";
export { listScan, relListScan } from "./list-scan.ts";
export type { ListScanOptions } from "./list-scan.ts";
export { gridScan, relGridScan, listGridScan, relListGridScan } from "./grid-scan.ts";
export type { GridScanOptions } from "./grid-scan.ts";
export { scanNd } from "./scan-nd.ts";
export type { ScanNdOptions } from "./scan-nd.ts";
export { logScan, relLogScan } from "./log-scan.ts";
export type { LogScanOptions } from "./log-scan.ts";
export { adaptiveScan, relAdaptiveScan, nextAdaptiveStep } from "./adaptive-scan.ts";
export type { AdaptiveScanOptions } from "./adaptive-scan.ts";
export { tuneCentroid, DEFAULT_TUNE_CENTROID } from "./tune-centroid.ts";
export type { TuneCentroidOptions } from "./tune-centroid.ts";
export { spiralFermat, relSpiralFermat } from "./spiral-fermat.ts";
export type { SpiralFermatOptions } from "./spiral-fermat.ts";
export { rampPlan } from "./ramp.ts";
export type { RampOptions } from "./ramp.ts";
export { fly } from "./fly.ts";
export { flyscan } from "./flyscan.ts";
export type { FlyscanOptions } from "./flyscan.ts";
export { xafs, countTimeKey, COUNT_TIME_KEYS } from "./xafs.ts";
export type { XafsOptions } from "./xafs.ts";
export { xafsGrid, kToE, eToK, EV_PER_K2 } from "./xafs-grid.ts";
export type { XafsGrid, XafsRegions, XafsValue } from "./xafs-grid.ts";
export { agentLoop, pointProblem, AgentLoopMode, StopReason, Goal, AGENT_LOOP_PLAN_NAME, DEFAULT_AGENT_LOOP } from "./agent-loop.ts";
export type { AgentLoopOptions, AgentLoopProgress, AgentLoopResult } from "./agent-loop.ts";
export { DEFAULT_ORBIT_RESPONSE, orbitResponse, ORBIT_RESPONSE_PLAN_NAME } from "./orbit-response.ts";
export type { OrbitResponseOptions } from "./orbit-response.ts";
