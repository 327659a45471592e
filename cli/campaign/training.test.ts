import { afterEach, describe, expect, it, vi } from "vitest";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parse, stringify } from "yaml";
import { readEvalConfig, readTrainConfig } from "../../agents/rl/config.ts";
import { connectNats } from "../../bridge/documents/nats_connection.ts";
import { NatsTestServer } from "../../bridge/testing/index.ts";
import { parseTrainingProgress, trainingSubject } from "../../bridge/training.ts";
import type { TrainingProgress } from "../../bridge/training.ts";
import { runTraining } from "./training.ts";

const ROOT = resolve(import.meta.dirname, "../..");
let nats: NatsTestServer | undefined;
const dirs: string[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  await nats?.dispose();
  nats = undefined;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe("the RL example files", () => {
  it("in examples/ say what the trainer's own files say (the shipped checkpoint's configuration)", () => {
    expect(readTrainConfig(join(ROOT, "examples/rl-train-small.yaml"))).toEqual(readTrainConfig(join(ROOT, "agents/rl/examples/train-small.yaml")));
    expect(readEvalConfig(join(ROOT, "examples/rl-eval-small.yaml"))).toEqual(readEvalConfig(join(ROOT, "agents/rl/examples/eval-small.yaml")));
  });
});

describe("skyloop agent train --nats", () => {
  it("publishes progress on skyloop.<instrument>.training.<agent> as it trains, and marks the end", async () => {
    nats = await NatsTestServer.start();
    const dir = mkdtempSync(join(tmpdir(), "skyloop-train-"));
    dirs.push(dir);
    // The example, shortened: 450 steps of a small network, updates from step 200.
    const c = parse(readFileSync(join(ROOT, "examples/rl-train-small.yaml"), "utf8")) as Record<string, any>;
    Object.assign(c, { steps: 450, checkpointEvery: 100_000, outDir: join(dir, "out") });
    Object.assign(c.td3, { hidden: [16, 16], batchSize: 32, warmupSteps: 200, actorWarmupUpdates: 0 });
    const file = join(dir, "train.yaml");
    writeFileSync(file, stringify(c));

    const nc = await connectNats({ servers: nats.url });
    const received: TrainingProgress[] = [];
    const sub = nc.subscribe(trainingSubject("ring-test", "rl-small"), { callback: (_, m) => received.push(parseTrainingProgress(m.data)) });
    await nc.flush();
    const out: string[] = [];
    vi.spyOn(process.stdout, "write").mockImplementation((chunk) => (out.push(String(chunk)), true));
    const result = await runTraining(file, { quiet: true, nats: [nats.url], instrument: "ring-test", agent: "rl-small" });
    vi.restoreAllMocks();
    await nc.flush();
    // The trainer reports every 200 steps and at the end: steps 200, 400 and 450, then the end again as done.
    await vi.waitFor(() => expect(received).toHaveLength(4));
    sub.unsubscribe();
    await nc.close();

    expect(result.steps).toBe(450);
    expect(received.map((p) => p.steps)).toEqual([200, 400, 450, 450]);
    expect(received.map((p) => p.done ?? false)).toEqual([false, false, false, true]);
    expect(new Set(received.map((p) => p.session)).size).toBe(1);
    expect(received.every((p) => p.agent === "rl-small" && Number.isFinite(p.reward) && p.rms > 0 && p.steps_per_s > 0)).toBe(true);
    const episodes = received.map((p) => p.episode);
    expect(episodes[0]).toBeGreaterThan(0);
    expect(episodes.every((e, i) => i === 0 || e >= episodes[i - 1]!)).toBe(true);
    expect(episodes[3]).toBe(result.episodes);
    expect(out.join("")).toContain("progress: 4 message(s) on skyloop.ring-test.training.rl-small");
  }, 60_000);
});
