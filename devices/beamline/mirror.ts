/** A mirror on three motors: pitch (`<prefix>PITCH`), x (`X`) and y (`Y`), each a motor record. */
import { Kind, StandardReadable } from "../core/standard_readable.ts";
import { EpicsMotor } from "../motors/epics_motor.ts";
import { pvFactory, type PvDeviceOptions } from "../motors/pv_device.ts";

export type MirrorOptions = PvDeviceOptions;

export class Mirror extends StandardReadable {
  readonly pitch: EpicsMotor;
  readonly x: EpicsMotor;
  readonly y: EpicsMotor;

  constructor(options: MirrorOptions) {
    super();
    pvFactory(options, "Mirror");
    const axis = (suffix: string) => new EpicsMotor({ ...options, prefix: `${options.prefix}${suffix}` });
    this.pitch = axis("PITCH");
    this.x = axis("X");
    this.y = axis("Y");
    this.addReadables(Kind.hinted, [this.pitch]);
    this.addReadables(Kind.normal, [this.x, this.y]);
    this.setName(options.name ?? "");
  }
}
