/**
 * Verbs about the plan's flow rather than a device: wait, sleep, wait_for, checkpoint, clear_checkpoint,
 * pause, rewindable, input, null, subscribe, unsubscribe, install_suspender, remove_suspender.
 */
import { setTimeout as delay } from "node:timers/promises";
import type { DocumentName } from "../../documents/types.ts";
import { InvalidArgumentError, TimeoutError } from "../../errors.ts";
import { isSuspender } from "../../suspenders/suspender.ts";
import type { Suspender } from "../../suspenders/suspender.ts";
import type { Msg } from "../../msg.ts";
import { secondsToMs } from "../command.ts";
import type { CommandHandler } from "../command.ts";

/** Msg('wait', group?, timeout? (s), move_on?): until every status of the group is done. */
export const wait: CommandHandler = (msg, ex) =>
  ex.groups.wait(msg.kwargs.group, secondsToMs(msg, "timeout", msg.kwargs.timeout), msg.kwargs.move_on === true, ex.interruptible);

/** Msg('sleep', seconds). */
export const sleep: CommandHandler = (msg, ex) => {
  const ms = secondsToMs(msg, "the duration", msg.args[0]);
  if (ms === undefined) throw new InvalidArgumentError("'sleep' needs a duration in seconds (args[0])", msg.args);
  // Cancel the timer when the sleep is cut short, so it does not keep the process alive.
  const ac = new AbortController();
  const slept = delay(ms, undefined, { signal: ac.signal });
  return ex.interruptible(slept).finally(() => ac.abort());
};

/** Msg('wait_for', [() => Promise, ...], timeout? (s)): until every promise resolves; a rejection reaches the plan. */
export const waitFor: CommandHandler = async (msg, ex) => {
  const fns = msg.args[0];
  if (!Array.isArray(fns) || !fns.every((f) => typeof f === "function")) {
    throw new InvalidArgumentError("'wait_for' needs an array of functions returning promises (args[0])", fns);
  }
  const timeoutMs = secondsToMs(msg, "timeout", msg.kwargs.timeout);
  const all = Promise.all(fns.map((f: () => unknown) => f()));
  if (timeoutMs === undefined) {
    await ex.interruptible(all);
    return;
  }
  const ac = new AbortController();
  const timeout = delay(timeoutMs, "timeout" as const, { signal: ac.signal }).catch(() => undefined);
  try {
    const first = await ex.interruptible(Promise.race([all, timeout]));
    if (first === "timeout") throw new TimeoutError(`wait_for (${fns.length} awaitable(s))`, timeoutMs);
  } finally {
    ac.abort();
  }
};

/** Msg('checkpoint'): where a resume rewinds to; a deferred pause happens here. */
export const checkpoint: CommandHandler = (_msg, ex) => {
  ex.checkpoint();
  ex.hooks.atCheckpoint();
};

/** Msg('clear_checkpoint'): from here on the plan cannot be paused (a pause aborts it) until the next checkpoint. */
export const clearCheckpoint: CommandHandler = (_msg, ex) => {
  ex.msgCache = null;
};

/** Msg('pause', defer=false). */
export const pause: CommandHandler = (msg, ex) => {
  ex.hooks.requestPause(msg.kwargs.defer === true);
};

/** Msg('rewindable', flag) -> the previous flag. Not rewindable: a resume goes on from where it stopped. */
export const rewindable: CommandHandler = (msg, ex) => {
  if (typeof msg.args[0] !== "boolean") {
    throw new InvalidArgumentError(`'rewindable' needs true or false (args[0]), got ${JSON.stringify(msg.args[0])}`, msg.args[0]);
  }
  return ex.setRewindable(msg.args[0]);
};

/** Msg('input', prompt) -> what the user typed. */
export const input: CommandHandler = (msg, ex) => ex.interruptible(ex.options.input(String(msg.args[0] ?? "")));

/** Msg('null'): does nothing (a place for a plan to be resumed at or to yield control). */
export const nullCommand: CommandHandler = () => undefined;

/** Msg('subscribe', callback, name='all') -> token; undone when the plan ends. */
export const subscribe: CommandHandler = (msg, ex) => {
  const token = ex.hooks.subscribe(msg.args[0] as never, (msg.args[1] ?? "all") as DocumentName | "all");
  ex.planTokens.push(token);
  return token;
};

/** Msg('unsubscribe', token). */
export const unsubscribe: CommandHandler = (msg, ex) => {
  const token = msg.args[0];
  if (typeof token !== "number") throw new InvalidArgumentError(`'unsubscribe' needs a token (number), got ${JSON.stringify(token)}`, token);
  ex.hooks.unsubscribe(token);
};

/** Msg('install_suspender', suspender): removed again when the plan ends. */
export const installSuspender: CommandHandler = (msg, ex) => {
  const s = suspenderOf(msg);
  ex.hooks.installSuspender(s);
  ex.planSuspenders.add(s);
};

/** Msg('remove_suspender', suspender). */
export const removeSuspender: CommandHandler = (msg, ex) => {
  const s = suspenderOf(msg);
  ex.hooks.removeSuspender(s);
  ex.planSuspenders.delete(s);
};

function suspenderOf(msg: Msg): Suspender {
  const s = msg.args[0];
  if (isSuspender(s)) return s;
  throw new InvalidArgumentError(`'${msg.command}' needs a suspender (args[0]), got ${String(s)}`, s);
}
