/** sims.ring_steps_per_s: orbit evaluations per second on the default ring (100 BPMs, 50 correctors per plane). */
import { benchRingSteps } from "../sims/ring/index.ts";
import type { BenchmarkGroup } from "./benchmark.ts";

export const simsBenchmarks: BenchmarkGroup = {
  name: "sims",
  benchmarks: [
    {
      key: "sims.ring_steps_per_s",
      description: "default ring: one corrector change, time step, BPM noise, all 200 readings copied out",
      unit: "steps/s",
      higherIsBetter: true,
      goal: 100_000,
      measure: async () => benchRingSteps({ durationMs: 500 }).steps_per_s,
    },
  ],
};
