/**
 * An injection kicker: amplitude (`<prefix>AMPL` set-point, `AMPL:RB`, kV), enable (`ENABLE`, Off/On), a fire
 * command (`FIRE`) and a shot counter (`SHOTS`). `trigger()` fires one shot; `set(kV)` sets the amplitude.
 */
import { InvalidArgumentError } from "../../engine/errors.ts";
import type { Movable, SetOptions, Triggerable } from "../../engine/protocols.ts";
import type { SignalR, SignalRW, SignalW } from "../core/signal.ts";
import { Kind, StandardReadable } from "../core/standard_readable.ts";
import { type Status, Status as StatusHelpers } from "../core/status.ts";
import { pvFactory, type PvDeviceOptions } from "../motors/pv_device.ts";

export type KickerOptions = PvDeviceOptions;

export const KICKER_ENABLE_STATES = ["Off", "On"] as const;

export class Kicker extends StandardReadable implements Movable<number>, Triggerable {
  readonly amplitude: SignalR<number>;
  readonly amplitude_setpoint: SignalRW<number>;
  readonly enable: SignalRW<string>;
  readonly shots: SignalR<number>;
  readonly fire: SignalW<number>;

  constructor(options: KickerOptions) {
    super();
    const pv = pvFactory(options, "Kicker");
    this.amplitude = pv.r<number>("AMPL:RB", { datatype: "number" });
    this.amplitude_setpoint = pv.rw<number>("AMPL", { datatype: "number" });
    this.enable = pv.rw<string>("ENABLE", { datatype: "enum", choices: KICKER_ENABLE_STATES });
    this.shots = pv.r<number>("SHOTS", { datatype: "integer" });
    this.fire = pv.w<number>("FIRE", { datatype: "integer" });
    this.addReadables(Kind.hinted, [this.amplitude]);
    this.addReadables(Kind.normal, [this.shots]);
    this.addReadables(Kind.config, [this.amplitude_setpoint, this.enable]);
    this.setName(options.name ?? "");
  }

  /** Set the amplitude, kV. */
  set(value: number, options: SetOptions = {}): Status {
    if (typeof value !== "number" || !Number.isFinite(value) || value < 0)
      return StatusHelpers.failed(new InvalidArgumentError(`${this.name}: amplitude ${JSON.stringify(value)} kV is not a finite number >= 0`, value));
    return this.amplitude_setpoint.set(value, { wait: true, ...options });
  }

  /** Fire one shot; fails when the kicker is disabled. */
  trigger(): Status {
    return this.fire.set(1, { wait: true });
  }
}
