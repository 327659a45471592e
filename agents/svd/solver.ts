import { InvalidArgumentError } from "../../engine/errors.ts";
import { createMatrix, inverseSingularValues, matTVec, matVec, rms, svd, type Matrix, type Svd } from "../../sims/math/index.ts";

/** What to do when a step asks some corrector to move more than its per-step limit. */
export const StepLimitMode = {
  /** Shrink the whole step by one factor: the correction keeps its shape, only slower (the default). */
  Scale: "scale",
  /** Clip each corrector's change on its own: faster, but the correction's shape is distorted. */
  Clip: "clip",
} as const;
export type StepLimitMode = (typeof StepLimitMode)[keyof typeof StepLimitMode];

export interface OrbitSolverOptions {
  /** Keep at most this many singular values. @default all */
  singularValues?: number;
  /**
   * Drop singular values below `threshold × s_max`.
   * @default 1e-9
   */
  threshold?: number;
  /**
   * Tikhonov α in the units of the singular values: each 1/s becomes s/(s² + α²), which damps the weak
   * modes that cost a lot of corrector strength for little orbit.
   * @default 0
   */
  tikhonov?: number;
  /**
   * Fraction of the computed correction applied per step.
   * @default 0.8
   */
  gain?: number;
  /** Absolute set-point limits per corrector. @default none */
  low?: ArrayLike<number>;
  high?: ArrayLike<number>;
  /** Largest change of each corrector in one step. @default none */
  maxStep?: ArrayLike<number>;
  /** @default StepLimitMode.Scale */
  stepLimit?: StepLimitMode;
}

export const DEFAULT_ORBIT_SOLVER = { threshold: 1e-9, tikhonov: 0, gain: 0.8, stepLimit: StepLimitMode.Scale } as const;

/** One proposed correction and what the model expects of it. */
export interface CorrectionStep {
  /** Change of each corrector. */
  readonly delta: Float64Array;
  /** The new set-points, always within the absolute limits. */
  readonly setpoints: Float64Array;
  /** The orbit error the model predicts after the step. */
  readonly predictedError: Float64Array;
  readonly predictedRms: number;
  /** The singular values used in the last solve (after truncation), descending. */
  readonly singularValues: readonly number[];
  /** Factor the step was scaled by to respect the per-step limits (1 when none applied). */
  readonly stepScale: number;
  /** Correctors whose change was clipped to the per-step limit (clip mode). */
  readonly clipped: readonly number[];
  /** Correctors held at an absolute limit while the others were solved again without them. */
  readonly saturated: readonly number[];
}

/**
 * Orbit correction by truncated, optionally Tikhonov-regularised SVD of the response matrix R (readings ×
 * correctors): Δθ = −gain · R⁺ e. Limits are never exceeded. The per-step limit scales or clips the step.
 * A corrector that would pass its absolute limit is held at the limit and the remaining correctors are solved
 * again for what is left of the orbit, so the others take over its share instead of the correction being
 * silently distorted by a clip.
 */
export class OrbitSolver {
  readonly response: Matrix;
  private readonly full: Svd;
  private readonly options: Required<Omit<OrbitSolverOptions, "singularValues" | "low" | "high" | "maxStep">> & {
    singularValues: number | undefined;
    low: Float64Array;
    high: Float64Array;
    maxStep: Float64Array;
  };

  constructor(response: Matrix, options: OrbitSolverOptions = {}) {
    const n = response.cols;
    if (response.rows === 0 || n === 0) throw new InvalidArgumentError(`response matrix must not be empty, got ${response.rows}x${n}`, [response.rows, n]);
    const bad = response.data.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) throw new InvalidArgumentError(`response matrix element ${bad} is ${response.data[bad]}; it must be finite`, response.data[bad]);
    const vector = (v: ArrayLike<number> | undefined, fill: number, what: string): Float64Array => {
      if (v === undefined) return new Float64Array(n).fill(fill);
      if (v.length !== n) throw new InvalidArgumentError(`${what} has ${v.length} values, the response matrix has ${n} correctors`, v.length);
      return Float64Array.from(v);
    };
    this.response = response;
    this.options = {
      singularValues: options.singularValues,
      threshold: options.threshold ?? DEFAULT_ORBIT_SOLVER.threshold,
      tikhonov: options.tikhonov ?? DEFAULT_ORBIT_SOLVER.tikhonov,
      gain: options.gain ?? DEFAULT_ORBIT_SOLVER.gain,
      stepLimit: options.stepLimit ?? DEFAULT_ORBIT_SOLVER.stepLimit,
      low: vector(options.low, -Infinity, "low"),
      high: vector(options.high, Infinity, "high"),
      maxStep: vector(options.maxStep, Infinity, "maxStep"),
    };
    const { low, high, maxStep } = this.options;
    for (let j = 0; j < n; j++) {
      if (!(low[j]! < high[j]!)) throw new InvalidArgumentError(`corrector ${j}: low limit ${low[j]} must be below high limit ${high[j]}`, [low[j], high[j]]);
      if (!(maxStep[j]! > 0)) throw new InvalidArgumentError(`corrector ${j}: maxStep must be > 0, got ${maxStep[j]}`, maxStep[j]);
    }
    this.full = svd(response);
  }

  /** Every singular value of the response, descending. */
  get singularValues(): readonly number[] {
    return Array.from(this.full.s);
  }

  /** The step that corrects `error` (reading − reference) from the current `setpoints`. */
  correct(error: ArrayLike<number>, setpoints: ArrayLike<number>): CorrectionStep {
    const r = this.response;
    const n = r.cols;
    if (error.length !== r.rows) throw new InvalidArgumentError(`orbit error has ${error.length} values, the response matrix has ${r.rows} readings`, error.length);
    if (setpoints.length !== n) throw new InvalidArgumentError(`set-points have ${setpoints.length} values, the response matrix has ${n} correctors`, setpoints.length);
    const { low, high, maxStep, gain } = this.options;
    const fixed = new Uint8Array(n);
    const delta = new Float64Array(n);
    const saturated: number[] = [];
    let used: number[] = [];
    let stepScale = 1;
    let clipped: number[] = [];
    for (let round = 0; round <= n; round++) {
      const free = [];
      for (let j = 0; j < n; j++) if (!fixed[j]) free.push(j);
      for (const j of free) delta[j] = 0;
      if (free.length === 0) break;
      // What is left to correct once the held correctors have moved.
      const remaining = matVec(r, delta);
      for (let i = 0; i < remaining.length; i++) remaining[i] += error[i]!;
      const solved = this.solveFree(free, remaining);
      used = solved.used;
      const step = solved.step.map((d) => -gain * d);
      ({ stepScale, clipped } = this.limitStep(free, step));
      let violated = false;
      free.forEach((j, k) => {
        const next = setpoints[j]! + step[k]!;
        if (next > high[j]! || next < low[j]!) {
          // The absolute limit wins over the step limit: a set-point already outside is brought back inside.
          delta[j] = (next > high[j]! ? high[j]! : low[j]!) - setpoints[j]!;
          fixed[j] = 1;
          saturated.push(j);
          violated = true;
        } else {
          delta[j] = step[k]!;
        }
      });
      if (!violated) break;
    }
    const predictedError = matVec(r, delta);
    for (let i = 0; i < predictedError.length; i++) predictedError[i] += error[i]!;
    const out = new Float64Array(n);
    for (let j = 0; j < n; j++) out[j] = Math.min(high[j]!, Math.max(low[j]!, setpoints[j]! + delta[j]!));
    return { delta, setpoints: out, predictedError, predictedRms: rms(predictedError), singularValues: used, stepScale, clipped, saturated: saturated.sort((a, b) => a - b) };
  }

  /** R_free⁺ e over the free correctors, with the configured truncation and regularisation. */
  private solveFree(free: readonly number[], e: Float64Array): { step: Float64Array; used: number[] } {
    const r = this.response;
    let d = this.full;
    if (free.length < r.cols) {
      const sub = createMatrix(r.rows, free.length);
      for (let i = 0; i < r.rows; i++) free.forEach((j, k) => (sub.data[i * free.length + k] = r.data[i * r.cols + j]!));
      d = svd(sub);
    }
    const f = inverseSingularValues(d.s, { keep: this.options.singularValues, rcond: this.options.threshold, tikhonov: this.options.tikhonov });
    const coeffs = matTVec(d.u, e);
    for (let k = 0; k < coeffs.length; k++) coeffs[k] *= f[k]!;
    const used: number[] = [];
    f.forEach((fk, k) => fk > 0 && used.push(d.s[k]!));
    return { step: matVec(d.v, coeffs), used };
  }

  private limitStep(free: readonly number[], step: Float64Array): { stepScale: number; clipped: number[] } {
    const { maxStep, stepLimit } = this.options;
    const clipped: number[] = [];
    if (stepLimit === StepLimitMode.Scale) {
      let scale = 1;
      free.forEach((j, k) => (scale = Math.min(scale, maxStep[j]! / Math.abs(step[k]!))));
      if (scale < 1) {
        // The clamp only removes the last bit of rounding from the scaled largest move.
        free.forEach((j, k) => (step[k] = Math.max(-maxStep[j]!, Math.min(maxStep[j]!, step[k]! * scale))));
      }
      return { stepScale: scale, clipped };
    }
    free.forEach((j, k) => {
      if (Math.abs(step[k]!) > maxStep[j]!) {
        step[k] = Math.sign(step[k]!) * maxStep[j]!;
        clipped.push(j);
      }
    });
    return { stepScale: 1, clipped };
  }
}
