export interface NelderMeadOptions {
  /** Initial simplex edge per coordinate. @default 0.1 */
  step?: number | ArrayLike<number>;
  /** @default 200 */
  maxEvaluations?: number;
  /** Stop when the simplex's values differ by less than this. @default 1e-8 */
  tolerance?: number;
}

export interface Minimum {
  x: Float64Array;
  value: number;
  evaluations: number;
}

/**
 * Minimises f by the Nelder–Mead simplex method (standard coefficients). Derivative-free and robust on the
 * few-dimensional, slightly noisy surfaces it meets here: GP hyperparameters and acquisition functions.
 * Non-finite values count as +Infinity, so callers can refuse a region by returning NaN or Infinity.
 */
export function nelderMead(f: (x: Float64Array) => number, x0: ArrayLike<number>, options: NelderMeadOptions = {}): Minimum {
  const n = x0.length;
  const maxEval = options.maxEvaluations ?? 200;
  const tol = options.tolerance ?? 1e-8;
  const stepOf = (i: number): number => (typeof options.step === "number" ? options.step : options.step?.[i] ?? 0.1);
  let evaluations = 0;
  const value = (x: Float64Array): number => {
    evaluations++;
    const v = f(x);
    return Number.isFinite(v) ? v : Infinity;
  };
  const simplex: { x: Float64Array; v: number }[] = [];
  const start = Float64Array.from(x0);
  simplex.push({ x: start, v: value(start) });
  for (let i = 0; i < n; i++) {
    const x = Float64Array.from(x0);
    x[i] += stepOf(i);
    simplex.push({ x, v: value(x) });
  }
  const centroid = new Float64Array(n);
  const along = (t: number): Float64Array => {
    const worst = simplex[n]!.x;
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = centroid[i]! + t * (worst[i]! - centroid[i]!);
    return out;
  };
  while (evaluations < maxEval) {
    simplex.sort((a, b) => a.v - b.v);
    if (Math.abs(simplex[n]!.v - simplex[0]!.v) <= tol * (Math.abs(simplex[0]!.v) + tol)) break;
    centroid.fill(0);
    for (let k = 0; k < n; k++) for (let i = 0; i < n; i++) centroid[i] += simplex[k]!.x[i]! / n;
    const xr = along(-1);
    const vr = value(xr);
    if (vr < simplex[0]!.v) {
      const xe = along(-2);
      const ve = value(xe);
      simplex[n] = ve < vr ? { x: xe, v: ve } : { x: xr, v: vr };
    } else if (vr < simplex[n - 1]!.v) {
      simplex[n] = { x: xr, v: vr };
    } else {
      const outside = vr < simplex[n]!.v;
      const xc = along(outside ? -0.5 : 0.5);
      const vc = value(xc);
      if (vc < (outside ? vr : simplex[n]!.v)) simplex[n] = { x: xc, v: vc };
      else {
        const best = simplex[0]!.x;
        for (let k = 1; k <= n; k++) {
          const x = simplex[k]!.x.map((xi, i) => best[i]! + 0.5 * (xi - best[i]!));
          simplex[k] = { x, v: value(x) };
        }
      }
    }
  }
  simplex.sort((a, b) => a.v - b.v);
  return { x: simplex[0]!.x, value: simplex[0]!.v, evaluations };
}
