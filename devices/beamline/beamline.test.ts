import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { InvalidArgumentError, LimitError } from "../../engine/errors.ts";
import { BeamlineSimulator } from "../../sims/beamline/simulator.ts";
import { registerSimBackend } from "../../sims/pvs/backend.ts";
import { beamlinePvTable } from "../../sims/pvs/beamline.ts";
import type { SimPvTable } from "../../sims/pvs/table.ts";
import { EpicsMotor } from "../motors/epics_motor.ts";
import { assertDescribeMatchesRead } from "../testing.ts";
import { Camera } from "./camera.ts";
import { CurrentMonitor } from "./current_monitor.ts";
import { InterlockRefusedError } from "./errors.ts";
import { Shutter, Valve } from "./gate.ts";
import { Mirror } from "./mirror.ts";
import { energyFromBragg, Monochromator } from "./monochromator.ts";
import { Slits } from "./slits.ts";
import { Undulator } from "./undulator.ts";

let beamline: BeamlineSimulator;
let table: SimPvTable;
let unregister: () => void;
const sim = { scheme: "sim" } as const;

beforeEach(() => {
  beamline = new BeamlineSimulator({ seed: 5 });
  table = beamlinePvTable(beamline, { speedUp: 200, tickMs: 5 });
  unregister = registerSimBackend(table);
});

afterEach(() => {
  unregister();
  table.dispose();
});

async function connected<D extends { connect(): Promise<void> }>(device: D): Promise<D> {
  await device.connect();
  return device;
}

describe("beamline devices on the simulated beamline", () => {
  it("every class: describe() matches read() and the configuration too", async () => {
    const devices = [
      new Valve({ ...sim, name: "fev", prefix: "BL:FE-VALVE:" }),
      new Shutter({ ...sim, name: "shutter", prefix: "BL:PSHUTTER:" }),
      new Mirror({ ...sim, name: "m1", prefix: "BL:M1:" }),
      new Monochromator({ ...sim, name: "mono", prefix: "BL:MONO:" }),
      new Undulator({ ...sim, name: "id", prefix: "BL:ID:" }),
      new Slits({ ...sim, name: "slits", prefix: "BL:SLIT1:" }),
      new CurrentMonitor({ ...sim, name: "ic", prefix: "BL:IC:" }),
      new Camera({ ...sim, name: "cam", prefix: "BL:CAM1:", readImage: true }),
      new EpicsMotor({ ...sim, name: "focus", prefix: "BL:FOCUS:Z" }),
    ];
    for (const d of devices) {
      await d.connect();
      await assertDescribeMatchesRead(d);
    }
    expect(devices.map((d) => d.hints.fields)).toEqual([
      ["fev-state"],
      ["shutter-state"],
      ["m1-pitch"],
      ["mono"],
      ["id"],
      ["slits-h_gap", "slits-v_gap"],
      ["ic-i0", "ic-it", "ic-if"],
      ["cam-stats-centroid_x", "cam-stats-centroid_y", "cam-stats-sigma_x", "cam-stats-sigma_y", "cam-stats-total", "cam-stats-max_value"],
      ["focus"],
    ]);
    const image = (await devices[7]!.describe())["cam-image"];
    expect(image).toMatchObject({ dtype: "array", shape: [64 * 48] });
  });

  it("Shutter: close stops the beam, open lets it through; the Status completes when the state is reached", async () => {
    const shutter = await connected(new Shutter({ ...sim, name: "shutter", prefix: "BL:PSHUTTER:" }));
    const states: string[] = [];
    const off = shutter.state.subscribeValue((s) => states.push(s));
    await shutter.set("close");
    off();
    expect(states).toEqual(["Open", "Moving", "Closed"]);
    expect(beamline.flux().onScreen).toBe(0);
    await shutter.open();
    expect(await shutter.isOpen()).toBe(true);
    expect(beamline.flux().onScreen).toBeGreaterThan(0);
    const bad = await shutter.set("ajar" as "open").then(undefined, (e: unknown) => e);
    expect(bad).toBeInstanceOf(InvalidArgumentError);
    expect((bad as Error).message).toBe('shutter: set takes "open" or "close", got "ajar"');
  });

  it("Valve: an interlocked valve refuses to open, with the interlock's reason", async () => {
    const valve = await connected(new Valve({ ...sim, name: "blv", prefix: "BL:BL-VALVE:" }));
    beamline.vacuum.setInterlock("BL-VALVE", true);
    table.refreshNow(); // the simulator changed behind the table's back
    expect(await valve.state.getValue()).toBe("Closed");
    expect(await valve.interlock.getValue()).toBe("Interlocked");
    const err = await valve.set("open").then(undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(InterlockRefusedError);
    expect((err as Error).message).toBe("blv: open refused by the interlock: cannot open valve while its interlock is set");
    expect(beamline.vacuum.isOpen("BL-VALVE")).toBe(false);
    beamline.vacuum.setInterlock("BL-VALVE", false);
    table.refreshNow();
    await valve.set("open");
    expect(await valve.state.getValue()).toBe("Open");
  });

  it("Shutter: refuses to open behind a closed valve upstream", async () => {
    const fev = await connected(new Valve({ ...sim, name: "fev", prefix: "BL:FE-VALVE:" }));
    const shutter = await connected(new Shutter({ ...sim, name: "shutter", prefix: "BL:PSHUTTER:" }));
    await fev.close();
    expect(await shutter.state.getValue()).toBe("Closed"); // closed by the protection system
    const err = await shutter.open().then(undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(InterlockRefusedError);
    expect((err as Error).message).toBe("shutter: open refused by the interlock: shutter cannot open while valve FE-VALVE upstream is closed");
    expect(await shutter.interlock_message.getValue()).toBe("shutter cannot open while valve FE-VALVE upstream is closed");
  });

  it("Mirror: the pitch motor steers the beam", async () => {
    const m1 = await connected(new Mirror({ ...sim, name: "m1", prefix: "BL:M1:" }));
    await m1.pitch.set(3.52);
    expect(beamline.mirror.pitchMrad).toBe(3.52);
    expect(beamline.mirror.beamOffsetMm()).toBeCloseTo(0.4, 10);
    await m1.y.set(1);
    expect(await m1.y.user_readback.getValue()).toBe(1);
  });

  it("Monochromator: set(energy) moves the Bragg axis; the ID tracks; out-of-range energies are refused unmoved", async () => {
    const mono = await connected(new Monochromator({ ...sim, name: "mono", prefix: "BL:MONO:" }));
    const id = await connected(new Undulator({ ...sim, name: "id", prefix: "BL:ID:" }));
    await mono.set(8979);
    expect((await mono.locate()).readback).toBeCloseTo(8979, 6);
    expect(beamline.monochromator.energyEv).toBeCloseTo(8979, 6);
    expect(await id.energy.getValue()).toBeCloseTo(8979, 3);
    const d = 3.1356;
    expect(await mono.limits()).toEqual([energyFromBragg(80, d), energyFromBragg(3.5, d)]);
    const bragg = beamline.monochromator.braggDeg;
    const high = await mono.set(50000).then(undefined, (e: unknown) => e);
    expect(high).toBeInstanceOf(LimitError);
    expect((high as Error).message).toBe(`mono: 50000 is outside the limits [${energyFromBragg(80, d)}, ${energyFromBragg(3.5, d)}]; nothing was moved`);
    const low = await mono.set(1000).then(undefined, (e: unknown) => e);
    expect(low).toBeInstanceOf(InvalidArgumentError);
    expect((low as Error).message).toBe("mono: 1000 eV is below the crystal's minimum of 1977.0 eV (d = 3.1356 Å)");
    expect(beamline.monochromator.braggDeg).toBe(bragg);
  });

  it("Undulator: set(energy) moves the gap to put the harmonic there", async () => {
    const id = await connected(new Undulator({ ...sim, name: "id", prefix: "BL:ID:" }));
    await id.tracking.set("Off");
    await id.harmonic.set(3);
    await id.set(9500);
    expect(await id.energy.getValue()).toBeCloseTo(9500, 3);
    expect(beamline.undulator.harmonicEnergyEv(3, beamline.gapMm)).toBeCloseTo(9500, 3);
    expect(await id.gap.motor_done_move.getValue()).toBe(1);
  });

  it("Slits: gap and centre move two blades at once; past a blade's limit nothing moves", async () => {
    const slits = await connected(new Slits({ ...sim, name: "slits", prefix: "BL:SLIT1:" }));
    await slits.h_gap.set(2);
    expect(beamline.slits.blades("x")).toEqual({ lo: -1, hi: 1 });
    await slits.v_centre.set(0.2);
    const y = beamline.slits.blades("y");
    expect(y.lo + y.hi).toBeCloseTo(0.4, 12);
    expect(await slits.v_gap.readback.getValue()).toBeCloseTo(0.6, 12);
    const r = await slits.read();
    expect(r["slits-h_gap"]!.value).toBe(2);
    const err = await slits.h_gap.set(30).then(undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(LimitError);
    expect((err as Error).message).toBe("slits-h_gap (blade slits-inboard): -15 is outside the limits [-10, 10]; nothing was moved");
    expect(beamline.slits.blades("x")).toEqual({ lo: -1, hi: 1 });
  });

  it("CurrentMonitor counts for its acquire time; a closed shutter leaves only dark counts", async () => {
    const ic = await connected(new CurrentMonitor({ ...sim, name: "ic", prefix: "BL:IC:" }));
    const shutter = await connected(new Shutter({ ...sim, name: "shutter", prefix: "BL:PSHUTTER:" }));
    await ic.acquire_time.set(0.5);
    await ic.trigger();
    const open = await ic.read();
    expect(open["ic-i0"]!.value).toBeGreaterThan(1e6);
    expect(open["ic-it"]!.value).toBeGreaterThan(0);
    await shutter.close();
    await ic.trigger();
    const closed = await ic.read();
    expect(closed["ic-i0"]!.value).toBeLessThan(1000);
    expect(closed["ic-i0"]!.timestamp).toBeGreaterThan(open["ic-i0"]!.timestamp);
  });

  it("Camera: a frame's stats show a smaller spot in focus", async () => {
    const cam = await connected(new Camera({ ...sim, name: "cam", prefix: "BL:CAM1:" }));
    const focus = await connected(new EpicsMotor({ ...sim, name: "focus", prefix: "BL:FOCUS:Z" }));
    await cam.acquire_time.set(0.05);
    await cam.trigger();
    const sharp = await cam.stats.sigma_x.getValue();
    await focus.set(-1250);
    await cam.trigger();
    const blurred = await cam.stats.sigma_x.getValue();
    expect(blurred).toBeGreaterThan(sharp * 1.5);
    expect(await cam.array_counter.getValue()).toBe(2);
    expect(await cam.stats.max_value.getValue()).toBeGreaterThan(0);
  });

  it("stuck-motor fault: the monochromator reports arrival but its energy never changes", async () => {
    table.applyFault({ kind: "stuck-motor", motor: "BL:MONO:BRAGG" });
    const mono = await connected(new Monochromator({ ...sim, name: "mono", prefix: "BL:MONO:" }));
    const before = await mono.energy.getValue();
    await mono.set(9500);
    const loc = await mono.locate();
    expect(loc.setpoint).toBe(9500);
    expect(loc.readback).toBe(before);
  });
});
