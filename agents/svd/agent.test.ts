import { describe, expect, it } from "vitest";
import { InvalidArgumentError } from "../../engine/errors.ts";
import { matrixToRows, norm2, pseudoInverse, matVec, rms, Rng, type Matrix } from "../../sims/math/index.ts";
import { RingSimulator, smallRingLattice, type RingSimulatorOptions } from "../../sims/ring/index.ts";
import { AgentNotReadyError } from "../core/errors.ts";
import { SvdOrbitAgent, svdOrbitOptionsFromSettings, type SvdOrbitOptions } from "./agent.ts";

const lattice = smallRingLattice();
const NOISE = 0.001;

/** A small ring whose orbit comes from corrector currents left at random values: fully correctable. */
function ring(options: RingSimulatorOptions = {}, spreadA = 1.5): RingSimulator {
  const rng = new Rng(11);
  const n = lattice.hCorrectors.length + lattice.vCorrectors.length;
  return new RingSimulator({ lattice, seed: 5, initialCurrentsA: Array.from({ length: n }, () => rng.uniformIn(-spreadA, spreadA)), ...options });
}

function agentFor(sim: RingSimulator, options: Partial<SvdOrbitOptions> = {}, response: Matrix = sim.nominalResponse()): SvdOrbitAgent {
  return new SvdOrbitAgent({ correctors: sim.correctorNames, bpms: ["orbit"], response, targetRms: 2 * NOISE, ...options });
}

function measure(sim: RingSimulator): { x: Record<string, number>; y: { orbit: number[] } } {
  sim.step(0.01);
  const x: Record<string, number> = {};
  sim.correctorNames.forEach((name, j) => (x[name] = sim.correctorSetpoint(j)));
  return { x, y: { orbit: Array.from(sim.readOrbit()) } };
}

/** Closes the loop for up to `max` corrections; returns the RMS after each measurement and every suggestion. */
function correctOrbit(sim: RingSimulator, agent: SvdOrbitAgent, max: number): { rmsTrace: number[]; steps: Record<string, number>[] } {
  const rmsTrace: number[] = [];
  const steps: Record<string, number>[] = [];
  for (let k = 0; k <= max; k++) {
    const { x, y } = measure(sim);
    agent.tell(x, y);
    rmsTrace.push(rms(y.orbit));
    if (agent.targetReached() || k === max) break;
    const [s] = agent.ask(1);
    steps.push(s!.points);
    sim.setCorrectors(sim.correctorNames.map((c) => s!.points[c]!));
  }
  return { rmsTrace, steps };
}

describe("SvdOrbitAgent on the small ring", () => {
  it("with a perfect model corrects to the noise level in a few iterations", () => {
    const sim = ring();
    const agent = agentFor(sim);
    const { rmsTrace } = correctOrbit(sim, agent, 20);
    expect(rmsTrace[0]).toBeGreaterThan(0.1);
    expect(rmsTrace.length - 1).toBeLessThanOrEqual(6);
    expect(rmsTrace.at(-1)).toBeLessThan(2 * NOISE);
    expect(agent.targetReached()).toBe(true);
    expect(Math.hypot(sim.rmsOrbit("x"), sim.rmsOrbit("y")) / Math.SQRT2).toBeLessThan(3 * NOISE);
    const [done] = agent.ask(1);
    expect(done!.done).toBe(true);
    expect(done!.rationale).toMatch(/at or below the target 0\.002/);
    sim.correctorNames.forEach((c, j) => expect(done!.points[c]).toBe(sim.correctorSetpoint(j)));
  });

  it("with a 30% model mismatch still converges, in more steps", () => {
    const perfect = correctOrbit(ring(), agentFor(ring()), 40).rmsTrace.length;
    const sim = ring({ mismatch: { fraction: 0.3 } });
    const agent = agentFor(sim);
    const { rmsTrace } = correctOrbit(sim, agent, 40);
    expect(rmsTrace.at(-1)).toBeLessThan(2 * NOISE);
    expect(rmsTrace.length).toBeGreaterThan(perfect);
    expect(rmsTrace.length - 1).toBeLessThanOrEqual(25);
  });

  it("predicts the next RMS from its model and says which singular values it used", () => {
    const sim = ring({ bpm: { noiseMm: 0 } });
    const agent = agentFor(sim, { gain: 1, singularValues: 10 });
    const { x, y } = measure(sim);
    agent.tell(x, y);
    const [s] = agent.ask(1);
    sim.setCorrectors(sim.correctorNames.map((c) => s!.points[c]!));
    expect(rms(measure(sim).y.orbit)).toBeCloseTo(s!.score!, 6);
    expect(s!.rationale).toMatch(/^predicted RMS .* \(now .*\); 10\/12 singular values used \(.* \.\. .*\); gain 1$/);
    expect(agent.report()).toMatchObject({ kind: "svd-orbit", observations: 1, done: false, lastStep: { singularValuesUsed: 10, stepScale: 1 } });
  });

  /** A golden orbit that only set-points `currents` would reach: R·currents. */
  function bumpReference(sim: RingSimulator, currents: number[]): Float64Array {
    return matVec(sim.nominalResponse(), currents);
  }

  it.each(["scale", "clip"] as const)("never suggests past the absolute or per-step limits (%s)", (stepLimit) => {
    const sim = ring({}, 0.5);
    const start = sim.correctorNames.map((_, j) => sim.correctorSetpoint(j));
    const limit = 2;
    const maxStep = 0.3;
    // The reference asks for up to ±3 A: reachable only past the limits.
    const rng = new Rng(4);
    const reference = bumpReference(sim, sim.correctorNames.map(() => rng.uniformIn(-3, 3)));
    const agent = agentFor(sim, { reference, low: new Array(12).fill(-limit), high: new Array(12).fill(limit), maxStep: new Array(12).fill(maxStep), stepLimit });
    const { steps } = correctOrbit(sim, agent, 40);
    expect(steps.length).toBe(40);
    let previous = start;
    let atLimit = 0;
    for (const step of steps) {
      sim.correctorNames.forEach((c, j) => {
        const v = step[c]!;
        expect(Math.abs(v - previous[j]!)).toBeLessThanOrEqual(maxStep * (1 + 1e-12));
        expect(Math.abs(v)).toBeLessThanOrEqual(limit);
        if (Math.abs(v) === limit) atLimit++;
      });
      previous = sim.correctorNames.map((c) => step[c]!);
    }
    expect(atLimit).toBeGreaterThan(0);
    expect(agent.report().lastStep).toMatchObject({ saturated: expect.arrayContaining([expect.any(String)]) });
  });

  it("brings a set-point that starts outside the limits back inside in one step", () => {
    const sim = ring({ bpm: { noiseMm: 0 } }, 0.2);
    sim.setCorrector(2, 3);
    const agent = agentFor(sim, { low: new Array(12).fill(-1), high: new Array(12).fill(1), maxStep: new Array(12).fill(0.1) });
    const { x, y } = measure(sim);
    agent.tell(x, y);
    const [s] = agent.ask(1);
    for (const v of Object.values(s!.points)) expect(Math.abs(v)).toBeLessThanOrEqual(1);
  });

  it("holds a corrector at its limit and solves again with the others, beating a plain clip", () => {
    const sim = ring({ bpm: { noiseMm: 0 }, correctors: { dacBits: 0 } }, 0.2);
    const wanted = new Array(12).fill(0);
    wanted[3] = 1.2;
    const reference = bumpReference(sim, wanted);
    const { x, y } = measure(sim);
    const high = new Array(12).fill(5);
    high[3] = 0.5;
    const low = high.map((h) => -h);
    const limited = agentFor(sim, { gain: 1, low, high, reference });
    limited.tell(x, y);
    const [s] = limited.ask(1);
    expect(s!.rationale).toContain(`held at their limits: ${sim.correctorNames[3]}`);
    expect(s!.points[sim.correctorNames[3]!]).toBe(0.5);
    // The same step without the limit, clipped after the fact.
    const free = agentFor(sim, { gain: 1, reference });
    free.tell(x, y);
    const [unlimited] = free.ask(1);
    const clipped = sim.correctorNames.map((c, j) => Math.max(low[j], Math.min(high[j], unlimited!.points[c]!)));
    const change = matVec(sim.nominalResponse(), clipped.map((v, j) => v - x[sim.correctorNames[j]!]!));
    const afterClip = change.map((d, i) => d + y.orbit[i]! - reference[i]!);
    expect(s!.score!).toBeLessThan(0.8 * rms(afterClip));
    sim.setCorrectors(sim.correctorNames.map((c) => s!.points[c]!));
    const after = measure(sim).y.orbit.map((v, i) => v - reference[i]!);
    expect(rms(after)).toBeCloseTo(s!.score!, 9);
  });

  it("uses less corrector strength with Tikhonov regularisation, at a small cost in RMS", () => {
    // A static distortion from kicks at every BPM location: only partly correctable by 6 correctors per plane.
    const base: RingSimulatorOptions = { lattice, seed: 3, bpm: { noiseMm: 0 }, disturbances: [{ kind: "static", plane: "x", amplitudeMm: 0.1 }, { kind: "static", plane: "y", amplitudeMm: 0.05 }] };
    const effortAndRms = (tikhonov: number): [number, number] => {
      const sim = new RingSimulator(base);
      const agent = agentFor(sim, { gain: 1, tikhonov });
      const { x, y } = measure(sim);
      agent.tell(x, y);
      const [s] = agent.ask(1);
      return [norm2(sim.correctorNames.map((c) => s!.points[c]!)), s!.score!];
    };
    const [plainEffort, plainRms] = effortAndRms(0);
    // α at the smallest singular value halves that mode's gain and leaves the strong ones nearly untouched.
    const sMin = Math.min(...(agentFor(new RingSimulator({ lattice })).report().singularValues as number[]));
    const [tikEffort, tikRms] = effortAndRms(sMin);
    expect(tikEffort).toBeLessThan(0.85 * plainEffort);
    expect(tikRms).toBeGreaterThanOrEqual(plainRms);
    expect(tikRms).toBeLessThan(1.2 * plainRms);
  });

  it("reads per-BPM keys as well as one orbit array", () => {
    const sim = ring();
    const keys = sim.bpmNames.flatMap((b) => [`${b}-x`]).concat(sim.bpmNames.map((b) => `${b}-y`));
    const perKey = agentFor(sim, { bpms: keys });
    const asArray = agentFor(sim);
    const { x, y } = measure(sim);
    const split: Record<string, number> = {};
    keys.forEach((k, i) => (split[k] = y.orbit[i]!));
    perKey.tell(x, split);
    asArray.tell(x, y);
    expect(perKey.ask(1)).toEqual(asArray.ask(1));
  });

  it("refuses to suggest before it has seen an orbit, and forgets on reset", () => {
    const sim = ring();
    const agent = agentFor(sim);
    expect(() => agent.ask(1)).toThrow(AgentNotReadyError);
    expect(() => agent.ask(1)).toThrow('agent "svd-orbit" is not ready: no orbit has been told yet, so there is nothing to correct');
    const { x, y } = measure(sim);
    expect(agent.tell(x, y)).toEqual({ rms: expect.any(Number), done: false });
    agent.reset();
    expect(agent.report()).toMatchObject({ observations: 0, rms: null });
    expect(() => agent.ask(1)).toThrow(AgentNotReadyError);
  });

  it("names the field when a reading is missing or of the wrong length", () => {
    const sim = ring();
    const agent = agentFor(sim);
    const { x, y } = measure(sim);
    expect(() => agent.tell(x, {})).toThrow(InvalidArgumentError);
    expect(() => agent.tell(x, {})).toThrow('agent "svd-orbit": y["orbit"] must be a number or an array of numbers, got nothing');
    expect(() => agent.tell(x, { orbit: y.orbit.slice(1) })).toThrow('agent "svd-orbit": got 23 readings from orbit, the response matrix has 24');
    const { [sim.correctorNames[0]!]: _, ...partial } = x;
    expect(() => agent.tell(partial, y)).toThrow(`agent "svd-orbit": x["${sim.correctorNames[0]}"] must be a finite number, got nothing`);
  });
});

describe("svdOrbitOptionsFromSettings", () => {
  const sim = new RingSimulator({ lattice });
  const settings = { correctors: sim.correctorNames, bpms: ["orbit"], response: matrixToRows(sim.nominalResponse()) };

  it("builds the options from plain settings, with limits as ±L or [low, high]", () => {
    const limits = Object.fromEntries(sim.correctorNames.map((c, j) => [c, j === 0 ? [-1, 2] : 3]));
    const options = svdOrbitOptionsFromSettings({ ...settings, limits, maxStep: 0.5, gain: 0.5, targetRms: 0.01 }, "orbit");
    expect(options.response.rows).toBe(24);
    expect(Array.from(options.low!).slice(0, 2)).toEqual([-1, -3]);
    expect(Array.from(options.high!).slice(0, 2)).toEqual([2, 3]);
    expect(Array.from(options.maxStep!)).toEqual(new Array(12).fill(0.5));
    expect(new SvdOrbitAgent(options).name).toBe("orbit");
  });

  it.each([
    [{ gain: 2 }, 'agent "orbit": setting "gain" must be a finite number > 0 and < 1.5, got 2'],
    [{ tikonov: 1 }, 'agent "orbit": setting "tikonov" is not a setting of this agent (misspelt?), got 1'],
    [{ stepLimit: "squash" }, 'agent "orbit": setting "stepLimit" must be one of "scale", "clip", got "squash"'],
    [{ singularValues: 2.5 }, 'agent "orbit": setting "singularValues" must be an integer >= 1, got 2.5'],
    [{ limits: { [sim.correctorNames[0]!]: [1, -1] } }, `agent "orbit": setting "limits.${sim.correctorNames[0]}" must be a limit L > 0 (meaning ±L) or [low, high] with low < high, got [1,-1]`],
    [{ limits: { [sim.correctorNames[0]!]: 1 } }, `agent "orbit": setting "limits" has no limit for "${sim.correctorNames[1]}"`],
    [{ response: [[1, 2]] }, 'agent "orbit": setting "response" has 2 columns but there are 12 correctors, got "1x2"'],
    [{ reference: [0, 0] }, 'agent "orbit": setting "reference" must have 24 values (one each), not 2, got [0,0]'],
  ])("refuses %j naming the agent and the setting", (extra, message) => {
    expect(() => svdOrbitOptionsFromSettings({ ...settings, ...extra }, "orbit")).toThrow(InvalidArgumentError);
    expect(() => svdOrbitOptionsFromSettings({ ...settings, ...extra }, "orbit")).toThrow(message);
  });
});
