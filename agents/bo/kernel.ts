/** Covariance functions of the Gaussian process. */
export const KernelKind = {
  /** Squared exponential: infinitely smooth. */
  Rbf: "rbf",
  /** Matérn ν = 5/2: twice differentiable, the usual choice for physical response surfaces. */
  Matern52: "matern52",
} as const;
export type KernelKind = (typeof KernelKind)[keyof typeof KernelKind];

export interface KernelParams {
  readonly kind: KernelKind;
  /** One length scale per input dimension (in the GP's input units). */
  readonly lengthScales: Float64Array;
  /** Signal variance σ_f². */
  readonly variance: number;
}

const SQRT5 = Math.sqrt(5);

/** k(a, b) for points given as rows of flat arrays at offsets `ia` and `ib`. */
export function kernelValue(p: KernelParams, a: ArrayLike<number>, ia: number, b: ArrayLike<number>, ib: number): number {
  const d = p.lengthScales.length;
  let r2 = 0;
  for (let k = 0; k < d; k++) {
    const u = (a[ia + k]! - b[ib + k]!) / p.lengthScales[k]!;
    r2 += u * u;
  }
  if (p.kind === KernelKind.Rbf) return p.variance * Math.exp(-0.5 * r2);
  const r = Math.sqrt(r2);
  return p.variance * (1 + SQRT5 * r + (5 / 3) * r2) * Math.exp(-SQRT5 * r);
}
