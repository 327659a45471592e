import { existsSync } from "node:fs";
import { join } from "node:path";
import { DEFAULT_RL_CHECKPOINT } from "./agent.ts";
import type { TrainConfig } from "./config.ts";
import { RingEnv } from "./env.ts";
import { loadPolicy } from "./policy-file.ts";
import { ReplayBuffer } from "./replay.ts";
import { Td3 } from "./td3.ts";
import { loadTf } from "./tf.ts";
import { envFor } from "./train.ts";
import { Rng } from "../../sims/math/index.ts";

export interface RlBenchResult {
  /** Median time of one decision (observation, actor, corrector step), µs. */
  inference_us: number;
  /** Median training throughput: environment steps with one TD3 update each, per second. */
  train_steps_per_s: number;
  backend: string;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/**
 * Inference on the shipped checkpoint (plain-JavaScript actor) and training throughput of the recipe it was
 * trained with (its networks, batch size and environment, as its checkpoint.json records them) on the default
 * backend; without a shipped checkpoint, of the defaults.
 */
export async function benchRl(options: { trainSteps?: number; decisions?: number } = {}): Promise<RlBenchResult> {
  const dir = DEFAULT_RL_CHECKPOINT;
  const shipped = existsSync(join(dir, "checkpoint.json")) ? loadPolicy(dir) : null;
  const recipe = shipped === null ? null : (shipped.meta.config as unknown as TrainConfig);
  const env = recipe === null ? new RingEnv({ seed: 7 }) : envFor({ ...recipe, seed: 7 });
  const td3Options = shipped === null ? {} : shipped.meta.td3;
  const batchSize = recipe?.batchSize ?? 64;
  const { actor, policy } = shipped ?? { actor: new Td3({ obsSize: env.obsSize, actionSize: env.actionSize }).jsActor(), policy: env.policy };
  env.reset();
  const sim = env.simulator!;
  const e = sim.readOrbit();
  const sp = sim.correctorSetpoints();
  const obs = new Float32Array(policy.obsSize);
  const a = new Float32Array(policy.k);
  const delta = new Float64Array(policy.n);
  const decisions = options.decisions ?? 2000;
  const inference: number[] = [];
  for (let rep = 0; rep < 8; rep++) {
    const t0 = performance.now();
    for (let i = 0; i < decisions; i++) {
      policy.observe(e, obs);
      actor.act(obs, a);
      policy.act(e, a, sp, delta);
    }
    // The first batch warms up the JIT and is not counted.
    if (rep > 0) inference.push(((performance.now() - t0) * 1000) / decisions);
  }
  const loaded = await loadTf();
  const td3 = new Td3({ ...td3Options, obsSize: env.obsSize, actionSize: env.actionSize, actorWarmupUpdates: 0 });
  const buffer = new ReplayBuffer(4096, env.obsSize, env.actionSize);
  const batch = buffer.createBatch(batchSize);
  const rng = new Rng(3);
  const action = new Float32Array(env.actionSize);
  let o = env.reset();
  const stepOnce = (): void => {
    td3.explore(action.fill(0));
    const r = env.step(action);
    buffer.add(o, action, r.reward, r.obs, r.terminal);
    o = r.done ? env.reset() : r.obs;
    if (buffer.size >= batchSize) td3.update(buffer.sample(batch, rng));
  };
  for (let i = 0; i < batchSize + 40; i++) stepOnce();
  const steps = options.trainSteps ?? 60;
  const rates: number[] = [];
  for (let rep = 0; rep < 3; rep++) {
    const t0 = performance.now();
    for (let i = 0; i < steps; i++) stepOnce();
    rates.push((steps * 1000) / (performance.now() - t0));
  }
  td3.dispose();
  return { inference_us: Number(median(inference).toFixed(2)), train_steps_per_s: Number(median(rates).toFixed(1)), backend: loaded.backend };
}
