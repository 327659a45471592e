import type { LayersModel, Optimizer, Scalar, Tensor, Variable } from "@tensorflow/tfjs";
import { InvalidArgumentError } from "../../engine/errors.ts";
import { Rng } from "../../sims/math/index.ts";
import { JsActor } from "./actor-js.ts";
import { copyWeights, mlp } from "./networks.ts";
import type { Batch } from "./replay.ts";
import { tf } from "./tf.ts";

/** Hyperparameters of TD3 (Fujimoto et al. 2018). */
export interface Td3Options {
  obsSize: number;
  actionSize: number;
  /** Hidden layers of the critics. @default [64, 64] */
  hidden?: readonly number[];
  /**
   * Hidden layers of the actor; [] makes it linear in the observation (under its tanh), which is what an
   * orbit feedback needs: a gain correction per mode and a filter over the orbit history.
   * @default the critics' layers
   */
  actorHidden?: readonly number[] | null;
  /** @default 0.95 */
  gamma?: number;
  /** Polyak factor of the target networks. @default 0.01 */
  tau?: number;
  /** @default 0.0005 */
  actorLr?: number;
  /** @default 0.001 */
  criticLr?: number;
  /** Critic updates per actor (and target) update. @default 2 */
  policyDelay?: number;
  /** Target policy smoothing noise, std. @default 0.1 */
  policyNoise?: number;
  /** @default 0.25 */
  noiseClip?: number;
  /** Exploration noise, std. @default 0.1 */
  explorationNoise?: number;
  /**
   * Weight of λ·mean(a²) in the actor's loss: pulls the residual towards zero, i.e. the actor towards the
   * model-based step, so that it moves away only where the critic's advantage is clear.
   * @default 0.5
   */
  actorRegularisation?: number;
  /** Critic updates before the first actor update, so the actor follows a critic that has learnt something. @default 2000 */
  actorWarmupUpdates?: number;
  /**
   * How a critic turns its outputs into a value: "value" (one linear output, the usual critic) or "logRms"
   * (Q = −½·log10(mean(y²) + ε) over `criticOutputs` linear outputs y). The second is the form of the orbit
   * rewards: minus the log RMS of an orbit that depends linearly on the observation and the action, so a
   * critic without hidden layers can fit them from few transitions; its weights are learnt from the rewards
   * alone, like any critic's.
   * @default "value"
   */
  criticHead?: CriticHead;
  /** Outputs y of a "logRms" critic. @default 32 */
  criticOutputs?: number;
  /** Weight initialisation, target smoothing and exploration noise. @default 1 */
  seed?: number;
}

/** See `Td3Options.criticHead`. */
export const CriticHead = { Value: "value", LogRms: "logRms" } as const;
export type CriticHead = (typeof CriticHead)[keyof typeof CriticHead];

/** ε of the "logRms" head: bounds the value at 3, the log scale of a 1000-fold orbit reduction. */
const LOG_RMS_EPS = 1e-6;

export const DEFAULT_TD3 = {
  hidden: [64, 64] as readonly number[],
  actorHidden: null as readonly number[] | null,
  gamma: 0.95,
  tau: 0.01,
  actorLr: 0.0005,
  criticLr: 0.001,
  policyDelay: 2,
  policyNoise: 0.1,
  noiseClip: 0.25,
  explorationNoise: 0.1,
  actorRegularisation: 0.5,
  actorWarmupUpdates: 2000,
  criticHead: "value" as CriticHead,
  criticOutputs: 32,
  seed: 1,
} as const;

export type ResolvedTd3Options = Required<Td3Options>;

export interface UpdateResult {
  criticLoss: number;
  /** λ·mean(π(s)²) − mean Q(s, π(s)), on the steps the actor was updated. */
  actorLoss: number | null;
}

/** The six networks by the names used in checkpoints. */
export const TD3_NETWORKS = ["actor", "critic1", "critic2", "targetActor", "targetCritic1", "targetCritic2"] as const;
export type Td3Network = (typeof TD3_NETWORKS)[number];

/**
 * Twin Delayed DDPG: an actor and two critics with target copies; the critics learn from the smaller of the
 * two target values with a smoothed target action; the actor and the targets (Polyak averaging) update every
 * `policyDelay` critic updates. Every tensor made in an update is released in `tf.tidy`, so tf.memory() stays
 * flat however long training runs.
 */
export class Td3 {
  readonly options: ResolvedTd3Options;
  readonly actor: LayersModel;
  readonly critic1: LayersModel;
  readonly critic2: LayersModel;
  readonly targetActor: LayersModel;
  readonly targetCritic1: LayersModel;
  readonly targetCritic2: LayersModel;
  private readonly actorOpt: Optimizer;
  private readonly criticOpt: Optimizer;
  private readonly rng: Rng;
  private updates = 0;
  private smoothing = new Float32Array(0);

  constructor(options: Td3Options) {
    const o: ResolvedTd3Options = { ...DEFAULT_TD3, ...options };
    for (const key of ["obsSize", "actionSize", "policyDelay"] as const) {
      if (!(Number.isInteger(o[key]) && o[key] >= 1)) throw new InvalidArgumentError(`td3 ${key} must be an integer >= 1, got ${o[key]}`, o[key]);
    }
    if (!(o.gamma >= 0 && o.gamma < 1)) throw new InvalidArgumentError(`td3 gamma must be in [0, 1), got ${o.gamma}`, o.gamma);
    if (!(o.tau > 0 && o.tau <= 1)) throw new InvalidArgumentError(`td3 tau must be in (0, 1], got ${o.tau}`, o.tau);
    for (const key of ["hidden", "actorHidden"] as const) {
      const layers = o[key] ?? [];
      if (!layers.every((h) => Number.isInteger(h) && h >= 1)) throw new InvalidArgumentError(`td3 ${key} must be layer sizes >= 1, got ${JSON.stringify(layers)}`, layers);
    }
    this.options = o;
    this.rng = new Rng(o.seed).derive("td3");
    const actorSpec = { inputSize: o.obsSize, outputSize: o.actionSize, hidden: o.actorHidden ?? o.hidden, output: "tanh" as const, zeroOutput: true };
    if (!Object.values(CriticHead).includes(o.criticHead)) {
      throw new InvalidArgumentError(`td3 criticHead must be one of ${Object.values(CriticHead).join(", ")}, got ${JSON.stringify(o.criticHead)}`, o.criticHead);
    }
    if (!(Number.isInteger(o.criticOutputs) && o.criticOutputs >= 1)) throw new InvalidArgumentError(`td3 criticOutputs must be an integer >= 1, got ${o.criticOutputs}`, o.criticOutputs);
    const criticOut = o.criticHead === CriticHead.LogRms ? o.criticOutputs : 1;
    const criticSpec = { inputSize: o.obsSize + o.actionSize, outputSize: criticOut, hidden: o.hidden, output: "linear" as const };
    this.actor = mlp({ ...actorSpec, seed: o.seed * 8 + 1, name: "actor" });
    this.targetActor = mlp({ ...actorSpec, seed: o.seed * 8 + 1, name: "target_actor" });
    this.critic1 = mlp({ ...criticSpec, seed: o.seed * 8 + 2, name: "critic1" });
    this.critic2 = mlp({ ...criticSpec, seed: o.seed * 8 + 3, name: "critic2" });
    this.targetCritic1 = mlp({ ...criticSpec, seed: o.seed * 8 + 2, name: "target_critic1" });
    this.targetCritic2 = mlp({ ...criticSpec, seed: o.seed * 8 + 3, name: "target_critic2" });
    this.syncTargets();
    this.actorOpt = tf.train.adam(o.actorLr);
    this.criticOpt = tf.train.adam(o.criticLr);
  }

  get updateCount(): number {
    return this.updates;
  }

  network(name: Td3Network): LayersModel {
    return this[name];
  }

  /** Copies the online networks into the targets exactly (construction, after loading an actor alone). */
  syncTargets(): void {
    copyWeights(this.actor, this.targetActor);
    copyWeights(this.critic1, this.targetCritic1);
    copyWeights(this.critic2, this.targetCritic2);
  }

  /** The actor's action for one observation, through TensorFlow.js. */
  act(obs: Float32Array, out: Float32Array = new Float32Array(this.options.actionSize)): Float32Array {
    const data = tf.tidy(() => (this.actor.predict(tf.tensor2d(obs, [1, this.options.obsSize])) as Tensor).dataSync());
    out.set(data);
    return out;
  }

  /** The action plus Gaussian exploration noise, clipped to [−1, 1]. */
  explore(action: Float32Array, std = this.options.explorationNoise): Float32Array {
    for (let j = 0; j < action.length; j++) action[j] = Math.max(-1, Math.min(1, action[j]! + std * this.rng.gaussian()));
    return action;
  }

  /** The actor's current weights as a plain-JavaScript actor (for fast acting and deployment). */
  jsActor(): JsActor {
    return JsActor.fromTensors(this.actor.getWeights().map((w) => ({ shape: w.shape, data: w.dataSync() as Float32Array })));
  }

  /** One TD3 update from a minibatch. */
  update(batch: Batch): UpdateResult {
    const o = this.options;
    const n = batch.size;
    const noise = this.smoothingNoise(n * o.actionSize);
    const criticVars = [...this.critic1.trainableWeights, ...this.critic2.trainableWeights].map((w) => w.read() as Variable);
    const criticLoss = tf.tidy(() => {
      const obs = tf.tensor2d(batch.obs, [n, o.obsSize]);
      const action = tf.tensor2d(batch.action, [n, o.actionSize]);
      const nextObs = tf.tensor2d(batch.nextObs, [n, o.obsSize]);
      const reward = tf.tensor2d(batch.reward, [n, 1]);
      const notDone = tf.sub(1, tf.tensor2d(batch.terminal, [n, 1]));
      const nextAction = tf.clipByValue(tf.add(this.targetActor.apply(nextObs) as Tensor, tf.tensor2d(noise, [n, o.actionSize])), -1, 1);
      const nextInput = tf.concat([nextObs, nextAction], 1);
      const nextQ = tf.minimum(this.q(this.targetCritic1, nextInput), this.q(this.targetCritic2, nextInput));
      const target = tf.add(reward, tf.mul(tf.mul(notDone, o.gamma), nextQ));
      const input = tf.concat([obs, action], 1);
      const cost = this.criticOpt.minimize(
        () => {
          const l1 = tf.losses.meanSquaredError(target, this.q(this.critic1, input));
          const l2 = tf.losses.meanSquaredError(target, this.q(this.critic2, input));
          return tf.add(l1, l2) as Scalar;
        },
        true,
        criticVars,
      );
      return cost!.dataSync()[0]!;
    });
    this.updates++;
    let actorLoss: number | null = null;
    if (this.updates % o.policyDelay === 0 && this.updates > o.actorWarmupUpdates) {
      const actorVars = this.actor.trainableWeights.map((w) => w.read() as Variable);
      actorLoss = tf.tidy(() => {
        const obs = tf.tensor2d(batch.obs, [n, o.obsSize]);
        const cost = this.actorOpt.minimize(
          () => {
            const a = this.actor.apply(obs) as Tensor;
            const q = tf.mean(this.q(this.critic1, tf.concat([obs, a], 1)));
            return tf.sub(tf.mul(tf.mean(tf.square(a)), o.actorRegularisation), q) as Scalar;
          },
          true,
          actorVars,
        );
        return cost!.dataSync()[0]!;
      });
      this.softUpdate(this.actor, this.targetActor);
      this.softUpdate(this.critic1, this.targetCritic1);
      this.softUpdate(this.critic2, this.targetCritic2);
    }
    return { criticLoss: criticLoss / 2, actorLoss };
  }

  /** A critic's value of [observation, action] rows: [n, 1]. */
  q(critic: LayersModel, input: Tensor): Tensor {
    const y = critic.apply(input) as Tensor;
    if (this.options.criticHead === CriticHead.Value) return y;
    return tf.mul(tf.log(tf.add(tf.mean(tf.square(y), 1, true), LOG_RMS_EPS)), -0.5 / Math.LN10);
  }

  /** θ_target ← τ θ + (1 − τ) θ_target. */
  private softUpdate(online: LayersModel, target: LayersModel): void {
    const tau = this.options.tau;
    const src = online.weights;
    tf.tidy(() => {
      target.weights.forEach((w, i) => w.write(tf.add(tf.mul(src[i]!.read(), tau), tf.mul(w.read(), 1 - tau))));
    });
  }

  private smoothingNoise(size: number): Float32Array {
    const o = this.options;
    if (this.smoothing.length !== size) this.smoothing = new Float32Array(size);
    const out = this.smoothing;
    for (let i = 0; i < size; i++) out[i] = Math.max(-o.noiseClip, Math.min(o.noiseClip, o.policyNoise * this.rng.gaussian()));
    return out;
  }

  dispose(): void {
    for (const name of TD3_NETWORKS) this[name].dispose();
    this.actorOpt.dispose();
    this.criticOpt.dispose();
  }
}
