import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { InvalidArgumentError, LimitError } from "../../engine/errors.ts";
import { registerSimBackend } from "../../sims/pvs/backend.ts";
import { ringPvTable } from "../../sims/pvs/ring.ts";
import type { SimPvTable } from "../../sims/pvs/table.ts";
import { smallRingLattice } from "../../sims/ring/lattice-generator.ts";
import { RingSimulator } from "../../sims/ring/simulator.ts";
import { assertDescribeMatchesRead } from "../testing.ts";
import { BeamCurrent } from "./beam_current.ts";
import { Bpm } from "./bpm.ts";
import { CorrectorPowerSupply } from "./corrector.ts";
import { Kicker } from "./kicker.ts";
import { OrbitSystem } from "./orbit_system.ts";
import { RfSystem } from "./rf.ts";
import { Tune } from "./tune.ts";

let ring: RingSimulator;
let table: SimPvTable;
let unregister: () => void;

beforeEach(() => {
  ring = new RingSimulator({ lattice: smallRingLattice(), bpm: { noiseMm: 0 }, seed: 3 });
  table = ringPvTable(ring, { tickMs: 5 });
  unregister = registerSimBackend(table);
});

afterEach(() => {
  unregister();
  table.dispose();
});

const sim = { scheme: "sim" } as const;
const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("accelerator devices on the simulated ring", () => {
  it("every class: describe() matches read() and the configuration too", async () => {
    const devices = [
      new Bpm({ ...sim, name: "bpm", prefix: "SR:BPM01A:" }),
      new CorrectorPowerSupply({ ...sim, name: "hcm", prefix: "SR:HCM01A:" }),
      new BeamCurrent({ ...sim, name: "dcct", prefix: "SR:DCCT:" }),
      new Tune({ ...sim, name: "tune", prefix: "SR:TUNE:" }),
      new RfSystem({ ...sim, name: "rf", prefix: "SR:RF:" }),
      new Kicker({ ...sim, name: "kicker", prefix: "SR:KICKER:" }),
      new OrbitSystem({ ...sim, name: "orbit", prefix: "SR:ORBIT:" }),
    ];
    for (const d of devices) {
      await d.connect();
      await assertDescribeMatchesRead(d);
    }
    expect(devices.map((d) => d.hints.fields)).toEqual([
      ["bpm-x", "bpm-y"],
      ["hcm"],
      ["dcct-current"],
      ["tune-x", "tune-y"],
      ["rf"],
      ["kicker-amplitude"],
      ["orbit-rms_x", "orbit-rms_y"],
    ]);
  });

  it("Bpm reads the simulator's orbit at its BPM, with sum and status", async () => {
    ring.setCorrector(ring.correctorIndex("x", 0), 2);
    table.refreshNow();
    const bpm = new Bpm({ ...sim, name: "bpm", prefix: "SR:BPM02B:" });
    await bpm.connect();
    const r = await bpm.read();
    const orbit = ring.readOrbit();
    const i = ring.bpmNames.indexOf("BPM02B");
    expect(r["bpm-x"]!.value).toBe(orbit[i]);
    expect(r["bpm-y"]!.value).toBe(orbit[ring.nBpm + i]);
    expect(Math.abs(r["bpm-x"]!.value as number)).toBeGreaterThan(0.01);
    expect(r["bpm-sum"]!.value).toBeCloseTo(300, 3);
    expect(r["bpm-status"]!.value).toBe("OK");
    expect((await bpm.describe())["bpm-status"]).toMatchObject({ dtype: "string", choices: ["OK", "NO BEAM"] });
  });

  it("CorrectorPowerSupply sets the supply, refuses past its limits, shows saturation", async () => {
    const hcm = new CorrectorPowerSupply({ ...sim, name: "hcm", prefix: "SR:HCM03A:" });
    await hcm.connect();
    const j = ring.correctorNames.indexOf("HCM03A");
    await hcm.set(1.25);
    expect(ring.correctorSetpoint(j)).toBe(1.25);
    expect(await hcm.readback.getValue()).toBeCloseTo(1.25, 3);
    expect(await hcm.limits()).toEqual([-5, 5]);
    const err = await hcm.set(5.5).then(undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(LimitError);
    expect((err as Error).message).toBe("hcm: 5.5 is outside the limits [-5, 5]; nothing was moved");
    expect(ring.correctorSetpoint(j)).toBe(1.25);
    // Beyond the device's check, a direct write still saturates the supply, which the flag shows.
    await table.get("SR:HCM03A:SP").put(7);
    expect(await hcm.saturated.getValue()).toBe(1);
    expect(await hcm.readback.getValue()).toBeCloseTo(5, 3);
  });

  it("BeamCurrent measures the lifetime from the decay", async () => {
    const dcct = new BeamCurrent({ ...sim, name: "dcct", prefix: "SR:DCCT:" });
    await dcct.connect();
    await dcct.read();
    await delay(20);
    const r = await dcct.read();
    expect(r["dcct-current"]!.value).toBeLessThan(300);
    expect(r["dcct-current"]!.value).toBeGreaterThan(299.99);
    expect(r["dcct-lifetime"]!.value).toBeCloseTo(10, 3);
  });

  it("Tune reads the fractional tunes", async () => {
    const tune = new Tune({ ...sim, name: "tune", prefix: "SR:TUNE:" });
    await tune.connect();
    const r = await tune.read();
    expect(r["tune-x"]!.value).toBeCloseTo(0.22, 10);
    expect(r["tune-y"]!.value).toBeCloseTo(0.31, 10);
  });

  it("RfSystem: a frequency change shifts the beam momentum", async () => {
    const rf = new RfSystem({ ...sim, name: "rf", prefix: "SR:RF:" });
    await rf.connect();
    const f0 = await rf.frequency.getValue();
    await rf.set(f0 + 0.001);
    expect(await rf.locate()).toEqual({ setpoint: f0 + 0.001, readback: f0 + 0.001 });
    expect(ring.energyOffsetRel).toBeCloseTo(-(0.001 / f0) / 3e-4, 12);
  });

  it("Kicker: refused while disabled; when enabled a shot refills a lost beam", async () => {
    const kicker = new Kicker({ ...sim, name: "kicker", prefix: "SR:KICKER:" });
    const dcct = new BeamCurrent({ ...sim, name: "dcct", prefix: "SR:DCCT:" });
    const bpm = new Bpm({ ...sim, name: "bpm", prefix: "SR:BPM01A:" });
    await Promise.all([kicker.connect(), dcct.connect(), bpm.connect()]);
    const err = await kicker.trigger().then(undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidArgumentError);
    expect((err as Error).message).toBe("SR:KICKER:FIRE refused: the kicker is disabled (SR:KICKER:ENABLE is Off)");
    ring.setEnergyOffset(0.1); // the orbit leaves the aperture: the beam is lost
    await delay(2);
    expect(await dcct.current.getValue()).toBe(0);
    const lost = await bpm.read();
    expect(lost["bpm-status"]).toMatchObject({ value: "NO BEAM", alarm_severity: 2 });
    expect(lost["bpm-x"]!.alarm_severity).toBe(3);
    ring.setEnergyOffset(0);
    await kicker.enable.set("On");
    await kicker.set(6);
    await kicker.trigger();
    expect(await kicker.shots.getValue()).toBe(1);
    expect(await dcct.current.getValue()).toBeCloseTo(300, 3);
    expect((await bpm.read())["bpm-status"]!.value).toBe("OK");
  });
});

describe("OrbitSystem", () => {
  it("reads all N BPMs as arrays and sets all M correctors at once", async () => {
    const orbit = new OrbitSystem({ ...sim, name: "orbit", prefix: "SR:ORBIT:" });
    await orbit.connect();
    expect(await orbit.bpm_names.getValue()).toEqual(ring.bpmNames);
    expect(await orbit.correctorNames()).toEqual(ring.correctorNames);
    const currents = ring.correctorNames.map((_, j) => (j % 2 === 0 ? 0.5 : -0.25) * (1 + j / 10));
    await orbit.set(currents);
    expect(Array.from(ring.correctorSetpoints())).toEqual(currents);
    const { x, y } = await orbit.readOrbit();
    const truth = ring.readOrbit();
    expect(x).toEqual(Array.from(truth.subarray(0, ring.nBpm)));
    expect(y).toEqual(Array.from(truth.subarray(ring.nBpm)));
    expect(x).toHaveLength(12);
    const loc = await orbit.locate();
    expect(loc.setpoint).toEqual(currents);
    loc.readback.forEach((r, j) => expect(r).toBeCloseTo(currents[j]!, 3));
    const r = await orbit.read();
    expect(r["orbit-rms_x"]!.value).toBeCloseTo(Math.sqrt(x.reduce((s, v) => s + v * v, 0) / x.length), 12);
  });

  it("refuses a vector with any element past its limit before writing anything", async () => {
    const orbit = new OrbitSystem({ ...sim, name: "orbit", prefix: "SR:ORBIT:" });
    await orbit.connect();
    const before = Array.from(ring.correctorSetpoints());
    const currents = ring.correctorNames.map(() => 1);
    currents[7] = -6;
    const err = await orbit.set(currents).then(undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(LimitError);
    expect((err as Error).message).toBe("orbit: VCM02A (element 7): -6 is outside the limits [-5, 5]; nothing was moved");
    expect(Array.from(ring.correctorSetpoints())).toEqual(before);
    const short = await orbit.set([1, 2]).then(undefined, (e: unknown) => e);
    expect(short).toBeInstanceOf(InvalidArgumentError);
    expect((short as Error).message).toBe("orbit: expected 12 corrector currents (6 horizontal, then 6 vertical), got 2");
  });

  it("noisy-bpm fault: only that BPM's readings scatter, by about the given sigma", async () => {
    table.applyFault({ kind: "noisy-bpm", bpm: "BPM03A", sigmaMm: 0.2 });
    const noisy = new Bpm({ ...sim, name: "noisy", prefix: "SR:BPM03A:" });
    const quiet = new Bpm({ ...sim, name: "quiet", prefix: "SR:BPM03B:" });
    await Promise.all([noisy.connect(), quiet.connect()]);
    const xs: number[] = [];
    const qs = new Set<number>();
    for (let k = 0; k < 60; k++) {
      await delay(1);
      xs.push(await noisy.x.getValue());
      qs.add(await quiet.x.getValue());
    }
    const mean = xs.reduce((s, v) => s + v, 0) / xs.length;
    const sd = Math.sqrt(xs.reduce((s, v) => s + (v - mean) ** 2, 0) / (xs.length - 1));
    expect(sd).toBeGreaterThan(0.12);
    expect(sd).toBeLessThan(0.3);
    expect(qs.size).toBe(1);
  });
});
