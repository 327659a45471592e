import type { Observable } from "rxjs";

/**
 * Adapts an Observable to an AsyncIterable for consumers that are naturally a loop
 * (`for await (const v of ch.updates())`). Values are queued while the loop is busy; breaking out of the
 * loop unsubscribes (in `finally`), and an error of the Observable is thrown from the loop.
 */
export async function* observableToAsyncIterable<T>(source: Observable<T>): AsyncGenerator<T, void, undefined> {
  const queue: T[] = [];
  let failure: { error: unknown } | undefined;
  let done = false;
  let wake: (() => void) | undefined;
  const subscription = source.subscribe({
    next: (v) => {
      queue.push(v);
      wake?.();
    },
    error: (error: unknown) => {
      failure = { error };
      wake?.();
    },
    complete: () => {
      done = true;
      wake?.();
    },
  });
  try {
    for (;;) {
      if (queue.length > 0) {
        yield queue.shift()!;
        continue;
      }
      if (failure) throw failure.error;
      if (done) return;
      await new Promise<void>((resolve) => (wake = resolve));
      wake = undefined;
    }
  } finally {
    subscription.unsubscribe();
  }
}
