/** Planes of transverse motion, as used in keys and options. */
export const Plane = { X: "x", Y: "y" } as const;
export type Plane = (typeof Plane)[keyof typeof Plane];

/**
 * Linear optics at one element (BPM or corrector). Phases are betatron phase advances in radians from s = 0,
 * so they run from 0 to 2πν over one turn.
 */
export interface OpticsPoint {
  readonly name: string;
  /** Longitudinal position along the ring, m, in [0, circumference). */
  readonly s: number;
  /** Horizontal beta function, m. */
  readonly betaX: number;
  readonly betaY: number;
  /** Horizontal phase advance from s = 0, rad. */
  readonly phaseX: number;
  readonly phaseY: number;
  /** Horizontal dispersion, m (optional; 0 when absent). */
  readonly etaX?: number;
}

/** A storage ring as the orbit-control simulator sees it: optics at the BPMs and at the correctors. */
export interface Lattice {
  readonly name: string;
  /** m */
  readonly circumference: number;
  /** Betatron tunes; must not be integers (the closed orbit is undefined on an integer resonance). */
  readonly tuneX: number;
  readonly tuneY: number;
  readonly bpms: readonly OpticsPoint[];
  readonly hCorrectors: readonly OpticsPoint[];
  readonly vCorrectors: readonly OpticsPoint[];
}

export function tune(lattice: Lattice, plane: Plane): number {
  return plane === "x" ? lattice.tuneX : lattice.tuneY;
}

export function beta(point: OpticsPoint, plane: Plane): number {
  return plane === "x" ? point.betaX : point.betaY;
}

export function phase(point: OpticsPoint, plane: Plane): number {
  return plane === "x" ? point.phaseX : point.phaseY;
}

export function correctors(lattice: Lattice, plane: Plane): readonly OpticsPoint[] {
  return plane === "x" ? lattice.hCorrectors : lattice.vCorrectors;
}
