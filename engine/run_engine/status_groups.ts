/**
 * Statuses the plan started (set, trigger, kickoff, complete, prepare, stage with a group), kept by group
 * until a `wait` for that group. A failure reaches the plan naming the device and the action, keeping the
 * device's own error class when it is a SkyloopError that already says which device (LimitError, ...).
 */
import { FailedStatusError, SkyloopError, TimeoutError } from "../errors.ts";
import { objectName } from "../msg.ts";
import type { Status } from "../protocols.ts";

const COMPACT_EVERY = 256;

interface Tracked {
  readonly status: Status;
  readonly obj: unknown;
  readonly verb: string;
}

export class StatusGroups {
  private readonly groups = new Map<unknown, Tracked[]>();

  add(group: unknown, status: Status, obj: unknown, verb: string): void {
    const list = this.groups.get(group);
    if (list === undefined) {
      this.groups.set(group, [{ status, obj, verb }]);
      return;
    }
    list.push({ status, obj, verb });
    // A group nobody waits for (statuses started without a group, say) must not grow for ever: drop the
    // statuses that are done and fine now and then; failures and pending ones stay for a later wait.
    if (list.length % COMPACT_EVERY === 0) {
      const keep = list.filter((t) => !t.status.done || !t.status.success);
      list.length = 0;
      list.push(...keep);
    }
  }

  clear(): void {
    this.groups.clear();
  }

  /**
   * Waits for every status of `group`. Returns synchronously when they are all done already (the common case
   * with soft devices), otherwise a promise. The group is forgotten only once the wait is over, so an
   * interrupted wait can be repeated.
   */
  wait(
    group: unknown,
    timeoutMs: number | undefined,
    moveOn: boolean,
    interruptible: <T>(p: Promise<T>) => Promise<T>,
  ): void | Promise<void> {
    const list = this.groups.get(group);
    if (list === undefined) return;
    let pending = 0;
    for (let i = 0; i < list.length; i++) {
      const t = list[i]!;
      if (!t.status.done) pending++;
      else if (!t.status.success) {
        this.groups.delete(group);
        throw statusFailure(t);
      }
    }
    if (pending === 0) {
      this.groups.delete(group);
      return;
    }
    return interruptible(this.waitPending(group, list, timeoutMs, moveOn));
  }

  private async waitPending(group: unknown, list: Tracked[], timeoutMs: number | undefined, moveOn: boolean): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const settled = await new Promise<Tracked | "done" | "timeout">((resolve) => {
      let left = 0;
      for (const t of list) {
        if (t.status.done) continue;
        left++;
        t.status.addCallback((s) => {
          if (!s.success) resolve(t);
          else if (--left === 0) resolve("done");
        });
      }
      if (timeoutMs !== undefined) timer = setTimeout(() => resolve("timeout"), timeoutMs);
    });
    clearTimeout(timer);
    if (settled === "timeout" && moveOn) return;
    // A wait cut short by a pause may settle after a rewind has filed new statuses under the same group name;
    // those belong to the replayed wait, not to this one.
    if (this.groups.get(group) === list) this.groups.delete(group);
    if (settled === "timeout") {
      const waiting = list.filter((t) => !t.status.done).map((t) => `${t.verb} of ${objectName(t.obj)}`);
      throw new TimeoutError(`wait for group ${JSON.stringify(group ?? null)} (${waiting.join(", ")})`, timeoutMs!);
    }
    if (settled !== "done") throw statusFailure(settled);
  }
}

/** The error a failed status puts into the plan. */
export function statusFailure(t: Tracked): Error {
  const name = objectName(t.obj);
  const err = t.status.error;
  if (err instanceof SkyloopError && err.message.includes(name)) return err;
  if (err instanceof TimeoutError) {
    return new TimeoutError(`${t.verb} of ${name}`, err.timeoutMs, err.lastValue, { cause: err });
  }
  const why = err === undefined ? "no reason given" : `${err.name}: ${err.message}`;
  return new FailedStatusError(`${t.verb} of ${name} failed: ${why}`, { cause: err });
}

/** Resolves when `status` succeeds; rejects with the error naming the device when it fails. */
export function statusDone(status: Status, obj: unknown, verb: string): Promise<void> {
  return new Promise((resolve, reject) =>
    status.addCallback((s) => (s.success ? resolve() : reject(statusFailure({ status: s, obj, verb })))),
  );
}

/** A Status for an action the device reports as a Promise (stage, unstage), so it can join a group. */
export class PromiseStatus implements Status {
  done = false;
  success = false;
  error: Error | undefined = undefined;
  readonly timeoutMs = undefined;
  private readonly callbacks: ((s: Status) => void)[] = [];
  private readonly promise: Promise<void>;

  constructor(promise: Promise<unknown>) {
    this.promise = promise.then(
      () => this.finish(true, undefined),
      (err: unknown) => {
        this.finish(false, err instanceof Error ? err : new FailedStatusError(String(err)));
        throw this.error;
      },
    );
    this.promise.catch(() => undefined);
  }

  private finish(success: boolean, error: Error | undefined): void {
    this.done = true;
    this.success = success;
    this.error = error;
    for (const cb of this.callbacks.splice(0)) cb(this);
  }

  then<A = void, B = never>(
    onfulfilled?: ((value: void) => A | PromiseLike<A>) | null,
    onrejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
  ): PromiseLike<A | B> {
    return this.promise.then(onfulfilled, onrejected);
  }

  addCallback(cb: (status: Status) => void): void {
    if (this.done) cb(this);
    else this.callbacks.push(cb);
  }

  watch(): () => void {
    return () => undefined;
  }
}
