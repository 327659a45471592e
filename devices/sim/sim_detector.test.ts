import sinon from "sinon";
import { describe, expect, it } from "vitest";
import { InvalidArgumentError } from "../../engine/errors.ts";
import { isConfigurable, isReadable, isTriggerable } from "../../engine/protocols.ts";
import { softSignalRW } from "../core/signal_factories.ts";
import { Status } from "../core/status.ts";
import { assertConfiguration, assertDescribeMatchesRead, assertReading } from "../testing.ts";
import { peakValue, SimDetector, SimPeakDetector } from "./sim_detector.ts";
import { SimMotor } from "./sim_motor.ts";

async function scan(det: SimPeakDetector, motor: SimMotor, points: number[]): Promise<number[]> {
  const out: number[] = [];
  for (const x of points) {
    await motor.set(x);
    await det.trigger();
    out.push((await det.read())[det.name]!.value as number);
  }
  return out;
}

describe("SimPeakDetector", () => {
  it("reads its value under its own name, with acquire_time and peak parameters as configuration", async () => {
    const m = new SimMotor({ name: "m", instant: true });
    const det = new SimPeakDetector({ name: "det", motor: m, center: 1, width: 0.5, amplitude: 100, timeScale: 0 });
    expect(isReadable(det) && isTriggerable(det) && isConfigurable(det)).toBe(true);
    await det.trigger();
    await assertReading(det, { det: { value: peakValue("gaussian", 0, 1, 0.5, 100, 0) } });
    await assertConfiguration(det, {
      "det-acquire_time": { value: 0.1 },
      "det-center": { value: 1 },
      "det-width": { value: 0.5 },
      "det-amplitude": { value: 100 },
    });
    expect(det.hints).toEqual({ fields: ["det"] });
    expect((await det.describe()).det).toMatchObject({ dtype: "number", units: "counts", source: "soft://det" });
    await assertDescribeMatchesRead(det);
    // The motor stays its own device: not renamed, not a child of the detector.
    expect(m.name).toBe("m");
    expect([...det.children()].map(([k]) => k)).toEqual(["value", "acquire_time", "center", "width", "amplitude"]);
  });

  it("follows the motor: the maximum is at the center, Gaussian or Lorentzian", async () => {
    const points = [-2, -1, -0.5, 0, 0.5, 1, 2].map((x) => x + 0.3);
    for (const shape of ["gaussian", "lorentzian"] as const) {
      const m = new SimMotor({ name: "th", instant: true });
      const det = new SimPeakDetector({ name: "I", motor: m, center: 0.3, width: 0.5, amplitude: 50, background: 2, shape, timeScale: 0 });
      const values = await scan(det, m, points);
      expect(values[3]).toBeCloseTo(52, 12);
      expect(Math.max(...values)).toBe(values[3]);
      expect(values[2]).toBeCloseTo(values[4]!, 12);
      expect(values[0]).toBeCloseTo(values[6]!, 12);
      // Half width: Gaussian exp(-1/2) of the height at one sigma, Lorentzian 1/2 at one HWHM.
      expect(values[2]! - 2).toBeCloseTo(50 * (shape === "gaussian" ? Math.exp(-0.5) : 0.5), 12);
    }
  });

  it("moves its peak when the center is configured", async () => {
    const m = new SimMotor({ name: "th", instant: true });
    const det = new SimPeakDetector({ name: "I", motor: m, timeScale: 0 });
    await det.configure({ center: 5 });
    await m.set(5);
    await det.trigger();
    expect(await det.value.getValue()).toBe(1000);
  });

  it("is deterministic under a seed, and different under another", async () => {
    const run = async (seed: number, noise: "poisson" | "gaussian") => {
      const m = new SimMotor({ name: "m", instant: true });
      const det = new SimPeakDetector({ name: "d", motor: m, noise, noiseSigma: 5, seed, timeScale: 0 });
      return scan(det, m, [-1, -0.5, 0, 0.5, 1]);
    };
    for (const noise of ["poisson", "gaussian"] as const) {
      const a = await run(7, noise);
      expect(await run(7, noise)).toEqual(a);
      expect(await run(8, noise)).not.toEqual(a);
    }
    const counts = await run(7, "poisson");
    expect(counts.every((c) => Number.isInteger(c) && c >= 0)).toBe(true);
    // Counting noise stays within a few sigma of the clean peak (1000 at the center).
    expect(Math.abs(counts[2]! - 1000)).toBeLessThan(5 * Math.sqrt(1000));
  });

  it("takes acquire_time × timeScale to trigger, reading the motor at the end of the exposure", async () => {
    const clock = sinon.useFakeTimers();
    try {
      const x = softSignalRW(0, { name: "x" });
      const det = new SimDetector({ name: "lin", inputs: [x], compute: ([v]) => 10 * v!, acquireTime: 2, timeScale: 0.5 });
      const st = det.trigger();
      expect(st).not.toBe(Status.done());
      await clock.tickAsync(500);
      x.set(3);
      await clock.tickAsync(499);
      expect(st.done).toBe(false);
      await clock.tickAsync(1);
      expect(st.success).toBe(true);
      expect(await det.value.getValue()).toBe(30);
    } finally {
      clock.restore();
    }
  });

  it("with timeScale 0 triggers at once without timers", () => {
    const clock = sinon.useFakeTimers();
    try {
      const det = new SimDetector({ name: "c", compute: () => 4, timeScale: 0 });
      expect(det.trigger()).toBe(Status.done());
      expect(clock.countTimers()).toBe(0);
    } finally {
      clock.restore();
    }
  });

  it("refuses bad options with the value quoted", () => {
    const m = new SimMotor();
    expect(() => new SimPeakDetector({ motor: m, width: 0 })).toThrow(InvalidArgumentError);
    expect(() => new SimPeakDetector({ motor: m, width: 0 })).toThrow("peak width must be > 0, got 0");
    expect(() => new SimPeakDetector({ motor: m, noise: "pink" as never })).toThrow(
      'unknown noise "pink": use one of none, gaussian, poisson',
    );
    expect(() => new SimDetector({ compute: () => 0, timeScale: -1 })).toThrow("timeScale must be >= 0, got -1");
  });
});
