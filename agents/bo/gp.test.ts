import { describe, expect, it } from "vitest";
import { Rng } from "../../sims/math/index.ts";
import { acquisitionValue, AcquisitionKind } from "./acquisition.ts";
import { cholesky, choleskySolve, NotPositiveDefiniteError } from "./cholesky.ts";
import { ShiftedHalton } from "./design.ts";
import { fitGaussianProcess, GaussianProcess } from "./gp.ts";
import { KernelKind } from "./kernel.ts";
import { nelderMead } from "./nelder_mead.ts";

describe("cholesky", () => {
  it("solves a symmetric positive definite system", () => {
    const a = Float64Array.of(4, 2, 0.6, 2, 5, 1, 0.6, 1, 3);
    const c = cholesky(a, 3);
    const x = choleskySolve(c, [1, 2, 3]);
    for (let i = 0; i < 3; i++) expect(a[i * 3]! * x[0]! + a[i * 3 + 1]! * x[1]! + a[i * 3 + 2]! * x[2]!).toBeCloseTo([1, 2, 3][i]!, 12);
    expect(c.jitter).toBe(0);
    expect(c.logDet).toBeCloseTo(Math.log(4 * (5 * 3 - 1) - 2 * (2 * 3 - 0.6) + 0.6 * (2 - 5 * 0.6)), 12);
  });

  it("adds jitter to a singular matrix and refuses an indefinite one", () => {
    expect(cholesky(Float64Array.of(1, 1, 1, 1), 2).jitter).toBeGreaterThan(0);
    expect(() => cholesky(Float64Array.of(1, 2, 2, 1), 2)).toThrow(NotPositiveDefiniteError);
    expect(() => cholesky(Float64Array.of(1, 2, 2, 1), 2)).toThrow("a 2x2 covariance matrix is not positive definite even with a jitter of 0.0001 on its diagonal");
  });
});

describe("GaussianProcess", () => {
  const f = (x: number, y: number): number => Math.sin(6 * x) + 0.5 * y;
  const rng = new Rng(3);
  const points = Array.from({ length: 12 }, () => Float64Array.of(rng.uniform(), rng.uniform()));
  const values = points.map((p) => f(p[0]!, p[1]!));

  it.each([KernelKind.Matern52, KernelKind.Rbf])("interpolates noise-free data and is sure only where it has looked (%s)", (kind) => {
    const gp = new GaussianProcess(kind, points, values, { lengthScales: Float64Array.of(0.3, 0.5), variance: 1, noise: 1e-8 });
    const prior = gp.hyper.variance * gp.standardisation.std ** 2;
    points.forEach((p, i) => {
      const pred = gp.predict(p);
      expect(pred.mean).toBeCloseTo(values[i]!, 4);
      expect(pred.variance).toBeLessThan(1e-5 * prior);
    });
    const far = gp.predict([3, 3]);
    expect(far.variance).toBeCloseTo(prior, 6);
    expect(far.mean).toBeCloseTo(gp.standardisation.mean, 3);
  });

  it("shrinks the variance at a point once it is observed (the kriging believer's update)", () => {
    const gp = new GaussianProcess(KernelKind.Matern52, points, values, { lengthScales: Float64Array.of(0.3, 0.5), variance: 1, noise: 1e-6 });
    const x = [0.91, 0.07];
    const before = gp.predict(x);
    const after = gp.withObservation(x, before.mean).predict(x);
    expect(after.variance).toBeLessThan(0.01 * before.variance);
    expect(after.mean).toBeCloseTo(before.mean, 6);
  });

  it("fits short length scales along the fast direction and finds the noise level", () => {
    const r = new Rng(9);
    const xs = Array.from({ length: 40 }, () => Float64Array.of(r.uniform(), r.uniform()));
    const noiseSd = 0.05;
    const ys = xs.map((p) => f(p[0]!, p[1]!) + noiseSd * r.gaussian());
    const gp = fitGaussianProcess(xs, ys, { rng: new Rng(1) });
    const [lx, ly] = gp.hyper.lengthScales;
    expect(lx!).toBeLessThan(ly!);
    const fittedNoiseSd = Math.sqrt(gp.hyper.noise) * gp.standardisation.std;
    expect(fittedNoiseSd).toBeGreaterThan(noiseSd / 3);
    expect(fittedNoiseSd).toBeLessThan(noiseSd * 3);
    const fixed = new GaussianProcess(KernelKind.Matern52, xs, ys, { ...gp.hyper, lengthScales: Float64Array.of(0.3, 0.3) }, gp.standardisation);
    expect(gp.logMarginalLikelihood()).toBeGreaterThan(fixed.logMarginalLikelihood());
    // Predicts the function, not the noise, at new points.
    for (const p of [[0.25, 0.5], [0.6, 0.2], [0.8, 0.9]]) expect(Math.abs(gp.predict(p).mean - f(p[0]!, p[1]!))).toBeLessThan(0.1);
  });
});

describe("acquisition functions", () => {
  const ei = { kind: AcquisitionKind.ExpectedImprovement, xi: 0, kappa: 2 };
  it("EI is the plain improvement without uncertainty and grows with it", () => {
    expect(acquisitionValue(ei, 3, 0, 1)).toBe(2);
    expect(acquisitionValue(ei, 0.5, 0, 1)).toBe(0);
    // At mean = best, EI = σ φ(0).
    expect(acquisitionValue(ei, 1, 2, 1)).toBeCloseTo(2 / Math.sqrt(2 * Math.PI), 6);
    expect(acquisitionValue(ei, 0.5, 1, 1)).toBeGreaterThan(acquisitionValue(ei, 0.5, 0.5, 1));
  });
  it("UCB is μ + κσ and PI a probability", () => {
    expect(acquisitionValue({ ...ei, kind: AcquisitionKind.UpperConfidenceBound }, 1, 0.5, 99)).toBe(2);
    expect(acquisitionValue({ ...ei, kind: AcquisitionKind.ProbabilityOfImprovement }, 1, 1, 1)).toBeCloseTo(0.5, 6);
    expect(acquisitionValue({ ...ei, kind: AcquisitionKind.ProbabilityOfImprovement }, 3, 1, 1)).toBeCloseTo(0.97725, 4);
  });
});

describe("nelderMead and the design", () => {
  it("finds the Rosenbrock minimum", () => {
    const found = nelderMead((x) => 100 * (x[1]! - x[0]! ** 2) ** 2 + (1 - x[0]!) ** 2, [-1.2, 1], { maxEvaluations: 2000, tolerance: 1e-14 });
    expect(found.x[0]).toBeCloseTo(1, 3);
    expect(found.x[1]).toBeCloseTo(1, 3);
  });

  it("spreads the shifted Halton points over the unit square, differently per seed", () => {
    const a = new ShiftedHalton(2, new Rng(1));
    const pts = Array.from({ length: 64 }, (_, i) => a.point(i));
    const cellsFilled = (ps: ArrayLike<number>[]): number => new Set(ps.map((p) => `${Math.floor(p[0]! * 8)},${Math.floor(p[1]! * 8)}`)).size;
    // 64 uniform random points fill about 41 of 64 cells; a low-discrepancy set fills clearly more.
    for (let seed = 1; seed <= 5; seed++) {
      const r = new Rng(seed);
      expect(cellsFilled(pts)).toBeGreaterThan(cellsFilled(pts.map(() => [r.uniform(), r.uniform()])));
    }
    for (const p of pts) for (const v of p) expect(v >= 0 && v < 1).toBe(true);
    expect(new ShiftedHalton(2, new Rng(2)).point(0)).not.toEqual(a.point(0));
  });
});
