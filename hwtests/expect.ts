/**
 * Assertions for checks, in the style of vitest's `expect` but with messages a person at the beamline can act
 * on: every failure names the quantity, what was expected and what was seen (`bpm03a x noise (mm): expected
 * <= 0.02, saw 0.0987`). Failures are CheckFailedErrors.
 */
import { CheckFailedError, show } from "./errors.ts";

export interface Expectation<T> {
  toBe(expected: T): void;
  toEqual(expected: T): void;
  toBeOneOf(choices: readonly T[]): void;
  toBeFinite(): void;
  toBeCloseTo(expected: number, tolerance: number): void;
  toBeGreaterThan(bound: number): void;
  toBeGreaterThanOrEqual(bound: number): void;
  toBeLessThan(bound: number): void;
  toBeLessThanOrEqual(bound: number): void;
  toBeWithin(low: number, high: number): void;
  toBeTruthy(): void;
  toMatch(pattern: RegExp): void;
  toHaveLength(n: number): void;
  /** The value is an error (or a rejected promise's reason) of this class. */
  toBeInstanceOf(cls: abstract new (...args: any[]) => unknown): void;
  /** Negated: `expect(x, "x").not.toBe(0)`. */
  readonly not: Omit<Expectation<T>, "not">;
}

const num = (v: unknown): number => (typeof v === "number" ? v : Number.NaN);

function deepEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/** Expect `value` (called `what` in messages) to satisfy a condition; throws CheckFailedError when not. */
export function expect<T>(value: T, what: string): Expectation<T> {
  return build(value, what, false);
}

function build<T>(value: T, what: string, negated: boolean): Expectation<T> {
  const seen = show(value);
  const assert = (ok: boolean, expected: string): void => {
    if (ok === negated) throw new CheckFailedError(what, negated ? `not ${expected}` : expected, seen);
  };
  const e: Omit<Expectation<T>, "not"> = {
    toBe: (expected) => assert(Object.is(value, expected), show(expected)),
    toEqual: (expected) => assert(deepEqual(value, expected), show(expected)),
    toBeOneOf: (choices) => assert(choices.some((c) => Object.is(c, value)), `one of ${choices.map(show).join(", ")}`),
    toBeFinite: () =>
      assert(
        Array.isArray(value) ? value.every((v) => typeof v === "number" && Number.isFinite(v)) : typeof value === "number" && Number.isFinite(value),
        Array.isArray(value) ? "finite numbers" : "a finite number",
      ),
    toBeCloseTo: (expected, tolerance) => assert(Math.abs(num(value) - expected) <= tolerance, `${show(expected)} ± ${show(tolerance)}`),
    toBeGreaterThan: (bound) => assert(num(value) > bound, `> ${show(bound)}`),
    toBeGreaterThanOrEqual: (bound) => assert(num(value) >= bound, `>= ${show(bound)}`),
    toBeLessThan: (bound) => assert(num(value) < bound, `< ${show(bound)}`),
    toBeLessThanOrEqual: (bound) => assert(num(value) <= bound, `<= ${show(bound)}`),
    toBeWithin: (low, high) => assert(num(value) >= low && num(value) <= high, `within [${show(low)}, ${show(high)}]`),
    toBeTruthy: () => assert(!!value, "a true value"),
    toMatch: (pattern) => assert(typeof value === "string" && pattern.test(value), `text matching ${pattern}`),
    toHaveLength: (n) => assert((value as { length?: unknown } | null)?.length === n, `${n} values`),
    toBeInstanceOf: (cls) => assert(value instanceof cls, `a ${cls.name}`),
  };
  return Object.defineProperty(e, "not", { get: () => build(value, what, !negated) }) as Expectation<T>;
}

/** Fail the check with a message of the same shape as the assertions'. */
export function fail(what: string, expected: string, seen: string): never {
  throw new CheckFailedError(what, expected, seen);
}
