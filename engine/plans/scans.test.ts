import sinon from "sinon";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { InvalidArgumentError } from "../errors.ts";
import type { Msg } from "../msg.ts";
import { count } from "./count.ts";
import { cycler } from "./cycler.ts";
import { gridScan, listGridScan, relGridScan } from "./grid-scan.ts";
import { listScan, relListScan } from "./list-scan.ts";
import { logScan } from "./log-scan.ts";
import { relScan, scan } from "./scan.ts";
import { scanNd } from "./scan-nd.ts";
import { drive, FakeDetector, FakeMotor, FakeSignal, summarize } from "./testing.test-helpers.ts";
import type { Movable } from "../protocols.ts";

const sets = (msgs: readonly Msg[], motor?: unknown) =>
  msgs.filter((m) => m.command === "set" && (motor === undefined || m.obj === motor)).map((m) => m.args[0]);
const openMd = (msgs: readonly Msg[]) => msgs.find((m) => m.command === "open_run")!.kwargs;

let clock: sinon.SinonFakeTimers;
beforeEach(() => {
  clock = sinon.useFakeTimers({ now: 0 });
});
afterEach(() => clock.restore());

describe("count", () => {
  it("yields Bluesky's exact sequence for two readings (repeat and oneShot each checkpoint, as in Bluesky)", () => {
    const det = new FakeDetector("det");
    const r = drive(count([det], 2, 0.1));
    expect(summarize(r.msgs)).toEqual([
      'stage(det, group="g1")',
      expect.stringMatching(/^open_run\(detectors=\["det"\], num_points=2, num_intervals=1, /),
      "checkpoint()",
      "checkpoint()",
      'trigger(det, group="g2")',
      'wait(group="g2")',
      'create(name="primary")',
      "read(det)",
      "save()",
      "sleep(0.1)",
      "checkpoint()",
      "checkpoint()",
      'trigger(det, group="g3")',
      'wait(group="g3")',
      'create(name="primary")',
      "read(det)",
      "save()",
      "close_run()",
      'unstage(det, group="g4")',
    ]);
    expect(r.value).toMatch(/^run-\d+$/);
  });

  it("records metadata and lets md override it", () => {
    const det = new FakeDetector("det");
    const md = openMd(drive(count([det], 3, 0, { md: { sample: "Cu foil", hints: { fields: ["det"] } } })).msgs);
    expect(md).toMatchObject({
      plan_name: "count",
      detectors: ["det"],
      num_points: 3,
      num_intervals: 2,
      plan_args: { detectors: ["det"], num: 3, delay: 0, per_shot: null },
      sample: "Cu foil",
      hints: { dimensions: [[["time"], "primary"]], fields: ["det"] },
    });
  });

  it("uses a custom per-shot hook", () => {
    const det = new FakeDetector("det");
    function* quick(dets: unknown[]) {
      yield { command: "read", obj: dets[0], args: [], kwargs: {} };
    }
    const r = drive(count([det], 2, 0, { perShot: quick as never }));
    expect(r.msgs.filter((m) => m.command === "read")).toHaveLength(2);
    expect(openMd(r.msgs).plan_args).toMatchObject({ per_shot: "quick" });
  });

  it("rejects bad arguments before any message", () => {
    const det = new FakeDetector("det");
    expect(() => count([det], 0)).toThrow(InvalidArgumentError);
    expect(() => count([det], 0)).toThrow("num must be a whole number >= 1, or null to count until stopped; got 0");
    expect(() => count([new FakeMotor("m"), { name: "junk" } as never])).toThrow(
      "detectors[1] 'junk' is not Readable: it needs read() and describe()",
    );
    expect(() => count("det" as never)).toThrow('detectors must be a list of Readable devices, got "det"');
  });
});

describe("scan", () => {
  it("yields Bluesky's exact sequence for a 1-D scan", () => {
    const det = new FakeDetector("det");
    const m = new FakeMotor("m");
    const r = drive(scan([det], m, -1, 1, 3));
    const body = summarize(r.msgs).filter((s) => !s.startsWith("open_run"));
    const step = (pos: number, g1: string, g2: string) => [
      "checkpoint()",
      `set(m, ${pos}, group="${g1}")`,
      `wait(group="${g1}")`,
      `trigger(det, group="${g2}")`,
      `wait(group="${g2}")`,
      'create(name="primary")',
      "read(det)",
      "read(m)",
      "save()",
    ];
    expect(body).toEqual([
      'stage(det, group="g1")',
      'stage(m, group="g1")',
      ...step(-1, "g2", "g3"),
      ...step(0, "g4", "g5"),
      ...step(1, "g6", "g7"),
      "close_run()",
      'unstage(m, group="g8")',
      'unstage(det, group="g8")',
    ]);
    expect(r.events.map((e) => e.data.m)).toEqual([-1, 0, 1]);
  });

  it("records Bluesky's metadata with device names", () => {
    const det = new FakeDetector("det");
    const m1 = new FakeMotor("m1");
    const m2 = new FakeMotor("m2");
    const md = openMd(drive(scan([det], m1, 0, 1, m2, 10, 20, { num: 5, md: { purpose: "test" } })).msgs);
    expect(md).toEqual({
      detectors: ["det"],
      motors: ["m1", "m2"],
      num_points: 5,
      num_intervals: 4,
      plan_args: { detectors: ["det"], num: 5, args: ["m1", 0, 1, "m2", 10, 20], per_step: null },
      plan_name: "scan",
      plan_pattern: "inner_product",
      plan_pattern_module: "skyloop.engine.plans.patterns",
      plan_pattern_args: { num: 5, args: ["m1", 0, 1, "m2", 10, 20] },
      purpose: "test",
      hints: { dimensions: [[["m1", "m2"], "primary"]] },
    });
  });

  it("moves several motors together (inner product)", () => {
    const m1 = new FakeMotor("m1");
    const m2 = new FakeMotor("m2");
    const r = drive(scan([new FakeDetector("d")], m1, 0, 1, m2, 10, 20, 3));
    expect(sets(r.msgs, m1)).toEqual([0, 0.5, 1]);
    expect(sets(r.msgs, m2)).toEqual([10, 15, 20]);
  });

  it("rejects bad arguments before any message, naming the argument and value", () => {
    const det = new FakeDetector("det");
    const m = new FakeMotor("m");
    const cases: Array<[() => unknown, string]> = [
      [() => scan([det], m, 0, 1, 0), "num must be a whole number of points >= 1 (not a step size), got 0"],
      [() => scan([det], m, 0, 1, 2.5), "num must be a whole number of points >= 1 (not a step size), got 2.5"],
      [() => scan([det], m, Number.NaN, 1, 3), "scan start1 must be a finite number, got NaN"],
      [() => scan([det], m, 0, Infinity, 3), "scan stop1 must be a finite number, got Infinity"],
      [() => scan([det], new FakeSignal("s"), 0, 1, 3), "scan argument 0 (motor) 's' is not Movable: it needs set()"],
      [() => scan([det], m, 0, 1), "scan: give the number of points as the last positional argument or as option 'num'"],
      [() => scan([det], m, 0, 1, m, 0, 1, 3), "scan: motor 'm' is listed more than once"],
      [() => scan([m, new FakeSignal("s"), 3 as never], m, 0, 1, 3), "detectors[2] 3 is not Readable"],
    ];
    for (const [make, message] of cases) {
      expect(make).toThrow(InvalidArgumentError);
      expect(make).toThrow(message);
    }
  });

  it("relScan moves relative to the start and returns there", () => {
    const m = new FakeMotor("m", 5);
    const r = drive(relScan([new FakeDetector("d")], m, -1, 1, 3));
    expect(sets(r.msgs, m)).toEqual([4, 5, 6, 5]);
    expect(openMd(r.msgs).plan_name).toBe("rel_scan");
    expect(m.position).toBe(5);
    expect(summarize(r.msgs).slice(0, 6)).toEqual([
      'stage(d, group="g1")',
      'stage(m, group="g1")',
      expect.stringMatching(/^open_run\(/),
      "checkpoint()",
      "locate(m)",
      "locate(m)",
    ]);
  });
});

describe("list scans", () => {
  it("listScan zips lists and rejects different lengths", () => {
    const a = new FakeMotor("a");
    const b = new FakeMotor("b");
    const r = drive(listScan([new FakeDetector("d")], a, [1, 4, 9], b, [2, 3, 5]));
    expect(sets(r.msgs, a)).toEqual([1, 4, 9]);
    expect(sets(r.msgs, b)).toEqual([2, 3, 5]);
    expect(openMd(r.msgs)).toMatchObject({ plan_name: "list_scan", num_points: 3, plan_pattern: "inner_list_product" });
    expect(() => listScan([], a, [1, 2], b, [1])).toThrow(InvalidArgumentError);
    expect(() => listScan([], a, [1, 2], b, [1])).toThrow('list_scan: all lists of points must have the same length, got {"a":2,"b":1}');
    expect(() => listScan([], a, [])).toThrow("list_scan points1 must be a non-empty list, got []");
  });

  it("relListScan offsets points from the start", () => {
    const a = new FakeMotor("a", 100);
    expect(sets(drive(relListScan([], a, [1, -1])).msgs, a)).toEqual([101, 99, 100]);
  });
});

describe("grid scans", () => {
  it("gridScan without snaking restarts the fast axis each row", () => {
    const a = new FakeMotor("a");
    const b = new FakeMotor("b");
    const r = drive(gridScan([new FakeDetector("d")], a, 0, 1, 2, b, 10, 30, 3));
    expect(r.events.map((e) => [e.data.a, e.data.b])).toEqual([
      [0, 10],
      [0, 20],
      [0, 30],
      [1, 10],
      [1, 20],
      [1, 30],
    ]);
    // The slow motor is only set when it changes.
    expect(sets(r.msgs, a)).toEqual([0, 1]);
  });

  it("gridScan with snakeAxes runs the fast axis back and forth", () => {
    const a = new FakeMotor("a");
    const b = new FakeMotor("b");
    const r = drive(gridScan([new FakeDetector("d")], a, 0, 2, 3, b, 0, 1, 2, { snakeAxes: true }));
    expect(r.events.map((e) => [e.data.a, e.data.b])).toEqual([
      [0, 0],
      [0, 1],
      [1, 1],
      [1, 0],
      [2, 0],
      [2, 1],
    ]);
    expect(openMd(r.msgs)).toMatchObject({
      plan_name: "grid_scan",
      shape: [3, 2],
      extents: [
        [0, 2],
        [0, 1],
      ],
      snaking: [false, true],
      num_points: 6,
      motors: ["a", "b"],
      plan_args: { args: ["a", 0, 2, 3, "b", 0, 1, 2, true] },
      hints: { gridding: "rectilinear", dimensions: [[["a"], "primary"], [["b"], "primary"]] },
    });
    const listed = drive(gridScan([], a, 0, 2, 3, b, 0, 1, 2, { snakeAxes: [b] }));
    expect(listed.events.map((e) => e.data.b)).toEqual([0, 1, 1, 0, 0, 1]);
  });

  it("rejects snaking the slowest motor or a motor not in the scan", () => {
    const a = new FakeMotor("a");
    const b = new FakeMotor("b");
    const c = new FakeMotor("c");
    expect(() => gridScan([], a, 0, 1, 2, b, 0, 1, 2, { snakeAxes: [a] })).toThrow(
      "grid_scan: snakeAxes contains the slowest (first) motor 'a', which cannot snake",
    );
    expect(() => gridScan([], a, 0, 1, 2, b, 0, 1, 2, { snakeAxes: [c] })).toThrow(InvalidArgumentError);
    expect(() => gridScan([], a, 0, 1, 2, b, 0, 1, 2, { snakeAxes: [c] })).toThrow(
      "grid_scan: snakeAxes contains 'c', which the scan does not move",
    );
    expect(() => gridScan([], a, 0, 1, 0)).toThrow("grid_scan num1 must be a whole number of points >= 1 (not a step size), got 0");
    expect(() => gridScan([], a, 0, 1)).toThrow("grid_scan takes arguments patterned like (motor1, start1, stop1, num1, ..., motorN, startN, stopN, numN); got 3 arguments, not a multiple of 4");
  });

  it("listGridScan and relGridScan", () => {
    const a = new FakeMotor("a", 10);
    const b = new FakeMotor("b", 20);
    const lg = drive(listGridScan([], a, [1, 2], b, [5, 6, 7], { snakeAxes: true }));
    expect(lg.events.map((e) => [e.data.a, e.data.b])).toEqual([
      [1, 5],
      [1, 6],
      [1, 7],
      [2, 7],
      [2, 6],
      [2, 5],
    ]);
    a.position = 10;
    b.position = 20;
    const rg = drive(relGridScan([], a, -1, 1, 2, b, 0, 1, 2));
    expect(rg.events.map((e) => [e.data.a, e.data.b])).toEqual([
      [9, 20],
      [9, 21],
      [11, 20],
      [11, 21],
    ]);
    expect([a.position, b.position]).toEqual([10, 20]);
  });
});

describe("logScan and scanNd", () => {
  it("logScan spaces points evenly in log10 of the position", () => {
    const m = new FakeMotor("m");
    const r = drive(logScan([new FakeDetector("d")], m, 0, 2, 5));
    const pts = sets(r.msgs, m) as number[];
    expect(pts[0]).toBe(1);
    expect(pts[4]).toBeCloseTo(100, 10);
    const logs = pts.map(Math.log10);
    for (let i = 1; i < logs.length; i++) expect(logs[i]! - logs[i - 1]!).toBeCloseTo(0.5, 12);
    expect(openMd(r.msgs)).toMatchObject({ plan_name: "log_scan", plan_pattern: "logspace", plan_pattern_args: { start: 0, stop: 2, num: 5 } });
  });

  it("scanNd steps through any cycler and describes it in plan_args", () => {
    const a = new FakeMotor("a");
    const b = new FakeMotor("b");
    const cy = cycler(a, [1, 2]).mul(cycler(b, [3, 4]));
    const r = drive(scanNd([new FakeDetector("d")], cy));
    expect(r.events).toHaveLength(4);
    expect(openMd(r.msgs)).toMatchObject({
      plan_name: "scan_nd",
      motors: ["a", "b"],
      num_points: 4,
      plan_args: { cycler: "cycler(a, b; 4 points)" },
      hints: { dimensions: [[["a"], "primary"], [["b"], "primary"]] },
    });
  });

  it("scanNd takes a custom per-step hook", () => {
    const a = new FakeMotor("a");
    const seen: unknown[] = [];
    function* perStep(_d: unknown, step: ReadonlyMap<Movable, unknown>) {
      seen.push(step.get(a));
      yield { command: "null", args: [], kwargs: {} };
    }
    drive(scanNd([], cycler(a, [7, 8]), { perStep: perStep as never }));
    expect(seen).toEqual([7, 8]);
  });
});
