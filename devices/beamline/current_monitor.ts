/**
 * Counters for the beam intensity before (I0) and after (It) the sample and for its fluorescence (If):
 * `<prefix>ACQUIRE_TIME` (s), `ACQUIRE` (put 1: count; the put completes when counting ends), `BUSY`, and the
 * counts `I0`, `IT`, `IF`. Triggerable: `trigger()` counts once for the acquire time.
 */
import type { Triggerable } from "../../engine/protocols.ts";
import type { SignalR, SignalRW, SignalW } from "../core/signal.ts";
import { Kind, StandardReadable } from "../core/standard_readable.ts";
import { AsyncStatus, type Status } from "../core/status.ts";
import { pvFactory, type PvDeviceOptions } from "../motors/pv_device.ts";

export interface CurrentMonitorOptions extends PvDeviceOptions {
  /** Time allowed beyond the acquire time, ms. @default DEFAULT_ACQUIRE_EXTRA_TIMEOUT_MS */
  extraTimeoutMs?: number;
}

export const DEFAULT_ACQUIRE_EXTRA_TIMEOUT_MS = 10_000;

export class CurrentMonitor extends StandardReadable implements Triggerable {
  readonly acquire_time: SignalRW<number>;
  readonly acquire: SignalW<number>;
  readonly busy: SignalR<number>;
  readonly i0: SignalR<number>;
  readonly it: SignalR<number>;
  readonly if: SignalR<number>;
  readonly #extraTimeoutMs: number;

  constructor(options: CurrentMonitorOptions) {
    super();
    const pv = pvFactory(options, "CurrentMonitor");
    this.acquire_time = pv.rw<number>("ACQUIRE_TIME", { datatype: "number" });
    this.acquire = pv.w<number>("ACQUIRE", { datatype: "integer" });
    this.busy = pv.r<number>("BUSY", { datatype: "integer" });
    this.i0 = pv.r<number>("I0", { datatype: "number" });
    this.it = pv.r<number>("IT", { datatype: "number" });
    this.if = pv.r<number>("IF", { datatype: "number" });
    this.#extraTimeoutMs = options.extraTimeoutMs ?? DEFAULT_ACQUIRE_EXTRA_TIMEOUT_MS;
    this.addReadables(Kind.hinted, [this.i0, this.it, this.if]);
    this.addReadables(Kind.config, [this.acquire_time]);
    this.setName(options.name ?? "");
  }

  /** Count for the acquire time; completes when the counts are in. */
  trigger(): Status {
    return new AsyncStatus(
      async () => {
        const seconds = await this.acquire_time.getValue();
        await this.acquire.set(1, { wait: true, timeoutMs: seconds * 1000 + this.#extraTimeoutMs });
      },
      { name: `${this.name}: count` },
    );
  }
}
