import { InvalidArgumentError } from "../../engine/errors.ts";
import { createMatrix, type Matrix } from "./matrix.ts";

/** A = U diag(s) Vᵀ with k = min(m, n) singular values in descending order. */
export interface Svd {
  /** m × k, orthonormal columns (a zero column where the singular value is exactly zero). */
  readonly u: Matrix;
  readonly s: Float64Array;
  /** n × k, orthonormal columns. */
  readonly v: Matrix;
}

const MAX_SWEEPS = 60;

/**
 * Singular value decomposition by one-sided Jacobi rotations (Hestenes). Slower than Golub–Kahan for big
 * matrices but simple and accurate to full relative precision even for small singular values, which matters
 * when a corrector pattern is nearly invisible at the BPMs.
 */
export function svd(a: Matrix): Svd {
  if (a.rows < a.cols) {
    const t = svdTall(a.cols, a.rows, (i, j) => a.data[j * a.cols + i]!);
    return { u: t.v, s: t.s, v: t.u };
  }
  return svdTall(a.rows, a.cols, (i, j) => a.data[i * a.cols + j]!);
}

function svdTall(m: number, n: number, at: (i: number, j: number) => number): Svd {
  // Columns stored contiguously: every rotation touches two whole columns.
  const w = new Float64Array(m * n);
  const v = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < m; i++) w[j * m + i] = at(i, j);
    v[j * n + j] = 1;
  }
  const eps = 1e-15;
  for (let sweep = 0; sweep < MAX_SWEEPS; sweep++) {
    let rotated = false;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        let alpha = 0;
        let beta = 0;
        let gamma = 0;
        const op = p * m;
        const oq = q * m;
        for (let i = 0; i < m; i++) {
          const x = w[op + i]!;
          const y = w[oq + i]!;
          alpha += x * x;
          beta += y * y;
          gamma += x * y;
        }
        if (gamma === 0 || Math.abs(gamma) <= eps * Math.sqrt(alpha * beta)) continue;
        rotated = true;
        const zeta = (beta - alpha) / (2 * gamma);
        const t = (zeta >= 0 ? 1 : -1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        const c = 1 / Math.sqrt(1 + t * t);
        const s = c * t;
        for (let i = 0; i < m; i++) {
          const x = w[op + i]!;
          const y = w[oq + i]!;
          w[op + i] = c * x - s * y;
          w[oq + i] = s * x + c * y;
        }
        const vp = p * n;
        const vq = q * n;
        for (let i = 0; i < n; i++) {
          const x = v[vp + i]!;
          const y = v[vq + i]!;
          v[vp + i] = c * x - s * y;
          v[vq + i] = s * x + c * y;
        }
      }
    }
    if (!rotated) break;
  }
  const sig = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    let sum = 0;
    for (let i = 0; i < m; i++) sum += w[j * m + i]! * w[j * m + i]!;
    sig[j] = Math.sqrt(sum);
  }
  const order = Array.from({ length: n }, (_, j) => j).sort((x, y) => sig[y]! - sig[x]!);
  const u = createMatrix(m, n);
  const vOut = createMatrix(n, n);
  const s = new Float64Array(n);
  order.forEach((j, k) => {
    const sj = sig[j]!;
    s[k] = sj;
    for (let i = 0; i < m; i++) u.data[i * n + k] = sj > 0 ? w[j * m + i]! / sj : 0;
    for (let i = 0; i < n; i++) vOut.data[i * n + k] = v[j * n + i]!;
  });
  return { u, s, v: vOut };
}

export interface PseudoInverseOptions {
  /**
   * Singular values below `rcond × s_max` are dropped.
   * @default 1e-12
   */
  rcond?: number;
  /** Keep at most this many singular values (truncated SVD, the usual knob of an orbit-correction program). */
  keep?: number;
  /**
   * Tikhonov regularisation α in the units of the singular values: each kept 1/s becomes s / (s² + α²).
   * @default 0
   */
  tikhonov?: number;
}

export const DEFAULT_PSEUDO_INVERSE: Required<Omit<PseudoInverseOptions, "keep">> = { rcond: 1e-12, tikhonov: 0 };

/** The filter factors 1/s (or s/(s²+α²)) for each singular value, zero where truncated. */
export function inverseSingularValues(s: Float64Array, options: PseudoInverseOptions = {}): Float64Array {
  const rcond = options.rcond ?? DEFAULT_PSEUDO_INVERSE.rcond;
  const alpha = options.tikhonov ?? DEFAULT_PSEUDO_INVERSE.tikhonov;
  const keep = options.keep ?? s.length;
  if (!(rcond >= 0)) throw new InvalidArgumentError(`rcond must be >= 0, got ${rcond}`, rcond);
  if (!(alpha >= 0) || !Number.isFinite(alpha)) throw new InvalidArgumentError(`tikhonov must be a finite number >= 0, got ${alpha}`, alpha);
  if (!Number.isInteger(keep) || keep < 0) throw new InvalidArgumentError(`keep must be an integer >= 0, got ${keep}`, keep);
  const smax = s.length > 0 ? s[0]! : 0;
  const out = new Float64Array(s.length);
  for (let k = 0; k < s.length && k < keep; k++) {
    const sk = s[k]!;
    if (sk <= rcond * smax || sk === 0) break;
    out[k] = sk / (sk * sk + alpha * alpha);
  }
  return out;
}

/** The n × m pseudo-inverse V diag(f(s)) Uᵀ, from a matrix or from its SVD. */
export function pseudoInverse(a: Matrix | Svd, options: PseudoInverseOptions = {}): Matrix {
  const d = "s" in a ? a : svd(a);
  const f = inverseSingularValues(d.s, options);
  const m = d.u.rows;
  const n = d.v.rows;
  const k = d.s.length;
  const out = createMatrix(n, m);
  for (let r = 0; r < k; r++) {
    const fr = f[r]!;
    if (fr === 0) continue;
    for (let i = 0; i < n; i++) {
      const vir = d.v.data[i * k + r]! * fr;
      if (vir === 0) continue;
      const base = i * m;
      for (let j = 0; j < m; j++) out.data[base + j] += vir * d.u.data[j * k + r]!;
    }
  }
  return out;
}
