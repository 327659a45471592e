/**
 * `skyloop agent train` with a bus: the same training, its progress also published on
 * `skyloop.<instrument>.training.<agent>` for `skyloop watch`. The trainer reports progress about every 200
 * environment steps (not at each episode's end), with the mean return and final RMS of its last episodes: one
 * message goes out per report, numbered by the episodes finished so far, and a last one with `done: true`.
 */
import type { NatsConnection } from "nats";
import { evalCommand, formatProgress, readTrainConfig, train, trainCommand } from "../../agents/rl/index.ts";
import type { EvalResult, TrainProgress, TrainResult } from "../../agents/rl/index.ts";
import { RL_ORBIT_KIND } from "../../agents/rl/agent.ts";
import { connectNats } from "../../bridge/documents/nats_connection.ts";
import { WIRE_VERSION } from "../../bridge/wire.ts";
import { encodeTrainingProgress, trainingSubject } from "../../bridge/training.ts";
import type { TrainingProgress } from "../../bridge/training.ts";

export const DEFAULT_TRAINING_INSTRUMENT = "sim-ring";

export interface TrainingPublisherOptions {
  connection: NatsConnection;
  instrument: string;
  /** @default "rl-orbit" */
  agent?: string;
  /** Names this training session on the page. @default the start time, ISO 8601 */
  session?: string;
}

/** Turns the trainer's progress reports into training messages on core NATS. */
export class TrainingPublisher {
  readonly subject: string;
  readonly agent: string;
  readonly session: string;
  private last: TrainingProgress | undefined;
  published = 0;

  constructor(private readonly options: TrainingPublisherOptions) {
    this.agent = options.agent ?? RL_ORBIT_KIND;
    this.subject = trainingSubject(options.instrument, this.agent);
    this.session = options.session ?? new Date().toISOString();
  }

  /** Publishes one report; a report before the first episode has ended has no figures and is skipped. */
  publish(p: TrainProgress): boolean {
    if (!Number.isFinite(p.meanReturn) || !Number.isFinite(p.meanFinalRms)) return false;
    const message: TrainingProgress = {
      v: WIRE_VERSION,
      agent: this.agent,
      session: this.session,
      time: Date.now() / 1000,
      episode: p.episode,
      reward: p.meanReturn,
      rms: p.meanFinalRms,
      steps_per_s: p.stepsPerSecond,
      steps: p.step,
    };
    this.send(message);
    return true;
  }

  /** The last figures again, marked as the end of the session. */
  finish(): void {
    if (this.last !== undefined) this.send({ ...this.last, time: Date.now() / 1000, done: true });
  }

  private send(message: TrainingProgress): void {
    try {
      this.options.connection.publish(this.subject, encodeTrainingProgress(message));
    } catch (err) {
      // The dashboard missing a point must not end hours of training: say so once and carry on.
      if (!this.warned) process.stderr.write(`skyloop: training progress not published on ${this.subject}: ${(err as Error).message}\n`);
      this.warned = true;
      return;
    }
    this.last = message;
    this.published++;
  }
  private warned = false;
}

export interface TrainOptions {
  resume?: string;
  quiet?: boolean;
  /** NATS server URLs: publish progress there. */
  nats?: string[];
  /** @default DEFAULT_TRAINING_INSTRUMENT */
  instrument?: string;
  /** @default "rl-orbit" */
  agent?: string;
}

/**
 * Trains as the file says. Without NATS this is the trainer's own command (progress bar, checkpoint, curve);
 * with NATS the same bar is drawn here, beside the publishing.
 */
export async function runTraining(file: string, options: TrainOptions = {}): Promise<TrainResult> {
  if (options.nats === undefined || options.nats.length === 0) {
    return trainCommand(file, { ...(options.resume ? { resume: options.resume } : {}), ...(options.quiet ? { quiet: true } : {}) });
  }
  const config = readTrainConfig(file);
  const connection = await connectNats({ servers: options.nats, name: `skyloop agent train ${options.agent ?? RL_ORBIT_KIND}` });
  const publisher = new TrainingPublisher({ connection, instrument: options.instrument ?? DEFAULT_TRAINING_INSTRUMENT, ...(options.agent ? { agent: options.agent } : {}) });
  const draw = progressBar(options.quiet === true);
  try {
    if (!options.quiet) process.stderr.write(`skyloop: training progress on ${publisher.subject}\n`);
    const result = await train(config, {
      ...(options.resume ? { resume: options.resume } : {}),
      onBackend: (text) => options.quiet || process.stderr.write(`${text}\n`),
      onProgress: (p) => {
        draw(p);
        publisher.publish(p);
      },
    });
    publisher.finish();
    if (!options.quiet && process.stderr.isTTY) process.stderr.write("\n");
    process.stdout.write(
      `trained ${result.steps} steps, ${result.episodes} episodes in ${result.trainSeconds.toFixed(1)} s (${result.stepsPerSecond.toFixed(0)} steps/s, ${result.backend})\n` +
        `checkpoint: ${result.checkpoint}\ncurve: ${result.curvePath}\n` +
        `progress: ${publisher.published} message(s) on ${publisher.subject}\n`,
    );
    return result;
  } finally {
    await connection.drain().catch(() => undefined);
  }
}

/** The trainer's progress line: redrawn in place on a terminal, a line every 10 % otherwise. */
function progressBar(quiet: boolean): (p: TrainProgress) => void {
  const tty = process.stderr.isTTY === true;
  let lastDecile = -1;
  return (p) => {
    if (quiet) return;
    if (tty) {
      process.stderr.write(`\r${formatProgress(p)}\x1b[K`);
      return;
    }
    const decile = Math.floor((10 * p.step) / p.totalSteps);
    if (decile !== lastDecile) {
      lastDecile = decile;
      process.stderr.write(`${formatProgress(p)}\n`);
    }
  };
}

/** `skyloop agent eval`: the trainer's own comparison of the trained agent with SVD. */
export function runEvaluation(file: string, options: { json?: boolean } = {}): Promise<EvalResult> {
  return evalCommand(file, options);
}
