import { describe, expect, it } from "vitest";
import { InvalidArgumentError } from "../../engine/errors.ts";
import { InterlockError, VacuumSystem } from "./vacuum.ts";

describe("VacuumSystem interlocks", () => {
  it("passes beam only with every valve and shutter open", () => {
    const vac = new VacuumSystem();
    expect(vac.beamPasses()).toBe(true);
    vac.close("ES-VALVE");
    expect(vac.beamPasses()).toBe(false);
    vac.open("ES-VALVE");
    expect(vac.beamPasses()).toBe(true);
  });

  it("refuses to open a valve across a pressure difference", () => {
    const vac = new VacuumSystem();
    vac.close("BL-VALVE");
    vac.setPressure(2, 1000);
    expect(() => vac.open("BL-VALVE")).toThrow(InterlockError);
    expect(() => vac.open("BL-VALVE")).toThrow(
      "BL-VALVE: valve refuses to open: pressure difference 1.0e+3 mbar across it exceeds 1.0e-5 mbar",
    );
    expect(vac.isOpen("BL-VALVE")).toBe(false);
    vac.setPressure(2, 2e-9);
    vac.open("BL-VALVE");
    expect(vac.isOpen("BL-VALVE")).toBe(true);
  });

  it("refuses to open while the interlock is set, and setting it closes an open device", () => {
    const vac = new VacuumSystem();
    vac.setInterlock("PSHUTTER", true);
    expect(vac.isOpen("PSHUTTER")).toBe(false);
    expect(vac.trips).toEqual([{ device: "PSHUTTER", reason: "interlock set" }]);
    expect(() => vac.open("PSHUTTER")).toThrow(InterlockError);
    expect(() => vac.open("PSHUTTER")).toThrow("PSHUTTER: cannot open shutter while its interlock is set");
    vac.setInterlock("PSHUTTER", false);
    vac.open("PSHUTTER");
    expect(vac.isOpen("PSHUTTER")).toBe(true);
  });

  it("keeps the shutter closed while a valve upstream is closed", () => {
    const vac = new VacuumSystem();
    vac.close("FE-VALVE");
    expect(vac.isOpen("PSHUTTER")).toBe(false);
    expect(vac.trips).toEqual([{ device: "PSHUTTER", reason: "valve FE-VALVE upstream closed" }]);
    expect(() => vac.open("PSHUTTER")).toThrow("PSHUTTER: shutter cannot open while valve FE-VALVE upstream is closed");
    vac.open("FE-VALVE");
    vac.open("PSHUTTER");
    expect(vac.beamPasses()).toBe(true);
  });

  it("closes a valve when its sections' pressures part (venting), fail-safe", () => {
    const vac = new VacuumSystem();
    vac.setPressure(0, 1e-3);
    expect(vac.isOpen("FE-VALVE")).toBe(false);
    expect(vac.isOpen("PSHUTTER")).toBe(false);
    expect(vac.trips.map((t) => t.device)).toEqual(["FE-VALVE", "PSHUTTER"]);
  });

  it("names an unknown device", () => {
    const vac = new VacuumSystem();
    expect(() => vac.open("V9")).toThrow(InvalidArgumentError);
    expect(() => vac.open("V9")).toThrow('no valve or shutter named "V9" (have FE-VALVE, PSHUTTER, BL-VALVE, ES-VALVE)');
  });
});
