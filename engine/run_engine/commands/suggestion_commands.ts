/**
 * `next_suggestion`: an adaptive plan waits here for an agent's next points. A pause, stop or abort cuts the
 * wait short; no suggestion within the timeout pauses the engine with the reason, and a resume waits again.
 *
 * The source's `take()` cannot be cancelled, so a take cut short is kept and handed to the next wait on the
 * same source: a suggestion that arrives while the engine is paused is not lost. A replayed message (a rewind
 * after a pause) gets the suggestion the same message got before, so a rewind never consumes a second one.
 */
import { InvalidArgumentError, TimeoutError } from "../../errors.ts";
import type { Msg } from "../../msg.ts";
import { isSuggestionSource } from "../../protocols.ts";
import type { SuggestedPoints, SuggestionSource } from "../../protocols.ts";
import { deviceOf, secondsToMs } from "../command.ts";
import type { CommandHandler } from "../command.ts";
import { INTERRUPTED } from "../execution.ts";

/** Called with the reason when a wait times out and the engine pauses. */
export type SuggestionTimeoutCallback = (reason: string) => void;

const pendingTakes = new WeakMap<SuggestionSource, Promise<SuggestedPoints>>();
const answered = new WeakMap<Msg, SuggestedPoints>();

function takeFrom(source: SuggestionSource): Promise<SuggestedPoints> {
  let pending = pendingTakes.get(source);
  if (pending === undefined) {
    pending = source.take();
    pendingTakes.set(source, pending);
    // An unobserved failure (the source closed while paused) must not crash the process.
    pending.catch(() => undefined);
  }
  return pending;
}

function timer(ms: number): { promise: Promise<"timeout">; cancel(): void } {
  let handle: NodeJS.Timeout | undefined;
  const promise = new Promise<"timeout">((resolve) => (handle = setTimeout(() => resolve("timeout"), ms)));
  return { promise, cancel: () => clearTimeout(handle) };
}

/**
 * Msg('next_suggestion', source, [], {timeout? (s), what?, on_timeout?}) -> SuggestedPoints.
 * `what` names what is awaited in the pause reason; `on_timeout(reason)` is told when the engine pauses.
 */
export const nextSuggestion: CommandHandler = async (msg, ex) => {
  const seen = answered.get(msg);
  if (seen !== undefined) return seen;
  const source = deviceOf(msg, isSuggestionSource, "SuggestionSource (take())");
  const timeoutMs = secondsToMs(msg, "timeout", msg.kwargs.timeout);
  const onTimeout = msg.kwargs.on_timeout;
  if (onTimeout !== undefined && typeof onTimeout !== "function") {
    throw new InvalidArgumentError(`'next_suggestion': on_timeout must be a function, got ${typeof onTimeout}`, onTimeout);
  }
  const take = takeFrom(source);
  const limit = timeoutMs === undefined ? undefined : timer(timeoutMs);
  let got: SuggestedPoints | "timeout";
  try {
    got = await ex.interruptible(limit === undefined ? take : Promise.race([take, limit.promise]));
  } catch (err) {
    if (err !== INTERRUPTED) pendingTakes.delete(source);
    throw err;
  } finally {
    limit?.cancel();
  }
  if (got === "timeout") {
    const what = typeof msg.kwargs.what === "string" ? msg.kwargs.what : "a suggestion";
    const reason = new TimeoutError(`waiting for ${what}`, timeoutMs!).message + "; pausing: resume to wait again, or stop";
    ex.options.log(`skyloop: ${reason}`);
    (onTimeout as SuggestionTimeoutCallback | undefined)?.(reason);
    ex.hooks.requestPause(false);
    throw INTERRUPTED;
  }
  pendingTakes.delete(source);
  answered.set(msg, got);
  return got;
};
