/**
 * "Nice" axis ticks (steps of 1, 2, 2.5 or 5 times a power of ten) and labels with just enough digits to
 * tell neighbouring ticks apart.
 */

export interface Ticks {
  /** Axis range, widened to whole steps around the data. */
  lo: number;
  hi: number;
  step: number;
  values: number[];
  labels: string[];
}

const NICE_FRACTIONS = [1, 2, 2.5, 5, 10];

export interface TickOptions {
  /** Aim for about this many ticks. @default 6 */
  target?: number;
  /** Steps are whole numbers (e.g. an iteration axis). @default false */
  integer?: boolean;
}

/** Ticks spanning [min, max]; a zero-width or non-finite range is widened so the axis still has a scale. */
export function niceTicks(min: number, max: number, options: TickOptions = {}): Ticks {
  const target = Math.max(2, options.target ?? 6);
  let [a, b] = Number.isFinite(min) && Number.isFinite(max) ? [Math.min(min, max), Math.max(min, max)] : [0, 1];
  if (a === b) {
    const pad = a === 0 ? 1 : Math.abs(a) * 0.1;
    [a, b] = [a - pad, b + pad];
  }
  // Several tick counts near the target are tried; the winner wastes the least axis beyond the data, with a
  // small charge for straying from the target count (so 40k..100.3k gets 40k..110k, not 40k..120k).
  let best: { step: number; lo: number; hi: number; count: number; cost: number } | undefined;
  for (let k = Math.max(2, target - 2); k <= target + 3; k++) {
    let step = niceStep((b - a) / (k - 1));
    if (options.integer) step = Math.max(1, Math.round(step));
    const lo = Math.floor(a / step + 1e-9) * step;
    const hi = Math.ceil(b / step - 1e-9) * step;
    const count = Math.round((hi - lo) / step);
    const cost = (hi - lo) / (b - a) + 0.05 * Math.abs(count + 1 - target);
    if (best === undefined || cost < best.cost - 1e-9) best = { step, lo, hi, count, cost };
  }
  const { step, lo, hi, count } = best!;
  const values = Array.from({ length: count + 1 }, (_, i) => cleanZero(lo + i * step));
  return { lo, hi, step, values, labels: formatTicks(values, step) };
}

function niceStep(rough: number): number {
  const power = 10 ** Math.floor(Math.log10(rough));
  const fraction = rough / power;
  const nice = NICE_FRACTIONS.find((f) => f >= fraction - 1e-9) ?? 10;
  return nice * power;
}

function cleanZero(v: number): number {
  // lo + i * step can land a hair off zero (e.g. 5.55e-17), which would print as noise.
  return Math.abs(v) < 1e-12 ? 0 : v;
}

/** Labels in fixed notation with the decimals the step needs, or exponent notation for very large/small axes. */
export function formatTicks(values: readonly number[], step: number): string[] {
  const largest = Math.max(...values.map(Math.abs), 0);
  if (largest >= 1e6 || (largest > 0 && largest < 1e-3)) {
    const digits = Math.min(6, decimalsOf(step / 10 ** Math.floor(Math.log10(largest))));
    return values.map((v) => (v === 0 ? "0" : v.toExponential(digits).replace("e+", "e")));
  }
  return values.map((v) => v.toFixed(decimalsOf(step)));
}

function decimalsOf(step: number): number {
  for (let d = 0; d < 10; d++) {
    const scaled = step * 10 ** d;
    if (Math.abs(scaled - Math.round(scaled)) < 1e-6 * Math.max(1, scaled)) return d;
  }
  return 10;
}
