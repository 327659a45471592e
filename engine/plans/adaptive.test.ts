import { describe, expect, it } from "vitest";
import { InvalidArgumentError } from "../errors.ts";
import type { Msg } from "../msg.ts";
import { adaptiveScan, nextAdaptiveStep } from "./adaptive-scan.ts";
import { tuneCentroid } from "./tune-centroid.ts";
import { drive, FakeDetector, FakeMotor, summarize } from "./testing.test-helpers.ts";

const positions = (msgs: readonly Msg[], motor: unknown) =>
  msgs.filter((m) => m.command === "set" && m.obj === motor).map((m) => m.args[0] as number);

describe("adaptiveScan", () => {
  it("follows Bluesky's step rule on a linear signal (hand-computed)", () => {
    // I = 2x: slope 2, target 0.5 -> new step 0.25 each time; the step relaxes 0.8·old + 0.2·0.25.
    const m = new FakeMotor("m");
    const det = new FakeDetector("det", () => 2 * m.position);
    const r = drive(adaptiveScan([det], "det", m, 0, 1.9, 0.1, 1.1, 0.5, false));
    const pos = positions(r.msgs, m);
    const s1 = 0.5; // (1.1 - 0.1) / 2, the first step
    const s2 = 0.8 * s1 + 0.2 * 0.25; // 0.45; the next step would pass 1.9
    const s3 = 0.8 * s2 + 0.2 * 0.25;
    const s4 = 0.8 * s3 + 0.2 * 0.25;
    const expected = [0, s1, s1 + s2, s1 + s2 + s3, s1 + s2 + s3 + s4];
    expect(pos).toHaveLength(expected.length);
    pos.forEach((p, i) => expect(p).toBeCloseTo(expected[i]!, 12));
    expect(r.events).toHaveLength(5);
  });

  it("yields create, trigger, wait, read of detectors and motor, save at each point", () => {
    const m = new FakeMotor("m");
    const det = new FakeDetector("det", () => 1);
    const r = drive(adaptiveScan([det], "det", m, 0, 0.1, 0.1, 1, 1, false));
    expect(summarize(r.msgs).slice(3, 14)).toEqual([
      "checkpoint()",
      'set(m, 0, group="g2")',
      'wait(group="g2")',
      'create(name="primary")',
      'trigger(det, group="g3")',
      'wait(group="g3")',
      "read(det)",
      "read(m)",
      "save()",
      "close_run()",
      'unstage(m, group="g4")',
    ]);
  });

  it("takes small steps where the signal changes fast and large ones where it is flat", () => {
    const m = new FakeMotor("m");
    // A steep edge at x = 5 on a flat background.
    const det = new FakeDetector("det", () => 1 / (1 + Math.exp(-(m.position - 5) / 0.2)));
    const r = drive(adaptiveScan([det], "det", m, 0, 10, 0.02, 1, 0.05, false));
    const pos = positions(r.msgs, m);
    const steps = pos.slice(1).map((p, i) => p - pos[i]!);
    for (const s of steps) expect(s).toBeGreaterThan(0);
    const near = steps.filter((_, i) => Math.abs(pos[i]! - 5) < 0.5);
    const far = steps.filter((_, i) => pos[i]! < 3 && i > 3);
    expect(Math.max(...near)).toBeLessThan(Math.min(...far));
    expect(Math.min(...steps)).toBeGreaterThanOrEqual(0.02 - 1e-12);
    expect(Math.max(...steps)).toBeLessThanOrEqual(1 + 1e-12);
    expect(pos.at(-1)!).toBeLessThan(10);
  });

  it("with backstep, steps back to redo an overshot step", () => {
    const m = new FakeMotor("m");
    const det = new FakeDetector("det", () => (m.position > 2 ? 10 : 0));
    const r = drive(adaptiveScan([det], "det", m, 0, 4, 0.05, 1, 0.1, true));
    const pos = positions(r.msgs, m);
    expect(pos.some((p, i) => i > 0 && p < pos[i - 1]!)).toBe(true);
    const noBack = positions(drive(adaptiveScan([det], "det", m, 0, 4, 0.05, 1, 0.1, false)).msgs, m);
    expect(noBack.every((p, i) => i === 0 || p > noBack[i - 1]!)).toBe(true);
  });

  it("scans downwards when stop < start", () => {
    const m = new FakeMotor("m");
    const det = new FakeDetector("det", () => m.position);
    const pos = positions(drive(adaptiveScan([det], "det", m, 1, -1, 0.1, 0.5, 0.2, false)).msgs, m);
    expect(pos[0]).toBe(1);
    expect(pos.every((p, i) => i === 0 || p < pos[i - 1]!)).toBe(true);
    expect(pos.at(-1)!).toBeGreaterThan(-1);
  });

  it("nextAdaptiveStep clips to the step limits and grows by 10% on a flat signal", () => {
    expect(nextAdaptiveStep(0.5, 10, 0.1, 1, 0.5)).toBe(0.1);
    expect(nextAdaptiveStep(0.5, 0.001, 0.1, 1, 0.5)).toBe(1);
    expect(nextAdaptiveStep(0.5, 0, 0.1, 1, 0.5)).toBeCloseTo(0.55, 12);
  });

  it("rejects bad step limits and an unknown target field", () => {
    const m = new FakeMotor("m");
    const det = new FakeDetector("det");
    expect(() => adaptiveScan([det], "det", m, 0, 1, 0.5, 0.1, 0.1, false)).toThrow(InvalidArgumentError);
    expect(() => adaptiveScan([det], "det", m, 0, 1, 0.5, 0.1, 0.1, false)).toThrow(
      "minStep and maxStep must satisfy maxStep > minStep > 0, got minStep=0.5, maxStep=0.1",
    );
    expect(() => adaptiveScan([det], "det", m, 0, 1, 0.1, 0.5, 0, false)).toThrow("targetDelta must be greater than 0, got 0");
    expect(() => drive(adaptiveScan([det], "nope", m, 0, 1, 0.1, 0.5, 0.1, false))).toThrow(
      'adaptive_scan: no reading has the target field "nope"',
    );
  });
});

describe("tuneCentroid", () => {
  const gaussian = (center: number, sigma: number, m: FakeMotor) => () =>
    1e5 * Math.exp(-((m.position - center) ** 2) / (2 * sigma ** 2));

  it("converges on the centre of a synthetic peak and moves there", () => {
    const m = new FakeMotor("m");
    const det = new FakeDetector("det", gaussian(-1.3, 0.05, m));
    const r = drive(tuneCentroid([det], "det", m, -1.5, -0.5, 0.01, { num: 10 }));
    const pos = positions(r.msgs, m);
    expect(pos.at(-1)!).toBeCloseTo(-1.3, 2);
    expect(m.position).toBeCloseTo(-1.3, 2);
    // Each pass covers a third of the previous range.
    const steps = pos.slice(1, -1).map((p, i) => Math.abs(p - pos[i]!)).filter((d) => d > 1e-12);
    expect(steps[0]).toBeCloseTo(1 / 9, 12);
    // Ranges 1, 1/3, 1/9 in 9 intervals; the next pass (step 1/243) would be below minStep 0.01.
    expect(Math.min(...steps)).toBeCloseTo(1 / 81, 9);
    expect(r.msgs.find((x) => x.command === "open_run")!.kwargs).toMatchObject({
      plan_name: "tune_centroid",
      motors: ["m"],
      plan_args: { start: -1.5, stop: -0.5, num: 10, min_step: 0.01 },
    });
  });

  it("converges with snaking too, on an off-centre peak", () => {
    const m = new FakeMotor("m");
    const det = new FakeDetector("det", gaussian(0.37, 0.1, m));
    drive(tuneCentroid([det], "det", m, -1, 1, 0.005, { num: 15, snake: true }));
    expect(m.position).toBeCloseTo(0.37, 2);
  });

  it("stops without moving to a peak when the signal is zero", () => {
    const m = new FakeMotor("m");
    const det = new FakeDetector("det", () => 0);
    const r = drive(tuneCentroid([det], "det", m, 0, 1, 0.01, { num: 5 }));
    expect(positions(r.msgs, m)).toEqual([0, 0.25, 0.5, 0.75, 1]);
  });

  it("rejects bad arguments", () => {
    const m = new FakeMotor("m");
    const det = new FakeDetector("det");
    expect(() => tuneCentroid([det], "det", m, 0, 1, 0)).toThrow("minStep must be greater than 0, got 0");
    expect(() => tuneCentroid([det], "det", m, 0, 1, 0.1, { stepFactor: 1 })).toThrow(InvalidArgumentError);
    expect(() => tuneCentroid([det], "det", m, 0, 1, 0.1, { stepFactor: 1 })).toThrow("stepFactor must be greater than 1, got 1");
    expect(() => tuneCentroid([det], "det", m, 0, 1, 0.1, { num: 1 })).toThrow(
      "num must be a whole number of points >= 2 (not a step size), got 1",
    );
  });
});
