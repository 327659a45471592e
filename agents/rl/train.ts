import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { renderLinePlot } from "../../engine/callbacks/index.ts";
import { Rng } from "../../sims/math/index.ts";
import { loadTd3, saveCheckpoint } from "./checkpoint.ts";
import { heldOutScenarios, scoreHeldOut } from "./held-out.ts";
import { META_JSON, type CheckpointMeta, type EpisodeRecord, type HeldOutRecord } from "./policy-file.ts";
import type { TrainConfig } from "./config.ts";
import { RingEnv } from "./env.ts";
import { ReplayBuffer } from "./replay.ts";
import { Td3 } from "./td3.ts";
import { describeBackend, loadTf, TF_BACKEND_ORDER } from "./tf.ts";

export interface TrainProgress {
  step: number;
  totalSteps: number;
  episode: number;
  /** Mean return and final RMS of the last few episodes. */
  meanReturn: number;
  meanFinalRms: number;
  stepsPerSecond: number;
  /** The latest held-out evaluation and the best so far, when the run makes them. */
  heldOut?: HeldOutRecord;
  bestHeldOut?: HeldOutRecord;
}

export interface TrainOptions {
  /** Continue from this checkpoint directory (networks, counters and curve; the replay buffer refills). */
  resume?: string;
  /** Called about every 200 steps and at the end. */
  onProgress?: (p: TrainProgress) => void;
  /** Called with each checkpoint directory written. */
  onCheckpoint?: (dir: string) => void;
  /** Called once with the backend description. */
  onBackend?: (text: string) => void;
}

export interface TrainResult {
  /** The checkpoint to deploy: outDir/best with held-out evaluation, else outDir/final. */
  checkpoint: string;
  /** The networks at the end of the run (outDir/final). */
  finalCheckpoint: string;
  /** Held-out evaluations, and the best (whose networks are outDir/best). */
  heldOut: HeldOutRecord[];
  best: HeldOutRecord | null;
  /** The run stopped early: `patience` evaluations in a row without improvement. */
  stoppedEarly: boolean;
  curvePath: string;
  steps: number;
  episodes: number;
  trainSeconds: number;
  stepsPerSecond: number;
  backend: string;
  curve: EpisodeRecord[];
}

const RECENT = 20;

/** Plain data of the configuration, for checkpoint.json. */
function configData(config: TrainConfig): Record<string, unknown> {
  return JSON.parse(JSON.stringify(config)) as Record<string, unknown>;
}

/** Builds the environment a configuration describes (also used to rebuild the policy map for checks). */
export function envFor(config: TrainConfig, seedOffset = 0): RingEnv {
  return new RingEnv({ setup: config.setup, scenarios: config.scenarios, reward: config.reward, policy: config.policy, ...config.env, seed: config.seed + seedOffset });
}

/**
 * TD3 against the ring simulator: act with exploration noise around the current actor (which starts as the
 * pure SVD step), store transitions, update from minibatches, checkpoint every `checkpointEvery` steps and at
 * the end, and draw the training curve (return and final RMS per episode) as an SVG.
 */
export async function train(config: TrainConfig, options: TrainOptions = {}): Promise<TrainResult> {
  const loaded = await loadTf(config.backend === undefined ? TF_BACKEND_ORDER : [config.backend]);
  options.onBackend?.(describeBackend(loaded));
  let env = envFor(config);
  let td3: Td3;
  let step = 0;
  let episode = 0;
  let priorSeconds = 0;
  let curve: EpisodeRecord[] = [];
  let priorHeldOut: HeldOutRecord[] = [];
  if (options.resume !== undefined) {
    const resumed = await loadTd3(options.resume);
    td3 = resumed.td3;
    step = resumed.meta.step;
    episode = resumed.meta.episode;
    priorSeconds = resumed.meta.trainSeconds;
    curve = resumed.meta.curve;
    priorHeldOut = resumed.meta.heldOut ?? [];
    env = envFor(config, step);
  } else {
    td3 = new Td3({ ...config.td3, obsSize: env.obsSize, actionSize: env.actionSize, seed: config.seed });
  }
  const buffer = new ReplayBuffer(config.bufferSize, env.obsSize, env.actionSize);
  const batch = buffer.createBatch(config.batchSize);
  // A resumed run draws scenarios and minibatches from a stream of its own, not a replay of the first run's.
  const rng = new Rng(config.seed).derive(`replay-${step}`);

  let actor = td3.jsActor();
  const action = new Float32Array(env.actionSize);
  let obs = env.reset();
  let epReturn = 0;
  let epLength = 0;
  const startedAt = performance.now();
  const startStep = step;
  const lastProgressAt = { step };
  const checkpointDir = (name: string) => join(config.outDir, name);
  const seconds = () => priorSeconds + (performance.now() - startedAt) / 1000;

  // Model selection on held-out scenarios, starting from the policy as it is (the SVD step when untrained).
  // A resumed run keeps its evaluations, and its best so far while outDir/best still holds those networks.
  const heldOut: HeldOutRecord[] = [...priorHeldOut];
  let best: HeldOutRecord | null = existsSync(join(config.outDir, "best", META_JSON)) && heldOut.length > 0 ? heldOut.reduce((a, b) => (b.score < a.score ? b : a)) : null;
  let sinceBest = 0;
  let stoppedEarly = false;
  const evalEnv = config.evalEvery > 0 ? envFor(config) : null;
  const evalScenarios = evalEnv === null ? [] : heldOutScenarios(evalEnv, config.evalEpisodes, config.seed);
  const meta = () => ({
    step,
    episode,
    trainSeconds: seconds(),
    backend: loaded.backend,
    policy: env.policy.toData(),
    config: configData(config),
    curve,
    heldOut,
  });
  const evaluateNow = async (): Promise<void> => {
    if (evalEnv === null) return;
    const { score, finalRms } = scoreHeldOut(evalEnv, actor, evalScenarios, evalEnv.options.maxSteps, evalEnv.reward.floorMm);
    const record: HeldOutRecord = { step, trainSeconds: seconds(), score, finalRms };
    heldOut.push(record);
    if (best === null || score < best.score) {
      best = record;
      sinceBest = 0;
      await saveCheckpoint(checkpointDir("best"), td3, meta());
      options.onCheckpoint?.(checkpointDir("best"));
    } else {
      sinceBest++;
    }
  };
  const progress = (): void => {
    const recent = curve.slice(-RECENT);
    const elapsed = (performance.now() - startedAt) / 1000;
    const finals = recent.map((r) => r.finalRms).filter((v): v is number => v !== null);
    options.onProgress?.({
      step,
      totalSteps: config.steps,
      episode,
      meanReturn: recent.length > 0 ? recent.reduce((a, r) => a + r.return, 0) / recent.length : NaN,
      meanFinalRms: finals.length > 0 ? finals.reduce((a, b) => a + b, 0) / finals.length : NaN,
      stepsPerSecond: elapsed > 0 ? (step - startStep) / elapsed : 0,
      heldOut: heldOut.at(-1),
      bestHeldOut: best ?? undefined,
    });
  };

  if (options.resume === undefined) await evaluateNow();
  while (step < config.steps) {
    actor.act(obs, action);
    td3.explore(action);
    const result = env.step(action);
    buffer.add(obs, action, result.reward, result.obs, result.terminal);
    obs = result.obs;
    epReturn += result.reward;
    epLength++;
    step++;
    if (result.done) {
      curve.push({ episode: episode++, step, return: epReturn, finalRms: Number.isFinite(result.rms) ? result.rms : null, length: epLength, end: result.end! });
      obs = env.reset();
      epReturn = 0;
      epLength = 0;
    }
    if (step >= config.warmupSteps && buffer.size >= config.batchSize && step % config.updateEvery === 0) {
      let actorChanged = false;
      for (let u = 0; u < config.updatesPerStep; u++) {
        const r = td3.update(buffer.sample(batch, rng));
        if (r.actorLoss !== null) actorChanged = true;
      }
      if (actorChanged) actor = td3.jsActor();
    }
    if (step - lastProgressAt.step >= 200) {
      lastProgressAt.step = step;
      progress();
    }
    if (config.evalEvery > 0 && step % config.evalEvery === 0) {
      await evaluateNow();
      if (config.patience > 0 && sinceBest >= config.patience) {
        stoppedEarly = true;
        break;
      }
    }
    if (step % config.checkpointEvery === 0 && step < config.steps) {
      await saveCheckpoint(checkpointDir(`step-${step}`), td3, meta());
      options.onCheckpoint?.(checkpointDir(`step-${step}`));
    }
  }
  progress();
  const final = checkpointDir("final");
  await saveCheckpoint(final, td3, meta());
  options.onCheckpoint?.(final);
  if (best !== null) {
    // The best checkpoint's record of the run is completed with the evaluations made after it.
    const bestDir = checkpointDir("best");
    const bestMeta = JSON.parse(readFileSync(join(bestDir, META_JSON), "utf8")) as CheckpointMeta;
    bestMeta.heldOut = heldOut;
    writeFileSync(join(bestDir, META_JSON), JSON.stringify(bestMeta, null, 1));
  }
  const curvePath = join(config.outDir, "training-curve.svg");
  writeCurve(curvePath, curve, heldOut);
  const elapsed = (performance.now() - startedAt) / 1000;
  td3.dispose();
  return {
    checkpoint: best === null ? final : checkpointDir("best"),
    finalCheckpoint: final,
    heldOut,
    best,
    stoppedEarly,
    curvePath,
    steps: step,
    episodes: episode,
    trainSeconds: priorSeconds + elapsed,
    stepsPerSecond: elapsed > 0 ? (step - startStep) / elapsed : 0,
    backend: describeBackend(loaded),
    curve,
  };
}

/**
 * Moving averages of the return and of log10 of the final RMS against the episode number, and the held-out
 * score (at the episode reached when it was taken).
 */
export function writeCurve(path: string, curve: readonly EpisodeRecord[], heldOut: readonly HeldOutRecord[] = []): void {
  const window = Math.max(1, Math.round(curve.length / 50));
  const smooth = (values: number[]): number[] => values.map((_, i) => {
    const part = values.slice(Math.max(0, i - window + 1), i + 1).filter(Number.isFinite);
    return part.length > 0 ? part.reduce((a, b) => a + b, 0) / part.length : NaN;
  });
  const x = curve.map((r) => r.episode);
  const svg = renderLinePlot({
    title: "RL orbit correction: training curve",
    xLabel: "episode",
    yLabel: "moving average",
    series: [
      { name: "return", x, y: smooth(curve.map((r) => r.return)), mode: "lines" },
      { name: "log10 final RMS (mm)", x, y: smooth(curve.map((r) => (r.finalRms === null ? NaN : Math.log10(r.finalRms)))), mode: "lines" },
      ...(heldOut.length > 0
        ? [{ name: "held-out score", x: heldOut.map((h) => curve.filter((r) => r.step <= h.step).length), y: heldOut.map((h) => h.score), mode: "lines" as const }]
        : []),
    ],
  });
  mkdirSync(join(path, ".."), { recursive: true });
  writeFileSync(path, svg);
}
