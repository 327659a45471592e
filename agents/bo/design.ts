import { InvalidArgumentError } from "../../engine/errors.ts";
import type { Rng } from "../../sims/math/index.ts";

const PRIMES = [2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71];

function radicalInverse(index: number, base: number): number {
  let result = 0;
  let f = 1 / base;
  for (let i = index; i > 0; i = Math.floor(i / base)) {
    result += f * (i % base);
    f /= base;
  }
  return result;
}

/**
 * A space-filling design in the unit cube: the Halton sequence with a random shift (Cranley–Patterson
 * rotation) drawn from `rng`, so points spread evenly like a Sobol sequence yet differ from seed to seed.
 * `point(i)` is deterministic for a given shift; the sequence can be extended without repeating itself.
 */
export class ShiftedHalton {
  private readonly shift: Float64Array;

  constructor(
    readonly dim: number,
    rng: Rng,
  ) {
    if (!Number.isInteger(dim) || dim < 1 || dim > PRIMES.length) {
      throw new InvalidArgumentError(`a Halton design supports 1..${PRIMES.length} dimensions, got ${dim}`, dim);
    }
    this.shift = Float64Array.from({ length: dim }, () => rng.uniform());
  }

  point(index: number): Float64Array {
    // Index 0 of every base is the origin; start at 1 so the first point is not a corner.
    return Float64Array.from({ length: this.dim }, (_, k) => (radicalInverse(index + 1, PRIMES[k]!) + this.shift[k]!) % 1);
  }
}
