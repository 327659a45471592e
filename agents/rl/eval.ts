import type { RingSimulator } from "../../sims/ring/index.ts";
import type { Agent, Suggestion } from "../core/agent.ts";
import { SvdOrbitAgent } from "../svd/agent.ts";
import { RlOrbitAgent } from "./agent.ts";
import type { EvalConfig } from "./config.ts";
import { loadPolicy } from "./policy-file.ts";
import { DEFAULT_RING_SETUP, scenarioSimulator, type Scenario } from "./scenario.ts";

/** One agent's figures on one scenario, averaged over its episodes. */
export interface AgentFigures {
  /** Mean true-orbit RMS over the last 5 steps, mm. */
  finalRms: number;
  /** Mean true-orbit RMS over the second half of the episode (the steady state), mm. */
  timeAveragedRms: number;
  /** Mean first step at which the true RMS is at or below the target, over the episodes that reach it. */
  stepsToTarget: number | null;
  /** Episodes that reached the target. */
  reached: number;
  /** Mean Σ‖Δu‖₂ over an episode, A. */
  effortA: number;
  /** Episodes that lost the beam or ended with a larger orbit than they started with. */
  failures: number;
  episodes: number;
}

export interface ScenarioFigures {
  name: string;
  /** The checkpoint the RL agent ran with. */
  checkpoint: string;
  mismatch: number;
  harmonic: boolean;
  rl: AgentFigures;
  /** The SVD corrector at its best gain of the sweep for this scenario. */
  svd: AgentFigures & { gain: number };
}

export interface EvalResult {
  checkpoint: string;
  targetRms: number;
  scenarios: ScenarioFigures[];
  goals: EvalGoals;
}

/** The goals, each with the two figures compared. */
export interface EvalGoals {
  perfectModelFinalRms: { rl: number; svd: number; ratio: number; met: boolean };
  mismatch30StepsToTarget: { rl: number | null; svd: number | null; met: boolean } | null;
  harmonicTimeAveragedRms: { rl: number; svd: number; met: boolean } | null;
}

interface EpisodeFigures {
  finalRms: number;
  timeAveragedRms: number;
  stepsToTarget: number | null;
  effortA: number;
  failed: boolean;
}

function trueRms(sim: RingSimulator): number {
  return Math.hypot(sim.rmsOrbit("x"), sim.rmsOrbit("y")) / Math.SQRT2;
}

/** Closes the loop for `steps` corrections through the Agent interface: tell the orbit, ask, set. */
export function runEpisode(agent: Agent, sim: RingSimulator, steps: number, dtS: number, targetRms: number): EpisodeFigures {
  agent.reset();
  const names = agent.fields.independent;
  const orbitKey = agent.fields.dependent[0]!;
  sim.step(dtS);
  const start = trueRms(sim);
  const trace: number[] = [];
  let effort = 0;
  let stepsToTarget: number | null = null;
  let lost = false;
  const setpoints = new Float64Array(sim.nCorrectors);
  for (let t = 0; t < steps; t++) {
    sim.correctorSetpoints(setpoints);
    const x: Record<string, number> = {};
    names.forEach((name, j) => (x[name] = setpoints[j]!));
    agent.tell(x, { [orbitKey]: Array.from(sim.orbitView) });
    const [s] = agent.ask(1) as Suggestion[];
    let e2 = 0;
    const next = names.map((name, j) => {
      const v = s!.points[name]!;
      e2 += (v - setpoints[j]!) ** 2;
      return v;
    });
    effort += Math.sqrt(e2);
    sim.setCorrectors(next);
    sim.step(dtS);
    if (sim.beamLost) {
      lost = true;
      break;
    }
    const r = trueRms(sim);
    trace.push(r);
    if (stepsToTarget === null && r <= targetRms) stepsToTarget = t + 1;
  }
  const mean = (xs: number[]) => (xs.length > 0 ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);
  const finalRms = lost ? NaN : mean(trace.slice(-5));
  return {
    finalRms,
    timeAveragedRms: lost ? NaN : mean(trace.slice(Math.floor(trace.length / 2))),
    stepsToTarget,
    effortA: effort,
    failed: lost || !(finalRms <= start),
  };
}

function summarise(episodes: EpisodeFigures[]): AgentFigures {
  const ok = episodes.filter((e) => Number.isFinite(e.finalRms));
  const mean = (xs: number[]) => (xs.length > 0 ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);
  const reached = episodes.filter((e) => e.stepsToTarget !== null);
  return {
    finalRms: mean(ok.map((e) => e.finalRms)),
    timeAveragedRms: mean(ok.map((e) => e.timeAveragedRms)),
    stepsToTarget: reached.length > 0 ? mean(reached.map((e) => e.stepsToTarget!)) : null,
    reached: reached.length,
    effortA: mean(episodes.map((e) => e.effortA)),
    failures: episodes.filter((e) => e.failed).length,
    episodes: episodes.length,
  };
}

/** Lower is better: unreached episodes count as one step past the end. */
function svdScore(f: AgentFigures, harmonic: boolean, steps: number): number[] {
  if (harmonic) return [f.failures, f.timeAveragedRms];
  const meanSteps = ((f.stepsToTarget ?? 0) * f.reached + (steps + 1) * (f.episodes - f.reached)) / f.episodes;
  return [f.failures, meanSteps, f.finalRms];
}

function better(a: number[], b: number[]): boolean {
  for (let i = 0; i < a.length; i++) {
    if (a[i]! < b[i]!) return true;
    if (a[i]! > b[i]!) return false;
  }
  return false;
}

/**
 * The trained agent and the SVD corrector on the same seeded scenarios: every mismatch of the config, each
 * without and with the harmonic perturbation. Both run continuous feedback (no hold at the target) at the same
 * rate and per-step corrector limit; the SVD corrector uses the nominal model and the best gain of the sweep.
 */
export function evaluate(config: EvalConfig): EvalResult {
  const setup = { ...DEFAULT_RING_SETUP, ...config.setup };
  const policies = new Map<string, ReturnType<typeof loadPolicy>>();
  const checkpointFor = (mismatch: number, harmonic: boolean): string => {
    const same = (config.machines ?? []).filter((m) => Math.abs(m.mismatch - mismatch) < 1e-9);
    return (same.find((m) => m.harmonic === harmonic) ?? same.find((m) => m.harmonic === undefined))?.checkpoint ?? config.checkpoint;
  };
  const policyOf = (dir: string) => {
    let p = policies.get(dir);
    if (p === undefined) policies.set(dir, (p = loadPolicy(dir)));
    return p;
  };
  const scenarios: ScenarioFigures[] = [];
  const sims = (sc: Omit<Scenario, "seed">) =>
    Array.from({ length: config.episodes }, (_, e) => () => scenarioSimulator(setup, { ...sc, seed: config.seed + e }));
  for (const harmonic of [false, true]) {
    for (const mismatch of config.mismatches) {
      const make = sims({ machineSeed: config.machineSeed, mismatch, initialSpreadA: config.initialSpreadA, harmonic: harmonic ? config.harmonic : null });
      const probe = make[0]!();
      const correctors = probe.correctorNames;
      const checkpoint = checkpointFor(mismatch, harmonic);
      const rl = new RlOrbitAgent({ correctors, bpms: ["orbit"], policy: policyOf(checkpoint) });
      const rlFigures = summarise(make.map((m) => runEpisode(rl, m(), config.steps, setup.dtS, config.targetRms)));
      let best: (AgentFigures & { gain: number }) | null = null;
      for (const gain of config.svdGains) {
        const svd = new SvdOrbitAgent({
          correctors,
          bpms: ["orbit"],
          response: probe.nominalResponse(),
          gain,
          maxStep: new Float64Array(correctors.length).fill(config.maxStepA),
          low: new Float64Array(correctors.length).fill(-setup.limitA),
          high: new Float64Array(correctors.length).fill(setup.limitA),
        });
        const f = { ...summarise(make.map((m) => runEpisode(svd, m(), config.steps, setup.dtS, config.targetRms))), gain };
        if (best === null || better(svdScore(f, harmonic, config.steps), svdScore(best, harmonic, config.steps))) best = f;
      }
      scenarios.push({ name: `mismatch ${Math.round(mismatch * 100)}%${harmonic ? " + harmonic" : ""}`, checkpoint, mismatch, harmonic, rl: rlFigures, svd: best! });
    }
  }
  return { checkpoint: config.checkpoint, targetRms: config.targetRms, scenarios, goals: goals(scenarios) };
}

function goals(scenarios: ScenarioFigures[]): EvalGoals {
  const find = (mismatch: number, harmonic: boolean) => scenarios.find((s) => Math.abs(s.mismatch - mismatch) < 1e-9 && s.harmonic === harmonic);
  const perfect = find(0, false) ?? scenarios[0]!;
  const m30 = find(0.3, false);
  const harm = find(0, true);
  const ratio = perfect.rl.finalRms / perfect.svd.finalRms;
  return {
    perfectModelFinalRms: { rl: perfect.rl.finalRms, svd: perfect.svd.finalRms, ratio, met: ratio <= 1.1 },
    mismatch30StepsToTarget:
      m30 === undefined
        ? null
        : {
            rl: m30.rl.stepsToTarget,
            svd: m30.svd.stepsToTarget,
            met: m30.rl.stepsToTarget !== null && m30.rl.reached === m30.rl.episodes && (m30.svd.stepsToTarget === null || m30.rl.stepsToTarget < m30.svd.stepsToTarget),
          },
    harmonicTimeAveragedRms: harm === undefined ? null : { rl: harm.rl.timeAveragedRms, svd: harm.svd.timeAveragedRms, met: harm.rl.timeAveragedRms < harm.svd.timeAveragedRms },
  };
}

function num(x: number | null, digits = 4): string {
  if (x === null || !Number.isFinite(x)) return "-";
  return Math.abs(x) >= 0.01 ? x.toFixed(digits) : x.toExponential(2);
}

/** A fixed-width table: one row per scenario and agent. */
export function formatEvalTable(result: EvalResult): string {
  const header = ["scenario", "agent", "final RMS mm", "time-avg RMS mm", `steps to ${result.targetRms} mm`, "effort A", "failures"];
  const rows: string[][] = [];
  for (const s of result.scenarios) {
    for (const [label, f] of [["rl", s.rl], [`svd (gain ${s.svd.gain})`, s.svd]] as const) {
      rows.push([s.name, label, num(f.finalRms), num(f.timeAveragedRms), f.stepsToTarget === null ? "never" : `${f.stepsToTarget.toFixed(2)} (${f.reached}/${f.episodes})`, num(f.effortA, 3), `${f.failures}/${f.episodes}`]);
    }
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join("  ").trimEnd();
  const g = result.goals;
  const out = [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line), ""];
  const used = new Map<string, string[]>();
  for (const s of result.scenarios) used.set(s.checkpoint, [...(used.get(s.checkpoint) ?? []), s.name]);
  for (const [dir, names] of used) out.push(`rl checkpoint for ${names.join(", ")}: ${dir}`);
  out.push(`goal: perfect-model final RMS within 1.1x SVD: ${g.perfectModelFinalRms.ratio.toFixed(3)}x ${g.perfectModelFinalRms.met ? "MET" : "NOT MET"}`);
  if (g.mismatch30StepsToTarget !== null) {
    out.push(`goal: 30% mismatch, fewer steps to target than SVD: rl ${num(g.mismatch30StepsToTarget.rl, 2)} vs svd ${num(g.mismatch30StepsToTarget.svd, 2)} ${g.mismatch30StepsToTarget.met ? "MET" : "NOT MET"}`);
  }
  if (g.harmonicTimeAveragedRms !== null) {
    out.push(`goal: harmonic, lower time-averaged RMS than SVD: rl ${num(g.harmonicTimeAveragedRms.rl)} vs svd ${num(g.harmonicTimeAveragedRms.svd)} ${g.harmonicTimeAveragedRms.met ? "MET" : "NOT MET"}`);
  }
  return out.join("\n");
}
