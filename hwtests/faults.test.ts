/**
 * The suite catches real faults: a clean simulated instrument passes, and each fault the simulators can be
 * given fails the suite, naming the device, the check and what was expected against what was seen.
 */
import { afterEach, describe, expect, it } from "vitest";
import { loadProfile } from "../devices/profile.ts";
import { buildRegistry } from "./loader.ts";
import type { HwtestReport } from "./result.ts";
import { runHwtests } from "./runner.ts";
import type { Target } from "./spec.ts";
import { type OpenedTarget, openTarget } from "./targets.ts";

const RING = new URL("../profiles/sim-ring.yaml", import.meta.url).pathname;
const BEAMLINE = new URL("../profiles/sim-beamline.yaml", import.meta.url).pathname;
// Short limits: a fault shows within them, and a failing run stays quick. Stop tests move for about 0.1 s of
// wall time (2 s of simulated time at speedUp 20), so the stop lands mid-move on a loaded machine too.
const PARAMS = { settleMs: "300", stopMoveS: "2", stopSpanFraction: "0.2" };

let opened: OpenedTarget[] = [];
afterEach(async () => {
  for (const o of opened) await o.close();
  opened = [];
});

async function suite(file: string, target: Target, options: { faults?: string[]; only?: string[]; speedUp?: number } = {}): Promise<HwtestReport> {
  const profile = await loadProfile(file);
  const t = await openTarget(profile, { target, faults: options.faults ?? [], speedUp: options.speedUp ?? 20 });
  opened.push(t);
  return runHwtests({
    instrument: profile.instrument,
    target,
    devices: t.devices,
    registry: await buildRegistry(),
    rehearsal: t.rehearsal,
    params: PARAMS,
    only: options.only ?? [],
    connectTimeoutMs: 300,
  });
}

describe("on the sim target", () => {
  it("a clean ring passes fully (the orbit system's vector set-points are left to its family checks)", async () => {
    const r = await suite(RING, "sim");
    expect(r.failures).toEqual([]);
    expect(r.passed).toBeGreaterThan(250);
    expect(r.results.filter((x) => x.outcome === "skip").map((x) => `${x.device}: ${x.check}`)).toEqual([
      "orbit: small move completes and settles",
      "orbit: readback arrives within tolerance",
      "orbit: refuses a target past its limits",
    ]);
    // One line per device and check: 29 devices connect, each BPM has its family checks.
    expect(r.results.filter((x) => x.check === "connects")).toHaveLength(29);
    expect(r.results.filter((x) => x.device === "bpm03a").map((x) => x.check)).toEqual([
      "connects",
      "describe and read agree",
      "numeric values are finite",
      "timestamps are recent",
      "configuration: describe and read agree",
      "stages and unstages",
      "updates",
      "reads a plausible position with beam",
      "noise is low",
    ]);
  });

  it("a clean beamline passes fully, and every device is back where it was", async () => {
    const profile = await loadProfile(BEAMLINE);
    const t = await openTarget(profile, { target: "sim", speedUp: 20 });
    opened.push(t);
    const d = t.devices as Record<string, any>;
    await Promise.all(Object.values(d).map((x) => x.connect()));
    const before = [await d.mono.bragg.user_setpoint.getValue(), await d.focus.user_setpoint.getValue(), await d.shutter.state.getValue(), await d.fe_valve.state.getValue()];
    const r = await runHwtests({ instrument: "sim-beamline", target: "sim", devices: t.devices, registry: await buildRegistry(), rehearsal: t.rehearsal, params: PARAMS });
    expect(r.failures).toEqual([]);
    expect(r.skipped).toBe(0);
    expect(r.passed).toBe(r.results.length);
    expect(r.results.filter((x) => x.moves).length).toBeGreaterThan(40);
    const after = [await d.mono.bragg.user_setpoint.getValue(), await d.focus.user_setpoint.getValue(), await d.shutter.state.getValue(), await d.fe_valve.state.getValue()];
    expect(after).toEqual(before);
    expect(before.slice(2)).toEqual(["Open", "Open"]);
  });

  it("stuck-motor: the readback and energy checks fail, quoting the target and the position it stayed at", async () => {
    const r = await suite(BEAMLINE, "sim", { faults: ["stuck-motor:BL:MONO:BRAGG"] });
    expect(r.failures.map((f) => `${f.device}: ${f.check}`)).toEqual(["mono: readback arrives within tolerance", "mono: reaches an energy"]);
    expect(r.failures[0]!.message).toBe("mono readback (eV) after a move from 9000.00 to 9001.00: expected 9001.00 ± 0.02 within 300 ms, saw 9000.00");
    expect(r.failures[1]!.message).toBe("mono energy (eV) after a move from 9000.00 to 9010.00: expected 9010.00 ± 0.5 within 300 ms, saw 9000.00");
  });

  it("dead-pv: the device does not connect, naming the PV and its signal; its other checks are skipped", async () => {
    const r = await suite(RING, "sim", { faults: ["dead-pv:SR:DCCT:CURRENT"] });
    expect(r.failures).toEqual([
      { device: "dcct", check: "connects", message: "1 of 2 PVs did not connect: SR:DCCT:CURRENT (dcct-current): connect timed out after 300 ms" },
    ]);
    const dcct = r.results.filter((x) => x.device === "dcct" && x.check !== "connects");
    expect(dcct.length).toBeGreaterThan(3);
    expect(new Set(dcct.map((x) => `${x.outcome}: ${x.message}`))).toEqual(new Set(["skip: not run: dcct did not connect"]));
  });

  it("readback-offset: the readback check fails with the offset in what it saw", async () => {
    const r = await suite(BEAMLINE, "sim", { faults: ["readback-offset:BL:M1:PITCH=0.05"] });
    expect(r.failures).toEqual([
      {
        device: "mirror-pitch",
        check: "readback arrives within tolerance",
        message: "mirror-pitch readback (mrad) after a move from 3.5500 to 3.5600: expected 3.5600 ± 0.0002 within 300 ms, saw 3.6100",
      },
    ]);
  });

  it("noisy-bpm: that BPM's noise check fails, the other BPMs pass", async () => {
    const r = await suite(RING, "sim", { faults: ["noisy-bpm:BPM03A=0.2"], only: ["bpm"] });
    expect(r.failures).toHaveLength(1);
    expect(r.failures[0]!.device).toBe("bpm03a");
    expect(r.failures[0]!.check).toBe("noise is low");
    expect(r.failures[0]!.message).toMatch(/^bpm03a (x|y) noise \(standard deviation of 10 readings, mm\): expected <= 0\.02, saw 0\.[1-3]\d*$/);
    expect(r.results.filter((x) => x.check === "noise is low" && x.outcome === "pass")).toHaveLength(11);
  });
});

describe("on the ioc target (a soft IOC over Channel Access)", () => {
  it("a clean beamline passes", async () => {
    const r = await suite(BEAMLINE, "ioc", { speedUp: 20 });
    expect(r.failures).toEqual([]);
    expect(r.skipped).toBe(0);
    expect(r.passed).toBe(r.results.length);
  });

  it("each fault kind fails the check that should catch it", async () => {
    const cases: [string, string, string[], RegExp][] = [
      [BEAMLINE, "stuck-motor:BL:M1:PITCH", ["mirror"], /^mirror-pitch: readback arrives within tolerance: mirror-pitch readback \(mrad\) after a move from 3\.5000 to 3\.5100: expected 3\.5100 ± 0\.0002 within 300 ms, saw 3\.5000$/],
      [RING, "dead-pv:SR:TUNE:X", ["tune"], /^tune: connects: 1 of 2 PVs did not connect: SR:TUNE:X \(tune-x\): .*300 ms/],
      [BEAMLINE, "readback-offset:BL:FOCUS:Z=2", ["focus"], /^focus: readback arrives within tolerance: focus readback \(um\) after a move from -1148\.0 to -1143\.0: expected -1143\.0 ± 0\.2 within 300 ms, saw -1141\.0$/],
      [RING, "noisy-bpm:BPM05B", ["bpm05b", "bpm05a"], /^bpm05b: noise is low: bpm05b (x|y) noise .*expected <= 0\.02, saw 0\.\d+$/],
    ];
    for (const [file, fault, only, message] of cases) {
      const r = await suite(file, "ioc", { faults: [fault], only, speedUp: 20 });
      expect(r.failures.map((f) => `${f.device}: ${f.check}: ${f.message}`), fault).toEqual([expect.stringMatching(message)]);
      for (const o of opened.splice(0)) await o.close();
    }
  });
});
