/** Errors of the device layer that engine/errors.ts has no class for. */
import { SkyloopError } from "../../engine/errors.ts";

/** A signal was used before `connect()` gave it a backend (its URI's scheme was not registered yet). */
export class SignalNotConnectedError extends SkyloopError {
  constructor(readonly source: string) {
    super(`${source} is not connected: call connect() on the signal or its device first`);
  }
}

/** `read({ cached: true })` on a signal that is neither monitored nor staged. */
export class NoCachedReadingError extends SkyloopError {
  constructor(readonly signal: string) {
    super(`${signal}: no cached reading: the signal is neither monitored nor staged`);
  }
}
