import { describe, expect, it } from "vitest";
import { benchRingSteps } from "./bench.ts";
import { smallRingLattice } from "./lattice-generator.ts";

describe("benchRingSteps", () => {
  it("reports steps per second for the ring it ran", () => {
    const result = benchRingSteps({ durationMs: 1, simulator: { lattice: smallRingLattice() } });
    expect(result.bpms).toBe(12);
    expect(result.correctors).toBe(12);
    expect(result.steps).toBeGreaterThanOrEqual(5000);
    expect(result.steps_per_s).toBeGreaterThan(0);
  });
});
