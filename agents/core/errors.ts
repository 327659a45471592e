import { SkyloopError } from "../../engine/errors.ts";

/** An agent was asked for something its state cannot give yet (a suggestion before any measurement). */
export class AgentNotReadyError extends SkyloopError {
  constructor(
    readonly agent: string,
    readonly reason: string,
  ) {
    super(`agent "${agent}" is not ready: ${reason}`);
  }
}

/** A user's agent module could not be loaded or does not provide an agent. */
export class AgentLoadError extends SkyloopError {
  constructor(
    readonly module: string,
    readonly exportName: string,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`cannot load agent "${exportName}" from ${module}: ${reason}`, options);
  }
}
