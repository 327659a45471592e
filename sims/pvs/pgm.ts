/**
 * The PV entries of a plane-grating monochromator in the beamline table (`<B>PGM:…`, see README.md): the
 * energy is a motor record whose axis drives grating and mirror together at constant cff (so a continuous
 * scan is one move of `PGM:ENERGY`), cff is writable, and the angles, groove density, order and resolving power
 * are readbacks refreshed with the table.
 */
import { InvalidArgumentError } from "../../engine/errors.ts";
import type { PlaneGratingMonochromator } from "../beamline/pgm.ts";
import { MotorRecord, type MotorRecordOptions } from "./motor_record.ts";
import type { SimPvTable } from "./table.ts";

/** The PGM's motor records: name (after the beamline prefix) and defaults. */
export const PGM_MOTORS: Readonly<Record<string, Required<MotorRecordOptions>>> = {
  "PGM:ENERGY": { units: "eV", precision: 3, velocity: 5, accelerationTime: 0.2, limits: [100, 2000] },
};

export interface PgmPvOptions {
  /** The beamline prefix. */
  prefix: string;
  /** Divide wall-clock durations by this. @default 1 */
  speedUp?: number;
  /** Overrides of the energy motor record's defaults. @default {} */
  energyMotor?: MotorRecordOptions;
  /** Called with each new energy (the undulator gap follows it). @default nothing */
  follow?: (energyEv: number) => void;
}

/** Add the PGM's PVs to `table`; returns the energy motor record. */
export function addPgmPvs(table: SimPvTable, pgm: PlaneGratingMonochromator, options: PgmPvOptions): MotorRecord {
  const P = `${options.prefix}PGM:`;
  const speedUp = options.speedUp ?? 1;
  const base = { ...PGM_MOTORS["PGM:ENERGY"]!, ...options.energyMotor };
  const energy = new MotorRecord(
    table,
    `${P}ENERGY`,
    {
      get: () => pgm.energyEv,
      set: (e) => {
        pgm.setEnergyEv(e);
        options.follow?.(e);
      },
    },
    { ...base, velocity: base.velocity * speedUp, accelerationTime: base.accelerationTime / speedUp },
  );
  const deg = { units: "deg", precision: 5 };
  const gratingPitch = table.create(`${P}GRATING:PITCH`, "double", { metadata: deg });
  const mirrorPitch = table.create(`${P}MIRROR:PITCH`, "double", { metadata: deg });
  const resolvingPower = table.create(`${P}RESOLVING_POWER`, "double", { metadata: { units: "", precision: 0 } });
  table.create(`${P}LINES`, "double", { value: pgm.options.lineDensityPerMm, metadata: { units: "l/mm", precision: 0 } });
  table.create(`${P}ORDER`, "long", { value: pgm.options.order });
  table.create(`${P}CFF`, "double", {
    writable: true,
    value: pgm.cff,
    metadata: { units: "", precision: 3, controlLimits: [1.01, 20] },
    onPut: (v) => {
      const cff = v as number;
      if (!(cff > 1 && cff <= 20)) throw new InvalidArgumentError(`${P}CFF must be in (1, 20], got ${cff}`, cff);
      if (energy.moving) throw new InvalidArgumentError(`${P}CFF cannot change while ${P}ENERGY moves`, cff);
      pgm.setCff(cff);
    },
  });
  table.addUpdater(() => {
    const a = pgm.angles;
    gratingPitch.set(a.gratingPitchDeg);
    mirrorPitch.set(a.mirrorPitchDeg);
    resolvingPower.set(pgm.resolvingPower);
  });
  return energy;
}
