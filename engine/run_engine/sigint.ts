/**
 * Ctrl-C while a plan runs, as in Bluesky: once asks for a deferred pause (at the next checkpoint); twice
 * within the window pauses at once. While idle, Ctrl-C does what it always does (the handler steps aside and
 * the signal is raised again).
 */
import type { LogSink } from "./options.ts";
import { RunEngineState } from "./state.ts";

export interface SigintOptions {
  /** A second Ctrl-C within this many ms pauses at once. @default 10_000 */
  windowMs?: number;
  /** @default the engine's log */
  log?: LogSink;
  /** Where SIGINT comes from; tests pass an EventEmitter. @default process */
  source?: SignalSource;
}

export interface SignalSource {
  on(event: "SIGINT", listener: () => void): unknown;
  off(event: "SIGINT", listener: () => void): unknown;
}

/** The part of the RunEngine the handler drives. */
export interface PausableEngine {
  readonly state: RunEngineState;
  readonly deferredPauseRequested: boolean;
  requestPause(defer?: boolean): void;
}

export const DEFAULT_SIGINT_WINDOW_MS = 10_000;

export const PAUSED_HELP = [
  "Your RunEngine is entering a paused state. These are your options for changing the state of the RunEngine:",
  "  RE.resume()       Resume the plan (rewinding to the last checkpoint).",
  "  RE.abort(reason)  Perform cleanup, then kill the plan. Mark exit_status='abort'.",
  "  RE.stop()         Perform cleanup, then kill the plan. Mark exit_status='success'.",
  "  RE.halt()         Emergency stop: do not perform cleanup, just stop.",
].join("\n");

export function installSigintHandler(engine: PausableEngine, options: SigintOptions = {}): () => void {
  const windowMs = options.windowMs ?? DEFAULT_SIGINT_WINDOW_MS;
  const log = options.log ?? ((line: string) => void process.stderr.write(line + "\n"));
  const source = options.source ?? process;
  let last = -Infinity;
  const handler = (): void => {
    const state = engine.state;
    if (state === RunEngineState.Idle) {
      source.off("SIGINT", handler);
      if (source === process) process.kill(process.pid, "SIGINT");
      return;
    }
    if (state === RunEngineState.Paused || state === RunEngineState.Pausing) {
      log(`The RunEngine is already ${state}.\n${PAUSED_HELP}`);
      return;
    }
    const now = Date.now();
    if (now - last < windowMs && engine.deferredPauseRequested) {
      log(`Pausing now (second Ctrl-C).\n${PAUSED_HELP}`);
      engine.requestPause(false);
    } else {
      log(
        "A 'deferred pause' has been requested. The RunEngine will pause at the next checkpoint. " +
          `To pause immediately, hit Ctrl-C again within ${Math.round(windowMs / 1000)} seconds.`,
      );
      engine.requestPause(true);
    }
    last = now;
  };
  source.on("SIGINT", handler);
  return () => {
    source.off("SIGINT", handler);
  };
}
