import { afterEach, describe, expect, it } from "vitest";
import { ConfigError, InvalidArgumentError, NotConnectedError, TimeoutError } from "../engine/errors.ts";
import type { Bpm } from "../devices/accelerator/bpm.ts";
import type { OrbitSystem } from "../devices/accelerator/orbit_system.ts";
import type { CurrentMonitor } from "../devices/beamline/current_monitor.ts";
import type { Monochromator } from "../devices/beamline/monochromator.ts";
import { backendSchemes } from "../devices/core/signal_backend.ts";
import type { StandardReadable } from "../devices/core/standard_readable.ts";
import { parseProfile } from "../devices/profile.ts";
import { assertDescribeMatchesRead } from "../devices/testing.ts";
import { buildInstrument, type Instrument } from "./instrument.ts";

const RING = new URL("../profiles/sim-ring.yaml", import.meta.url).pathname;
const BEAMLINE = new URL("../profiles/sim-beamline.yaml", import.meta.url).pathname;

let built: Instrument[] = [];
afterEach(() => {
  for (const i of built) i.dispose();
  built = [];
});

async function build(...args: Parameters<typeof buildInstrument>): Promise<Instrument> {
  const i = await buildInstrument(...args);
  built.push(i);
  return i;
}

describe("buildInstrument", () => {
  it("sim-ring: builds the ring, serves its PVs in-process, and every device reads what describe() says", async () => {
    const inst = await build(RING, { target: "sim", connect: true });
    expect(inst.name).toBe("sim-ring");
    expect(inst.ring?.nBpm).toBe(12);
    expect(inst.beamline).toBeUndefined();
    expect(Object.keys(inst.devices)).toHaveLength(5 + 12 + 12);
    for (const device of Object.values(inst.devices)) await assertDescribeMatchesRead(device as StandardReadable);
    const orbit = inst.devices.orbit as OrbitSystem;
    inst.ring!.setCorrector(0, 3);
    inst.tables[0]!.refreshNow();
    const x = await orbit.x.getValue();
    expect(Math.abs(x[5]!)).toBeGreaterThan(0.05);
    expect(x).toHaveLength(12);
    // The same BPM through its own PV and through the orbit waveform: equal within the reading noise (1 µm).
    expect((await orbit.bpm_names.getValue())[5]).toBe("BPM03B");
    expect(Math.abs((await (inst.devices.bpm03b as Bpm).x.getValue()) - (await orbit.x.getValue())[5]!)).toBeLessThan(0.01);
  });

  it("sim-beamline: the beamline is fed by the ring's current, and its devices move it", async () => {
    const inst = await build(BEAMLINE, { target: "sim", connect: true, speedUp: 500 });
    expect(inst.beamline!.ringCurrentMa).toBe(inst.ring!.beamCurrentMa);
    for (const device of Object.values(inst.devices)) await assertDescribeMatchesRead(device as StandardReadable);
    const mono = inst.devices.mono as Monochromator;
    await mono.set(9100);
    expect(inst.beamline!.monochromator.energyEv).toBeCloseTo(9100, 6);
    const ic = inst.devices.ic as CurrentMonitor;
    await ic.acquire_time.set(0.1);
    await ic.trigger();
    expect(await ic.i0.getValue()).toBeGreaterThan(0);
  });

  it("target ca: the same classes on ca:// PVs, nothing simulated", async () => {
    const inst = await build(RING, { target: "ca", pvPrefix: "T1:" });
    expect(inst.tables).toEqual([]);
    expect(inst.ring).toBeUndefined();
    expect((inst.devices.bpm01a as Bpm).x.source).toBe("ca://T1:SR:BPM01A:X");
  });

  it("faults: a dead PV makes its device fail to connect, by name", async () => {
    const err = await buildInstrument(RING, {
      target: "sim",
      connect: true,
      connectTimeoutMs: 40,
      faults: [{ kind: "dead-pv", pv: "SR:DCCT:CURRENT" }],
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotConnectedError);
    const dcct = (err as NotConnectedError).errors.get("dcct") as NotConnectedError;
    expect([...(err as NotConnectedError).errors.keys()]).toEqual(["dcct"]);
    expect(dcct.errors.get("current")).toBeInstanceOf(TimeoutError);
    expect((err as Error).message).toBe("dcct:\n  current: TimeoutError: sim://SR:DCCT:CURRENT connect timed out after 40 ms");
    expect(backendSchemes()).not.toContain("sim");
  });

  it("faults that match nothing are refused", async () => {
    const err = await buildInstrument(RING, { target: "sim", faults: [{ kind: "stuck-motor", motor: "SR:NOPE" }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidArgumentError);
    expect((err as Error).message).toBe(
      'fault {"kind":"stuck-motor","motor":"SR:NOPE"} matches nothing in the simulated instrument (ring: ring: fault {"kind":"stuck-motor","motor":"SR:NOPE"} matches nothing in this table)',
    );
  });

  it("a bad simulation section is a ConfigError naming the file and the field", async () => {
    const p = (sim: string) => parseProfile(`instrument: t\nsimulation: ${sim}\ndevices:\n  - { name: b, class: Bpm, prefix: "SR:BPM01A:" }`, "t.yaml");
    const cases: [string, RegExp | string][] = [
      ["{ ring: { lattice: huge } }", /^t\.yaml: field "simulation\.ring\.lattice": .*must be one of default, small, got "huge"/],
      ["{ ring: { seed: 1.5 } }", 't.yaml: field "simulation.ring.seed": must be an integer, got 1.5'],
      ["{ ring: { speed: 1 } }", 't.yaml: field "simulation.ring.speed": unknown field (known: lattice, seed, machineSeed, prefix, imperfections, disturbances)'],
      ["{ booster: {} }", 't.yaml: field "simulation.booster": unknown simulator (known: ring, beamline)'],
      ["{}", 't.yaml: field "simulation": name at least one simulator (ring or beamline) to build for the "sim" target'],
    ];
    for (const [sim, message] of cases) {
      const err = await buildInstrument(p(sim), { target: "sim" }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ConfigError);
      if (typeof message === "string") expect((err as Error).message).toBe(message);
      else expect((err as Error).message).toMatch(message);
    }
  });

  it("dispose takes the tables off the sim scheme", async () => {
    const inst = await buildInstrument(RING, { target: "sim" });
    expect(backendSchemes()).toContain("sim");
    inst.dispose();
    expect(backendSchemes()).not.toContain("sim");
  });
});
