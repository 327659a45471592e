import { SkyloopError } from "../../engine/errors.ts";

/** A covariance matrix that stays indefinite even after adding the largest allowed jitter. */
export class NotPositiveDefiniteError extends SkyloopError {
  constructor(
    readonly size: number,
    readonly jitter: number,
  ) {
    super(`a ${size}x${size} covariance matrix is not positive definite even with a jitter of ${jitter} on its diagonal`);
  }
}

/** The lower factor L of A = L Lᵀ (n × n, row-major; A itself is left alone), and the jitter that was needed. */
export interface Cholesky {
  readonly n: number;
  readonly l: Float64Array;
  readonly jitter: number;
  /** log det A = 2 Σ log L_ii. */
  readonly logDet: number;
}

function tryFactor(a: Float64Array, n: number, jitter: number): Float64Array | null {
  const l = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    let d = a[j * n + j]! + jitter;
    for (let k = 0; k < j; k++) d -= l[j * n + k]! * l[j * n + k]!;
    if (!(d > 0)) return null;
    const ljj = Math.sqrt(d);
    l[j * n + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let s = a[i * n + j]!;
      for (let k = 0; k < j; k++) s -= l[i * n + k]! * l[j * n + k]!;
      l[i * n + j] = s / ljj;
    }
  }
  return l;
}

/** Jitters tried in turn, relative to the mean diagonal. */
const JITTERS = [0, 1e-10, 1e-9, 1e-8, 1e-7, 1e-6, 1e-5, 1e-4];

/**
 * Cholesky factorisation of a symmetric positive (semi-)definite matrix. Kernel matrices of nearby points are
 * close to singular, so on failure a growing jitter (relative to the mean diagonal) is added, up to 1e-4.
 */
export function cholesky(a: Float64Array, n: number): Cholesky {
  let meanDiag = 0;
  for (let i = 0; i < n; i++) meanDiag += a[i * n + i]!;
  meanDiag = n > 0 ? meanDiag / n : 1;
  for (const rel of JITTERS) {
    const jitter = rel * meanDiag;
    const l = tryFactor(a, n, jitter);
    if (l !== null) {
      let logDet = 0;
      for (let i = 0; i < n; i++) logDet += 2 * Math.log(l[i * n + i]!);
      return { n, l, jitter, logDet };
    }
  }
  throw new NotPositiveDefiniteError(n, JITTERS[JITTERS.length - 1]! * meanDiag);
}

/** Solves L x = b (forward substitution) into a new array. */
export function solveLower(c: Cholesky, b: ArrayLike<number>): Float64Array {
  const { n, l } = c;
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= l[i * n + k]! * x[k]!;
    x[i] = s / l[i * n + i]!;
  }
  return x;
}

/** Solves Lᵀ x = b (back substitution) into a new array. */
export function solveUpper(c: Cholesky, b: ArrayLike<number>): Float64Array {
  const { n, l } = c;
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = b[i]!;
    for (let k = i + 1; k < n; k++) s -= l[k * n + i]! * x[k]!;
    x[i] = s / l[i * n + i]!;
  }
  return x;
}

/** A⁻¹ b through the factor. */
export function choleskySolve(c: Cholesky, b: ArrayLike<number>): Float64Array {
  return solveUpper(c, solveLower(c, b));
}
