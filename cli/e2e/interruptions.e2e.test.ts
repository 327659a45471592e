/**
 * Pause and resume with rewind, Ctrl-C (once: deferred; twice: now), a beam-current suspender, and cleanup
 * after a failure, all on real simulated devices with really moving motors.
 */
import { EventEmitter } from "node:events";
import { firstValueFrom } from "rxjs";
import { filter } from "rxjs/operators";
import { describe, expect, it } from "vitest";
import { FailedStatusError } from "../../engine/errors.ts";
import type { Event } from "../../engine/documents/types.ts";
import { msg } from "../../engine/msg.ts";
import type { Plan } from "../../engine/msg.ts";
import * as plans from "../../engine/plans/index.ts";
import { RunEngineState } from "../../engine/run_engine/index.ts";
import type { RunEngine } from "../../engine/run_engine/index.ts";
import { SuspendFloor } from "../../engine/suspenders/index.ts";
import { SimDetector, peakValue } from "../../devices/index.ts";
import type { SimMotor } from "../../devices/index.ts";
import { PEAK_CENTER, cameraIn, checkedEngine, instrument, tempDir } from "./instrument.ts";
import type { DocumentChecker } from "./documents.ts";

const det1At = (x: number) => peakValue("gaussian", x, PEAK_CENTER, 0.8, 1000, 20);
const reached = (RE: RunEngine, state: RunEngineState) => firstValueFrom(RE.state$.pipe(filter((s) => s === state)));

/** Calls `fn` once, on the n-th primary event. */
function onEvent(RE: RunEngine, n: number, fn: () => void): void {
  let seen = 0;
  const token = RE.subscribe((_name, doc) => {
    if (++seen === n) {
      RE.unsubscribe(token);
      fn();
    }
  }, "event");
}

/** Calls `fn` once, as soon as the motor reports it is moving (EPICS DMOV going to 0). */
function whenMoving(motor: SimMotor, fn: () => void): void {
  let unsubscribe: (() => void) | undefined;
  let done = false;
  unsubscribe = motor.motor_done_move.subscribeValue((dmov) => {
    if (dmov !== 0 || done) return;
    done = true;
    queueMicrotask(() => unsubscribe?.());
    fn();
  });
  if (done) unsubscribe();
}

/** The last event taken for each seq_num of the primary stream, in seq order. */
function finalPoints(docs: DocumentChecker): Event[] {
  const bySeq = new Map<number, Event>();
  for (const e of docs.eventsOf()) bySeq.set(e.seq_num, e);
  return [...bySeq.keys()].sort((a, b) => a - b).map((k) => bySeq.get(k)!);
}

function expectCompleteScan(docs: DocumentChecker, positions: number[]): void {
  const points = finalPoints(docs);
  expect(points.map((e) => e.seq_num)).toEqual(positions.map((_, i) => i + 1));
  points.forEach((e, i) => {
    expect(e.data["motor1"] as number).toBeCloseTo(positions[i]!, 6);
    expect(e.data["det1"] as number).toBeCloseTo(det1At(e.data["motor1"] as number), 3);
  });
  expect(docs.stops[0]!.num_events).toEqual({ primary: positions.length });
  expect(docs.stops[0]!.exit_status).toBe("success");
}

const linspace = (a: number, b: number, n: number) => Array.from({ length: n }, (_, i) => a + ((b - a) * i) / (n - 1));

describe("pause and resume", () => {
  it("an immediate pause stops the moving motor; resume rewinds to the checkpoint and completes every point", async () => {
    const d = instrument();
    d.motor1.velocity.set(20);
    const { RE, docs } = checkedEngine({ rewound: true });
    let movingWhenPaused = false;
    // Mid-move to the fourth point: pause now.
    onEvent(RE, 3, () =>
      whenMoving(d.motor1, () => {
        movingWhenPaused = d.motor1.moving;
        RE.requestPause(false);
      }),
    );
    const run = RE.run(plans.scan([d.det1], d.motor1, -1, 1, 9));
    await reached(RE, RunEngineState.Paused);
    expect(movingWhenPaused).toBe(true);
    expect(d.motor1.moving).toBe(false);
    const where = d.motor1.position;
    await new Promise((r) => setTimeout(r, 20));
    expect(d.motor1.position).toBe(where);
    RE.resume();
    const result = await run;
    expect(result.exitStatus).toBe("success");
    expect(docs.finish()).toEqual([]);
    expectCompleteScan(docs, linspace(-1, 1, 9));
  });
});

describe("Ctrl-C", () => {
  it("once: a deferred pause at the next checkpoint, nothing re-taken; resume finishes", async () => {
    const d = instrument();
    const sigint = new EventEmitter();
    const { RE, docs, logs } = checkedEngine();
    const uninstall = RE.installSigintHandler({ source: sigint, windowMs: 10_000 });
    onEvent(RE, 2, () => sigint.emit("SIGINT"));
    const run = RE.run(plans.scan([d.det1], d.motor1, -1, 1, 5));
    await reached(RE, RunEngineState.Paused);
    expect(logs.some((l) => l.includes("deferred pause"))).toBe(true);
    // Paused at a checkpoint: the point in progress was completed, so nothing is taken twice.
    expect(docs.eventsOf().map((e) => e.seq_num)).toEqual([1, 2]);
    expect(d.motor1.moving).toBe(false);
    RE.resume();
    await run;
    uninstall();
    expect(docs.finish()).toEqual([]);
    expect(docs.eventsOf().map((e) => e.seq_num)).toEqual([1, 2, 3, 4, 5]);
    expectCompleteScan(docs, linspace(-1, 1, 5));
  });

  it("twice: pauses at once; abort then cleans up and closes the run as aborted", async () => {
    const d = instrument();
    d.motor1.velocity.set(5);
    const sigint = new EventEmitter();
    const { RE, docs, logs } = checkedEngine({ rewound: true });
    const uninstall = RE.installSigintHandler({ source: sigint });
    onEvent(RE, 1, () =>
      whenMoving(d.motor1, () => {
        sigint.emit("SIGINT");
        sigint.emit("SIGINT");
      }),
    );
    const run = RE.run(plans.scan([d.det1], d.motor1, 0, 4, 5));
    await reached(RE, RunEngineState.Paused);
    expect(logs.some((l) => l.includes("Pausing now (second Ctrl-C)"))).toBe(true);
    expect(d.motor1.moving).toBe(false);
    expect(d.motor1.position).toBeGreaterThan(0);
    expect(d.motor1.position).toBeLessThan(1);
    await RE.abort("operator gave up");
    const result = await run;
    uninstall();
    expect(result.exitStatus).toBe("abort");
    expect(docs.finish()).toEqual([]);
    expect(docs.stops[0]).toMatchObject({ exit_status: "abort", reason: "the plan was aborted: operator gave up", num_events: { primary: 1 } });
    expect(RE.state).toBe(RunEngineState.Idle);
  });
});

describe("a beam-current suspender", () => {
  it("suspends when the current drops, waits for the resume threshold, and finishes with every point", async () => {
    const d = instrument();
    d.motor1.velocity.set(50);
    const { RE, docs, logs } = checkedEngine({ rewound: true });
    const states: RunEngineState[] = [];
    RE.state$.subscribe((s) => states.push(s));
    RE.installSuspender(new SuspendFloor(d.ringCurrent, 100, { resumeThreshold: 200 }));
    onEvent(RE, 4, () => setTimeout(() => d.ringCurrent.set(40), 2));
    const run = RE.run(plans.scan([d.det1], d.motor1, -1, 1, 9));
    await reached(RE, RunEngineState.Suspending);
    expect(logs.some((l) => l.includes("suspending: ring_current: below 100 (resumes at >= 200)"))).toBe(true);
    const before = docs.events.length;
    d.ringCurrent.set(150); // recovering, but not yet at the resume threshold
    await new Promise((r) => setTimeout(r, 30));
    expect(RE.state).toBe(RunEngineState.Suspending);
    expect(docs.events.length).toBe(before);
    d.ringCurrent.set(300);
    const result = await run;
    expect(result.exitStatus).toBe("success");
    expect(states).toContain(RunEngineState.Suspending);
    expect(docs.finish()).toEqual([]);
    expectCompleteScan(docs, linspace(-1, 1, 9));
    RE.clearSuspenders();
  });
});

describe("cleanup after a failure", () => {
  it("stops the moving motor, unstages, clears monitors and closes every open run saying why", async () => {
    const d = instrument();
    d.motor1.velocity.set(5);
    const cam = cameraIn(tempDir("cleanup"), "stream");
    const bad = new SimDetector({
      name: "bad",
      compute: () => {
        throw new FailedStatusError("bad: detector saturated");
      },
      acquireTime: 0.01,
    });
    const unstaged: string[] = [];
    for (const dev of [cam, d.det1]) {
      const original = dev.unstage.bind(dev);
      dev.unstage = async () => {
        unstaged.push(dev.name);
        await original();
      };
    }
    function* twoRuns(): Plan<void> {
      yield* plans.stage(cam);
      yield* plans.stage(d.det1);
      yield msg("open_run", undefined, [], { plan_name: "outer", plan_args: {} }, "outer");
      yield msg("open_run", undefined, [], { plan_name: "inner", plan_args: {} }, "inner");
      yield msg("monitor", d.ringCurrent, [], {}, "outer");
      yield* plans.setRunKeyWrapper(plans.triggerAndRead([cam, d.det1]), "inner");
      yield* plans.absSet(d.motor1, 5, { group: "move" });
      yield* plans.trigger(bad, { wait: true });
      yield msg("close_run", undefined, [], {}, "inner");
      yield msg("close_run", undefined, [], {}, "outer");
    }
    const { RE, docs } = checkedEngine();
    const run = RE.run(twoRuns());
    await expect(run).rejects.toThrow(FailedStatusError);
    await expect(run).rejects.toThrow("bad: detector saturated");
    expect(d.motor1.moving).toBe(false);
    const stoppedAt = d.motor1.position;
    expect(stoppedAt).toBeGreaterThan(0);
    expect(stoppedAt).toBeLessThan(0.5);
    expect(unstaged.sort()).toEqual(["cam", "det1"]);
    expect(docs.finish()).toEqual([]);
    expect(docs.stops).toHaveLength(2);
    for (const stop of docs.stops) {
      expect(stop.exit_status).toBe("fail");
      expect(stop.reason).toBe("FailedStatusError: bad: detector saturated");
    }
    const n = docs.docs.length;
    d.ringCurrent.set(1);
    await new Promise((r) => setTimeout(r, 20));
    expect(docs.docs.length).toBe(n);
    expect(d.motor1.position).toBe(stoppedAt);
    expect(RE.state).toBe(RunEngineState.Idle);
  });
});
