/** Scientist-facing examples on the simulated instrument, runnable as `skyloop example <name>`. */
export { DEFAULT_EXAMPLE_OUT, ExampleFailedError, type ExampleOptions, type ExampleResult, ExampleSession, profilePath, simInstrument } from "./common.ts";
export { FOCUS_SCAN, focusScan, parabolaVertex } from "./focus_scan.ts";
export { ENERGY_FLYSCAN, energyFlyscan } from "./energy_flyscan.ts";
export { CU_XAFS, edgePosition, xafsCu } from "./xafs_cu.ts";
export { ORM_RING, ormRing, relativeDifference } from "./orm_ring.ts";
export { EXAMPLES, type ExampleEntry } from "./registry.ts";
