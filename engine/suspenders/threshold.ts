/** Suspenders on a scalar: below a floor, above a ceiling, outside a band; each with its own resume rule. */
import { InvalidArgumentError } from "../errors.ts";
import type { Subscribable } from "../protocols.ts";
import { Suspender } from "./suspender.ts";
import type { SuspenderOptions } from "./suspender.ts";

export interface ThresholdOptions extends SuspenderOptions {
  /** The value at which the plan may go on; gives hysteresis. @default the suspend threshold */
  resumeThreshold?: number;
}

function finite(name: string, v: number): number {
  if (typeof v !== "number" || !Number.isFinite(v)) {
    throw new InvalidArgumentError(`${name} must be a finite number, got ${JSON.stringify(v)}`, v);
  }
  return v;
}

/** Suspends when the value drops below `suspendThreshold`; resumes when it is back at `resumeThreshold` or above. */
export class SuspendFloor extends Suspender {
  readonly resumeThreshold: number;

  constructor(signal: Subscribable, readonly suspendThreshold: number, options: ThresholdOptions = {}) {
    super(signal, options);
    finite("suspendThreshold", suspendThreshold);
    this.resumeThreshold = finite("resumeThreshold", options.resumeThreshold ?? suspendThreshold);
    if (this.resumeThreshold < suspendThreshold) {
      throw new InvalidArgumentError(
        `SuspendFloor: resumeThreshold ${this.resumeThreshold} is below suspendThreshold ${suspendThreshold}; the plan would resume still tripped`,
        this.resumeThreshold,
      );
    }
  }

  protected shouldSuspend(value: unknown): boolean {
    return Number(value) < this.suspendThreshold;
  }

  protected shouldResume(value: unknown): boolean {
    return Number(value) >= this.resumeThreshold;
  }

  protected condition(): string {
    return `below ${this.suspendThreshold} (resumes at >= ${this.resumeThreshold})`;
  }
}

/** Suspends when the value rises above `suspendThreshold`; resumes when it is back at `resumeThreshold` or below. */
export class SuspendCeiling extends Suspender {
  readonly resumeThreshold: number;

  constructor(signal: Subscribable, readonly suspendThreshold: number, options: ThresholdOptions = {}) {
    super(signal, options);
    finite("suspendThreshold", suspendThreshold);
    this.resumeThreshold = finite("resumeThreshold", options.resumeThreshold ?? suspendThreshold);
    if (this.resumeThreshold > suspendThreshold) {
      throw new InvalidArgumentError(
        `SuspendCeiling: resumeThreshold ${this.resumeThreshold} is above suspendThreshold ${suspendThreshold}; the plan would resume still tripped`,
        this.resumeThreshold,
      );
    }
  }

  protected shouldSuspend(value: unknown): boolean {
    return Number(value) > this.suspendThreshold;
  }

  protected shouldResume(value: unknown): boolean {
    return Number(value) <= this.resumeThreshold;
  }

  protected condition(): string {
    return `above ${this.suspendThreshold} (resumes at <= ${this.resumeThreshold})`;
  }
}

/** Suspends when the value leaves [low, high]; resumes when it is back inside. */
export class SuspendOutOfBand extends Suspender {
  constructor(signal: Subscribable, readonly low: number, readonly high: number, options: SuspenderOptions = {}) {
    super(signal, options);
    finite("low", low);
    finite("high", high);
    if (!(low < high)) throw new InvalidArgumentError(`SuspendOutOfBand: the band [${low}, ${high}] is empty`, [low, high]);
  }

  protected shouldSuspend(value: unknown): boolean {
    const v = Number(value);
    return v < this.low || v > this.high;
  }

  protected shouldResume(value: unknown): boolean {
    const v = Number(value);
    return v >= this.low && v <= this.high;
  }

  protected condition(): string {
    return `outside [${this.low}, ${this.high}]`;
  }
}
