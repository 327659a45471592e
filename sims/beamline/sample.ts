import { InvalidArgumentError } from "../../engine/errors.ts";

/** One coordination shell of the EXAFS equation. */
export interface ExafsShell {
  /** Coordination number. */
  n: number;
  /** Distance, Å. */
  r: number;
  /** Debye–Waller factor σ², Å². */
  sigma2: number;
  /** Backscattering amplitude, Å (taken constant in k). */
  amplitude?: number;
  /** Phase shift, rad. */
  phase?: number;
}

export interface AbsorptionEdgeOptions {
  /** @default 8979 (Cu K) */
  edgeEnergyEv?: number;
  /** μt just below the edge. @default 0.4 */
  preEdge?: number;
  /** Slope of μt below the edge, per eV (absorption falls as ~E⁻³). @default -1e-4 */
  preEdgeSlopePerEv?: number;
  /** Edge jump Δμt. @default 1.0 */
  edgeStep?: number;
  /** Lorentzian (arctan) width of the edge, eV: the core-hole lifetime. @default 1.5 */
  edgeWidthEv?: number;
  /** White line: height as a fraction of the step, offset above E0 and Gaussian σ, eV. */
  whiteLine?: { height: number; offsetEv: number; widthEv: number };
  /** @default Cu fcc: 12 at 2.55 Å, 6 at 3.61 Å, 24 at 4.43 Å */
  shells?: readonly ExafsShell[];
  /** Amplitude reduction factor. @default 0.9 */
  s02?: number;
  /** Photo-electron mean free path, Å. @default 8 */
  meanFreePathA?: number;
  /** Fluorescence yield × detector solid angle fraction. @default 0.44 × 0.02 */
  fluorescenceEfficiency?: number;
}

export const CU_K_EDGE: Required<AbsorptionEdgeOptions> = {
  edgeEnergyEv: 8979,
  preEdge: 0.4,
  preEdgeSlopePerEv: -1e-4,
  edgeStep: 1.0,
  edgeWidthEv: 1.5,
  whiteLine: { height: 0.15, offsetEv: 12, widthEv: 4 },
  shells: [
    { n: 12, r: 2.55, sigma2: 0.0086, amplitude: 0.5, phase: -1.0 },
    { n: 6, r: 3.61, sigma2: 0.012, amplitude: 0.5, phase: -1.2 },
    { n: 24, r: 4.43, sigma2: 0.014, amplitude: 0.45, phase: -1.4 },
  ],
  s02: 0.9,
  meanFreePathA: 8,
  fluorescenceEfficiency: 0.44 * 0.02,
};

/** k = √(0.2625·(E − E0)) Å⁻¹ (E in eV; 0.2625 = 2m/ħ² in Å⁻² eV⁻¹). */
export function photoelectronK(energyEv: number, e0Ev: number): number {
  return energyEv > e0Ev ? Math.sqrt(0.2625 * (energyEv - e0Ev)) : 0;
}

/**
 * A sample with an absorption edge: μt(E) = pre-edge line + arctan edge step + white line, with the
 * post-edge part modulated by EXAFS, μ = μ0(1 + χ(k)) where χ(k) = S0² Σ N f e^{−2k²σ²} e^{−2R/λ}
 * sin(2kR + δ) / (kR²).
 */
export class AbsorptionEdgeSample {
  readonly options: Required<AbsorptionEdgeOptions>;

  constructor(options: AbsorptionEdgeOptions = {}) {
    this.options = { ...CU_K_EDGE, ...options };
    const o = this.options;
    if (!(o.edgeEnergyEv > 0)) throw new InvalidArgumentError(`edgeEnergyEv must be > 0, got ${o.edgeEnergyEv}`, o.edgeEnergyEv);
    if (!(o.edgeWidthEv > 0)) throw new InvalidArgumentError(`edgeWidthEv must be > 0, got ${o.edgeWidthEv}`, o.edgeWidthEv);
  }

  get e0(): number {
    return this.options.edgeEnergyEv;
  }

  /** The EXAFS oscillation χ(k), switched on smoothly over the first ~1 Å⁻¹ where the formula breaks down. */
  chi(k: number): number {
    if (k <= 0) return 0;
    const o = this.options;
    let sum = 0;
    for (const s of o.shells) {
      sum +=
        (s.n * (s.amplitude ?? 0.5) * Math.exp(-2 * k * k * s.sigma2) * Math.exp((-2 * s.r) / o.meanFreePathA) * Math.sin(2 * k * s.r + (s.phase ?? 0))) /
        (k * s.r * s.r);
    }
    return o.s02 * sum * (1 - Math.exp(-k * k));
  }

  /** The smooth background below and through the edge (pre-edge line), μt. */
  background(energyEv: number): number {
    const o = this.options;
    return o.preEdge + o.preEdgeSlopePerEv * (energyEv - o.edgeEnergyEv);
  }

  /** Total μt at energy E. */
  muT(energyEv: number): number {
    const o = this.options;
    const de = energyEv - o.edgeEnergyEv;
    const step = o.edgeStep * (0.5 + Math.atan(de / (o.edgeWidthEv / 2)) / Math.PI);
    const wl = o.whiteLine.height * o.edgeStep * Math.exp(-0.5 * ((de - o.whiteLine.offsetEv) / o.whiteLine.widthEv) ** 2);
    const k = photoelectronK(energyEv, o.edgeEnergyEv);
    return this.background(energyEv) + (step + wl) * (1 + this.chi(k));
  }

  /** It/I0 = exp(−μt). */
  transmission(energyEv: number): number {
    return Math.exp(-this.muT(energyEv));
  }

  /** Fluorescence photons per incident photon, ∝ μ − μ_background (thin-sample limit). */
  fluorescence(energyEv: number): number {
    return Math.max(0, this.muT(energyEv) - this.background(energyEv)) * this.options.fluorescenceEfficiency;
  }
}
