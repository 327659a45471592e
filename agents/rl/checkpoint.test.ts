import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { Rng } from "../../sims/math/index.ts";
import { loadTd3 } from "./checkpoint.ts";
import { CheckpointError, loadPolicy, readCheckpointMeta } from "./policy-file.ts";
import { ReplayBuffer } from "./replay.ts";
import { tempCheckpoint, testEnv, tinyTd3 } from "./test-helpers.ts";
import { loadTf } from "./tf.ts";

beforeAll(async () => {
  await loadTf();
});

describe("checkpoints", () => {
  it("round-trip through the file handler: identical actions from tf.js and from the plain-JS actor", async () => {
    const env = testEnv();
    const td3 = tinyTd3(env, { policyDelay: 1 });
    const buffer = new ReplayBuffer(64, env.obsSize, env.actionSize);
    const rng = new Rng(9);
    let obs = env.reset();
    for (let i = 0; i < 64; i++) {
      const a = td3.explore(td3.act(obs), 0.5);
      const r = env.step(a);
      buffer.add(obs, a, r.reward, r.obs, r.terminal);
      obs = r.done ? env.reset() : r.obs;
    }
    const batch = buffer.createBatch(16);
    for (let i = 0; i < 20; i++) td3.update(buffer.sample(batch, rng));
    const probe = env.reset();
    const before = Array.from(td3.act(probe));
    expect(before.some((v) => v !== 0)).toBe(true);

    const dir = await tempCheckpoint(env, td3);
    const { td3: again, meta } = await loadTd3(dir);
    expect(Array.from(again.act(probe))).toEqual(before);
    expect(again.targetCritic2.getWeights().map((w) => Array.from(w.dataSync()))).toEqual(td3.targetCritic2.getWeights().map((w) => Array.from(w.dataSync())));
    expect(meta).toMatchObject({ format: "skyloop-rl-orbit", version: 1, backend: "test" });

    const { actor, policy } = loadPolicy(dir);
    expect(Array.from(actor.act(probe))).toEqual(Array.from(td3.jsActor().act(probe)));
    actor.act(probe).forEach((v, j) => expect(v).toBeCloseTo(before[j]!, 5));
    expect(policy.obsSize).toBe(env.obsSize);
    td3.dispose();
    again.dispose();
  });

  it("names the directory and the problem when a checkpoint is missing or foreign", async () => {
    const env = testEnv();
    const td3 = tinyTd3(env);
    const dir = await tempCheckpoint(env, td3);
    td3.dispose();
    const empty = join(dir, "..", "empty");
    mkdirSync(empty, { recursive: true });
    expect(() => readCheckpointMeta(empty)).toThrow(CheckpointError);
    expect(() => readCheckpointMeta(empty)).toThrow(`checkpoint ${empty}: has no checkpoint.json (is it a checkpoint directory?)`);
    writeFileSync(join(empty, "checkpoint.json"), JSON.stringify({ format: "other", version: 1 }));
    expect(() => loadPolicy(empty)).toThrow(`checkpoint ${empty}: format is "other", expected "skyloop-rl-orbit"`);
  });
});
