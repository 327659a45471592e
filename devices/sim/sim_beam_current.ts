/**
 * A simulated storage-ring beam current: decays with the beam lifetime and, in top-up mode, is refilled to
 * its nominal value every top-up period; optional seeded noise. Computed when read, so it needs no timer.
 */
import { InvalidArgumentError } from "../../engine/errors.ts";
import { computedSignalR } from "../core/computed_signal_backend.ts";
import { Rng } from "../core/random.ts";
import type { SignalR } from "../core/signal.ts";
import { Kind, StandardReadable } from "../core/standard_readable.ts";

export interface SimBeamCurrentOptions {
  /** @default "" */
  name?: string;
  /** Current right after injection, in mA. @default 300 */
  current?: number;
  /** Beam lifetime (1/e decay time), in hours. @default 10 */
  lifetimeHours?: number;
  /** Top-up period in seconds; 0 means decay mode (no refills). @default 60 */
  topUpPeriodS?: number;
  /** Standard deviation of the reading noise, in mA. @default 0 */
  noiseSigma?: number;
  /** @default 0 */
  seed?: number | string;
  /** The clock, in ms; tests pass a fake one. @default performance.now */
  clock?: () => number;
  /** @default "mA" */
  units?: string;
}

export const DEFAULT_SIM_BEAM_CURRENT_OPTIONS = {
  name: "",
  current: 300,
  lifetimeHours: 10,
  topUpPeriodS: 60,
  noiseSigma: 0,
  seed: 0,
  units: "mA",
} as const;

/** The noise-free current `t` seconds after the first injection. */
export function beamCurrentAt(t: number, current: number, lifetimeHours: number, topUpPeriodS: number): number {
  const since = topUpPeriodS > 0 ? ((t % topUpPeriodS) + topUpPeriodS) % topUpPeriodS : Math.max(0, t);
  return current * Math.exp(-since / (lifetimeHours * 3600));
}

export class SimBeamCurrent extends StandardReadable {
  readonly current: SignalR<number>;

  constructor(options: SimBeamCurrentOptions = {}) {
    super();
    const o = { ...DEFAULT_SIM_BEAM_CURRENT_OPTIONS, ...options };
    if (!(o.lifetimeHours > 0)) throw new InvalidArgumentError(`lifetimeHours must be > 0, got ${o.lifetimeHours}`, o.lifetimeHours);
    if (!(o.topUpPeriodS >= 0)) throw new InvalidArgumentError(`topUpPeriodS must be >= 0, got ${o.topUpPeriodS}`, o.topUpPeriodS);
    const clock = o.clock ?? (() => performance.now());
    const start = clock();
    const rng = new Rng(o.seed);
    this.current = computedSignalR(
      () => {
        const clean = beamCurrentAt((clock() - start) / 1000, o.current, o.lifetimeHours, o.topUpPeriodS);
        return o.noiseSigma > 0 ? clean + rng.gaussian(0, o.noiseSigma) : clean;
      },
      { units: o.units, precision: 3 },
    );
    this.addReadables(Kind.hinted, [this.current]);
    this.setName(o.name);
  }

  override setName(name: string): void {
    super.setName(name);
    this.current?.setName(name);
  }
}
