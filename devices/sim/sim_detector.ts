/**
 * Simulated point detectors: trigger() "exposes" for acquire_time (scaled by `timeScale`, so tests and
 * benchmarks run fast), then computes a value from input signals (a motor's readback) plus seeded noise.
 * The value is read under the detector's own name, as Bluesky's simulated `det` is.
 */
import { InvalidArgumentError } from "../../engine/errors.ts";
import type { Triggerable } from "../../engine/protocols.ts";
import { Rng } from "../core/random.ts";
import type { SignalR, SignalRW } from "../core/signal.ts";
import { softSignalRAndSetter, softSignalRW } from "../core/signal_factories.ts";
import { Kind, StandardReadable } from "../core/standard_readable.ts";
import { AsyncStatus, isPromiseLike, sleep, Status } from "../core/status.ts";
import { valueNow } from "./sim_motor.ts";

export const NoiseKind = {
  none: "none",
  /** Additive normal noise of standard deviation `noiseSigma`. */
  gaussian: "gaussian",
  /** Counting statistics: the value is a Poisson draw with the computed value as its mean. */
  poisson: "poisson",
} as const;
export type NoiseKind = (typeof NoiseKind)[keyof typeof NoiseKind];

export interface SimDetectorOptions {
  /** @default "" */
  name?: string;
  /** Signals whose values feed `compute`, in order (e.g. `motor.user_readback`). @default [] */
  inputs?: readonly SignalR<number>[];
  /** The noise-free value for the given input values. */
  compute: (inputs: readonly number[]) => number;
  /** @default "none" */
  noise?: NoiseKind;
  /** Standard deviation of gaussian noise. @default 1 */
  noiseSigma?: number;
  /** Seed of the noise; the same seed and positions give the same values. @default 0 */
  seed?: number | string;
  /** Exposure time in seconds (a config signal, `acquire_time`). @default 0.1 */
  acquireTime?: number;
  /** Multiplies simulated durations: 0 makes trigger() complete at once, with no timer. @default 1 */
  timeScale?: number;
  /** @default "counts" */
  units?: string;
  /** @default 3 */
  precision?: number;
}

export const DEFAULT_SIM_DETECTOR_OPTIONS = {
  name: "",
  noise: NoiseKind.none,
  noiseSigma: 1,
  seed: 0,
  acquireTime: 0.1,
  timeScale: 1,
  units: "counts",
  precision: 3,
} as const;

export class SimDetector extends StandardReadable implements Triggerable {
  readonly value: SignalR<number>;
  readonly acquire_time: SignalRW<number>;
  readonly #setValue: (v: number) => void;
  readonly #inputs: readonly SignalR<number>[];
  readonly #compute: (inputs: readonly number[]) => number;
  readonly #noise: NoiseKind;
  readonly #sigma: number;
  readonly #rng: Rng;
  readonly #timeScale: number;

  constructor(options: SimDetectorOptions) {
    super();
    const o = { ...DEFAULT_SIM_DETECTOR_OPTIONS, ...options };
    if (!Object.values(NoiseKind).includes(o.noise))
      throw new InvalidArgumentError(`unknown noise ${JSON.stringify(o.noise)}: use one of ${Object.values(NoiseKind).join(", ")}`, o.noise);
    if (!(o.timeScale >= 0)) throw new InvalidArgumentError(`timeScale must be >= 0, got ${o.timeScale}`, o.timeScale);
    if (!(o.acquireTime >= 0)) throw new InvalidArgumentError(`acquireTime must be >= 0, got ${o.acquireTime}`, o.acquireTime);
    [this.value, this.#setValue] = softSignalRAndSetter(0, { units: o.units, precision: o.precision });
    this.acquire_time = softSignalRW(o.acquireTime, { units: "s" });
    this.#inputs = o.inputs ?? [];
    this.#compute = o.compute;
    this.#noise = o.noise;
    this.#sigma = o.noiseSigma;
    this.#rng = new Rng(o.seed);
    this.#timeScale = o.timeScale;
    this.addReadables(Kind.hinted, [this.value]);
    this.addReadables(Kind.config, [this.acquire_time]);
    this.setName(o.name);
  }

  override setName(name: string): void {
    super.setName(name);
    this.value?.setName(name);
  }

  /** Expose, then compute the value from the inputs as they are at the end of the exposure. */
  trigger(): Status {
    const ms = valueNow(this.acquire_time) * 1000 * this.#timeScale;
    if (ms <= 0) {
      try {
        const done = this.#acquire();
        return isPromiseLike(done) ? new AsyncStatus(done, { name: `${this.name} trigger` }) : Status.done();
      } catch (err) {
        return Status.failed(err);
      }
    }
    return new AsyncStatus((signal) => sleep(ms, signal).then(() => this.#acquire()), { name: `${this.name} trigger` });
  }

  #acquire(): void | Promise<void> {
    const readings = this.#inputs.map((s) => s.currentReading());
    if (readings.some(isPromiseLike))
      return Promise.all(readings).then((rs) => this.#publish(rs.map((r) => r.value)));
    this.#publish(readings.map((r) => (r as { value: number }).value));
  }

  #publish(inputs: readonly number[]): void {
    const clean = this.#compute(inputs);
    let v = clean;
    if (this.#noise === NoiseKind.gaussian) v = clean + this.#rng.gaussian(0, this.#sigma);
    else if (this.#noise === NoiseKind.poisson) v = this.#rng.poisson(Math.max(0, clean));
    this.#setValue(v);
  }
}

export const PeakShape = { gaussian: "gaussian", lorentzian: "lorentzian" } as const;
export type PeakShape = (typeof PeakShape)[keyof typeof PeakShape];

export interface SimPeakDetectorOptions extends Omit<SimDetectorOptions, "inputs" | "compute"> {
  /** The position the peak is a function of: a motor (its readback) or any number signal. */
  motor: SignalR<number> | { readonly user_readback: SignalR<number> };
  /** @default 0 */
  center?: number;
  /** Gaussian: standard deviation; Lorentzian: half width at half maximum. @default 1 */
  width?: number;
  /** Height of the peak above the background. @default 1000 */
  amplitude?: number;
  /** @default 0 */
  background?: number;
  /** @default "gaussian" */
  shape?: PeakShape;
}

/** The noise-free peak value at `x`. */
export function peakValue(shape: PeakShape, x: number, center: number, width: number, amplitude: number, background: number): number {
  const u = (x - center) / width;
  return background + amplitude * (shape === PeakShape.lorentzian ? 1 / (1 + u * u) : Math.exp(-0.5 * u * u));
}

/**
 * A detector whose value is a peak in a motor's position: the classic target of peak-finding scans. Center,
 * width and amplitude are config signals, so a test (or an agent's environment) can move the peak.
 */
export class SimPeakDetector extends SimDetector {
  readonly center: SignalRW<number>;
  readonly width: SignalRW<number>;
  readonly amplitude: SignalRW<number>;

  constructor(options: SimPeakDetectorOptions) {
    const { motor, center = 0, width = 1, amplitude = 1000, background = 0, shape = PeakShape.gaussian, ...rest } = options;
    if (!(width > 0)) throw new InvalidArgumentError(`peak width must be > 0, got ${width}`, width);
    if (!Object.values(PeakShape).includes(shape))
      throw new InvalidArgumentError(`unknown peak shape ${JSON.stringify(shape)}: use gaussian or lorentzian`, shape);
    const position = "user_readback" in motor ? motor.user_readback : motor;
    const params: { self?: SimPeakDetector } = {};
    super({
      ...rest,
      inputs: [position],
      compute: ([x]) => {
        const d = params.self!;
        return peakValue(shape, x!, valueNow(d.center), valueNow(d.width), valueNow(d.amplitude), background);
      },
    });
    params.self = this;
    this.center = softSignalRW(center);
    this.width = softSignalRW(width);
    this.amplitude = softSignalRW(amplitude);
    this.addReadables(Kind.config, [this.center, this.width, this.amplitude]);
    this.setName(options.name ?? "");
  }
}
