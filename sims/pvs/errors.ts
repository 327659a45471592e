/** Errors of the simulator PV tables: a PV that does not exist, a write to a read-only PV. */
import { SkyloopError } from "../../engine/errors.ts";

/** No PV of that name in any registered table; the message lists the closest names. */
export class PvNotFoundError extends SkyloopError {
  constructor(
    readonly pv: string,
    readonly suggestions: readonly string[] = [],
  ) {
    super(
      `no simulated PV named ${JSON.stringify(pv)}` +
        (suggestions.length > 0 ? ` (did you mean ${suggestions.map((s) => JSON.stringify(s)).join(", ")}?)` : ""),
    );
  }
}

/** A put to a PV that only the simulator writes (a readback, a status). */
export class PvReadOnlyError extends SkyloopError {
  constructor(
    readonly pv: string,
    readonly value: unknown,
  ) {
    super(`${pv} is read-only: cannot write ${JSON.stringify(value)}`);
  }
}
