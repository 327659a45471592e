import { createMatrix, type Matrix } from "../math/matrix.ts";
import { beta, correctors, phase, tune, type Lattice, type OpticsPoint, type Plane } from "./lattice.ts";

/**
 * Closed-orbit response at an observer (β_i, φ_i) to a kick at (β_j, φ_j):
 * x_i / θ_j = √(β_i β_j) cos(|φ_i − φ_j| − πν) / (2 sin πν).
 * With β in m this is mm per mrad (equivalently m per rad).
 */
export function closedOrbitResponse(betaI: number, phaseI: number, betaJ: number, phaseJ: number, nu: number): number {
  return (Math.sqrt(betaI * betaJ) * Math.cos(Math.abs(phaseI - phaseJ) - Math.PI * nu)) / (2 * Math.sin(Math.PI * nu));
}

/** Response of the observers to kicks at the sources in one plane, mm/mrad (observers × sources). */
export function responseBetween(observers: readonly OpticsPoint[], sources: readonly OpticsPoint[], plane: Plane, nu: number): Matrix {
  const out = createMatrix(observers.length, sources.length);
  observers.forEach((o, i) => {
    sources.forEach((c, j) => {
      out.data[i * sources.length + j] = closedOrbitResponse(beta(o, plane), phase(o, plane), beta(c, plane), phase(c, plane), nu);
    });
  });
  return out;
}

/** The orbit response matrix of one plane, mm/mrad: BPMs × correctors of that plane. */
export function orbitResponseMatrix(lattice: Lattice, plane: Plane): Matrix {
  return responseBetween(lattice.bpms, correctors(lattice, plane), plane, tune(lattice, plane));
}

export interface FullResponseOptions {
  /**
   * Cross-plane coupling κ: x_i from a vertical kick is κ √(β_x,i/β_y,i) times the vertical response (and
   * symmetrically), the signature of a small rotation of the normal modes.
   * @default 0
   */
  coupling?: number;
}

/**
 * The response of both planes, mm/mrad: rows are [x at each BPM, then y at each BPM], columns are
 * [horizontal correctors, then vertical correctors]. Without coupling the off-diagonal blocks are zero.
 */
export function fullResponseMatrix(lattice: Lattice, options: FullResponseOptions = {}): Matrix {
  const kappa = options.coupling ?? 0;
  const rx = orbitResponseMatrix(lattice, "x");
  const ry = orbitResponseMatrix(lattice, "y");
  const nb = lattice.bpms.length;
  const nh = lattice.hCorrectors.length;
  const nv = lattice.vCorrectors.length;
  const cols = nh + nv;
  const out = createMatrix(2 * nb, cols);
  for (let i = 0; i < nb; i++) {
    const bpm = lattice.bpms[i]!;
    const ratio = Math.sqrt(bpm.betaX / bpm.betaY);
    for (let j = 0; j < nh; j++) {
      const r = rx.data[i * nh + j]!;
      out.data[i * cols + j] = r;
      out.data[(nb + i) * cols + j] = (kappa * r) / ratio;
    }
    for (let j = 0; j < nv; j++) {
      const r = ry.data[i * nv + j]!;
      out.data[(nb + i) * cols + nh + j] = r;
      out.data[i * cols + nh + j] = kappa * r * ratio;
    }
  }
  return out;
}
