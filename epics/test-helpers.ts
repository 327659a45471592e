import { expect } from "vitest";
import { CaTimeoutError } from "./core/errors.ts";

type ErrorClass = abstract new (...args: never[]) => Error;

/** Asserts that `fn` throws an instance of `cls` whose message is exactly `message` (or matches it). */
export function expectThrows(fn: () => unknown, cls: ErrorClass, message: string | RegExp): Error {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  return checkError(caught, cls, message);
}

/** The async form of expectThrows. */
export async function expectRejects(promise: PromiseLike<unknown>, cls: ErrorClass, message: string | RegExp): Promise<Error> {
  let caught: unknown;
  try {
    await promise;
  } catch (err) {
    caught = err;
  }
  return checkError(caught, cls, message);
}

function checkError(caught: unknown, cls: ErrorClass, message: string | RegExp): Error {
  expect(caught, "expected an error to be thrown").toBeInstanceOf(cls);
  const err = caught as Error;
  expect(err.name).toBe(cls.name);
  if (typeof message === "string") expect(err.message).toBe(message);
  else expect(err.message).toMatch(message);
  return err;
}

// Taken before any test installs fake timers, so waitFor keeps polling in real time under them.
const realSetTimeout = globalThis.setTimeout;

/**
 * Polls `condition` until it holds; fails naming `what` after `timeoutMs` of real time (with fake timers
 * installed, for what still happens for real: datagrams, sockets).
 */
export async function waitFor(condition: () => boolean, what: string, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new CaTimeoutError(`waiting for ${what}`, timeoutMs);
    await new Promise((r) => realSetTimeout(r, 2));
  }
}
