import { InvalidArgumentError } from "../../engine/errors.ts";
import { createMatrix, matrixFromRows, rms, type Matrix } from "../../sims/math/index.ts";
import type { Agent, AgentFields, AgentReport, DependentValues, IndependentValues, Suggestion, TellRecord } from "../core/agent.ts";
import { AgentNotReadyError } from "../core/errors.ts";
import { checkAskCount, dependentVector, independentVector } from "../core/fields.ts";
import { SettingsReader } from "../core/settings.ts";
import { DEFAULT_ORBIT_SOLVER, OrbitSolver, StepLimitMode, type CorrectionStep, type OrbitSolverOptions } from "./solver.ts";

export const SVD_ORBIT_KIND = "svd-orbit";

export interface SvdOrbitOptions extends Omit<OrbitSolverOptions, "low" | "high" | "maxStep"> {
  /** @default "svd-orbit" */
  name?: string;
  /** Corrector names, in the order of the response matrix's columns (independent fields). */
  correctors: readonly string[];
  /**
   * Reading fields (dependent), concatenated in order to give the rows of the response matrix: one key per
   * BPM plane reading, or one array-valued key for the whole orbit.
   */
  bpms: readonly string[];
  /** Readings × correctors: from the model, or measured (see `responseFromMeasurements`). */
  response: Matrix;
  /** The orbit to steer to, one value per reading. @default zeros */
  reference?: ArrayLike<number>;
  /** Absolute set-point limits per corrector. @default none */
  low?: ArrayLike<number>;
  high?: ArrayLike<number>;
  /** Largest change per corrector per step. @default none */
  maxStep?: ArrayLike<number>;
  /** Done once the RMS of (reading − reference) is at or below this. @default none: never done */
  targetRms?: number;
}

/** How many RMS values the report keeps. */
const REPORT_HISTORY = 50;

function round(x: number, digits = 6): number {
  return Number.isFinite(x) ? Number(x.toPrecision(digits)) : x;
}

/**
 * Closed-orbit correction by SVD. `tell(x, y)` takes the corrector set-points and the BPM readings; `ask()`
 * returns the next set-points, with the predicted RMS as score and the singular values used in the rationale.
 * Once the measured RMS is at or below the target the suggestion keeps the set-points and says it is done.
 */
export class SvdOrbitAgent implements Agent {
  readonly name: string;
  readonly fields: AgentFields;
  private solver: OrbitSolver;
  private readonly options: SvdOrbitOptions;
  private readonly reference: Float64Array;
  private setpoints: Float64Array | null = null;
  private error: Float64Array | null = null;
  private observations = 0;
  private readonly rmsHistory: number[] = [];
  private lastStep: CorrectionStep | null = null;

  constructor(options: SvdOrbitOptions) {
    this.name = options.name ?? SVD_ORBIT_KIND;
    this.options = options;
    this.fields = { independent: [...options.correctors], dependent: [...options.bpms] };
    const r = options.response;
    if (r.cols !== options.correctors.length) {
      throw new InvalidArgumentError(`agent "${this.name}": the response matrix has ${r.cols} columns for ${options.correctors.length} correctors`, r.cols);
    }
    if (options.reference !== undefined && options.reference.length !== r.rows) {
      throw new InvalidArgumentError(`agent "${this.name}": reference has ${options.reference.length} values, the response matrix has ${r.rows} readings`, options.reference.length);
    }
    this.reference = options.reference === undefined ? new Float64Array(r.rows) : Float64Array.from(options.reference);
    this.solver = new OrbitSolver(r, options);
  }

  /** Validated construction from a campaign file's settings (see `svdOrbitOptionsFromSettings`). */
  static fromSettings(settings: unknown, name?: string): SvdOrbitAgent {
    return new SvdOrbitAgent(svdOrbitOptionsFromSettings(settings, name ?? SVD_ORBIT_KIND));
  }

  /** Swaps in a new response matrix (one just measured by a plan); the measurements so far are kept. */
  setResponse(response: Matrix): void {
    if (response.rows !== this.reference.length || response.cols !== this.fields.independent.length) {
      throw new InvalidArgumentError(
        `agent "${this.name}": a new response matrix must be ${this.reference.length}x${this.fields.independent.length}, got ${response.rows}x${response.cols}`,
        [response.rows, response.cols],
      );
    }
    this.solver = new OrbitSolver(response, this.options);
  }

  get rms(): number | null {
    return this.error === null ? null : rms(this.error);
  }

  tell(x: IndependentValues, y: DependentValues): TellRecord {
    const setpoints = independentVector(x, this.fields.independent, this.name);
    const readings = dependentVector(y, this.fields.dependent, this.name);
    if (readings.length !== this.reference.length) {
      throw new InvalidArgumentError(`agent "${this.name}": got ${readings.length} readings from ${this.fields.dependent.join(", ")}, the response matrix has ${this.reference.length}`, readings.length);
    }
    this.setpoints = setpoints;
    this.error = readings.map((v, i) => v - this.reference[i]!);
    this.observations++;
    const value = rms(this.error);
    this.rmsHistory.push(value);
    if (this.rmsHistory.length > REPORT_HISTORY) this.rmsHistory.shift();
    return { rms: round(value), done: this.targetReached() };
  }

  targetReached(): boolean {
    const target = this.options.targetRms;
    return target !== undefined && this.error !== null && rms(this.error) <= target;
  }

  ask(n = 1): Suggestion[] {
    checkAskCount(n, this.name);
    if (this.setpoints === null || this.error === null) throw new AgentNotReadyError(this.name, "no orbit has been told yet, so there is nothing to correct");
    const now = rms(this.error);
    if (this.targetReached()) {
      this.lastStep = null;
      return [{ points: this.pointsOf(this.setpoints), score: now, done: true, rationale: `RMS ${fmt(now)} is at or below the target ${fmt(this.options.targetRms!)}: keeping the correctors where they are` }];
    }
    const step = this.solver.correct(this.error, this.setpoints);
    this.lastStep = step;
    return [{ points: this.pointsOf(step.setpoints), score: step.predictedRms, rationale: this.rationale(now, step) }];
  }

  private pointsOf(values: Float64Array): Record<string, number> {
    const points: Record<string, number> = {};
    this.fields.independent.forEach((name, j) => (points[name] = values[j]!));
    return points;
  }

  private rationale(now: number, step: CorrectionStep): string {
    const s = step.singularValues;
    const all = this.solver.singularValues.length;
    const parts = [
      `predicted RMS ${fmt(step.predictedRms)} (now ${fmt(now)})`,
      s.length > 0 ? `${s.length}/${all} singular values used (${fmt(s[0]!)} .. ${fmt(s[s.length - 1]!)})` : "no singular value passes the threshold",
      `gain ${this.options.gain ?? DEFAULT_ORBIT_SOLVER.gain}`,
    ];
    if (this.options.tikhonov) parts.push(`Tikhonov α ${this.options.tikhonov}`);
    if (step.stepScale < 1) parts.push(`step scaled by ${fmt(step.stepScale)} to respect the per-step limit`);
    if (step.clipped.length > 0) parts.push(`clipped to the per-step limit: ${step.clipped.map((j) => this.fields.independent[j]).join(", ")}`);
    if (step.saturated.length > 0) parts.push(`held at their limits: ${step.saturated.map((j) => this.fields.independent[j]).join(", ")}`);
    return parts.join("; ");
  }

  report(): AgentReport {
    const step = this.lastStep;
    return {
      agent: this.name,
      kind: SVD_ORBIT_KIND,
      observations: this.observations,
      done: this.targetReached(),
      rms: this.error === null ? null : round(rms(this.error)),
      targetRms: this.options.targetRms ?? null,
      rmsHistory: this.rmsHistory.map((v) => round(v)),
      singularValues: this.solver.singularValues.map((v) => round(v)),
      lastStep:
        step === null
          ? null
          : {
              predictedRms: round(step.predictedRms),
              singularValuesUsed: step.singularValues.length,
              stepScale: round(step.stepScale),
              maxChange: round(step.delta.reduce((m, d) => Math.max(m, Math.abs(d)), 0)),
              clipped: step.clipped.map((j) => this.fields.independent[j]!),
              saturated: step.saturated.map((j) => this.fields.independent[j]!),
            },
    };
  }

  reset(): void {
    this.setpoints = null;
    this.error = null;
    this.observations = 0;
    this.rmsHistory.length = 0;
    this.lastStep = null;
  }
}

function fmt(x: number): string {
  return Math.abs(x) >= 1e-3 && Math.abs(x) < 1e4 ? x.toFixed(4).replace(/\.?0+$/, "") : x.toExponential(3);
}

function matrixSetting(s: SettingsReader, key: string): Matrix {
  const value = s.raw(key);
  if (value === undefined) s.fail(key, "is required (rows of readings × correctors)");
  if (typeof value === "object" && value !== null && "data" in value && "rows" in value && "cols" in value) {
    const m = value as Matrix;
    return createMatrix(m.rows, m.cols, Float64Array.from(m.data));
  }
  if (!Array.isArray(value) || value.length === 0 || !value.every((row) => Array.isArray(row) && row.every((v) => typeof v === "number" && Number.isFinite(v)))) {
    s.fail(key, "must be a non-empty list of rows of finite numbers");
  }
  const rows = value as number[][];
  const width = rows[0]!.length;
  const uneven = rows.findIndex((row) => row.length !== width);
  if (uneven >= 0) s.fail(key, `row ${uneven} has ${rows[uneven]!.length} values, row 0 has ${width}`, rows[uneven]);
  return matrixFromRows(rows);
}

/** `limits`: ±L for all, or per corrector ±L or [low, high]. */
function limitsSetting(s: SettingsReader, key: string, names: readonly string[]): { low?: Float64Array; high?: Float64Array } {
  const value = s.raw(key);
  if (value === undefined) return {};
  const low = new Float64Array(names.length);
  const high = new Float64Array(names.length);
  const one = (v: unknown, j: number, path: string): void => {
    if (typeof v === "number" && v > 0 && Number.isFinite(v)) {
      low[j] = -v;
      high[j] = v;
    } else if (Array.isArray(v) && v.length === 2 && v.every((e) => typeof e === "number" && Number.isFinite(e)) && v[0] < v[1]) {
      low[j] = v[0];
      high[j] = v[1];
    } else {
      s.fail(path, "must be a limit L > 0 (meaning ±L) or [low, high] with low < high", v);
    }
  };
  if (typeof value === "number" || Array.isArray(value)) names.forEach((_, j) => one(value, j, key));
  else if (typeof value === "object" && value !== null) {
    const map = value as Record<string, unknown>;
    for (const k of Object.keys(map)) if (!names.includes(k)) s.fail(key, `names "${k}", which is not one of the correctors`, map[k]);
    names.forEach((name, j) => {
      if (map[name] === undefined) s.fail(key, `has no limit for "${name}"`, map);
      one(map[name], j, `${key}.${name}`);
    });
  } else s.fail(key, "must be a number, [low, high] or a map of corrector -> limit");
  return { low, high };
}

/**
 * Settings of the "svd-orbit" agent: `correctors`, `bpms`, `response` (rows), and optionally
 * `singularValues`, `threshold`, `tikhonov`, `gain`, `limits`, `maxStep`, `stepLimit` ("scale" | "clip"),
 * `reference`, `targetRms`.
 */
export function svdOrbitOptionsFromSettings(settings: unknown, name: string): SvdOrbitOptions {
  const s = new SettingsReader(name, settings);
  const correctors = s.names("correctors");
  const bpms = s.names("bpms");
  const response = matrixSetting(s, "response");
  if (response.cols !== correctors.length) s.fail("response", `has ${response.cols} columns but there are ${correctors.length} correctors`, `${response.rows}x${response.cols}`);
  const options: SvdOrbitOptions = {
    name,
    correctors,
    bpms,
    response,
    singularValues: s.number("singularValues", undefined, { min: 1, integer: true }),
    threshold: s.number("threshold", DEFAULT_ORBIT_SOLVER.threshold, { min: 0, max: 1 }),
    tikhonov: s.number("tikhonov", DEFAULT_ORBIT_SOLVER.tikhonov, { min: 0 }),
    gain: s.number("gain", DEFAULT_ORBIT_SOLVER.gain, { min: 0, max: 1.5, exclusive: true }),
    stepLimit: s.choice("stepLimit", Object.values(StepLimitMode), DEFAULT_ORBIT_SOLVER.stepLimit),
    maxStep: s.perName("maxStep", correctors, { min: 0, exclusive: true }),
    reference: s.numbers("reference", response.rows),
    targetRms: s.number("targetRms", undefined, { min: 0 }),
    ...limitsSetting(s, "limits", correctors),
  };
  s.finish();
  return options;
}
