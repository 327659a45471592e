/**
 * A simulated area detector with a file writer, after ophyd-async's StandardDetector: each frame (a
 * gaussian spot whose column follows an input position, plus seeded noise) is appended as raw little-endian
 * float32 to one file per staging, with a JSON sidecar saying how to read it. The frames reach the documents
 * as external data:
 * - `assets: "stream"` (ophyd-async): the image key is described `external: "STREAM:"` and is not in the
 *   events; `collectAssetDocs()` yields a stream_resource for the file, then a stream_datum per batch of new
 *   frames.
 * - `assets: "filestore"` (the older ophyd path): the image key is described `external: "FILESTORE:"`, read()
 *   gives the datum id of the latest frame, and `collectAssetDocs()` yields a resource for the file, then a
 *   datum per frame.
 * The frame's sum is an ordinary hinted reading. Used in a step scan (stage, trigger, read) or flown
 * (prepare(frames), kickoff, complete, collect: one event-page row per frame).
 */
import { randomUUID } from "node:crypto";
import { mkdirSync } from "node:fs";
import { open, writeFile } from "node:fs/promises";
import type { FileHandle } from "node:fs/promises";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { IllegalMessageSequenceError, InvalidArgumentError } from "../../engine/errors.ts";
import type {
  Asset,
  CollectedPage,
  Collectable,
  DataKey,
  Flyable,
  Preparable,
  Reading,
  Triggerable,
  WritesExternalAssets,
} from "../../engine/protocols.ts";
import { Rng } from "../core/random.ts";
import type { SignalR, SignalRW } from "../core/signal.ts";
import { softSignalRAndSetter, softSignalRW } from "../core/signal_factories.ts";
import { nowSeconds } from "../core/soft_signal_backend.ts";
import { Kind, StandardReadable } from "../core/standard_readable.ts";
import { AsyncStatus, sleep, Status } from "../core/status.ts";
import { valueNow } from "./sim_motor.ts";

export const CameraAssets = {
  /** stream_resource / stream_datum (ophyd-async). */
  stream: "stream",
  /** resource / datum, the datum id in the event (older ophyd). */
  filestore: "filestore",
} as const;
export type CameraAssets = (typeof CameraAssets)[keyof typeof CameraAssets];

/** The mimetype of the frame files (stream resources) and the spec of their resources (filestore). */
export const RAW_FLOAT32_MIMETYPE = "application/x-skyloop-raw-float32";
export const RAW_FLOAT32_SPEC = "SKYLOOP_RAW_FLOAT32";

export interface SimCameraWriterOptions {
  /** @default "" */
  name?: string;
  /** Where frame files go (created when missing). */
  directory: string;
  /** @default 16 */
  width?: number;
  /** @default 12 */
  height?: number;
  /** @default "stream" */
  assets?: CameraAssets;
  /** The position the spot follows (a motor or a number signal); without one the spot stays centred. */
  motor?: SignalR<number> | { readonly user_readback: SignalR<number> };
  /** Pixels the spot moves per unit of the position. @default 2 */
  pixelsPerUnit?: number;
  /** Spot height above the background, counts. @default 100 */
  amplitude?: number;
  /** Spot standard deviation, pixels. @default 2 */
  spotSigma?: number;
  /** Standard deviation of the per-pixel gaussian noise. @default 0 */
  noiseSigma?: number;
  /** @default 0 */
  seed?: number | string;
  /** Exposure per frame, seconds (config signal `acquire_time`). @default 0.01 */
  acquireTime?: number;
  /** Multiplies simulated durations; 0 makes every exposure instant. @default 1 */
  timeScale?: number;
}

export const DEFAULT_SIM_CAMERA_WRITER_OPTIONS = {
  name: "",
  width: 16,
  height: 12,
  assets: CameraAssets.stream,
  pixelsPerUnit: 2,
  amplitude: 100,
  spotSigma: 2,
  noiseSigma: 0,
  seed: 0,
  acquireTime: 0.01,
  timeScale: 1,
} as const;

/** The file of one staging (or one fly), and what has been said about it in documents. */
interface FrameFile {
  readonly path: string;
  readonly handle: FileHandle;
  readonly resourceUid: string;
  frames: number;
  /** Frames already covered by stream datums or datums. */
  announced: number;
  resourceEmitted: boolean;
  /** Rows of flown frames not yet collected as event pages: time and sum. */
  readonly pending: { time: number; sum: number }[];
}

export class SimCameraWriter
  extends StandardReadable
  implements Triggerable, Flyable, Preparable, Collectable, WritesExternalAssets
{
  readonly sum: SignalR<number>;
  readonly acquire_time: SignalRW<number>;
  readonly directory: string;
  readonly width: number;
  readonly height: number;
  readonly assets: CameraAssets;
  readonly #setSum: (v: number) => void;
  readonly #position: SignalR<number> | undefined;
  readonly #o: Required<Omit<SimCameraWriterOptions, "motor" | "directory" | "name">>;
  readonly #rng: Rng;
  #file: FrameFile | undefined;
  /** The file of the last staging or fly, kept after closing so its documents can still be collected. */
  #last: FrameFile | undefined;
  #opening: Promise<FrameFile> | undefined;
  #flyFrames = 0;
  #flight: Promise<void> | undefined;
  #flightAbort: AbortController | undefined;
  #staged = false;

  constructor(options: SimCameraWriterOptions) {
    super();
    const o = { ...DEFAULT_SIM_CAMERA_WRITER_OPTIONS, ...options };
    if (typeof o.directory !== "string" || o.directory.length === 0)
      throw new InvalidArgumentError(`a camera needs a directory for its frames, got ${JSON.stringify(o.directory)}`, o.directory);
    for (const k of ["width", "height"] as const)
      if (!Number.isInteger(o[k]) || o[k] < 1) throw new InvalidArgumentError(`${k} must be a positive integer, got ${o[k]}`, o[k]);
    if (!Object.values(CameraAssets).includes(o.assets))
      throw new InvalidArgumentError(`unknown assets ${JSON.stringify(o.assets)}: use ${Object.values(CameraAssets).join(" or ")}`, o.assets);
    if (!(o.spotSigma > 0)) throw new InvalidArgumentError(`spotSigma must be > 0, got ${o.spotSigma}`, o.spotSigma);
    if (!(o.timeScale >= 0)) throw new InvalidArgumentError(`timeScale must be >= 0, got ${o.timeScale}`, o.timeScale);
    this.directory = resolve(o.directory);
    this.width = o.width;
    this.height = o.height;
    this.assets = o.assets;
    const { motor, directory: _d, name: _n, ...rest } = o;
    this.#o = rest as Required<Omit<SimCameraWriterOptions, "motor" | "directory" | "name">>;
    this.#position = motor === undefined ? undefined : "user_readback" in motor ? motor.user_readback : motor;
    this.#rng = new Rng(o.seed);
    [this.sum, this.#setSum] = softSignalRAndSetter(0, { units: "counts", precision: 1 });
    this.acquire_time = softSignalRW(o.acquireTime, { units: "s" });
    this.addReadables(Kind.hinted, [this.sum]);
    this.addReadables(Kind.config, [this.acquire_time]);
    this.setName(o.name);
  }

  /** The image's data key: the camera's own name, as ophyd-async detectors name theirs. */
  get imageKey(): string {
    return this.name;
  }

  /** Frames written to the current (or last) file. */
  get framesWritten(): number {
    return (this.#file ?? this.#last)?.frames ?? 0;
  }

  /** The current (or last) frame file. */
  get filePath(): string | undefined {
    return (this.#file ?? this.#last)?.path;
  }

  #imageDataKey(): DataKey {
    return {
      dtype: "array",
      dtype_numpy: "<f4",
      shape: [this.height, this.width],
      source: `sim://${this.name}/image`,
      units: "counts",
      external: this.assets === CameraAssets.stream ? "STREAM:" : "FILESTORE:",
    };
  }

  override async describe(): Promise<Record<string, DataKey>> {
    return { [this.imageKey]: this.#imageDataKey(), ...(await super.describe()) };
  }

  override async read(): Promise<Record<string, Reading>> {
    const base = await super.read();
    if (this.assets === CameraAssets.stream) return base;
    const f = this.#file ?? this.#last;
    if (f === undefined || f.frames === 0)
      throw new IllegalMessageSequenceError(`${this.name}: read() before any frame was taken: trigger it first`);
    return { [this.imageKey]: { value: datumId(f, f.frames - 1), timestamp: base[this.sum.name]!.timestamp }, ...base };
  }

  /** Opens a new frame file: every staging is one resource. */
  override async stage(): Promise<void> {
    await super.stage();
    if (this.#staged) return;
    this.#staged = true;
    await this.#openFile();
  }

  override async unstage(): Promise<void> {
    this.#staged = false;
    this.#flightAbort?.abort(new IllegalMessageSequenceError(`${this.name}: unstaged while flying`));
    await this.#flight?.catch(() => undefined);
    await this.#closeFile();
    await super.unstage();
  }

  /** One exposure: wait the acquire time, then compute and append the frame. */
  trigger(): Status {
    const ms = valueNow(this.acquire_time) * 1000 * this.#o.timeScale;
    const take = async (signal?: AbortSignal) => {
      if (ms > 0) await sleep(ms, signal);
      await this.#takeFrame(false);
    };
    return new AsyncStatus((signal) => take(signal), { name: `${this.name} trigger` });
  }

  /** `prepare(frames)`: how many frames the next kickoff takes. */
  prepare(frames: unknown): Status {
    if (typeof frames !== "number" || !Number.isInteger(frames) || frames < 1)
      return Status.failed(new InvalidArgumentError(`${this.name}: prepare needs a positive whole number of frames, got ${JSON.stringify(frames)}`, frames));
    this.#flyFrames = frames;
    return Status.done();
  }

  /** Starts free-running acquisition of the prepared number of frames; done once it has started. */
  kickoff(): Status {
    if (this.#flyFrames < 1)
      return Status.failed(new IllegalMessageSequenceError(`${this.name}: kickoff before prepare(frames)`));
    if (this.#flight !== undefined) return Status.failed(new IllegalMessageSequenceError(`${this.name}: kickoff while already flying`));
    const frames = this.#flyFrames;
    const ac = new AbortController();
    this.#flightAbort = ac;
    const started = this.#staged ? Promise.resolve() : this.#openFile().then(() => undefined);
    this.#flight = started.then(async () => {
      for (let i = 0; i < frames; i++) {
        const ms = valueNow(this.acquire_time) * 1000 * this.#o.timeScale;
        if (ms > 0) await sleep(ms, ac.signal);
        if (ac.signal.aborted) throw ac.signal.reason;
        await this.#takeFrame(true);
      }
      if (!this.#staged) await this.#closeFile();
    });
    this.#flight.catch(() => undefined);
    return new AsyncStatus(started, { name: `${this.name} kickoff` });
  }

  /** Done when the flight's last frame is written. */
  complete(): Status {
    const flight = this.#flight;
    if (flight === undefined) return Status.failed(new IllegalMessageSequenceError(`${this.name}: complete without kickoff`));
    return new AsyncStatus(
      flight.finally(() => {
        this.#flight = undefined;
        this.#flightAbort = undefined;
      }),
      { name: `${this.name} complete` },
    );
  }

  async describeCollect(): Promise<Record<string, DataKey>> {
    return this.describe();
  }

  /** The frames since the last collect, one row each: the image (a datum id, in filestore mode) and its sum. */
  async *collectPages(): AsyncIterable<CollectedPage> {
    const f = this.#file ?? this.#last;
    if (f === undefined || f.pending.length === 0) return;
    const rows = f.pending.splice(0);
    const first = f.frames - rows.length;
    const time = rows.map((r) => r.time);
    const data: Record<string, unknown[]> = { [this.sum.name]: rows.map((r) => r.sum) };
    if (this.assets === CameraAssets.filestore) data[this.imageKey] = rows.map((_, i) => datumId(f, first + i));
    yield { time, data, timestamps: Object.fromEntries(Object.keys(data).map((k) => [k, time])) };
  }

  /** The documents for the frames written since the last call (the resource first, once per file). */
  *collectAssetDocs(): Iterable<Asset> {
    const f = this.#file ?? this.#last;
    if (f === undefined || f.frames === f.announced) return;
    if (!f.resourceEmitted) {
      f.resourceEmitted = true;
      yield this.assets === CameraAssets.stream
        ? [
            "stream_resource",
            {
              uid: f.resourceUid,
              data_key: this.imageKey,
              mimetype: RAW_FLOAT32_MIMETYPE,
              uri: pathToFileURL(f.path).href,
              parameters: this.#fileParameters(f),
            },
          ]
        : [
            "resource",
            {
              uid: f.resourceUid,
              spec: RAW_FLOAT32_SPEC,
              root: this.directory,
              resource_path: f.path.slice(this.directory.length + 1),
              resource_kwargs: this.#fileParameters(f),
              path_semantics: "posix",
            },
          ];
    }
    const from = f.announced;
    f.announced = f.frames;
    if (this.assets === CameraAssets.stream) {
      yield [
        "stream_datum",
        {
          uid: `${f.resourceUid}/${from}`,
          stream_resource: f.resourceUid,
          descriptor: "",
          indices: { start: from, stop: f.frames },
          seq_nums: { start: 0, stop: 0 },
        },
      ];
      return;
    }
    for (let i = from; i < f.frames; i++) {
      yield ["datum", { datum_id: datumId(f, i), resource: f.resourceUid, datum_kwargs: { frame: i } }];
    }
  }

  #fileParameters(f: FrameFile): Record<string, unknown> {
    return {
      dtype_numpy: "<f4",
      frame_shape: [this.height, this.width],
      frame_bytes: this.width * this.height * 4,
      sidecar: sidecarPath(f.path),
    };
  }

  /** One frame: spot at the input position, appended to the file; the sum becomes the reading. */
  async #takeFrame(flying: boolean): Promise<void> {
    const f = this.#file ?? (this.#opening === undefined ? undefined : await this.#opening);
    if (f === undefined) throw new IllegalMessageSequenceError(`${this.name}: triggered while not staged: stage it first`);
    const { width, height } = this;
    const x0 = width / 2 + (this.#position === undefined ? 0 : valueNow(this.#position) * this.#o.pixelsPerUnit);
    const y0 = height / 2;
    const frame = new Float32Array(width * height);
    const s2 = 2 * this.#o.spotSigma * this.#o.spotSigma;
    let sum = 0;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        let v = this.#o.amplitude * Math.exp(-((x - x0) ** 2 + (y - y0) ** 2) / s2);
        if (this.#o.noiseSigma > 0) v += this.#rng.gaussian(0, this.#o.noiseSigma);
        frame[y * width + x] = v;
        sum += frame[y * width + x]!;
      }
    }
    const index = f.frames;
    await f.handle.write(new Uint8Array(frame.buffer), 0, frame.byteLength, index * frame.byteLength);
    f.frames = index + 1;
    this.#setSum(sum);
    if (flying) f.pending.push({ time: nowSeconds(), sum });
  }

  #openFile(): Promise<FrameFile> {
    this.#opening ??= (async () => {
      mkdirSync(this.directory, { recursive: true });
      const resourceUid = randomUUID();
      const path = join(this.directory, `${this.name || "camera"}_${resourceUid}.raw`);
      const handle = await open(path, "w");
      const f: FrameFile = { path, handle, resourceUid, frames: 0, announced: 0, resourceEmitted: false, pending: [] };
      await this.#writeSidecar(f);
      this.#file = f;
      this.#last = f;
      return f;
    })().finally(() => {
      this.#opening = undefined;
    });
    return this.#opening;
  }

  async #closeFile(): Promise<void> {
    const f = this.#file;
    if (f === undefined) return;
    this.#file = undefined;
    await f.handle.close();
    await this.#writeSidecar(f);
  }

  #writeSidecar(f: FrameFile): Promise<void> {
    const sidecar = { dtype_numpy: "<f4", frame_shape: [this.height, this.width], frames: f.frames, order: "C" };
    return writeFile(sidecarPath(f.path), JSON.stringify(sidecar) + "\n");
  }
}

function sidecarPath(path: string): string {
  return path.replace(/\.raw$/, ".json");
}

function datumId(f: FrameFile, frame: number): string {
  return `${f.resourceUid}/${frame}`;
}

/** Reads frame `index` of a raw float32 frame file written by SimCameraWriter (for tests and tools). */
export async function readRawFrame(path: string, index: number, width: number, height: number): Promise<Float32Array> {
  const bytes = width * height * 4;
  const handle = await open(path, "r");
  try {
    const buf = new Uint8Array(bytes);
    const { bytesRead } = await handle.read(buf, 0, bytes, index * bytes);
    if (bytesRead !== bytes)
      throw new InvalidArgumentError(`${path}: frame ${index} is not in the file (read ${bytesRead} of ${bytes} bytes)`, index);
    return new Float32Array(buf.buffer);
  } finally {
    await handle.close();
  }
}
