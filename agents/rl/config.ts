import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { parse } from "yaml";
import { ConfigError } from "../../engine/errors.ts";
import type { RewardOptions, ScenarioDistribution } from "./env.ts";
import type { PolicyMapOptions } from "./policy-map.ts";
import type { HarmonicScenario, RingSetup } from "./scenario.ts";
import type { Td3Options } from "./td3.ts";
import { parseBackend, type TfBackend } from "./tf.ts";

/** A training run, as an `agent train` YAML file gives it. */
export interface TrainConfig {
  setup: RingSetup;
  scenarios: ScenarioDistribution;
  reward: RewardOptions;
  policy: Omit<PolicyMapOptions, "response" | "limitA">;
  env: { maxSteps?: number; targetRms?: number; holdSteps?: number };
  td3: Omit<Td3Options, "obsSize" | "actionSize" | "seed">;
  /** Seed of scenarios, networks and noise. */
  seed: number;
  /** Environment steps in all (a resumed run continues up to this). */
  steps: number;
  /** Steps before the first update (acting with exploration noise around the model-based policy). */
  warmupSteps: number;
  batchSize: number;
  bufferSize: number;
  /** Gradient updates per environment step. */
  updatesPerStep: number;
  /** Run the `updatesPerStep` updates only every this many environment steps (fewer, larger-batch updates). */
  updateEvery: number;
  /** Save a checkpoint this often (env steps) and at the end. */
  checkpointEvery: number;
  /**
   * Score the deterministic policy on held-out scenarios this often (env steps; 0: never) and keep the best
   * as outDir/best, which then is the checkpoint the run returns.
   */
  evalEvery: number;
  /** Held-out episodes per evaluation. */
  evalEpisodes: number;
  /** Stop once this many evaluations in a row have not improved the best score (0: never stop early). */
  patience: number;
  /** Where checkpoints and the training curve go (relative to the YAML file). */
  outDir: string;
  backend?: TfBackend;
}

export const DEFAULT_TRAIN = {
  seed: 1,
  steps: 20_000,
  warmupSteps: 500,
  batchSize: 64,
  bufferSize: 50_000,
  updatesPerStep: 1,
  updateEvery: 1,
  checkpointEvery: 5_000,
  evalEvery: 0,
  evalEpisodes: 16,
  patience: 0,
} as const;

/** A checkpoint trained on one machine: its mismatch and, when given, whether it has the periodic perturbation. */
export interface EvalMachine {
  mismatch: number;
  /** Only for the scenarios with (true) or without (false) the harmonic perturbation. @default both */
  harmonic?: boolean;
  checkpoint: string;
}

/** An evaluation run, as an `agent eval` YAML file gives it. */
export interface EvalConfig {
  setup: RingSetup;
  /** The trained checkpoint (relative to the YAML file), for every scenario without one in `machines`. */
  checkpoint: string;
  /**
   * Checkpoints trained on one machine each, by its mismatch (relative to the YAML file): the mismatch is a
   * fixed property of a machine, so a facility trains on its own.
   */
  machines: EvalMachine[];
  machineSeed: number;
  mismatches: number[];
  harmonic: HarmonicScenario;
  /** Episodes per scenario (seeds seed, seed+1, ...). */
  episodes: number;
  seed: number;
  /** Correction steps per episode. */
  steps: number;
  /** The target RMS for "steps to reach the target", mm (true orbit). */
  targetRms: number;
  initialSpreadA: number;
  /** SVD gains tried (its best per scenario is reported). */
  svdGains: number[];
  maxStepA: number;
}

export const DEFAULT_EVAL = {
  machineSeed: 1,
  mismatches: [0, 0.1, 0.3],
  harmonic: { frequencyHz: 1, amplitudeMm: 0.02 },
  episodes: 10,
  seed: 1000,
  steps: 40,
  targetRms: 0.002,
  initialSpreadA: 1.5,
  svdGains: [0.5, 0.7, 0.8, 0.9, 1, 1.1, 1.2, 1.3, 1.4],
  maxStepA: 1,
} as const;

type Obj = Record<string, unknown>;

class Fields {
  private readonly seen = new Set<string>();
  constructor(
    readonly file: string,
    readonly path: string,
    readonly obj: Obj,
  ) {}

  fail(key: string, problem: string, value: unknown = this.obj[key]): never {
    throw new ConfigError(this.file, `${this.path}${key} ${problem}, got ${value === undefined ? "nothing" : JSON.stringify(value)}`);
  }

  get(key: string): unknown {
    this.seen.add(key);
    return this.obj[key];
  }

  num(key: string, opts: { min?: number; max?: number; integer?: boolean; exclusiveMin?: boolean } = {}): number | undefined {
    const v = this.get(key);
    if (v === undefined) return undefined;
    const ok =
      typeof v === "number" &&
      Number.isFinite(v) &&
      (!opts.integer || Number.isInteger(v)) &&
      (opts.min === undefined || (opts.exclusiveMin ? v > opts.min : v >= opts.min)) &&
      (opts.max === undefined || v <= opts.max);
    if (!ok) this.fail(key, `must be ${opts.integer ? "an integer" : "a number"}${opts.min !== undefined ? ` ${opts.exclusiveMin ? ">" : ">="} ${opts.min}` : ""}${opts.max !== undefined ? ` <= ${opts.max}` : ""}`);
    return v as number;
  }

  range(key: string): [number, number] | undefined {
    const v = this.get(key);
    if (v === undefined) return undefined;
    if (typeof v === "number" && Number.isFinite(v) && v >= 0) return [v, v];
    if (!Array.isArray(v) || v.length !== 2 || !v.every((x) => typeof x === "number" && Number.isFinite(x)) || !(v[0] >= 0 && v[0] <= v[1])) {
      this.fail(key, "must be a number or [low, high] with 0 <= low <= high");
    }
    return [v[0], v[1]];
  }

  numbers(key: string): number[] | undefined {
    const v = this.get(key);
    if (v === undefined) return undefined;
    if (!Array.isArray(v) || v.length === 0 || !v.every((x) => typeof x === "number" && Number.isFinite(x))) this.fail(key, "must be a non-empty list of numbers");
    return v as number[];
  }

  str<T extends string>(key: string, choices?: readonly T[]): T | undefined {
    const v = this.get(key);
    if (v === undefined) return undefined;
    if (typeof v !== "string" || (choices !== undefined && !(choices as readonly string[]).includes(v))) {
      this.fail(key, choices === undefined ? "must be a string" : `must be one of ${choices.join(", ")}`);
    }
    return v as T;
  }

  bool(key: string): boolean | undefined {
    const v = this.get(key);
    if (v === undefined) return undefined;
    if (typeof v !== "boolean") this.fail(key, "must be true or false");
    return v;
  }

  section(key: string): Fields {
    const v = this.get(key);
    if (v !== undefined && (typeof v !== "object" || v === null || Array.isArray(v))) this.fail(key, "must be a mapping");
    return new Fields(this.file, `${this.path}${key}.`, (v ?? {}) as Obj);
  }

  /** Refuses keys nobody read (typos). */
  finish(): void {
    for (const key of Object.keys(this.obj)) if (!this.seen.has(key)) this.fail(key, "is not a known setting (misspelt?)");
  }
}

function readYaml(file: string): Fields {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (cause) {
    throw new ConfigError(file, `cannot read the file: ${(cause as Error).message}`, { cause });
  }
  let data: unknown;
  try {
    data = parse(text);
  } catch (cause) {
    throw new ConfigError(file, `is not valid YAML: ${(cause as Error).message}`, { cause });
  }
  if (typeof data !== "object" || data === null || Array.isArray(data)) throw new ConfigError(file, `must be a mapping of settings, got ${JSON.stringify(data)}`);
  return new Fields(file, "", data as Obj);
}

function defined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

function ringSetup(f: Fields): RingSetup {
  const s = f.section("ring");
  const setup = defined<RingSetup>({
    ring: s.str("preset", ["small", "default"] as const),
    noiseMm: s.num("noiseMm", { min: 0 }),
    couplingShare: s.num("couplingShare", { min: 0, max: 1 }),
    limitA: s.num("limitA", { min: 0, exclusiveMin: true }),
    dtS: s.num("dtS", { min: 0, exclusiveMin: true }),
  });
  s.finish();
  return setup;
}

export function readTrainConfig(file: string): TrainConfig {
  const f = readYaml(file);
  const setup = ringSetup(f);
  const sc = f.section("scenarios");
  const scenarios = defined<ScenarioDistribution>({
    machineSeed: sc.num("machineSeed", { integer: true }),
    randomMachine: sc.bool("randomMachine"),
    mismatch: sc.range("mismatch"),
    initialSpreadA: sc.range("initialSpreadA"),
    harmonicProbability: sc.num("harmonicProbability", { min: 0, max: 1 }),
    harmonicFrequencyHz: sc.range("harmonicFrequencyHz"),
    harmonicAmplitudeMm: sc.range("harmonicAmplitudeMm"),
  });
  sc.finish();
  const rw = f.section("reward");
  const reward = defined<RewardOptions>({
    kind: rw.str("kind", ["log", "linear", "relative"] as const),
    floorMm: rw.num("floorMm", { min: 0, exclusiveMin: true }),
    effort: rw.num("effort", { min: 0 }),
    saturation: rw.num("saturation", { min: 0 }),
    beamLoss: rw.num("beamLoss"),
  });
  rw.finish();
  const p = f.section("policy");
  const policy = defined<TrainConfig["policy"]>({
    baseGain: p.num("baseGain", { min: 0 }),
    residualScale: p.num("residualScale", { min: 0 }),
    history: p.num("history", { integer: true, min: 0, max: 16 }),
    maxStepA: p.num("maxStepA", { min: 0, exclusiveMin: true }),
    threshold: p.num("threshold", { min: 0, max: 1 }),
    observe: p.str("observe", ["readings", "modes"] as const),
  });
  p.finish();
  const e = f.section("episode");
  const env = defined<TrainConfig["env"]>({
    maxSteps: e.num("maxSteps", { integer: true, min: 1 }),
    targetRms: e.num("targetRms", { min: 0, exclusiveMin: true }),
    holdSteps: e.num("holdSteps", { integer: true, min: 1 }),
  });
  e.finish();
  const t = f.section("td3");
  const layers = (key: string): number[] | undefined => {
    const v = t.get(key);
    if (v !== undefined && !(Array.isArray(v) && v.every((h) => Number.isInteger(h) && h >= 1))) t.fail(key, "must list layer sizes (integers >= 1; [] for none)", v);
    return v as number[] | undefined;
  };
  const hidden = layers("hidden");
  const actorHidden = layers("actorHidden");
  const td3 = defined<TrainConfig["td3"]>({
    hidden,
    actorHidden,
    gamma: t.num("gamma", { min: 0, max: 0.9999 }),
    tau: t.num("tau", { min: 0, max: 1, exclusiveMin: true }),
    actorLr: t.num("actorLr", { min: 0, exclusiveMin: true }),
    criticLr: t.num("criticLr", { min: 0, exclusiveMin: true }),
    policyDelay: t.num("policyDelay", { integer: true, min: 1 }),
    policyNoise: t.num("policyNoise", { min: 0 }),
    noiseClip: t.num("noiseClip", { min: 0 }),
    explorationNoise: t.num("explorationNoise", { min: 0 }),
    criticHead: t.str("criticHead", ["value", "logRms"] as const),
    criticOutputs: t.num("criticOutputs", { integer: true, min: 1 }),
    actorRegularisation: t.num("actorRegularisation", { min: 0 }),
    actorWarmupUpdates: t.num("actorWarmupUpdates", { integer: true, min: 0 }),
  });
  const batchSize = t.num("batchSize", { integer: true, min: 1 });
  const bufferSize = t.num("bufferSize", { integer: true, min: 1 });
  const updatesPerStep = t.num("updatesPerStep", { integer: true, min: 0 });
  const warmupSteps = t.num("warmupSteps", { integer: true, min: 0 });
  const updateEvery = t.num("updateEvery", { integer: true, min: 1 });
  t.finish();
  const backendName = f.str("backend");
  let backend: TfBackend | undefined;
  if (backendName !== undefined) {
    try {
      backend = parseBackend(backendName);
    } catch (cause) {
      throw new ConfigError(file, `backend ${(cause as Error).message}`, { cause });
    }
  }
  const out = f.str("outDir");
  const config: TrainConfig = {
    setup,
    scenarios,
    reward,
    policy,
    env,
    td3,
    seed: f.num("seed", { integer: true }) ?? DEFAULT_TRAIN.seed,
    steps: f.num("steps", { integer: true, min: 1 }) ?? DEFAULT_TRAIN.steps,
    warmupSteps: warmupSteps ?? DEFAULT_TRAIN.warmupSteps,
    batchSize: batchSize ?? DEFAULT_TRAIN.batchSize,
    bufferSize: bufferSize ?? DEFAULT_TRAIN.bufferSize,
    updatesPerStep: updatesPerStep ?? DEFAULT_TRAIN.updatesPerStep,
    updateEvery: updateEvery ?? DEFAULT_TRAIN.updateEvery,
    checkpointEvery: f.num("checkpointEvery", { integer: true, min: 1 }) ?? DEFAULT_TRAIN.checkpointEvery,
    evalEvery: f.num("evalEvery", { integer: true, min: 0 }) ?? DEFAULT_TRAIN.evalEvery,
    evalEpisodes: f.num("evalEpisodes", { integer: true, min: 1 }) ?? DEFAULT_TRAIN.evalEpisodes,
    patience: f.num("patience", { integer: true, min: 0 }) ?? DEFAULT_TRAIN.patience,
    outDir: resolve(dirname(file), out ?? "rl-out"),
    backend,
  };
  f.finish();
  return config;
}

export function readEvalConfig(file: string): EvalConfig {
  const f = readYaml(file);
  const setup = ringSetup(f);
  const checkpoint = f.str("checkpoint") ?? f.fail("checkpoint", "is required (the trained checkpoint directory)");
  const h = f.section("harmonic");
  const harmonic = {
    frequencyHz: h.num("frequencyHz", { min: 0 }) ?? DEFAULT_EVAL.harmonic.frequencyHz,
    amplitudeMm: h.num("amplitudeMm", { min: 0 }) ?? DEFAULT_EVAL.harmonic.amplitudeMm,
  };
  h.finish();
  const machinesRaw = f.get("machines");
  const machines: EvalConfig["machines"] = [];
  if (machinesRaw !== undefined) {
    if (!Array.isArray(machinesRaw)) f.fail("machines", "must be a list of {mismatch, harmonic?, checkpoint}");
    (machinesRaw as unknown[]).forEach((entry, i) => {
      if (typeof entry !== "object" || entry === null || Array.isArray(entry)) f.fail("machines", `[${i}] must be a mapping {mismatch, harmonic?, checkpoint}`, entry);
      const m = new Fields(file, `machines[${i}].`, entry as Obj);
      const mismatch = m.num("mismatch", { min: 0, max: 0.9999 }) ?? m.fail("mismatch", "is required");
      const harmonic = m.bool("harmonic");
      const path = m.str("checkpoint") ?? m.fail("checkpoint", "is required");
      m.finish();
      machines.push({ mismatch, ...(harmonic === undefined ? {} : { harmonic }), checkpoint: resolve(dirname(file), path) });
    });
  }
  const mismatches = f.numbers("mismatches");
  if (mismatches !== undefined && !mismatches.every((m) => m >= 0 && m < 1)) f.fail("mismatches", "must hold fractions in [0, 1)", mismatches);
  const config: EvalConfig = {
    setup,
    checkpoint: resolve(dirname(file), checkpoint),
    machines,
    machineSeed: f.num("machineSeed", { integer: true }) ?? DEFAULT_EVAL.machineSeed,
    mismatches: mismatches ?? [...DEFAULT_EVAL.mismatches],
    harmonic,
    episodes: f.num("episodes", { integer: true, min: 1 }) ?? DEFAULT_EVAL.episodes,
    seed: f.num("seed", { integer: true }) ?? DEFAULT_EVAL.seed,
    steps: f.num("steps", { integer: true, min: 1 }) ?? DEFAULT_EVAL.steps,
    targetRms: f.num("targetRms", { min: 0, exclusiveMin: true }) ?? DEFAULT_EVAL.targetRms,
    initialSpreadA: f.num("initialSpreadA", { min: 0 }) ?? DEFAULT_EVAL.initialSpreadA,
    svdGains: f.numbers("svdGains") ?? [...DEFAULT_EVAL.svdGains],
    maxStepA: f.num("maxStepA", { min: 0, exclusiveMin: true }) ?? DEFAULT_EVAL.maxStepA,
  };
  f.finish();
  return config;
}
