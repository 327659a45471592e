/**
 * Suspenders, after Bluesky's: each watches a signal and, when its condition trips, asks the RunEngine to
 * suspend at a safe point. The engine waits until the condition has cleared and a quiet time (`sleepMs`) has
 * passed, runs the optional post-plan, rewinds to the last checkpoint and goes on.
 */
import { InvalidArgumentError } from "../errors.ts";
import type { Plan } from "../msg.ts";
import type { Reading, Subscribable } from "../protocols.ts";

/** The engine as a suspender sees it. */
export interface SuspenderHost {
  /** The condition of `s` has tripped; the engine suspends if it is running a plan. */
  requestSuspend(s: Suspender): void;
}

export interface SuspenderOptions {
  /** Quiet time after the condition clears before the plan goes on, in ms; a new trip restarts it. @default 0 */
  sleepMs?: number;
  /** Run when the suspension starts (close a shutter, say). */
  prePlan?: () => Plan;
  /** Run once the condition has cleared, before the rewound messages are replayed. */
  postPlan?: () => Plan;
  /** Added to the justification the engine logs. @default "" */
  trippedMessage?: string;
}

export const DEFAULT_SUSPENDER_SLEEP_MS = 0;

export abstract class Suspender {
  readonly sleepMs: number;
  readonly prePlan: (() => Plan) | undefined;
  readonly postPlan: (() => Plan) | undefined;
  readonly trippedMessage: string;
  /** The last value the signal gave. */
  lastValue: unknown = undefined;
  private host: SuspenderHost | null = null;
  private unsubscribe: (() => void) | null = null;
  private isTripped = false;
  private quietTimer: NodeJS.Timeout | null = null;
  private waiters: (() => void)[] = [];

  constructor(
    readonly signal: Subscribable,
    options: SuspenderOptions = {},
  ) {
    const sleepMs = options.sleepMs ?? DEFAULT_SUSPENDER_SLEEP_MS;
    if (!(sleepMs >= 0)) throw new InvalidArgumentError(`sleepMs must be a non-negative number, got ${JSON.stringify(sleepMs)}`, sleepMs);
    this.sleepMs = sleepMs;
    this.prePlan = options.prePlan;
    this.postPlan = options.postPlan;
    this.trippedMessage = options.trippedMessage ?? "";
  }

  /** The condition is present now. */
  protected abstract shouldSuspend(value: unknown): boolean;
  /** The condition is gone (may differ from !shouldSuspend, giving hysteresis). */
  protected abstract shouldResume(value: unknown): boolean;
  /** The condition in words, e.g. "ring_current < 100". */
  protected abstract condition(): string;

  /** True while tripped. */
  get tripped(): boolean {
    return this.isTripped;
  }

  /** True from the trip until the condition has cleared and the quiet time is over. */
  get holding(): boolean {
    return this.isTripped || this.quietTimer !== null;
  }

  /** Why the plan is suspended, for the log. */
  justification(): string {
    const base = `${this.signal.name}: ${this.condition()} (value ${JSON.stringify(this.lastValue)})`;
    return this.trippedMessage ? `${base}: ${this.trippedMessage}` : base;
  }

  /** Resolves once `holding` is false. */
  waitCleared(): Promise<void> {
    if (!this.holding) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Starts watching the signal for `host`; a suspender serves one engine at a time. */
  install(host: SuspenderHost): void {
    if (this.host === host) return;
    if (this.host !== null) {
      throw new InvalidArgumentError(`suspender on ${this.signal.name} is already installed on another RunEngine`, this);
    }
    this.host = host;
    this.unsubscribe = this.signal.subscribe((reading) => this.update(valueOf(this.signal.name, reading)));
  }

  /** Stops watching; anything waiting on this suspender is released. */
  remove(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.host = null;
    this.isTripped = false;
    this.clearQuietTimer();
    this.release();
  }

  private update(value: unknown): void {
    this.lastValue = value;
    if (this.shouldSuspend(value)) {
      const wasHolding = this.holding;
      this.clearQuietTimer();
      this.isTripped = true;
      if (!wasHolding) this.host?.requestSuspend(this);
    } else if (this.isTripped && this.shouldResume(value)) {
      this.isTripped = false;
      if (this.sleepMs === 0) {
        this.release();
        return;
      }
      this.quietTimer = setTimeout(() => {
        this.quietTimer = null;
        this.release();
      }, this.sleepMs);
    }
  }

  private clearQuietTimer(): void {
    if (this.quietTimer !== null) clearTimeout(this.quietTimer);
    this.quietTimer = null;
  }

  private release(): void {
    for (const w of this.waiters.splice(0)) w();
  }
}

export function isSuspender(o: unknown): o is Suspender {
  return o instanceof Suspender;
}

/** The signal's own key in a reading, or its only one. */
function valueOf(name: string, reading: Record<string, Reading>): unknown {
  const own = reading[name];
  if (own !== undefined) return own.value;
  for (const k in reading) return reading[k]!.value;
  return undefined;
}
