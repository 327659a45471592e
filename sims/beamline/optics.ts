import { InvalidArgumentError } from "../../engine/errors.ts";
import { normalCdf } from "../math/special.ts";

/** Fraction of a Gaussian beam (centre, σ) between lo and hi. */
export function gaussianFractionBetween(lo: number, hi: number, centre: number, sigma: number): number {
  if (hi <= lo) return 0;
  if (sigma <= 0) return centre >= lo && centre <= hi ? 1 : 0;
  return Math.max(0, normalCdf((hi - centre) / sigma) - normalCdf((lo - centre) / sigma));
}

/** One plane of a slit: two blades. A blade at `hi` below the one at `lo` closes the slit. */
export interface SlitPlane {
  /** Lower (bottom or inboard) blade edge, mm. */
  lo: number;
  /** Upper (top or outboard) blade edge, mm. */
  hi: number;
}

/**
 * Four-blade slits. Set either the blades or gap and centre per plane; the transmitted fraction of a Gaussian
 * beam is the erf of the opening.
 */
export class Slits {
  private readonly planes: { x: SlitPlane; y: SlitPlane };

  constructor(initial: { x?: { gap: number; centre?: number }; y?: { gap: number; centre?: number } } = {}) {
    this.planes = { x: { lo: -0.5, hi: 0.5 }, y: { lo: -0.5, hi: 0.5 } };
    if (initial.x) this.setGap("x", initial.x.gap, initial.x.centre ?? 0);
    if (initial.y) this.setGap("y", initial.y.gap, initial.y.centre ?? 0);
  }

  setBlades(plane: "x" | "y", lo: number, hi: number): void {
    if (!Number.isFinite(lo) || !Number.isFinite(hi)) throw new InvalidArgumentError(`slit blades must be finite, got ${lo}, ${hi}`, [lo, hi]);
    this.planes[plane] = { lo, hi };
  }

  setGap(plane: "x" | "y", gap: number, centre = this.centre(plane)): void {
    if (!Number.isFinite(gap) || !Number.isFinite(centre)) throw new InvalidArgumentError(`slit gap and centre must be finite, got ${gap}, ${centre}`, [gap, centre]);
    this.planes[plane] = { lo: centre - gap / 2, hi: centre + gap / 2 };
  }

  blades(plane: "x" | "y"): SlitPlane {
    return { ...this.planes[plane] };
  }

  gap(plane: "x" | "y"): number {
    return this.planes[plane].hi - this.planes[plane].lo;
  }

  centre(plane: "x" | "y"): number {
    return (this.planes[plane].hi + this.planes[plane].lo) / 2;
  }

  /** Fraction passed of a beam with the given σ (mm) per plane, centred at `offset`. */
  transmission(sigmaXMm: number, sigmaYMm: number, offsetXMm = 0, offsetYMm = 0): number {
    const { x, y } = this.planes;
    return gaussianFractionBetween(x.lo, x.hi, offsetXMm, sigmaXMm) * gaussianFractionBetween(y.lo, y.hi, offsetYMm, sigmaYMm);
  }
}

export interface MirrorOptions {
  /** Mirror to sample distance, m. @default 10 */
  distanceM?: number;
  /** Pitch that puts the beam on the sample centre, mrad. @default 3.5 */
  alignedPitchMrad?: number;
  /** Peak reflectivity of the coating. @default 0.85 */
  reflectivity?: number;
  /** Critical angle × energy (mrad·keV) of the coating; reflectivity falls above θc. @default 62 */
  criticalAngleMradKeV?: number;
}

export const DEFAULT_MIRROR: Required<MirrorOptions> = { distanceM: 10, alignedPitchMrad: 3.5, reflectivity: 0.85, criticalAngleMradKeV: 62 };

/** A vertically deflecting mirror: a pitch change δ deflects the beam by 2δ, moving it 2·δ·L at the sample. */
export class Mirror {
  readonly options: Required<MirrorOptions>;
  pitchMrad: number;

  constructor(options: MirrorOptions = {}) {
    this.options = { ...DEFAULT_MIRROR, ...options };
    this.pitchMrad = this.options.alignedPitchMrad;
  }

  /** Vertical beam offset at the sample, mm (mrad × m = mm). */
  beamOffsetMm(): number {
    return 2 * (this.pitchMrad - this.options.alignedPitchMrad) * this.options.distanceM;
  }

  /** Reflectivity at the current pitch: a smooth cut-off around the critical angle. */
  reflectivity(energyEv: number): number {
    const thetaC = this.options.criticalAngleMradKeV / (energyEv / 1000);
    return this.options.reflectivity / (1 + Math.exp((this.pitchMrad - thetaC) / (0.05 * thetaC)));
  }
}

export interface FocusOptions {
  /** Best focus, motor units. @default -1150 */
  bestPosition?: number;
  /** Distance from best focus at which the spot grows by √2, motor units. @default 10 */
  rayleighRange?: number;
  /** Spot σ at the waist, mm. @default {x: 0.012, y: 0.008} */
  waistSigmaMm?: { x: number; y: number };
  /** Initial focus motor position. @default -1150 */
  initialPosition?: number;
}

export const DEFAULT_FOCUS: Required<FocusOptions> = { bestPosition: -1150, rayleighRange: 10, waistSigmaMm: { x: 0.012, y: 0.008 }, initialPosition: -1150 };

/** The focusing motor: σ(z) = σ0 √(1 + ((z − z0)/zR)²). */
export class Focus {
  readonly options: Required<FocusOptions>;
  position: number;

  constructor(options: FocusOptions = {}) {
    this.options = { ...DEFAULT_FOCUS, ...options };
    if (!(this.options.rayleighRange > 0)) throw new InvalidArgumentError(`focus.rayleighRange must be > 0, got ${this.options.rayleighRange}`, this.options.rayleighRange);
    this.position = this.options.initialPosition;
  }

  sigmaMm(plane: "x" | "y", position = this.position): number {
    const u = (position - this.options.bestPosition) / this.options.rayleighRange;
    return this.options.waistSigmaMm[plane] * Math.sqrt(1 + u * u);
  }
}
