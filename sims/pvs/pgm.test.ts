import { afterEach, describe, expect, it } from "vitest";
import { InvalidArgumentError } from "../../engine/errors.ts";
import { pgmAngles } from "../beamline/pgm.ts";
import { BeamlineSimulator } from "../beamline/simulator.ts";
import { SOFT_XRAY_BEAMLINE } from "../beamline/softxray.ts";
import { beamlinePvTable } from "./beamline.ts";
import type { SimPvTable } from "./table.ts";

let tables: SimPvTable[] = [];
afterEach(() => {
  for (const t of tables) t.dispose();
  tables = [];
});

function softXray(): { bl: BeamlineSimulator; table: SimPvTable } {
  const bl = new BeamlineSimulator(SOFT_XRAY_BEAMLINE);
  const table = beamlinePvTable(bl, { speedUp: 50, tickMs: 5 });
  tables.push(table);
  return { bl, table };
}

describe("PGM PVs of the beamline table", () => {
  it("serves BL:PGM:* instead of the DCM's BL:MONO:*", () => {
    const { table } = softXray();
    for (const name of ["BL:PGM:ENERGY.VAL", "BL:PGM:ENERGY.RBV", "BL:PGM:CFF", "BL:PGM:GRATING:PITCH", "BL:PGM:MIRROR:PITCH", "BL:PGM:LINES", "BL:PGM:ORDER", "BL:PGM:RESOLVING_POWER"])
      expect(table.has(name), name).toBe(true);
    expect(table.has("BL:MONO:BRAGG.VAL")).toBe(false);
    expect(table.get("BL:PGM:LINES").read().value).toBe(1200);
    expect(table.get("BL:PGM:ENERGY.RBV").read().value).toBe(400);
  });

  it("moves grating and mirror with the energy motor; the put completes on arrival; the gap follows", async () => {
    const { bl, table } = softXray();
    const gapBefore = bl.gapMm;
    await table.get("BL:PGM:ENERGY.VAL").put(470);
    expect(table.get("BL:PGM:ENERGY.DMOV").read().value).toBe(1);
    expect(table.get("BL:PGM:ENERGY.RBV").read().value).toBe(470);
    const a = pgmAngles(470, 1200, 1, 2.25);
    expect(table.get("BL:PGM:GRATING:PITCH").read().value).toBeCloseTo(a.gratingPitchDeg, 10);
    expect(table.get("BL:PGM:MIRROR:PITCH").read().value).toBeCloseTo(a.mirrorPitchDeg, 10);
    expect(bl.energyEv).toBeCloseTo(470, 8);
    expect(bl.gapMm).toBeGreaterThan(gapBefore);
    expect(bl.undulator.harmonicEnergyEv(1, bl.gapMm)).toBeCloseTo(470, 6);
  });

  it("changes cff at rest and refuses a cff <= 1", async () => {
    const { bl, table } = softXray();
    await table.get("BL:PGM:CFF").put(3);
    expect(bl.pgm!.cff).toBe(3);
    expect(table.get("BL:PGM:GRATING:PITCH").read().value).toBeCloseTo(pgmAngles(400, 1200, 1, 3).gratingPitchDeg, 10);
    let caught: unknown;
    await table.get("BL:PGM:CFF").put(0.5).catch((err: unknown) => (caught = err));
    expect(caught).toBeInstanceOf(InvalidArgumentError);
    expect((caught as Error).message).toBe("BL:PGM:CFF must be in (1, 20], got 0.5");
  });
});
