import { describe, expect, it } from "vitest";
import { InvalidArgumentError } from "../../engine/errors.ts";
import { assertDescribeMatchesRead, assertReading } from "../testing.ts";
import { beamCurrentAt, SimBeamCurrent } from "./sim_beam_current.ts";

describe("SimBeamCurrent", () => {
  it("decays with the lifetime and is refilled at each top-up", async () => {
    let now = 0;
    const dcct = new SimBeamCurrent({ name: "dcct", current: 200, lifetimeHours: 1, topUpPeriodS: 60, clock: () => now });
    await assertReading(dcct, { dcct: { value: 200 } });
    now = 30_000;
    await assertReading(dcct, { dcct: { value: 200 * Math.exp(-30 / 3600) } }, { tolerance: 1e-9 });
    now = 60_000;
    expect(await dcct.current.getValue()).toBeCloseTo(200, 9);
    expect((await dcct.describe()).dcct).toMatchObject({ source: "sim://dcct", units: "mA", dtype: "number" });
    await assertDescribeMatchesRead(dcct);
    expect(dcct.hints).toEqual({ fields: ["dcct"] });
    expect(beamCurrentAt(3600, 100, 1, 0)).toBeCloseTo(100 / Math.E, 9);
  });

  it("adds seeded noise and is read-only", async () => {
    const a = new SimBeamCurrent({ name: "a", noiseSigma: 0.1, seed: 3, clock: () => 0 });
    const b = new SimBeamCurrent({ name: "b", noiseSigma: 0.1, seed: 3, clock: () => 0 });
    const va = [await a.current.getValue(), await a.current.getValue()];
    expect([await b.current.getValue(), await b.current.getValue()]).toEqual(va);
    expect(va[0]).not.toBe(300);
    expect(() => a.current.backend.put(1, true)).toThrow(InvalidArgumentError);
    expect(() => a.current.backend.put(1, true)).toThrow("computed signal is read-only: cannot put 1");
    expect(() => new SimBeamCurrent({ lifetimeHours: 0 })).toThrow("lifetimeHours must be > 0, got 0");
  });
});
