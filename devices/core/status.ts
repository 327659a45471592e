/**
 * Status objects: the outcome of a move, a trigger, a put. After ophyd-async's AsyncStatus and
 * WatchableAsyncStatus. A Status is awaitable, but holds its outcome as state rather than as a rejected
 * promise, so a failure nobody awaits never becomes an unhandled rejection: it is observed through the status
 * (`done`, `success`, `error`, callbacks) or by awaiting it.
 */
import { FailedStatusError, TimeoutError } from "../../engine/errors.ts";
import type { Status as StatusProtocol, StatusProgress } from "../../engine/protocols.ts";

export type { StatusProgress } from "../../engine/protocols.ts";

type Callback = (status: StatusProtocol) => void;
type Watcher = (progress: StatusProgress) => void;

/** A MaybePromise-aware check: thenables count, whatever their class. */
export function isPromiseLike<T>(value: unknown): value is PromiseLike<T> {
  return (
    value !== null &&
    (typeof value === "object" || typeof value === "function") &&
    typeof (value as { then?: unknown }).then === "function"
  );
}

/** Anything thrown, as an Error: non-Error reasons are wrapped so `status.error` is always an Error. */
export function toError(reason: unknown): Error {
  if (reason instanceof Error) return reason;
  return new FailedStatusError(`status failed: ${String(reason)}`, { cause: reason });
}

function reportCallbackFailure(err: unknown): void {
  // A broken listener must not break the status or its other listeners, nor crash the process.
  process.emitWarning(`a status callback threw: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
}

/** The state machine shared by every status: pending, then done once (successfully or not). */
abstract class StatusBase implements StatusProtocol {
  #done = false;
  #success = false;
  #error: Error | undefined;
  #callbacks: Callback[] | undefined;

  abstract readonly timeoutMs: number | undefined;

  get done(): boolean {
    return this.#done;
  }

  get success(): boolean {
    return this.#success;
  }

  get error(): Error | undefined {
    return this.#error;
  }

  /** Finish the status; later calls are ignored (the first outcome wins). Returns whether this call won. */
  protected settle(error?: Error): boolean {
    if (this.#done) return false;
    this.#done = true;
    this.#success = error === undefined;
    this.#error = error;
    const callbacks = this.#callbacks;
    this.#callbacks = undefined;
    this.onSettled();
    if (callbacks) for (const cb of callbacks) this.#run(cb);
    return true;
  }

  protected onSettled(): void {}

  #run(cb: Callback): void {
    try {
      cb(this);
    } catch (err) {
      reportCallbackFailure(err);
    }
  }

  addCallback(cb: Callback): void {
    if (this.#done) this.#run(cb);
    else (this.#callbacks ??= []).push(cb);
  }

  watch(_cb: Watcher): () => void {
    return () => {};
  }

  then<R1 = void, R2 = never>(
    onfulfilled?: ((value: void) => R1 | PromiseLike<R1>) | null,
    onrejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    if (this.#done) {
      return this.#success
        ? Promise.resolve().then(onfulfilled, onrejected)
        : Promise.reject(this.#error).then(onfulfilled, onrejected);
    }
    return new Promise<void>((resolve, reject) => {
      this.addCallback((s) => (s.success ? resolve() : reject(s.error)));
    }).then(onfulfilled, onrejected);
  }

  /** Like a promise's `catch`, for `await status.catch(...)`. */
  catch<R = never>(onrejected?: ((reason: unknown) => R | PromiseLike<R>) | null): Promise<void | R> {
    return this.then(undefined, onrejected);
  }

  /** Waits for the outcome without throwing: resolves with the error, or undefined on success. */
  async settled(): Promise<Error | undefined> {
    if (!this.#done) await new Promise<void>((resolve) => this.addCallback(() => resolve()));
    return this.#error;
  }
}

/** A status that is finished from the start (success or a given failure). */
class FinishedStatus extends StatusBase {
  readonly timeoutMs = undefined;
  constructor(error?: Error) {
    super();
    this.settle(error);
  }
}

const DONE: StatusProtocol = Object.freeze(new FinishedStatus());

export interface AsyncStatusOptions {
  /** Fail with a TimeoutError when not done within this many ms. @default undefined (no limit) */
  timeoutMs?: number;
  /** What the status is for, named by timeout errors (`motor1: move to 5`). @default "status" */
  name?: string;
  /** The last value seen, quoted by timeout errors (a readback, say). @default undefined */
  lastValue?: () => unknown;
}

/** An action the status runs; `signal` aborts when the status times out or is cancelled. */
export type StatusAction = (signal: AbortSignal) => PromiseLike<void>;

/**
 * A status wrapping a promise (or an action returning one), with an optional time limit. A timeout fails the
 * status with a TimeoutError naming what timed out, the limit and the last value seen, and aborts the action.
 */
export class AsyncStatus extends StatusBase {
  readonly timeoutMs: number | undefined;
  readonly name: string;
  readonly #lastValue: (() => unknown) | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #abort: AbortController | undefined;

  constructor(action: PromiseLike<void> | StatusAction, options: AsyncStatusOptions = {}) {
    super();
    this.timeoutMs = options.timeoutMs;
    this.name = options.name ?? "status";
    this.#lastValue = options.lastValue;
    let promise: PromiseLike<void>;
    if (typeof action === "function") {
      this.#abort = new AbortController();
      try {
        promise = action(this.#abort.signal);
      } catch (err) {
        this.settle(toError(err));
        return;
      }
    } else {
      promise = action;
    }
    promise.then(
      () => this.settle(),
      (err: unknown) => this.settle(toError(err)),
    );
    if (!this.done && options.timeoutMs !== undefined && Number.isFinite(options.timeoutMs)) {
      this.#timer = setTimeout(() => this.#timeout(), Math.max(0, options.timeoutMs));
    }
  }

  #timeout(): void {
    this.#timer = undefined;
    let last: unknown;
    try {
      last = this.#lastValue?.();
    } catch {
      last = undefined;
    }
    this.fail(new TimeoutError(this.name, this.timeoutMs!, last));
  }

  /** Fail the status now (and abort its action), e.g. when the device is stopped. */
  fail(error: Error): boolean {
    const won = this.settle(error);
    if (won) this.#abort?.abort(error);
    return won;
  }

  /** Stop waiting: fails with a FailedStatusError and aborts the action. */
  cancel(reason = "cancelled"): boolean {
    return this.fail(new FailedStatusError(`${this.name}: ${reason}`));
  }

  protected override onSettled(): void {
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
  }
}

/** Reports progress from inside a watchable action. */
export type ProgressReporter = (progress: StatusProgress) => void;
export type WatchableStatusAction = (report: ProgressReporter, signal: AbortSignal) => PromiseLike<void>;

/**
 * A status that reports progress while pending (a motor's position on its way to the target). Watchers get
 * the latest report at once, then every new one. `timeElapsed` (seconds since the start) is filled in when the
 * action does not give it, and so is `fraction`, the part of the way still to go (1 at the start, 0 at the
 * target), as ophyd's MoveStatus defines it.
 */
export class WatchableAsyncStatus extends AsyncStatus {
  #watchers: Set<Watcher> | undefined;
  #last: StatusProgress | undefined;
  #start = 0;

  constructor(action: WatchableStatusAction, options: AsyncStatusOptions = {}) {
    const start = performance.now();
    let self: WatchableAsyncStatus | undefined;
    const pending: StatusProgress[] = [];
    // The action may report before super() returns; such reports are replayed once `this` exists.
    const report: ProgressReporter = (p) => (self ? self.#report(p) : pending.push(p));
    super((signal) => action(report, signal), options);
    this.#start = start;
    self = this;
    for (const p of pending) this.#report(p);
  }

  /** A watchable status driven by an async iterable of progress reports; done when the iterable ends. */
  static fromUpdates(updates: AsyncIterable<StatusProgress>, options: AsyncStatusOptions = {}): WatchableAsyncStatus {
    return new WatchableAsyncStatus(async (report, signal) => {
      for await (const p of updates) {
        if (signal.aborted) break;
        report(p);
      }
    }, options);
  }

  /** The latest progress report, if any. */
  get progress(): StatusProgress | undefined {
    return this.#last;
  }

  #report(p: StatusProgress): void {
    if (this.done) return;
    let fraction = p.fraction;
    if (fraction === undefined && p.current !== undefined && p.initial !== undefined && p.target !== undefined) {
      const span = Math.abs(p.target - p.initial);
      fraction = span === 0 ? 0 : Math.min(1, Math.max(0, Math.abs(p.target - p.current) / span));
    }
    const full: StatusProgress = {
      ...p,
      ...(p.name === undefined ? { name: this.name } : {}),
      ...(fraction === undefined ? {} : { fraction }),
      timeElapsed: p.timeElapsed ?? (performance.now() - this.#start) / 1000,
    };
    this.#last = full;
    if (this.#watchers) for (const w of this.#watchers) this.#call(w, full);
  }

  #call(w: Watcher, p: StatusProgress): void {
    try {
      w(p);
    } catch (err) {
      reportCallbackFailure(err);
    }
  }

  override watch(cb: Watcher): () => void {
    if (this.done) return () => {};
    (this.#watchers ??= new Set()).add(cb);
    if (this.#last) this.#call(cb, this.#last);
    return () => this.#watchers?.delete(cb);
  }

  protected override onSettled(): void {
    super.onSettled();
    // Settling can happen inside super() (an action that throws at once), before this class's fields exist.
    if (#watchers in this) this.#watchers = undefined;
  }
}

/** A status that succeeds when every given status succeeds, and fails with the first failure. */
function allOf(statuses: Iterable<StatusProtocol>, options: AsyncStatusOptions = {}): StatusProtocol {
  const list = [...statuses];
  const failed = list.find((s) => s.done && !s.success);
  if (failed) return new FinishedStatus(failed.error ?? new FailedStatusError("a status failed"));
  const pending = list.filter((s) => !s.done);
  if (pending.length === 0) return DONE;
  const joined = new Promise<void>((resolve, reject) => {
    let left = pending.length;
    for (const s of pending)
      s.addCallback((d) => {
        if (!d.success) reject(d.error ?? new FailedStatusError("a status failed"));
        else if (--left === 0) resolve();
      });
  });
  return new AsyncStatus(joined, { name: `all of ${list.length} statuses`, ...options });
}

/**
 * Status helpers; `Status` is also the protocol type, so `import { Status }` gives both. `Status.done()` is
 * a shared, already-successful status: returning it costs nothing, which keeps soft puts cheap.
 */
export const Status = {
  done(): StatusProtocol {
    return DONE;
  },
  failed(error: unknown): StatusProtocol {
    return new FinishedStatus(toError(error));
  },
  allOf,
} as const;
export type Status = StatusProtocol;

/**
 * Resolves or rejects as `promise` does, or rejects with a TimeoutError (naming `what`, the limit and the
 * last value seen) after `timeoutMs`. No timer is started for an infinite or absent limit.
 */
export function withTimeout<T>(
  promise: PromiseLike<T>,
  timeoutMs: number | undefined,
  what: string,
  lastValue?: () => unknown,
): Promise<T> {
  if (timeoutMs === undefined || !Number.isFinite(timeoutMs)) return Promise.resolve(promise);
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      let last: unknown;
      try {
        last = lastValue?.();
      } catch {
        last = undefined;
      }
      reject(new TimeoutError(what, timeoutMs, last));
    }, Math.max(0, timeoutMs));
    promise.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (err: unknown) => {
        clearTimeout(timer);
        reject(err);
      },
    );
  });
}

/** A promise that resolves after `ms`, or rejects with the abort reason when `signal` aborts first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
