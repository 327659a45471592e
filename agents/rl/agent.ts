import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { InvalidArgumentError } from "../../engine/errors.ts";
import { rms } from "../../sims/math/index.ts";
import type { Agent, AgentFields, AgentReport, DependentValues, IndependentValues, Suggestion, TellRecord } from "../core/agent.ts";
import { AgentNotReadyError } from "../core/errors.ts";
import { checkAskCount, dependentVector, independentVector } from "../core/fields.ts";
import { SettingsReader } from "../core/settings.ts";
import type { AgentFactory } from "../registry.ts";
import type { JsActor } from "./actor-js.ts";
import { CheckpointError, loadPolicy } from "./policy-file.ts";
import type { PolicyMap } from "./policy-map.ts";

export const RL_ORBIT_KIND = "rl-orbit";

/** The checkpoint shipped with skyloop, trained on the small ring. */
export const DEFAULT_RL_CHECKPOINT = fileURLToPath(new URL("./checkpoints/small-ring/", import.meta.url));

export interface RlOrbitOptions {
  /** @default "rl-orbit" */
  name?: string;
  /** Corrector names, in the order of the policy's response columns ([horizontal..., vertical...]). */
  correctors: readonly string[];
  /** Reading fields, concatenated in order ([x at each BPM..., y at each BPM...]), or one array-valued key. */
  bpms: readonly string[];
  /** The trained policy: a checkpoint directory, or an actor and policy map already loaded. */
  checkpoint?: string;
  policy?: { actor: JsActor; policy: PolicyMap };
  /** The orbit to steer to, one value per reading. @default zeros */
  reference?: ArrayLike<number>;
  /** Done (and holding the correctors) once the RMS of reading − reference is at or below this. @default none */
  targetRms?: number;
}

const REPORT_HISTORY = 50;

function round(x: number, digits = 6): number {
  return Number.isFinite(x) ? Number(x.toPrecision(digits)) : x;
}

/**
 * Orbit correction by the trained TD3 actor on top of the SVD step (see `PolicyMap`). Told corrector
 * set-points and BPM readings, asked for new set-points. Inference runs in plain JavaScript on the actor's
 * weights, a few µs per decision, so the agent needs no TensorFlow.js at run time.
 */
export class RlOrbitAgent implements Agent {
  readonly name: string;
  readonly fields: AgentFields;
  readonly checkpoint: string | null;
  private readonly actor: JsActor;
  private readonly policy: PolicyMap;
  private readonly reference: Float64Array;
  private readonly targetRms: number | undefined;
  private setpoints: Float64Array | null = null;
  private error: Float64Array | null = null;
  private observations = 0;
  private readonly rmsHistory: number[] = [];
  private answered: { observation: number; suggestion: Suggestion } | null = null;
  private readonly obs: Float32Array;
  private readonly action: Float32Array;
  private readonly delta: Float64Array;
  private lastStep: { scale: number; saturated: number; residual: number } | null = null;

  constructor(options: RlOrbitOptions) {
    this.name = options.name ?? RL_ORBIT_KIND;
    this.fields = { independent: [...options.correctors], dependent: [...options.bpms] };
    let loaded = options.policy;
    this.checkpoint = null;
    if (loaded === undefined) {
      const dir = options.checkpoint ?? DEFAULT_RL_CHECKPOINT;
      loaded = loadPolicy(dir);
      this.checkpoint = dir;
    }
    this.actor = loaded.actor;
    this.policy = loaded.policy;
    if (this.fields.independent.length !== this.policy.n) {
      throw new InvalidArgumentError(`agent "${this.name}": the policy drives ${this.policy.n} correctors, ${this.fields.independent.length} are named`, this.fields.independent.length);
    }
    if (options.reference !== undefined && options.reference.length !== this.policy.m) {
      throw new InvalidArgumentError(`agent "${this.name}": reference has ${options.reference.length} values, the policy reads ${this.policy.m}`, options.reference.length);
    }
    if (options.targetRms !== undefined && !(options.targetRms >= 0)) {
      throw new InvalidArgumentError(`agent "${this.name}": targetRms must be >= 0, got ${options.targetRms}`, options.targetRms);
    }
    this.reference = options.reference === undefined ? new Float64Array(this.policy.m) : Float64Array.from(options.reference);
    this.targetRms = options.targetRms;
    this.obs = new Float32Array(this.policy.obsSize);
    this.action = new Float32Array(this.policy.k);
    this.delta = new Float64Array(this.policy.n);
    this.policy.resetHistory();
  }

  /** From a campaign file's settings: `correctors`, `bpms`, optionally `checkpoint`, `reference`, `targetRms`. */
  static fromSettings(settings: unknown, name = RL_ORBIT_KIND): RlOrbitAgent {
    const s = new SettingsReader(name, settings);
    const correctors = s.names("correctors");
    const bpms = s.names("bpms");
    const checkpoint = s.has("checkpoint") ? resolve(s.string("checkpoint", "")) : undefined;
    const reference = s.numbers("reference");
    const targetRms = s.number("targetRms", undefined, { min: 0 });
    s.finish();
    try {
      return new RlOrbitAgent({ name, correctors, bpms, checkpoint, reference, targetRms });
    } catch (err) {
      if (err instanceof CheckpointError) s.fail("checkpoint", err.message, checkpoint ?? DEFAULT_RL_CHECKPOINT);
      throw err;
    }
  }

  tell(x: IndependentValues, y: DependentValues): TellRecord {
    const setpoints = independentVector(x, this.fields.independent, this.name);
    const readings = dependentVector(y, this.fields.dependent, this.name);
    if (readings.length !== this.policy.m) {
      throw new InvalidArgumentError(`agent "${this.name}": got ${readings.length} readings from ${this.fields.dependent.join(", ")}, the policy reads ${this.policy.m}`, readings.length);
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
    return this.targetRms !== undefined && this.error !== null && rms(this.error) <= this.targetRms;
  }

  /** One suggestion per measurement: asking again before the next `tell` repeats it. */
  ask(n = 1): Suggestion[] {
    checkAskCount(n, this.name);
    if (this.setpoints === null || this.error === null) throw new AgentNotReadyError(this.name, "no orbit has been told yet, so there is nothing to correct");
    if (this.answered?.observation === this.observations) return [this.answered.suggestion];
    const now = rms(this.error);
    let suggestion: Suggestion;
    if (this.targetReached()) {
      this.lastStep = null;
      suggestion = { points: this.pointsOf(this.setpoints), score: now, done: true, rationale: `RMS ${fmt(now)} is at or below the target ${fmt(this.targetRms!)}: keeping the correctors where they are` };
    } else {
      this.policy.observe(this.error, this.obs);
      this.actor.act(this.obs, this.action);
      const { scale, saturated } = this.policy.act(this.error, this.action, this.setpoints, this.delta);
      let residual = 0;
      for (const a of this.action) residual = Math.max(residual, Math.abs(a));
      this.lastStep = { scale, saturated, residual };
      const next = this.setpoints.map((v, j) => v + this.delta[j]!);
      const parts = [`SVD step plus learned residual (largest |a| ${residual.toFixed(3)} of ±1, RMS now ${fmt(now)})`];
      if (scale < 1) parts.push(`step scaled by ${fmt(scale)} to respect the per-step limit`);
      if (saturated > 0) parts.push(`${saturated} corrector(s) held at their limits`);
      suggestion = { points: this.pointsOf(next), rationale: parts.join("; ") };
    }
    this.answered = { observation: this.observations, suggestion };
    return [suggestion];
  }

  private pointsOf(values: Float64Array): Record<string, number> {
    const points: Record<string, number> = {};
    this.fields.independent.forEach((name, j) => (points[name] = values[j]!));
    return points;
  }

  report(): AgentReport {
    const step = this.lastStep;
    return {
      agent: this.name,
      kind: RL_ORBIT_KIND,
      observations: this.observations,
      done: this.targetReached(),
      checkpoint: this.checkpoint,
      rms: this.error === null ? null : round(rms(this.error)),
      targetRms: this.targetRms ?? null,
      rmsHistory: this.rmsHistory.map((v) => round(v)),
      modes: this.policy.k,
      lastStep: step === null ? null : { stepScale: round(step.scale), saturated: step.saturated, largestResidual: round(step.residual) },
    };
  }

  reset(): void {
    this.setpoints = null;
    this.error = null;
    this.observations = 0;
    this.rmsHistory.length = 0;
    this.answered = null;
    this.lastStep = null;
    this.policy.resetHistory();
  }
}

function fmt(x: number): string {
  return Math.abs(x) >= 1e-3 && Math.abs(x) < 1e4 ? x.toFixed(4).replace(/\.?0+$/, "") : x.toExponential(3);
}

/** The registry factory of "rl-orbit". */
export const rlOrbitFactory: AgentFactory = (settings, context) => RlOrbitAgent.fromSettings(settings, context.name);

/** Registers "rl-orbit" in an agent registry (kept out of the built-ins so TensorFlow.js loads only on demand). */
export function registerRlAgent(registry: { register(kind: string, factory: AgentFactory, options?: { replace?: boolean }): void }): void {
  registry.register(RL_ORBIT_KIND, rlOrbitFactory);
}
