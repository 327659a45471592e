/**
 * Errors of the two wires between engine and agents. Each is named for the failure and quotes what failed
 * (the field, the URL, the run uid) so a log line alone says what went wrong.
 */
import { SkyloopError } from "../engine/errors.ts";

/** A message on a wire does not fit its versioned shape; `field` names where it stopped fitting. */
export class WireFormatError extends SkyloopError {
  constructor(
    readonly field: string,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(field === "" ? reason : `${field}: ${reason}`, options);
  }
}

/** The NATS server could not be reached or refused the connection (authentication, TLS). */
export class BridgeConnectionError extends SkyloopError {
  constructor(
    readonly url: string,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`cannot connect to NATS at ${url}: ${reason}`, options);
  }
}

/** A run asked for by uid has no start document in the stream. */
export class RunNotFoundError extends SkyloopError {
  constructor(
    readonly runUid: string,
    readonly where: string,
  ) {
    super(`run '${runUid}' has no start document in ${where}`);
  }
}

/** More documents are waiting for the server than the publisher was allowed to hold. */
export class PublishBufferFullError extends SkyloopError {
  constructor(readonly limit: number) {
    super(`${limit} documents are already waiting for the NATS server; refusing to buffer more`);
  }
}

/** The engine side refused a suggestion; `reason` is the reply's reason, word for word. */
export class SuggestionRejectedError extends SkyloopError {
  constructor(
    readonly id: string,
    readonly reason: string,
  ) {
    super(`suggestion '${id}' rejected: ${reason}`);
  }
}

/** A key file is unreadable or holds no valid Z85 CURVE key. */
export class CurveKeyError extends SkyloopError {
  constructor(
    readonly file: string,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(`${file}: ${reason}`, options);
  }
}

/** Something was used after `close()`. */
export class ClosedError extends SkyloopError {
  constructor(readonly what: string) {
    super(`${what} is closed`);
  }
}
