/** Errors of the live view. */
import { SkyloopError } from "../engine/errors.ts";

/** Nobody answers control requests: no campaign runs, or it runs without a control listener. */
export class NoControlListenerError extends SkyloopError {
  constructor(
    readonly subject: string,
    options?: { cause?: unknown },
  ) {
    super(`nobody listens for control requests on ${subject}: no campaign runs, or it runs without a control listener`, options);
  }
}
