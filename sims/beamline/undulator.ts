import { InvalidArgumentError } from "../../engine/errors.ts";
import { besselJ } from "../math/special.ts";

export interface UndulatorOptions {
  /** @default 20 */
  periodMm?: number;
  /** @default 100 */
  periods?: number;
  /** Storage-ring electron energy, GeV. @default 3 */
  electronEnergyGeV?: number;
  /**
   * Halbach coefficients of the peak field of a hybrid device, B = a·exp(−b·g/λu + c·(g/λu)²) T.
   * @default {a: 3.33, b: 5.47, c: 1.8}
   */
  halbach?: { a: number; b: number; c: number };
  /** @default 5 */
  minGapMm?: number;
  /** @default 25 */
  maxGapMm?: number;
  /** Highest harmonic considered. @default 15 */
  maxHarmonic?: number;
}

export const DEFAULT_UNDULATOR: Required<UndulatorOptions> = {
  periodMm: 20,
  periods: 100,
  electronEnergyGeV: 3,
  halbach: { a: 3.33, b: 5.47, c: 1.8 },
  minGapMm: 5,
  maxGapMm: 25,
  maxHarmonic: 15,
};

/** ph/s/0.1%BW per (N · A), the constant of the central-cone flux formula. */
const FLUX_CONSTANT = 1.431e14;

/**
 * A planar undulator: gap → peak field (Halbach) → K = 0.0934 λu[mm] B[T] → harmonic energies
 * E_n = n · 0.950 E²[GeV] / (λu[cm] (1 + K²/2)) keV. Only odd harmonics radiate on axis; each line has a
 * Gaussian shape of relative FWHM 1/(nN) (the sinc² lobes washed out by energy spread and emittance).
 */
export class Undulator {
  readonly options: Required<UndulatorOptions>;

  constructor(options: UndulatorOptions = {}) {
    this.options = { ...DEFAULT_UNDULATOR, ...options };
    const o = this.options;
    for (const key of ["periodMm", "periods", "electronEnergyGeV", "minGapMm", "maxGapMm", "maxHarmonic"] as const) {
      if (!(o[key] > 0) || !Number.isFinite(o[key])) throw new InvalidArgumentError(`undulator.${key} must be a finite number > 0, got ${o[key]}`, o[key]);
    }
    if (o.minGapMm >= o.maxGapMm) throw new InvalidArgumentError(`undulator.minGapMm ${o.minGapMm} must be below maxGapMm ${o.maxGapMm}`, o.minGapMm);
    // The Halbach fit turns upward beyond g/λu = b/2c; past it the field would grow with the gap.
    const turn = (o.halbach.b / (2 * o.halbach.c)) * o.periodMm;
    if (o.maxGapMm > turn) {
      throw new InvalidArgumentError(`undulator.maxGapMm ${o.maxGapMm} is beyond the Halbach fit's range (field minimum at ${turn.toFixed(1)} mm)`, o.maxGapMm);
    }
  }

  private checkGap(gapMm: number): void {
    const { minGapMm, maxGapMm } = this.options;
    if (!(gapMm >= minGapMm && gapMm <= maxGapMm)) {
      throw new InvalidArgumentError(`undulator gap ${gapMm} mm is outside [${minGapMm}, ${maxGapMm}] mm`, gapMm);
    }
  }

  /** Peak magnetic field, T. */
  fieldT(gapMm: number): number {
    this.checkGap(gapMm);
    const { a, b, c } = this.options.halbach;
    const r = gapMm / this.options.periodMm;
    return a * Math.exp(-b * r + c * r * r);
  }

  /** Deflection parameter K. */
  k(gapMm: number): number {
    return 0.0934 * this.options.periodMm * this.fieldT(gapMm);
  }

  /** Energy of harmonic n at this gap, eV. */
  harmonicEnergyEv(n: number, gapMm: number): number {
    const k = this.k(gapMm);
    const e = this.options.electronEnergyGeV;
    return (n * 950 * e * e) / ((this.options.periodMm / 10) * (1 + (k * k) / 2));
  }

  /** Central-cone flux of harmonic n at its peak, ph/s/0.1%BW (odd n; even harmonics vanish on axis). */
  harmonicFlux(n: number, gapMm: number, currentMa: number): number {
    if (n % 2 === 0) return 0;
    const k = this.k(gapMm);
    const d = 1 + (k * k) / 2;
    const xi = (n * k * k) / (4 * d);
    const j = besselJ((n - 1) / 2, xi) - besselJ((n + 1) / 2, xi);
    const fn = ((n * n * k * k) / (d * d)) * j * j;
    const qn = (d * fn) / n;
    return FLUX_CONSTANT * this.options.periods * qn * (currentMa / 1000);
  }

  /** The spectrum at `energyEv`: sum of the harmonic lines, ph/s/0.1%BW. */
  spectrum(energyEv: number, gapMm: number, currentMa: number): number {
    const e1 = this.harmonicEnergyEv(1, gapMm);
    let sum = 0;
    for (let n = 1; n <= this.options.maxHarmonic; n += 2) {
      const en = n * e1;
      const sigma = en / (n * this.options.periods * 2.3548);
      const z = (energyEv - en) / sigma;
      if (Math.abs(z) > 12) continue;
      sum += this.harmonicFlux(n, gapMm, currentMa) * Math.exp(-0.5 * z * z);
    }
    return sum;
  }

  /**
   * The gap at which harmonic n sits at `energyEv` (K decreases monotonically with the gap, so bisection).
   * Throws when the harmonic cannot reach that energy within the gap range.
   */
  gapForEnergy(energyEv: number, n: number): number {
    const { minGapMm, maxGapMm } = this.options;
    const lo = this.harmonicEnergyEv(n, minGapMm);
    const hi = this.harmonicEnergyEv(n, maxGapMm);
    if (!(energyEv >= lo && energyEv <= hi)) {
      throw new InvalidArgumentError(
        `harmonic ${n} cannot reach ${energyEv} eV: it spans ${lo.toFixed(1)}..${hi.toFixed(1)} eV over gaps ${minGapMm}..${maxGapMm} mm`,
        energyEv,
      );
    }
    let a = minGapMm;
    let b = maxGapMm;
    for (let i = 0; i < 60; i++) {
      const mid = (a + b) / 2;
      if (this.harmonicEnergyEv(n, mid) < energyEv) a = mid;
      else b = mid;
    }
    return (a + b) / 2;
  }

  /** The lowest odd harmonic that reaches `energyEv` within the gap range (the brightest choice). */
  harmonicFor(energyEv: number): number {
    for (let n = 1; n <= this.options.maxHarmonic; n += 2) {
      if (energyEv >= this.harmonicEnergyEv(n, this.options.minGapMm) && energyEv <= this.harmonicEnergyEv(n, this.options.maxGapMm)) return n;
    }
    throw new InvalidArgumentError(`no odd harmonic up to ${this.options.maxHarmonic} reaches ${energyEv} eV`, energyEv);
  }
}
