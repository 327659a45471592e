import { EventEmitter } from "node:events";
import { describe, expect, it } from "vitest";
import type { Event, RunStop } from "../documents/types.ts";
import { TransitionError } from "../errors.ts";
import { msg } from "../msg.ts";
import type { Plan } from "../msg.ts";
import { installSigintHandler } from "./sigint.ts";
import { SoftDetector, SoftMotor, SoftSignal, docsNamed, testEngine, until } from "./testing.test-helpers.ts";

/** An engine with a `tick` verb that records its argument each time it runs (replays included). */
function tickingEngine(options: Parameters<typeof testEngine>[0] = {}) {
  const t = testEngine(options);
  const ticks: unknown[] = [];
  t.RE.registerCommand("tick", (m) => {
    ticks.push(m.args[0]);
    return `tick ${String(m.args[0])}`;
  });
  return { ...t, ticks };
}

describe("pause and resume", () => {
  it("a pause message pauses; resume replays the messages since the last checkpoint", async () => {
    const { RE, ticks } = tickingEngine();
    let afterPause: unknown;
    function* plan(): Plan<string> {
      yield msg("tick", undefined, ["before"]);
      yield msg("checkpoint");
      yield msg("tick", undefined, [1]);
      yield msg("tick", undefined, [2]);
      afterPause = yield msg("pause");
      yield msg("tick", undefined, [3]);
      return "done";
    }
    const run = RE.run(plan());
    await until(() => RE.state === "paused");
    expect(ticks).toEqual(["before", 1, 2]);
    RE.resume();
    const result = await run;
    expect(ticks).toEqual(["before", 1, 2, 1, 2, 3]);
    expect(afterPause).toBeUndefined();
    expect(result).toMatchObject({ exitStatus: "success", planResult: "done" });
  });

  it("does not replay when the plan is not rewindable", async () => {
    const { RE, ticks } = tickingEngine();
    function* plan(): Plan<void> {
      yield msg("rewindable", undefined, [false]);
      yield msg("checkpoint");
      yield msg("tick", undefined, [1]);
      yield msg("pause");
      yield msg("tick", undefined, [2]);
    }
    const run = RE.run(plan());
    await until(() => RE.state === "paused");
    RE.resume();
    await run;
    expect(ticks).toEqual([1, 2]);
  });

  it("a pause from outside cuts a wait short; resume repeats it, and the plan gets what the repeat returned", async () => {
    const { RE, ticks } = tickingEngine();
    const states: string[] = [];
    RE.state$.subscribe((s) => states.push(s));
    let reply: unknown;
    function* plan(): Plan<void> {
      yield msg("checkpoint");
      reply = yield msg("tick", undefined, ["a"]);
      yield msg("sleep", undefined, [0.05]);
      yield msg("tick", undefined, ["b"]);
    }
    const run = RE.run(plan());
    await until(() => ticks.length === 1);
    RE.requestPause();
    await until(() => RE.state === "paused");
    expect(ticks).toEqual(["a"]);
    const t0 = Date.now();
    RE.resume();
    await run;
    expect(Date.now() - t0).toBeGreaterThanOrEqual(40);
    expect(ticks).toEqual(["a", "a", "b"]);
    expect(reply).toBe("tick a");
    expect(states).toEqual(["idle", "running", "pausing", "paused", "running", "idle"]);
  });

  it("a deferred pause waits for the next checkpoint; nothing is replayed", async () => {
    const { RE, ticks } = tickingEngine();
    function* plan(): Plan<void> {
      for (let i = 0; i < 4; i++) {
        yield msg("checkpoint");
        yield msg("tick", undefined, [i]);
        yield msg("sleep", undefined, [0.005]);
      }
    }
    const run = RE.run(plan());
    await until(() => ticks.length === 2);
    RE.requestPause(true);
    expect(RE.deferredPauseRequested).toBe(true);
    await until(() => RE.state === "paused");
    expect(ticks).toEqual([0, 1]);
    RE.resume();
    await run;
    expect(ticks).toEqual([0, 1, 2, 3]);
  });

  it("retakes a point under its sequence number after a rewind", async () => {
    const { RE, docs } = testEngine();
    const det = new SoftDetector("det");
    function* plan(): Plan<void> {
      yield msg("open_run");
      for (let i = 0; i < 2; i++) {
        yield msg("checkpoint");
        yield msg("trigger", det, [], { group: "t" });
        yield msg("wait", undefined, [], { group: "t" });
        yield msg("create");
        yield msg("read", det);
        yield msg("save");
        if (i === 0) yield msg("pause");
      }
      yield msg("close_run");
    }
    const run = RE.run(plan());
    await until(() => RE.state === "paused");
    RE.resume();
    await run;
    const events = docsNamed<Event>(docs, "event");
    expect(events.map((e) => [e.seq_num, e.data.det])).toEqual([
      [1, 1],
      [1, 2],
      [2, 3],
    ]);
    expect(docsNamed<RunStop>(docs, "stop")[0]!.num_events).toEqual({ primary: 2 });
  });

  it("stops moved devices, pauses Pausable ones and turns monitors off while paused", async () => {
    const { RE, docs } = testEngine();
    const m = new SoftMotor("m1");
    const current = new SoftSignal("ring_current", 300);
    const calls: string[] = [];
    const pausable = { name: "cam", pause: async () => void calls.push("pause"), resume: async () => void calls.push("resume") };
    function* plan(): Plan<void> {
      yield msg("open_run");
      yield msg("monitor", current);
      yield msg("null", pausable);
      yield msg("set", m, [1]);
      yield msg("checkpoint");
      yield msg("pause");
      yield msg("close_run");
    }
    const run = RE.run(plan());
    await until(() => RE.state === "paused");
    expect(m.stopCalls).toEqual([true]);
    expect(calls).toEqual(["pause"]);
    expect(current.subscriberCount).toBe(0);
    RE.resume();
    await run;
    expect(calls).toEqual(["pause", "resume"]);
    // the monitor came back with a fresh first reading
    expect(docsNamed<Event>(docs, "event").map((e) => e.seq_num)).toEqual([1, 2]);
  });

  it("serves a pause request during a plan that never waits (the loop gives the event loop turns)", async () => {
    const { RE, ticks } = tickingEngine({ yieldEvery: 64 });
    function* plan(): Plan<void> {
      for (let i = 0; i < 1_000_000; i++) {
        yield msg("checkpoint");
        yield msg("tick", undefined, [i]);
      }
    }
    const run = RE.run(plan());
    setTimeout(() => RE.requestPause(), 5);
    await until(() => RE.state === "paused");
    expect(ticks.length).toBeGreaterThan(0);
    expect(ticks.length).toBeLessThan(1_000_000);
    await RE.stop();
    expect((await run).exitStatus).toBe("success");
  });

  it("refuses resume when not paused", () => {
    const { RE } = testEngine();
    expect(() => RE.resume()).toThrow(TransitionError);
    expect(() => RE.resume()).toThrow("cannot resume while the RunEngine is idle");
  });

  it("aborts a plan that is paused after clear_checkpoint", async () => {
    const { RE, docs } = tickingEngine();
    const result = await RE.run([msg("open_run"), msg("clear_checkpoint"), msg("pause"), msg("tick", undefined, [1])]);
    expect(result).toMatchObject({ exitStatus: "abort", reason: "cannot pause or suspend: no checkpoint since 'clear_checkpoint'" });
    expect(docsNamed<RunStop>(docs, "stop")[0]!.exit_status).toBe("abort");
  });
});

describe("stop, abort, halt", () => {
  function* cleanPlan(det: SoftDetector, m: SoftMotor, cleanedUp: string[]): Plan<void> {
    yield msg("open_run");
    yield msg("stage", det);
    try {
      yield msg("set", m, [1]);
      yield msg("checkpoint");
      yield msg("sleep", undefined, [5]);
    } finally {
      cleanedUp.push("finally");
      yield msg("unstage", det);
    }
    yield msg("close_run");
  }

  it("stop from paused lets the plan clean up and closes with success", async () => {
    const { RE, docs } = testEngine();
    const det = new SoftDetector("det");
    const m = new SoftMotor("m1");
    const cleanedUp: string[] = [];
    const run = RE.run(cleanPlan(det, m, cleanedUp));
    await until(() => m.sets.length === 1);
    RE.requestPause();
    await until(() => RE.state === "paused");
    const stopped = RE.stop();
    expect(await run).toEqual({ uids: [expect.any(String)], exitStatus: "success" });
    await stopped;
    expect(cleanedUp).toEqual(["finally"]);
    expect(det.unstaged).toBe(1);
    expect(docsNamed<RunStop>(docs, "stop")[0]).toMatchObject({ exit_status: "success", reason: "" });
  });

  it("abort cuts a sleep short, lets the plan clean up and closes with abort and the reason", async () => {
    const { RE, docs } = testEngine();
    const det = new SoftDetector("det");
    const m = new SoftMotor("m1");
    const cleanedUp: string[] = [];
    const run = RE.run(cleanPlan(det, m, cleanedUp));
    await until(() => m.sets.length === 1);
    const t0 = Date.now();
    await RE.abort("beam dump");
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(await run).toEqual({ uids: [expect.any(String)], exitStatus: "abort", reason: "beam dump" });
    expect(cleanedUp).toEqual(["finally"]);
    expect(m.stopCalls).toEqual([false]);
    expect(docsNamed<RunStop>(docs, "stop")[0]).toMatchObject({ exit_status: "abort", reason: "beam dump" });
  });

  it("halt does no cleanup: nothing stopped or unstaged, runs closed as abort", async () => {
    const { RE, docs } = testEngine();
    const det = new SoftDetector("det");
    const m = new SoftMotor("m1");
    const cleanedUp: string[] = [];
    const run = RE.run(cleanPlan(det, m, cleanedUp));
    await until(() => m.sets.length === 1);
    await RE.halt();
    expect(await run).toMatchObject({ exitStatus: "abort", reason: "halted" });
    expect(m.stopCalls).toEqual([]);
    expect(det.unstaged).toBe(0);
    expect(docsNamed<RunStop>(docs, "stop")[0]).toMatchObject({ exit_status: "abort", reason: "halted" });
  });

  it("refuses stop when idle", async () => {
    const { RE } = testEngine();
    await expect(RE.stop()).rejects.toThrow("cannot stop while the RunEngine is idle");
  });
});

describe("Ctrl-C", () => {
  it("once asks for a deferred pause, twice pauses at once, telling the user what to do", async () => {
    const { RE, ticks } = tickingEngine();
    const source = new EventEmitter();
    const lines: string[] = [];
    const dispose = installSigintHandler(RE, { source, log: (l) => lines.push(l) });
    function* plan(): Plan<void> {
      yield msg("checkpoint");
      yield msg("tick", undefined, [1]);
      yield msg("sleep", undefined, [5]);
    }
    const run = RE.run(plan());
    await until(() => ticks.length === 1);
    source.emit("SIGINT");
    expect(RE.deferredPauseRequested).toBe(true);
    expect(lines[0]).toBe(
      "A 'deferred pause' has been requested. The RunEngine will pause at the next checkpoint. To pause immediately, hit Ctrl-C again within 10 seconds.",
    );
    source.emit("SIGINT");
    await until(() => RE.state === "paused");
    expect(lines[1]).toMatch(/^Pausing now \(second Ctrl-C\)\.\nYour RunEngine is entering a paused state/);
    dispose();
    expect(source.listenerCount("SIGINT")).toBe(0);
    await RE.abort("user");
    expect((await run).exitStatus).toBe("abort");
  });
});
