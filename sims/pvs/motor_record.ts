/**
 * A motor record in a simulated PV table, with the fields devices use: VAL, RBV, DMOV, MOVN, STOP, HLM, LLM,
 * EGU, VELO, ACCL, PREC. A put to VAL outside [LLM, HLM] is refused (LimitError) and nothing moves; otherwise
 * the axis moves along a trapezoidal profile in the table's time, driving the simulator as it goes, DMOV goes 0
 * then 1 on arrival, and the put completes (put-callback) on arrival. A new VAL while moving retargets from
 * where the axis is; STOP halts it where it is (pending puts complete, as the record's callback does).
 */
import { InvalidArgumentError, LimitError } from "../../engine/errors.ts";
import { type MotionProfile, trapezoidProfile } from "../../devices/sim/trapezoid.ts";
import { FaultKind, type FaultSpec } from "./faults.ts";
import type { SimPv } from "./pv.ts";
import type { SimPvTable } from "./table.ts";

/** The physical axis a motor record drives. */
export interface SimAxis {
  get(): number;
  set(position: number): void;
}

export interface MotorRecordOptions {
  /** @default "mm" */
  units?: string;
  /** @default 3 */
  precision?: number;
  /** Cruise velocity, units/s. @default 1 */
  velocity?: number;
  /** Seconds to reach the velocity (ACCL). @default 0.1 */
  accelerationTime?: number;
  /** [LLM, HLM]; [0, 0] means none. @default [0, 0] */
  limits?: readonly [number, number];
}

export const DEFAULT_MOTOR_RECORD: Required<MotorRecordOptions> = {
  units: "mm",
  precision: 3,
  velocity: 1,
  accelerationTime: 0.1,
  limits: [0, 0],
};

interface Move {
  readonly start: number;
  readonly target: number;
  readonly startedMs: number;
  readonly profile: MotionProfile;
  readonly cancelTimer: () => void;
  readonly release: () => void;
}

export class MotorRecord {
  readonly name: string;
  readonly val: SimPv;
  readonly rbv: SimPv;
  readonly dmov: SimPv;
  readonly movn: SimPv;
  readonly stop: SimPv;
  readonly hlm: SimPv;
  readonly llm: SimPv;
  readonly egu: SimPv;
  readonly velo: SimPv;
  readonly accl: SimPv;
  readonly prec: SimPv;
  readonly #table: SimPvTable;
  readonly #axis: SimAxis;
  #move: Move | undefined;
  #waiters: (() => void)[] = [];
  #stuck = false;
  #offset = 0;

  constructor(table: SimPvTable, name: string, axis: SimAxis, options: MotorRecordOptions = {}) {
    const o = { ...DEFAULT_MOTOR_RECORD, ...options };
    if (!(o.velocity > 0)) throw new InvalidArgumentError(`${name}: velocity must be > 0, got ${o.velocity}`, o.velocity);
    this.name = name;
    this.#table = table;
    this.#axis = axis;
    const position = axis.get();
    const meta = { units: o.units, precision: o.precision };
    const f = (field: string) => `${name}.${field}`;
    this.val = table.create(f("VAL"), "double", {
      writable: true,
      value: position,
      metadata: { ...meta, ...(hasLimits(o.limits) ? { controlLimits: o.limits } : {}) },
      applyPut: false,
      recordType: "motor",
      onPut: (v) => this.moveTo(v as number),
    });
    this.rbv = table.create(f("RBV"), "double", { value: position, metadata: meta });
    this.dmov = table.create(f("DMOV"), "long", { value: 1 });
    this.movn = table.create(f("MOVN"), "long", { value: 0 });
    this.stop = table.create(f("STOP"), "long", { writable: true, onPut: () => this.halt() });
    this.hlm = table.create(f("HLM"), "double", { writable: true, value: o.limits[1], metadata: meta, onPut: () => this.#limitsChanged() });
    this.llm = table.create(f("LLM"), "double", { writable: true, value: o.limits[0], metadata: meta, onPut: () => this.#limitsChanged() });
    this.egu = table.create(f("EGU"), "string", { value: o.units });
    this.velo = table.create(f("VELO"), "double", { writable: true, value: o.velocity, metadata: { units: `${o.units}/s`, precision: o.precision } });
    this.accl = table.create(f("ACCL"), "double", { writable: true, value: o.accelerationTime, metadata: { units: "s", precision: 3 } });
    this.prec = table.create(f("PREC"), "long", { value: o.precision });
    table.addUpdater(() => this.#update());
    table.addFaultHandler((fault) => this.#fault(fault));
  }

  get limits(): readonly [number, number] {
    return [this.llm.value as number, this.hlm.value as number];
  }

  get moving(): boolean {
    return this.#move !== undefined;
  }

  /** Where the axis truly is (RBV may carry a fault's offset). */
  get position(): number {
    return this.#axis.get();
  }

  #limitsChanged(): void {
    const limits = this.limits;
    const meta = this.val.metadata as { controlLimits?: readonly [number, number] };
    meta.controlLimits = hasLimits(limits) ? limits : undefined;
  }

  #fault(fault: FaultSpec): boolean {
    if (fault.kind === FaultKind.stuckMotor && fault.motor === this.name) {
      this.#stuck = true;
      return true;
    }
    if (fault.kind === FaultKind.readbackOffset && fault.motor === this.name) {
      this.#offset += fault.offset;
      this.rbv.set(this.#axis.get() + this.#offset);
      return true;
    }
    return false;
  }

  /** Start a move (what a put to VAL does); resolves on arrival or when stopped. */
  moveTo(target: number): Promise<void> {
    if (!Number.isFinite(target)) return Promise.reject(new InvalidArgumentError(`${this.name}: VAL must be finite, got ${target}`, target));
    const limits = this.limits;
    if (hasLimits(limits) && (target < limits[0] || target > limits[1])) return Promise.reject(new LimitError(this.name, target, limits));
    const velocity = this.velo.value as number;
    if (!(velocity > 0)) return Promise.reject(new InvalidArgumentError(`${this.name}: VELO must be > 0 to move, got ${velocity}`, velocity));
    this.#table.refresh();
    const start = this.#axis.get();
    this.#end();
    this.val.set(target, { force: true });
    const done = new Promise<void>((resolve) => this.#waiters.push(resolve));
    const profile = trapezoidProfile(start, target, velocity, Math.max(0, this.accl.value as number));
    if (profile.duration === 0) {
      this.#arrive(target);
      return done;
    }
    const startedMs = this.#table.now();
    const release = this.#table.hold();
    const cancelTimer = this.#table.at(startedMs + profile.duration * 1000, () => this.#update());
    this.#move = { start, target, startedMs, profile, cancelTimer, release };
    this.dmov.set(0);
    this.movn.set(1);
    return done;
  }

  /** Put the axis at `position` at once, without a move (a slaved axis, such as a tracking undulator gap). */
  follow(position: number): void {
    this.#end();
    this.val.set(position);
    this.#place(position);
  }

  /** STOP: halt where the axis is now; VAL becomes that position. */
  halt(): void {
    const move = this.#move;
    if (!move) return;
    this.#table.refresh();
    if (!this.#move) return;
    const pos = this.#stuck ? move.start : move.profile.positionAt((this.#table.now() - move.startedMs) / 1000);
    this.#end();
    this.val.set(pos);
    this.#arrive(pos);
  }

  #update(): void {
    const move = this.#move;
    if (!move) return;
    const elapsed = (this.#table.now() - move.startedMs) / 1000;
    if (elapsed >= move.profile.duration) {
      this.#end();
      this.#arrive(move.target);
      return;
    }
    if (!this.#stuck) this.#place(move.profile.positionAt(elapsed));
  }

  #place(position: number): void {
    if (!this.#stuck) this.#axis.set(position);
    this.rbv.set(this.#axis.get() + this.#offset);
  }

  #arrive(position: number): void {
    this.#place(position);
    this.movn.set(0);
    this.dmov.set(1);
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) w();
  }

  #end(): void {
    const move = this.#move;
    if (!move) return;
    this.#move = undefined;
    move.cancelTimer();
    move.release();
  }
}

export function hasLimits(limits: readonly [number, number]): boolean {
  return limits[0] < limits[1];
}
