/**
 * A small seeded random number generator, so simulated noise is the same on every run with the same seed
 * (tests assert exact values; sims reuse it for drifts and perturbations). mulberry32: 32 bits of state,
 * fast, and good enough for simulation noise; not for cryptography.
 */
import { InvalidArgumentError } from "../../engine/errors.ts";

/** A generator of uniform numbers in [0, 1) from a 32-bit seed. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A 32-bit seed from a string (FNV-1a), so seeds can be names such as a device name. */
export function hashSeed(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Uniform, normal and Poisson draws from one seeded stream. */
export class SeededRandom {
  readonly seed: number;
  #next: () => number;
  #spare: number | undefined;

  constructor(seed: number | string = 0) {
    if (typeof seed === "number" && !Number.isFinite(seed))
      throw new InvalidArgumentError(`random seed must be a finite number or a string, got ${seed}`, seed);
    this.seed = typeof seed === "string" ? hashSeed(seed) : seed >>> 0;
    this.#next = mulberry32(this.seed);
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.#next();
  }

  /** Uniform in [low, high). */
  uniform(low = 0, high = 1): number {
    return low + (high - low) * this.#next();
  }

  /** An integer in [low, high] (both included). */
  integer(low: number, high: number): number {
    return low + Math.floor(this.#next() * (high - low + 1));
  }

  /** Normal (Gaussian) draw; Box-Muller, keeping the second value of each pair. */
  normal(mean = 0, sd = 1): number {
    if (this.#spare !== undefined) {
      const z = this.#spare;
      this.#spare = undefined;
      return mean + sd * z;
    }
    let u = 0;
    while (u === 0) u = this.#next();
    const v = this.#next();
    const r = Math.sqrt(-2 * Math.log(u));
    this.#spare = r * Math.sin(2 * Math.PI * v);
    return mean + sd * r * Math.cos(2 * Math.PI * v);
  }

  /**
   * Poisson draw with mean `lambda`: exact (Knuth) for small means, the normal approximation above 30, where
   * counting noise is indistinguishable from it and Knuth's loop gets slow.
   */
  poisson(lambda: number): number {
    if (!(lambda > 0)) return 0;
    if (lambda > 30) return Math.max(0, Math.round(this.normal(lambda, Math.sqrt(lambda))));
    const limit = Math.exp(-lambda);
    let k = 0;
    let p = this.#next();
    while (p > limit) {
      k++;
      p *= this.#next();
    }
    return k;
  }

  /** An independent stream derived from this seed and a label (one per device, say). */
  fork(label: string): SeededRandom {
    return new SeededRandom((hashSeed(label) ^ Math.imul(this.seed, 0x9e3779b1)) >>> 0);
  }
}
