import sinon from "sinon";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FailedStatusError, InvalidArgumentError, TimeoutError } from "../errors.ts";
import { msg } from "../msg.ts";
import type { Msg, Plan } from "../msg.ts";
import { fly } from "./fly.ts";
import { flyscan } from "./flyscan.ts";
import { rampPlan } from "./ramp.ts";
import { spiralFermat } from "./spiral-fermat.ts";
import { drive, driveToError, FakeDetector, FakeMotor, FakeSignal, FakeStatus, summarize } from "./testing.test-helpers.ts";
import type { DriveOptions } from "./testing.test-helpers.ts";

let clock: sinon.SinonFakeTimers;
beforeEach(() => {
  clock = sinon.useFakeTimers({ now: 0 });
});
afterEach(() => clock.restore());

/**
 * Replies for a motor that moves continuously: the set to `stop` returns a pending Status that finishes
 * (with `error`, if given) when the `doneAfter`-th event is saved; the motor advances on every sleep.
 */
function movingMotor(motor: FakeMotor, stop: number, doneAfter: number, error?: Error): DriveOptions {
  let pending: FakeStatus | undefined;
  let saves = 0;
  return {
    respond: {
      set: (m: Msg) => {
        if (m.args[0] !== stop) return motor.set(m.args[0]);
        pending = new FakeStatus();
        return pending;
      },
      sleep: () => {
        if (!pending?.done) motor.position += 1;
      },
      save: () => {
        if (pending && ++saves === doneAfter) {
          if (!error) motor.position = stop;
          pending.finish(error);
        }
      },
    },
  };
}

describe("flyscan", () => {
  it("moves to start, starts the move without waiting, samples every period until the move is done", () => {
    const m = new FakeMotor("m");
    const det = new FakeDetector("det", () => 10 * m.position);
    // The move completes with the 3rd sample; a 4th is taken at rest.
    const r = drive(flyscan([det], m, 0, 4, 0.25), movingMotor(m, 4, 3));
    const s = summarize(r.msgs);
    const sample = (g: string) => [`trigger(det, group="${g}")`, `wait(group="${g}")`, 'create(name="primary")', "read(det)", "read(m)", "save()"];
    expect(s).toEqual([
      'stage(det, group="g1")',
      'stage(m, group="g1")',
      expect.stringMatching(/^open_run\(/),
      'set(m, 0, group="g2")',
      'wait(group="g2")',
      'set(m, 4, group="g3")',
      ...sample("g4"),
      "sleep(0.25)",
      ...sample("g5"),
      "sleep(0.25)",
      ...sample("g6"),
      "sleep(0.25)",
      ...sample("g7"),
      'wait(group="g3")',
      "close_run()",
      'unstage(m, group="g8")',
      'unstage(det, group="g8")',
    ]);
    expect(r.events.map((e) => e.data.m)).toEqual([0, 1, 2, 4]);
    expect(r.events.map((e) => e.data.det)).toEqual([0, 10, 20, 40]);
    expect(r.events.every((e) => e.stream === "primary")).toBe(true);
  });

  it("takes one sample when the move is already done", () => {
    const m = new FakeMotor("m");
    const r = drive(flyscan([new FakeDetector("d")], m, 0, 1, 0.1));
    expect(r.events).toHaveLength(1);
    expect(r.msgs.filter((x) => x.command === "sleep")).toHaveLength(0);
  });

  it("sleeps only the rest of the period after a slow sample", () => {
    const m = new FakeMotor("m");
    const slow = new FakeDetector("slow", () => {
      clock.tick(100);
      return 1;
    });
    const r = drive(flyscan([slow], m, 0, 3, 0.25), movingMotor(m, 3, 3));
    const sleeps = r.msgs.filter((x) => x.command === "sleep").map((x) => x.args[0] as number);
    expect(sleeps).toHaveLength(3);
    for (const s of sleeps) expect(s).toBeCloseTo(0.15, 9);
  });

  it("records metadata", () => {
    const m = new FakeMotor("m");
    const r = drive(flyscan([new FakeDetector("d")], m, -1, 1, 0.5, { md: { sample: "x" } }));
    expect(r.msgs.find((x) => x.command === "open_run")!.kwargs).toEqual({
      detectors: ["d"],
      motors: ["m"],
      plan_args: { detectors: ["d"], motor: "m", start: -1, stop: 1, period: 0.5 },
      plan_name: "flyscan",
      plan_pattern: "continuous",
      plan_pattern_args: { start: -1, stop: 1, period: 0.5 },
      sample: "x",
      hints: { dimensions: [[["m"], "primary"]] },
    });
  });

  it("surfaces a failed move through the final wait and closes the run as failed", () => {
    const m = new FakeMotor("m");
    const r = driveToError(flyscan([new FakeDetector("d")], m, 0, 5, 0.1), movingMotor(m, 5, 2, new InvalidArgumentError("limit switch")));
    expect(r.error).toBeInstanceOf(FailedStatusError);
    expect(((r.error as Error).cause as Error).message).toBe("limit switch");
    expect(r.events).toHaveLength(3);
    const tail = r.msgs.slice(-4);
    expect(tail.map((x) => x.command)).toEqual(["wait", "close_run", "unstage", "unstage"]);
    expect(tail[1]!.kwargs).toMatchObject({ exit_status: "fail", reason: expect.stringMatching(/^status in group fly-\w+ failed$/) });
    expect(r.msgs.map((x) => x.command)).not.toContain("stop");
  });

  it("stops the motor and fails when the move outlasts the timeout", () => {
    const m = new FakeMotor("m");
    const opts = movingMotor(m, 9, 1000);
    const sleep = opts.respond!.sleep!;
    opts.respond!.sleep = (x, ctx) => {
      clock.tick(1000);
      return sleep(x, ctx);
    };
    const r = driveToError(flyscan([new FakeDetector("d")], m, 0, 9, 1, { timeout: 2.5 }), opts);
    expect(r.error).toBeInstanceOf(TimeoutError);
    expect((r.error as Error).message).toBe("flyscan move of m to 9 timed out after 2500 ms");
    expect(r.msgs.map((x) => x.command)).toContain("stop");
    expect(r.events).toHaveLength(4);
  });

  it("rejects bad arguments before any message", () => {
    const m = new FakeMotor("m");
    const d = new FakeDetector("d");
    expect(() => flyscan([d], m, 0, 1, 0)).toThrow(InvalidArgumentError);
    expect(() => flyscan([d], m, 0, 1, 0)).toThrow("period must be greater than 0, got 0");
    expect(() => flyscan([d], m, 0, Number.NaN, 1)).toThrow("stop must be a finite number, got NaN");
    expect(() => flyscan([d], new FakeSignal("s") as never, 0, 1, 1)).toThrow("motor 's' is not Movable: it needs set()");
  });
});

describe("rampPlan", () => {
  it("takes data while the ramp's status is pending, with the signal monitored", () => {
    const sig = new FakeSignal("temp");
    const status = new FakeStatus();
    let reads = 0;
    function* go(): Plan<unknown> {
      yield msg("set", sig, [300]);
      return status;
    }
    function* inner(): Plan<void> {
      yield msg("read", sig);
      if (++reads === 3) status.finish();
    }
    const r = drive(rampPlan(go(), sig, inner));
    expect(summarize(r.msgs)).toEqual([
      expect.stringMatching(/^open_run\(plan_name="ramp_plan", plan_args=\{"go_plan":.*"monitor_sig":"temp"/),
      'monitor(temp, name="temp_monitor")',
      "read(temp)",
      "set(temp, 300)",
      "read(temp)",
      "read(temp)",
      "read(temp)",
      "unmonitor(temp)",
      "close_run()",
    ]);
  });

  it("waits out the period between points and fails after the timeout", () => {
    const sig = new FakeSignal("temp");
    const status = new FakeStatus();
    function* go(): Plan<unknown> {
      return status;
    }
    function* inner(): Plan<void> {
      clock.tick(300);
      yield msg("read", sig);
    }
    const r = driveToError(rampPlan(go(), sig, inner, { takePreData: false, period: 1, timeout: 2 }));
    expect(r.error).toBeInstanceOf(TimeoutError);
    expect((r.error as Error).message).toBe("ramp_plan ramp timed out after 2000 ms");
    const sleeps = r.msgs.filter((x) => x.command === "sleep").map((x) => x.args[0] as number);
    expect(sleeps.length).toBeGreaterThan(0);
    for (const s of sleeps) expect(s).toBeCloseTo(0.7, 9);
    expect(summarize(r.msgs).at(-1)).toBe('close_run(exit_status="fail", reason="ramp_plan ramp timed out after 2000 ms")');
  });

  it("rejects a go plan that returns no Status", () => {
    function* go(): Plan<unknown> {
      return 5;
    }
    const r = driveToError(rampPlan(go(), new FakeSignal("s"), function* () {}));
    expect(r.error).toBeInstanceOf(InvalidArgumentError);
    expect((r.error as Error).message).toBe("ramp_plan: goPlan must return the ramp's Status, got 5");
  });
});

describe("fly", () => {
  it("kicks off, completes and collects each flyer in a run", () => {
    const f1 = new FakeDetector("f1");
    const f2 = new FakeDetector("f2");
    Object.assign(f1, { kickoff: () => FakeStatus.finished(), complete: () => FakeStatus.finished() });
    Object.assign(f2, { kickoff: () => FakeStatus.finished(), complete: () => FakeStatus.finished() });
    expect(summarize(drive(fly([f1, f2] as never)).msgs)).toEqual([
      'open_run(plan_name="fly", plan_args={"flyers":["f1","f2"]}, hints={})',
      "kickoff(f1)",
      "wait()",
      "kickoff(f2)",
      "wait()",
      "complete(f1)",
      "wait()",
      "complete(f2)",
      "wait()",
      "collect(f1, stream=false, return_payload=true)",
      "collect(f2, stream=false, return_payload=true)",
      "close_run()",
    ]);
    expect(() => fly([new FakeSignal("s")] as never)).toThrow("flyers[0] 's' is not Flyable: it needs kickoff() and complete()");
  });
});

describe("spiralFermat", () => {
  it("moves both motors through the spiral inside the ranges", () => {
    const x = new FakeMotor("x");
    const y = new FakeMotor("y");
    const r = drive(spiralFermat([new FakeDetector("d")], x, y, 0, 0, 1, 1, 0.1, 1));
    expect(r.events.length).toBeGreaterThan(20);
    for (const e of r.events) {
      expect(Math.abs(e.data.x as number)).toBeLessThanOrEqual(0.5);
      expect(Math.abs(e.data.y as number)).toBeLessThanOrEqual(0.5);
    }
    expect(r.msgs.find((m) => m.command === "open_run")!.kwargs).toMatchObject({
      plan_name: "spiral_fermat",
      num_points: r.events.length,
      motors: ["x", "y"],
      plan_args: { x_motor: "x", y_motor: "y", dr: 0.1, factor: 1 },
    });
    expect(() => spiralFermat([], x, y, 0, 0, 1, 1, -0.1, 1)).toThrow("dr must be greater than 0, got -0.1");
  });
});
