/**
 * An undulator: the gap is a motor record (`<prefix>GAP`, mm); `HARMONIC` selects the harmonic; `ENERGY` is
 * the selected harmonic's energy at the present gap (eV), read under the device's own name; `ENERGY:SP` moves
 * the gap to put that harmonic at an energy (the IOC computes the gap, and the put completes on arrival);
 * `TRACK` (Off/On) makes the gap follow the monochromator.
 */
import { InvalidArgumentError } from "../../engine/errors.ts";
import type { Locatable, Location, SetOptions, Stoppable } from "../../engine/protocols.ts";
import type { SignalR, SignalRW } from "../core/signal.ts";
import { Kind, StandardReadable } from "../core/standard_readable.ts";
import { type Status, Status as StatusHelpers } from "../core/status.ts";
import { EpicsMotor } from "../motors/epics_motor.ts";
import { pvFactory, type PvDeviceOptions } from "../motors/pv_device.ts";

export interface UndulatorOptions extends PvDeviceOptions {
  /** Limit of an energy move, ms. @default DEFAULT_UNDULATOR_TIMEOUT_MS */
  moveTimeoutMs?: number;
}

export const DEFAULT_UNDULATOR_TIMEOUT_MS = 60_000;
export const TRACKING_STATES = ["Off", "On"] as const;

export class Undulator extends StandardReadable implements Locatable<number>, Stoppable {
  readonly gap: EpicsMotor;
  readonly harmonic: SignalRW<number>;
  readonly energy: SignalR<number>;
  readonly energy_setpoint: SignalRW<number>;
  readonly tracking: SignalRW<string>;
  readonly #moveTimeoutMs: number;

  constructor(options: UndulatorOptions) {
    super();
    const pv = pvFactory(options, "Undulator");
    this.gap = new EpicsMotor({ ...options, prefix: `${options.prefix}GAP` });
    this.harmonic = pv.rw<number>("HARMONIC", { datatype: "integer" });
    this.energy = pv.r<number>("ENERGY", { datatype: "number" });
    this.energy_setpoint = pv.rw<number>("ENERGY:SP", { datatype: "number" });
    this.tracking = pv.rw<string>("TRACK", { datatype: "enum", choices: TRACKING_STATES });
    this.#moveTimeoutMs = options.moveTimeoutMs ?? DEFAULT_UNDULATOR_TIMEOUT_MS;
    this.addReadables(Kind.hinted, [this.energy]);
    this.addReadables(Kind.normal, [this.energy_setpoint, this.gap]);
    this.addReadables(Kind.config, [this.harmonic, this.tracking]);
    this.setName(options.name ?? "");
  }

  override setName(name: string): void {
    super.setName(name);
    this.energy?.setName(name);
  }

  async locate(): Promise<Location<number>> {
    const [setpoint, readback] = await Promise.all([this.energy_setpoint.getValue(), this.energy.getValue()]);
    return { setpoint, readback };
  }

  /** Put the selected harmonic at `energy` (eV) by moving the gap. */
  set(energy: number, options: SetOptions = {}): Status {
    if (typeof energy !== "number" || !Number.isFinite(energy) || energy <= 0)
      return StatusHelpers.failed(new InvalidArgumentError(`${this.name}: energy ${JSON.stringify(energy)} eV is not a finite number > 0`, energy));
    return this.energy_setpoint.set(energy, { wait: true, timeoutMs: options.timeoutMs ?? this.#moveTimeoutMs });
  }

  async stop(success = false): Promise<void> {
    await this.gap.stop(success);
  }
}
