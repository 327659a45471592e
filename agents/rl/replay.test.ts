import { describe, expect, it } from "vitest";
import { InvalidArgumentError } from "../../engine/errors.ts";
import { Rng } from "../../sims/math/index.ts";
import { ReplayBuffer } from "./replay.ts";

describe("ReplayBuffer", () => {
  it("keeps whole transitions together and overwrites the oldest once full", () => {
    const buffer = new ReplayBuffer(3, 2, 1);
    for (let i = 0; i < 5; i++) buffer.add([i, -i], [i / 10], i * 100, [i + 1, 0], i % 2 === 0);
    expect(buffer.size).toBe(3);
    const batch = buffer.sample(buffer.createBatch(50), new Rng(1));
    const seen = new Set<number>();
    for (let b = 0; b < 50; b++) {
      const i = batch.obs[2 * b]!;
      seen.add(i);
      expect(batch.obs[2 * b + 1]).toBe(-i);
      expect(batch.action[b]).toBeCloseTo(i / 10, 6);
      expect(batch.reward[b]).toBe(i * 100);
      expect(batch.nextObs[2 * b]).toBe(i + 1);
      expect(batch.terminal[b]).toBe(i % 2 === 0 ? 1 : 0);
    }
    expect([...seen].sort()).toEqual([2, 3, 4]);
  });

  it("samples reproducibly from a seed", () => {
    const buffer = new ReplayBuffer(10, 1, 1);
    for (let i = 0; i < 10; i++) buffer.add([i], [0], 0, [0], false);
    const a = Array.from(buffer.sample(buffer.createBatch(8), new Rng(4)).obs);
    const b = Array.from(buffer.sample(buffer.createBatch(8), new Rng(4)).obs);
    expect(a).toEqual(b);
  });

  it("refuses malformed transitions and empty sampling with clear errors", () => {
    const buffer = new ReplayBuffer(4, 2, 1);
    expect(() => buffer.sample(buffer.createBatch(1), new Rng(1))).toThrow(InvalidArgumentError);
    expect(() => buffer.sample(buffer.createBatch(1), new Rng(1))).toThrow("cannot sample from an empty replay buffer");
    expect(() => buffer.add([1], [0], 0, [1, 2], false)).toThrow("a transition needs observations of 2 values, got 1 and 2");
    expect(() => buffer.add([1, 2], [0], NaN, [1, 2], false)).toThrow("a transition's reward must be finite, got NaN");
    expect(() => new ReplayBuffer(0, 1, 1)).toThrow("replay buffer capacity must be an integer >= 1, got 0");
  });
});
