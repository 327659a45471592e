/**
 * A plane-grating monochromator (soft X-rays): the energy is a motor record (`<prefix>ENERGY`, eV) that drives
 * grating and mirror together at constant cff, so a continuous energy scan is a single move. Its readback is
 * read under the device's own name; cff (`CFF`) is writable; the grating and mirror angles
 * (`GRATING:PITCH`, `MIRROR:PITCH`, degrees) and the resolving power (`RESOLVING_POWER`) are read with each
 * reading; the groove density (`LINES`, l/mm) and the order (`ORDER`) are configuration.
 */
import type { HasLimits, Locatable, Location, SetOptions, Stoppable } from "../../engine/protocols.ts";
import type { SignalR, SignalRW } from "../core/signal.ts";
import { Kind, StandardReadable } from "../core/standard_readable.ts";
import type { Status } from "../core/status.ts";
import { EpicsMotor } from "../motors/epics_motor.ts";
import { pvFactory, type PvDeviceOptions } from "../motors/pv_device.ts";

export type PlaneGratingMonochromatorOptions = PvDeviceOptions;

export class PlaneGratingMonochromator extends StandardReadable implements Locatable<number>, Stoppable, HasLimits {
  /** The energy axis, eV. */
  readonly energy: EpicsMotor;
  readonly cff: SignalRW<number>;
  readonly grating_pitch: SignalR<number>;
  readonly mirror_pitch: SignalR<number>;
  readonly resolving_power: SignalR<number>;
  readonly line_density: SignalR<number>;
  readonly order: SignalR<number>;

  constructor(options: PlaneGratingMonochromatorOptions) {
    super();
    const pv = pvFactory(options, "PlaneGratingMonochromator");
    this.energy = new EpicsMotor({ ...options, prefix: `${options.prefix}ENERGY` });
    this.cff = pv.rw<number>("CFF", { datatype: "number" });
    this.grating_pitch = pv.r<number>("GRATING:PITCH", { datatype: "number" });
    this.mirror_pitch = pv.r<number>("MIRROR:PITCH", { datatype: "number" });
    this.resolving_power = pv.r<number>("RESOLVING_POWER", { datatype: "number" });
    this.line_density = pv.r<number>("LINES", { datatype: "number" });
    this.order = pv.r<number>("ORDER", { datatype: "integer" });
    this.addReadables(Kind.hinted, [this.energy]);
    this.addReadables(Kind.normal, [this.grating_pitch, this.mirror_pitch, this.resolving_power]);
    this.addReadables(Kind.config, [this.cff, this.line_density, this.order]);
    this.setName(options.name ?? "");
  }

  /** The energy readback is read under the device's own name, as a monochromator's energy is. */
  override setName(name: string): void {
    super.setName(name);
    this.energy?.user_readback.setName(name);
  }

  /** The energy axis's [low, high] limits, eV. */
  limits(): Promise<readonly [number, number]> {
    return this.energy.limits();
  }

  locate(): Promise<Location<number>> {
    return this.energy.locate();
  }

  /** Move to `energy` (eV); the Status completes when grating and mirror arrive. */
  set(energy: number, options: SetOptions = {}): Status {
    return this.energy.set(energy, options);
  }

  async stop(success = false): Promise<void> {
    await this.energy.stop(success);
  }
}
