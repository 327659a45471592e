/** The betatron tune monitor: fractional tunes `<prefix>X` and `Y`. */
import type { SignalR } from "../core/signal.ts";
import { Kind, StandardReadable } from "../core/standard_readable.ts";
import { pvFactory, type PvDeviceOptions } from "../motors/pv_device.ts";

export type TuneOptions = PvDeviceOptions;

export class Tune extends StandardReadable {
  readonly x: SignalR<number>;
  readonly y: SignalR<number>;

  constructor(options: TuneOptions) {
    super();
    const pv = pvFactory(options, "Tune");
    this.x = pv.r<number>("X", { datatype: "number" });
    this.y = pv.r<number>("Y", { datatype: "number" });
    this.addReadables(Kind.hinted, [this.x, this.y]);
    this.setName(options.name ?? "");
  }
}
