import sinon from "sinon";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { composeRunStart } from "../documents/compose.ts";
import { documentProblems } from "../documents/validate.ts";
import { msg } from "../msg.ts";
import type { Plan } from "../msg.ts";
import * as plans from "./index.ts";
import { drive, FakeDetector, FakeMotor, FakeSignal, FakeStatus, FakeTimedDetector } from "./testing.test-helpers.ts";

let clock: sinon.SinonFakeTimers;
beforeEach(() => {
  clock = sinon.useFakeTimers({ now: 0 });
});
afterEach(() => clock.restore());

describe("run-start metadata of every plan is a valid event-model RunStart", () => {
  const det = new FakeDetector("det", () => 1);
  const m1 = new FakeMotor("m1");
  const m2 = new FakeMotor("m2");
  const cases: Array<[string, () => Plan<unknown>]> = [
    ["count", () => plans.count([det], 2)],
    ["scan", () => plans.scan([det], m1, 0, 1, m2, 0, 2, 3)],
    ["rel_scan", () => plans.relScan([det], m1, 0, 1, 3)],
    ["list_scan", () => plans.listScan([det], m1, [1, 2])],
    ["grid_scan", () => plans.gridScan([det], m1, 0, 1, 2, m2, 0, 1, 2, { snakeAxes: true })],
    ["list_grid_scan", () => plans.listGridScan([det], m1, [0, 1], m2, [2, 3])],
    ["scan_nd", () => plans.scanNd([det], plans.cycler(m1, [1, 2]))],
    ["log_scan", () => plans.logScan([det], m1, 0, 1, 3)],
    ["adaptive_scan", () => plans.adaptiveScan([det], "det", m1, 0, 1, 0.1, 0.5, 0.1, false)],
    ["tune_centroid", () => plans.tuneCentroid([det], "det", m1, 0, 1, 0.2, { num: 3 })],
    ["spiral_fermat", () => plans.spiralFermat([det], m1, m2, 0, 0, 1, 1, 0.3, 1)],
    ["fly", () => plans.fly([Object.assign(new FakeDetector("f"), { kickoff: () => FakeStatus.finished(), complete: () => FakeStatus.finished() })] as never)],
    ["flyscan", () => plans.flyscan([det], m1, 0, 1, 0.1)],
    ["xafs", () => plans.xafs([new FakeTimedDetector("i0")], m1, { e0: 8979, regions: "-20 0 3k", steps: "5 0.5k", times: "1 1k" })],
    [
      "ramp_plan",
      () =>
        plans.rampPlan(
          (function* (): Plan<unknown> {
            return FakeStatus.finished();
          })(),
          new FakeSignal("s"),
          () => plans.nullStep(),
        ),
    ],
  ];
  for (const [name, make] of cases) {
    it(name, () => {
      const open = drive(make()).msgs.find((x) => x.command === "open_run")!;
      const start = composeRunStart(open.kwargs as never);
      expect(documentProblems("start", start)).toEqual([]);
      expect(start.plan_name).toBe(name);
      expect(JSON.parse(JSON.stringify(open.kwargs))).toEqual(open.kwargs);
    });
  }
});

describe("mergeMd", () => {
  it("lets the caller's keys win and merges hints without touching the inputs", () => {
    const base = { plan_name: "scan", hints: { dimensions: [[["a"], "primary"]] as [string[], string][] } };
    const user = { plan_name: "mine", hints: { gridding: "rectilinear" as const } };
    const out = plans.mergeMd(base, user, { fields: ["x"] });
    expect(out).toEqual({
      plan_name: "mine",
      hints: { fields: ["x"], dimensions: [[["a"], "primary"]], gridding: "rectilinear" },
    });
    expect(base.hints).toEqual({ dimensions: [[["a"], "primary"]] });
    expect(user.hints).toEqual({ gridding: "rectilinear" });
  });

  it("sets no dimensions when a motor hints no field", () => {
    expect(plans.dimensionsPerMotor([new FakeMotor("a"), new FakeSignal("s")])).toEqual({});
    expect(plans.dimensionsOneAxis([new FakeMotor("a"), new FakeMotor("b")])).toEqual({ dimensions: [[["a", "b"], "primary"]] });
  });
});

describe("locate stub", () => {
  it("locates one device (squeezed) or several", () => {
    const a = new FakeMotor("a", 1);
    const b = new FakeMotor("b", 2);
    const one = drive(plans.locate(a));
    expect(one.msgs).toEqual([msg("locate", a, [], { squeeze: true })]);
    expect(one.value).toEqual({ setpoint: 1, readback: 1 });
    const two = drive(plans.locate(a, b, { squeeze: false }));
    expect(two.msgs).toEqual([msg("locate", a, [b], { squeeze: false })]);
    expect(two.value).toEqual([
      { setpoint: 1, readback: 1 },
      { setpoint: 2, readback: 2 },
    ]);
  });
});
