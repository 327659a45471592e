import { beforeAll, describe, expect, it } from "vitest";
import { InvalidArgumentError } from "../../engine/errors.ts";
import { Rng } from "../../sims/math/index.ts";
import { ReplayBuffer } from "./replay.ts";
import { Td3 } from "./td3.ts";
import { testEnv, tinyTd3 } from "./test-helpers.ts";
import { loadTf, tf } from "./tf.ts";

beforeAll(async () => {
  await loadTf();
});

/** A one-step toy problem: reward = −Σ (a − s)², no bootstrapping. */
function toyBuffer(rng: Rng): ReplayBuffer {
  const buffer = new ReplayBuffer(256, 2, 2);
  for (let i = 0; i < 256; i++) {
    const s = [rng.uniformIn(-0.5, 0.5), rng.uniformIn(-0.5, 0.5)];
    const a = [rng.uniformIn(-1, 1), rng.uniformIn(-1, 1)];
    buffer.add(s, a, -((a[0]! - s[0]!) ** 2) - (a[1]! - s[1]!) ** 2, s, true);
  }
  return buffer;
}

describe("Td3", () => {
  it("critic updates reduce the critic loss on a toy problem", () => {
    const rng = new Rng(1);
    const buffer = toyBuffer(rng);
    const td3 = new Td3({ obsSize: 2, actionSize: 2, hidden: [8, 8], criticLr: 0.01, actorWarmupUpdates: 1e9, seed: 3 });
    const batch = buffer.createBatch(64);
    const losses: number[] = [];
    for (let i = 0; i < 80; i++) losses.push(td3.update(buffer.sample(batch, rng)).criticLoss);
    const early = losses.slice(0, 10).reduce((a, b) => a + b, 0) / 10;
    const late = losses.slice(-10).reduce((a, b) => a + b, 0) / 10;
    expect(late).toBeLessThan(early / 3);
    td3.dispose();
  });

  it("updates the actor only every policyDelay critic updates, after its warm-up", () => {
    const rng = new Rng(2);
    const buffer = toyBuffer(rng);
    const td3 = new Td3({ obsSize: 2, actionSize: 2, hidden: [4], policyDelay: 3, actorWarmupUpdates: 3 });
    const batch = buffer.createBatch(8);
    const actorSteps = Array.from({ length: 9 }, () => td3.update(buffer.sample(batch, rng)).actorLoss !== null);
    expect(actorSteps).toEqual([false, false, false, false, false, true, false, false, true]);
    td3.dispose();
  });

  it("starts with a zero residual and keeps target networks equal to the online ones", () => {
    const env = testEnv();
    const td3 = tinyTd3(env);
    expect(Array.from(td3.act(env.reset())).every((v) => v === 0)).toBe(true);
    const w = td3.critic1.getWeights().map((t) => Array.from(t.dataSync()));
    const t = td3.targetCritic1.getWeights().map((x) => Array.from(x.dataSync()));
    expect(t).toEqual(w);
    td3.dispose();
  });

  it("keeps the tensor count flat over many acting and update steps", () => {
    const env = testEnv();
    const td3 = tinyTd3(env, { policyDelay: 2 });
    const buffer = new ReplayBuffer(512, env.obsSize, env.actionSize);
    const batch = buffer.createBatch(16);
    const rng = new Rng(5);
    let obs = env.reset();
    const run = (steps: number): void => {
      for (let i = 0; i < steps; i++) {
        const a = td3.explore(td3.act(obs));
        const r = env.step(a);
        buffer.add(obs, a, r.reward, r.obs, r.terminal);
        obs = r.done ? env.reset() : r.obs;
        if (buffer.size >= 16) td3.update(buffer.sample(batch, rng));
      }
    };
    run(30);
    const before = tf.memory().numTensors;
    run(150);
    expect(tf.memory().numTensors).toBe(before);
    td3.dispose();
  });

  it("with a logRms critic and a linear actor, learns to cancel a linear orbit from rewards alone", () => {
    // One-step task: the next orbit is s + M a with M unknown to the learner; reward = −log10 RMS of it.
    const rng = new Rng(6);
    const m = [1.3, 0.2, -0.1, 0.7];
    const next = (s: number[], a: number[]) => [s[0]! + m[0]! * a[0]! + m[1]! * a[1]!, s[1]! + m[2]! * a[0]! + m[3]! * a[1]!];
    const reward = (s: number[], a: number[]) => -0.5 * Math.log10(next(s, a).reduce((x, v) => x + v * v, 0) / 2 + 1e-6);
    const buffer = new ReplayBuffer(2048, 2, 2);
    for (let i = 0; i < 2048; i++) {
      const s = [rng.uniformIn(-0.5, 0.5), rng.uniformIn(-0.5, 0.5)];
      const a = [rng.uniformIn(-1, 1), rng.uniformIn(-1, 1)];
      buffer.add(s, a, reward(s, a), s, true);
    }
    const td3 = new Td3({ obsSize: 2, actionSize: 2, hidden: [], actorHidden: [], criticHead: "logRms", criticOutputs: 4, gamma: 0, criticLr: 0.02, actorLr: 0.01, actorRegularisation: 0, policyDelay: 1, actorWarmupUpdates: 150, seed: 2 });
    const batch = buffer.createBatch(128);
    const probes = [[0.3, -0.2], [-0.4, 0.1], [0.1, 0.4]];
    const before = probes.map((s) => reward(s, Array.from(td3.act(new Float32Array(s)))));
    for (let i = 0; i < 450; i++) td3.update(buffer.sample(batch, rng));
    const after = probes.map((s) => reward(s, Array.from(td3.act(new Float32Array(s)))));
    // a = 0 leaves the orbit as it is (reward ≈ 0.5 for these sizes); the learnt actor shrinks it tenfold or more.
    after.forEach((r, i) => expect(r).toBeGreaterThan(before[i]! + 1));
    td3.dispose();
  });

  it("refuses bad hyperparameters, naming them", () => {
    expect(() => new Td3({ obsSize: 2, actionSize: 1, gamma: 1 })).toThrow(InvalidArgumentError);
    expect(() => new Td3({ obsSize: 2, actionSize: 1, gamma: 1 })).toThrow("td3 gamma must be in [0, 1), got 1");
    expect(() => new Td3({ obsSize: 0, actionSize: 1 })).toThrow("td3 obsSize must be an integer >= 1, got 0");
    expect(() => new Td3({ obsSize: 2, actionSize: 1, criticHead: "sum" as "value" })).toThrow('td3 criticHead must be one of value, logRms, got "sum"');
    expect(() => new Td3({ obsSize: 2, actionSize: 1, actorHidden: [0] })).toThrow("td3 actorHidden must be layer sizes >= 1, got [0]");
  });
});
