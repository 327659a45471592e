/**
 * rl.inference_us: one decision of the shipped RL orbit corrector (observation, actor, corrector step), and
 * rl.train_steps_per_s: TD3 training throughput on the small ring, on the default TensorFlow.js backend.
 * One `benchRl` run measures both, so each run's training figure is kept for the second benchmark's sample
 * rather than training again.
 */
import { benchRl } from "../agents/rl/bench.ts";
import type { RlBenchResult } from "../agents/rl/bench.ts";
import type { BenchmarkGroup } from "./benchmark.ts";

const REPEATS = 3;
const trainRates: number[] = [];

export const rlBenchmarks: BenchmarkGroup = {
  name: "rl",
  // Loads the backend and warms up the JIT and the kernels; not counted.
  setup: async () => void (await benchRl({ trainSteps: 20, decisions: 500 })),
  benchmarks: [
    {
      key: "rl.inference_us",
      description: "shipped small-ring checkpoint: one decision in plain JavaScript (median over 7 batches of 2000)",
      unit: "µs",
      higherIsBetter: false,
      goal: 100,
      repeats: REPEATS,
      measure: async () => {
        const r: RlBenchResult = await benchRl();
        trainRates.push(r.train_steps_per_s);
        return r.inference_us;
      },
    },
    {
      key: "rl.train_steps_per_s",
      description: "small ring, 64-64 networks, batch 64: environment steps with one TD3 update each",
      unit: "steps/s",
      higherIsBetter: true,
      repeats: REPEATS,
      measure: async () => trainRates.shift() ?? (await benchRl()).train_steps_per_s,
    },
  ],
};
