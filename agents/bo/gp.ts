import { InvalidArgumentError } from "../../engine/errors.ts";
import type { Rng } from "../../sims/math/index.ts";
import { cholesky, choleskySolve, solveLower, type Cholesky } from "./cholesky.ts";
import { kernelValue, KernelKind, type KernelParams } from "./kernel.ts";
import { nelderMead } from "./nelder_mead.ts";

/** Hyperparameters in the GP's own units: inputs as given, outputs standardised (mean 0, variance 1). */
export interface GpHyperparameters {
  readonly lengthScales: Float64Array;
  /** Signal variance σ_f². */
  readonly variance: number;
  /** Observation noise variance σ_n². */
  readonly noise: number;
}

/** The affine map from observed values to the standardised values the GP models. */
export interface Standardisation {
  readonly mean: number;
  readonly std: number;
}

export interface Prediction {
  /** Posterior mean, in the units of the observations. */
  mean: number;
  /** Posterior variance of the latent function (noise not included), in those units squared. */
  variance: number;
}

/**
 * A Gaussian process conditioned on observations: exact inference with a Cholesky factor of K + σ_n² I.
 * Immutable; `withObservation` returns a new process with one more point and the same hyperparameters.
 */
export class GaussianProcess {
  readonly dim: number;
  readonly size: number;
  private readonly x: Float64Array;
  private readonly z: Float64Array;
  private readonly chol: Cholesky;
  private readonly alpha: Float64Array;
  private readonly params: KernelParams;

  constructor(
    readonly kind: KernelKind,
    points: readonly ArrayLike<number>[],
    values: ArrayLike<number>,
    readonly hyper: GpHyperparameters,
    readonly standardisation: Standardisation = standardise(values),
    /** Noise variance per point where it differs from `hyper.noise` (believed points are exact). */
    private readonly pointNoise?: Float64Array,
  ) {
    const n = points.length;
    const d = hyper.lengthScales.length;
    if (values.length !== n) throw new InvalidArgumentError(`a GP needs one value per point: ${n} points, ${values.length} values`, values.length);
    this.dim = d;
    this.size = n;
    this.x = new Float64Array(n * d);
    points.forEach((p, i) => {
      if (p.length !== d) throw new InvalidArgumentError(`point ${i} has ${p.length} coordinates, the GP has ${d} length scales`, p.length);
      for (let k = 0; k < d; k++) this.x[i * d + k] = p[k]!;
    });
    const { mean, std } = this.standardisation;
    this.z = Float64Array.from(values, (v) => (v - mean) / std);
    this.params = { kind, lengthScales: hyper.lengthScales, variance: hyper.variance };
    const k = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j <= i; j++) {
        const v = kernelValue(this.params, this.x, i * d, this.x, j * d);
        k[i * n + j] = v;
        k[j * n + i] = v;
      }
      k[i * n + i] += pointNoise?.[i] ?? hyper.noise;
    }
    this.chol = cholesky(k, n);
    this.alpha = choleskySolve(this.chol, this.z);
  }

  /** log p(y | X, θ) of the standardised observations. */
  logMarginalLikelihood(): number {
    let fit = 0;
    for (let i = 0; i < this.size; i++) fit += this.z[i]! * this.alpha[i]!;
    return -0.5 * fit - 0.5 * this.chol.logDet - 0.5 * this.size * Math.log(2 * Math.PI);
  }

  predict(point: ArrayLike<number>): Prediction {
    const n = this.size;
    const d = this.dim;
    const ks = new Float64Array(n);
    let m = 0;
    for (let i = 0; i < n; i++) {
      ks[i] = kernelValue(this.params, point, 0, this.x, i * d);
      m += ks[i]! * this.alpha[i]!;
    }
    const v = solveLower(this.chol, ks);
    let reduction = 0;
    for (let i = 0; i < n; i++) reduction += v[i]! * v[i]!;
    const latent = Math.max(this.hyper.variance - reduction, 0);
    const { mean, std } = this.standardisation;
    return { mean: mean + std * m, variance: latent * std * std };
  }

  /**
   * The process with one more observation, same hyperparameters and standardisation. `noise` defaults to the
   * fitted noise (in the observations' units squared); a kriging believer passes 0, so the believed point is taken as exact and the next choice of
   * a batch moves away from it.
   */
  withObservation(point: ArrayLike<number>, value: number, noise?: number): GaussianProcess {
    const points: ArrayLike<number>[] = [];
    for (let i = 0; i < this.size; i++) points.push(this.x.subarray(i * this.dim, (i + 1) * this.dim));
    points.push(point);
    const { mean, std } = this.standardisation;
    const values = Array.from(this.z, (z) => mean + std * z);
    values.push(value);
    const noises = new Float64Array(this.size + 1);
    for (let i = 0; i < this.size; i++) noises[i] = this.pointNoise?.[i] ?? this.hyper.noise;
    noises[this.size] = noise === undefined ? this.hyper.noise : noise / (std * std);
    return new GaussianProcess(this.kind, points, values, this.hyper, this.standardisation, noises);
  }
}

export function standardise(values: ArrayLike<number>): Standardisation {
  const n = values.length;
  if (n === 0) return { mean: 0, std: 1 };
  let mean = 0;
  for (let i = 0; i < n; i++) mean += values[i]!;
  mean /= n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (values[i]! - mean) ** 2;
  const std = Math.sqrt(ss / n);
  return { mean, std: std > 0 && Number.isFinite(std) ? std : 1 };
}

export interface GpFitOptions {
  /** @default KernelKind.Matern52 */
  kind?: KernelKind;
  /** A fixed noise variance in the units of the observations squared; fitted when absent. */
  noise?: number;
  /**
   * Allowed length scales, in input units.
   * @default [0.01, 10] (inputs scaled to the unit cube)
   */
  lengthScaleBounds?: readonly [number, number];
  /** @default [1e-6, 1] in standardised units */
  noiseBounds?: readonly [number, number];
  /** Random starting points of the optimiser besides `start` (or the default start). @default 2 */
  restarts?: number;
  /** A starting point, usually the previous fit. */
  start?: GpHyperparameters;
  rng?: Rng;
}

export const DEFAULT_GP_FIT = {
  kind: KernelKind.Matern52,
  lengthScaleBounds: [0.01, 10] as const,
  noiseBounds: [1e-6, 1] as const,
  variancePrior: [0.05, 20] as const,
  restarts: 2,
};

/**
 * Log-normal prior on each length scale (median 0.3 of the unit cube, σ = 1.5 in log): with a handful of
 * points the marginal likelihood alone happily explains everything as noise or as a wiggle; the prior keeps
 * the fit physical and costs nothing once the data speak.
 */
const LENGTH_PRIOR = { median: 0.3, logSigma: 1.5 };

/** A GP with hyperparameters that maximise the log marginal likelihood (plus the length-scale prior). */
export function fitGaussianProcess(points: readonly ArrayLike<number>[], values: ArrayLike<number>, options: GpFitOptions = {}): GaussianProcess {
  if (points.length === 0) throw new InvalidArgumentError("a GP needs at least one observation to fit", 0);
  const d = points[0]!.length;
  const kind = options.kind ?? DEFAULT_GP_FIT.kind;
  const st = standardise(values);
  const [lsLo, lsHi] = options.lengthScaleBounds ?? DEFAULT_GP_FIT.lengthScaleBounds;
  const [nLo, nHi] = options.noiseBounds ?? DEFAULT_GP_FIT.noiseBounds;
  const [vLo, vHi] = DEFAULT_GP_FIT.variancePrior;
  const fixedNoise = options.noise === undefined ? undefined : Math.max(options.noise / (st.std * st.std), 1e-10);
  const lo = [...new Array(d).fill(Math.log(lsLo)), Math.log(vLo), Math.log(nLo)];
  const hi = [...new Array(d).fill(Math.log(lsHi)), Math.log(vHi), Math.log(nHi)];
  const dims = fixedNoise === undefined ? d + 2 : d + 1;

  const decode = (theta: ArrayLike<number>): GpHyperparameters => ({
    lengthScales: Float64Array.from({ length: d }, (_, k) => Math.exp(theta[k]!)),
    variance: Math.exp(theta[d]!),
    noise: fixedNoise ?? Math.exp(theta[d + 1]!),
  });
  const lml = marginalLikelihood(kind, points, Float64Array.from(values, (v) => (v - st.mean) / st.std));
  const ls = new Float64Array(d);
  const objective = (theta: Float64Array): number => {
    let penalty = 0;
    const clamped = theta.map((t, i) => {
      const c = Math.min(hi[i]!, Math.max(lo[i]!, t));
      penalty += 10 * (t - c) ** 2;
      return c;
    });
    let prior = 0;
    for (let k = 0; k < d; k++) {
      ls[k] = Math.exp(clamped[k]!);
      prior += 0.5 * ((clamped[k]! - Math.log(LENGTH_PRIOR.median)) / LENGTH_PRIOR.logSigma) ** 2;
    }
    return -lml(ls, Math.exp(clamped[d]!), fixedNoise ?? Math.exp(clamped[d + 1]!)) + prior + penalty;
  };
  // A previous fit is the best guess for one more point; the default start is for the first fit.
  const starts: Float64Array[] = [];
  if (options.start !== undefined) {
    const s = options.start;
    starts.push(Float64Array.from([...Array.from(s.lengthScales, Math.log), Math.log(s.variance), Math.log(s.noise)].slice(0, dims)));
  } else {
    starts.push(Float64Array.from([...new Array(d).fill(Math.log(LENGTH_PRIOR.median)), 0, Math.log(1e-2)].slice(0, dims)));
  }
  const restarts = options.restarts ?? DEFAULT_GP_FIT.restarts;
  for (let r = 0; r < restarts && options.rng !== undefined; r++) {
    const rng = options.rng;
    starts.push(Float64Array.from({ length: dims }, (_, i) => rng.uniformIn(lo[i]!, hi[i]!)));
  }
  let best = { x: starts[0]!, value: Infinity };
  for (const start of starts) {
    const found = nelderMead(objective, start, { step: 0.5, maxEvaluations: 40 * dims, tolerance: 1e-5 });
    if (found.value < best.value) best = found;
  }
  const theta = best.x.map((t, i) => Math.min(hi[i]!, Math.max(lo[i]!, t)));
  return new GaussianProcess(kind, points, values, decode(theta), st);
}

/**
 * log p(z | X, θ) as a function of the hyperparameters, for the optimiser: squared distances per dimension are
 * computed once and the factorisation reuses one buffer, which makes a fit several times faster than building
 * a GaussianProcess per trial. A matrix that will not factor gives −Infinity.
 */
function marginalLikelihood(kind: KernelKind, points: readonly ArrayLike<number>[], z: Float64Array): (ls: Float64Array, variance: number, noise: number) => number {
  const n = points.length;
  const d = points[0]!.length;
  const pairs = (n * (n - 1)) / 2;
  const sq = new Float64Array(pairs * d);
  let p = 0;
  for (let i = 1; i < n; i++) {
    for (let j = 0; j < i; j++, p++) for (let k = 0; k < d; k++) sq[p * d + k] = (points[i]![k]! - points[j]![k]!) ** 2;
  }
  const l = new Float64Array(n * n);
  const w = new Float64Array(n);
  const inv = new Float64Array(d);
  const sqrt5 = Math.sqrt(5);
  return (ls, variance, noise) => {
    for (let k = 0; k < d; k++) inv[k] = 1 / (ls[k]! * ls[k]!);
    let q = 0;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < i; j++, q++) {
        let r2 = 0;
        for (let k = 0; k < d; k++) r2 += sq[q * d + k]! * inv[k]!;
        if (kind === KernelKind.Rbf) l[i * n + j] = variance * Math.exp(-0.5 * r2);
        else {
          const r = Math.sqrt(r2);
          l[i * n + j] = variance * (1 + sqrt5 * r + (5 / 3) * r2) * Math.exp(-sqrt5 * r);
        }
      }
      l[i * n + i] = variance + noise;
    }
    // In-place Cholesky of the lower triangle, then L w = z.
    let logDet = 0;
    for (let j = 0; j < n; j++) {
      let dj = l[j * n + j]!;
      for (let k = 0; k < j; k++) dj -= l[j * n + k]! * l[j * n + k]!;
      if (!(dj > 0)) return -Infinity;
      const ljj = Math.sqrt(dj);
      l[j * n + j] = ljj;
      logDet += 2 * Math.log(ljj);
      for (let i = j + 1; i < n; i++) {
        let s = l[i * n + j]!;
        for (let k = 0; k < j; k++) s -= l[i * n + k]! * l[j * n + k]!;
        l[i * n + j] = s / ljj;
      }
    }
    let fit = 0;
    for (let i = 0; i < n; i++) {
      let s = z[i]!;
      for (let k = 0; k < i; k++) s -= l[i * n + k]! * w[k]!;
      w[i] = s / l[i * n + i]!;
      fit += w[i]! * w[i]!;
    }
    return -0.5 * fit - 0.5 * logDet - 0.5 * n * Math.log(2 * Math.PI);
  };
}
