/**
 * An areaDetector-like camera under `<prefix>`: `cam1:Acquire` (put 1: one exposure; completes when the frame
 * is in), `cam1:AcquireTime`, `cam1:ArraySizeX_RBV`/`Y`, `cam1:ArrayCounter_RBV`, the frame
 * `image1:ArrayData` (row-major, width × height) and the stats plugin `Stats1:CentroidX_RBV`, `CentroidY`,
 * `SigmaX`, `SigmaY` (pixels), `Total`, `MaxValue` (counts). Triggerable. The image is read only when asked
 * (`readImage`), since a frame per event makes documents large.
 */
import type { Triggerable } from "../../engine/protocols.ts";
import type { SignalR, SignalRW, SignalW } from "../core/signal.ts";
import { Kind, StandardReadable } from "../core/standard_readable.ts";
import { AsyncStatus, type Status } from "../core/status.ts";
import { pvFactory, type PvDeviceOptions, type PvFactory } from "../motors/pv_device.ts";

export interface CameraOptions extends PvDeviceOptions {
  /** Put the frame in read() (shape [width × height]). @default false */
  readImage?: boolean;
  /** Time allowed beyond the exposure, ms. @default DEFAULT_EXPOSURE_EXTRA_TIMEOUT_MS */
  extraTimeoutMs?: number;
}

export const DEFAULT_EXPOSURE_EXTRA_TIMEOUT_MS = 10_000;

/** The stats plugin's results. */
export class CameraStats extends StandardReadable {
  readonly centroid_x: SignalR<number>;
  readonly centroid_y: SignalR<number>;
  readonly sigma_x: SignalR<number>;
  readonly sigma_y: SignalR<number>;
  readonly total: SignalR<number>;
  readonly max_value: SignalR<number>;

  constructor(pv: PvFactory, name = "") {
    super();
    const stat = (field: string) => pv.r<number>(`Stats1:${field}_RBV`, { datatype: "number" });
    this.centroid_x = stat("CentroidX");
    this.centroid_y = stat("CentroidY");
    this.sigma_x = stat("SigmaX");
    this.sigma_y = stat("SigmaY");
    this.total = stat("Total");
    this.max_value = stat("MaxValue");
    this.addReadables(Kind.hinted, [this.centroid_x, this.centroid_y, this.sigma_x, this.sigma_y, this.total, this.max_value]);
    this.setName(name);
  }
}

export class Camera extends StandardReadable implements Triggerable {
  readonly acquire: SignalW<number>;
  readonly acquire_time: SignalRW<number>;
  readonly array_counter: SignalR<number>;
  readonly size_x: SignalR<number>;
  readonly size_y: SignalR<number>;
  readonly image: SignalR<number[]>;
  readonly stats: CameraStats;
  readonly #extraTimeoutMs: number;

  constructor(options: CameraOptions) {
    super();
    const pv = pvFactory(options, "Camera");
    this.acquire = pv.w<number>("cam1:Acquire", { datatype: "integer" });
    this.acquire_time = pv.rw<number>("cam1:AcquireTime", { datatype: "number" });
    this.array_counter = pv.r<number>("cam1:ArrayCounter_RBV", { datatype: "integer" });
    this.size_x = pv.r<number>("cam1:ArraySizeX_RBV", { datatype: "integer" });
    this.size_y = pv.r<number>("cam1:ArraySizeY_RBV", { datatype: "integer" });
    this.image = pv.r<number[]>("image1:ArrayData", { datatype: "array" });
    this.stats = new CameraStats(pv);
    this.#extraTimeoutMs = options.extraTimeoutMs ?? DEFAULT_EXPOSURE_EXTRA_TIMEOUT_MS;
    this.addReadables(Kind.hinted, [this.stats]);
    this.addReadables(Kind.normal, options.readImage ? [this.array_counter, this.image] : [this.array_counter]);
    this.addReadables(Kind.config, [this.acquire_time, this.size_x, this.size_y]);
    this.setName(options.name ?? "");
  }

  /** Take one frame; completes when the frame and its statistics are in. */
  trigger(): Status {
    return new AsyncStatus(
      async () => {
        const seconds = await this.acquire_time.getValue();
        await this.acquire.set(1, { wait: true, timeoutMs: seconds * 1000 + this.#extraTimeoutMs });
      },
      { name: `${this.name}: acquire` },
    );
  }
}
