/** Suspenders on a flag (shutter closed, interlock tripped) and on any change of a value. */
import type { Subscribable } from "../protocols.ts";
import { Suspender } from "./suspender.ts";
import type { SuspenderOptions } from "./suspender.ts";

/** Suspends while the value is truthy. */
export class SuspendBoolHigh extends Suspender {
  protected shouldSuspend(value: unknown): boolean {
    return Boolean(value);
  }

  protected shouldResume(value: unknown): boolean {
    return !value;
  }

  protected condition(): string {
    return "high";
  }
}

/** Suspends while the value is falsy. */
export class SuspendBoolLow extends Suspender {
  protected shouldSuspend(value: unknown): boolean {
    return !value;
  }

  protected shouldResume(value: unknown): boolean {
    return Boolean(value);
  }

  protected condition(): string {
    return "low";
  }
}

export interface WhenChangedOptions extends SuspenderOptions {
  /** The value that is fine. @default the first value the signal gives */
  expectedValue?: unknown;
  /** Resume when the value returns to the expected one; otherwise only stop/abort end the suspension. @default false */
  allowResume?: boolean;
}

/** Suspends when the value differs from the expected one (a mode switch, a new fill pattern). */
export class SuspendWhenChanged extends Suspender {
  private expected: unknown;
  private hasExpected: boolean;
  readonly allowResume: boolean;

  constructor(signal: Subscribable, options: WhenChangedOptions = {}) {
    super(signal, options);
    this.hasExpected = "expectedValue" in options;
    this.expected = options.expectedValue;
    this.allowResume = options.allowResume ?? false;
  }

  protected shouldSuspend(value: unknown): boolean {
    if (!this.hasExpected) {
      this.expected = value;
      this.hasExpected = true;
    }
    return !Object.is(value, this.expected);
  }

  protected shouldResume(value: unknown): boolean {
    return this.allowResume && Object.is(value, this.expected);
  }

  protected condition(): string {
    return `changed from ${JSON.stringify(this.expected)}${this.allowResume ? "" : " (stop or abort the plan to go on)"}`;
  }
}
