export * from "./core/index.ts";
export * from "./node/index.ts";
export { benchCa, type BenchCaOptions, type BenchCaResult } from "./bench.ts";
