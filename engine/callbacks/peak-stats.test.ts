import { describe, expect, it } from "vitest";
import { sampleRun } from "../documents/sample-run.ts";
import { InvalidArgumentError } from "../errors.ts";
import { computePeakStats, PeakStats } from "./peak-stats.ts";
import type { PeakStatsResult } from "./peak-stats.ts";

const CENTRE = 0.37;
const SIGMA = 0.8;
const FWHM = 2 * Math.sqrt(2 * Math.log(2)) * SIGMA;
const gaussian = (x: number) => 5 * Math.exp(-((x - CENTRE) ** 2) / (2 * SIGMA ** 2));
const grid = (i: number) => -5 + 0.05 * i; // 201 points over [-5, 5]

function statsOf(docs: ReturnType<typeof sampleRun>, options = { x: "motor", y: "det" }): PeakStatsResult | undefined {
  const seen: PeakStatsResult[] = [];
  const ps = new PeakStats({ ...options, onStats: (s) => seen.push(s) });
  for (const [name, doc] of docs) ps.callback(name, doc);
  expect(seen).toEqual(ps.stats === undefined ? [] : [ps.stats]);
  return ps.stats;
}

describe("PeakStats", () => {
  it("finds the analytic centre, centre of mass, extrema and FWHM of a Gaussian", () => {
    const stats = statsOf(
      sampleRun({ motor: { name: "motor", value: grid }, detectors: [{ name: "det", value: (_i, x) => gaussian(x) }], points: 201 }),
    )!;
    expect(stats.com).toBeCloseTo(CENTRE, 6);
    expect(stats.cen).toBeCloseTo(CENTRE, 3);
    expect(stats.fwhm).toBeCloseTo(FWHM, 2);
    expect(stats.max![0]).toBeCloseTo(0.35, 10); // the grid point nearest the centre
    expect(stats.max![1]).toBeCloseTo(gaussian(0.35), 10);
    expect(stats.min).toEqual([-5, gaussian(-5)]);
    expect(stats.crossings).toHaveLength(2);
    expect(stats.skipped).toBe(0);
  });

  it("gives the same statistics when the points arrive out of order or as a page", () => {
    const order = Array.from({ length: 201 }, (_, i) => (i * 37) % 201); // a permutation: 37 and 201 are coprime
    const shuffled = statsOf(
      sampleRun({
        motor: { name: "motor", value: (i) => grid(order[i]!) },
        detectors: [{ name: "det", value: (_i, x) => gaussian(x) }],
        points: 201,
        asPage: true,
      }),
    )!;
    expect(shuffled.cen).toBeCloseTo(CENTRE, 3);
    expect(shuffled.fwhm).toBeCloseTo(FWHM, 2);
    expect(shuffled.com).toBeCloseTo(CENTRE, 6);
    expect(shuffled.x).toEqual([...shuffled.x].sort((a, b) => a - b));
  });

  it("reports undefined statistics, never NaN, for a run with no events", () => {
    const stats = statsOf(sampleRun({ motor: { name: "motor", value: grid }, detectors: [{ name: "det", value: () => 1 }], points: 0 }))!;
    expect(stats).toEqual({ com: undefined, cen: undefined, max: undefined, min: undefined, fwhm: undefined, crossings: [], x: [], y: [], skipped: 0 });
  });

  it("handles a single point and a flat line", () => {
    expect(computePeakStats([2], [3])).toMatchObject({ com: 2, cen: undefined, max: [2, 3], min: [2, 3], fwhm: undefined });
    expect(computePeakStats([0, 1, 2], [4, 4, 4])).toMatchObject({ com: 1, cen: undefined, max: [0, 4], min: [0, 4], fwhm: undefined });
    expect(computePeakStats([0, 1, 2], [0, 0, 0]).com).toBeUndefined();
  });

  it("gives a centre but no width for a step", () => {
    const stats = computePeakStats([0, 1, 2, 3], [0, 0, 1, 1]);
    expect(stats.crossings).toEqual([1.5]);
    expect(stats.cen).toBe(1.5);
    expect(stats.fwhm).toBeUndefined();
  });

  it("skips points with missing or non-finite values and counts them", () => {
    const stats = computePeakStats([0, 1, 2, 3, 4], [0, Number.NaN, 2, undefined, 0]);
    expect(stats.x).toEqual([0, 2, 4]);
    expect(stats.skipped).toBe(2);
    expect(stats.cen).toBe(2);
    expect(stats.fwhm).toBe(2);
  });

  it("computes on demand while the run is going", () => {
    const docs = sampleRun({ motor: { name: "motor", value: (i) => i }, detectors: [{ name: "det", value: (i) => 10 - i }], points: 5 });
    const ps = new PeakStats({ x: "motor", y: "det" });
    for (const [name, doc] of docs.slice(0, 4)) ps.callback(name, doc);
    expect(ps.stats).toBeUndefined();
    expect(ps.compute()).toMatchObject({ max: [0, 10], min: [1, 9], x: [0, 1] });
  });

  it("ignores runs whose stream lacks the fields", () => {
    const docs = sampleRun({ motor: { name: "m2", value: (i) => i }, detectors: [{ name: "det", value: (i) => i }], points: 3 });
    expect(statsOf(docs)!.x).toEqual([]);
  });

  it("rejects x and y of different lengths", () => {
    const call = () => computePeakStats([1, 2], [1]);
    expect(call).toThrow(InvalidArgumentError);
    expect(call).toThrow("x and y must have the same length, got 2 and 1");
  });
});
