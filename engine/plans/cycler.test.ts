import { describe, expect, it } from "vitest";
import { InvalidArgumentError } from "../errors.ts";
import { cycler, innerProduct, outerProduct, snakeCyclers } from "./cycler.ts";
import { linspace, logspace, outerProductPattern, spiralFermatPattern } from "./patterns.ts";
import { FakeMotor } from "./testing.test-helpers.ts";

const a = new FakeMotor("a");
const b = new FakeMotor("b");
const c = new FakeMotor("c");
const rows = (cy: { points(): Map<unknown, unknown>[] }) => cy.points().map((p) => [...p.values()]);

describe("Cycler", () => {
  it("zips with add and nests with mul, left axis slowest", () => {
    expect(rows(innerProduct(cycler(a, [1, 2]), cycler(b, [3, 4])))).toEqual([
      [1, 3],
      [2, 4],
    ]);
    expect(rows(outerProduct(cycler(a, [1, 2]), cycler(b, [3, 4, 5])))).toEqual([
      [1, 3],
      [1, 4],
      [1, 5],
      [2, 3],
      [2, 4],
      [2, 5],
    ]);
  });

  it("rejects zipping different lengths and reusing a motor", () => {
    expect(() => cycler(a, [1, 2]).add(cycler(b, [1]))).toThrow(InvalidArgumentError);
    expect(() => cycler(a, [1, 2]).add(cycler(b, [1]))).toThrow(
      "cannot zip trajectories of different lengths: cycler(a; 2 points) has 2 points, cycler(b; 1 points) has 1",
    );
    expect(() => cycler(a, [1]).mul(cycler(a, [2]))).toThrow("cannot mul trajectories that both move a");
  });

  it("concatenates trajectories with the same keys", () => {
    const cy = innerProduct(cycler(a, [1]), cycler(b, [2])).concat(innerProduct(cycler(b, [4]), cycler(a, [3])));
    expect(rows(cy)).toEqual([
      [1, 2],
      [3, 4],
    ]);
  });

  it("snakes the inner axis back and forth", () => {
    const cy = snakeCyclers([cycler(a, [1, 2, 3]), cycler(b, [10, 20])], [false, true]);
    expect(rows(cy)).toEqual([
      [1, 10],
      [1, 20],
      [2, 20],
      [2, 10],
      [3, 10],
      [3, 20],
    ]);
  });

  it("snakes a 3-D grid: each snaked axis reverses on every pass of the axes outside it", () => {
    const cy = snakeCyclers([cycler(a, [0, 1]), cycler(b, [0, 1]), cycler(c, [0, 1])], [false, true, true]);
    expect(rows(cy)).toEqual([
      [0, 0, 0],
      [0, 0, 1],
      [0, 1, 1],
      [0, 1, 0],
      [1, 1, 0],
      [1, 1, 1],
      [1, 0, 1],
      [1, 0, 0],
    ]);
    // Snaking makes every step move exactly one axis by one point.
    const pts = rows(cy) as number[][];
    for (let i = 1; i < pts.length; i++)
      expect(pts[i]!.reduce((n, v, j) => n + Math.abs(v - pts[i - 1]![j]!), 0)).toBe(1);
  });

  it("never snakes the first axis of a pattern", () => {
    expect(rows(outerProductPattern([[a, 0, 1, 2, true]]))).toEqual([[0], [1]]);
  });
});

describe("patterns", () => {
  it("linspace includes both ends and handles one point", () => {
    expect(linspace(-1, 1, 5)).toEqual([-1, -0.5, 0, 0.5, 1]);
    expect(linspace(3, 9, 1)).toEqual([3]);
  });

  it("logspace spaces powers of ten evenly in the exponent", () => {
    const v = logspace(0, 3, 4);
    expect(v).toEqual([1, 10, 100, 1000]);
    const ratios = logspace(-1, 1, 9).slice(1).map((x, i) => x / logspace(-1, 1, 9)[i]!);
    for (const r of ratios) expect(r).toBeCloseTo(10 ** 0.25, 12);
  });

  it("spiralFermatPattern stays within the ranges and follows the golden angle", () => {
    const cy = spiralFermatPattern({ xMotor: a, yMotor: b, xStart: 1, yStart: -2, xRange: 2, yRange: 1, dr: 0.1, factor: 1 });
    const xs = cy.column(a) as number[];
    const ys = cy.column(b) as number[];
    for (const x of xs) expect(Math.abs(x - 1)).toBeLessThanOrEqual(1 + 1e-12);
    for (const y of ys) expect(Math.abs(y + 2)).toBeLessThanOrEqual(0.5 + 1e-12);
    // The first point is i=1: radius 0.1, angle 137.508 degrees.
    const phi = (137.508 * Math.PI) / 180;
    expect(xs[0]).toBeCloseTo(1 + 0.1 * Math.cos(phi), 12);
    expect(ys[0]).toBeCloseTo(-2 + 0.1 * Math.sin(phi), 12);
    // Point i sits at radius sqrt(i)·dr, so there is one point per pi·dr² of area: about 2 / (pi·0.01) here.
    const expected = (2 * 1) / (Math.PI * 0.1 ** 2);
    expect(cy.length / expected).toBeGreaterThan(0.8);
    expect(cy.length / expected).toBeLessThan(1.2);
  });
});
