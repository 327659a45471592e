/** Errors of beamline devices. */
import { SkyloopError } from "../../engine/errors.ts";

/** An interlock refused to open (or close) a valve or shutter; its state did not change. */
export class InterlockRefusedError extends SkyloopError {
  constructor(
    readonly device: string,
    readonly action: string,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`${device}: ${action} refused by the interlock: ${reason}`, options);
  }
}
