import { describe, expect, it } from "vitest";
import { InvalidArgumentError } from "../errors.ts";
import { msg } from "../msg.ts";
import type { Plan } from "../msg.ts";
import * as bps from "./stubs.ts";
import { drive, FakeDetector, FakeMotor, FakeSignal, FakeStatus, summarize } from "./testing.test-helpers.ts";

/** The single message a stub yields, and what it returns when the engine replies `reply`. */
function one<T>(plan: Plan<T>, reply?: unknown): { m: unknown; value: T; count: number } {
  const first = plan.next();
  if (first.done) throw new RangeError("stub yielded nothing");
  const last = plan.next(reply);
  let count = 1;
  let step = last;
  while (!step.done) {
    count++;
    step = plan.next();
  }
  return { m: first.value, value: step.value, count };
}

describe("single-message stubs", () => {
  const motor = new FakeMotor("m1");
  const det = new FakeDetector("det");
  const table: Array<[string, () => Plan<unknown>, ReturnType<typeof msg>]> = [
    ["openRun", () => bps.openRun({ plan_name: "x" }), msg("open_run", undefined, [], { plan_name: "x" })],
    ["closeRun", () => bps.closeRun(), msg("close_run")],
    ["closeRun fail", () => bps.closeRun("fail", "boom"), msg("close_run", undefined, [], { exit_status: "fail", reason: "boom" })],
    ["create", () => bps.create(), msg("create", undefined, [], { name: "primary" })],
    ["create named", () => bps.create("baseline"), msg("create", undefined, [], { name: "baseline" })],
    ["save", () => bps.save(), msg("save")],
    ["drop", () => bps.drop(), msg("drop")],
    ["read", () => bps.read(det), msg("read", det)],
    ["trigger", () => bps.trigger(det, { group: "A" }), msg("trigger", det, [], { group: "A" })],
    ["absSet", () => bps.absSet(motor, 3, { group: "A", timeout: 2 }), msg("set", motor, [3], { group: "A", timeout: 2 })],
    ["stop", () => bps.stop(motor), msg("stop", motor)],
    ["configure", () => bps.configure(det as never, { gain: 2 }), msg("configure", det, [{ gain: 2 }])],
    ["stage", () => bps.stage(det), msg("stage", det)],
    ["unstage", () => bps.unstage(det), msg("unstage", det)],
    ["checkpoint", () => bps.checkpoint(), msg("checkpoint")],
    ["clearCheckpoint", () => bps.clearCheckpoint(), msg("clear_checkpoint")],
    ["pause", () => bps.pause(), msg("pause", undefined, [], { defer: false })],
    ["deferredPause", () => bps.deferredPause(), msg("pause", undefined, [], { defer: true })],
    ["sleep", () => bps.sleep(0.5), msg("sleep", undefined, [0.5])],
    ["wait", () => bps.wait("A", { timeout: 3 }), msg("wait", undefined, [], { group: "A", timeout: 3 })],
    ["nullStep", () => bps.nullStep(), msg("null")],
    ["monitor", () => bps.monitor(det, { name: "det_monitor" }), msg("monitor", det, [], { name: "det_monitor" })],
    ["unmonitor", () => bps.unmonitor(det), msg("unmonitor", det)],
    ["unsubscribe", () => bps.unsubscribe(4), msg("unsubscribe", undefined, [4])],
    ["installSuspender", () => bps.installSuspender("s"), msg("install_suspender", undefined, ["s"])],
    ["removeSuspender", () => bps.removeSuspender("s"), msg("remove_suspender", undefined, ["s"])],
    ["kickoff", () => bps.kickoff(det as never, { group: "f" }), msg("kickoff", det, [], { group: "f" })],
    ["complete", () => bps.complete(det as never), msg("complete", det)],
    ["collect", () => bps.collect(det as never), msg("collect", det, [], { stream: false, return_payload: true })],
    ["prepare", () => bps.prepare(det as never, 7), msg("prepare", det, [7])],
    ["declareStream", () => bps.declareStream([det], { name: "primary" }), msg("declare_stream", undefined, [det], { name: "primary", collect: false })],
    ["inputPlan", () => bps.inputPlan("next?"), msg("input", undefined, ["next?"])],
  ];
  for (const [name, make, expected] of table) {
    it(`${name} yields ${expected.command} once and returns the reply`, () => {
      const reply = { token: name };
      const { m, value, count } = one(make(), reply);
      expect(m).toEqual(expected);
      expect(count).toBe(1);
      expect(value).toBe(reply);
    });
  }

  it("subscribe yields (func, name) args and returns the token", () => {
    const f = () => {};
    const { m, value } = one(bps.subscribe("event", f), 7);
    expect(m).toEqual(msg("subscribe", undefined, [f, "event"]));
    expect(value).toBe(7);
  });

  it("waitFor passes the factories as one list", () => {
    const f = async () => 1;
    const { m } = one(bps.waitFor([f], { timeout: 1 }));
    expect(m).toEqual(msg("wait_for", undefined, [[f]], { timeout: 1 }));
  });
});

describe("stubs with a wait", () => {
  const motor = new FakeMotor("m1");
  it("absSet with wait adds a wait on a fresh group", () => {
    const { msgs, value } = drive(bps.absSet(motor, 5, { wait: true }));
    expect(summarize(msgs)).toEqual(['set(m1, 5, group="g1")', 'wait(group="g1")']);
    expect(value.done).toBe(true);
    expect(motor.position).toBe(5);
  });

  it("trigger with wait adds a wait", () => {
    const det = new FakeDetector("det");
    expect(summarize(drive(bps.trigger(det, { wait: true })).msgs)).toEqual(['trigger(det, group="g1")', 'wait(group="g1")']);
  });

  it("mv sets every device in one group, then waits once, and returns the statuses", () => {
    const a = new FakeMotor("a");
    const b = new FakeMotor("b");
    const { msgs, value } = drive(bps.mv(a, 1, b, 2));
    expect(summarize(msgs)).toEqual(['set(a, 1, group="g1")', 'set(b, 2, group="g1")', 'wait(group="g1")']);
    expect(value).toHaveLength(2);
    expect([a.position, b.position]).toEqual([1, 2]);
  });

  it("mv takes a trailing options object", () => {
    const a = new FakeMotor("a");
    expect(summarize(drive(bps.mv(a, 1, { group: "G", timeout: 4 })).msgs)).toEqual([
      'set(a, 1, group="g1", timeout=4)',
      'wait(group="g1")',
    ]);
  });

  it("mvr and relSet move relative to the located set-point", () => {
    const a = new FakeMotor("a", 10);
    const b = new FakeMotor("b", -3);
    const r = drive(bps.mvr(a, 1, b, 2));
    expect(summarize(r.msgs)).toEqual(["locate(a)", 'set(a, 11, group="g1")', "locate(b)", 'set(b, -1, group="g1")', 'wait(group="g1")']);
    expect(summarize(drive(bps.relSet(a, -1, { wait: true })).msgs)).toEqual([
      "locate(a)",
      'set(a, 10, group="g1")',
      'wait(group="g1")',
    ]);
  });

  it("relSet reads (not locates) a device without locate", () => {
    const sig = Object.assign(new FakeSignal("sig", 4), { set: (v: unknown) => ((sig.value = v), FakeStatus.finished()) });
    expect(summarize(drive(bps.relSet(sig as never, 1)).msgs)).toEqual(["read(sig)", "set(sig, 5)"]);
  });

  it("stageAll waits only when a reply is a Status", () => {
    const d1 = new FakeDetector("d1");
    const d2 = new FakeDetector("d2");
    expect(summarize(drive(bps.stageAll([d1, d2])).msgs)).toEqual(['stage(d1, group="g1")', 'stage(d2, group="g1")']);
    const withStatus = drive(bps.unstageAll([d1, d2]), { respond: { unstage: () => FakeStatus.finished() } });
    expect(summarize(withStatus.msgs)).toEqual(['unstage(d1, group="g1")', 'unstage(d2, group="g1")', 'wait(group="g1")']);
  });

  it("kickoffAll waits by default, completeAll does not", () => {
    const f1 = new FakeDetector("f1");
    expect(summarize(drive(bps.kickoffAll([f1 as never])).msgs)).toEqual(['kickoff(f1, group="g1")', 'wait(group="g1")']);
    expect(summarize(drive(bps.completeAll([f1 as never])).msgs)).toEqual(['complete(f1, group="g1")']);
  });
});

describe("rd", () => {
  it("returns a Locatable's readback from one locate", () => {
    const m = new FakeMotor("m", 2.5);
    const r = drive(bps.rd(m));
    expect(summarize(r.msgs)).toEqual(['locate(m, squeeze=true)']);
    expect(r.value).toBe(2.5);
  });

  it("returns the hinted field of a read", () => {
    const d = new FakeDetector("d", () => 42);
    const r = drive(bps.rd(d), { respond: { read: () => ({ d: { value: 42, timestamp: 0 }, d_other: { value: 1, timestamp: 0 } }) } });
    expect(r.value).toBe(42);
  });

  it("returns the only field when nothing is hinted, the default when there is no reply", () => {
    const s = new FakeSignal("s", "on");
    expect(drive(bps.rd(s)).value).toBe("on");
    expect(drive(bps.rd(s, "dflt"), { respond: { read: () => undefined } }).value).toBe("dflt");
  });

  it("rejects several hinted fields before reading", () => {
    const d = Object.assign(new FakeSignal("d"), { hints: { fields: ["d_a", "d_b"] } });
    const plan = bps.rd(d);
    expect(() => plan.next()).toThrow(InvalidArgumentError);
    expect(() => bps.rd(d).next()).toThrow("rd: 'd' hints 2 fields (d_a, d_b); read one of its components instead");
  });

  it("rejects a reading with several unhinted fields", () => {
    const s = new FakeSignal("s");
    const run = () => drive(bps.rd(s), { respond: { read: () => ({ a: { value: 1, timestamp: 0 }, b: { value: 2, timestamp: 0 } }) } });
    expect(run).toThrow(InvalidArgumentError);
    expect(run).toThrow("rd: 's' reads 2 fields (a, b) and hints none");
  });
});

describe("argument errors", () => {
  it("mv rejects something that cannot move, before any message", () => {
    const s = new FakeSignal("s");
    expect(() => bps.mv(s, 1)).toThrow(InvalidArgumentError);
    expect(() => bps.mv(s, 1)).toThrow("mv argument 0 's' is not Movable: it needs set()");
  });

  it("mv rejects an odd argument list and repeated motors", () => {
    const a = new FakeMotor("a");
    expect(() => bps.mv(a, 1, a)).toThrow("mv takes pairs of device and value (motor1, value1, motor2, value2, ...), got 3 arguments");
    expect(() => bps.mv(a, 1, a, 2)).toThrow(InvalidArgumentError);
    expect(() => bps.mv(a, 1, a, 2)).toThrow("mv: 'a' is given more than once");
  });
});

describe("generic helpers", () => {
  it("broadcastMsg sends one command per object and returns the replies", () => {
    const a = new FakeMotor("a");
    const b = new FakeMotor("b");
    const r = drive(bps.broadcastMsg("stage", [a, b]), { respond: { stage: (m) => `staged ${(m.obj as FakeMotor).name}` } });
    expect(summarize(r.msgs)).toEqual(["stage(a)", "stage(b)"]);
    expect(r.value).toEqual(["staged a", "staged b"]);
  });

  it("repeater chains fresh copies", () => {
    expect(summarize(drive(bps.repeater(3, () => bps.nullStep())).msgs)).toEqual(["null()", "null()", "null()"]);
  });

  it("listPlan lists a plan that needs no replies", () => {
    expect(bps.listPlan(bps.repeater(2, () => bps.checkpoint())).map((m) => m.command)).toEqual(["checkpoint", "checkpoint"]);
  });
});
