import sinon from "sinon";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { InvalidArgumentError } from "../errors.ts";
import { one1dStep, oneNdStep, oneShot, movePerStep, repeat, triggerAndRead } from "./per-step.ts";
import { nullStep } from "./stubs.ts";
import { drive, driveToError, FakeDetector, FakeMotor, FakeSignal, summarize } from "./testing.test-helpers.ts";
import type { Movable } from "../protocols.ts";

describe("triggerAndRead", () => {
  it("triggers what can be triggered, waits, then reads everything into one event", () => {
    const det = new FakeDetector("det", () => 3);
    const sig = new FakeSignal("sig", 9);
    const r = drive(triggerAndRead([det, sig]));
    expect(summarize(r.msgs)).toEqual([
      'trigger(det, group="g1")',
      'wait(group="g1")',
      'create(name="primary")',
      "read(det)",
      "read(sig)",
      "save()",
    ]);
    expect(r.value).toEqual({ det: { value: 3, timestamp: 0 }, sig: { value: 9, timestamp: 0 } });
    expect(r.events).toEqual([{ stream: "primary", data: { det: 3, sig: 9 } }]);
  });

  it("skips the wait when nothing is triggerable, and reads each device once", () => {
    const sig = new FakeSignal("sig");
    expect(summarize(drive(triggerAndRead([sig, sig], "baseline")).msgs)).toEqual([
      'create(name="baseline")',
      "read(sig)",
      "save()",
    ]);
  });

  it("yields only null for no devices", () => {
    expect(summarize(drive(triggerAndRead([])).msgs)).toEqual(["null()"]);
  });

  it("drops the bundle and rethrows when a read fails", () => {
    const sig = new FakeSignal("sig");
    const boom = new InvalidArgumentError("read failed");
    const r = driveToError(triggerAndRead([sig]), {
      respond: {
        read: () => {
          throw boom;
        },
      },
    });
    expect(r.error).toBe(boom);
    expect(summarize(r.msgs)).toEqual(['create(name="primary")', "read(sig)", "drop()"]);
  });
});

describe("steps", () => {
  it("oneShot checkpoints, then takes a reading", () => {
    const det = new FakeDetector("det");
    expect(summarize(drive(oneShot([det])).msgs)).toEqual([
      "checkpoint()",
      'trigger(det, group="g1")',
      'wait(group="g1")',
      'create(name="primary")',
      "read(det)",
      "save()",
    ]);
  });

  it("one1dStep moves, waits, then reads detectors and motor", () => {
    const det = new FakeDetector("det");
    const m = new FakeMotor("m");
    expect(summarize(drive(one1dStep([det], m, 2)).msgs)).toEqual([
      "checkpoint()",
      'set(m, 2, group="g1")',
      'wait(group="g1")',
      'trigger(det, group="g2")',
      'wait(group="g2")',
      'create(name="primary")',
      "read(det)",
      "read(m)",
      "save()",
    ]);
  });

  it("movePerStep skips motors already at the cached position", () => {
    const a = new FakeMotor("a");
    const b = new FakeMotor("b");
    const cache = new Map<Movable, unknown>([[a, 1]]);
    const step = new Map<Movable, unknown>([
      [a, 1],
      [b, 2],
    ]);
    expect(summarize(drive(movePerStep(step, cache)).msgs)).toEqual(["checkpoint()", 'set(b, 2, group="g1")', 'wait(group="g1")']);
    expect(cache.get(b)).toBe(2);
  });

  it("oneNdStep moves then reads detectors and the step's motors", () => {
    const det = new FakeDetector("det");
    const a = new FakeMotor("a");
    const r = drive(oneNdStep([det], new Map<Movable, unknown>([[a, 5]]), new Map()));
    expect(r.events).toEqual([{ stream: "primary", data: { det: 1, a: 5, a_setpoint: 5 } }]);
  });
});

describe("repeat", () => {
  let clock: sinon.SinonFakeTimers;
  beforeEach(() => {
    clock = sinon.useFakeTimers({ now: 1_000_000 });
  });
  afterEach(() => clock.restore());

  it("checkpoints before each run and sleeps the delay between runs, not after the last", () => {
    expect(summarize(drive(repeat(() => nullStep(), 3, 0.5)).msgs)).toEqual([
      "checkpoint()",
      "null()",
      "sleep(0.5)",
      "checkpoint()",
      "null()",
      "sleep(0.5)",
      "checkpoint()",
      "null()",
    ]);
  });

  it("takes a list of delays and subtracts the time a run took", () => {
    const slow = function* () {
      clock.tick(200);
      yield* nullStep();
    };
    const sleeps = drive(repeat(slow, 3, [1, 0.1])).msgs.filter((m) => m.command === "sleep").map((m) => m.args[0]);
    expect(sleeps).toHaveLength(1);
    expect(sleeps[0]).toBeCloseTo(0.8, 9);
  });

  it("rejects too few delays and bad numbers", () => {
    expect(() => repeat(() => nullStep(), 4, [1, 2])).toThrow(InvalidArgumentError);
    expect(() => repeat(() => nullStep(), 4, [1, 2])).toThrow("num=4 needs 3 delays but delay gives 2");
    expect(() => repeat(() => nullStep(), 2, -1)).toThrow("delay must be a finite number of seconds >= 0, got -1");
    expect(() => repeat(() => nullStep(), 1.5)).toThrow("num must be a whole number >= 0 or null (forever), got 1.5");
  });

  it("runs forever when num is null", () => {
    const r = driveToError(repeat(() => nullStep(), null), { maxMessages: 50 });
    expect(r.error).toBeInstanceOf(RangeError);
    expect(r.msgs.length).toBe(51);
  });
});
