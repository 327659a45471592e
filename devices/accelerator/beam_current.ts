/** The stored beam current from a DCCT (`<prefix>CURRENT`, mA) and the beam lifetime (`LIFETIME`, h). */
import type { SignalR } from "../core/signal.ts";
import { Kind, StandardReadable } from "../core/standard_readable.ts";
import { pvFactory, type PvDeviceOptions } from "../motors/pv_device.ts";

export type BeamCurrentOptions = PvDeviceOptions;

export class BeamCurrent extends StandardReadable {
  readonly current: SignalR<number>;
  readonly lifetime: SignalR<number>;

  constructor(options: BeamCurrentOptions) {
    super();
    const pv = pvFactory(options, "BeamCurrent");
    this.current = pv.r<number>("CURRENT", { datatype: "number" });
    this.lifetime = pv.r<number>("LIFETIME", { datatype: "number" });
    this.addReadables(Kind.hinted, [this.current]);
    this.addReadables(Kind.normal, [this.lifetime]);
    this.setName(options.name ?? "");
  }
}
