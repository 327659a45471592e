/** Waiting on a signal's monitor until its value satisfies a condition. */
import { TimeoutError } from "../../engine/errors.ts";
import type { SignalR } from "../core/signal.ts";

/**
 * Resolves once `signal`'s value satisfies `done` (checked on the current value first, then on each update);
 * rejects with a TimeoutError naming `what`, the limit and the last value after `timeoutMs`, or with the abort
 * reason when `abort` fires.
 */
export function waitForValue<T>(
  signal: SignalR<T>,
  done: (value: T) => boolean,
  options: { timeoutMs?: number; what?: string; abort?: AbortSignal } = {},
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let last: T | undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let off: (() => void) | undefined;
    let finished = false;
    const finish = (err: unknown, value?: T) => {
      if (finished) return;
      finished = true;
      if (timer !== undefined) clearTimeout(timer);
      options.abort?.removeEventListener("abort", onAbort);
      // The monitor may call back before subscribeValue has returned the unsubscribe function.
      queueMicrotask(() => off?.());
      if (err === undefined) resolve(value as T);
      else reject(err);
    };
    const onAbort = () => finish(options.abort!.reason);
    if (options.abort?.aborted) return reject(options.abort.reason);
    options.abort?.addEventListener("abort", onAbort, { once: true });
    if (options.timeoutMs !== undefined && Number.isFinite(options.timeoutMs))
      timer = setTimeout(() => finish(new TimeoutError(options.what ?? `${signal.name || signal.source}`, options.timeoutMs!, last)), options.timeoutMs);
    off = signal.subscribeValue((v) => {
      last = v;
      let ok = false;
      try {
        ok = done(v);
      } catch (err) {
        finish(err);
        return;
      }
      if (ok) finish(undefined, v);
    });
    if (finished) queueMicrotask(() => off?.());
  });
}
