import { Rng } from "../../sims/math/index.ts";
import type { Agent, AgentFields, AgentReport, DependentValues, IndependentValues, JsonValue, Suggestion, TellRecord } from "../core/agent.ts";
import { checkAskCount, independentVector, scalarReading } from "../core/fields.ts";
import { SettingsReader, type Bounds } from "../core/settings.ts";
import { InvalidArgumentError } from "../../engine/errors.ts";
import { AcquisitionKind, acquisitionValue, type AcquisitionParams } from "./acquisition.ts";
import { ShiftedHalton } from "./design.ts";
import { fitGaussianProcess, type GaussianProcess } from "./gp.ts";
import { KernelKind } from "./kernel.ts";
import { nelderMead } from "./nelder_mead.ts";

export const BAYES_OPT_KIND = "bayes-opt";

export const Direction = { Maximize: "maximize", Minimize: "minimize" } as const;
export type Direction = (typeof Direction)[keyof typeof Direction];

export interface BayesOptOptions {
  /** @default "bayes-opt" */
  name?: string;
  /** Search box per independent variable; the key order is the order of the dimensions. */
  bounds: Bounds;
  /** The dependent field to optimise (a scalar reading). */
  objective: string;
  /** @default "maximize" */
  direction?: Direction;
  /** @default "ei" */
  acquisition?: AcquisitionKind;
  /** @default "matern52" */
  kernel?: KernelKind;
  /** Improvement margin of EI and PI, in standard deviations of the observations. @default 0.01 */
  xi?: number;
  /** Exploration weight of UCB. @default 2 */
  kappa?: number;
  /** Space-filling points before the GP takes over. @default 2·dimensions + 1 */
  initialPoints?: number;
  /** Random candidates scored per suggestion before local refinement. @default 500 */
  candidates?: number;
  /** Random restarts of the hyperparameter fit (on the first fit and every 5 observations). @default 2 */
  restarts?: number;
  /** Observation noise variance in the objective's units squared; fitted when absent. */
  noise?: number;
  /** Stop suggesting after this many evaluations. @default none */
  maxEvaluations?: number;
  /** The objective value that counts as good enough (reached when the best observation passes it). */
  target?: number;
  /** @default 1 */
  seed?: number;
}

export const DEFAULT_BAYES_OPT = {
  direction: Direction.Maximize,
  acquisition: AcquisitionKind.ExpectedImprovement,
  kernel: KernelKind.Matern52,
  xi: 0.01,
  kappa: 2,
  candidates: 500,
  restarts: 2,
  seed: 1,
} as const;

/** Local refinement: how many of the best candidates, and their simplex. */
const REFINE = { starts: 3, step: 0.05, evaluations: 80 };
/** Hyperparameter fits with random restarts happen at every this many observations. */
const RESTART_EVERY = 5;
/** A measurement within this distance (unit cube, max norm) of a pending suggestion answers it. */
const PENDING_MATCH = 0.01;

export interface BestPoint {
  points: Record<string, number>;
  value: number;
}

function sig(x: number): number {
  return Number.isFinite(x) ? Number(x.toPrecision(6)) : x;
}

/**
 * Bayesian optimisation of one scalar objective over a box: a Gaussian process (Matérn 5/2 or RBF with one
 * length scale per dimension, fitted noise) models the objective; each suggestion maximises EI, UCB or PI,
 * found by scoring random candidates and refining the best few with a simplex. It starts from a shifted Halton
 * design. `ask(n)` with n > 1 builds a batch by the kriging believer: each chosen point is added to the model
 * as if it had been measured at its predicted mean, so the next choice moves elsewhere. Suggestions not yet
 * measured count as believers too. Deterministic for a seed and a call sequence.
 */
export class BayesOptAgent implements Agent {
  readonly name: string;
  readonly fields: AgentFields;
  private readonly options: BayesOptOptions;
  private readonly names: readonly string[];
  private readonly lo: Float64Array;
  private readonly span: Float64Array;
  private readonly sign: number;
  private readonly acq: AcquisitionParams;
  private readonly initialPoints: number;
  private rng!: Rng;
  private design!: ShiftedHalton;
  private designIndex = 0;
  private xs: Float64Array[] = [];
  /** Observations as the agent maximises them (negated when minimising). */
  private zs: number[] = [];
  private pending: Float64Array[] = [];
  private gp: GaussianProcess | null = null;
  private gpSize = -1;
  private lastAcquisition: number | null = null;

  constructor(options: BayesOptOptions) {
    this.name = options.name ?? BAYES_OPT_KIND;
    this.options = options;
    this.names = Object.keys(options.bounds);
    if (this.names.length === 0) throw new InvalidArgumentError(`agent "${this.name}": bounds must name at least one variable`, options.bounds);
    this.fields = { independent: [...this.names], dependent: [options.objective] };
    this.lo = Float64Array.from(this.names, (k) => options.bounds[k]![0]);
    this.span = Float64Array.from(this.names, (k) => options.bounds[k]![1] - options.bounds[k]![0]);
    this.span.forEach((s, i) => {
      if (!(s > 0) || !Number.isFinite(s)) throw new InvalidArgumentError(`agent "${this.name}": bounds of "${this.names[i]}" must be finite with low < high`, options.bounds[this.names[i]!]);
    });
    this.sign = (options.direction ?? DEFAULT_BAYES_OPT.direction) === Direction.Minimize ? -1 : 1;
    this.acq = { kind: options.acquisition ?? DEFAULT_BAYES_OPT.acquisition, xi: options.xi ?? DEFAULT_BAYES_OPT.xi, kappa: options.kappa ?? DEFAULT_BAYES_OPT.kappa };
    this.initialPoints = options.initialPoints ?? 2 * this.names.length + 1;
    this.reset();
  }

  static fromSettings(settings: unknown, name?: string): BayesOptAgent {
    return new BayesOptAgent(bayesOptOptionsFromSettings(settings, name ?? BAYES_OPT_KIND));
  }

  reset(): void {
    this.rng = new Rng(this.options.seed ?? DEFAULT_BAYES_OPT.seed).derive("bayes-opt");
    this.design = new ShiftedHalton(this.names.length, this.rng.derive("design"));
    this.designIndex = 0;
    this.xs = [];
    this.zs = [];
    this.pending = [];
    this.gp = null;
    this.gpSize = -1;
    this.lastAcquisition = null;
  }

  private toUnit(x: IndependentValues): Float64Array {
    const v = independentVector(x, this.names, this.name);
    return v.map((xi, k) => (xi - this.lo[k]!) / this.span[k]!);
  }

  private toPoints(u: ArrayLike<number>): Record<string, number> {
    const out: Record<string, number> = {};
    this.names.forEach((name, k) => {
      const hi = this.lo[k]! + this.span[k]!;
      out[name] = Math.min(hi, Math.max(this.lo[k]!, this.lo[k]! + u[k]! * this.span[k]!));
    });
    return out;
  }

  tell(x: IndependentValues, y: DependentValues): TellRecord {
    const u = this.toUnit(x);
    const value = scalarReading(y, this.options.objective, this.name);
    this.xs.push(u);
    this.zs.push(this.sign * value);
    let nearest = -1;
    let nearestDistance = PENDING_MATCH;
    this.pending.forEach((p, i) => {
      const dist = p.reduce((m, pk, k) => Math.max(m, Math.abs(pk - u[k]!)), 0);
      if (dist <= nearestDistance) [nearest, nearestDistance] = [i, dist];
    });
    if (nearest >= 0) this.pending.splice(nearest, 1);
    const best = this.best()!;
    return { objective: value, best: best.value, observations: this.xs.length };
  }

  /** The best observation so far (raw, noise included), or null before any. */
  best(): BestPoint | null {
    if (this.zs.length === 0) return null;
    let i = 0;
    this.zs.forEach((z, k) => z > this.zs[i]! && (i = k));
    return { points: this.toPoints(this.xs[i]!), value: this.sign * this.zs[i]! };
  }

  /**
   * The measured point the model thinks best (highest posterior mean among the observations): with noisy
   * readings a safer final answer than the single luckiest reading. `value` is the model's mean there.
   */
  recommend(): BestPoint | null {
    const gp = this.model();
    if (gp === null) return this.best();
    let best = -Infinity;
    let at = 0;
    this.xs.forEach((u, i) => {
      const m = gp.predict(u).mean;
      if (m > best) [best, at] = [m, i];
    });
    return { points: this.toPoints(this.xs[at]!), value: this.sign * best };
  }

  targetReached(): boolean {
    const target = this.options.target;
    const best = this.best();
    if (target === undefined || best === null) return false;
    return this.sign * best.value >= this.sign * target;
  }

  private budgetLeft(): number {
    const max = this.options.maxEvaluations;
    return max === undefined ? Infinity : max - this.xs.length - this.pending.length;
  }

  /** The GP on the real observations, refitted when they changed (warm-started from the last fit). */
  private model(): GaussianProcess | null {
    if (this.xs.length < 2) return null;
    if (this.gp === null || this.gpSize !== this.xs.length) {
      this.gp = fitGaussianProcess(this.xs, this.zs, {
        kind: this.options.kernel ?? DEFAULT_BAYES_OPT.kernel,
        noise: this.options.noise,
        // Random restarts on the first fit and every few points; in between the last fit is refined.
        restarts: this.gp === null || this.xs.length % RESTART_EVERY === 0 ? (this.options.restarts ?? DEFAULT_BAYES_OPT.restarts) : 0,
        start: this.gp?.hyper,
        // Its own stream, named by the data size, so refits on demand (report, recommend) never shift the
        // candidates that later suggestions draw.
        rng: new Rng(this.options.seed ?? DEFAULT_BAYES_OPT.seed).derive(`gp-fit/${this.xs.length}`),
      });
      this.gpSize = this.xs.length;
    }
    return this.gp;
  }

  ask(n = 1): Suggestion[] {
    checkAskCount(n, this.name);
    const out: Suggestion[] = [];
    let gp = this.model();
    let incumbent = -Infinity;
    if (gp !== null) {
      for (const u of this.xs) incumbent = Math.max(incumbent, gp.predict(u).mean);
      for (const p of this.pending) {
        const believed = gp.predict(p).mean;
        gp = gp.withObservation(p, believed, 0);
        incumbent = Math.max(incumbent, believed);
      }
    }
    while (out.length < n && this.budgetLeft() > 0) {
      let u: Float64Array;
      let suggestion: Suggestion;
      if (gp === null || this.designIndex < this.initialPoints) {
        u = this.design.point(this.designIndex++);
        suggestion = { points: this.toPoints(u), rationale: `space-filling design point ${this.designIndex} of ${Math.max(this.initialPoints, this.designIndex)} (shifted Halton)` };
      } else {
        const found = this.maximiseAcquisition(gp, incumbent);
        u = found.u;
        const p = gp.predict(u);
        this.lastAcquisition = found.value;
        const believed = this.pending.length > 0 ? `, ${this.pending.length} pending point(s) believed at their predicted mean` : "";
        suggestion = {
          points: this.toPoints(u),
          score: found.value,
          rationale: `${this.acq.kind.toUpperCase()} ${sig(found.value)}: predicted ${this.options.objective} ${sig(this.sign * p.mean)} ± ${sig(Math.sqrt(p.variance))} (best so far ${sig(this.best()!.value)})${believed}`,
        };
        // Believed as exact, and as the new incumbent if better: otherwise EI keeps choosing the same point.
        gp = gp.withObservation(u, p.mean, 0);
        incumbent = Math.max(incumbent, p.mean);
      }
      this.pending.push(u);
      if (this.budgetLeft() === 0) suggestion.done = true;
      out.push(suggestion);
    }
    return out;
  }

  private maximiseAcquisition(gp: GaussianProcess, incumbent: number): { u: Float64Array; value: number } {
    const d = this.names.length;
    const std = gp.standardisation.std;
    const params = { ...this.acq, xi: this.acq.xi * std };
    const score = (u: ArrayLike<number>): number => {
      const p = gp.predict(u);
      return acquisitionValue(params, p.mean, Math.sqrt(p.variance), incumbent);
    };
    const count = this.options.candidates ?? DEFAULT_BAYES_OPT.candidates;
    const scored: { u: Float64Array; v: number }[] = [];
    for (let c = 0; c < count; c++) {
      const u = Float64Array.from({ length: d }, () => this.rng.uniform());
      scored.push({ u, v: score(u) });
    }
    // Candidates near the best observations: the optimum of EI is often a small step from the incumbent.
    const order = this.xs.map((_, i) => i).sort((a, b) => this.zs[b]! - this.zs[a]!);
    for (const i of order.slice(0, 3)) {
      for (let c = 0; c < 20; c++) {
        const u = this.xs[i]!.map((x) => Math.min(1, Math.max(0, x + this.rng.gaussian(0, 0.05))));
        scored.push({ u, v: score(u) });
      }
    }
    scored.sort((a, b) => b.v - a.v);
    let best = scored[0]!;
    const clamp = (x: Float64Array): Float64Array => x.map((v) => Math.min(1, Math.max(0, v)));
    for (const start of scored.slice(0, REFINE.starts)) {
      const found = nelderMead((x) => -score(clamp(x)), start.u, { step: REFINE.step, maxEvaluations: REFINE.evaluations, tolerance: 1e-10 });
      if (-found.value > best.v) best = { u: clamp(found.x), v: -found.value };
    }
    return { u: best.u, value: best.v };
  }

  report(): AgentReport {
    const best = this.best();
    const rec = this.xs.length >= 2 ? this.recommend() : best;
    const gp = this.gp;
    const hyper: JsonValue =
      gp === null
        ? null
        : {
            lengthScales: Object.fromEntries(this.names.map((name, k) => [name, sig(gp.hyper.lengthScales[k]! * this.span[k]!)])),
            signalSd: sig(Math.sqrt(gp.hyper.variance) * gp.standardisation.std),
            noiseSd: sig(Math.sqrt(gp.hyper.noise) * gp.standardisation.std),
          };
    return {
      agent: this.name,
      kind: BAYES_OPT_KIND,
      observations: this.xs.length,
      done: this.budgetLeft() <= 0 && this.pending.length === 0 ? true : this.targetReached(),
      objective: this.options.objective,
      direction: this.sign > 0 ? Direction.Maximize : Direction.Minimize,
      acquisition: this.acq.kind,
      best: best === null ? null : { points: best.points, value: sig(best.value) },
      recommended: rec === null ? null : { points: rec.points, value: sig(rec.value) },
      pending: this.pending.length,
      lastAcquisition: this.lastAcquisition === null ? null : sig(this.lastAcquisition),
      model: hyper,
    };
  }
}

/**
 * Settings of the "bayes-opt" agent: `bounds` and `objective`, and optionally `direction`, `acquisition`,
 * `kernel`, `xi`, `kappa`, `initialPoints`, `candidates`, `restarts`, `noise`, `maxEvaluations`, `target`, `seed`.
 */
export function bayesOptOptionsFromSettings(settings: unknown, name: string): BayesOptOptions {
  const s = new SettingsReader(name, settings);
  const bounds = s.bounds("bounds");
  if (!s.has("objective")) s.fail("objective", "is required (the name of the reading to optimise)");
  const options: BayesOptOptions = {
    name,
    bounds,
    objective: s.string("objective", ""),
    direction: s.choice("direction", Object.values(Direction), DEFAULT_BAYES_OPT.direction),
    acquisition: s.choice("acquisition", Object.values(AcquisitionKind), DEFAULT_BAYES_OPT.acquisition),
    kernel: s.choice("kernel", Object.values(KernelKind), DEFAULT_BAYES_OPT.kernel),
    xi: s.number("xi", DEFAULT_BAYES_OPT.xi, { min: 0 }),
    kappa: s.number("kappa", DEFAULT_BAYES_OPT.kappa, { min: 0 }),
    initialPoints: s.number("initialPoints", undefined, { min: 1, integer: true }),
    candidates: s.number("candidates", DEFAULT_BAYES_OPT.candidates, { min: 1, integer: true }),
    restarts: s.number("restarts", DEFAULT_BAYES_OPT.restarts, { min: 0, integer: true }),
    noise: s.number("noise", undefined, { min: 0 }),
    maxEvaluations: s.number("maxEvaluations", undefined, { min: 1, integer: true }),
    target: s.number("target", undefined),
    seed: s.number("seed", DEFAULT_BAYES_OPT.seed, { integer: true }),
  };
  s.finish();
  return options;
}
