/**
 * The one seeded random number generator of skyloop: simulated devices here and the simulators and agents
 * (through `sims/math`) draw from it, so a run is reproducible from one seed. It lives in `devices/` because
 * devices may not import `sims/`, while sims and agents may import devices.
 */
import { InvalidArgumentError } from "../../engine/errors.ts";

const TWO_POW_32 = 4294967296;

/** 32-bit mixing (murmur3 finaliser): spreads nearby seeds over the whole state space. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** FNV-1a of a label, so derived streams are named rather than numbered. */
function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** A seed as two 32-bit words: integers up to 2^53 keep all their bits, strings are hashed. */
function seedWords(seed: number | string): [number, number] {
  if (typeof seed === "string") return [hashString(seed), fmix32(hashString(seed) ^ 0x9e3779b9)];
  if (!Number.isFinite(seed) || !Number.isInteger(seed)) {
    throw new InvalidArgumentError(`seed must be a finite integer or a string, got ${String(seed)}`, seed);
  }
  const lo = Math.abs(seed) % TWO_POW_32;
  const hi = Math.floor(Math.abs(seed) / TWO_POW_32) + (seed < 0 ? 0x80000000 : 0);
  return [lo >>> 0, hi >>> 0];
}

/** Ziggurat tables (Marsaglia & Tsang, 128 layers) for the standard normal. */
const ZIG_R = 3.442619855899;
const ZIG_KN = new Float64Array(128);
const ZIG_WN = new Float64Array(128);
const ZIG_FN = new Float64Array(128);
{
  const m1 = 2147483648;
  const vn = 9.91256303526217e-3;
  let dn = ZIG_R;
  let tn = dn;
  const q = vn / Math.exp(-0.5 * dn * dn);
  ZIG_KN[0] = (dn / q) * m1;
  ZIG_KN[1] = 0;
  ZIG_WN[0] = q / m1;
  ZIG_WN[127] = dn / m1;
  ZIG_FN[0] = 1;
  ZIG_FN[127] = Math.exp(-0.5 * dn * dn);
  for (let i = 126; i >= 1; i--) {
    dn = Math.sqrt(-2 * Math.log(vn / dn + Math.exp(-0.5 * dn * dn)));
    ZIG_KN[i + 1] = (dn / tn) * m1;
    tn = dn;
    ZIG_FN[i] = Math.exp(-0.5 * dn * dn);
    ZIG_WN[i] = dn / m1;
  }
}

/**
 * ln k! for an integer k >= 0, as Poisson rejection needs it: summed logs below 20, Stirling's series above,
 * where its error is below 1e-12.
 */
const LN_FACTORIAL_TABLE: readonly number[] = (() => {
  const t = [0];
  for (let k = 1; k < 20; k++) t.push(t[k - 1]! + Math.log(k));
  return t;
})();
function lnFactorial(k: number): number {
  if (k < LN_FACTORIAL_TABLE.length) return LN_FACTORIAL_TABLE[k]!;
  const k2 = k * k;
  return k * Math.log(k) - k + 0.5 * Math.log(2 * Math.PI * k) + (1 / 12 - (1 / 360 - 1 / (1260 * k2)) / k2) / k;
}

/** A saved generator state; `Rng.restore` continues the sequence exactly where `save` left it. */
export interface RngState {
  readonly seed: number | string;
  readonly words: readonly [number, number, number, number];
}

/**
 * Seeded pseudo-random numbers: xoshiro128** (period 2^128 − 1), seeded through splitmix32.
 * Every simulator draws from its own instances so that a run is reproducible from one seed, and
 * `derive(label)` gives independent streams that do not shift when another stream draws more numbers.
 */
export class Rng {
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;

  constructor(readonly seed: number | string = 1) {
    const [lo, hi] = seedWords(seed);
    let x = fmix32(lo ^ fmix32(hi ^ 0x6a09e667));
    const next = (): number => {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
      z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
      return (z ^ (z >>> 15)) >>> 0;
    };
    // Kept as signed int32 so the engine stores the state as small integers, not boxed doubles.
    this.s0 = next() | 0;
    this.s1 = next() | 0;
    this.s2 = next() | 0;
    this.s3 = next() | 0;
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** An independent generator named by `label`, determined only by this generator's seed and the label. */
  derive(label: string): Rng {
    return new Rng(`${typeof this.seed}:${String(this.seed)}/${label}`);
  }

  /** The next raw 32-bit unsigned integer. */
  nextUint32(): number {
    const s1 = this.s1;
    const r = Math.imul(s1, 5);
    const result = Math.imul((r << 7) | (r >>> 25), 9) >>> 0;
    const t = s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = (this.s3 << 11) | (this.s3 >>> 21);
    return result;
  }

  /** Uniform on the open interval (0, 1): never exactly 0, so `Math.log(uniform())` is always finite. */
  uniform(): number {
    return (this.nextUint32() + 0.5) / TWO_POW_32;
  }

  /** Uniform on (lo, hi). */
  uniformIn(lo: number, hi: number): number {
    return lo + (hi - lo) * this.uniform();
  }

  /** A uniform integer in [0, n). */
  int(n: number): number {
    if (!Number.isInteger(n) || n <= 0 || n > TWO_POW_32) {
      throw new InvalidArgumentError(`int(n) needs an integer 1 <= n <= 2^32, got ${n}`, n);
    }
    return Math.floor(this.uniform() * n);
  }

  /**
   * Normal deviate by the ziggurat method: one table comparison in 98.8% of draws, which keeps BPM noise on
   * hundreds of channels cheap. The layer index comes from a second draw so value and layer are independent.
   */
  gaussian(mean = 0, sigma = 1): number {
    for (;;) {
      const hz = this.nextUint32() | 0;
      const iz = this.nextUint32() & 127;
      if (Math.abs(hz) < ZIG_KN[iz]!) return mean + sigma * hz * ZIG_WN[iz]!;
      const x = hz * ZIG_WN[iz]!;
      if (iz === 0) {
        let tail: number;
        let y: number;
        do {
          tail = -Math.log(this.uniform()) / ZIG_R;
          y = -Math.log(this.uniform());
        } while (y + y < tail * tail);
        return mean + sigma * (hz > 0 ? ZIG_R + tail : -ZIG_R - tail);
      }
      if (ZIG_FN[iz]! + this.uniform() * (ZIG_FN[iz - 1]! - ZIG_FN[iz]!) < Math.exp(-0.5 * x * x)) return mean + sigma * x;
    }
  }

  /** Fills `out` with normal deviates and returns it. */
  fillGaussian(out: Float64Array, mean = 0, sigma = 1): Float64Array {
    for (let i = 0; i < out.length; i++) out[i] = this.gaussian(mean, sigma);
    return out;
  }

  /**
   * A Poisson-distributed count with mean `lambda`: multiplication of uniforms below 10, Hörmann's
   * transformed rejection (PTRS) above, which is exact and takes about one uniform pair at any mean.
   */
  poisson(lambda: number): number {
    if (!(lambda >= 0) || !Number.isFinite(lambda)) {
      throw new InvalidArgumentError(`poisson(lambda) needs a finite lambda >= 0, got ${lambda}`, lambda);
    }
    if (lambda === 0) return 0;
    if (lambda < 10) {
      const limit = Math.exp(-lambda);
      let k = 0;
      let p = this.uniform();
      while (p > limit) {
        k++;
        p *= this.uniform();
      }
      return k;
    }
    const slam = Math.sqrt(lambda);
    const logLam = Math.log(lambda);
    const b = 0.931 + 2.53 * slam;
    const a = -0.059 + 0.02483 * b;
    const invAlpha = 1.1239 + 1.1328 / (b - 3.4);
    const vr = 0.9277 - 3.6224 / (b - 2);
    for (;;) {
      const u = this.uniform() - 0.5;
      const v = this.uniform();
      const us = 0.5 - Math.abs(u);
      const k = Math.floor(((2 * a) / us + b) * u + lambda + 0.43);
      if (us >= 0.07 && v <= vr) return k;
      if (k < 0 || (us < 0.013 && v > us)) continue;
      if (Math.log(v) + Math.log(invAlpha) - Math.log(a / (us * us) + b) <= -lambda + k * logLam - lnFactorial(k)) {
        return k;
      }
    }
  }

  save(): RngState {
    return { seed: this.seed, words: [this.s0, this.s1, this.s2, this.s3] };
  }

  static restore(state: RngState): Rng {
    const rng = new Rng(state.seed);
    [rng.s0, rng.s1, rng.s2, rng.s3] = state.words.map((w) => w | 0) as [number, number, number, number];
    return rng;
  }
}
