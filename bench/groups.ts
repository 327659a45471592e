/** Every benchmark group, in the order `npm run bench` runs them. */
import type { BenchmarkGroup } from "./benchmark.ts";
import { caBenchmarks } from "./ca.bench.ts";
import { engineBenchmarks } from "./engine.bench.ts";
import { loopBenchmarks } from "./loop.bench.ts";
import { rlBenchmarks } from "./rl.bench.ts";
import { simsBenchmarks } from "./sims.bench.ts";

export const groups: readonly BenchmarkGroup[] = [engineBenchmarks, simsBenchmarks, loopBenchmarks, caBenchmarks, rlBenchmarks];
