/** Errors of the conformance suite: a failed check says what was expected and what was seen. */
import { SkyloopError } from "../engine/errors.ts";

/** Render a value the way check messages quote it: numbers with their significant digits, strings quoted. */
export function show(value: unknown): string {
  if (typeof value === "number") return Number.isFinite(value) ? String(Number(value.toPrecision(6))) : String(value);
  if (typeof value === "string") return JSON.stringify(value);
  if (value === undefined) return "nothing";
  if (Array.isArray(value) && value.length > 8) return `[${value.slice(0, 8).map(show).join(", ")}, … (${value.length} values)]`;
  if (Array.isArray(value)) return `[${value.map(show).join(", ")}]`;
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** A check found the device behaving otherwise than it should: `what` was expected to be `expected`, was `seen`. */
export class CheckFailedError extends SkyloopError {
  constructor(
    readonly what: string,
    readonly expected: string,
    readonly seen: string,
    options?: { cause?: unknown },
  ) {
    super(`${what}: expected ${expected}, saw ${seen}`, options);
  }
}

/** Thrown by `t.skip(reason)`: the check does not apply here (no limits set, not a simulated target, ...). */
export class CheckSkippedError extends SkyloopError {
  constructor(readonly reason: string) {
    super(reason);
  }
}

/** A spec file could not be loaded or does not fit the spec API; names the file. */
export class SpecLoadError extends SkyloopError {
  constructor(
    readonly file: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${file}: ${message}`, options);
  }
}

/** Moving checks were asked for on real devices and nobody confirmed (no --yes, no answer "y"). */
export class NotConfirmedError extends SkyloopError {}
