/**
 * A simulated motor, shaped like ophyd-async's Motor over an EPICS motor record: the readback moves along a
 * trapezoidal profile, updated every tick, and the set Status reports progress. Its readback is read under the
 * motor's own name (`motor1`), the set-point as `motor1-user_setpoint`.
 */
import { FailedStatusError, InvalidArgumentError, LimitError } from "../../engine/errors.ts";
import type { HasLimits, Locatable, Location, SetOptions, Stoppable } from "../../engine/protocols.ts";
import type { SignalR, SignalRW, SignalX } from "../core/signal.ts";
import { softSignalR, softSignalRAndSetter, softSignalRW, softSignalX } from "../core/signal_factories.ts";
import { Kind, StandardReadable } from "../core/standard_readable.ts";
import { isPromiseLike, type ProgressReporter, Status, WatchableAsyncStatus } from "../core/status.ts";
import { type MotionProfile, trapezoidProfile } from "./trapezoid.ts";

export interface SimMotorOptions {
  /** @default "" */
  name?: string;
  /** Starting position. @default 0 */
  initial?: number;
  /** Cruise velocity in units/s; Infinity moves in zero time. @default 1 */
  velocity?: number;
  /** Seconds to reach the velocity from rest (EPICS ACCL); 0 means constant velocity. @default 0.1 */
  accelerationTime?: number;
  /** [low, high] soft limits; [0, 0] (or low > high) means none, as in EPICS. @default [0, 0] */
  limits?: readonly [number, number];
  /** Engineering units (EGU). @default "mm" */
  units?: string;
  /** Display precision, in decimal places. @default 3 */
  precision?: number;
  /** Every move completes at once, with no timer (benchmarks, plan tests). @default false */
  instant?: boolean;
  /** How often the readback is updated while moving, in ms. @default 10 */
  tickMs?: number;
}

export const DEFAULT_SIM_MOTOR_OPTIONS: Required<SimMotorOptions> = {
  name: "",
  initial: 0,
  velocity: 1,
  accelerationTime: 0.1,
  limits: [0, 0],
  units: "mm",
  precision: 3,
  instant: false,
  tickMs: 10,
};

/** The value of an in-memory signal, now. Sim signals are soft (or mocked), so this never waits. */
export function valueNow<T>(signal: SignalR<T>): T {
  const r = signal.currentReading();
  if (isPromiseLike(r))
    throw new InvalidArgumentError(`${signal.name || signal.source} is not in-memory: a simulation cannot read it synchronously`, signal.source);
  return r.value;
}

interface Move {
  readonly target: number;
  readonly profile: MotionProfile;
  readonly started: number;
  finish(error?: Error): void;
}

export class SimMotor extends StandardReadable implements Locatable<number>, Stoppable, HasLimits {
  readonly user_readback: SignalR<number>;
  readonly user_setpoint: SignalRW<number>;
  readonly velocity: SignalRW<number>;
  readonly acceleration_time: SignalRW<number>;
  readonly motor_egu: SignalR<string>;
  readonly low_limit_travel: SignalRW<number>;
  readonly high_limit_travel: SignalRW<number>;
  /** EPICS DMOV: 1 when at rest, 0 while moving. */
  readonly motor_done_move: SignalR<number>;
  readonly motor_stop: SignalX;

  readonly #setReadback: (value: number) => void;
  readonly #setDone: (value: number) => void;
  readonly #instant: boolean;
  readonly #tickMs: number;
  readonly #precision: number;
  #move: Move | undefined;

  constructor(options: SimMotorOptions = {}) {
    super();
    const o = { ...DEFAULT_SIM_MOTOR_OPTIONS, ...options };
    if (!Number.isFinite(o.initial)) throw new InvalidArgumentError(`initial position must be finite, got ${o.initial}`, o.initial);
    if (!(o.velocity > 0)) throw new InvalidArgumentError(`velocity must be > 0, got ${o.velocity}`, o.velocity);
    if (!(o.accelerationTime >= 0))
      throw new InvalidArgumentError(`accelerationTime must be >= 0, got ${o.accelerationTime}`, o.accelerationTime);
    if (!(o.tickMs > 0)) throw new InvalidArgumentError(`tickMs must be > 0, got ${o.tickMs}`, o.tickMs);
    const meta = { units: o.units, precision: o.precision };
    [this.user_readback, this.#setReadback] = softSignalRAndSetter(o.initial, meta);
    this.user_setpoint = softSignalRW(o.initial, { ...meta, ...(o.limits[0] <= o.limits[1] && (o.limits[0] !== 0 || o.limits[1] !== 0) ? { limits: o.limits } : {}) });
    this.velocity = softSignalRW(o.velocity, { units: `${o.units}/s` });
    this.acceleration_time = softSignalRW(o.accelerationTime, { units: "s" });
    this.motor_egu = softSignalR(o.units);
    this.low_limit_travel = softSignalRW(o.limits[0], meta);
    this.high_limit_travel = softSignalRW(o.limits[1], meta);
    [this.motor_done_move, this.#setDone] = softSignalRAndSetter(1, { datatype: "integer" });
    this.motor_stop = softSignalX(() => this.stop(false));
    this.#instant = o.instant;
    this.#tickMs = o.tickMs;
    this.#precision = o.precision;
    this.addReadables(Kind.hinted, [this.user_readback]);
    this.addReadables(Kind.normal, [this.user_setpoint]);
    this.addReadables(Kind.config, [
      this.velocity,
      this.acceleration_time,
      this.motor_egu,
      this.low_limit_travel,
      this.high_limit_travel,
    ]);
    this.setName(o.name);
  }

  /** The readback is read under the motor's own name, as ophyd-async's Motor does. */
  override setName(name: string): void {
    super.setName(name);
    this.user_readback?.setName(name);
  }

  #fmt(position: number): string {
    return position.toFixed(this.#precision);
  }

  /** The readback position, now. */
  get position(): number {
    return valueNow(this.user_readback);
  }

  get moving(): boolean {
    return this.#move !== undefined;
  }

  limits(): readonly [number, number] {
    return [valueNow(this.low_limit_travel), valueNow(this.high_limit_travel)];
  }

  async locate(): Promise<Location<number>> {
    return { setpoint: valueNow(this.user_setpoint), readback: this.position };
  }

  /**
   * Move to `value`. Outside the limits (or not a finite number) the Status fails at once and nothing moves.
   * A move already under way is superseded: its Status fails and the new move starts from where it was.
   * `timeoutMs` fails the Status with a TimeoutError and stops the motor; `wait` is ignored (a move's Status
   * always completes when the motor arrives).
   */
  set(value: number, options: SetOptions = {}): Status {
    if (typeof value !== "number" || !Number.isFinite(value))
      return Status.failed(new InvalidArgumentError(`${this.name}: set-point ${JSON.stringify(value)} is not a finite number`, value));
    const [low, high] = this.limits();
    const limited = low <= high && (low !== 0 || high !== 0);
    if (limited && (value < low || value > high)) return Status.failed(new LimitError(this.name, value, [low, high]));
    const velocity = valueNow(this.velocity);
    if (!(velocity > 0))
      return Status.failed(new InvalidArgumentError(`${this.name}: velocity must be > 0 to move, got ${velocity}`, velocity));

    this.#halt((pos, target) => new FailedStatusError(`${this.name}: move to ${target} superseded at ${this.#fmt(pos)} by a move to ${value}`));
    const start = this.position;
    this.user_setpoint.set(value);
    if (this.#instant || velocity === Infinity || start === value) {
      this.#setReadback(value);
      return Status.done();
    }
    const profile = trapezoidProfile(start, value, velocity, valueNow(this.acceleration_time));
    return new WatchableAsyncStatus((report, signal) => this.#run(start, value, profile, report, signal), {
      name: `${this.name}: move to ${value}`,
      lastValue: () => this.position,
      ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    });
  }

  #run(start: number, target: number, profile: MotionProfile, report: ProgressReporter, signal: AbortSignal): Promise<void> {
    const unit = valueNow(this.motor_egu);
    const precision = this.#precision;
    const progress = (current: number, elapsed: number) =>
      report({
        name: this.name,
        current,
        initial: start,
        target,
        unit,
        precision,
        timeElapsed: elapsed,
        timeRemaining: Math.max(0, profile.duration - elapsed),
      });
    return new Promise<void>((resolve, reject) => {
      const started = performance.now();
      const timer = setInterval(() => {
        const elapsed = (performance.now() - started) / 1000;
        if (elapsed >= profile.duration) {
          this.#setReadback(target);
          progress(target, profile.duration);
          move.finish();
          return;
        }
        const pos = profile.positionAt(elapsed);
        this.#setReadback(pos);
        progress(pos, elapsed);
      }, this.#tickMs);
      const onAbort = () => this.#move === move && this.#halt(() => signal.reason as Error);
      const move: Move = {
        target,
        profile,
        started,
        finish: (error) => {
          clearInterval(timer);
          signal.removeEventListener("abort", onAbort);
          if (this.#move === move) this.#move = undefined;
          this.#setDone(1);
          if (error) reject(error);
          else resolve();
        },
      };
      signal.addEventListener("abort", onAbort, { once: true });
      this.#move = move;
      this.#setDone(0);
      progress(start, 0);
    });
  }

  /** Halt a move where it is now; its Status fails with the error `reason` gives, or succeeds without one. */
  #halt(reason: ((position: number, target: number) => Error) | undefined): boolean {
    const move = this.#move;
    if (!move) return false;
    const elapsed = (performance.now() - move.started) / 1000;
    const pos = move.profile.positionAt(elapsed);
    this.#move = undefined;
    this.#setReadback(pos);
    // As the motor record does after a stop: the set-point becomes where the motor stopped.
    this.user_setpoint.set(pos);
    move.finish(reason?.(pos, move.target));
    return true;
  }

  /**
   * Stop at once, where the motor is. With `success` false (Bluesky's default, an abort) the move's Status
   * fails; with true it succeeds short of the target.
   */
  async stop(success = false): Promise<void> {
    this.#halt(
      success
        ? undefined
        : (pos, target) => new FailedStatusError(`${this.name}: stopped at ${this.#fmt(pos)} before reaching ${target}`),
    );
  }
}
