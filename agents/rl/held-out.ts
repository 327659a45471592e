import { Rng } from "../../sims/math/index.ts";
import type { JsActor } from "./actor-js.ts";
import type { RingEnv } from "./env.ts";
import type { Scenario } from "./scenario.ts";

/**
 * Scenarios for model selection: drawn from the training distribution by a generator of their own, so they are
 * neither the episodes trained on nor those of an evaluation file (whose seeds are below 2^20, see
 * `RingEnv.drawScenario`).
 */
export function heldOutScenarios(env: RingEnv, count: number, seed: number): Scenario[] {
  const rng = new Rng(seed).derive("held-out");
  return Array.from({ length: count }, () => env.drawScenario(rng));
}

/**
 * Runs the deterministic policy (no exploration) for `steps` corrections on each scenario, without stopping at
 * convergence, and scores it by the mean log-scale true RMS: fewer steps to converge and a smaller steady orbit
 * both lower it. `env` must be an environment of its own (its policy map keeps the history).
 */
export function scoreHeldOut(env: RingEnv, actor: JsActor, scenarios: readonly Scenario[], steps: number, floorMm: number): { score: number; finalRms: number } {
  const action = new Float32Array(env.actionSize);
  let sum = 0;
  let count = 0;
  let finals = 0;
  for (const scenario of scenarios) {
    let obs = env.reset(scenario);
    const tail: number[] = [];
    for (let t = 0; t < steps; t++) {
      actor.act(obs, action);
      const r = env.step(action);
      if (r.end === "beamLoss") {
        // A lost beam scores as the largest orbit the aperture allows, for every remaining step.
        sum += (steps - t) * Math.log10(10 / floorMm);
        count += steps - t;
        tail.push(10);
        break;
      }
      sum += Math.log10(Math.max(r.trueRms, floorMm) / floorMm);
      count++;
      tail.push(r.trueRms);
      obs = r.obs;
    }
    const last = tail.slice(-5);
    finals += last.reduce((a, b) => a + b, 0) / last.length;
  }
  return { score: sum / count, finalRms: finals / scenarios.length };
}
