import { describe, expect, it } from "vitest";
import { InvalidArgumentError } from "../../engine/errors.ts";
import { GridSearchAgent, gridOptionsFromSettings } from "./grid.ts";
import { PeakSearchAgent } from "./peak.ts";
import { RandomSearchAgent, randomOptionsFromSettings } from "./random.ts";

describe("GridSearchAgent", () => {
  it("visits every grid point in order, outer axis slowest, and says done on the last", () => {
    const grid = new GridSearchAgent({ bounds: { a: [0, 1], b: [-1, 1] }, points: { a: 2, b: 3 } });
    const first = grid.ask(4);
    const rest = grid.ask(10);
    expect([...first, ...rest].map((s) => s.points)).toEqual([
      { a: 0, b: -1 },
      { a: 0, b: 0 },
      { a: 0, b: 1 },
      { a: 1, b: -1 },
      { a: 1, b: 0 },
      { a: 1, b: 1 },
    ]);
    expect(first.some((s) => s.done)).toBe(false);
    expect(rest.map((s) => s.done ?? false)).toEqual([false, true]);
    expect(grid.ask(1)).toEqual([]);
    expect(grid.report()).toMatchObject({ kind: "grid", done: true, suggested: 6, total: 6 });
    grid.reset();
    expect(grid.ask(1)[0]!.points).toEqual({ a: 0, b: -1 });
  });

  it("snakes so that every move changes one axis by one step", () => {
    const grid = new GridSearchAgent({ bounds: { a: [0, 2], b: [0, 2], c: [0, 1] }, points: { a: 3, b: 3, c: 2 }, snake: true });
    const pts = grid.ask(100).map((s) => [s.points.a!, s.points.b!, s.points.c!]);
    expect(pts).toHaveLength(18);
    expect(new Set(pts.map((p) => p.join())).size).toBe(18);
    for (let i = 1; i < pts.length; i++) {
      const moves = pts[i]!.map((v, k) => Math.abs(v - pts[i - 1]![k]!));
      expect(moves.filter((m) => m > 0)).toEqual([1]);
    }
  });

  it("keeps the best reading when given an objective", () => {
    const grid = GridSearchAgent.fromSettings({ bounds: { x: [-2, 2] }, points: 5, objective: "det" });
    for (const s of grid.ask(5)) grid.tell(s.points, { det: 1 - (s.points.x! - 1) ** 2 });
    expect(grid.report().best).toEqual({ points: { x: 1 }, value: 1 });
  });

  it("refuses bad settings naming the agent and the setting", () => {
    expect(() => gridOptionsFromSettings({ bounds: { x: [1, 0] }, points: 3 }, "scan")).toThrow(InvalidArgumentError);
    expect(() => gridOptionsFromSettings({ bounds: { x: [1, 0] }, points: 3 }, "scan")).toThrow('agent "scan": setting "bounds.x" must be [low, high] with finite low < high, got [1,0]');
    expect(() => gridOptionsFromSettings({ bounds: { x: [0, 1] }, points: 0 }, "scan")).toThrow('agent "scan": setting "points" must be an integer >= 1, got 0');
    expect(() => gridOptionsFromSettings({ bounds: { x: [0, 1] } }, "scan")).toThrow('agent "scan": setting "points" is required (points per dimension), got nothing');
  });
});

describe("RandomSearchAgent", () => {
  it("stays within the bounds, repeats itself for a seed and differs between seeds", () => {
    const bounds = { x: [-1, 3], y: [10, 10.5] } as const;
    const a = new RandomSearchAgent({ bounds, seed: 7 }).ask(200);
    const b = new RandomSearchAgent({ bounds, seed: 7 }).ask(200);
    const c = new RandomSearchAgent({ bounds, seed: 8 }).ask(200);
    expect(a).toEqual(b);
    expect(a.map((s) => s.points)).not.toEqual(c.map((s) => s.points));
    for (const s of a) {
      expect(s.points.x).toBeGreaterThanOrEqual(-1);
      expect(s.points.x).toBeLessThanOrEqual(3);
      expect(s.points.y).toBeGreaterThanOrEqual(10);
      expect(s.points.y).toBeLessThanOrEqual(10.5);
    }
    // Covers the box: every quarter of x gets a fair share of 200 points.
    const quarters = [0, 0, 0, 0];
    for (const s of a) quarters[Math.min(3, Math.floor(s.points.x! + 1))]!++;
    for (const q of quarters) expect(q).toBeGreaterThan(30);
  });

  it("stops at maxPoints and keeps the lowest value when minimising", () => {
    const agent = new RandomSearchAgent(randomOptionsFromSettings({ bounds: { x: [0, 1] }, maxPoints: 3, objective: "loss", minimize: true }, "r"));
    const s = agent.ask(5);
    expect(s).toHaveLength(3);
    expect(s[2]!.done).toBe(true);
    s.forEach((p, i) => agent.tell(p.points, { loss: [5, 2, 9][i]! }));
    expect(agent.best()).toEqual({ points: s[1]!.points, value: 2 });
    expect(agent.report()).toMatchObject({ done: true, observations: 3 });
  });
});

describe("PeakSearchAgent", () => {
  it("zooms in on a peak well below the coarse step", () => {
    const peak = 0.3137;
    const f = (x: number): number => Math.exp(-(((x - peak) / 0.2) ** 2));
    const agent = new PeakSearchAgent({ bounds: { th: [-2, 2] }, objective: "I", passes: 4 });
    let measured = 0;
    let last = false;
    for (;;) {
      const [s] = agent.ask(1);
      if (s === undefined) break;
      agent.tell(s.points, { I: f(s.points.th!) });
      measured++;
      last = s.done ?? false;
    }
    expect(last).toBe(true);
    expect(measured).toBe(11 + 4 * 5);
    // Coarse step 0.4, then ±1 step over 5 points halves it each pass: final step 0.025.
    expect(Math.abs(agent.best()!.points.th! - peak)).toBeLessThan(0.0125);
    expect(agent.report()).toMatchObject({ done: true, pass: 4 });
  });

  it("waits for the measurements of a pass before planning the next", () => {
    const agent = new PeakSearchAgent({ bounds: { th: [0, 1] }, objective: "I", coarsePoints: 3 });
    const coarse = agent.ask(10);
    expect(coarse).toHaveLength(3);
    expect(agent.ask(1)).toEqual([]);
    coarse.forEach((s) => agent.tell(s.points, { I: s.points.th! }));
    const next = agent.ask(10);
    expect(next.map((s) => s.points.th)).toEqual([0.5, 0.625, 0.75, 0.875, 1]);
  });

  it("takes exactly one variable", () => {
    expect(() => new PeakSearchAgent({ bounds: { a: [0, 1], b: [0, 1] }, objective: "I" })).toThrow('agent "peak": a peak search takes exactly one variable, got 2 (a, b)');
  });
});
