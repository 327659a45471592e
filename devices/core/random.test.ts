import { describe, expect, it } from "vitest";
import { InvalidArgumentError } from "../../engine/errors.ts";
import { hashSeed, SeededRandom } from "./random.ts";

describe("SeededRandom", () => {
  it("repeats the same sequence for the same seed and differs for another", () => {
    const a = new SeededRandom(42);
    const b = new SeededRandom(42);
    const c = new SeededRandom(43);
    const sa = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(sa);
    expect(Array.from({ length: 5 }, () => c.next())).not.toEqual(sa);
    for (const v of sa) expect(v >= 0 && v < 1).toBe(true);
    expect(new SeededRandom("det1").seed).toBe(hashSeed("det1"));
  });

  it("draws normal values with the requested mean and spread", () => {
    const r = new SeededRandom(7);
    const xs = Array.from({ length: 20000 }, () => r.normal(5, 2));
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    const sd = Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / xs.length);
    expect(mean).toBeCloseTo(5, 1);
    expect(sd).toBeCloseTo(2, 1);
  });

  it("draws Poisson counts whose mean and variance equal lambda", () => {
    for (const lambda of [3, 200]) {
      const r = new SeededRandom(11);
      const xs = Array.from({ length: 20000 }, () => r.poisson(lambda));
      const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
      const variance = xs.reduce((s, x) => s + (x - mean) ** 2, 0) / xs.length;
      expect(Math.abs(mean - lambda) / lambda).toBeLessThan(0.03);
      expect(Math.abs(variance - lambda) / lambda).toBeLessThan(0.06);
      expect(xs.every((x) => Number.isInteger(x) && x >= 0)).toBe(true);
    }
    expect(new SeededRandom(1).poisson(0)).toBe(0);
  });

  it("forks independent, reproducible streams and refuses bad seeds", () => {
    const f1 = new SeededRandom(5).fork("noise");
    const f2 = new SeededRandom(5).fork("noise");
    expect(f1.next()).toBe(f2.next());
    expect(new SeededRandom(5).fork("drift").next()).not.toBe(new SeededRandom(5).fork("noise").next());
    const i = new SeededRandom(3).integer(1, 6);
    expect(i >= 1 && i <= 6 && Number.isInteger(i)).toBe(true);
    expect(() => new SeededRandom(NaN)).toThrow(InvalidArgumentError);
    expect(() => new SeededRandom(NaN)).toThrow("random seed must be a finite number or a string, got NaN");
  });
});
