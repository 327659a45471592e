/**
 * A motor over an EPICS motor record (`<prefix>.VAL`, `.RBV`, `.DMOV`, ...), as ophyd-async's Motor: the
 * readback is read under the motor's own name, the set-point as `name-user_setpoint`. `set()` refuses a target
 * past the record's soft limits (HLM/LLM) with a LimitError before writing anything, then writes VAL with
 * put-completion, which the record completes on arrival.
 */
import { FailedStatusError, InvalidArgumentError, LimitError } from "../../engine/errors.ts";
import type { HasLimits, Locatable, Location, SetOptions, Stoppable } from "../../engine/protocols.ts";
import { DEFAULT_TIMEOUT_MS } from "../core/device.ts";
import type { SignalR, SignalRW, SignalW } from "../core/signal.ts";
import { Kind, StandardReadable } from "../core/standard_readable.ts";
import { type Status, Status as StatusHelpers, WatchableAsyncStatus } from "../core/status.ts";
import { limitsActive, pvFactory, type PvDeviceOptions } from "./pv_device.ts";

export interface EpicsMotorOptions extends PvDeviceOptions {
  /** Time allowed beyond the move's own duration before a set fails, in ms. @default DEFAULT_MOTOR_TIMEOUT_MS */
  extraTimeoutMs?: number;
}

export const DEFAULT_MOTOR_TIMEOUT_MS = DEFAULT_TIMEOUT_MS;

export class EpicsMotor extends StandardReadable implements Locatable<number>, Stoppable, HasLimits {
  readonly user_readback: SignalR<number>;
  readonly user_setpoint: SignalRW<number>;
  readonly velocity: SignalRW<number>;
  readonly acceleration_time: SignalRW<number>;
  readonly motor_egu: SignalR<string>;
  readonly precision: SignalR<number>;
  readonly low_limit_travel: SignalRW<number>;
  readonly high_limit_travel: SignalRW<number>;
  /** DMOV: 1 at rest, 0 while moving. */
  readonly motor_done_move: SignalR<number>;
  /** MOVN: 1 while moving. */
  readonly motor_is_moving: SignalR<number>;
  readonly motor_stop: SignalW<number>;
  readonly #extraTimeoutMs: number;
  #setSuccess = true;

  constructor(options: EpicsMotorOptions) {
    super();
    const pv = pvFactory(options, "EpicsMotor");
    this.user_readback = pv.r<number>(".RBV", { datatype: "number" });
    this.user_setpoint = pv.rw<number>(".VAL", { datatype: "number" });
    this.velocity = pv.rw<number>(".VELO", { datatype: "number" });
    this.acceleration_time = pv.rw<number>(".ACCL", { datatype: "number" });
    this.motor_egu = pv.r<string>(".EGU", { datatype: "string" });
    this.precision = pv.r<number>(".PREC", { datatype: "integer" });
    this.low_limit_travel = pv.rw<number>(".LLM", { datatype: "number" });
    this.high_limit_travel = pv.rw<number>(".HLM", { datatype: "number" });
    this.motor_done_move = pv.r<number>(".DMOV", { datatype: "integer" });
    this.motor_is_moving = pv.r<number>(".MOVN", { datatype: "integer" });
    this.motor_stop = pv.w<number>(".STOP", { datatype: "integer" });
    this.#extraTimeoutMs = options.extraTimeoutMs ?? DEFAULT_MOTOR_TIMEOUT_MS;
    this.addReadables(Kind.hinted, [this.user_readback]);
    this.addReadables(Kind.normal, [this.user_setpoint]);
    this.addReadables(Kind.config, [this.velocity, this.acceleration_time, this.motor_egu, this.low_limit_travel, this.high_limit_travel]);
    this.setName(options.name ?? "");
  }

  /** The readback is read under the motor's own name. */
  override setName(name: string): void {
    super.setName(name);
    this.user_readback?.setName(name);
  }

  /** [LLM, HLM]; low >= high means no limits, as in EPICS. */
  async limits(): Promise<readonly [number, number]> {
    const [low, high] = await Promise.all([this.low_limit_travel.getValue(), this.high_limit_travel.getValue()]);
    return [low, high];
  }

  async locate(): Promise<Location<number>> {
    const [setpoint, readback] = await Promise.all([this.user_setpoint.getValue(), this.user_readback.getValue()]);
    return { setpoint, readback };
  }

  /**
   * Move to `value`; the Status completes on arrival and reports progress. Without `timeoutMs` the limit is
   * the move's own duration (distance / velocity + acceleration) plus `extraTimeoutMs`.
   */
  set(value: number, options: SetOptions = {}): Status {
    if (typeof value !== "number" || !Number.isFinite(value))
      return StatusHelpers.failed(new InvalidArgumentError(`${this.name}: set-point ${JSON.stringify(value)} is not a finite number`, value));
    return new WatchableAsyncStatus(
      async (report) => {
        this.#setSuccess = true;
        const limits = await this.limits();
        if (limitsActive(limits) && (value < limits[0] || value > limits[1])) throw new LimitError(this.name, value, limits);
        const [initial, velocity, accl, unit, precision] = await Promise.all([
          this.user_readback.getValue(),
          this.velocity.getValue(),
          this.acceleration_time.getValue(),
          this.motor_egu.getValue(),
          this.precision.getValue(),
        ]);
        const moveMs = velocity > 0 ? (Math.abs(value - initial) / velocity + accl) * 1000 : 0;
        const timeoutMs = options.timeoutMs ?? moveMs + this.#extraTimeoutMs;
        const off = this.user_readback.subscribeValue((current) => report({ name: this.name, current, initial, target: value, unit, precision }));
        try {
          await this.user_setpoint.set(value, { wait: true, timeoutMs });
        } finally {
          off();
        }
        if (!this.#setSuccess) {
          const at = await this.user_readback.getValue();
          throw new FailedStatusError(`${this.name}: stopped at ${at.toFixed(precision)} before reaching ${value}`);
        }
      },
      {
        name: `${this.name}: move to ${value}`,
        ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
      },
    );
  }

  /** Stop where the motor is (STOP = 1). With `success` false (the default) a pending move's Status fails. */
  async stop(success = false): Promise<void> {
    this.#setSuccess = success;
    await this.motor_stop.set(1, { wait: false });
  }
}
