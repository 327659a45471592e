import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { JsActor } from "./actor-js.ts";
import { DEFAULT_TRAIN, type TrainConfig } from "./config.ts";
import { heldOutScenarios, scoreHeldOut } from "./held-out.ts";
import { readCheckpointMeta } from "./policy-file.ts";
import { TRAINING_SEED_BASE } from "./env.ts";
import { testEnv } from "./test-helpers.ts";
import { loadTf } from "./tf.ts";
import { envFor, train } from "./train.ts";

beforeAll(async () => {
  await loadTf();
});

function tinyConfig(overrides: Partial<TrainConfig> = {}): TrainConfig {
  return {
    ...DEFAULT_TRAIN,
    setup: {},
    scenarios: { harmonicProbability: 0, mismatch: [0.3, 0.3] },
    reward: { kind: "relative", effort: 0 },
    policy: { observe: "modes", history: 1 },
    env: { maxSteps: 8 },
    td3: { hidden: [], actorHidden: [], criticHead: "logRms", criticOutputs: 8, gamma: 0, actorWarmupUpdates: 20, actorLr: 0.003 },
    steps: 120,
    warmupSteps: 32,
    batchSize: 32,
    bufferSize: 1000,
    checkpointEvery: 1_000_000,
    evalEvery: 40,
    evalEpisodes: 3,
    outDir: mkdtempSync(join(tmpdir(), "skyloop-rl-train-")),
    ...overrides,
  };
}

describe("held-out evaluation", () => {
  it("scores the SVD step better than a policy that undoes half of it, on scenarios not trained on", () => {
    const env = testEnv({ policy: { observe: "modes", history: 0 } });
    const scenarios = heldOutScenarios(env, 3, 1);
    scenarios.forEach((s) => expect(s.seed).toBeGreaterThanOrEqual(TRAINING_SEED_BASE));
    expect(heldOutScenarios(env, 3, 1)).toEqual(scenarios);
    const k = env.actionSize;
    const zero = new JsActor([{ inputSize: env.obsSize, outputSize: k, kernel: new Float32Array(env.obsSize * k), bias: new Float32Array(k) }]);
    // a_j = −tanh(0.55·x_j) ≈ −½ of mode j (normalised), i.e. a gain of about one half.
    const kernel = new Float32Array(env.obsSize * k);
    for (let j = 0; j < k; j++) kernel[j * k + j] = -0.55;
    const half = new JsActor([{ inputSize: env.obsSize, outputSize: k, kernel, bias: new Float32Array(k) }]);
    const svd = scoreHeldOut(env, zero, scenarios, 8, 0.001);
    const slow = scoreHeldOut(env, half, scenarios, 8, 0.001);
    expect(svd.score).toBeLessThan(slow.score);
    expect(svd.finalRms).toBeLessThan(0.002);
  });
});

describe("train", () => {
  it("evaluates on held-out scenarios, keeps the best networks and returns them as the checkpoint", async () => {
    const config = tinyConfig();
    const result = await train(config);
    expect(result.heldOut.map((h) => h.step)).toEqual([0, 40, 80, 120]);
    const best = result.heldOut.reduce((a, b) => (b.score < a.score ? b : a));
    expect(result.best).toEqual(best);
    expect(result.checkpoint).toBe(join(config.outDir, "best"));
    expect(result.finalCheckpoint).toBe(join(config.outDir, "final"));
    const meta = readCheckpointMeta(result.checkpoint);
    expect(meta.step).toBe(best.step);
    expect(meta.heldOut).toEqual(result.heldOut);
    expect(meta.policy.observe).toBe("modes");
    expect(meta.td3).toMatchObject({ criticHead: "logRms", actorHidden: [] });
    expect(existsSync(result.curvePath)).toBe(true);
  });

  it("resumes with its held-out record and best so far", async () => {
    const config = tinyConfig({ steps: 80 });
    const first = await train(config);
    const more = await train({ ...config, steps: 160 }, { resume: first.finalCheckpoint });
    expect(more.heldOut.slice(0, 3)).toEqual(first.heldOut);
    expect(more.heldOut.map((h) => h.step)).toEqual([0, 40, 80, 120, 160]);
    const best = more.heldOut.reduce((a, b) => (b.score < a.score ? b : a));
    expect(more.best).toEqual(best);
    expect(readCheckpointMeta(more.checkpoint).step).toBe(best.step);
  });

  it("stops once `patience` evaluations have not beaten the best", async () => {
    // An actor learning rate of zero never changes the policy, so no evaluation beats the first.
    const config = tinyConfig({ patience: 2, steps: 400, td3: { hidden: [], actorHidden: [], actorLr: 1e-12, actorWarmupUpdates: 0 } });
    const result = await train(config);
    expect(result.stoppedEarly).toBe(true);
    expect(result.steps).toBe(80);
    expect(result.best!.step).toBe(0);
    expect(envFor(config).obsSize).toBe(12 * 3 + 2);
  });
});
