import { InvalidArgumentError } from "../../engine/errors.ts";
import { rms, Rng } from "../../sims/math/index.ts";
import type { RingSimulator } from "../../sims/ring/index.ts";
import { PolicyMap, type PolicyMapOptions } from "./policy-map.ts";
import { DEFAULT_RING_SETUP, scenarioSimulator, type RingSetup, type Scenario } from "./scenario.ts";

/** A closed interval [low, high] to draw from uniformly. */
export type Range = readonly [number, number];

/** How a training episode's scenario is drawn. */
export interface ScenarioDistribution {
  /** The machine trained for. @default 1 */
  machineSeed?: number;
  /** Draw a new machine (error pattern) every episode, for an agent meant for any machine. @default false */
  randomMachine?: boolean;
  /** Model mismatch fraction. @default [0, 0.35] */
  mismatch?: Range;
  /** @default [0.2, 2] */
  initialSpreadA?: Range;
  /** Probability of a harmonic perturbation in an episode. @default 0.5 */
  harmonicProbability?: number;
  /** @default [0.6, 1.6] */
  harmonicFrequencyHz?: Range;
  /** @default [0.01, 0.04] */
  harmonicAmplitudeMm?: Range;
}

export const DEFAULT_SCENARIO_DISTRIBUTION: Required<ScenarioDistribution> = {
  machineSeed: 1,
  randomMachine: false,
  mismatch: [0, 0.35],
  initialSpreadA: [0.2, 2],
  harmonicProbability: 0.5,
  harmonicFrequencyHz: [0.6, 1.6],
  harmonicAmplitudeMm: [0.01, 0.04],
};

/** Reward shape: see `RingEnv`. */
export const RewardKind = { Log: "log", Linear: "linear", Relative: "relative" } as const;
export type RewardKind = (typeof RewardKind)[keyof typeof RewardKind];

export interface RewardOptions {
  /** @default "log" */
  kind?: RewardKind;
  /** RMS (mm) below which the log reward stops improving: the BPM noise level. @default 0.001 */
  floorMm?: number;
  /** Weight of the mean squared corrector change (in units of the per-step limit). @default 0.05 */
  effort?: number;
  /** Weight of the fraction of correctors pushed against their limits. @default 1 */
  saturation?: number;
  /** Reward of the step that loses the beam (the episode ends). @default -10 */
  beamLoss?: number;
}

export const DEFAULT_REWARD: Required<RewardOptions> = { kind: "log", floorMm: 0.001, effort: 0.05, saturation: 1, beamLoss: -10 };

export interface RingEnvOptions {
  setup?: RingSetup;
  scenarios?: ScenarioDistribution;
  reward?: RewardOptions;
  policy?: Omit<PolicyMapOptions, "response" | "limitA">;
  /** Episode step limit. @default 30 */
  maxSteps?: number;
  /** Converged once the measured RMS is at or below this for `holdSteps` steps in a row, mm. @default 0.002 */
  targetRms?: number;
  /** @default 3 */
  holdSteps?: number;
  /** Seed of the scenario draws. @default 1 */
  seed?: number;
}

export const DEFAULT_RING_ENV = { maxSteps: 30, targetRms: 0.002, holdSteps: 3, seed: 1 } as const;

/** Training scenarios have seeds from here up; evaluation uses seeds below it. */
export const TRAINING_SEED_BASE = 2 ** 20;

/** Why an episode ended. */
export const EpisodeEnd = { Converged: "converged", BeamLoss: "beamLoss", StepLimit: "stepLimit" } as const;
export type EpisodeEnd = (typeof EpisodeEnd)[keyof typeof EpisodeEnd];

export interface StepResult {
  obs: Float32Array;
  reward: number;
  /** The episode ended in a terminal state (converged or beam lost): no bootstrapping from `obs`. */
  terminal: boolean;
  /** The episode ended (terminal or step limit). */
  done: boolean;
  end: EpisodeEnd | null;
  /** Measured RMS after the step, mm (NaN after a beam loss). */
  rms: number;
  /** True orbit RMS after the step, mm. */
  trueRms: number;
  /** Euclidean norm of the corrector change, A. */
  effortA: number;
  saturated: number;
}

/**
 * Orbit correction on the ring simulator as an episodic task. Observation: the normalised BPM readings with a
 * short history (see `PolicyMap.observe`); action: k values in [−1, 1], the residual on top of the SVD step in
 * mode space, turned into bounded corrector changes by `PolicyMap.act`. Reward, per step:
 *   log (default): −log10(max(RMS, floor) / floor), i.e. minus the RMS orbit on a log scale, so the step from
 *     1 mm to 0.1 mm counts as much as the one from 0.01 mm to 0.001 mm;
 *   linear: −RMS / RMS at the start of the episode;
 *   relative: −log10(max(RMS after, floor) / max(RMS before, floor)), the orbit's reduction by this step on a
 *     log scale: the same number at every orbit size, so the critic learns one function of the normalised
 *     observation instead of one per scale (it ranks the actions of a state exactly as the log reward does);
 * minus `effort` × mean((Δu / maxStep)²) and `saturation` × the fraction of correctors at their limits.
 * Episodes end on convergence, on beam loss (with the `beamLoss` reward) or at the step limit. Each reset
 * draws a scenario: the mismatch size, the starting orbit and, with some probability, a harmonic perturbation.
 */
export class RingEnv {
  readonly policy: PolicyMap;
  readonly setup: Required<RingSetup>;
  readonly options: Readonly<Required<Omit<RingEnvOptions, "setup" | "scenarios" | "reward" | "policy">>>;
  readonly reward: Readonly<Required<RewardOptions>>;
  readonly distribution: Readonly<Required<ScenarioDistribution>>;
  private readonly rng: Rng;
  private sim: RingSimulator | null = null;
  private scenarioNow: Scenario | null = null;
  private readonly error: Float64Array<ArrayBuffer>;
  private readonly setpoints: Float64Array<ArrayBuffer>;
  private readonly delta: Float64Array;
  private steps = 0;
  private held = 0;
  private startRms = 1;
  private episodes = 0;

  constructor(options: RingEnvOptions = {}) {
    this.setup = { ...DEFAULT_RING_SETUP, ...options.setup };
    this.distribution = { ...DEFAULT_SCENARIO_DISTRIBUTION, ...options.scenarios };
    this.reward = { ...DEFAULT_REWARD, ...options.reward };
    this.options = {
      maxSteps: options.maxSteps ?? DEFAULT_RING_ENV.maxSteps,
      targetRms: options.targetRms ?? DEFAULT_RING_ENV.targetRms,
      holdSteps: options.holdSteps ?? DEFAULT_RING_ENV.holdSteps,
      seed: options.seed ?? DEFAULT_RING_ENV.seed,
    };
    if (!(Number.isInteger(this.options.maxSteps) && this.options.maxSteps >= 1)) {
      throw new InvalidArgumentError(`maxSteps must be an integer >= 1, got ${this.options.maxSteps}`, this.options.maxSteps);
    }
    if (!(this.options.targetRms > 0)) throw new InvalidArgumentError(`targetRms must be > 0 mm, got ${this.options.targetRms}`, this.options.targetRms);
    const d = this.distribution;
    for (const key of ["mismatch", "initialSpreadA", "harmonicFrequencyHz", "harmonicAmplitudeMm"] as const) {
      const [lo, hi] = d[key];
      if (!(Number.isFinite(lo) && Number.isFinite(hi) && lo >= 0 && lo <= hi)) {
        throw new InvalidArgumentError(`scenarios.${key} must be [low, high] with 0 <= low <= high, got ${JSON.stringify(d[key])}`, d[key]);
      }
    }
    if (d.mismatch[1] >= 1) throw new InvalidArgumentError(`scenarios.mismatch must stay below 1, got ${JSON.stringify(d.mismatch)}`, d.mismatch);
    this.rng = new Rng(this.options.seed).derive("scenarios");
    const probe = scenarioSimulator(this.setup, { seed: 1, machineSeed: d.machineSeed, mismatch: 0, initialSpreadA: 0, harmonic: null });
    this.policy = new PolicyMap({ ...options.policy, response: probe.nominalResponse(), limitA: this.setup.limitA });
    this.error = new Float64Array(2 * probe.nBpm);
    this.setpoints = new Float64Array(probe.nCorrectors);
    this.delta = new Float64Array(probe.nCorrectors);
  }

  get obsSize(): number {
    return this.policy.obsSize;
  }

  get actionSize(): number {
    return this.policy.k;
  }

  get scenario(): Scenario | null {
    return this.scenarioNow;
  }

  get simulator(): RingSimulator | null {
    return this.sim;
  }

  get episodeCount(): number {
    return this.episodes;
  }

  /**
   * The next scenario of the training distribution, from the environment's generator or `rng`. Its seed (noise,
   * perturbation phases, starting orbit) is at least 2^20, so that evaluation files, whose seeds are small,
   * always run on scenarios never trained on.
   */
  drawScenario(rng: Rng = this.rng): Scenario {
    const d = this.distribution;
    const r = rng;
    const harmonic =
      r.uniform() < d.harmonicProbability
        ? { frequencyHz: r.uniformIn(d.harmonicFrequencyHz[0], d.harmonicFrequencyHz[1]), amplitudeMm: r.uniformIn(d.harmonicAmplitudeMm[0], d.harmonicAmplitudeMm[1]) }
        : null;
    return {
      seed: TRAINING_SEED_BASE + r.int(2 ** 31 - TRAINING_SEED_BASE),
      machineSeed: d.randomMachine ? r.int(2 ** 31) : d.machineSeed,
      mismatch: r.uniformIn(d.mismatch[0], d.mismatch[1]),
      initialSpreadA: r.uniformIn(d.initialSpreadA[0], d.initialSpreadA[1]),
      harmonic,
    };
  }

  /** Starts an episode on `scenario`, or on the next drawn one; returns the first observation. */
  reset(scenario: Scenario = this.drawScenario()): Float32Array {
    this.scenarioNow = scenario;
    this.sim = scenarioSimulator(this.setup, scenario);
    this.sim.step(this.setup.dtS);
    this.policy.resetHistory();
    this.steps = 0;
    this.held = 0;
    this.episodes++;
    this.sim.readOrbit(this.error);
    this.startRms = Math.max(rms(this.error), 1e-9);
    return this.policy.observe(this.error);
  }

  /** Applies action `a` (k values in [−1, 1]) for one correction step. */
  step(a: ArrayLike<number>): StepResult {
    const sim = this.sim;
    if (sim === null || sim.beamLost) throw new InvalidArgumentError("step() needs an episode in progress: call reset() first", null);
    if (a.length !== this.policy.k) throw new InvalidArgumentError(`action has ${a.length} values, the policy has ${this.policy.k} modes`, a.length);
    const before = rms(this.error);
    sim.correctorSetpoints(this.setpoints);
    const { saturated } = this.policy.act(this.error, a, this.setpoints, this.delta);
    let effort2 = 0;
    let effortNorm = 0;
    const maxStep = this.policy.options.maxStepA;
    for (let j = 0; j < this.delta.length; j++) {
      const d = this.delta[j]!;
      effort2 += d * d;
      effortNorm += (d / maxStep) ** 2;
      this.setpoints[j] += d;
    }
    sim.setCorrectors(this.setpoints);
    sim.step(this.setup.dtS);
    this.steps++;
    const r = this.reward;
    const effortA = Math.sqrt(effort2);
    const penalty = r.effort * (effortNorm / this.delta.length) + r.saturation * (saturated / this.delta.length);
    const trueRms = Math.hypot(sim.rmsOrbit("x"), sim.rmsOrbit("y")) / Math.SQRT2;
    if (sim.beamLost) {
      this.error.fill(0);
      return { obs: this.policy.observe(this.error), reward: r.beamLoss - penalty, terminal: true, done: true, end: EpisodeEnd.BeamLoss, rms: NaN, trueRms, effortA, saturated };
    }
    sim.readOrbit(this.error);
    const now = rms(this.error);
    const base =
      r.kind === RewardKind.Log
        ? -Math.log10(Math.max(now, r.floorMm) / r.floorMm)
        : r.kind === RewardKind.Relative
          ? -Math.log10(Math.max(now, r.floorMm) / Math.max(before, r.floorMm))
          : -now / this.startRms;
    this.held = now <= this.options.targetRms ? this.held + 1 : 0;
    const converged = this.held >= this.options.holdSteps;
    const limit = this.steps >= this.options.maxSteps;
    const end = converged ? EpisodeEnd.Converged : limit ? EpisodeEnd.StepLimit : null;
    return { obs: this.policy.observe(this.error), reward: base - penalty, terminal: converged, done: end !== null, end, rms: now, trueRms, effortA, saturated };
  }
}
