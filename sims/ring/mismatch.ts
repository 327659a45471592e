import { InvalidArgumentError } from "../../engine/errors.ts";
import { createMatrix, frobeniusNorm, type Matrix } from "../math/matrix.ts";
import type { Rng } from "../math/rng.ts";

/** How far the real machine's response is from the nominal model. */
export interface MismatchOptions {
  /**
   * ‖R_real − R_nominal‖_F / ‖R_nominal‖_F, exactly. Must be in [0, 1).
   * @default 0
   */
  fraction?: number;
  /**
   * Share of the squared mismatch carried by cross-plane coupling; the rest is per-BPM and per-corrector gain errors.
   * @default 0.25
   */
  couplingShare?: number;
}

export const DEFAULT_MISMATCH: Required<MismatchOptions> = { fraction: 0, couplingShare: 0.25 };

/** The errors that make the machine differ from its model: R_real = diag(1+g_bpm) (R diag(1+g_cor) + C). */
export interface Mismatch {
  /** Relative gain error per BPM reading (x BPMs, then y BPMs). */
  readonly bpmGains: Float64Array;
  /** Relative kick-calibration error per corrector (horizontal, then vertical). */
  readonly correctorGains: Float64Array;
  /** Cross-plane terms added to the true response (zero on the diagonal blocks), mm/A. */
  readonly coupling: Matrix;
}

/**
 * Draws gain errors and a coupling term and scales them so the measured response differs from `nominal` by
 * exactly `fraction`. Gains touch only the in-plane blocks and coupling only the cross-plane blocks, so their
 * Frobenius contributions add in quadrature and both can be hit exactly.
 *
 * @param couplingShape a matrix whose cross-plane blocks give the pattern of the coupling (in-plane ignored)
 */
export function drawMismatch(nominal: Matrix, couplingShape: Matrix, nBpmPerPlane: number, nH: number, options: MismatchOptions, rng: Rng): Mismatch {
  const fraction = options.fraction ?? DEFAULT_MISMATCH.fraction;
  const share = options.couplingShare ?? DEFAULT_MISMATCH.couplingShare;
  if (!(fraction >= 0 && fraction < 1)) throw new InvalidArgumentError(`mismatch.fraction must be in [0, 1), got ${fraction}`, fraction);
  if (!(share >= 0 && share <= 1)) throw new InvalidArgumentError(`mismatch.couplingShare must be in [0, 1], got ${share}`, share);
  const m = nominal.rows;
  const n = nominal.cols;
  const zb = rng.fillGaussian(new Float64Array(m));
  const zc = rng.fillGaussian(new Float64Array(n));
  const total = fraction * frobeniusNorm(nominal);
  const gainTarget = total * Math.sqrt(1 - share);
  const couplingTarget = total * Math.sqrt(share);

  const gainNorm = (scale: number): number => {
    let sum = 0;
    for (let i = 0; i < m; i++) {
      const bi = 1 + scale * zb[i]!;
      for (let j = 0; j < n; j++) {
        const r = nominal.data[i * n + j]!;
        const d = (bi * (1 + scale * zc[j]!) - 1) * r;
        sum += d * d;
      }
    }
    return Math.sqrt(sum);
  };
  let scale = 0;
  if (gainTarget > 0) {
    let hi = 1e-3;
    while (gainNorm(hi) < gainTarget && hi < 1e3) hi *= 2;
    let lo = 0;
    for (let it = 0; it < 80; it++) {
      const mid = (lo + hi) / 2;
      if (gainNorm(mid) < gainTarget) lo = mid;
      else hi = mid;
    }
    scale = (lo + hi) / 2;
  }
  const bpmGains = zb.map((z) => scale * z);
  const correctorGains = zc.map((z) => scale * z);

  const coupling = createMatrix(m, n);
  let sum = 0;
  for (let i = 0; i < m; i++) {
    const xRow = i < nBpmPerPlane;
    for (let j = 0; j < n; j++) {
      if (xRow === j < nH) continue;
      const c = couplingShape.data[i * n + j]!;
      coupling.data[i * n + j] = c;
      const measured = (1 + bpmGains[i]!) * c;
      sum += measured * measured;
    }
  }
  const k = sum > 0 ? couplingTarget / Math.sqrt(sum) : 0;
  for (let i = 0; i < coupling.data.length; i++) coupling.data[i] *= k;
  return { bpmGains, correctorGains, coupling };
}
