/** The `t` a check body is given: moves that are put back afterwards, polling with a limit, skip, notes. */
import { InvalidArgumentError, SkyloopError } from "../engine/errors.ts";
import { isStoppable, type Movable, type Status } from "../engine/protocols.ts";
import { sleep } from "../devices/core/status.ts";
import { CheckFailedError, CheckSkippedError, show } from "./errors.ts";
import type { RestoreLedger } from "./restore.ts";
import type { CheckContext, CollectedCheck, MoveOptions, Rehearsal, Target, WaitOptions } from "./spec.ts";

/** The run was interrupted (Ctrl-C) while a check ran. */
export class InterruptedError extends SkyloopError {
  constructor(readonly reason: string) {
    super(`interrupted: ${reason}`);
  }
}

export interface ContextOptions {
  readonly check: CollectedCheck;
  readonly target: Target;
  readonly signal: AbortSignal;
  readonly timeoutMs: number;
  readonly pollMs: number;
  readonly ledger: RestoreLedger;
  readonly rehearsal: Rehearsal | undefined;
  readonly param: CheckContext["param"];
  readonly instrument: ReadonlyMap<string, object>;
  /** Told when the check starts moving something (the session snapshot is taken before the first move). */
  readonly beforeMove: () => Promise<void>;
}

export class RunningCheck implements CheckContext {
  readonly device: string;
  readonly check: string;
  readonly target: Target;
  readonly signal: AbortSignal;
  readonly timeoutMs: number;
  readonly rehearsal: Rehearsal | undefined;
  readonly param: CheckContext["param"];
  /** The last note, shown as a passing check's message. */
  lastNote = "";
  readonly #o: ContextOptions;
  readonly #started = performance.now();
  readonly #moved = new Set<object>();

  constructor(options: ContextOptions) {
    this.#o = options;
    this.device = options.check.device.name;
    this.check = options.check.name;
    this.target = options.target;
    this.signal = options.signal;
    this.timeoutMs = options.timeoutMs;
    this.rehearsal = options.rehearsal;
    this.param = options.param;
  }

  #live(): void {
    if (this.signal.aborted) throw this.signal.reason;
  }

  #remaining(): number {
    return Math.max(1, this.timeoutMs - (performance.now() - this.#started));
  }

  async #prepare(device: object): Promise<void> {
    this.#live();
    if (!this.#o.check.moves)
      throw new InvalidArgumentError(
        `check ${JSON.stringify(this.check)} moves ${(device as { name?: string }).name ?? "a device"} but does not say so: declare it with { moves: true }`,
        this.check,
      );
    await this.#o.beforeMove();
    await this.#o.ledger.remember(device);
    this.#moved.add(device);
    this.#live();
  }

  remember(device: object): Promise<void> {
    return this.#prepare(device);
  }

  lookup(name: string): object | undefined {
    return this.#o.instrument.get(name);
  }

  get instrument(): ReadonlyMap<string, object> {
    return this.#o.instrument;
  }

  async startMove<T>(device: Movable<T>, target: T, options: MoveOptions = {}): Promise<{ readonly status: Status }> {
    await this.#prepare(device);
    return { status: device.set(target, { timeoutMs: options.timeoutMs ?? this.#remaining() }) };
  }

  async move<T>(device: Movable<T>, target: T, options: MoveOptions = {}): Promise<void> {
    const timeoutMs = options.timeoutMs ?? this.#remaining();
    const what = options.what ?? `${device.name} move to ${show(target)}`;
    const { status } = await this.startMove(device, target, { timeoutMs });
    try {
      await this.#abortable(Promise.resolve(status));
    } catch (err) {
      if (err === this.signal.reason) throw err;
      throw new CheckFailedError(what, `to complete within ${Math.round(timeoutMs)} ms`, show(err), { cause: err });
    }
  }

  /** The devices this check moved (stopped when it times out or is interrupted). */
  get moved(): readonly object[] {
    return [...this.#moved];
  }

  async waitFor<T>(read: () => T | Promise<T>, until: (value: T) => boolean, options: WaitOptions): Promise<T> {
    const deadline = performance.now() + options.timeoutMs;
    const poll = options.pollMs ?? this.#o.pollMs;
    let last: T | undefined;
    let error: unknown;
    for (;;) {
      this.#live();
      try {
        last = await this.#abortable(Promise.resolve(read()));
        error = undefined;
        if (until(last)) return last;
      } catch (err) {
        if (err === this.signal.reason) throw err;
        error = err;
      }
      if (performance.now() >= deadline) {
        const seen = error === undefined ? (options.format ?? show)(last) : `an error: ${show(error)}`;
        throw new CheckFailedError(options.what, `${options.expected} within ${options.timeoutMs} ms`, seen);
      }
      await this.sleep(Math.min(poll, Math.max(1, deadline - performance.now())));
    }
  }

  sleep(ms: number): Promise<void> {
    return sleep(ms, this.signal);
  }

  skip(reason: string): never {
    throw new CheckSkippedError(reason);
  }

  note(message: string): void {
    this.lastNote = message;
  }

  #abortable<T>(p: Promise<T>): Promise<T> {
    if (this.signal.aborted) return Promise.reject(this.signal.reason);
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => reject(this.signal.reason);
      this.signal.addEventListener("abort", onAbort, { once: true });
      p.then(
        (v) => {
          this.signal.removeEventListener("abort", onAbort);
          resolve(v);
        },
        (err: unknown) => {
          this.signal.removeEventListener("abort", onAbort);
          reject(err);
        },
      );
    });
  }
}

/** Stop whatever a check moved (it timed out or was interrupted), each within `timeoutMs`. */
export async function stopAll(devices: readonly object[], timeoutMs: number): Promise<void> {
  await Promise.all(
    devices.filter(isStoppable).map((d) =>
      Promise.race([d.stop(false).catch(() => undefined), new Promise<void>((r) => setTimeout(r, timeoutMs).unref?.())]),
    ),
  );
}
