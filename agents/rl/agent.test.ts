import { beforeAll, describe, expect, it } from "vitest";
import { InvalidArgumentError } from "../../engine/errors.ts";
import { rms } from "../../sims/math/index.ts";
import { AgentNotReadyError } from "../core/errors.ts";
import { AgentRegistry } from "../registry.ts";
import { registerRlAgent, RL_ORBIT_KIND, RlOrbitAgent } from "./agent.ts";
import { scenarioSimulator } from "./scenario.ts";
import { tempCheckpoint, testEnv, tinyTd3 } from "./test-helpers.ts";
import { loadTf } from "./tf.ts";

let checkpoint = "";

beforeAll(async () => {
  await loadTf();
  const env = testEnv();
  const td3 = tinyTd3(env);
  checkpoint = await tempCheckpoint(env, td3);
  td3.dispose();
});

const sim = () => scenarioSimulator({}, { seed: 3, machineSeed: 1, mismatch: 0, initialSpreadA: 1.5, harmonic: null });

describe("RlOrbitAgent through the Agent interface", () => {
  it("corrects the orbit of the small ring by tell/ask and stops at its target", () => {
    const ring = sim();
    ring.step(0.1);
    const agent = new RlOrbitAgent({ correctors: ring.correctorNames, bpms: ["orbit"], checkpoint, targetRms: 0.002 });
    const start = rms(ring.readOrbit());
    let steps = 0;
    for (; steps < 10; steps++) {
      const x = Object.fromEntries(ring.correctorNames.map((c, j) => [c, ring.correctorSetpoint(j)]));
      agent.tell(x, { orbit: Array.from(ring.readOrbit()) });
      const [s] = agent.ask(1);
      expect(agent.ask(1)[0]).toBe(s);
      if (s!.done) break;
      expect(s!.rationale).toMatch(/^SVD step plus learned residual/);
      ring.setCorrectors(ring.correctorNames.map((c) => s!.points[c]!));
      ring.step(0.1);
    }
    expect(start).toBeGreaterThan(0.1);
    expect(agent.targetReached()).toBe(true);
    expect(steps).toBeLessThanOrEqual(4);
    expect(agent.report()).toMatchObject({ kind: "rl-orbit", done: true, checkpoint, modes: 12 });
  });

  it("is registered as rl-orbit and built from campaign settings", () => {
    const registry = new AgentRegistry();
    registerRlAgent(registry);
    expect(registry.has(RL_ORBIT_KIND)).toBe(true);
    const ring = sim();
    const agent = registry.createRegistered("rl-orbit", { correctors: ring.correctorNames, bpms: ["orbit"], checkpoint }, "rl");
    expect(agent.name).toBe("rl");
    expect(agent.fields.independent).toEqual(ring.correctorNames);
  });

  it("refuses asking before any orbit, and settings that do not fit, with clear errors", () => {
    const ring = sim();
    const agent = new RlOrbitAgent({ correctors: ring.correctorNames, bpms: ["orbit"], checkpoint });
    expect(() => agent.ask(1)).toThrow(AgentNotReadyError);
    expect(() => agent.ask(1)).toThrow('agent "rl-orbit" is not ready: no orbit has been told yet, so there is nothing to correct');
    expect(() => new RlOrbitAgent({ correctors: ["a", "b"], bpms: ["orbit"], checkpoint })).toThrow('agent "rl-orbit": the policy drives 12 correctors, 2 are named');
    expect(() => RlOrbitAgent.fromSettings({ correctors: ring.correctorNames, bpms: ["orbit"], checkpoint, gain: 1 }, "rl")).toThrow(InvalidArgumentError);
    expect(() => RlOrbitAgent.fromSettings({ correctors: ring.correctorNames, bpms: ["orbit"], checkpoint, gain: 1 }, "rl")).toThrow('agent "rl": setting "gain" is not a setting of this agent (misspelt?), got 1');
    expect(() => RlOrbitAgent.fromSettings({ correctors: ring.correctorNames, bpms: ["orbit"], checkpoint: "/nonexistent" }, "rl")).toThrow(
      'agent "rl": setting "checkpoint" checkpoint /nonexistent: has no checkpoint.json (is it a checkpoint directory?), got "/nonexistent"',
    );
  });
});
