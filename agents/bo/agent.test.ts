import { describe, expect, it } from "vitest";
import { InvalidArgumentError } from "../../engine/errors.ts";
import { BeamlineSimulator } from "../../sims/beamline/index.ts";
import { Rng } from "../../sims/math/index.ts";
import { RandomSearchAgent } from "../search/random.ts";
import { BayesOptAgent, bayesOptOptionsFromSettings, type BayesOptOptions } from "./agent.ts";
import { nelderMead } from "./nelder_mead.ts";

/** Flux at the sample (1e12 ph/s) of the simulated beamline over mirror pitch (mrad) and vertical slit gap (mm). */
const beamline = new BeamlineSimulator();
function flux(pitch: number, gap: number): number {
  beamline.mirror.pitchMrad = pitch;
  beamline.slits.setGap("y", gap);
  return beamline.flux().atSample / 1e12;
}
const bounds = { pitch: [3.49, 3.51], gap: [0.05, 1.5] } as const;
/** 2% detector noise, as from counting statistics and beam-current jitter. */
const NOISE = 0.02;

const trueMax = ((): number => {
  let best = { p: 0, g: 0, v: -Infinity };
  for (let i = 0; i <= 40; i++) {
    for (let j = 0; j <= 40; j++) {
      const p = bounds.pitch[0] + (0.02 * i) / 40;
      const g = bounds.gap[0] + (1.45 * j) / 40;
      const v = flux(p, g);
      if (v > best.v) best = { p, g, v };
    }
  }
  const refined = nelderMead((x) => -flux(x[0]!, x[1]!), [best.p, best.g], { step: [0.0005, 0.03], maxEvaluations: 400, tolerance: 1e-12 });
  return -refined.value;
})();

function optimise(agent: { ask(n: number): { points: Record<string, number> }[] | Promise<unknown>; tell(x: Record<string, number>, y: Record<string, number>): unknown }, evaluations: number, seed: number): Record<string, number>[] {
  const noise = new Rng(seed).derive("noise");
  const asked: Record<string, number>[] = [];
  for (let k = 0; k < evaluations; k++) {
    const [s] = agent.ask(1) as { points: Record<string, number> }[];
    asked.push(s!.points);
    agent.tell(s!.points, { flux: flux(s!.points.pitch!, s!.points.gap!) * (1 + NOISE * noise.gaussian()) });
  }
  return asked;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function agent(seed: number, extra: Partial<BayesOptOptions> = {}): BayesOptAgent {
  return new BayesOptAgent({ bounds, objective: "flux", seed, ...extra });
}

describe("BayesOptAgent aligning the simulated beamline (mirror pitch, slit gap)", () => {
  it("gets within a few % of the maximum flux in 30 evaluations and beats random search on median", () => {
    const bo: number[] = [];
    const random: number[] = [];
    for (const seed of [1, 2, 3, 4, 5]) {
      const a = agent(seed);
      const asked = optimise(a, 30, seed);
      for (const p of asked) {
        expect(p.pitch).toBeGreaterThanOrEqual(bounds.pitch[0]);
        expect(p.pitch).toBeLessThanOrEqual(bounds.pitch[1]);
        expect(p.gap).toBeGreaterThanOrEqual(bounds.gap[0]);
        expect(p.gap).toBeLessThanOrEqual(bounds.gap[1]);
      }
      const rec = a.recommend()!;
      bo.push(flux(rec.points.pitch!, rec.points.gap!) / trueMax);
      const r = new RandomSearchAgent({ bounds, seed, objective: "flux" });
      optimise(r, 30, seed);
      const rb = r.best()!;
      random.push(flux(rb.points.pitch!, rb.points.gap!) / trueMax);
    }
    for (const fraction of bo) expect(fraction).toBeGreaterThan(0.96);
    expect(median(bo)).toBeGreaterThan(0.98);
    expect(median(bo)).toBeGreaterThan(median(random));
  });

  it("is deterministic under a seed and differs between seeds", () => {
    expect(optimise(agent(7), 10, 7)).toEqual(optimise(agent(7), 10, 7));
    expect(optimise(agent(7), 10, 7)).not.toEqual(optimise(agent(8), 10, 7));
  });

  it("spreads a batch by the kriging believer instead of asking for one point n times", () => {
    const a = agent(3);
    optimise(a, 10, 3);
    const batch = a.ask(4);
    expect(batch).toHaveLength(4);
    const unit = batch.map((s) => [(s.points.pitch! - 3.49) / 0.02, (s.points.gap! - 0.05) / 1.45]);
    for (let i = 0; i < 4; i++) for (let j = 0; j < i; j++) expect(Math.hypot(unit[i]![0]! - unit[j]![0]!, unit[i]![1]! - unit[j]![1]!)).toBeGreaterThan(0.01);
    expect(batch[1]!.rationale).toMatch(/1 pending point\(s\) believed at their predicted mean$/);
    expect(a.report()).toMatchObject({ pending: 4 });
    // Measuring a batch point clears it from the pending list.
    a.tell(batch[0]!.points, { flux: flux(batch[0]!.points.pitch!, batch[0]!.points.gap!) });
    expect(a.report()).toMatchObject({ pending: 3, observations: 11 });
  });

  it("minimises as well, with UCB and an RBF kernel", () => {
    const a = agent(2, { direction: "minimize", acquisition: "ucb", kernel: "rbf" });
    const noise = new Rng(2);
    for (let k = 0; k < 25; k++) {
      const [s] = a.ask(1);
      a.tell(s!.points, { flux: -flux(s!.points.pitch!, s!.points.gap!) * (1 + NOISE * noise.gaussian()) });
    }
    const rec = a.recommend()!;
    expect(flux(rec.points.pitch!, rec.points.gap!) / trueMax).toBeGreaterThan(0.95);
    expect(a.report()).toMatchObject({ direction: "minimize", acquisition: "ucb" });
  });

  it("stops at its budget and reports a reached target", () => {
    const a = agent(1, { maxEvaluations: 6, target: 0.5 * trueMax, initialPoints: 3 });
    const first = a.ask(4);
    expect(first.map((s) => s.done ?? false)).toEqual([false, false, false, false]);
    for (const s of first) a.tell(s.points, { flux: flux(s.points.pitch!, s.points.gap!) });
    const rest = a.ask(5);
    expect(rest).toHaveLength(2);
    expect(rest[1]!.done).toBe(true);
    for (const s of rest) a.tell(s.points, { flux: flux(s.points.pitch!, s.points.gap!) });
    expect(a.ask(1)).toEqual([]);
    expect(a.report().done).toBe(true);
    expect(a.targetReached()).toBe(a.best()!.value >= 0.5 * trueMax);
  });

  it("starts from the space-filling design and says so", () => {
    const a = agent(1);
    const [s] = a.ask(1);
    expect(s!.rationale).toBe("space-filling design point 1 of 5 (shifted Halton)");
    expect(s!.score).toBeUndefined();
    expect(a.report()).toMatchObject({ kind: "bayes-opt", observations: 0, best: null, model: null });
  });
});

describe("bayesOptOptionsFromSettings", () => {
  it("reads the settings of a campaign file", () => {
    const o = bayesOptOptionsFromSettings({ bounds: { pitch: [3.49, 3.51] }, objective: "flux", acquisition: "pi", maxEvaluations: 20 }, "align");
    expect(o).toMatchObject({ name: "align", objective: "flux", acquisition: "pi", direction: "maximize", kernel: "matern52", maxEvaluations: 20 });
  });

  it.each([
    [{ bounds: { pitch: [3.49, 3.51] } }, 'agent "align": setting "objective" is required (the name of the reading to optimise), got nothing'],
    [{ bounds: {}, objective: "flux" }, 'agent "align": setting "bounds" must be a non-empty map of name -> [low, high], got {}'],
    [{ bounds: { pitch: [3.49, 3.51] }, objective: "flux", acquisition: "ucb2" }, 'agent "align": setting "acquisition" must be one of "ei", "ucb", "pi", got "ucb2"'],
    [{ bounds: { pitch: [3.49, 3.51] }, objective: "flux", direction: "maximise" }, 'agent "align": setting "direction" must be one of "maximize", "minimize", got "maximise"'],
    [{ bounds: { pitch: [3.49, 3.51] }, objective: "flux", kappa: -1 }, 'agent "align": setting "kappa" must be a finite number >= 0, got -1'],
  ])("refuses %j", (settings, message) => {
    expect(() => bayesOptOptionsFromSettings(settings, "align")).toThrow(InvalidArgumentError);
    expect(() => bayesOptOptionsFromSettings(settings, "align")).toThrow(message);
  });

  it("names the objective when a reading is missing", () => {
    const a = agent(1);
    expect(() => a.tell({ pitch: 3.5, gap: 1 }, { i0: 3 })).toThrow('agent "bayes-opt": y["flux"] must be a finite number, got nothing');
  });
});
