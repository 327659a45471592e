/**
 * A plane-grating monochromator (PGM) for soft X-rays, of the collimated SX700 kind run at BESSY II: a plane
 * mirror in front of a plane grating keeps the exit beam fixed while both rotate. Energy ↔ angles follow the
 * grating equation sin α + sin β = N k λ (angles from the grating normal, β < 0 in the inside order used here)
 * with the fixed-focus constant cff = cos β / cos α held constant, as the scans do. The mirror's grazing angle
 * is 90° − (α − β)/2, half the grating's deviation, so the exit beam stays parallel to the incoming one.
 */
import { InvalidArgumentError } from "../../engine/errors.ts";
import { HC_KEV_ANGSTROM } from "./monochromator.ts";

/** Where the beamline's energy comes from: what the simulator asks of any monochromator. */
export interface EnergySelector {
  /** The energy the set-point asks for, eV. */
  readonly energyEv: number;
  /** The energy actually transmitted, eV. */
  readonly actualEnergyEv: number;
  /** ΔE/E of the transmitted band. */
  readonly resolution: number;
  setEnergyEv(energyEv: number): void;
  /** Photons/s passed, given the source spectral flux (ph/s/0.1%BW) at the transmitted energy. */
  transmittedFlux(spectralFlux: number): number;
}

/** The monochromators a beamline simulator can be built with. */
export const MonoKind = { dcm: "dcm", pgm: "pgm" } as const;
export type MonoKind = (typeof MonoKind)[keyof typeof MonoKind];

export interface PgmOptions {
  /** Groove density, lines/mm. @default 1200 */
  lineDensityPerMm?: number;
  /** Diffraction order k (1: the inside first order). @default 1 */
  order?: number;
  /** Fixed-focus constant cos β / cos α (> 1). @default 2.25 */
  cff?: number;
  /** Exit-slit width, µm. @default 30 */
  exitSlitUm?: number;
  /** Distance from the focusing optic to the exit slit, m. @default 5 */
  exitArmM?: number;
  /** Source size (FWHM, the direction of dispersion), µm. @default 30 */
  sourceSizeUm?: number;
  /** Distance from the source to the collimating optic, m. @default 20 */
  entranceArmM?: number;
  /** First-order grating efficiency. @default 0.12 */
  efficiency?: number;
  /** Reflectivity of the plane mirror. @default 0.9 */
  mirrorReflectivity?: number;
  /** @default 400 */
  initialEnergyEv?: number;
}

export const DEFAULT_PGM: Required<PgmOptions> = {
  lineDensityPerMm: 1200,
  order: 1,
  cff: 2.25,
  exitSlitUm: 30,
  exitArmM: 5,
  sourceSizeUm: 30,
  entranceArmM: 20,
  efficiency: 0.12,
  mirrorReflectivity: 0.9,
  initialEnergyEv: 400,
};

/** Angles of a PGM setting, degrees. */
export interface PgmAngles {
  /** Angle of incidence on the grating, from its normal (> 0). */
  readonly alphaDeg: number;
  /** Angle of diffraction, from the normal (< 0 in the inside order). */
  readonly betaDeg: number;
  /** Grazing angle of the incoming beam on the grating, 90° − α. */
  readonly gratingPitchDeg: number;
  /** Grazing angle on the plane mirror, 90° − (α − β)/2: half the deviation the grating makes. */
  readonly mirrorPitchDeg: number;
}

const DEG = 180 / Math.PI;

/** λ in Å of a photon of `energyEv`. */
export function wavelengthA(energyEv: number): number {
  return HC_KEV_ANGSTROM / (energyEv / 1000);
}

/**
 * The PGM angles that pass `energyEv` at constant `cff`: with a = N k λ, sin α solves
 * (c² − 1) x² + 2 a x + (1 − a² − c²) = 0, the root x = (−a + √(c²a² + (c² − 1)²)) / (c² − 1), and
 * sin β = a − sin α.
 */
export function pgmAngles(energyEv: number, lineDensityPerMm: number, order: number, cff: number): PgmAngles {
  if (!(energyEv > 0) || !Number.isFinite(energyEv)) throw new InvalidArgumentError(`PGM energy must be a finite number > 0 eV, got ${energyEv}`, energyEv);
  if (!(cff > 1) || !Number.isFinite(cff)) throw new InvalidArgumentError(`cff must be a finite number > 1, got ${cff}`, cff);
  const a = lineDensityPerMm * 1e-7 * order * wavelengthA(energyEv); // lines/Å × Å
  const c2 = cff * cff;
  const sinA = (-a + Math.sqrt(c2 * a * a + (c2 - 1) ** 2)) / (c2 - 1);
  const sinB = a - sinA;
  if (!(sinA <= 1 && sinB >= -1)) {
    throw new InvalidArgumentError(
      `${energyEv} eV is out of reach of a ${lineDensityPerMm} l/mm grating in order ${order} at cff ${cff} (N k λ = ${a.toFixed(4)})`,
      energyEv,
    );
  }
  const alphaDeg = Math.asin(sinA) * DEG;
  const betaDeg = Math.asin(sinB) * DEG;
  return { alphaDeg, betaDeg, gratingPitchDeg: 90 - alphaDeg, mirrorPitchDeg: 90 - (alphaDeg - betaDeg) / 2 };
}

/** The energy (eV) the grating passes at angles α, β (degrees): λ = (sin α + sin β) / (N k). */
export function pgmEnergyEv(alphaDeg: number, betaDeg: number, lineDensityPerMm: number, order: number): number {
  const nkLambda = Math.sin(alphaDeg / DEG) + Math.sin(betaDeg / DEG);
  if (!(nkLambda > 0)) throw new InvalidArgumentError(`angles α = ${alphaDeg}°, β = ${betaDeg}° pass no photon energy (sin α + sin β = ${nkLambda})`, [alphaDeg, betaDeg]);
  const lambdaA = nkLambda / (lineDensityPerMm * 1e-7 * order);
  return (HC_KEV_ANGSTROM / lambdaA) * 1000;
}

/** The PGM: energy ↔ grating and mirror angles, resolution from exit slit and source size, throughput. */
export class PlaneGratingMonochromator implements EnergySelector {
  readonly options: Required<PgmOptions>;
  #energyEv: number;
  #cff: number;
  #angles: PgmAngles;

  constructor(options: PgmOptions = {}) {
    this.options = { ...DEFAULT_PGM, ...options };
    const o = this.options;
    for (const key of ["lineDensityPerMm", "exitSlitUm", "exitArmM", "sourceSizeUm", "entranceArmM", "efficiency", "mirrorReflectivity"] as const) {
      if (!(o[key] > 0) || !Number.isFinite(o[key])) throw new InvalidArgumentError(`pgm.${key} must be a finite number > 0, got ${o[key]}`, o[key]);
    }
    if (!(Number.isInteger(o.order) && o.order >= 1)) throw new InvalidArgumentError(`pgm.order must be an integer >= 1, got ${o.order}`, o.order);
    this.#cff = o.cff;
    this.#energyEv = o.initialEnergyEv;
    this.#angles = pgmAngles(o.initialEnergyEv, o.lineDensityPerMm, o.order, o.cff);
  }

  get cff(): number {
    return this.#cff;
  }

  /** Change cff, keeping the energy: both angles move. */
  setCff(cff: number): void {
    this.#angles = pgmAngles(this.#energyEv, this.options.lineDensityPerMm, this.options.order, cff);
    this.#cff = cff;
  }

  setEnergyEv(energyEv: number): void {
    this.#angles = pgmAngles(energyEv, this.options.lineDensityPerMm, this.options.order, this.#cff);
    this.#energyEv = energyEv;
  }

  get angles(): PgmAngles {
    return this.#angles;
  }

  get energyEv(): number {
    return this.#energyEv;
  }

  /** Computed back from the angles (the grating equation), so it equals the set-point up to rounding. */
  get actualEnergyEv(): number {
    return pgmEnergyEv(this.#angles.alphaDeg, this.#angles.betaDeg, this.options.lineDensityPerMm, this.options.order);
  }

  /**
   * ΔE/E = Δλ/λ with Δλ = √((s_exit cos β / r₂)² + (s_source cos α / r₁)²) / (N k): the exit slit and the
   * source each subtend an angle that the grating's dispersion turns into a band of wavelengths.
   */
  get resolution(): number {
    const o = this.options;
    const { alphaDeg, betaDeg } = this.#angles;
    const exit = (o.exitSlitUm * 1e-6 * Math.cos(betaDeg / DEG)) / o.exitArmM;
    const source = (o.sourceSizeUm * 1e-6 * Math.cos(alphaDeg / DEG)) / o.entranceArmM;
    const dLambdaM = Math.hypot(exit, source) / (o.lineDensityPerMm * 1e3 * o.order);
    return dLambdaM / (wavelengthA(this.#energyEv) * 1e-10);
  }

  /** Resolving power E/ΔE. */
  get resolvingPower(): number {
    return 1 / this.resolution;
  }

  transmittedFlux(spectralFlux: number): number {
    return spectralFlux * (this.resolution / 1e-3) * this.options.efficiency * this.options.mirrorReflectivity;
  }
}
