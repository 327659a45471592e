import { describe, expect, it } from "vitest";
import { InvalidArgumentError } from "../../engine/errors.ts";
import { Rng } from "./random.ts";

function moments(draw: () => number, n: number): { mean: number; variance: number } {
  let sum = 0;
  let sum2 = 0;
  for (let i = 0; i < n; i++) {
    const x = draw();
    sum += x;
    sum2 += x * x;
  }
  const mean = sum / n;
  return { mean, variance: sum2 / n - mean * mean };
}

describe("Rng", () => {
  it("repeats the same sequence for the same seed and differs for another", () => {
    const a = new Rng(42);
    const b = new Rng(42);
    const c = new Rng(43);
    const seqA = Array.from({ length: 8 }, () => a.nextUint32());
    const seqB = Array.from({ length: 8 }, () => b.nextUint32());
    const seqC = Array.from({ length: 8 }, () => c.nextUint32());
    expect(seqB).toEqual(seqA);
    expect(seqC).not.toEqual(seqA);
  });

  it("derives named streams that depend only on the seed and the label", () => {
    const a = new Rng(7);
    a.uniform();
    a.uniform();
    const b = new Rng(7);
    expect(a.derive("noise").uniform()).toBe(b.derive("noise").uniform());
    expect(a.derive("noise").uniform()).not.toBe(a.derive("drift").uniform());
  });

  it("keeps uniforms inside (0, 1) with mean 1/2 and variance 1/12", () => {
    const rng = new Rng(1);
    let min = 1;
    let max = 0;
    const m = moments(() => {
      const u = rng.uniform();
      min = Math.min(min, u);
      max = Math.max(max, u);
      return u;
    }, 200_000);
    expect(min).toBeGreaterThan(0);
    expect(max).toBeLessThan(1);
    expect(m.mean).toBeCloseTo(0.5, 2);
    expect(m.variance).toBeCloseTo(1 / 12, 3);
  });

  it("draws gaussians with the requested mean and sigma", () => {
    const rng = new Rng(3);
    const m = moments(() => rng.gaussian(2, 0.5), 200_000);
    expect(m.mean).toBeCloseTo(2, 2);
    expect(Math.sqrt(m.variance)).toBeCloseTo(0.5, 2);
  });

  it.each([0.5, 4, 25, 1e4, 1e9])("draws Poisson counts with mean and variance lambda = %d", (lambda) => {
    const rng = new Rng(11);
    const n = 50_000;
    const m = moments(() => rng.poisson(lambda), n);
    const se = Math.sqrt(lambda / n);
    expect(Math.abs(m.mean - lambda)).toBeLessThan(5 * se);
    expect(m.variance / lambda).toBeGreaterThan(0.95);
    expect(m.variance / lambda).toBeLessThan(1.05);
  });

  it("gives integer Poisson counts and P(0) = exp(-lambda) for a small mean", () => {
    const rng = new Rng(5);
    let zeros = 0;
    let nonIntegers = 0;
    const n = 100_000;
    for (let i = 0; i < n; i++) {
      const k = rng.poisson(1.5);
      if (!Number.isInteger(k)) nonIntegers++;
      if (k === 0) zeros++;
    }
    expect(nonIntegers).toBe(0);
    expect(zeros / n).toBeCloseTo(Math.exp(-1.5), 2);
  });

  it("continues exactly from a saved state", () => {
    const rng = new Rng(9);
    rng.gaussian();
    const saved = rng.save();
    const expected = [rng.gaussian(), rng.uniform(), rng.gaussian()];
    const again = Rng.restore(saved);
    expect([again.gaussian(), again.uniform(), again.gaussian()]).toEqual(expected);
  });

  it("takes names as seeds, and gives 0 for a zero Poisson mean and integers in range", () => {
    expect(new Rng("det1").uniform()).toBe(new Rng("det1").uniform());
    expect(new Rng("det1").uniform()).not.toBe(new Rng("det2").uniform());
    expect(new Rng(1).poisson(0)).toBe(0);
    const rng = new Rng(3);
    const ints = Array.from({ length: 1000 }, () => rng.int(6));
    expect(ints.every((i) => Number.isInteger(i) && i >= 0 && i < 6)).toBe(true);
    expect(new Set(ints).size).toBe(6);
  });

  it("rejects a non-integer seed and a negative Poisson mean, naming the value", () => {
    expect(() => new Rng(NaN)).toThrow(InvalidArgumentError);
    expect(() => new Rng(NaN)).toThrow("seed must be a finite integer or a string, got NaN");
    expect(() => new Rng(1.5)).toThrow(InvalidArgumentError);
    expect(() => new Rng(1.5)).toThrow("seed must be a finite integer or a string, got 1.5");
    expect(() => new Rng(1).poisson(-2)).toThrow(InvalidArgumentError);
    expect(() => new Rng(1).poisson(-2)).toThrow("poisson(lambda) needs a finite lambda >= 0, got -2");
  });
});
