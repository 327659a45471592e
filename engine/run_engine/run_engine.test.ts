import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { EventDescriptor, Event, EventPage, RunStart, RunStop } from "../documents/types.ts";
import {
  ConfigError,
  DocumentValidationError,
  FailedStatusError,
  IllegalMessageSequenceError,
  InvalidArgumentError,
  InvalidCommandError,
  LimitError,
  TimeoutError,
  TransitionError,
} from "../errors.ts";
import { msg } from "../msg.ts";
import type { Msg, Plan } from "../msg.ts";
import type { Status } from "../protocols.ts";
import { RunEngine } from "./run_engine.ts";
import { SoftDetector, SoftFlyer, SoftMotor, SoftSignal, TestStatus, docsNamed, testEngine } from "./testing.test-helpers.ts";

function* countPlan(det: SoftDetector, n: number, md: Record<string, unknown> = {}): Plan<string> {
  const uid = (yield msg("open_run", undefined, [], { plan_name: "count", ...md })) as string;
  for (let i = 0; i < n; i++) {
    yield msg("checkpoint");
    yield msg("trigger", det, [], { group: "g" });
    yield msg("wait", undefined, [], { group: "g" });
    yield msg("create", undefined, [], { name: "primary" });
    yield msg("read", det);
    yield msg("save");
  }
  yield msg("close_run");
  return uid;
}

describe("RunEngine documents", () => {
  it("writes start, descriptor, events and stop for a count, validated", async () => {
    const { RE, docs } = testEngine();
    const det = new SoftDetector("det", (n) => n * 10);
    const result = await RE.run(countPlan(det, 3));
    expect(docs.map(([n]) => n)).toEqual(["start", "descriptor", "event", "event", "event", "stop"]);
    const start = docsNamed<RunStart>(docs, "start")[0]!;
    expect(start).toMatchObject({ plan_name: "count", plan_type: "generator", scan_id: 1 });
    expect(result).toEqual({ uids: [start.uid], exitStatus: "success", planResult: start.uid });
    const desc = docsNamed<EventDescriptor>(docs, "descriptor")[0]!;
    expect(desc).toMatchObject({
      run_start: start.uid,
      name: "primary",
      data_keys: { det: { dtype: "number", shape: [], source: "soft://det", object_name: "det" } },
      hints: { det: { fields: ["det"] } },
      object_keys: { det: ["det"] },
      configuration: { det: { data: {}, timestamps: {}, data_keys: {} } },
    });
    const events = docsNamed<Event>(docs, "event");
    expect(events.map((e) => [e.seq_num, e.data.det, e.descriptor])).toEqual([
      [1, 10, desc.uid],
      [2, 20, desc.uid],
      [3, 30, desc.uid],
    ]);
    expect(events[0]!.filled).toEqual({});
    expect(typeof events[0]!.timestamps.det).toBe("number");
    expect(events[0]!.time).toBeGreaterThan(1.6e9);
    expect(events[0]!.time).toBeLessThan(1e11);
    const stop = docsNamed<RunStop>(docs, "stop")[0]!;
    expect(stop).toMatchObject({ run_start: start.uid, exit_status: "success", reason: "", num_events: { primary: 3 } });
  });

  it("includes configuration, hints and object keys of every device read", async () => {
    const { RE, docs } = testEngine();
    const m = new SoftMotor("m1");
    m.velocity = 2.5;
    const det = new SoftDetector("det");
    await RE.run([msg("open_run"), msg("create"), msg("read", m), msg("read", det), msg("save"), msg("close_run")]);
    const desc = docsNamed<EventDescriptor>(docs, "descriptor")[0]!;
    expect(Object.keys(desc.data_keys)).toEqual(["m1", "m1_setpoint", "det"]);
    expect(desc.data_keys.m1_setpoint!.object_name).toBe("m1");
    expect(desc.object_keys).toEqual({ m1: ["m1", "m1_setpoint"], det: ["det"] });
    expect(desc.configuration!.m1!.data).toEqual({ m1_velocity: 2.5 });
    expect(desc.configuration!.m1!.data_keys.m1_velocity!.source).toBe("soft://m1.VELO");
    expect(desc.hints).toEqual({ m1: { fields: ["m1"] }, det: { fields: ["det"] } });
  });

  it("marks external keys in filled", async () => {
    const { RE, docs } = testEngine();
    const cam = new SoftDetector("cam");
    cam.describe = async () => ({ cam: { dtype: "array", shape: [2, 2], source: "x", external: "FILESTORE:" } });
    await RE.run([msg("open_run"), msg("create"), msg("read", cam), msg("save"), msg("close_run")]);
    expect(docsNamed<Event>(docs, "event")[0]!.filled).toEqual({ cam: false });
  });

  it("emits a new descriptor under the same name after configure, and returns old and new configuration", async () => {
    const { RE, docs } = testEngine();
    const m = new SoftMotor("m1");
    let reply: unknown;
    function* plan(): Plan<void> {
      yield msg("open_run");
      for (const v of [1, 3]) {
        reply = yield msg("configure", m, [{ velocity: v }]);
        yield msg("create");
        yield msg("read", m);
        yield msg("save");
      }
      yield msg("close_run");
    }
    await RE.run(plan());
    const [oldConf, newConf] = reply as [Record<string, { value: unknown }>, Record<string, { value: unknown }>];
    expect([oldConf.m1_velocity!.value, newConf.m1_velocity!.value]).toEqual([1, 3]);
    const descs = docsNamed<EventDescriptor>(docs, "descriptor");
    expect(descs.map((d) => [d.name, d.configuration!.m1!.data.m1_velocity])).toEqual([
      ["primary", 1],
      ["primary", 3],
    ]);
    expect(docsNamed<Event>(docs, "event").map((e) => e.seq_num)).toEqual([1, 2]);
  });

  it("refuses a stream saved with a different set of devices", async () => {
    const { RE } = testEngine();
    const a = new SoftDetector("a");
    const b = new SoftDetector("b");
    let caught: unknown;
    function* plan(): Plan<void> {
      yield msg("open_run");
      yield* [msg("create"), msg("read", a), msg("save")];
      yield msg("create");
      yield msg("read", b);
      try {
        yield msg("save");
      } catch (e) {
        caught = e;
      }
      yield msg("close_run");
    }
    await RE.run(plan());
    expect(caught).toBeInstanceOf(IllegalMessageSequenceError);
    expect((caught as Error).message).toBe(
      "stream 'primary' was first saved with [a]; this bundle read [b]: use another stream name for a different set of devices",
    );
  });

  it("writes event pages for a flyer, with sequence numbers running on", async () => {
    const { RE, docs } = testEngine();
    const flyer = new SoftFlyer("fly", 5, 2);
    const replies: unknown[] = [];
    function* plan(): Plan<void> {
      yield msg("open_run");
      replies.push(yield msg("kickoff", flyer, [], { group: "f" }));
      yield msg("wait", undefined, [], { group: "f" });
      replies.push(yield msg("complete", flyer, [], { wait: true }));
      replies.push(yield msg("collect", flyer, [], { name: "fly_stream" }));
      yield msg("close_run");
    }
    await RE.run(plan());
    expect(flyer.kickedOff && flyer.completed).toBe(true);
    expect((replies[0] as Status).done).toBe(true);
    expect((replies[1] as Status).success).toBe(true);
    const pages = docsNamed<EventPage>(docs, "event_page");
    expect(pages.map((p) => p.seq_num)).toEqual([[1, 2], [3, 4], [5]]);
    expect(pages.map((p) => p.data.fly_x)).toEqual([[0, 1], [2, 3], [4]]);
    expect(replies[2]).toEqual(pages);
    expect(docsNamed<EventDescriptor>(docs, "descriptor")[0]!.name).toBe("fly_stream");
    expect(docsNamed<RunStop>(docs, "stop")[0]!.num_events).toEqual({ fly_stream: 5 });
  });

  it("declares a stream, then saves into it; the factory composes and emits events", async () => {
    const { RE, docs } = testEngine();
    const det = new SoftDetector("det");
    let declared: unknown;
    function* plan(): Plan<void> {
      yield msg("open_run");
      declared = yield msg("declare_stream", undefined, [det], { name: "baseline" });
      yield* [msg("create", undefined, [], { name: "baseline" }), msg("read", det), msg("save")];
      yield msg("close_run");
    }
    await RE.run(plan());
    const [desc, factory] = declared as [EventDescriptor, unknown];
    expect(desc.name).toBe("baseline");
    expect(typeof factory).toBe("function");
    expect(docsNamed<EventDescriptor>(docs, "descriptor")).toHaveLength(1);
    expect(docsNamed<Event>(docs, "event")[0]!.descriptor).toBe(desc.uid);
  });

  it("monitors a signal into a stream named after it, until unmonitor", async () => {
    const { RE, docs } = testEngine();
    const current = new SoftSignal("ring_current", 300);
    function* plan(): Plan<void> {
      yield msg("open_run");
      yield msg("monitor", current);
      current.put(299);
      current.put(298);
      yield msg("unmonitor", current);
      current.put(1);
      yield msg("close_run");
    }
    await RE.run(plan());
    const desc = docsNamed<EventDescriptor>(docs, "descriptor")[0]!;
    expect(desc.name).toBe("ring_current");
    expect(docsNamed<Event>(docs, "event").map((e) => [e.seq_num, e.data.ring_current])).toEqual([
      [1, 300],
      [2, 299],
      [3, 298],
    ]);
    expect(docsNamed<RunStop>(docs, "stop")[0]!.num_events).toEqual({ ring_current: 3 });
    expect(current.subscriberCount).toBe(0);
  });

  it("keeps several runs open at once, keyed by Msg.run", async () => {
    const { RE, docs } = testEngine();
    const det = new SoftDetector("det");
    const result = await RE.run([
      msg("open_run", undefined, [], { purpose: "a" }, "A"),
      msg("open_run", undefined, [], { purpose: "b" }, "B"),
      msg("create", undefined, [], {}, "A"),
      msg("read", det, [], {}, "A"),
      msg("save", undefined, [], {}, "A"),
      msg("close_run", undefined, [], {}, "B"),
      msg("create", undefined, [], {}, "A"),
      msg("read", det, [], {}, "A"),
      msg("save", undefined, [], {}, "A"),
      msg("close_run", undefined, [], {}, "A"),
    ]);
    const starts = docsNamed<RunStart>(docs, "start");
    expect(starts.map((s) => [s.purpose, s.scan_id])).toEqual([
      ["a", 1],
      ["b", 2],
    ]);
    expect(result.uids).toEqual(starts.map((s) => s.uid));
    const stops = docsNamed<RunStop>(docs, "stop");
    expect(stops.map((s) => [s.run_start, s.num_events])).toEqual([
      [starts[1]!.uid, {}],
      [starts[0]!.uid, { primary: 2 }],
    ]);
  });

  it("emits on documents$ too", async () => {
    const RE = new RunEngine({ log: () => undefined });
    const names: string[] = [];
    const sub = RE.documents$.subscribe(([n]) => names.push(n));
    await RE.run([msg("open_run"), msg("close_run")]);
    sub.unsubscribe();
    expect(names).toEqual(["start", "stop"]);
  });

  it("throws a document that fails validation into the plan", async () => {
    const { RE } = testEngine();
    let caught: unknown;
    function* plan(): Plan<void> {
      try {
        yield msg("open_run", undefined, [], { "sample.name": "Cu" });
      } catch (e) {
        caught = e;
      }
    }
    await RE.run(plan());
    expect(caught).toBeInstanceOf(DocumentValidationError);
    expect((caught as Error).message).toMatch(/^invalid start document: \/sample\.name: is not an allowed property/);
  });
});

describe("RunEngine commands", () => {
  it("sends each command's result back into the plan", async () => {
    const { RE } = testEngine();
    const m = new SoftMotor("m1");
    const m2 = new SoftMotor("m2");
    const det = new SoftDetector("det", () => 7);
    const seen: Record<string, unknown> = {};
    function* plan(): Plan<void> {
      seen.open = yield msg("open_run");
      seen.set = yield msg("set", m, [2], { group: "s" });
      seen.wait = yield msg("wait", undefined, [], { group: "s" });
      seen.read = yield msg("read", det);
      seen.locate = yield msg("locate", m);
      seen.locate2 = yield msg("locate", m, [m2]);
      seen.trigger = yield msg("trigger", det);
      seen.rewindable = yield msg("rewindable", undefined, [false]);
      seen.rewindableAgain = yield msg("rewindable", undefined, [true]);
      seen.null = yield msg("null");
      seen.close = yield msg("close_run");
    }
    await RE.run(plan());
    expect(typeof seen.open).toBe("string");
    expect(seen.close).toBe(seen.open);
    expect((seen.set as Status).success).toBe(true);
    expect((seen.trigger as Status).done).toBe(true);
    expect(seen.wait).toBeUndefined();
    expect((seen.read as Record<string, { value: unknown }>).det!.value).toBe(7);
    expect(seen.locate).toEqual({ setpoint: 2, readback: 2 });
    expect(seen.locate2).toEqual([
      { setpoint: 2, readback: 2 },
      { setpoint: 0, readback: 0 },
    ]);
    expect([seen.rewindable, seen.rewindableAgain]).toEqual([true, false]);
    expect(seen.null).toBeUndefined();
  });

  it("throws an unknown command into the plan as InvalidCommandError naming it", async () => {
    const { RE } = testEngine();
    let caught: unknown;
    function* plan(): Plan<string> {
      try {
        yield msg("teleport");
      } catch (e) {
        caught = e;
      }
      return "went on";
    }
    const result = await RE.run(plan());
    expect(caught).toBeInstanceOf(InvalidCommandError);
    expect((caught as Error).message).toBe("unknown command 'teleport': register it with RunEngine.registerCommand() before using it");
    expect(result.planResult).toBe("went on");
  });

  it("fails the run with the plan's own error, closing its run with exit_status fail", async () => {
    const { RE, docs } = testEngine();
    const run = RE.run([msg("open_run"), msg("teleport")]);
    await expect(run).rejects.toThrow(InvalidCommandError);
    await expect(run).rejects.toThrow("unknown command 'teleport'");
    expect(docsNamed<RunStop>(docs, "stop")[0]).toMatchObject({
      exit_status: "fail",
      reason: "InvalidCommandError: unknown command 'teleport': register it with RunEngine.registerCommand() before using it",
    });
    expect(RE.state).toBe("idle");
  });

  it("runs custom commands registered by name", async () => {
    const { RE } = testEngine();
    const calls: unknown[] = [];
    RE.registerCommand("beep", (m) => {
      calls.push(m.args[0]);
      return `beeped ${String(m.args[0])}`;
    });
    RE.registerCommand("slow_beep", async (m) => `slowly ${String(m.args[0])}`);
    let replies: unknown[] = [];
    function* plan(): Plan<void> {
      replies = [yield msg("beep", undefined, [1]), yield msg("slow_beep", undefined, [2])];
    }
    await RE.run(plan());
    expect(calls).toEqual([1]);
    expect(replies).toEqual(["beeped 1", "slowly 2"]);
  });

  it("refuses a plan that yields something other than a Msg", async () => {
    const { RE } = testEngine();
    const run = RE.run([42 as unknown as Msg]);
    await expect(run).rejects.toThrow(InvalidArgumentError);
    await expect(run).rejects.toThrow("a plan must yield Msg objects, got number");
  });

  it("refuses a plan function that was not called", async () => {
    const { RE } = testEngine();
    await expect(RE.run(countPlan as unknown as Plan)).rejects.toThrow(
      "run() needs a plan, got the function countPlan: call it, e.g. RE.run(count([det]))",
    );
  });

  it("checks message order", async () => {
    const { RE } = testEngine();
    const errors: string[] = [];
    function* attempt(m: Msg): Plan<void> {
      try {
        yield m;
      } catch (e) {
        expect(e).toBeInstanceOf(IllegalMessageSequenceError);
        errors.push((e as Error).message);
      }
    }
    function* plan(): Plan<void> {
      yield* attempt(msg("create"));
      yield msg("open_run");
      yield* attempt(msg("open_run"));
      yield* attempt(msg("save"));
      yield msg("create");
      yield* attempt(msg("create", undefined, [], { name: "other" }));
      yield* attempt(msg("checkpoint"));
      yield msg("drop");
      yield msg("close_run");
      yield* attempt(msg("close_run"));
    }
    await RE.run(plan());
    expect(errors).toEqual([
      "'create' needs an open run: 'open_run' first",
      "'open_run' while a run is open: 'close_run' it first",
      "'save' without an open bundle: no 'create' before it",
      "'create' for stream 'other' while the bundle for 'primary' is open: 'save' or 'drop' it first",
      "'checkpoint' between 'create' and 'save': a point cannot be half rewound",
      "'close_run' needs an open run: 'open_run' first",
    ]);
  });

  it("names the missing protocol when a device does not fit the verb", async () => {
    const { RE } = testEngine();
    const det = new SoftDetector("det");
    await expect(RE.run([msg("set", det, [1])])).rejects.toThrow("'set' needs a Movable device, got det");
  });

  it("keeps LimitError when a set fails on limits", async () => {
    const { RE } = testEngine();
    const m = new SoftMotor("m1", [-1, 1]);
    let caught: unknown;
    function* plan(): Plan<void> {
      yield msg("set", m, [5], { group: "g" });
      try {
        yield msg("wait", undefined, [], { group: "g" });
      } catch (e) {
        caught = e;
      }
    }
    await RE.run(plan());
    expect(caught).toBeInstanceOf(LimitError);
    expect((caught as Error).message).toBe("m1: 5 is outside the limits [-1, 1]; nothing was moved");
  });

  it("names the device of a failed status", async () => {
    const { RE } = testEngine();
    const det = new SoftDetector("det");
    det.trigger = () => TestStatus.failed(new Error("no beam"));
    const run = RE.run([msg("trigger", det, [], { group: "t" }), msg("wait", undefined, [], { group: "t" })]);
    await expect(run).rejects.toThrow(FailedStatusError);
    await expect(run).rejects.toThrow("trigger of det failed: Error: no beam");
  });

  it("times out a wait, naming the group and what is still pending; move_on goes on quietly", async () => {
    const { RE } = testEngine();
    const m = new SoftMotor("m1");
    m.moveMs = 300;
    let caught: unknown;
    function* plan(): Plan<void> {
      yield msg("set", m, [1], { group: "slow" });
      yield msg("wait", undefined, [], { group: "slow", timeout: 0.01, move_on: true });
      try {
        yield msg("wait", undefined, [], { group: "slow", timeout: 0.01 });
      } catch (e) {
        caught = e;
      }
    }
    await RE.run(plan());
    expect(caught).toBeInstanceOf(TimeoutError);
    expect((caught as Error).message).toBe('wait for group "slow" (set of m1) timed out after 10 ms');
  });

  it("passes a set timeout to the device; its TimeoutError names the device", async () => {
    const { RE } = testEngine();
    const m = new SoftMotor("m1");
    m.moveMs = 300;
    const run = RE.run([msg("set", m, [1], { group: "g", timeout: 0.01 }), msg("wait", undefined, [], { group: "g" })]);
    await expect(run).rejects.toThrow(TimeoutError);
    await expect(run).rejects.toThrow("set of m1 timed out after 10 ms");
  });

  it("sleeps, in seconds", async () => {
    const { RE } = testEngine();
    const t0 = Date.now();
    await RE.run([msg("sleep", undefined, [0.03])]);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(25);
  });

  it("waits for promises with wait_for; a rejection and a timeout reach the plan", async () => {
    const { RE } = testEngine();
    let done = false;
    const caught: unknown[] = [];
    function* plan(): Plan<void> {
      yield msg("wait_for", undefined, [[async () => void (done = true)]]);
      try {
        yield msg("wait_for", undefined, [[() => Promise.reject(new LimitError("x", 9, [0, 1]))]]);
      } catch (e) {
        caught.push(e);
      }
      try {
        yield msg("wait_for", undefined, [[() => new Promise(() => undefined)]], { timeout: 0.01 });
      } catch (e) {
        caught.push(e);
      }
    }
    await RE.run(plan());
    expect(done).toBe(true);
    expect(caught[0]).toBeInstanceOf(LimitError);
    expect(caught[1]).toBeInstanceOf(TimeoutError);
    expect((caught[1] as Error).message).toBe("wait_for (1 awaitable(s)) timed out after 10 ms");
  });

  it("stages, unstages, stops and prepares devices", async () => {
    const { RE } = testEngine();
    const det = new SoftDetector("det");
    const m = new SoftMotor("m1");
    const prepared: unknown[] = [];
    const prep = { name: "prep", prepare: (v: unknown) => (prepared.push(v), TestStatus.done()) };
    let prepReply: unknown;
    function* plan(): Plan<void> {
      yield msg("stage", det);
      yield msg("stage", det);
      yield msg("unstage", det);
      yield msg("stop", m);
      prepReply = yield msg("prepare", prep, [{ frames: 3 }], { group: "p" });
      yield msg("wait", undefined, [], { group: "p" });
    }
    await RE.run(plan());
    expect([det.staged, det.unstaged]).toEqual([1, 1]);
    expect(m.stopCalls).toEqual([true]);
    expect(prepared).toEqual([{ frames: 3 }]);
    expect((prepReply as Status).done).toBe(true);
  });

  it("asks the user with input", async () => {
    const { RE } = testEngine({ input: async (p) => `answer to ${p}` });
    let reply: unknown;
    function* plan(): Plan<void> {
      reply = yield msg("input", undefined, ["Go on?"]);
    }
    await RE.run(plan());
    expect(reply).toBe("answer to Go on?");
  });

  it("subscribes callbacks from the plan and removes them when it ends", async () => {
    const { RE } = testEngine();
    const seen: string[] = [];
    let token: unknown;
    function* plan(): Plan<void> {
      token = yield msg("subscribe", undefined, [(n: string) => seen.push(`all:${n}`)]);
      yield msg("subscribe", undefined, [(n: string) => seen.push(`stop:${n}`), "stop"]);
      yield msg("open_run");
      yield msg("unsubscribe", undefined, [token]);
      yield msg("close_run");
    }
    await RE.run(plan());
    expect(typeof token).toBe("number");
    expect(seen).toEqual(["all:start", "stop:stop"]);
    await RE.run([msg("open_run"), msg("close_run")]);
    expect(seen).toHaveLength(2);
  });

  it("refuses to subscribe to an unknown document name", () => {
    const { RE } = testEngine();
    expect(() => RE.subscribe(() => undefined, "events" as never)).toThrow(InvalidArgumentError);
    expect(() => RE.subscribe(() => undefined, "events" as never)).toThrow(/^unknown document name "events": expected "all" or one of start,/);
  });

  it("refuses a second run while one is running", async () => {
    const { RE } = testEngine();
    const first = RE.run([msg("sleep", undefined, [0.02])]);
    await expect(RE.run([])).rejects.toThrow(TransitionError);
    await expect(RE.run([])).rejects.toThrow("cannot run a plan while the RunEngine is running");
    await first;
  });
});

describe("RunEngine cleanup", () => {
  it("on failure stops what moved, unstages what is staged, clears monitors and closes runs", async () => {
    const { RE, docs } = testEngine();
    const m = new SoftMotor("m1");
    const det = new SoftDetector("det");
    const current = new SoftSignal("ring_current", 300);
    function* plan(): Plan<void> {
      yield msg("open_run");
      yield msg("stage", det);
      yield msg("monitor", current);
      yield msg("set", m, [1]);
      throw new LimitError("m2", 50, [0, 1]);
    }
    const run = RE.run(plan());
    await expect(run).rejects.toThrow(LimitError);
    expect(m.stopCalls).toEqual([false]);
    expect([det.staged, det.unstaged]).toEqual([1, 1]);
    expect(current.subscriberCount).toBe(0);
    expect(docsNamed<RunStop>(docs, "stop")[0]).toMatchObject({
      exit_status: "fail",
      reason: "LimitError: m2: 50 is outside the limits [0, 1]; nothing was moved",
    });
  });

  it("stops moved devices with success when the plan ends well", async () => {
    const { RE } = testEngine();
    const m = new SoftMotor("m1");
    await RE.run([msg("set", m, [1])]);
    expect(m.stopCalls).toEqual([true]);
  });
});

describe("RunEngine callbacks", () => {
  it("reports a callback that throws, once on the log and every time on callbackErrors$, and goes on", async () => {
    const { RE, docs, log } = testEngine();
    const errors: string[] = [];
    RE.callbackErrors$.subscribe((e) => errors.push(`${e.name}:${(e.error as Error).message}`));
    RE.subscribe(function broken() {
      throw new Error("disk full");
    });
    const result = await RE.run(countPlan(new SoftDetector("det"), 2));
    expect(result.exitStatus).toBe("success");
    expect(docs).toHaveLength(5);
    expect(errors).toEqual(["start:disk full", "descriptor:disk full", "event:disk full", "event:disk full", "stop:disk full"]);
    expect(log).toEqual([
      "skyloop: document callback broken raised on a 'start' document: Error: disk full (reported once per callback; the run goes on)",
    ]);
  });

  it("fails the plan on a callback exception when raiseCallbackExceptions is set", async () => {
    const { RE } = testEngine({ raiseCallbackExceptions: true });
    RE.subscribe(() => {
      throw new IllegalMessageSequenceError("callback refused");
    }, "event");
    await expect(RE.run(countPlan(new SoftDetector("det"), 2))).rejects.toThrow("callback refused");
  });
});

describe("RunEngine metadata", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "skyloop-re-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("counts scan_id across engines sharing a metadata file and merges md by precedence", async () => {
    const file = join(dir, "md.json");
    const a = testEngine({ metadataFile: file, md: { beamline: "BL7", operator: "ada" } });
    await a.RE.run(countPlan(new SoftDetector("det"), 1));
    a.RE.md.sample = "Cu";
    const b = testEngine({ metadataFile: file });
    await b.RE.run(countPlan(new SoftDetector("det"), 1, { sample: "Fe", operator: "bob" }), { operator: "cy" });
    const start = docsNamed<RunStart>(b.docs, "start")[0]!;
    expect(start).toMatchObject({ scan_id: 2, beamline: "BL7", sample: "Fe", operator: "cy", plan_name: "count" });
    expect(docsNamed<RunStart>(a.docs, "start")[0]!.scan_id).toBe(1);
    expect(b.RE.md.scan_id).toBe(2);
  });

  it("refuses a broken metadata file, naming it", () => {
    const file = join(dir, "broken.json");
    writeFileSync(file, "not json");
    expect(() => new RunEngine({ metadataFile: file })).toThrow(ConfigError);
    expect(() => new RunEngine({ metadataFile: file })).toThrow(`${file}: metadata file is not valid JSON`);
  });
});
