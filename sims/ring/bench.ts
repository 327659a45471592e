import { RingSimulator, type RingSimulatorOptions } from "./simulator.ts";

export interface RingBenchResult {
  /** Simulator steps per second, each with one corrector change, BPM noise and a full BPM read-out. */
  steps_per_s: number;
  bpms: number;
  correctors: number;
  steps: number;
  elapsed_s: number;
}

export interface RingBenchOptions {
  /**
   * Measuring time, ms (after a short warm-up).
   * @default 500
   */
  durationMs?: number;
  /** @default the default ring with default options (BPM noise, no disturbances) */
  simulator?: RingSimulatorOptions;
}

/**
 * Orbit evaluations per second of the default ring: each step changes one corrector (incremental update),
 * advances time with disturbances and noise, and copies out all BPM readings.
 */
export function benchRingSteps(options: RingBenchOptions = {}): RingBenchResult {
  const sim = new RingSimulator(options.simulator ?? {});
  const out = new Float64Array(2 * sim.nBpm);
  const n = sim.nCorrectors;
  const run = (count: number, start: number): void => {
    for (let k = 0; k < count; k++) {
      const j = (start + k) % n;
      sim.setCorrector(j, 0.01 * (((start + k) % 7) - 3));
      sim.step(1e-3);
      sim.readOrbit(out);
    }
  };
  run(20_000, 0);
  const durationMs = options.durationMs ?? 500;
  let steps = 0;
  const batch = 5_000;
  const t0 = performance.now();
  let elapsed = 0;
  do {
    run(batch, steps);
    steps += batch;
    elapsed = performance.now() - t0;
  } while (elapsed < durationMs);
  return { steps_per_s: Math.round((steps / elapsed) * 1000), bpms: sim.nBpm, correctors: n, steps, elapsed_s: elapsed / 1000 };
}
