/**
 * Four-blade slits: blade motor records `<prefix>TOP`, `BOT`, `INB` (inboard), `OUTB` (outboard), positions of
 * the blade edges in mm. Gap and centre per plane are pseudo-axes over two blades each (horizontal: inboard
 * and outboard; vertical: bottom and top): their readbacks are computed from the blade readbacks, and setting
 * one moves both blades at once, refusing (LimitError) before moving when either blade would pass its limits.
 */
import { InvalidArgumentError, LimitError } from "../../engine/errors.ts";
import type { Locatable, Location, SetOptions, Stoppable } from "../../engine/protocols.ts";
import type { SignalR } from "../core/signal.ts";
import { Kind, StandardReadable } from "../core/standard_readable.ts";
import { AsyncStatus, type Status, Status as StatusHelpers } from "../core/status.ts";
import { derivedSignalR } from "../motors/derived_signal.ts";
import { EpicsMotor } from "../motors/epics_motor.ts";
import { limitsActive, pvFactory, type PvDeviceOptions } from "../motors/pv_device.ts";

export type SlitsOptions = PvDeviceOptions;

export const SlitQuantity = { gap: "gap", centre: "centre" } as const;
export type SlitQuantity = (typeof SlitQuantity)[keyof typeof SlitQuantity];

/** A gap or centre of one plane: moves the low and high blades together. */
export class SlitAxis extends StandardReadable implements Locatable<number>, Stoppable {
  /** Read under the axis's own name. */
  readonly readback: SignalR<number>;
  readonly quantity: SlitQuantity;
  readonly #lo: EpicsMotor;
  readonly #hi: EpicsMotor;
  #setpoint: number | undefined;

  constructor(lo: EpicsMotor, hi: EpicsMotor, quantity: SlitQuantity, name = "") {
    super();
    this.#lo = lo;
    this.#hi = hi;
    this.quantity = quantity;
    const compute = quantity === "gap" ? (l: number, h: number) => h - l : (l: number, h: number) => (h + l) / 2;
    this.readback = derivedSignalR([lo.user_readback, hi.user_readback], compute, { units: "mm", precision: 3 });
    this.addReadables(Kind.hinted, [this.readback]);
    this.setName(name);
  }

  override setName(name: string): void {
    super.setName(name);
    this.readback?.setName(name);
  }

  async locate(): Promise<Location<number>> {
    const readback = await this.readback.getValue();
    return { setpoint: this.#setpoint ?? readback, readback };
  }

  set(value: number, options: SetOptions = {}): Status {
    if (typeof value !== "number" || !Number.isFinite(value) || (this.quantity === "gap" && value < 0))
      return StatusHelpers.failed(
        new InvalidArgumentError(`${this.name}: ${this.quantity} ${JSON.stringify(value)} must be a finite number${this.quantity === "gap" ? " >= 0" : ""}`, value),
      );
    return new AsyncStatus(
      async () => {
        const [lo, hi, loLimits, hiLimits] = await Promise.all([
          this.#lo.user_setpoint.getValue(),
          this.#hi.user_setpoint.getValue(),
          this.#lo.limits(),
          this.#hi.limits(),
        ]);
        const centre = this.quantity === "centre" ? value : (lo + hi) / 2;
        const gap = this.quantity === "gap" ? value : hi - lo;
        const targets: [EpicsMotor, number, readonly [number, number]][] = [
          [this.#lo, centre - gap / 2, loLimits],
          [this.#hi, centre + gap / 2, hiLimits],
        ];
        for (const [blade, target, limits] of targets)
          if (limitsActive(limits) && (target < limits[0] || target > limits[1]))
            throw new LimitError(`${this.name} (blade ${blade.name})`, target, limits);
        this.#setpoint = value;
        await Promise.all(targets.map(([blade, target]) => blade.set(target, options)));
      },
      { name: `${this.name}: set ${this.quantity} to ${value}`, ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }) },
    );
  }

  async stop(success = false): Promise<void> {
    await Promise.all([this.#lo.stop(success), this.#hi.stop(success)]);
  }
}

export class Slits extends StandardReadable {
  readonly top: EpicsMotor;
  readonly bottom: EpicsMotor;
  readonly inboard: EpicsMotor;
  readonly outboard: EpicsMotor;
  readonly h_gap: SlitAxis;
  readonly h_centre: SlitAxis;
  readonly v_gap: SlitAxis;
  readonly v_centre: SlitAxis;

  constructor(options: SlitsOptions) {
    super();
    pvFactory(options, "Slits");
    const blade = (suffix: string) => new EpicsMotor({ ...options, prefix: `${options.prefix}${suffix}` });
    this.top = blade("TOP");
    this.bottom = blade("BOT");
    this.inboard = blade("INB");
    this.outboard = blade("OUTB");
    this.h_gap = new SlitAxis(this.inboard, this.outboard, "gap");
    this.h_centre = new SlitAxis(this.inboard, this.outboard, "centre");
    this.v_gap = new SlitAxis(this.bottom, this.top, "gap");
    this.v_centre = new SlitAxis(this.bottom, this.top, "centre");
    this.addReadables(Kind.hinted, [this.h_gap, this.v_gap]);
    this.addReadables(Kind.normal, [this.h_centre, this.v_centre, this.top, this.bottom, this.inboard, this.outboard]);
    this.setName(options.name ?? "");
  }
}
