import { InvalidArgumentError } from "../../engine/errors.ts";
import { svd, type Matrix } from "../../sims/math/index.ts";

/**
 * The fixed, model-based half of the hybrid policy, shared by training and by the deployed agent:
 * - the SVD basis of the nominal response R = U S Vᵀ, in which the actor's outputs live;
 * - the observation (normalised BPM readings and a short history);
 * - the map from the actor's output a ∈ [−1, 1]^k to corrector changes:
 *   mode command m = baseGain · Uᵀe + residualScale · σ · a,  Δu = −V S⁻¹ m, bounded per step.
 *
 * With a = 0 this is the classic SVD corrector; the actor learns, from the simulator alone, the residual that
 * the nominal model gets wrong (mismatch) and what the history says about the next orbit (periodic
 * perturbations). Dividing by the orbit's RMS σ makes the problem the same at every orbit size, which is what
 * lets a small network learn it in minutes.
 */
export interface PolicyMapOptions {
  /** Readings (rows) × correctors (columns), mm/A: the nominal model. */
  response: Matrix;
  /**
   * Gain of the model-based part.
   * @default 1
   */
  baseGain?: number;
  /**
   * Largest residual per mode, in units of the orbit RMS σ.
   * @default 1
   */
  residualScale?: number;
  /**
   * Past orbits and past mode commands in the observation.
   * @default 2
   */
  history?: number;
  /** Largest change of any corrector in one step, A (the whole step is scaled to respect it). @default 1 */
  maxStepA?: number;
  /** Corrector set-point limit, ±A. @default 5 */
  limitA?: number;
  /** Singular values below this fraction of the largest are dropped. @default 1e-6 */
  threshold?: number;
  /** Orbit RMS (mm) that maps to 0 in the log-scale feature; 1000× it maps to 1. @default 0.001 */
  scaleRefMm?: number;
  /**
   * What the observation holds of each orbit: "readings" (every BPM reading) or "modes" (its coordinates in the
   * k response modes, Uᵀe, plus the RMS of the part no corrector can reach). Modes are all the correctors can
   * act on, and half the inputs on the small ring, so the networks have less to learn.
   * @default "readings"
   */
  observe?: ObservationKind;
}

/** See `PolicyMapOptions.observe`. */
export const ObservationKind = { Readings: "readings", Modes: "modes" } as const;
export type ObservationKind = (typeof ObservationKind)[keyof typeof ObservationKind];

export const DEFAULT_POLICY_MAP = {
  baseGain: 1,
  residualScale: 1,
  history: 2,
  maxStepA: 1,
  limitA: 5,
  threshold: 1e-6,
  scaleRefMm: 0.001,
  observe: "readings" as ObservationKind,
} as const;

/** Normalised inputs are clipped here so that a history of a much larger orbit cannot saturate the network. */
const OBS_CLIP = 8;

/** The plain-data form stored in a checkpoint. */
export interface PolicyMapData {
  rows: number;
  cols: number;
  response: number[];
  baseGain: number;
  residualScale: number;
  history: number;
  maxStepA: number;
  limitA: number;
  threshold: number;
  scaleRefMm: number;
  /** Absent in checkpoints written before it existed: "readings". */
  observe?: ObservationKind;
}

export class PolicyMap {
  /** Readings. */
  readonly m: number;
  /** Correctors. */
  readonly n: number;
  /** Modes kept (the actor's output size). */
  readonly k: number;
  readonly obsSize: number;
  readonly options: Readonly<Required<PolicyMapOptions>>;
  private readonly u: Float64Array;
  private readonly s: Float64Array;
  private readonly v: Float64Array;
  /** Ring buffers of past errors (m each) and mode commands (k each); slot 0 is the latest. */
  private readonly pastErrors: Float64Array[];
  private readonly pastCommands: Float64Array[];
  private filled = 0;
  private readonly modes: Float64Array;
  private readonly command: Float64Array;

  constructor(options: PolicyMapOptions) {
    const o = { ...DEFAULT_POLICY_MAP, ...options };
    for (const key of ["baseGain", "residualScale", "maxStepA", "limitA", "scaleRefMm"] as const) {
      if (!(Number.isFinite(o[key]) && o[key] >= 0)) throw new InvalidArgumentError(`policy ${key} must be a finite number >= 0, got ${o[key]}`, o[key]);
    }
    if (!(Number.isInteger(o.history) && o.history >= 0 && o.history <= 16)) {
      throw new InvalidArgumentError(`policy history must be an integer in 0..16, got ${o.history}`, o.history);
    }
    this.options = o;
    const r = o.response;
    this.m = r.rows;
    this.n = r.cols;
    const d = svd(r);
    const keep = Array.from(d.s).filter((s) => s > o.threshold * d.s[0]!).length;
    if (keep === 0) throw new InvalidArgumentError("the response matrix has no usable singular value", d.s[0]);
    this.k = keep;
    this.u = new Float64Array(this.m * keep);
    this.v = new Float64Array(this.n * keep);
    this.s = d.s.slice(0, keep);
    for (let i = 0; i < this.m; i++) for (let j = 0; j < keep; j++) this.u[i * keep + j] = d.u.data[i * d.u.cols + j]!;
    for (let i = 0; i < this.n; i++) for (let j = 0; j < keep; j++) this.v[i * keep + j] = d.v.data[i * d.v.cols + j]!;
    if (!Object.values(ObservationKind).includes(o.observe)) {
      throw new InvalidArgumentError(`policy observe must be one of ${Object.values(ObservationKind).join(", ")}, got ${JSON.stringify(o.observe)}`, o.observe);
    }
    this.obsSize = o.observe === ObservationKind.Modes ? keep * (1 + 2 * o.history) + 2 : this.m * (1 + o.history) + keep * o.history + 1;
    this.pastErrors = Array.from({ length: o.history }, () => new Float64Array(this.m));
    this.pastCommands = Array.from({ length: o.history }, () => new Float64Array(keep));
    this.modes = new Float64Array(keep);
    this.command = new Float64Array(keep);
  }

  static fromData(data: PolicyMapData): PolicyMap {
    if (data.response.length !== data.rows * data.cols) {
      throw new InvalidArgumentError(`policy response has ${data.response.length} values for ${data.rows}x${data.cols}`, data.response.length);
    }
    const { rows, cols, response, ...rest } = data;
    return new PolicyMap({ ...rest, response: { rows, cols, data: Float64Array.from(response) } });
  }

  toData(): PolicyMapData {
    const o = this.options;
    return {
      rows: this.m,
      cols: this.n,
      response: Array.from(o.response.data),
      baseGain: o.baseGain,
      residualScale: o.residualScale,
      history: o.history,
      maxStepA: o.maxStepA,
      limitA: o.limitA,
      threshold: o.threshold,
      scaleRefMm: o.scaleRefMm,
      observe: o.observe,
    };
  }

  get singularValues(): readonly number[] {
    return Array.from(this.s);
  }

  /** Forgets the history (a new episode or a new campaign). */
  resetHistory(): void {
    this.filled = 0;
    for (const e of this.pastErrors) e.fill(0);
    for (const c of this.pastCommands) c.fill(0);
  }

  /**
   * The observation for orbit error `e` (readings − reference, mm), written into `out`:
   * [e/σ, past errors/σ..., past mode commands/σ..., log-scale of σ]. σ is the RMS of e.
   */
  observe(e: ArrayLike<number>, out: Float32Array = new Float32Array(this.obsSize)): Float32Array {
    if (this.options.observe === ObservationKind.Modes) return this.observeModes(e, out);
    const sigma = this.sigmaOf(e);
    let p = 0;
    for (let i = 0; i < this.m; i++) out[p++] = clip(e[i]! / sigma);
    for (let h = 0; h < this.options.history; h++) {
      const past = this.pastErrors[h]!;
      const has = h < this.filled;
      for (let i = 0; i < this.m; i++) out[p++] = has ? clip(past[i]! / sigma) : 0;
    }
    for (let h = 0; h < this.options.history; h++) {
      const past = this.pastCommands[h]!;
      const has = h < this.filled;
      for (let j = 0; j < this.k; j++) out[p++] = has ? clip(past[j]! / sigma) : 0;
    }
    out[p] = Math.log10(sigma / this.options.scaleRefMm) / 3;
    return out;
  }

  /**
   * [Uᵀe/σ, RMS of the unreachable part/σ, Uᵀ(past errors)/σ..., past mode commands/σ..., log-scale of σ]:
   * the same normalisation as with readings, in the coordinates the actor's output lives in.
   */
  private observeModes(e: ArrayLike<number>, out: Float32Array): Float32Array {
    const sigma = this.sigmaOf(e);
    const k = this.k;
    this.project(e, this.modes);
    let reach = 0;
    for (let j = 0; j < k; j++) reach += this.modes[j]! * this.modes[j]!;
    let total = 0;
    for (let i = 0; i < this.m; i++) total += e[i]! * e[i]!;
    let p = 0;
    for (let j = 0; j < k; j++) out[p++] = clip(this.modes[j]! / sigma);
    out[p++] = Math.sqrt(Math.max(0, total - reach) / this.m) / sigma;
    for (let h = 0; h < this.options.history; h++) {
      const has = h < this.filled;
      if (has) this.project(this.pastErrors[h]!, this.modes);
      for (let j = 0; j < k; j++) out[p++] = has ? clip(this.modes[j]! / sigma) : 0;
    }
    for (let h = 0; h < this.options.history; h++) {
      const past = this.pastCommands[h]!;
      const has = h < this.filled;
      for (let j = 0; j < k; j++) out[p++] = has ? clip(past[j]! / sigma) : 0;
    }
    out[p] = Math.log10(sigma / this.options.scaleRefMm) / 3;
    return out;
  }

  /** Uᵀe into `out` (k values). */
  private project(e: ArrayLike<number>, out: Float64Array): void {
    const k = this.k;
    out.fill(0);
    for (let i = 0; i < this.m; i++) {
      const ei = e[i]!;
      if (ei === 0) continue;
      const row = i * k;
      for (let j = 0; j < k; j++) out[j] += this.u[row + j]! * ei;
    }
  }

  /**
   * Corrector changes for error `e` and actor output `a` (k values in [−1, 1]); scaled down as a whole when a
   * corrector would move more than maxStepA, and clipped to the set-point limits given `setpoints`.
   * Records e and the mode command in the history. Returns the scale applied (1 = unbounded).
   */
  act(e: ArrayLike<number>, a: ArrayLike<number>, setpoints: ArrayLike<number>, delta: Float64Array): { scale: number; saturated: number } {
    const o = this.options;
    const sigma = this.sigmaOf(e);
    const k = this.k;
    this.project(e, this.modes);
    for (let j = 0; j < k; j++) {
      const aj = Math.max(-1, Math.min(1, a[j]!));
      this.command[j] = o.baseGain * this.modes[j]! + o.residualScale * sigma * aj;
    }
    let largest = 0;
    for (let c = 0; c < this.n; c++) {
      let sum = 0;
      const row = c * k;
      for (let j = 0; j < k; j++) sum += (this.v[row + j]! * this.command[j]!) / this.s[j]!;
      delta[c] = -sum;
      largest = Math.max(largest, Math.abs(sum));
    }
    const scale = largest > o.maxStepA ? o.maxStepA / largest : 1;
    let saturated = 0;
    for (let c = 0; c < this.n; c++) {
      const want = setpoints[c]! + delta[c]! * scale;
      const held = Math.max(-o.limitA, Math.min(o.limitA, want));
      if (held !== want) saturated++;
      delta[c] = held - setpoints[c]!;
    }
    if (scale < 1) for (let j = 0; j < k; j++) this.command[j] *= scale;
    this.remember(e);
    return { scale, saturated };
  }

  private remember(e: ArrayLike<number>): void {
    const h = this.options.history;
    if (h === 0) return;
    const oldestE = this.pastErrors.pop()!;
    const oldestC = this.pastCommands.pop()!;
    for (let i = 0; i < this.m; i++) oldestE[i] = e[i]!;
    oldestC.set(this.command);
    this.pastErrors.unshift(oldestE);
    this.pastCommands.unshift(oldestC);
    this.filled = Math.min(h, this.filled + 1);
  }

  private sigmaOf(e: ArrayLike<number>): number {
    let sum = 0;
    for (let i = 0; i < this.m; i++) sum += e[i]! * e[i]!;
    return Math.max(Math.sqrt(sum / this.m), 1e-9);
  }
}

function clip(x: number): number {
  return x > OBS_CLIP ? OBS_CLIP : x < -OBS_CLIP ? -OBS_CLIP : x;
}
