/**
 * A positioner over separate set-point and readback PVs (a power supply, a temperature controller), after
 * ophyd's PVPositioner: `set()` writes the set-point, then waits until the done PV (when there is one) shows
 * its done value and the readback is within `tolerance` of the target (when a tolerance is given). Limits come
 * from limit PVs (`DRVL`/`DRVH`-like) or from the options; a target past them fails with a LimitError before
 * anything is written.
 */
import { InvalidArgumentError, LimitError } from "../../engine/errors.ts";
import type { HasLimits, Locatable, Location, SetOptions, Stoppable } from "../../engine/protocols.ts";
import type { SignalR, SignalRW, SignalW } from "../core/signal.ts";
import { Kind, StandardReadable } from "../core/standard_readable.ts";
import { AsyncStatus, type Status, Status as StatusHelpers } from "../core/status.ts";
import { limitsActive, pvFactory, type PvDeviceOptions, type PvFactory } from "./pv_device.ts";
import { waitForValue } from "./wait.ts";

export interface PvPositionerOptions extends PvDeviceOptions {
  /** @default "SP" */
  setpointSuffix?: string;
  /** @default "RB" */
  readbackSuffix?: string;
  /** A PV that shows `doneValue` when the device has arrived. @default undefined (none) */
  doneSuffix?: string;
  /** @default 1 */
  doneValue?: number;
  /** A PV whose put (of 1) stops the device. @default undefined (none) */
  stopSuffix?: string;
  /** Done when |readback − target| <= tolerance. @default undefined (no readback check) */
  tolerance?: number;
  /** PVs holding the [low, high] limits. @default undefined (use `limits`) */
  lowLimitSuffix?: string;
  highLimitSuffix?: string;
  /** Fixed [low, high] limits when there are no limit PVs; low >= high means none. @default [0, 0] */
  limits?: readonly [number, number];
  /** Write the set-point with put-completion. @default true */
  putCompletion?: boolean;
  /** Engineering units when the PVs do not carry them. @default undefined */
  units?: string;
  /** Limit of a whole set (write and settle), in ms. @default DEFAULT_SETTLE_TIMEOUT_MS */
  settleTimeoutMs?: number;
}

export const DEFAULT_SETTLE_TIMEOUT_MS = 10_000;

export class PvPositioner extends StandardReadable implements Locatable<number>, Stoppable, HasLimits {
  readonly setpoint: SignalRW<number>;
  readonly readback: SignalR<number>;
  readonly done: SignalR<number> | undefined;
  readonly stop_signal: SignalW<number> | undefined;
  readonly low_limit: SignalR<number> | undefined;
  readonly high_limit: SignalR<number> | undefined;
  readonly tolerance: number | undefined;
  readonly #doneValue: number;
  readonly #fixedLimits: readonly [number, number];
  readonly #putCompletion: boolean;
  readonly #settleTimeoutMs: number;
  /** The signal factory for this device's prefix and scheme (subclasses add their own PVs with it). */
  protected readonly pvs: PvFactory;

  constructor(options: PvPositionerOptions, what = "PvPositioner") {
    super();
    const pv = pvFactory(options, what);
    this.pvs = pv;
    if (options.tolerance !== undefined && !(options.tolerance >= 0))
      throw new InvalidArgumentError(`${what} ${JSON.stringify(options.name ?? "")}: tolerance must be >= 0, got ${options.tolerance}`, options.tolerance);
    if ((options.lowLimitSuffix === undefined) !== (options.highLimitSuffix === undefined))
      throw new InvalidArgumentError(`${what} ${JSON.stringify(options.name ?? "")}: give both lowLimitSuffix and highLimitSuffix, or neither`, options);
    const units = options.units === undefined ? {} : { units: options.units };
    this.setpoint = pv.rw<number>(options.setpointSuffix ?? "SP", { datatype: "number", ...units });
    this.readback = pv.r<number>(options.readbackSuffix ?? "RB", { datatype: "number", ...units });
    this.done = options.doneSuffix === undefined ? undefined : pv.r<number>(options.doneSuffix, { datatype: "integer" });
    this.stop_signal = options.stopSuffix === undefined ? undefined : pv.w<number>(options.stopSuffix, { datatype: "integer" });
    this.low_limit = options.lowLimitSuffix === undefined ? undefined : pv.r<number>(options.lowLimitSuffix, { datatype: "number" });
    this.high_limit = options.highLimitSuffix === undefined ? undefined : pv.r<number>(options.highLimitSuffix, { datatype: "number" });
    this.tolerance = options.tolerance;
    this.#doneValue = options.doneValue ?? 1;
    this.#fixedLimits = options.limits ?? [0, 0];
    this.#putCompletion = options.putCompletion ?? true;
    this.#settleTimeoutMs = options.settleTimeoutMs ?? DEFAULT_SETTLE_TIMEOUT_MS;
    this.addReadables(Kind.hinted, [this.readback]);
    this.addReadables(Kind.normal, [this.setpoint]);
    if (this.low_limit && this.high_limit) this.addReadables(Kind.config, [this.low_limit, this.high_limit]);
    this.setName(options.name ?? "");
  }

  /** The readback is read under the device's own name. */
  override setName(name: string): void {
    super.setName(name);
    this.readback?.setName(name);
  }

  async limits(): Promise<readonly [number, number]> {
    if (!this.low_limit || !this.high_limit) return this.#fixedLimits;
    const [low, high] = await Promise.all([this.low_limit.getValue(), this.high_limit.getValue()]);
    return [low, high];
  }

  async locate(): Promise<Location<number>> {
    const [setpoint, readback] = await Promise.all([this.setpoint.getValue(), this.readback.getValue()]);
    return { setpoint, readback };
  }

  /** Refuse, write, then wait for done and the readback; a refusal writes nothing. */
  set(value: number, options: SetOptions = {}): Status {
    if (typeof value !== "number" || !Number.isFinite(value))
      return StatusHelpers.failed(new InvalidArgumentError(`${this.name}: set-point ${JSON.stringify(value)} is not a finite number`, value));
    const timeoutMs = options.timeoutMs ?? this.#settleTimeoutMs;
    return new AsyncStatus(
      async (abort) => {
        const limits = await this.limits();
        if (limitsActive(limits) && (value < limits[0] || value > limits[1])) throw new LimitError(this.name, value, limits);
        await this.setpoint.set(value, { wait: this.#putCompletion, timeoutMs });
        if (this.done) await waitForValue(this.done, (v) => v === this.#doneValue, { timeoutMs, abort, what: `${this.name}: done` });
        const tol = this.tolerance;
        if (tol !== undefined)
          await waitForValue(this.readback, (v) => Math.abs(v - value) <= tol, { timeoutMs, abort, what: `${this.name}: readback reaching ${value} ± ${tol}` });
      },
      { name: `${this.name}: set to ${value}`, timeoutMs },
    );
  }

  async stop(_success = false): Promise<void> {
    if (this.stop_signal) await this.stop_signal.set(1, { wait: false });
  }
}
