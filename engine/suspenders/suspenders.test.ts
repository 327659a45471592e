import { describe, expect, it } from "vitest";
import type { Event, RunStop } from "../documents/types.ts";
import { InvalidArgumentError } from "../errors.ts";
import { msg } from "../msg.ts";
import type { Plan } from "../msg.ts";
import { SoftDetector, SoftSignal, docsNamed, testEngine, until } from "../run_engine/testing.test-helpers.ts";
import { SuspendBoolHigh, SuspendBoolLow, SuspendWhenChanged } from "./bool.ts";
import type { Suspender } from "./suspender.ts";
import { SuspendCeiling, SuspendFloor, SuspendOutOfBand } from "./threshold.ts";

/** Installs `s` on a host that records suspension requests; returns the recorder. */
function watch(s: Suspender): Suspender[] {
  const requests: Suspender[] = [];
  s.install({ requestSuspend: (x) => requests.push(x) });
  return requests;
}

describe("suspender conditions", () => {
  it("SuspendFloor trips below the threshold and clears at the resume threshold (hysteresis)", () => {
    const current = new SoftSignal("ring_current", 300);
    const s = new SuspendFloor(current, 100, { resumeThreshold: 250 });
    const requests = watch(s);
    expect(s.holding).toBe(false);
    current.put(50);
    expect([s.tripped, requests.length]).toEqual([true, 1]);
    current.put(200);
    expect(s.tripped).toBe(true);
    current.put(260);
    expect(s.holding).toBe(false);
    expect(s.justification()).toBe("ring_current: below 100 (resumes at >= 250) (value 260)");
  });

  it("SuspendCeiling trips above the threshold", () => {
    const temp = new SoftSignal("mono_temp", 20);
    const s = new SuspendCeiling(temp, 30, { resumeThreshold: 25 });
    watch(s);
    temp.put(31);
    expect(s.tripped).toBe(true);
    temp.put(28);
    expect(s.tripped).toBe(true);
    temp.put(24);
    expect(s.tripped).toBe(false);
  });

  it("SuspendOutOfBand trips outside the band", () => {
    const v = new SoftSignal("gap", 10);
    const s = new SuspendOutOfBand(v, 5, 15);
    watch(s);
    v.put(16);
    expect(s.tripped).toBe(true);
    v.put(14);
    expect(s.tripped).toBe(false);
    v.put(4);
    expect(s.tripped).toBe(true);
  });

  it("SuspendBoolHigh and SuspendBoolLow follow a flag", () => {
    const flag = new SoftSignal<number>("interlock", 0);
    const high = new SuspendBoolHigh(flag);
    const low = new SuspendBoolLow(flag);
    watch(high);
    watch(low);
    expect([high.tripped, low.tripped]).toEqual([false, true]);
    flag.put(1);
    expect([high.tripped, low.tripped]).toEqual([true, false]);
  });

  it("SuspendWhenChanged takes the first value as expected and resumes only when allowed", () => {
    const mode = new SoftSignal<string>("fill_mode", "top-up");
    const s = new SuspendWhenChanged(mode);
    const allow = new SuspendWhenChanged(mode, { expectedValue: "top-up", allowResume: true });
    watch(s);
    watch(allow);
    mode.put("decay");
    expect([s.tripped, allow.tripped]).toEqual([true, true]);
    mode.put("top-up");
    expect([s.tripped, allow.tripped]).toEqual([true, false]);
  });

  it("holds for the quiet time after the condition clears, restarting it on a new trip", async () => {
    const current = new SoftSignal("ring_current", 300);
    const s = new SuspendFloor(current, 100, { sleepMs: 30 });
    const requests = watch(s);
    current.put(0);
    current.put(300);
    expect([s.tripped, s.holding]).toEqual([false, true]);
    current.put(0);
    current.put(300);
    expect(requests).toHaveLength(1);
    const t0 = Date.now();
    await s.waitCleared();
    expect(Date.now() - t0).toBeGreaterThanOrEqual(25);
    expect(s.holding).toBe(false);
  });

  it("rejects thresholds that would never let the plan resume", () => {
    const v = new SoftSignal("x", 0);
    expect(() => new SuspendFloor(v, 100, { resumeThreshold: 50 })).toThrow(InvalidArgumentError);
    expect(() => new SuspendFloor(v, 100, { resumeThreshold: 50 })).toThrow(
      "SuspendFloor: resumeThreshold 50 is below suspendThreshold 100; the plan would resume still tripped",
    );
    expect(() => new SuspendCeiling(v, 10, { resumeThreshold: 20 })).toThrow(
      "SuspendCeiling: resumeThreshold 20 is above suspendThreshold 10; the plan would resume still tripped",
    );
    expect(() => new SuspendOutOfBand(v, 5, 5)).toThrow("SuspendOutOfBand: the band [5, 5] is empty");
  });
});

describe("suspending the RunEngine", () => {
  /** A count whose detector reads the beam current; `onPoint` runs after each point is saved. */
  function* countWithBeam(det: SoftDetector, n: number, onPoint: (i: number) => void): Plan<void> {
    yield msg("open_run");
    for (let i = 0; i < n; i++) {
      yield msg("checkpoint");
      yield msg("trigger", det, [], { group: "t" });
      yield msg("wait", undefined, [], { group: "t" });
      yield msg("create");
      yield msg("read", det);
      yield msg("save");
      onPoint(i);
      yield msg("sleep", undefined, [0.002]);
    }
    yield msg("close_run");
  }

  it("suspends when the beam current drops, waits for recovery and the quiet time, then goes on", async () => {
    const { RE, docs, log } = testEngine();
    const current = new SoftSignal("ring_current", 300);
    const det = new SoftDetector("det", () => current.value);
    const hooks: string[] = [];
    RE.registerCommand("note", (m) => void hooks.push(String(m.args[0])));
    const suspender = new SuspendFloor(current, 100, {
      resumeThreshold: 250,
      sleepMs: 20,
      prePlan: function* () {
        yield msg("note", undefined, ["close shutter"]);
      },
      postPlan: function* () {
        yield msg("note", undefined, ["open shutter"]);
      },
      trippedMessage: "beam lost",
    });
    RE.installSuspender(suspender);
    const states: string[] = [];
    RE.state$.subscribe((s) => states.push(s));
    const run = RE.run(countWithBeam(det, 6, (i) => i === 2 && current.put(20)));
    await until(() => RE.state === "suspending");
    await until(() => hooks.length === 1);
    expect(hooks).toEqual(["close shutter"]);
    current.put(200); // above the floor, below the resume threshold: still suspended
    await new Promise((r) => setTimeout(r, 10));
    expect(RE.state).toBe("suspending");
    current.put(300);
    const result = await run;
    expect(result.exitStatus).toBe("success");
    expect(hooks).toEqual(["close shutter", "open shutter"]);
    expect(states).toEqual(["idle", "running", "suspending", "running", "idle"]);
    expect(log[0]).toBe("skyloop: suspending: ring_current: below 100 (resumes at >= 250) (value 20): beam lost");
    const events = docsNamed<Event>(docs, "event");
    // The beam dropped after point 3 was saved but before the next checkpoint: the rewind retakes point 3
    // under its own sequence number, as Bluesky does; no point is lost.
    expect(events.map((e) => e.seq_num)).toEqual([1, 2, 3, 3, 4, 5, 6]);
    expect(events.every((e) => e.data.det === 300)).toBe(true);
    expect(docsNamed<RunStop>(docs, "stop")[0]!.num_events).toEqual({ primary: 6 });
    RE.removeSuspender(suspender);
    expect(current.subscriberCount).toBe(0);
  });

  it("waits before the first message when the beam is already down", async () => {
    const { RE, docs } = testEngine();
    const current = new SoftSignal("ring_current", 0);
    RE.installSuspender(new SuspendFloor(current, 100));
    const det = new SoftDetector("det", () => current.value);
    const run = RE.run(countWithBeam(det, 2, () => undefined));
    await until(() => RE.state === "suspending");
    expect(docs).toEqual([]);
    current.put(150);
    await run;
    expect(docsNamed<Event>(docs, "event").map((e) => e.data.det)).toEqual([150, 150]);
  });

  it("installs suspenders from the plan and removes them when it ends; abort ends a suspension", async () => {
    const { RE, docs } = testEngine();
    const mode = new SoftSignal<string>("fill_mode", "top-up");
    const s = new SuspendWhenChanged(mode);
    function* plan(): Plan<void> {
      yield msg("install_suspender", undefined, [s]);
      yield msg("open_run");
      yield msg("checkpoint");
      mode.put("decay");
      yield msg("sleep", undefined, [5]);
      yield msg("close_run");
    }
    const run = RE.run(plan());
    await until(() => RE.state === "suspending");
    expect(RE.installedSuspenders).toEqual([s]);
    await RE.abort("fill mode changed");
    expect(await run).toMatchObject({ exitStatus: "abort", reason: "fill mode changed" });
    expect(RE.installedSuspenders).toEqual([]);
    expect(mode.subscriberCount).toBe(0);
    expect(docsNamed<RunStop>(docs, "stop")[0]).toMatchObject({ exit_status: "abort", reason: "fill mode changed" });
  });
});
