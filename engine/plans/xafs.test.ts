import { describe, expect, it } from "vitest";
import { InvalidArgumentError } from "../errors.ts";
import { drive, FakeDetector, FakeMotor, FakeTimedDetector, summarize } from "./testing.test-helpers.ts";
import { countTimeKey, xafs } from "./xafs.ts";
import { EV_PER_K2, eToK, kToE, xafsGrid } from "./xafs-grid.ts";

/** The example: Cu K edge. */
const CU = {
  e0: 8979,
  regions: "-200 -30 -10 15.5 15k",
  steps: "10 2.0 0.3 0.05k",
  times: "0.5 0.5 0.5 0.25k",
};

describe("xafsGrid", () => {
  const grid = xafsGrid(CU.e0, CU);

  it("counts the points of each region", () => {
    // -200..-40 by 10: 17; -30..-12 by 2: 10; -10..15.2 by 0.3: 85;
    // k from sqrt(15.5/3.80998) = 2.01699 by 0.05 below 15: 260, plus the final boundary 15k: 261.
    expect(grid.pointsPerRegion).toEqual([17, 10, 85, 261]);
    expect(grid.energies).toHaveLength(17 + 10 + 85 + 261);
    expect(grid.times).toHaveLength(grid.energies.length);
  });

  it("is strictly increasing from e0-200 to e0 + 3.80998·15² eV", () => {
    const e = grid.energies;
    for (let i = 1; i < e.length; i++) expect(e[i]!).toBeGreaterThan(e[i - 1]!);
    expect(e[0]).toBe(8779);
    expect(e.at(-1)!).toBeCloseTo(8979 + 3.80998 * 225, 9);
  });

  it("steps evenly in eV below the k region and evenly in k inside it", () => {
    const e = grid.energies;
    expect(e.slice(0, 3)).toEqual([8779, 8789, 8799]);
    expect(e[17]).toBe(8949);
    expect(e[27]).toBe(8969);
    expect(e[111]! - 8979).toBeCloseTo(15.2, 9);
    const ks = e.slice(112).map((x) => Math.sqrt((x - 8979) / 3.80998));
    expect(ks[0]).toBeCloseTo(Math.sqrt(15.5 / 3.80998), 12);
    for (let i = 1; i < ks.length - 1; i++) expect(ks[i]! - ks[i - 1]!).toBeCloseTo(0.05, 9);
    expect(ks.at(-1)).toBeCloseTo(15, 12);
  });

  it("dwells 0.5 s below the k region and 0.25·k s inside it", () => {
    expect(new Set(grid.times.slice(0, 112))).toEqual(new Set([0.5]));
    const kt = grid.times.slice(112);
    const ks = grid.energies.slice(112).map((x) => eToK(x - 8979));
    kt.forEach((t, i) => expect(t).toBeCloseTo(0.25 * ks[i]!, 12));
    expect(kt.at(-1)).toBeCloseTo(3.75, 12);
  });

  it("converts between k and E with ħ²/2mₑ = 3.80998 eV·Å²", () => {
    expect(EV_PER_K2).toBe(3.80998);
    expect(kToE(10)).toBeCloseTo(380.998, 9);
    expect(eToK(kToE(7.3))).toBeCloseTo(7.3, 12);
  });

  it("accepts lists mixing numbers and k strings, with energy steps up to a k boundary", () => {
    const g = xafsGrid(7112, { regions: [-10, "2k"], steps: [5], times: [1] });
    // 2k = 15.23992 eV: -10, -5, 0, 5, 10, 15 and the boundary.
    expect(g.energies.map((x) => +(x - 7112).toFixed(5))).toEqual([-10, -5, 0, 5, 10, 15, 15.23992]);
  });

  it("rejects regions that do not fit, naming the problem", () => {
    const bad: Array<[Parameters<typeof xafsGrid>[1], string]> = [
      [{ ...CU, steps: "10 2 0.3" }, "steps must give one step per region (4), got 3"],
      [{ ...CU, times: "0.5 0.5 0.5 0.5 1" }, "times must give one time per region (4), got 5"],
      [{ ...CU, regions: "-200 -30 -40 15.5 15k" }, "regions must increase: regions[2] (-40.000 eV) is not above regions[1] (-30.000 eV)"],
      [{ ...CU, steps: "10 0.05k 0.3 0.05k" }, "steps[1] is a wavenumber step but region 1 starts below e0 (-30 eV)"],
      [{ ...CU, times: "0.5 0.5 0.25k 0.25k" }, "times[2] is k-weighted but region 2 starts below e0 (-10 eV)"],
      [{ ...CU, steps: "10 2 0 0.05k" }, "steps[2] must be > 0, got 0"],
      [{ ...CU, regions: "-200 -30 -10 15.5 15q" }, 'regions[4] must be a number, optionally with suffix "k", got "15q"'],
      [{ ...CU, regions: "-200" }, "regions needs at least 2 boundaries, got 1"],
    ];
    for (const [spec, message] of bad) {
      expect(() => xafsGrid(8979, spec)).toThrow(InvalidArgumentError);
      expect(() => xafsGrid(8979, spec)).toThrow(message);
    }
    expect(() => xafsGrid(Number.NaN, CU)).toThrow("e0 must be a positive edge energy in eV, got NaN");
  });
});

describe("xafs plan", () => {
  it("steps the energy through the grid and configures counting times only when they change", () => {
    const mono = new FakeMotor("mono_energy", 8000);
    const i0 = new FakeTimedDetector("i0");
    const it_ = new FakeDetector("it");
    const r = drive(xafs([i0, it_], mono, CU));
    expect(r.events).toHaveLength(373);
    expect(r.events[0]!.data.mono_energy).toBe(8779);
    // One configure for the constant-time regions, then one per k point (its time changes every point).
    expect(i0.configured).toHaveLength(1 + 261);
    expect(i0.configured[0]).toBe(0.5);
    expect(i0.configured.at(-1)).toBeCloseTo(3.75, 12);
    const configures = r.msgs.filter((m) => m.command === "configure");
    expect(configures.every((m) => m.obj === i0)).toBe(true);
    expect(configures[0]!.args).toEqual([{ acquire_time: 0.5 }]);
    // After staging i0, it, mono_energy and open_run: configure, then the first step.
    expect(summarize(r.msgs).slice(4, 8)).toEqual([
      'configure(i0, {"acquire_time":0.5})',
      "checkpoint()",
      'set(mono_energy, 8779, group="g2")',
      'wait(group="g2")',
    ]);
  });

  it("records the plan, regions and every dwell time in the run start", () => {
    const mono = new FakeMotor("mono_energy");
    const r = drive(xafs([new FakeTimedDetector("i0")], mono, { ...CU, md: { sample: "Cu foil" } }));
    const md = r.msgs.find((m) => m.command === "open_run")!.kwargs as Record<string, any>;
    expect(md).toMatchObject({
      plan_name: "xafs",
      detectors: ["i0"],
      motors: ["mono_energy"],
      num_points: 373,
      num_intervals: 372,
      sample: "Cu foil",
      plan_args: { energy_motor: "mono_energy", e0: 8979, regions: CU.regions, steps: CU.steps, times: CU.times },
      hints: { dimensions: [[["mono_energy"], "primary"]] },
    });
    expect(md.xafs.points_per_region).toEqual([17, 10, 85, 261]);
    expect(md.xafs.dwell_times).toHaveLength(373);
    expect(md.xafs.dwell_times[200]).toBeCloseTo(0.25 * eToK((r.events[200]!.data.mono_energy as number) - 8979), 12);
    expect(md.xafs.count_time_keys).toEqual({ i0: "acquire_time" });
  });

  it("finds counting-time keys only on configurable detectors", () => {
    expect(countTimeKey(new FakeTimedDetector("a"))).toBe("acquire_time");
    expect(countTimeKey(new FakeDetector("b"))).toBeUndefined();
    const counter = Object.assign(new FakeTimedDetector("c"), { count_time: 1 });
    delete (counter as { acquire_time?: number }).acquire_time;
    expect(countTimeKey(counter)).toBe("count_time");
  });

  it("rejects a non-movable energy motor before any message", () => {
    expect(() => xafs([], new FakeDetector("e") as never, CU)).toThrow(InvalidArgumentError);
    expect(() => xafs([], new FakeDetector("e") as never, CU)).toThrow("energyMotor 'e' is not Movable: it needs set()");
  });
});
