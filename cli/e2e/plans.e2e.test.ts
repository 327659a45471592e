/**
 * Every plan of engine/plans on the real RunEngine with real simulated devices; every document checked
 * against event-model's reference schemas and rules (see documents.ts).
 */
import { describe, expect, it } from "vitest";
import { PeakStats } from "../../engine/callbacks/index.ts";
import type { EventPage, RunStart } from "../../engine/documents/types.ts";
import * as plans from "../../engine/plans/index.ts";
import type { Plan } from "../../engine/msg.ts";
import { peakValue } from "../../devices/index.ts";
import type { DocumentChecker } from "./documents.ts";
import { CU_K_EDGE_EV, CU_XAFS, PEAK_CENTER, SCHEMAS_MISSING, cameraIn, checkedEngine, instrument, muOfE, tempDir } from "./instrument.ts";

const det1At = (x: number) => peakValue("gaussian", x, PEAK_CENTER, 0.8, 1000, 20);
const num = (v: unknown[]) => v.map(Number);
const close = (a: number[], b: number[], digits = 6) => a.forEach((v, i) => expect(v).toBeCloseTo(b[i]!, digits));

async function runChecked(plan: Plan<unknown>): Promise<{ docs: DocumentChecker; start: RunStart; exitStatus: string }> {
  const { RE, docs } = checkedEngine();
  const result = await RE.run(plan);
  expect(docs.finish()).toEqual([]);
  expect(result.exitStatus).toBe("success");
  expect(docs.stops.map((s) => s.exit_status)).toEqual(docs.starts.map(() => "success"));
  return { docs, start: docs.starts[0]!, exitStatus: result.exitStatus };
}

describe("reference schemas", () => {
  it.skipIf(SCHEMAS_MISSING !== undefined)("are loaded from ../shared/event-model-schemas", () => {
    expect(SCHEMAS_MISSING).toBeUndefined();
  });
});

describe("every plan end to end", () => {
  it("count reads each detector num times", async () => {
    const d = instrument();
    await d.motor1.set(PEAK_CENTER);
    const { docs, start } = await runChecked(plans.count([d.det1, d.det2], 4));
    expect(start.plan_name).toBe("count");
    expect(start.num_points).toBe(4);
    expect(num(docs.column("det1"))).toEqual([1020, 1020, 1020, 1020]);
    expect(docs.stops[0]!.num_events).toEqual({ primary: 4 });
  });

  it("scan moves a real motor through linspace and reads the peak there", async () => {
    const d = instrument();
    const { docs, start } = await runChecked(plans.scan([d.det1], d.motor1, -1, 1, 5));
    expect(start.plan_args).toMatchObject({ detectors: ["det1"], num: 5 });
    expect(start.motors).toEqual(["motor1"]);
    const x = num(docs.column("motor1"));
    close(x, [-1, -0.5, 0, 0.5, 1]);
    close(num(docs.column("det1")), x.map(det1At), 3);
    expect(d.motor1.position).toBe(1);
  });

  it("rel_scan is relative to where the motor is, and returns it there", async () => {
    const d = instrument();
    await d.motor1.set(2);
    const { docs } = await runChecked(plans.relScan([d.det1], d.motor1, -1, 1, 3));
    close(num(docs.column("motor1")), [1, 2, 3]);
    expect(d.motor1.position).toBe(2);
  });

  it("list_scan and rel_list_scan visit the listed points", async () => {
    const d = instrument();
    const a = await runChecked(plans.listScan([d.det1], d.motor1, [0, 0.5, 1.5]));
    close(num(a.docs.column("motor1")), [0, 0.5, 1.5]);
    const b = await runChecked(plans.relListScan([d.det1], d.motor1, [-1, 1]));
    close(num(b.docs.column("motor1")), [0.5, 2.5]);
    expect(d.motor1.position).toBe(1.5);
  });

  it("grid_scan snakes the fast axis", async () => {
    const d = instrument();
    const { docs, start } = await runChecked(plans.gridScan([d.det1, d.det2], d.motor1, -1, 1, 3, d.motor2, 0, 1, 2, { snakeAxes: true }));
    expect(start.shape).toEqual([3, 2]);
    close(num(docs.column("motor1")), [-1, -1, 0, 0, 1, 1]);
    close(num(docs.column("motor2")), [0, 1, 1, 0, 0, 1]);
    expect(start.hints?.dimensions).toEqual([[["motor1"], "primary"], [["motor2"], "primary"]]);
  });

  it("rel_grid_scan and list_grid_scan", async () => {
    const d = instrument();
    await d.motor1.set(1);
    const a = await runChecked(plans.relGridScan([d.det1], d.motor1, -1, 1, 2, d.motor2, 0, 1, 2));
    close(num(a.docs.column("motor1")), [0, 0, 2, 2]);
    expect(d.motor1.position).toBe(1);
    const b = await runChecked(plans.listGridScan([d.det1], d.motor1, [0, 1], d.motor2, [2, 3, 4]));
    close(num(b.docs.column("motor2")), [2, 3, 4, 2, 3, 4]);
  });

  it("scan_nd follows a cycler trajectory", async () => {
    const d = instrument();
    const traj = plans.cycler(d.motor1, [0, 1, 2]).add(plans.cycler(d.motor2, [5, 4, 3]));
    const { docs } = await runChecked(plans.scanNd([d.det1], traj));
    close(num(docs.column("motor2")), [5, 4, 3]);
  });

  it("log_scan steps in powers of ten", async () => {
    const d = instrument();
    const { docs } = await runChecked(plans.logScan([d.det1], d.motor1, -1, 0, 3));
    close(num(docs.column("motor1")), [0.1, Math.sqrt(0.1), 1]);
  });

  it("adaptive_scan takes smaller steps on the peak than on the background", async () => {
    const d = instrument();
    const { docs } = await runChecked(plans.adaptiveScan([d.fastDet], "fast_det", d.fast, -3, 3, 0.05, 1, 60, true));
    const x = num(docs.column("fast"));
    expect(x[0]).toBe(-3);
    expect(x.at(-1)!).toBeGreaterThan(2);
    const steps = x.slice(1).map((v, i) => v - x[i]!);
    const nearPeak = steps.filter((_, i) => Math.abs(x[i]! - PEAK_CENTER) < 1 && steps[i]! > 0);
    const far = steps.filter((_, i) => x[i]! < -2 && steps[i]! > 0);
    expect(Math.max(...nearPeak)).toBeLessThan(Math.min(...far));
  });

  it("tune_centroid converges on the simulated peak and leaves the motor there", async () => {
    const d = instrument();
    await runChecked(plans.tuneCentroid([d.fastDet], "fast_det", d.fast, -3, 3, 0.02, { num: 10 }));
    expect(d.fast.position).toBeCloseTo(PEAK_CENTER, 1);
  });

  it("spiral_fermat covers the disc in a spiral", async () => {
    const d = instrument();
    const { docs, start } = await runChecked(plans.spiralFermat([d.det1], d.motor1, d.motor2, 0, 0, 2, 2, 0.25, 1));
    const x = num(docs.column("motor1"));
    const y = num(docs.column("motor2"));
    expect(x.length).toBe(start.num_points);
    expect(x.length).toBeGreaterThan(5);
    for (let i = 0; i < x.length; i++) expect(Math.hypot(x[i]!, y[i]!)).toBeLessThanOrEqual(Math.SQRT2 + 1e-9);
  });

  it("ramp_plan takes data while a motor ramps, with the readback monitored", async () => {
    const d = instrument();
    d.motor1.velocity.set(20);
    function* go(): Plan<unknown> {
      return yield* plans.absSet(d.motor1, 1);
    }
    const { docs } = await runChecked(
      plans.rampPlan(go(), d.motor1.user_readback, () => plans.triggerAndRead([d.det1, d.motor1]), { period: 0.005 }),
    );
    const x = num(docs.column("motor1"));
    expect(x.length).toBeGreaterThan(3);
    expect(x[0]).toBe(0);
    expect(x.at(-1)).toBe(1);
    expect(x.some((v) => v > 0 && v < 1)).toBe(true);
    expect(docs.eventsOf("motor1_monitor").length).toBeGreaterThan(3);
  });

  it("fly collects a flown camera: stream resource, stream datum, event page", async () => {
    const dir = tempDir("fly");
    const d = instrument();
    const cam = cameraIn(dir, "stream", d.fast);
    function* plan(): Plan<unknown> {
      yield* plans.prepare(cam, 5, { wait: true });
      return yield* plans.fly([cam]);
    }
    const { docs } = await runChecked(plan());
    expect(docs.of("stream_resource").length).toBe(1);
    const [datum] = docs.of("stream_datum") as { indices: { start: number; stop: number }; seq_nums: { start: number; stop: number } }[];
    expect(datum!.indices).toEqual({ start: 0, stop: 5 });
    expect(datum!.seq_nums).toEqual({ start: 1, stop: 6 });
    const [page] = docs.of("event_page") as EventPage[];
    expect(page!.seq_num).toEqual([1, 2, 3, 4, 5]);
    expect(Object.keys(page!.data)).toEqual(["cam-sum"]);
    expect(docs.stops[0]!.num_events).toEqual({ cam: 5 });
  });

  it("flyscan samples a really moving motor at the period", async () => {
    const d = instrument();
    d.motor1.velocity.set(20);
    const { docs } = await runChecked(plans.flyscan([d.det1], d.motor1, 0, 2, 0.01));
    const x = num(docs.column("motor1"));
    const t = docs.eventsOf().map((e) => e.timestamps["motor1"]!);
    // 2 mm at 20 mm/s: about 0.1 s of motion, so about ten samples, the first at 0 and the last at rest at 2.
    expect(x.length).toBeGreaterThanOrEqual(6);
    expect(x.length).toBeLessThanOrEqual(20);
    expect(x[0]).toBeCloseTo(0, 1);
    expect(x.at(-1)).toBe(2);
    expect(x.filter((v) => v > 0.05 && v < 1.95).length).toBeGreaterThanOrEqual(4);
    for (let i = 1; i < x.length; i++) expect(x[i]!).toBeGreaterThanOrEqual(x[i - 1]!);
    const gaps = t.slice(1).map((v, i) => v - t[i]!);
    const median = [...gaps].sort((a, b) => a - b)[Math.floor(gaps.length / 2)]!;
    expect(median).toBeGreaterThanOrEqual(0.009);
    expect(median).toBeLessThan(0.05);
    // The detector exposes before the motor is read: its value is the peak somewhere between the last
    // sample's position and this one's.
    const det = num(docs.column("det1"));
    expect(det.at(-1)).toBeCloseTo(det1At(2), 6);
    for (let i = 0; i < x.length; i++) {
      const from = i === 0 ? 0 : x[i - 1]!;
      const along = Array.from({ length: 41 }, (_, k) => det1At(from + ((x[i]! - from) * k) / 40));
      expect(det[i]!).toBeGreaterThanOrEqual(Math.min(...along) - 1e-6);
      expect(det[i]!).toBeLessThanOrEqual(Math.max(...along) + 1e-6);
    }
  });

  it("xafs steps the Cu regions and the detector shows the edge", async () => {
    const d = instrument();
    const { docs, start } = await runChecked(plans.xafs([d.mu], d.energy, CU_XAFS));
    const e = num(docs.column("energy"));
    const mu = num(docs.column("mu"));
    expect(e.length).toBe(start.num_points);
    expect(e[0]).toBeCloseTo(CU_K_EDGE_EV - 200, 6);
    expect(e.at(-1)!).toBeCloseTo(CU_K_EDGE_EV + plans.kToE(15), 0);
    // Steps: 10 eV pre-edge, 0.3 eV across the edge, 0.05 in k far above it (tens of eV).
    expect(e[1]! - e[0]!).toBeCloseTo(10, 6);
    const edgeSteps = e.slice(1).map((v, i) => [e[i]!, v - e[i]!] as const).filter(([x]) => x > CU_K_EDGE_EV - 5 && x < CU_K_EDGE_EV + 5);
    for (const [, s] of edgeSteps) expect(s).toBeCloseTo(0.3, 6);
    close(mu, e.map((v) => muOfE(v)), 9);
    const below = mu[e.findIndex((v) => v >= CU_K_EDGE_EV - 20)]!;
    const above = mu[e.findIndex((v) => v >= CU_K_EDGE_EV + 20)]!;
    expect(above - below).toBeGreaterThan(0.8);
    // Dwell time changes per region: a new descriptor (same stream) carries each new acquire_time.
    const times = docs.descriptorDocs.map((x) => x.configuration?.["mu"]?.data["mu-acquire_time"]);
    expect(times.length).toBeGreaterThan(3);
    expect(times[0]).toBe(0.5);
    expect(new Set(docs.descriptorDocs.map((x) => x.name))).toEqual(new Set(["primary"]));
    expect((start.xafs as { dwell_times: number[] }).dwell_times.length).toBe(e.length);
  });

  it("baseline, monitor and relative wrappers around a scan", async () => {
    const d = instrument();
    await d.motor1.set(1);
    const bumps = [299, 298, 297];
    let i = 0;
    const perStep: plans.PerStepND = function* (dets, step, pos) {
      yield* plans.oneNdStep(dets, step, pos);
      d.ringCurrent.set(bumps[i++]!);
    };
    const inner = plans.scan([d.det1], d.motor1, -0.5, 0.5, 3, { perStep });
    const wrapped = plans.baselineWrapper(
      plans.monitorDuringWrapper(plans.resetPositionsWrapper(plans.relativeSetWrapper(inner, [d.motor1]), [d.motor1]), [d.ringCurrent]),
      [d.motor2, d.ringCurrent],
    );
    const { docs } = await runChecked(wrapped);
    close(num(docs.column("motor1")), [0.5, 1, 1.5]);
    expect(d.motor1.position).toBe(1);
    expect(docs.eventsOf("baseline").length).toBe(2);
    expect(num(docs.column("ring_current", "baseline"))).toEqual([300, 297]);
    expect(num(docs.column("ring_current", "ring_current_monitor"))).toEqual([300, 299, 298, 297]);
    expect(docs.stops[0]!.num_events).toEqual({ primary: 3, baseline: 2, ring_current_monitor: 4 });
  });

  it("PeakStats on a real scan finds the simulated peak", async () => {
    const d = instrument();
    const { RE, docs } = checkedEngine();
    const ps = new PeakStats({ x: "fast", y: "fast_det" });
    RE.subscribe(ps.callback);
    await RE.run(plans.scan([d.fastDet], d.fast, -3, 3, 61));
    expect(docs.finish()).toEqual([]);
    expect(ps.stats!.cen).toBeCloseTo(PEAK_CENTER, 2);
    expect(ps.stats!.max![0]).toBeCloseTo(PEAK_CENTER, 6);
  });
});
