import type { ExitStatus } from "../documents/types.ts";

/** The RunEngine's states, as Bluesky names them. */
export const RunEngineState = {
  Idle: "idle",
  Running: "running",
  Pausing: "pausing",
  Paused: "paused",
  Suspending: "suspending",
  Stopping: "stopping",
  Aborting: "aborting",
  Halting: "halting",
} as const;
export type RunEngineState = (typeof RunEngineState)[keyof typeof RunEngineState];

/** What `run()` resolves with. */
export interface RunResult {
  /** The uids of the run start documents, in the order the runs were opened. */
  readonly uids: string[];
  readonly exitStatus: ExitStatus;
  readonly reason?: string;
  /** What the plan returned, when it ran to its end. */
  readonly planResult?: unknown;
}
