import { InvalidArgumentError } from "../../engine/errors.ts";
import type { Lattice, OpticsPoint } from "./lattice.ts";

/**
 * A periodic ring of identical cells. Beta functions follow a smooth periodic shape per cell (high β_x in the
 * straights, low in the arcs, β_y the other way round, as in a DBA/MBA light source); phases are the integral
 * of ds/β, scaled so that one turn advances exactly 2πν, which keeps β and φ mutually consistent.
 */
export interface LatticeGeneratorOptions {
  /** @default "generated" */
  name?: string;
  /** Number of identical cells. */
  cells: number;
  /** Circumference, m. */
  circumference: number;
  tuneX: number;
  tuneY: number;
  /** Positions of the BPMs within a cell as fractions of the cell length, in [0, 1). */
  bpmPositions: readonly number[];
  hCorrectorPositions: readonly number[];
  vCorrectorPositions: readonly number[];
  /**
   * Fourier coefficients of the β shape over one cell: β(u) ∝ 1 + Σ a_k cos(2πku). Must keep the shape positive.
   * @default [0.75, 0.2] for x, [-0.55, 0.15] for y
   */
  betaShapeX?: readonly number[];
  betaShapeY?: readonly number[];
  /**
   * Peak horizontal dispersion in the arcs, m (zero in the straights).
   * @default 0.25
   */
  etaMax?: number;
}

/** A third-generation light source: 25 cells, 300 m, 100 BPMs and 50 correctors per plane. */
export const DEFAULT_RING_LATTICE: Required<LatticeGeneratorOptions> = {
  name: "default-ring",
  cells: 25,
  circumference: 300,
  tuneX: 16.23,
  tuneY: 6.31,
  bpmPositions: [0.06, 0.31, 0.69, 0.94],
  hCorrectorPositions: [0.13, 0.83],
  vCorrectorPositions: [0.19, 0.77],
  betaShapeX: [0.75, 0.2],
  betaShapeY: [-0.55, 0.15],
  etaMax: 0.25,
};

/** A small ring for fast tests: 6 cells, 48 m, 12 BPMs and 6 correctors per plane. */
export const SMALL_RING_LATTICE: Required<LatticeGeneratorOptions> = {
  name: "small-ring",
  cells: 6,
  circumference: 48,
  tuneX: 4.22,
  tuneY: 2.31,
  bpmPositions: [0.2, 0.7],
  hCorrectorPositions: [0.1],
  vCorrectorPositions: [0.55],
  betaShapeX: [0.6, 0.15],
  betaShapeY: [-0.45, 0.1],
  etaMax: 0.4,
};

const INTEGRATION_STEPS = 4000;

function shape(coefficients: readonly number[], u: number): number {
  let f = 1;
  coefficients.forEach((a, k) => (f += a * Math.cos(2 * Math.PI * (k + 1) * u)));
  return f;
}

/** ∫₀ᵘ du'/f(u') by Simpson's rule on a fine grid, tabulated so each position is an interpolation. */
function inversePhaseTable(coefficients: readonly number[]): Float64Array {
  const table = new Float64Array(INTEGRATION_STEPS + 1);
  const h = 1 / INTEGRATION_STEPS;
  for (let i = 0; i < INTEGRATION_STEPS; i++) {
    const u = i * h;
    const f0 = shape(coefficients, u);
    if (!(f0 > 0)) {
      throw new InvalidArgumentError(`beta shape ${JSON.stringify(coefficients)} is not positive at u = ${u.toFixed(4)}`, coefficients);
    }
    const inc = (h / 6) * (1 / f0 + 4 / shape(coefficients, u + h / 2) + 1 / shape(coefficients, u + h));
    table[i + 1] = table[i]! + inc;
  }
  return table;
}

function lookup(table: Float64Array, u: number): number {
  const x = u * INTEGRATION_STEPS;
  const i = Math.min(Math.floor(x), INTEGRATION_STEPS - 1);
  return table[i]! + (x - i) * (table[i + 1]! - table[i]!);
}

function checkPositions(name: string, positions: readonly number[]): void {
  positions.forEach((u, i) => {
    if (!(u >= 0 && u < 1)) throw new InvalidArgumentError(`${name}[${i}] must be in [0, 1), got ${u}`, u);
  });
}

export function generateLattice(options: LatticeGeneratorOptions): Lattice {
  const o = { ...DEFAULT_RING_LATTICE, ...options };
  if (!Number.isInteger(o.cells) || o.cells < 1) throw new InvalidArgumentError(`cells must be an integer >= 1, got ${o.cells}`, o.cells);
  if (!(o.circumference > 0)) throw new InvalidArgumentError(`circumference must be > 0 m, got ${o.circumference}`, o.circumference);
  for (const [key, nu] of [["tuneX", o.tuneX], ["tuneY", o.tuneY]] as const) {
    if (!(nu > 0) || Number.isInteger(nu)) throw new InvalidArgumentError(`${key} must be positive and not an integer, got ${nu}`, nu);
  }
  checkPositions("bpmPositions", o.bpmPositions);
  checkPositions("hCorrectorPositions", o.hCorrectorPositions);
  checkPositions("vCorrectorPositions", o.vCorrectorPositions);

  const cellLength = o.circumference / o.cells;
  const tableX = inversePhaseTable(o.betaShapeX);
  const tableY = inversePhaseTable(o.betaShapeY);
  const perCellX = tableX[INTEGRATION_STEPS]!;
  const perCellY = tableY[INTEGRATION_STEPS]!;
  // β = k f(u) with ∮ ds/β = 2πν fixes k.
  const kX = (o.cells * perCellX * cellLength) / (2 * Math.PI * o.tuneX);
  const kY = (o.cells * perCellY * cellLength) / (2 * Math.PI * o.tuneY);

  const place = (prefix: string, positions: readonly number[]): OpticsPoint[] => {
    const sorted = [...positions].sort((a, b) => a - b);
    const out: OpticsPoint[] = [];
    for (let c = 0; c < o.cells; c++) {
      sorted.forEach((u, k) => {
        out.push({
          name: `${prefix}${String(c + 1).padStart(2, "0")}${String.fromCharCode(65 + k)}`,
          s: (c + u) * cellLength,
          betaX: kX * shape(o.betaShapeX, u),
          betaY: kY * shape(o.betaShapeY, u),
          phaseX: (2 * Math.PI * o.tuneX * (c + lookup(tableX, u) / perCellX)) / o.cells,
          phaseY: (2 * Math.PI * o.tuneY * (c + lookup(tableY, u) / perCellY)) / o.cells,
          etaX: (o.etaMax * (1 - Math.cos(2 * Math.PI * u))) / 2,
        });
      });
    }
    return out;
  };

  return {
    name: o.name,
    circumference: o.circumference,
    tuneX: o.tuneX,
    tuneY: o.tuneY,
    bpms: place("BPM", o.bpmPositions),
    hCorrectors: place("HCM", o.hCorrectorPositions),
    vCorrectors: place("VCM", o.vCorrectorPositions),
  };
}

export function defaultRingLattice(): Lattice {
  return generateLattice(DEFAULT_RING_LATTICE);
}

export function smallRingLattice(): Lattice {
  return generateLattice(SMALL_RING_LATTICE);
}
