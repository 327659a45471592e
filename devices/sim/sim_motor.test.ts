import sinon from "sinon";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FailedStatusError, InvalidArgumentError, LimitError, TimeoutError } from "../../engine/errors.ts";
import {
  hasLimits,
  isConfigurable,
  isLocatable,
  isReadable,
  isStoppable,
  type StatusProgress,
} from "../../engine/protocols.ts";
import { Status } from "../core/status.ts";
import { assertConfiguration, assertDescribeMatchesRead, assertReading } from "../testing.ts";
import { SimMotor } from "./sim_motor.ts";

describe("SimMotor: names, readings, configuration", () => {
  it("reads the readback under its own name and the set-point as name-user_setpoint", async () => {
    const m = new SimMotor({ name: "motor1", initial: 2, units: "deg", precision: 4, limits: [-10, 10] });
    expect(isReadable(m) && isConfigurable(m) && isLocatable(m) && isStoppable(m) && hasLimits(m)).toBe(true);
    await assertReading(m, { motor1: { value: 2 }, "motor1-user_setpoint": { value: 2 } });
    expect(m.hints).toEqual({ fields: ["motor1"] });
    const keys = await m.describe();
    expect(keys.motor1).toEqual({ source: "soft://motor1", dtype: "number", shape: [], dtype_numpy: "<f8", units: "deg", precision: 4 });
    expect(keys["motor1-user_setpoint"]!.limits).toEqual({ control: { low: -10, high: 10 } });
    await assertConfiguration(m, {
      "motor1-velocity": { value: 1 },
      "motor1-acceleration_time": { value: 0.1 },
      "motor1-motor_egu": { value: "deg" },
      "motor1-low_limit_travel": { value: -10 },
      "motor1-high_limit_travel": { value: 10 },
    });
    await assertDescribeMatchesRead(m);
    expect(m.motor_done_move.name).toBe("motor1-motor_done_move");
    m.setName("th");
    expect(Object.keys(await m.read())).toEqual(["th", "th-user_setpoint"]);
  });

  it("connects, and keeps working on mock backends", async () => {
    const m = new SimMotor({ name: "mm", instant: true });
    await m.connect();
    await m.set(1);
    await m.connect({ mock: true });
    expect(m.user_readback.source).toBe("mock://mm");
    await m.set(2);
    expect(await m.locate()).toEqual({ setpoint: 2, readback: 2 });
    await assertDescribeMatchesRead(m);
  });

  it("refuses bad options with the value quoted", () => {
    expect(() => new SimMotor({ velocity: 0 })).toThrow(InvalidArgumentError);
    expect(() => new SimMotor({ velocity: -1 })).toThrow("velocity must be > 0, got -1");
    expect(() => new SimMotor({ tickMs: 0 })).toThrow("tickMs must be > 0, got 0");
  });
});

describe("SimMotor: instant moves", () => {
  it("moves in zero time without timers and returns the shared done Status", async () => {
    const m = new SimMotor({ name: "m", instant: true });
    const clock = sinon.useFakeTimers();
    try {
      const st = m.set(5);
      expect(st).toBe(Status.done());
      expect(clock.countTimers()).toBe(0);
    } finally {
      clock.restore();
    }
    expect(await m.locate()).toEqual({ setpoint: 5, readback: 5 });
    const inf = new SimMotor({ name: "n", velocity: Infinity });
    expect(inf.set(-3)).toBe(Status.done());
    expect(inf.position).toBe(-3);
  });

  it("refuses a set-point outside the limits at once, without moving", async () => {
    const m = new SimMotor({ name: "m1", initial: 1, limits: [-2, 2], instant: true });
    const st = m.set(2.5);
    expect(st.done && !st.success).toBe(true);
    expect(st.error).toBeInstanceOf(LimitError);
    expect(st.error?.message).toBe("m1: 2.5 is outside the limits [-2, 2]; nothing was moved");
    expect(await m.locate()).toEqual({ setpoint: 1, readback: 1 });
    const nan = m.set(NaN);
    expect(nan.error).toBeInstanceOf(InvalidArgumentError);
    expect(nan.error?.message).toBe("m1: set-point null is not a finite number");
    // [0, 0] means no limits, as in EPICS.
    const free = new SimMotor({ name: "free", instant: true });
    await free.set(1e6);
    expect(free.position).toBe(1e6);
  });

  it("honours limits changed through configure()", async () => {
    const m = new SimMotor({ name: "m2", instant: true });
    await m.configure({ low_limit_travel: 0, high_limit_travel: 1 });
    expect(m.limits()).toEqual([0, 1]);
    expect(m.set(3).error?.message).toBe("m2: 3 is outside the limits [0, 1]; nothing was moved");
    expect(m.position).toBe(0);
  });
});

describe("SimMotor: timed moves", () => {
  let clock: sinon.SinonFakeTimers;
  beforeEach(() => {
    clock = sinon.useFakeTimers();
  });
  afterEach(() => clock.restore());

  it("follows the trapezoidal profile, sets done-move, and reports progress", async () => {
    // 10 mm at 2 mm/s with 0.5 s ramps takes 5.5 s.
    const m = new SimMotor({ name: "m", velocity: 2, accelerationTime: 0.5, tickMs: 10 });
    const st = m.set(10);
    const seen: StatusProgress[] = [];
    st.watch((p) => seen.push(p));
    expect(st.done).toBe(false);
    expect(await m.motor_done_move.getValue()).toBe(0);
    expect(await m.user_setpoint.getValue()).toBe(10);
    await clock.tickAsync(2750);
    expect(m.position).toBeCloseTo(5, 6);
    expect(m.moving).toBe(true);
    await clock.tickAsync(2760);
    expect(st.done && st.success).toBe(true);
    expect(m.position).toBe(10);
    expect(await m.motor_done_move.getValue()).toBe(1);
    expect(seen[0]).toMatchObject({ name: "m", current: 0, initial: 0, target: 10, unit: "mm", precision: 3, fraction: 1, timeElapsed: 0 });
    expect(seen[0]!.timeRemaining).toBeCloseTo(5.5, 9);
    const mid = seen.find((p) => Math.abs(p.timeElapsed! - 2.75) < 1e-9)!;
    expect(mid.current).toBeCloseTo(5, 6);
    expect(mid.fraction).toBeCloseTo(0.5, 6);
    expect(mid.timeRemaining).toBeCloseTo(2.75, 6);
    expect(seen.at(-1)).toMatchObject({ current: 10, fraction: 0, timeRemaining: 0 });
    const fractions = seen.map((p) => p.fraction!);
    expect(fractions.every((f, i) => i === 0 || f <= fractions[i - 1]!)).toBe(true);
  });

  it("stop() halts mid-move; the Status fails by default (abort) and the set-point follows", async () => {
    const m = new SimMotor({ name: "m", velocity: 1, accelerationTime: 0 });
    const st = m.set(10);
    await clock.tickAsync(3000);
    await m.stop();
    expect(st.done).toBe(true);
    expect(st.error).toBeInstanceOf(FailedStatusError);
    expect(st.error?.message).toBe("m: stopped at 3.000 before reaching 10");
    expect(m.position).toBeCloseTo(3, 9);
    expect(await m.user_setpoint.getValue()).toBeCloseTo(3, 9);
    expect(await m.motor_done_move.getValue()).toBe(1);
    await clock.tickAsync(1000);
    expect(m.position).toBeCloseTo(3, 9);
    expect(clock.countTimers()).toBe(0);
  });

  it("stop(true) halts with the Status succeeding; motor_stop aborts", async () => {
    const m = new SimMotor({ name: "m", velocity: 1, accelerationTime: 0 });
    const st = m.set(10);
    await clock.tickAsync(1000);
    await m.stop(true);
    expect(st.success).toBe(true);
    expect(m.position).toBeCloseTo(1, 9);
    const again = m.set(5);
    await clock.tickAsync(500);
    await m.motor_stop.trigger();
    expect(again.error?.message).toBe("m: stopped at 1.500 before reaching 5");
  });

  it("a new set supersedes a move under way: the old Status fails, the new one starts where the motor is", async () => {
    const m = new SimMotor({ name: "m", velocity: 1, accelerationTime: 0 });
    const first = m.set(10);
    await clock.tickAsync(2000);
    const second = m.set(0);
    await clock.tickAsync(0);
    expect(first.error).toBeInstanceOf(FailedStatusError);
    expect(first.error?.message).toBe("m: move to 10 superseded at 2.000 by a move to 0");
    await clock.tickAsync(2010);
    expect(second.success).toBe(true);
    expect(m.position).toBe(0);
  });

  it("times out with the motor, the limit and the last position, and stops there", async () => {
    const m = new SimMotor({ name: "slow", velocity: 0.5, accelerationTime: 0 });
    const st = m.set(10, { timeoutMs: 1000 });
    await clock.tickAsync(1000);
    expect(st.error).toBeInstanceOf(TimeoutError);
    expect(st.error?.message).toMatch(/^slow: move to 10 timed out after 1000 ms \(last value seen: 0\.4\d*\)$/);
    expect(m.moving).toBe(false);
    const where = m.position;
    await clock.tickAsync(1000);
    expect(m.position).toBe(where);
  });
});

describe("SimMotor: real short move", () => {
  it("arrives on a real clock", async () => {
    const m = new SimMotor({ name: "m", velocity: 100, accelerationTime: 0.005, tickMs: 2 });
    await m.set(1);
    expect(m.position).toBe(1);
    expect(m.moving).toBe(false);
  });
});
