/**
 * Channel Access errors. epics/ stands alone (it imports nothing of the rest of skyloop), so it has its own
 * root. The class says who is at fault: LocalProtocolError means this side broke a protocol rule,
 * RemoteProtocolError means the peer did.
 */
export class ChannelAccessError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A caller passed an argument that does not fit (unknown DBR type, bad count, conflicting options). */
export class CaInvalidArgumentError extends ChannelAccessError {
  constructor(message: string, readonly value?: unknown, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** This side tried to send a command the protocol does not allow in the current state. */
export class LocalProtocolError extends ChannelAccessError {}

/** The peer sent a command the protocol does not allow, or bytes that do not decode. */
export class RemoteProtocolError extends ChannelAccessError {}

/** A value could not be converted between DBR types (e.g. "abc" written to a DOUBLE channel). */
export class CaConversionError extends ChannelAccessError {
  constructor(message: string, readonly value?: unknown, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** An operation did not finish in time; names the PV (or what), the limit in ms and the last value seen. */
export class CaTimeoutError extends ChannelAccessError {
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

/** One or more PVs were not found by any server; lists every missing name at once. */
export class ChannelNotFoundError extends ChannelAccessError {
  constructor(
    readonly pvNames: readonly string[],
    readonly timeoutMs: number,
  ) {
    super(
      `${pvNames.length} PV${pvNames.length === 1 ? "" : "s"} not found within ${timeoutMs} ms: ` +
        pvNames.map((n) => `'${n}'`).join(", "),
    );
  }
}

/** The server's access rights forbid the operation on this PV. */
export class AccessDeniedError extends ChannelAccessError {
  constructor(
    readonly pvName: string,
    readonly operation: "read" | "write",
  ) {
    super(`no ${operation} access to PV '${pvName}'`);
  }
}

/** The channel or circuit is not connected (never was, lost its server, or was closed). */
export class CaDisconnectedError extends ChannelAccessError {
  constructor(
    readonly pvName: string,
    reason: string,
  ) {
    super(`PV '${pvName}' is not connected: ${reason}`);
  }
}

/** The server answered a request with an ECA status other than ECA_NORMAL. */
export class CaStatusError extends ChannelAccessError {
  constructor(
    readonly pvName: string,
    readonly operation: string,
    readonly status: number,
    statusText: string,
    detail?: string,
  ) {
    super(`${operation} of PV '${pvName}' failed: ${statusText} (ECA status ${status})${detail ? `: ${detail}` : ""}`);
  }
}

/** The context or server was closed and cannot be used any more. */
export class CaClosedError extends ChannelAccessError {}
