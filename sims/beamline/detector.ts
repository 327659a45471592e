import { InvalidArgumentError } from "../../engine/errors.ts";
import type { Rng } from "../math/rng.ts";

export interface CountingDetectorOptions {
  /** Fraction of incident photons detected. @default 0.1 */
  efficiency?: number;
  /** Counts per detected photon (amplifier and V/F gain). @default 1e-3 */
  gain?: number;
  /** Counts per second with no beam. @default 50 */
  darkCountsPerS?: number;
}

export const DEFAULT_COUNTING_DETECTOR: Required<CountingDetectorOptions> = { efficiency: 0.1, gain: 1e-3, darkCountsPerS: 50 };

/**
 * A detector read through a counter (ion chamber + V/F + scaler, or a diode): Poisson statistics of the
 * detected photons, a gain to counts, and dark counts. Counts scale with the acquire time.
 */
export class CountingDetector {
  readonly options: Required<CountingDetectorOptions>;

  constructor(
    readonly name: string,
    options: CountingDetectorOptions = {},
  ) {
    this.options = { ...DEFAULT_COUNTING_DETECTOR, ...options };
    for (const key of ["efficiency", "gain", "darkCountsPerS"] as const) {
      const v = this.options[key];
      if (!(v >= 0) || !Number.isFinite(v)) throw new InvalidArgumentError(`${name}.${key} must be a finite number >= 0, got ${v}`, v);
    }
  }

  /** Expected counts (no noise) for `photonsPerS` incident during `timeS`. */
  expected(photonsPerS: number, timeS: number): number {
    const o = this.options;
    return o.gain * o.efficiency * photonsPerS * timeS + o.darkCountsPerS * timeS;
  }

  /** One noisy reading. */
  count(photonsPerS: number, timeS: number, rng: Rng): number {
    if (!(timeS >= 0) || !Number.isFinite(timeS)) throw new InvalidArgumentError(`${this.name}: acquire time must be a finite number >= 0 s, got ${timeS}`, timeS);
    const o = this.options;
    return o.gain * rng.poisson(o.efficiency * photonsPerS * timeS) + rng.poisson(o.darkCountsPerS * timeS);
  }
}
