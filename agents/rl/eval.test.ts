import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { ConfigError } from "../../engine/errors.ts";
import { readEvalConfig, readTrainConfig } from "./config.ts";
import { evaluate, formatEvalTable } from "./eval.ts";
import { tempCheckpoint, testEnv, tinyTd3 } from "./test-helpers.ts";
import { loadTf } from "./tf.ts";

let checkpoint = "";

beforeAll(async () => {
  await loadTf();
  const env = testEnv();
  const td3 = tinyTd3(env);
  checkpoint = await tempCheckpoint(env, td3);
  td3.dispose();
});

function yamlFile(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), "skyloop-rl-cfg-")), "config.yaml");
  writeFileSync(file, text);
  return file;
}

describe("evaluation", () => {
  it("gives figures for both agents on every scenario, and the goals", () => {
    const config = readEvalConfig(yamlFile(`checkpoint: ${checkpoint}\nmismatches: [0, 0.3]\nepisodes: 2\nsteps: 8\nsvdGains: [0.8, 1]\n`));
    const result = evaluate(config);
    expect(result.scenarios.map((s) => s.name)).toEqual(["mismatch 0%", "mismatch 30%", "mismatch 0% + harmonic", "mismatch 30% + harmonic"]);
    for (const s of result.scenarios) {
      for (const f of [s.rl, s.svd]) {
        expect(f.episodes).toBe(2);
        expect(f.finalRms).toBeGreaterThan(0);
        expect(f.effortA).toBeGreaterThan(0);
        expect(f.failures).toBe(0);
      }
      expect([0.8, 1]).toContain(s.svd.gain);
    }
    // An untrained actor is the SVD step at gain 1: with a perfect model both reach the target as fast.
    expect(result.scenarios[0]!.rl.stepsToTarget).toBe(result.scenarios[0]!.svd.stepsToTarget);
    expect(result.goals.perfectModelFinalRms.ratio).toBeCloseTo(result.scenarios[0]!.rl.finalRms / result.scenarios[0]!.svd.finalRms, 12);
    expect(formatEvalTable(result)).toMatch(/^scenario +agent +final RMS mm/);
  });

  it("runs each machine's own checkpoint where the file names one", async () => {
    const env = testEnv();
    const td3 = tinyTd3(env);
    const other = await tempCheckpoint(env, td3);
    td3.dispose();
    const config = readEvalConfig(yamlFile(`checkpoint: ${checkpoint}\nmachines:\n  - mismatch: 0.3\n    checkpoint: ${other}\n  - mismatch: 0\n    harmonic: true\n    checkpoint: ${other}\nmismatches: [0, 0.3]\nepisodes: 1\nsteps: 3\nsvdGains: [1]\n`));
    expect(config.machines).toEqual([{ mismatch: 0.3, checkpoint: other }, { mismatch: 0, harmonic: true, checkpoint: other }]);
    const result = evaluate(config);
    expect(result.scenarios.map((s) => s.checkpoint)).toEqual([checkpoint, other, other, other]);
    expect(formatEvalTable(result)).toContain(`rl checkpoint for mismatch 0%: ${checkpoint}`);
    expect(formatEvalTable(result)).toContain(`rl checkpoint for mismatch 30%, mismatch 0% + harmonic, mismatch 30% + harmonic: ${other}`);
    const bad = yamlFile(`checkpoint: ${checkpoint}\nmachines:\n  - mismatch: 0.3\n`);
    expect(() => readEvalConfig(bad)).toThrow(ConfigError);
    expect(() => readEvalConfig(bad)).toThrow(`${bad}: machines[0].checkpoint is required, got nothing`);
  });

  it("refuses misspelt settings in training and evaluation files, naming file and key", () => {
    const bad = yamlFile("steps: 10\ntd3:\n  gama: 0.9\n");
    expect(() => readTrainConfig(bad)).toThrow(ConfigError);
    expect(() => readTrainConfig(bad)).toThrow(`${bad}: td3.gama is not a known setting (misspelt?), got 0.9`);
    const noCheckpoint = yamlFile("episodes: 2\n");
    expect(() => readEvalConfig(noCheckpoint)).toThrow(`${noCheckpoint}: checkpoint is required (the trained checkpoint directory), got nothing`);
    const range = yamlFile("scenarios:\n  mismatch: [0.3, 0.1]\n");
    expect(() => readTrainConfig(range)).toThrow(`${range}: scenarios.mismatch must be a number or [low, high] with 0 <= low <= high, got [0.3,0.1]`);
  });
});
