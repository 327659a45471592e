import { InvalidArgumentError } from "../../engine/errors.ts";

/** hc in keV·Å: λ[Å] = 12.39842 / E[keV]. */
export const HC_KEV_ANGSTROM = 12.39842;
/** Si(111) lattice-plane spacing, Å. */
export const SI111_D_SPACING = 3.1356;

/** Bragg angle θ for energy E: λ = 2 d sin θ. Degrees. */
export function braggAngleDeg(energyEv: number, dSpacingA = SI111_D_SPACING): number {
  const lambda = HC_KEV_ANGSTROM / (energyEv / 1000);
  const s = lambda / (2 * dSpacingA);
  if (!(s > 0 && s < 1)) {
    const minEv = (HC_KEV_ANGSTROM / (2 * dSpacingA)) * 1000;
    throw new InvalidArgumentError(`energy ${energyEv} eV is below the crystal's minimum of ${minEv.toFixed(1)} eV (d = ${dSpacingA} Å)`, energyEv);
  }
  return (Math.asin(s) * 180) / Math.PI;
}

/** Energy at Bragg angle θ (degrees), eV. */
export function energyFromBraggDeg(thetaDeg: number, dSpacingA = SI111_D_SPACING): number {
  if (!(thetaDeg > 0 && thetaDeg < 90)) throw new InvalidArgumentError(`Bragg angle must be in (0, 90) degrees, got ${thetaDeg}`, thetaDeg);
  return (HC_KEV_ANGSTROM / (2 * dSpacingA * Math.sin((thetaDeg * Math.PI) / 180))) * 1000;
}

/**
 * An axis with backlash (lost motion). Positions reached moving in the positive direction are exact; after a
 * reversal the load lags by up to `backlash` until the motor has taken up the play again.
 */
export class BacklashAxis {
  private cmd: number;
  private pos: number;

  constructor(
    readonly backlash: number,
    position = 0,
  ) {
    if (!(backlash >= 0) || !Number.isFinite(backlash)) throw new InvalidArgumentError(`backlash must be a finite number >= 0, got ${backlash}`, backlash);
    this.cmd = position;
    this.pos = position;
  }

  move(target: number): void {
    if (!Number.isFinite(target)) throw new InvalidArgumentError(`axis target must be finite, got ${target}`, target);
    this.cmd = target;
    if (this.pos < target) this.pos = target;
    else if (this.pos > target + this.backlash) this.pos = target + this.backlash;
  }

  /** Where the motor was told to go (what its encoder-less readback says). */
  get commanded(): number {
    return this.cmd;
  }

  /** Where the load actually is. */
  get actual(): number {
    return this.pos;
  }
}

export interface MonochromatorOptions {
  /** @default SI111_D_SPACING */
  dSpacingA?: number;
  /**
   * Backlash of the Bragg axis, degrees.
   * @default 0.002
   */
  backlashDeg?: number;
  /**
   * Intrinsic relative bandwidth ΔE/E of the reflection (Darwin width; Si(111) ≈ 1.3e-4).
   * @default 1.3e-4
   */
  intrinsicResolution?: number;
  /**
   * Angular divergence of the beam on the crystal, µrad (adds Δθ·cot θ to ΔE/E).
   * @default 10
   */
  divergenceUrad?: number;
  /**
   * Peak reflectivity of each crystal (two reflections).
   * @default 0.9
   */
  reflectivity?: number;
  /** @default 9000 */
  initialEnergyEv?: number;
}

export const DEFAULT_MONOCHROMATOR: Required<MonochromatorOptions> = {
  dSpacingA: SI111_D_SPACING,
  backlashDeg: 0.002,
  intrinsicResolution: 1.3e-4,
  divergenceUrad: 10,
  reflectivity: 0.9,
  initialEnergyEv: 9000,
};

/** A double-crystal monochromator: energy ↔ Bragg angle, backlash on the angle, resolution and throughput. */
export class Monochromator {
  readonly options: Required<MonochromatorOptions>;
  private readonly axis: BacklashAxis;

  constructor(options: MonochromatorOptions = {}) {
    this.options = { ...DEFAULT_MONOCHROMATOR, ...options };
    this.axis = new BacklashAxis(this.options.backlashDeg, braggAngleDeg(this.options.initialEnergyEv, this.options.dSpacingA));
  }

  setBraggDeg(thetaDeg: number): void {
    energyFromBraggDeg(thetaDeg, this.options.dSpacingA);
    this.axis.move(thetaDeg);
  }

  setEnergyEv(energyEv: number): void {
    this.axis.move(braggAngleDeg(energyEv, this.options.dSpacingA));
  }

  /** The Bragg angle the motor was commanded to, degrees. */
  get braggDeg(): number {
    return this.axis.commanded;
  }

  /** The crystals' real angle, degrees (differs from the command after a reversal, by the backlash). */
  get actualBraggDeg(): number {
    return this.axis.actual;
  }

  /** The energy the set-point asks for, eV. */
  get energyEv(): number {
    return energyFromBraggDeg(this.axis.commanded, this.options.dSpacingA);
  }

  /** The energy actually transmitted, eV. */
  get actualEnergyEv(): number {
    return energyFromBraggDeg(this.axis.actual, this.options.dSpacingA);
  }

  /** ΔE/E of the transmitted band. */
  get resolution(): number {
    const theta = (this.axis.actual * Math.PI) / 180;
    const angular = this.options.divergenceUrad * 1e-6 / Math.tan(theta);
    return Math.hypot(this.options.intrinsicResolution, angular);
  }

  /** Photons/s passed, given the source spectral flux (ph/s/0.1%BW) at the transmitted energy. */
  transmittedFlux(spectralFlux: number): number {
    return spectralFlux * (this.resolution / 1e-3) * this.options.reflectivity ** 2;
  }
}
