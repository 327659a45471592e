import { describe, expect, it } from "vitest";
import { InvalidArgumentError } from "../../engine/errors.ts";
import { braggAngleDeg } from "./monochromator.ts";
import { pgmAngles, pgmEnergyEv, PlaneGratingMonochromator, wavelengthA } from "./pgm.ts";
import { BeamlineSimulator } from "./simulator.ts";
import { SOFT_XRAY_BEAMLINE } from "./softxray.ts";

const rad = (deg: number) => (deg * Math.PI) / 180;

function expectInvalid(fn: () => unknown, message: string): void {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(InvalidArgumentError);
  expect((caught as Error).message).toBe(message);
}

describe("plane-grating monochromator", () => {
  it("satisfies the grating equation and holds cff = cos β / cos α", () => {
    for (const e of [100, 370, 400, 470, 1500]) {
      const a = pgmAngles(e, 1200, 1, 2.25);
      // sin α + sin β = N k λ, with N in lines/Å
      expect(Math.sin(rad(a.alphaDeg)) + Math.sin(rad(a.betaDeg))).toBeCloseTo(1200e-7 * wavelengthA(e), 12);
      expect(Math.cos(rad(a.betaDeg)) / Math.cos(rad(a.alphaDeg))).toBeCloseTo(2.25, 10);
      expect(a.betaDeg).toBeLessThan(0);
      expect(pgmEnergyEv(a.alphaDeg, a.betaDeg, 1200, 1)).toBeCloseTo(e, 8);
    }
  });

  it("works at grazing angles of a few degrees in the soft X-ray range, shallower at higher energy", () => {
    const low = pgmAngles(370, 1200, 1, 2.25);
    const high = pgmAngles(470, 1200, 1, 2.25);
    // 400 eV: λ = 31.0 Å, N k λ = 0.00372 -> α = 87.55°, β = −84.48°
    const mid = pgmAngles(400, 1200, 1, 2.25);
    expect(mid.alphaDeg).toBeCloseTo(87.551, 3);
    expect(mid.betaDeg).toBeCloseTo(-84.483, 3);
    expect(mid.mirrorPitchDeg).toBeCloseTo(90 - (mid.alphaDeg - mid.betaDeg) / 2, 12);
    expect(high.gratingPitchDeg).toBeLessThan(low.gratingPitchDeg);
    expect(high.mirrorPitchDeg).toBeLessThan(low.mirrorPitchDeg);
  });

  it("resolves E/ΔE of several thousand, set by the exit slit, and a narrower slit resolves more", () => {
    const pgm = new PlaneGratingMonochromator({ initialEnergyEv: 400 });
    const { alphaDeg, betaDeg } = pgm.angles;
    const dLambda = Math.hypot((30e-6 * Math.cos(rad(betaDeg))) / 5, (30e-6 * Math.cos(rad(alphaDeg))) / 20) / 1.2e6;
    expect(pgm.resolution).toBeCloseTo(dLambda / (wavelengthA(400) * 1e-10), 12);
    expect(pgm.resolvingPower).toBeGreaterThan(5000);
    expect(pgm.resolvingPower).toBeLessThan(8000);
    expect(new PlaneGratingMonochromator({ initialEnergyEv: 400, exitSlitUm: 10 }).resolvingPower).toBeGreaterThan(2.5 * pgm.resolvingPower);
    expect(pgm.transmittedFlux(1e14)).toBeCloseTo(1e14 * (pgm.resolution / 1e-3) * 0.12 * 0.9, -6);
  });

  it("changing cff keeps the energy and moves both angles", () => {
    const pgm = new PlaneGratingMonochromator({ initialEnergyEv: 400 });
    const before = pgm.angles;
    pgm.setCff(5);
    expect(pgm.actualEnergyEv).toBeCloseTo(400, 8);
    expect(pgm.angles.alphaDeg).not.toBeCloseTo(before.alphaDeg, 3);
    expect(Math.cos(rad(pgm.angles.betaDeg)) / Math.cos(rad(pgm.angles.alphaDeg))).toBeCloseTo(5, 10);
  });

  it("refuses cff <= 1, a non-positive energy and a bad order", () => {
    expectInvalid(() => pgmAngles(400, 1200, 1, 1), "cff must be a finite number > 1, got 1");
    expectInvalid(() => new PlaneGratingMonochromator().setEnergyEv(-5), "PGM energy must be a finite number > 0 eV, got -5");
    expectInvalid(() => new PlaneGratingMonochromator({ order: 0 }), "pgm.order must be an integer >= 1, got 0");
  });
});

describe("soft X-ray beamline", () => {
  it("selects the PGM by configuration and scans 370–470 eV, where the Si(111) DCM cannot go", () => {
    expect(() => braggAngleDeg(400)).toThrow(InvalidArgumentError);
    const bl = new BeamlineSimulator(SOFT_XRAY_BEAMLINE);
    expect(bl.pgm).toBeDefined();
    expect(bl.mono).toBe(bl.pgm);
    for (const e of [370, 420, 470]) {
      bl.setEnergyEv(e);
      expect(bl.energyEv).toBeCloseTo(e, 8);
      // the undulator's first harmonic follows the energy
      expect(bl.undulator.harmonicEnergyEv(1, bl.gapMm)).toBeCloseTo(e, 6);
      expect(bl.flux().atSample).toBeGreaterThan(1e12);
    }
  });

  it("shows the nitrogen π* resonance and K edge in the transmission", () => {
    const bl = new BeamlineSimulator(SOFT_XRAY_BEAMLINE);
    const t = (e: number) => {
      bl.setEnergyEv(e);
      const f = bl.flux();
      return f.transmitted / f.atSample;
    };
    expect(t(401)).toBeLessThan(0.5 * t(395));
    expect(t(430)).toBeLessThan(0.8 * t(395));
  });

  it("keeps the DCM by default", () => {
    const bl = new BeamlineSimulator();
    expect(bl.pgm).toBeUndefined();
    expect(bl.mono).toBe(bl.monochromator);
    expectInvalid(() => new BeamlineSimulator({ mono: "xtal" as never }), 'mono must be "dcm" or "pgm", got "xtal"');
  });
});
