export { GRID_KIND, GridSearchAgent, gridOptionsFromSettings, type GridSearchOptions } from "./grid.ts";
export { DEFAULT_PEAK_SEARCH, PEAK_KIND, PeakSearchAgent, peakOptionsFromSettings, type PeakSearchOptions } from "./peak.ts";
export { RANDOM_KIND, RandomSearchAgent, randomOptionsFromSettings, type RandomSearchOptions } from "./random.ts";
export { ObservationTracker } from "./tracker.ts";
