/**
 * The RF system: frequency (`<prefix>FREQ` set-point, `FREQ:RB` readback, MHz) and cavity voltage (`VOLT`,
 * `VOLT:RB`, MV). Movable in frequency, which shifts the beam energy and so the orbit through the dispersion.
 */
import { InvalidArgumentError } from "../../engine/errors.ts";
import type { Locatable, Location, SetOptions } from "../../engine/protocols.ts";
import type { SignalR, SignalRW } from "../core/signal.ts";
import { Kind, StandardReadable } from "../core/standard_readable.ts";
import { type Status, Status as StatusHelpers } from "../core/status.ts";
import { pvFactory, type PvDeviceOptions } from "../motors/pv_device.ts";

export type RfSystemOptions = PvDeviceOptions;

export class RfSystem extends StandardReadable implements Locatable<number> {
  /** Readback, read under the device's own name. */
  readonly frequency: SignalR<number>;
  readonly frequency_setpoint: SignalRW<number>;
  readonly voltage: SignalR<number>;
  readonly voltage_setpoint: SignalRW<number>;

  constructor(options: RfSystemOptions) {
    super();
    const pv = pvFactory(options, "RfSystem");
    this.frequency = pv.r<number>("FREQ:RB", { datatype: "number" });
    this.frequency_setpoint = pv.rw<number>("FREQ", { datatype: "number" });
    this.voltage = pv.r<number>("VOLT:RB", { datatype: "number" });
    this.voltage_setpoint = pv.rw<number>("VOLT", { datatype: "number" });
    this.addReadables(Kind.hinted, [this.frequency]);
    this.addReadables(Kind.normal, [this.frequency_setpoint, this.voltage]);
    this.addReadables(Kind.config, [this.voltage_setpoint]);
    this.setName(options.name ?? "");
  }

  override setName(name: string): void {
    super.setName(name);
    this.frequency?.setName(name);
  }

  /** Set the RF frequency, MHz. */
  set(value: number, options: SetOptions = {}): Status {
    if (typeof value !== "number" || !Number.isFinite(value) || value <= 0)
      return StatusHelpers.failed(new InvalidArgumentError(`${this.name}: frequency ${JSON.stringify(value)} MHz is not a finite number > 0`, value));
    return this.frequency_setpoint.set(value, { wait: true, ...options });
  }

  async locate(): Promise<Location<number>> {
    const [setpoint, readback] = await Promise.all([this.frequency_setpoint.getValue(), this.frequency.getValue()]);
    return { setpoint, readback };
  }
}
