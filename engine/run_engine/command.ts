import { InvalidArgumentError } from "../errors.ts";
import { objectName } from "../msg.ts";
import type { Msg } from "../msg.ts";
import type { Execution } from "./execution.ts";

/**
 * One verb's handler. It checks its preconditions before any side effect and returns the value sent back into
 * the plan: directly when it has it (no await on the hot path), or as a Promise the engine awaits. A thrown
 * error (or rejected promise) is thrown into the plan.
 *
 * A Promise resolving to a thenable would be flattened by JavaScript, so a handler that must wait and then
 * reply with a Status returns a Promise of `new Reply(status)`.
 */
export type CommandHandler = (msg: Msg, ex: Execution) => unknown;

/** Wraps a reply that is itself awaitable (a Status) so that an async handler can return it unflattened. */
export class Reply {
  constructor(readonly value: unknown) {}
}

/** The device of a message, checked against a protocol; otherwise an error naming the verb and the device. */
export function deviceOf<T>(msg: Msg, guard: (o: unknown) => o is T, protocol: string): T {
  const obj = msg.obj;
  if (guard(obj)) return obj;
  throw new InvalidArgumentError(
    `'${msg.command}' needs a ${protocol} device, got ${obj === undefined ? "no device" : objectName(obj)}`,
    obj,
  );
}

/** A time in seconds from a message (Bluesky's unit) as ms; undefined stays undefined. */
export function secondsToMs(msg: Msg, key: string, value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "number" || !(value >= 0)) {
    throw new InvalidArgumentError(
      `'${msg.command}': ${key} must be a non-negative number of seconds, got ${JSON.stringify(value)}`,
      value,
    );
  }
  return value * 1000;
}
