export { DEFAULT_SUSPENDER_SLEEP_MS, Suspender, isSuspender } from "./suspender.ts";
export type { SuspenderHost, SuspenderOptions } from "./suspender.ts";
export { SuspendCeiling, SuspendFloor, SuspendOutOfBand } from "./threshold.ts";
export type { ThresholdOptions } from "./threshold.ts";
export { SuspendBoolHigh, SuspendBoolLow, SuspendWhenChanged } from "./bool.ts";
export type { WhenChangedOptions } from "./bool.ts";
