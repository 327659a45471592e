/**
 * A corrector magnet's power supply: set-point `SP`, readback `RB`, limits `DRVL`/`DRVH`, saturation flag
 * `SAT`. Movable: a set past the limits fails with a LimitError and writes nothing; otherwise it completes when
 * the readback is within `tolerance` of the set-point.
 */
import type { SignalR } from "../core/signal.ts";
import { Kind } from "../core/standard_readable.ts";
import { PvPositioner } from "../motors/pv_positioner.ts";
import type { PvDeviceOptions } from "../motors/pv_device.ts";

export interface CorrectorPowerSupplyOptions extends PvDeviceOptions {
  /** Done when |RB − SP| <= tolerance, A. @default DEFAULT_CORRECTOR_TOLERANCE_A */
  tolerance?: number;
  /** Limit of a whole set (write and settle), ms. @default DEFAULT_SETTLE_TIMEOUT_MS */
  settleTimeoutMs?: number;
}

export const DEFAULT_CORRECTOR_TOLERANCE_A = 1e-3;

export class CorrectorPowerSupply extends PvPositioner {
  /** 1 when the requested current is beyond what the supply can deliver. */
  readonly saturated: SignalR<number>;

  constructor(options: CorrectorPowerSupplyOptions) {
    super(
      {
        ...options,
        setpointSuffix: "SP",
        readbackSuffix: "RB",
        lowLimitSuffix: "DRVL",
        highLimitSuffix: "DRVH",
        tolerance: options.tolerance ?? DEFAULT_CORRECTOR_TOLERANCE_A,
      },
      "CorrectorPowerSupply",
    );
    this.saturated = this.pvs.r<number>("SAT", { datatype: "integer" });
    this.addReadables(Kind.normal, [this.saturated]);
    this.setName(options.name ?? "");
  }
}
