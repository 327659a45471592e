import { describe, expect, it } from "vitest";
import { InvalidArgumentError } from "../../engine/errors.ts";
import { rms, Rng } from "../../sims/math/index.ts";
import { EpisodeEnd, TRAINING_SEED_BASE, type RingEnv } from "./env.ts";
import { testEnv } from "./test-helpers.ts";

const start = { seed: 5, machineSeed: 1, mismatch: 0, initialSpreadA: 1, harmonic: null };

function rmsOf(env: RingEnv): number {
  return rms(env.simulator!.readOrbit());
}

describe("RingEnv", () => {
  it("observes normalised readings with history and a log-scale feature", () => {
    const env = testEnv({ policy: { history: 2 } });
    const obs = env.reset(start);
    expect(env.obsSize).toBe(24 * 3 + 12 * 2 + 1);
    expect(obs.length).toBe(env.obsSize);
    const current = Array.from(obs.subarray(0, 24));
    expect(Math.sqrt(current.reduce((a, v) => a + v * v, 0) / 24)).toBeCloseTo(1, 5);
    expect(Array.from(obs.subarray(24, 24 * 3 + 24)).every((v) => v === 0)).toBe(true);
    const next = env.step(new Float32Array(env.actionSize)).obs;
    expect(Array.from(next.subarray(24, 48)).some((v) => v !== 0)).toBe(true);
  });

  it("with a zero residual is the SVD step: the orbit drops, the reward rises, and it converges", () => {
    const env = testEnv({ targetRms: 0.002, holdSteps: 2 });
    env.reset({ ...start, initialSpreadA: 3 });
    const a = new Float32Array(env.actionSize);
    const results = [];
    for (let i = 0; i < 10; i++) {
      const r = env.step(a);
      results.push(r);
      if (r.done) break;
    }
    expect(results[0]!.rms).toBeGreaterThan(results[1]!.rms);
    expect(results[1]!.reward).toBeGreaterThan(results[0]!.reward);
    const last = results.at(-1)!;
    expect(last).toMatchObject({ done: true, terminal: true, end: EpisodeEnd.Converged });
    expect(last.rms).toBeLessThanOrEqual(0.002);
    expect(results.length).toBeLessThanOrEqual(5);
  });

  it("with the relative reward, scores each step by its orbit reduction on a log scale", () => {
    const env = testEnv({ reward: { kind: "relative", effort: 0, saturation: 0, floorMm: 0.001 } });
    env.reset(start);
    const before = rmsOf(env);
    const r1 = env.step(new Float32Array(env.actionSize));
    expect(r1.reward).toBeCloseTo(-Math.log10(Math.max(r1.rms, 0.001) / Math.max(before, 0.001)), 9);
    expect(r1.reward).toBeGreaterThan(1);
    const r2 = env.step(new Float32Array(env.actionSize));
    expect(r2.reward).toBeCloseTo(-Math.log10(Math.max(r2.rms, 0.001) / Math.max(r1.rms, 0.001)), 9);
  });

  it("draws training scenarios with seeds at or above 2^20, from its own stream or a given one", () => {
    const env = testEnv({ seed: 4 });
    const seeds = Array.from({ length: 50 }, () => env.drawScenario().seed);
    expect(Math.min(...seeds)).toBeGreaterThanOrEqual(TRAINING_SEED_BASE);
    const other = testEnv({ seed: 4 });
    expect(other.drawScenario(new Rng(9)).seed).not.toBe(seeds[0]);
    expect(other.drawScenario().seed).toBe(seeds[0]);
  });

  it("penalises effort and ends at the step limit without a terminal state", () => {
    const env = testEnv({ maxSteps: 2, reward: { effort: 1000 } });
    env.reset(start);
    const r1 = env.step(new Float32Array(env.actionSize));
    expect(r1.effortA).toBeGreaterThan(0);
    expect(r1.reward).toBeLessThan(-10);
    const r2 = env.step(new Float32Array(env.actionSize).fill(1));
    expect(r2).toMatchObject({ done: true, terminal: false, end: EpisodeEnd.StepLimit });
  });

  it("ends the episode with the beam-loss reward when the orbit leaves the aperture", () => {
    const env = testEnv({ setup: { limitA: 500 }, policy: { residualScale: 1e5, maxStepA: 200 }, reward: { beamLoss: -10, effort: 0, saturation: 0 } });
    env.reset(start);
    let r = env.step(new Float32Array(env.actionSize).fill(1));
    for (let i = 0; i < 5 && !r.done; i++) r = env.step(new Float32Array(env.actionSize).fill(1));
    expect(r).toMatchObject({ done: true, terminal: true, end: EpisodeEnd.BeamLoss, reward: -10 });
    expect(r.rms).toBeNaN();
    expect(() => env.step(new Float32Array(env.actionSize))).toThrow(InvalidArgumentError);
    expect(() => env.step(new Float32Array(env.actionSize))).toThrow("step() needs an episode in progress: call reset() first");
  });

  it("draws reproducible scenarios from its seed within the configured ranges", () => {
    const a = testEnv({ seed: 3, scenarios: { mismatch: [0.1, 0.2], harmonicProbability: 1 } });
    const b = testEnv({ seed: 3, scenarios: { mismatch: [0.1, 0.2], harmonicProbability: 1 } });
    const sa = Array.from({ length: 5 }, () => a.drawScenario());
    expect(sa).toEqual(Array.from({ length: 5 }, () => b.drawScenario()));
    sa.forEach((s) => {
      expect(s.mismatch).toBeGreaterThanOrEqual(0.1);
      expect(s.mismatch).toBeLessThanOrEqual(0.2);
      expect(s.harmonic).not.toBeNull();
      expect(s.machineSeed).toBe(1);
    });
  });

  it("refuses bad options and actions, naming them", () => {
    expect(() => testEnv({ scenarios: { mismatch: [0.5, 0.2] } })).toThrow("scenarios.mismatch must be [low, high] with 0 <= low <= high, got [0.5,0.2]");
    expect(() => testEnv({ maxSteps: 0 })).toThrow(InvalidArgumentError);
    const env = testEnv();
    env.reset(start);
    expect(() => env.step([0, 0])).toThrow("action has 2 values, the policy has 12 modes");
  });
});
