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
  /** @default [64, 64] */
  hidden?: readonly number[];
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
  /** Weight initialisation, target smoothing and exploration noise. @default 1 */
  seed?: number;
}

export const DEFAULT_TD3 = {
  hidden: [64, 64] as readonly number[],
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
    if (!o.hidden.every((h) => Number.isInteger(h) && h >= 1)) throw new InvalidArgumentError(`td3 hidden must be layer sizes >= 1, got ${JSON.stringify(o.hidden)}`, o.hidden);
    this.options = o;
    this.rng = new Rng(o.seed).derive("td3");
    const actorSpec = { inputSize: o.obsSize, outputSize: o.actionSize, hidden: o.hidden, output: "tanh" as const, zeroOutput: true };
    const criticSpec = { inputSize: o.obsSize + o.actionSize, outputSize: 1, hidden: o.hidden, output: "linear" as const };
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
      const nextQ = tf.minimum(this.targetCritic1.apply(nextInput) as Tensor, this.targetCritic2.apply(nextInput) as Tensor);
      const target = tf.add(reward, tf.mul(tf.mul(notDone, o.gamma), nextQ));
      const input = tf.concat([obs, action], 1);
      const cost = this.criticOpt.minimize(
        () => {
          const l1 = tf.losses.meanSquaredError(target, this.critic1.apply(input) as Tensor);
          const l2 = tf.losses.meanSquaredError(target, this.critic2.apply(input) as Tensor);
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
            const q = tf.mean(this.critic1.apply(tf.concat([obs, a], 1)) as Tensor);
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
