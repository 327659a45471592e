/**
 * The root of skyloop's errors. Each subclass is named for the failure; where there is an offending value it
 * is kept in a readonly field and quoted in the message, so a log line alone says what went wrong.
 */
export class SkyloopError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A caller passed an argument that does not fit (wrong type, conflicting options, out of range). */
export class InvalidArgumentError extends SkyloopError {
  constructor(message: string, readonly value?: unknown, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** A plan yielded a command the RunEngine has no handler for. */
export class InvalidCommandError extends SkyloopError {
  constructor(readonly command: string) {
    super(`unknown command '${command}': register it with RunEngine.registerCommand() before using it`);
  }
}

/** A message arrived in a state where it makes no sense (e.g. `save` with no open bundle). */
export class IllegalMessageSequenceError extends SkyloopError {}

/** An operation did not finish within its time limit; names what, the limit and the last value seen. */
export class TimeoutError extends SkyloopError {
  constructor(
    readonly what: string,
    readonly timeoutMs: number,
    readonly lastValue?: unknown,
    options?: { cause?: unknown },
  ) {
    super(
      `${what} timed out after ${timeoutMs} ms` +
        (lastValue === undefined ? "" : ` (last value seen: ${JSON.stringify(lastValue)})`),
      options,
    );
  }
}

/** One or more devices or signals could not connect; the message is an indented tree of every failure. */
export class NotConnectedError extends SkyloopError {
  constructor(readonly errors: ReadonlyMap<string, Error>) {
    super(NotConnectedError.format(errors));
  }

  private static format(errors: ReadonlyMap<string, Error>, indent = ""): string {
    const lines: string[] = [];
    for (const [name, err] of errors) {
      if (err instanceof NotConnectedError) {
        lines.push(`${indent}${name}:`);
        lines.push(NotConnectedError.format(err.errors, indent + "  "));
      } else {
        lines.push(`${indent}${name}: ${err.name}: ${err.message}`);
      }
    }
    return lines.join("\n");
  }
}

/** A set-point outside a device's limits; nothing was moved. */
export class LimitError extends SkyloopError {
  constructor(
    readonly device: string,
    readonly value: unknown,
    readonly limits: readonly [number, number],
  ) {
    super(`${device}: ${JSON.stringify(value)} is outside the limits [${limits[0]}, ${limits[1]}]; nothing was moved`);
  }
}

/** A document did not satisfy event-model's schema for its kind. */
export class DocumentValidationError extends SkyloopError {
  constructor(
    readonly docName: string,
    readonly problems: readonly string[],
  ) {
    super(`invalid ${docName} document: ${problems.join("; ")}`);
  }
}

/** The run was stopped, aborted or halted; thrown into the plan so `finally` blocks run. */
export class RequestStopError extends SkyloopError {}
export class RequestAbortError extends SkyloopError {}
export class RunEngineInterrupted extends SkyloopError {}

/** A plan was asked to pause, e.g. by a `pause` message, Ctrl-C or a tripped suspender. */
export class FailedPauseError extends SkyloopError {}

/** A Status finished unsuccessfully; the cause, when known, is attached. */
export class FailedStatusError extends SkyloopError {}

/** A configuration file (profile, campaign, metadata) is unreadable or does not fit its schema. */
export class ConfigError extends SkyloopError {
  constructor(
    readonly file: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${file}: ${message}`, options);
  }
}

/** A RunEngine request that its current state does not allow (resume when not paused, run when busy). */
export class TransitionError extends SkyloopError {
  constructor(
    readonly state: string,
    readonly request: string,
  ) {
    super(`cannot ${request} while the RunEngine is ${state}`);
  }
}
