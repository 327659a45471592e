/**
 * The whole ring's orbit and correctors at once, as waveforms (what an orbit-feedback or an agent works on):
 * `<prefix>X`/`Y` (orbit at every BPM, mm), `RMS:X`/`RMS:Y`, `H:SP`/`V:SP` (corrector set-points, A),
 * `H:RB`/`V:RB`, `H:DRVL`/`H:DRVH`/`V:DRVL`/`V:DRVH` (per-corrector limits) and the element names
 * (`BPM:NAMES`, `H:NAMES`, `V:NAMES`). `set()` takes one vector, horizontal correctors first, and refuses it
 * (LimitError naming the corrector) before writing anything when any element is past its limit.
 */
import { InvalidArgumentError, LimitError } from "../../engine/errors.ts";
import type { HasLimits, Locatable, Location, SetOptions } from "../../engine/protocols.ts";
import type { SignalR, SignalRW } from "../core/signal.ts";
import { Kind, StandardReadable } from "../core/standard_readable.ts";
import { AsyncStatus, type Status } from "../core/status.ts";
import { pvFactory, type PvDeviceOptions } from "../motors/pv_device.ts";
import { waitForValue } from "../motors/wait.ts";

export interface OrbitSystemOptions extends PvDeviceOptions {
  /** A set is done when every readback is within this of its set-point, A. @default DEFAULT_ORBIT_TOLERANCE_A */
  tolerance?: number;
  /** Limit of a whole set (write and settle), ms. @default DEFAULT_ORBIT_SETTLE_TIMEOUT_MS */
  settleTimeoutMs?: number;
}

export const DEFAULT_ORBIT_TOLERANCE_A = 1e-3;
export const DEFAULT_ORBIT_SETTLE_TIMEOUT_MS = 10_000;

/** The orbit of both planes, mm, in BPM order. */
export interface Orbit {
  readonly x: number[];
  readonly y: number[];
}

type Vector = readonly number[];

export class OrbitSystem extends StandardReadable implements Locatable<number[]>, HasLimits {
  readonly x: SignalR<number[]>;
  readonly y: SignalR<number[]>;
  readonly rms_x: SignalR<number>;
  readonly rms_y: SignalR<number>;
  readonly h_setpoints: SignalRW<number[]>;
  readonly v_setpoints: SignalRW<number[]>;
  readonly h_readbacks: SignalR<number[]>;
  readonly v_readbacks: SignalR<number[]>;
  readonly h_low_limits: SignalR<number[]>;
  readonly h_high_limits: SignalR<number[]>;
  readonly v_low_limits: SignalR<number[]>;
  readonly v_high_limits: SignalR<number[]>;
  readonly bpm_names: SignalR<string[]>;
  readonly h_names: SignalR<string[]>;
  readonly v_names: SignalR<string[]>;
  readonly tolerance: number;
  readonly #settleTimeoutMs: number;

  constructor(options: OrbitSystemOptions) {
    super();
    const pv = pvFactory(options, "OrbitSystem");
    const array = { datatype: "array" } as const;
    this.x = pv.r<number[]>("X", array);
    this.y = pv.r<number[]>("Y", array);
    this.rms_x = pv.r<number>("RMS:X", { datatype: "number" });
    this.rms_y = pv.r<number>("RMS:Y", { datatype: "number" });
    this.h_setpoints = pv.rw<number[]>("H:SP", array);
    this.v_setpoints = pv.rw<number[]>("V:SP", array);
    this.h_readbacks = pv.r<number[]>("H:RB", array);
    this.v_readbacks = pv.r<number[]>("V:RB", array);
    this.h_low_limits = pv.r<number[]>("H:DRVL", array);
    this.h_high_limits = pv.r<number[]>("H:DRVH", array);
    this.v_low_limits = pv.r<number[]>("V:DRVL", array);
    this.v_high_limits = pv.r<number[]>("V:DRVH", array);
    this.bpm_names = pv.r<string[]>("BPM:NAMES", array);
    this.h_names = pv.r<string[]>("H:NAMES", array);
    this.v_names = pv.r<string[]>("V:NAMES", array);
    this.tolerance = options.tolerance ?? DEFAULT_ORBIT_TOLERANCE_A;
    if (!(this.tolerance >= 0)) throw new InvalidArgumentError(`OrbitSystem ${JSON.stringify(options.name ?? "")}: tolerance must be >= 0, got ${this.tolerance}`, this.tolerance);
    this.#settleTimeoutMs = options.settleTimeoutMs ?? DEFAULT_ORBIT_SETTLE_TIMEOUT_MS;
    this.addReadables(Kind.hinted, [this.rms_x, this.rms_y]);
    this.addReadables(Kind.normal, [this.x, this.y, this.h_setpoints, this.v_setpoints, this.h_readbacks, this.v_readbacks]);
    this.addReadables(Kind.config, [this.bpm_names, this.h_names, this.v_names, this.h_low_limits, this.h_high_limits, this.v_low_limits, this.v_high_limits]);
    this.setName(options.name ?? "");
  }

  /** The orbit now, mm. */
  async readOrbit(): Promise<Orbit> {
    const [x, y] = await Promise.all([this.x.getValue(), this.y.getValue()]);
    return { x, y };
  }

  /** Corrector names, horizontal first (the order `set()` and `locate()` use). */
  async correctorNames(): Promise<string[]> {
    const [h, v] = await Promise.all([this.h_names.getValue(), this.v_names.getValue()]);
    return [...h, ...v];
  }

  /** Per-corrector [low, high] limits, horizontal first. */
  async correctorLimits(): Promise<[number, number][]> {
    const [hl, hh, vl, vh] = await Promise.all([
      this.h_low_limits.getValue(),
      this.h_high_limits.getValue(),
      this.v_low_limits.getValue(),
      this.v_high_limits.getValue(),
    ]);
    return [...hl.map((l, i) => [l, hh[i]!] as [number, number]), ...vl.map((l, i) => [l, vh[i]!] as [number, number])];
  }

  /** The range every corrector accepts (the tightest of their limits), for checks that take one range. */
  async limits(): Promise<readonly [number, number]> {
    const all = await this.correctorLimits();
    return [Math.max(...all.map((l) => l[0])), Math.min(...all.map((l) => l[1]))];
  }

  async locate(): Promise<Location<number[]>> {
    const [hs, vs, hr, vr] = await Promise.all([
      this.h_setpoints.getValue(),
      this.v_setpoints.getValue(),
      this.h_readbacks.getValue(),
      this.v_readbacks.getValue(),
    ]);
    return { setpoint: [...hs, ...vs], readback: [...hr, ...vr] };
  }

  /**
   * Set every corrector: `currents` holds the horizontal ones, then the vertical ones, in A. Nothing is written
   * unless every element is finite and within its limits; the Status completes when every readback is within
   * `tolerance` of its set-point.
   */
  set(currents: Vector, options: SetOptions = {}): Status {
    const timeoutMs = options.timeoutMs ?? this.#settleTimeoutMs;
    return new AsyncStatus(
      async (abort) => {
        if (!Array.isArray(currents) && !ArrayBuffer.isView(currents))
          throw new InvalidArgumentError(`${this.name}: set needs an array of corrector currents, got ${JSON.stringify(currents)}`, currents);
        const values = Array.from(currents as ArrayLike<number>);
        const [names, limits, h] = await Promise.all([this.correctorNames(), this.correctorLimits(), this.h_names.getValue()]);
        if (values.length !== names.length)
          throw new InvalidArgumentError(`${this.name}: expected ${names.length} corrector currents (${h.length} horizontal, then ${names.length - h.length} vertical), got ${values.length}`, values.length);
        values.forEach((v, j) => {
          if (typeof v !== "number" || !Number.isFinite(v))
            throw new InvalidArgumentError(`${this.name}: current of ${names[j]} (element ${j}) must be a finite number, got ${JSON.stringify(v)}`, v);
          const [low, high] = limits[j]!;
          if (low < high && (v < low || v > high)) throw new LimitError(`${this.name}: ${names[j]} (element ${j})`, v, [low, high]);
        });
        const hv = values.slice(0, h.length);
        const vv = values.slice(h.length);
        await Promise.all([this.h_setpoints.set(hv, { wait: true, timeoutMs }), this.v_setpoints.set(vv, { wait: true, timeoutMs })]);
        const tol = this.tolerance;
        const near = (target: number[]) => (rb: number[]) => rb.length === target.length && rb.every((r, i) => Math.abs(r - target[i]!) <= tol);
        await Promise.all([
          waitForValue(this.h_readbacks, near(hv), { timeoutMs, abort, what: `${this.name}: horizontal readbacks settling` }),
          waitForValue(this.v_readbacks, near(vv), { timeoutMs, abort, what: `${this.name}: vertical readbacks settling` }),
        ]);
      },
      { name: `${this.name}: set ${Array.isArray(currents) ? currents.length : "?"} correctors`, timeoutMs },
    );
  }
}
