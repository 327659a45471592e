import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../engine/errors.ts";
import { Bpm } from "./accelerator/bpm.ts";
import { OrbitSystem } from "./accelerator/orbit_system.ts";
import { EpicsMotor } from "./motors/epics_motor.ts";
import { buildDevices, loadProfile, parseProfile } from "./profile.ts";

const GOOD = `
instrument: test
devices:
  - { name: orbit, class: OrbitSystem, prefix: "SR:ORBIT:", options: { tolerance: 0.01 } }
  - { for: [BPM01A, BPM01B], name: "{lower}", class: Bpm, prefix: "SR:{}:" }
  - { name: focus, class: EpicsMotor, prefix: "BL:FOCUS:Z", options: { timeoutMs: 500 } }
`;

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error("expected a ConfigError");
}

describe("instrument profiles", () => {
  it("parses devices, expanding `for` lists", () => {
    const p = parseProfile(GOOD, "test.yaml");
    expect(p.instrument).toBe("test");
    expect(p.devices.map((d) => [d.name, d.class, d.prefix, d.at])).toEqual([
      ["orbit", "OrbitSystem", "SR:ORBIT:", "devices[0]"],
      ["bpm01a", "Bpm", "SR:BPM01A:", "devices[1] (BPM01A)"],
      ["bpm01b", "Bpm", "SR:BPM01B:", "devices[1] (BPM01B)"],
      ["focus", "EpicsMotor", "BL:FOCUS:Z", "devices[2]"],
    ]);
  });

  it("builds the devices for a scheme, with a PV prefix in front", () => {
    const devices = buildDevices(parseProfile(GOOD, "test.yaml"), { scheme: "ca", pvPrefix: "TEST:" });
    expect(devices.orbit).toBeInstanceOf(OrbitSystem);
    expect((devices.orbit as OrbitSystem).tolerance).toBe(0.01);
    expect(devices.bpm01b).toBeInstanceOf(Bpm);
    expect((devices.bpm01b as Bpm).x.source).toBe("ca://TEST:SR:BPM01B:X");
    expect((devices.focus as EpicsMotor).user_readback.source).toBe("ca://TEST:BL:FOCUS:Z.RBV");
    expect((devices.focus as EpicsMotor).user_readback.timeoutMs).toBe(500);
    expect(devices.focus!.name).toBe("focus");
    const sim = buildDevices(parseProfile(GOOD, "test.yaml"), { scheme: "sim" });
    expect((sim.bpm01a as Bpm).y.source).toBe("sim://SR:BPM01A:Y");
  });

  it("errors name the file, the device and the field", () => {
    const cases: [string, string][] = [
      [
        `instrument: t\ndevices:\n  - { name: b1, class: Bmp, prefix: "X:" }`,
        'f.yaml: device "b1" (devices[0]): field "class": unknown class "Bmp" (known: EpicsMotor, PvPositioner, Bpm, CorrectorPowerSupply, BeamCurrent, Tune, RfSystem, Kicker, OrbitSystem, Shutter, Valve, Mirror, Monochromator, PlaneGratingMonochromator, Undulator, Slits, CurrentMonitor, Camera)',
      ],
      [`instrument: t\ndevices:\n  - { name: b1, class: Bpm }`, 'f.yaml: device "b1" (devices[0]): field "prefix" must be a non-empty string, got nothing'],
      [
        `instrument: t\ndevices:\n  - { name: o, class: OrbitSystem, prefix: "X:", options: { tolerance: -1 } }`,
        'f.yaml: device "o" (devices[0]): field "options.tolerance": expected a non-negative number, got -1',
      ],
      [
        `instrument: t\ndevices:\n  - { name: o, class: OrbitSystem, prefix: "X:", options: { speed: 2 } }`,
        'f.yaml: device "o" (devices[0]): field "options.speed": OrbitSystem has no such option (it takes: timeoutMs, tolerance, settleTimeoutMs)',
      ],
      [
        `instrument: t\ndevices:\n  - { name: a, class: Bpm, prefix: "X:" }\n  - { name: a, class: Tune, prefix: "Y:" }`,
        'f.yaml: device "a" (devices[1]): field "name": the name is already used by devices[0]',
      ],
      [`instrument: t\ndevices:\n  - { name: "bad-name", class: Bpm, prefix: "X:" }`, 'f.yaml: device "bad-name" (devices[0]): field "name": "bad-name" is not a valid device name (letters, digits and \'_\', not starting with a digit)'],
      [`instrument: t\ndevices:\n  - { name: b, class: Bpm, prefix: "X:", pv: 1 }`, 'f.yaml: device "b" (devices[0]): unknown field "pv" (known: name, class, prefix, options, for)'],
      [`instrument: t\ndevices: []`, 'f.yaml: field "devices" must be a non-empty list, got []'],
      [`devices:\n  - { name: b, class: Bpm, prefix: "X:" }`, 'f.yaml: field "instrument" must be a non-empty string, got nothing'],
      [`instrument: t\ndevice: []`, 'f.yaml: unknown field "device" (known: instrument, description, simulation, devices)'],
      [`instrument: t\ndevices:\n  - { for: [], name: "{}", class: Bpm, prefix: "X:" }`, 'f.yaml: device "{}" (devices[0]): field "for" must be a non-empty list of strings, got []'],
    ];
    for (const [text, message] of cases) expect(configError(() => parseProfile(text, "f.yaml")).message).toBe(message);
  });

  it("YAML syntax errors say where", () => {
    const err = configError(() => parseProfile("instrument: t\ndevices: [\n  - {", "f.yaml"));
    expect(err.message).toMatch(/^f\.yaml: not valid YAML at line \d+, column \d+: /);
    expect(err.file).toBe("f.yaml");
  });

  it("a device class refusing its options is reported against the device", () => {
    const p = parseProfile(`instrument: t\ndevices:\n  - { name: b, class: Bpm, prefix: "X:" }`, "f.yaml");
    const err = configError(() => buildDevices(p, { scheme: "Not A Scheme" }));
    expect(err.message).toBe('f.yaml: device "b" (devices[0]): Bpm "b": invalid scheme "Not A Scheme" (e.g. "ca" or "sim")');
  });

  it("loads files, and names a missing one", async () => {
    const dir = mkdtempSync(join(tmpdir(), "skyloop-profile-"));
    const path = join(dir, "p.yaml");
    writeFileSync(path, GOOD);
    expect((await loadProfile(path)).devices).toHaveLength(4);
    const missing = join(dir, "nope.yaml");
    const err = await loadProfile(missing).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toMatch(new RegExp(`^${missing.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}: cannot read the profile: ENOENT`));
  });

  it("the shipped profiles load", async () => {
    const ring = await loadProfile(new URL("../profiles/sim-ring.yaml", import.meta.url).pathname);
    expect(ring.devices.filter((d) => d.class === "Bpm")).toHaveLength(12);
    expect(ring.devices.filter((d) => d.class === "CorrectorPowerSupply")).toHaveLength(12);
    const beamline = await loadProfile(new URL("../profiles/sim-beamline.yaml", import.meta.url).pathname);
    expect(beamline.devices.map((d) => d.name)).toEqual(["dcct", "undulator", "slits", "mirror", "mono", "fe_valve", "shutter", "bl_valve", "es_valve", "focus", "ic", "cam"]);
  });
});
