import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { io } from "@tensorflow/tfjs";
import { InvalidArgumentError, SkyloopError } from "../../engine/errors.ts";
import { JsActor } from "./actor-js.ts";
import { PolicyMap, type PolicyMapData } from "./policy-map.ts";
import type { ResolvedTd3Options } from "./td3.ts";

/*
 * Checkpoint files read without TensorFlow.js, so that a deployed agent never loads it.
 */

/** A checkpoint directory is missing, incomplete or of another format. */
export class CheckpointError extends SkyloopError {
  constructor(
    readonly dir: string,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`checkpoint ${dir}: ${reason}`, options);
  }
}

export const CHECKPOINT_FORMAT = "skyloop-rl-orbit";
export const CHECKPOINT_VERSION = 1;
export const MODEL_JSON = "model.json";
export const WEIGHTS_BIN = "weights.bin";
export const META_JSON = "checkpoint.json";

/** One point of the training curve. */
export interface EpisodeRecord {
  episode: number;
  step: number;
  return: number;
  /** Measured RMS at the end of the episode, mm (NaN → null after a beam loss). */
  finalRms: number | null;
  length: number;
  end: string;
}

/** One held-out evaluation during training (see `scoreHeldOut`). */
export interface HeldOutRecord {
  step: number;
  /** Wall-clock training time when it was taken, s. */
  trainSeconds: number;
  /** Mean over the held-out episodes and their steps of log10(max(true RMS, floor) / floor); lower is better. */
  score: number;
  /** Mean true RMS over the last 5 steps of the held-out episodes, mm. */
  finalRms: number;
}

/** What a checkpoint holds besides the networks. */
export interface CheckpointMeta {
  format: typeof CHECKPOINT_FORMAT;
  version: number;
  /** Environment steps and episodes done so far. */
  step: number;
  episode: number;
  /** Wall-clock training time so far, s. */
  trainSeconds: number;
  backend: string;
  td3: ResolvedTd3Options;
  policy: PolicyMapData;
  /** The configuration trained with (plain data), for the record and for resuming. */
  config: Record<string, unknown>;
  curve: EpisodeRecord[];
  /** Held-out evaluations so far, when the run makes them. */
  heldOut?: HeldOutRecord[];
}

export interface ModelJson {
  modelTopology: object;
  format?: string;
  generatedBy?: string;
  convertedBy?: string | null;
  weightsManifest: io.WeightsManifestConfig;
}

export function readModelFiles(dir: string): { json: ModelJson; weights: ArrayBuffer } {
  const jsonPath = join(dir, MODEL_JSON);
  const binPath = join(dir, WEIGHTS_BIN);
  if (!existsSync(jsonPath) || !existsSync(binPath)) throw new CheckpointError(dir, `needs ${MODEL_JSON} and ${WEIGHTS_BIN}`);
  const json = JSON.parse(readFileSync(jsonPath, "utf8")) as ModelJson;
  if (!Array.isArray(json.weightsManifest)) throw new CheckpointError(dir, `${MODEL_JSON} has no weightsManifest`);
  const buf = readFileSync(binPath);
  return { json, weights: buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer };
}

export function readCheckpointMeta(dir: string): CheckpointMeta {
  const path = join(dir, META_JSON);
  if (!existsSync(path)) throw new CheckpointError(dir, `has no ${META_JSON} (is it a checkpoint directory?)`);
  let meta: CheckpointMeta;
  try {
    meta = JSON.parse(readFileSync(path, "utf8")) as CheckpointMeta;
  } catch (cause) {
    throw new CheckpointError(dir, `${META_JSON} is not valid JSON`, { cause });
  }
  if (meta.format !== CHECKPOINT_FORMAT) throw new CheckpointError(dir, `format is ${JSON.stringify(meta.format)}, expected "${CHECKPOINT_FORMAT}"`);
  if (meta.version !== CHECKPOINT_VERSION) throw new CheckpointError(dir, `version ${meta.version} is not supported (this build reads ${CHECKPOINT_VERSION})`);
  return meta;
}

/**
 * The deployed policy without TensorFlow.js: the actor's weights read straight from actor/weights.bin (as
 * laid out by its manifest) and the model-based part from checkpoint.json. Synchronous, so an agent can be
 * built by a registry factory.
 */
export function loadPolicy(dir: string): { actor: JsActor; policy: PolicyMap; meta: CheckpointMeta } {
  const meta = readCheckpointMeta(dir);
  const { json, weights } = readModelFiles(join(dir, "actor"));
  const specs = json.weightsManifest.flatMap((g) => g.weights);
  const values: { shape: number[]; data: Float32Array }[] = [];
  let offset = 0;
  for (const spec of specs) {
    if (spec.dtype !== undefined && spec.dtype !== "float32") throw new CheckpointError(dir, `actor weight ${spec.name} is ${spec.dtype}, expected float32`);
    const size = spec.shape.reduce((a, b) => a * b, 1);
    if (offset + size * 4 > weights.byteLength) throw new CheckpointError(dir, `actor/${WEIGHTS_BIN} is shorter than its manifest`);
    values.push({ shape: spec.shape, data: new Float32Array(weights.slice(offset, offset + size * 4)) });
    offset += size * 4;
  }
  let actor: JsActor;
  let policy: PolicyMap;
  try {
    actor = JsActor.fromTensors(values);
    policy = PolicyMap.fromData(meta.policy);
  } catch (cause) {
    if (cause instanceof InvalidArgumentError) throw new CheckpointError(dir, cause.message, { cause });
    throw cause;
  }
  if (actor.inputSize !== policy.obsSize || actor.outputSize !== policy.k) {
    throw new CheckpointError(dir, `the actor maps ${actor.inputSize} -> ${actor.outputSize}, the policy needs ${policy.obsSize} -> ${policy.k}`);
  }
  return { actor, policy, meta };
}
