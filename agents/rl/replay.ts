import { InvalidArgumentError } from "../../engine/errors.ts";
import type { Rng } from "../../sims/math/index.ts";

/** One sampled minibatch, in flat row-major Float32Arrays reused between calls. */
export interface Batch {
  size: number;
  obs: Float32Array;
  action: Float32Array;
  reward: Float32Array;
  nextObs: Float32Array;
  /** 1 where the transition ended in a terminal state (no bootstrapping), else 0. */
  terminal: Float32Array;
}

/**
 * A fixed-capacity ring buffer of transitions in typed arrays: adding allocates nothing and the oldest
 * transition is overwritten once full. Sampling is uniform with replacement from a seeded generator.
 */
export class ReplayBuffer {
  private readonly obs: Float32Array;
  private readonly action: Float32Array;
  private readonly reward: Float32Array;
  private readonly nextObs: Float32Array;
  private readonly terminal: Float32Array;
  private next = 0;
  private count = 0;

  constructor(
    readonly capacity: number,
    readonly obsSize: number,
    readonly actionSize: number,
  ) {
    for (const [key, v] of [["capacity", capacity], ["obsSize", obsSize], ["actionSize", actionSize]] as const) {
      if (!(Number.isInteger(v) && v >= 1)) throw new InvalidArgumentError(`replay buffer ${key} must be an integer >= 1, got ${v}`, v);
    }
    this.obs = new Float32Array(capacity * obsSize);
    this.nextObs = new Float32Array(capacity * obsSize);
    this.action = new Float32Array(capacity * actionSize);
    this.reward = new Float32Array(capacity);
    this.terminal = new Float32Array(capacity);
  }

  get size(): number {
    return this.count;
  }

  add(obs: ArrayLike<number>, action: ArrayLike<number>, reward: number, nextObs: ArrayLike<number>, terminal: boolean): void {
    if (obs.length !== this.obsSize || nextObs.length !== this.obsSize) {
      throw new InvalidArgumentError(`a transition needs observations of ${this.obsSize} values, got ${obs.length} and ${nextObs.length}`, obs.length);
    }
    if (action.length !== this.actionSize) throw new InvalidArgumentError(`a transition needs an action of ${this.actionSize} values, got ${action.length}`, action.length);
    if (!Number.isFinite(reward)) throw new InvalidArgumentError(`a transition's reward must be finite, got ${reward}`, reward);
    const i = this.next;
    this.obs.set(obs, i * this.obsSize);
    this.nextObs.set(nextObs, i * this.obsSize);
    this.action.set(action, i * this.actionSize);
    this.reward[i] = reward;
    this.terminal[i] = terminal ? 1 : 0;
    this.next = (i + 1) % this.capacity;
    this.count = Math.min(this.capacity, this.count + 1);
  }

  /** A buffer to sample into; reuse it so sampling allocates nothing. */
  createBatch(size: number): Batch {
    if (!(Number.isInteger(size) && size >= 1)) throw new InvalidArgumentError(`batch size must be an integer >= 1, got ${size}`, size);
    return {
      size,
      obs: new Float32Array(size * this.obsSize),
      action: new Float32Array(size * this.actionSize),
      reward: new Float32Array(size),
      nextObs: new Float32Array(size * this.obsSize),
      terminal: new Float32Array(size),
    };
  }

  sample(batch: Batch, rng: Rng): Batch {
    if (this.count === 0) throw new InvalidArgumentError("cannot sample from an empty replay buffer", 0);
    const o = this.obsSize;
    const a = this.actionSize;
    for (let b = 0; b < batch.size; b++) {
      const i = rng.int(this.count);
      batch.obs.set(this.obs.subarray(i * o, (i + 1) * o), b * o);
      batch.nextObs.set(this.nextObs.subarray(i * o, (i + 1) * o), b * o);
      batch.action.set(this.action.subarray(i * a, (i + 1) * a), b * a);
      batch.reward[b] = this.reward[i]!;
      batch.terminal[b] = this.terminal[i]!;
    }
    return batch;
  }

  clear(): void {
    this.next = 0;
    this.count = 0;
  }
}
