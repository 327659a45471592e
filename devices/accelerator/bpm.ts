/** A beam position monitor: horizontal and vertical position, sum signal and status (`<prefix>X`, `Y`, `SUM`, `STATUS`). */
import type { SignalR } from "../core/signal.ts";
import { Kind, StandardReadable } from "../core/standard_readable.ts";
import { pvFactory, type PvDeviceOptions } from "../motors/pv_device.ts";

export type BpmOptions = PvDeviceOptions;

/** The states of a BPM's STATUS PV. */
export const BPM_STATES = ["OK", "NO BEAM"] as const;

export class Bpm extends StandardReadable {
  /** mm */
  readonly x: SignalR<number>;
  readonly y: SignalR<number>;
  /** Sum of the button signals, proportional to the stored current. */
  readonly sum: SignalR<number>;
  readonly status: SignalR<string>;

  constructor(options: BpmOptions) {
    super();
    const pv = pvFactory(options, "Bpm");
    this.x = pv.r<number>("X", { datatype: "number" });
    this.y = pv.r<number>("Y", { datatype: "number" });
    this.sum = pv.r<number>("SUM", { datatype: "number" });
    this.status = pv.r<string>("STATUS", { datatype: "enum", choices: BPM_STATES });
    this.addReadables(Kind.hinted, [this.x, this.y]);
    this.addReadables(Kind.normal, [this.sum, this.status]);
    this.setName(options.name ?? "");
  }
}
