/**
 * Training progress of a learning agent, one message per finished episode, on
 * `skyloop.<instrument>.training.<agent>` (core NATS; no stream needed, a watcher shows what it sees):
 *
 * ```json
 * {"v": 1, "agent": "rl-orbit", "session": "2024-06-10T12:00:00Z", "time": 1718000000.5,
 *  "episode": 42, "reward": -3.1, "rms": 0.052, "steps_per_s": 1830, "steps": 8400, "loss": 0.012}
 * ```
 *
 * It lives in `bridge/` with the other wire shapes: a trainer (`skyloop agent train --nats`) publishes it and
 * `watch/` shows it.
 */
import { WireFormatError } from "./errors.ts";
import { WIRE_VERSION, encodeJson, parseJson, requireSubjectToken } from "./wire.ts";

export interface TrainingProgress {
  v: typeof WIRE_VERSION;
  agent: string;
  /** Names one training session (a start time, a checkpoint directory); a new session starts new curves. */
  session: string;
  /** Epoch seconds when the episode ended. */
  time: number;
  /** Episode number, from 0 or 1, increasing within a session. */
  episode: number;
  /** Total reward of the episode. */
  reward: number;
  /** Orbit RMS at the episode's end (mm), or the objective the agent is trained on. */
  rms: number;
  /** Environment steps per second over the episode. */
  steps_per_s: number;
  /** Environment steps since the session started. */
  steps?: number;
  /** Training loss of the last update. */
  loss?: number;
  /** Evaluation (greedy policy) rather than a training episode. */
  evaluation?: boolean;
  /** The session has ended. */
  done?: boolean;
}

/** `skyloop.<instrument>.training.<agent>` */
export function trainingSubject(instrument: string, agent: string): string {
  return `skyloop.${requireSubjectToken(instrument, "instrument")}.training.${requireSubjectToken(agent, "agent")}`;
}

/** Every agent's training progress for one instrument. */
export function trainingWildcard(instrument: string): string {
  return `skyloop.${requireSubjectToken(instrument, "instrument")}.training.*`;
}

function describe(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return "an object";
  return `${typeof value} ${JSON.stringify(value)}`;
}

function finite(obj: Record<string, unknown>, field: string): number {
  const value = obj[field];
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new WireFormatError(field, `expected a finite number, got ${describe(value)}${value === null ? " (NaN and Infinity travel as null in JSON)" : ""}`);
  }
  return value;
}

function text(obj: Record<string, unknown>, field: string): string {
  const value = obj[field];
  if (typeof value !== "string" || value.length === 0) throw new WireFormatError(field, `expected a non-empty string, got ${describe(value)}`);
  return value;
}

export function validateTrainingProgress(value: unknown): TrainingProgress {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new WireFormatError("message", `expected an object, got ${describe(value)}`);
  }
  const obj = value as Record<string, unknown>;
  if (obj.v !== WIRE_VERSION) {
    throw new WireFormatError("v", `unsupported protocol version ${JSON.stringify(obj.v) ?? "(missing)"}; this side speaks ${WIRE_VERSION}`);
  }
  const progress: TrainingProgress = {
    v: WIRE_VERSION,
    agent: text(obj, "agent"),
    session: text(obj, "session"),
    time: finite(obj, "time"),
    episode: finite(obj, "episode"),
    reward: finite(obj, "reward"),
    rms: finite(obj, "rms"),
    steps_per_s: finite(obj, "steps_per_s"),
  };
  if (!Number.isInteger(progress.episode) || progress.episode < 0) {
    throw new WireFormatError("episode", `expected an integer >= 0, got ${progress.episode}`);
  }
  if (progress.steps_per_s < 0) throw new WireFormatError("steps_per_s", `expected a rate >= 0, got ${progress.steps_per_s}`);
  if (obj.steps !== undefined) progress.steps = finite(obj, "steps");
  if (obj.loss !== undefined) progress.loss = finite(obj, "loss");
  for (const flag of ["evaluation", "done"] as const) {
    if (obj[flag] === undefined) continue;
    if (typeof obj[flag] !== "boolean") throw new WireFormatError(flag, `expected a boolean, got ${describe(obj[flag])}`);
    progress[flag] = obj[flag];
  }
  return progress;
}

export function parseTrainingProgress(data: Uint8Array | string): TrainingProgress {
  return validateTrainingProgress(parseJson(data));
}

export function encodeTrainingProgress(progress: TrainingProgress): Uint8Array {
  return encodeJson(validateTrainingProgress(progress));
}
