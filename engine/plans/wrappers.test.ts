import { describe, expect, it } from "vitest";
import { InvalidArgumentError, RequestAbortError, RequestStopError } from "../errors.ts";
import { msg } from "../msg.ts";
import type { Plan } from "../msg.ts";
import { nullStep, openRun, closeRun, mv, absSet } from "./stubs.ts";
import { drive, driveToError, FakeDetector, FakeMotor, FakeSignal, summarize } from "./testing.test-helpers.ts";
import {
  baselineWrapper,
  contingencyWrapper,
  exitStatusFor,
  finalizeWrapper,
  flyDuringWrapper,
  injectMdWrapper,
  monitorDuringWrapper,
  relativeSetWrapper,
  resetPositionsWrapper,
  setRunKeyWrapper,
  subsWrapper,
  suspendWrapper,
  withRun,
  withStage,
} from "./wrappers.ts";

function* failing(error: Error): Plan<never> {
  yield msg("null");
  throw error;
}

function* simpleRun(): Plan<void> {
  yield* openRun({ plan_name: "p" });
  yield* nullStep();
  yield* closeRun();
}

describe("withRun", () => {
  it("opens and closes a run around the plan and returns the run uid", () => {
    const r = drive(withRun(nullStep(), { plan_name: "x" }));
    expect(summarize(r.msgs)).toEqual(['open_run(plan_name="x")', "null()", "close_run()"]);
    expect(r.value).toMatch(/^run-\d+$/);
  });

  it("closes with exit_status fail and the reason when the plan throws, then rethrows", () => {
    const err = new InvalidArgumentError("detector fell off");
    const r = driveToError(withRun(failing(err)));
    expect(r.error).toBe(err);
    expect(summarize(r.msgs)).toEqual(["open_run()", "null()", 'close_run(exit_status="fail", reason="detector fell off")']);
  });

  it("closes with abort for an abort request and success for a stop request", () => {
    const abort = driveToError(withRun(failing(new RequestAbortError("user abort"))));
    expect(summarize(abort.msgs).at(-1)).toBe('close_run(exit_status="abort", reason="user abort")');
    const stop = driveToError(withRun(failing(new RequestStopError("stop"))));
    expect(summarize(stop.msgs).at(-1)).toBe('close_run(exit_status="success")');
    expect(exitStatusFor(new Error("x"))).toBe("fail");
  });

  it("closes with fail when an error is thrown into the plan by the engine", () => {
    const r = driveToError(withRun(nullStep()), {
      respond: {
        null: () => {
          throw new InvalidArgumentError("engine says no");
        },
      },
    });
    expect(summarize(r.msgs)).toEqual(["open_run()", "null()", 'close_run(exit_status="fail", reason="engine says no")']);
  });
});

describe("withStage and finalizeWrapper", () => {
  it("stages before and unstages in reverse after, skipping devices that cannot stage", () => {
    const d1 = new FakeDetector("d1");
    const d2 = new FakeDetector("d2");
    const sig = new FakeSignal("sig");
    expect(summarize(drive(withStage(nullStep(), [d1, sig, d2, d1])).msgs)).toEqual([
      'stage(d1, group="g1")',
      'stage(d2, group="g1")',
      "null()",
      'unstage(d2, group="g2")',
      'unstage(d1, group="g2")',
    ]);
  });

  it("stages the parent device once for several of its children", () => {
    const parent = new FakeDetector("cam");
    const childA = Object.assign(new FakeSignal("cam-a"), { parent });
    const childB = Object.assign(new FakeSignal("cam-b"), { parent });
    expect(summarize(drive(withStage(nullStep(), [childA, childB])).msgs)).toEqual([
      'stage(cam, group="g1")',
      "null()",
      'unstage(cam, group="g2")',
    ]);
  });

  it("unstages even when the plan fails", () => {
    const d = new FakeDetector("d");
    const r = driveToError(withStage(failing(new InvalidArgumentError("x")), [d]));
    expect(summarize(r.msgs)).toEqual(['stage(d, group="g1")', "null()", 'unstage(d, group="g2")']);
  });

  it("finalizeWrapper runs the final plan on success and on failure", () => {
    const ok = drive(finalizeWrapper(nullStep(), () => closeRun()));
    expect(summarize(ok.msgs)).toEqual(["null()", "close_run()"]);
    const bad = driveToError(finalizeWrapper(failing(new InvalidArgumentError("x")), closeRun()));
    expect(summarize(bad.msgs)).toEqual(["null()", "close_run()"]);
    expect((bad.error as Error).message).toBe("x");
  });

  it("contingencyWrapper runs except/else/final plans and can swallow the error", () => {
    const log: string[] = [];
    const opts = {
      exceptPlan: function* (e: unknown) {
        log.push(`except ${(e as Error).message}`);
        yield msg("drop");
        return "handled";
      },
      elsePlan: function* () {
        log.push("else");
      },
      finalPlan: function* () {
        log.push("final");
        yield msg("checkpoint");
      },
    };
    expect(summarize(drive(contingencyWrapper(nullStep(), opts)).msgs)).toEqual(["null()", "checkpoint()"]);
    expect(log).toEqual(["else", "final"]);
    log.length = 0;
    const swallowed = drive(contingencyWrapper(failing(new InvalidArgumentError("oops")), { ...opts, autoRaise: false }));
    expect(swallowed.value).toBe("handled");
    expect(log).toEqual(["except oops", "final"]);
    log.length = 0;
    const raised = driveToError(contingencyWrapper(failing(new InvalidArgumentError("oops")), opts));
    expect((raised.error as Error).message).toBe("oops");
    expect(summarize(raised.msgs)).toEqual(["null()", "drop()", "checkpoint()"]);
  });
});

describe("preprocessors", () => {
  it("baselineWrapper reads devices into the baseline stream after open and before close", () => {
    const sig = new FakeSignal("temp", 21);
    const r = drive(baselineWrapper(simpleRun(), [sig]));
    expect(summarize(r.msgs)).toEqual([
      'open_run(plan_name="p")',
      'declare_stream(temp, name="baseline", collect=false)',
      'create(name="baseline")',
      "read(temp)",
      "save()",
      "null()",
      'create(name="baseline")',
      "read(temp)",
      "save()",
      "close_run()",
    ]);
    expect(r.events.map((e) => e.stream)).toEqual(["baseline", "baseline"]);
  });

  it("baselineWrapper carries the run key of the run it reads into", () => {
    const sig = new FakeSignal("temp");
    function* keyed(): Plan<void> {
      yield msg("open_run", undefined, [], {}, "r1");
      yield msg("close_run", undefined, [], {}, "r1");
    }
    const r = drive(baselineWrapper(keyed(), [sig]));
    expect(r.msgs.every((m) => m.run === "r1")).toBe(true);
    expect(r.msgs).toHaveLength(9);
  });

  it("monitorDuringWrapper monitors after open_run and unmonitors before close_run", () => {
    const sig = new FakeSignal("ring_current");
    expect(summarize(drive(monitorDuringWrapper(simpleRun(), [sig])).msgs)).toEqual([
      'open_run(plan_name="p")',
      'monitor(ring_current, name="ring_current_monitor")',
      "null()",
      "unmonitor(ring_current)",
      "close_run()",
    ]);
  });

  it("flyDuringWrapper kicks off after open and completes/collects before close", () => {
    const flyer = new FakeDetector("flyer");
    expect(summarize(drive(flyDuringWrapper(simpleRun(), [flyer])).msgs)).toEqual([
      'open_run(plan_name="p")',
      'kickoff(flyer, group="g1")',
      'wait(group="g1")',
      "null()",
      'complete(flyer, group="g2")',
      'wait(group="g2")',
      "collect(flyer, stream=false, return_payload=true)",
      "close_run()",
    ]);
  });

  it("injectMdWrapper merges metadata into open_run, winning over the plan's", () => {
    const r = drive(injectMdWrapper(simpleRun(), { plan_name: "override", operator: "ada" }));
    expect(r.msgs[0]!.kwargs).toEqual({ plan_name: "override", operator: "ada" });
  });

  it("suspendWrapper and subsWrapper add and remove around the plan, also on failure", () => {
    expect(summarize(drive(suspendWrapper(nullStep(), ["s1", "s2"])).msgs)).toEqual([
      'install_suspender("s1")',
      'install_suspender("s2")',
      "null()",
      'remove_suspender("s1")',
      'remove_suspender("s2")',
    ]);
    const cb = function liveTable() {};
    const onEvent = function onEvent() {};
    const r = driveToError(subsWrapper(failing(new InvalidArgumentError("x")), { all: [cb], event: [onEvent] }));
    expect(summarize(r.msgs)).toEqual([
      'subscribe(liveTable, "all")',
      'subscribe(onEvent, "event")',
      "null()",
      "unsubscribe(1)",
      "unsubscribe(2)",
    ]);
  });

  it("setRunKeyWrapper keys messages that have no run", () => {
    const r = drive(setRunKeyWrapper(simpleRun(), "k"));
    expect(r.msgs.map((m) => m.run)).toEqual(["k", "k", "k"]);
  });
});

describe("relative moves", () => {
  it("relativeSetWrapper locates each device once and offsets every set", () => {
    const m = new FakeMotor("m", 100);
    function* twoMoves(): Plan<void> {
      yield* absSet(m, 1, { group: "a" });
      yield* absSet(m, 2, { group: "a" });
    }
    expect(summarize(drive(relativeSetWrapper(twoMoves(), [m])).msgs)).toEqual([
      "locate(m)",
      'set(m, 101, group="g1")',
      'set(m, 102, group="g1")',
    ]);
  });

  it("relativeSetWrapper leaves other devices alone", () => {
    const m = new FakeMotor("m", 100);
    const other = new FakeMotor("o", 50);
    expect(summarize(drive(relativeSetWrapper(mv(m, 1, other, 1), [m])).msgs)).toEqual([
      "locate(m)",
      'set(m, 101, group="g1")',
      'set(o, 1, group="g1")',
      'wait(group="g1")',
    ]);
  });

  it("resetPositionsWrapper returns moved devices to their start, also after a failure", () => {
    const m = new FakeMotor("m", 7);
    function* moveThenFail(): Plan<void> {
      yield* mv(m, 3);
      throw new InvalidArgumentError("fail after move");
    }
    const r = driveToError(resetPositionsWrapper(moveThenFail()));
    expect(summarize(r.msgs)).toEqual(["locate(m)", 'set(m, 3, group="g1")', 'wait(group="g1")', 'set(m, 7, group="g2")', 'wait(group="g2")']);
    expect(m.position).toBe(7);
  });

  it("rejects a relative move of a non-numeric position", () => {
    const m = new FakeMotor("m");
    const run = () => drive(relativeSetWrapper(absSet(m, 1)), { respond: { locate: () => ({ setpoint: "open", readback: "open" }) } });
    expect(run).toThrow(InvalidArgumentError);
    expect(run).toThrow("cannot move 'm' relative to \"open\" by 1: both must be numbers");
  });
});
