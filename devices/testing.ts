/**
 * Test helpers for device code, after ophyd-async's `assert_reading` and mock-signal utilities: compare a
 * device's readings with what a test expects, check that describe() matches read(), and drive mocked signals
 * (`connect({ mock: true })`) the way hardware would.
 */
import { AssertionError, deepStrictEqual } from "node:assert/strict";
import { InvalidArgumentError } from "../engine/errors.ts";
import type { Configurable, DataKey, Readable, Reading } from "../engine/protocols.ts";
import { isConfigurable } from "../engine/protocols.ts";
import { datakeyMismatch } from "./core/datakey.ts";
import { type MockPut, MockSignalBackend } from "./core/mock_signal_backend.ts";
import type { Signal, SignalR } from "./core/signal.ts";

/** The parts of a reading a test cares about; `value` is required, the rest is compared when given. */
export interface ExpectedReading {
  readonly value: unknown;
  readonly timestamp?: number;
  readonly alarm_severity?: number;
  readonly message?: string;
}

export interface AssertReadingOptions {
  /** Numbers (also inside arrays) may differ by this much. @default 0 (exact) */
  tolerance?: number;
}

function close(actual: unknown, expected: unknown, tolerance: number): boolean {
  if (typeof actual === "number" && typeof expected === "number")
    return actual === expected || Math.abs(actual - expected) <= tolerance || (Number.isNaN(actual) && Number.isNaN(expected));
  const arrayLike = (v: unknown): v is ArrayLike<unknown> => Array.isArray(v) || ArrayBuffer.isView(v);
  if (arrayLike(actual) && arrayLike(expected)) {
    if (actual.length !== expected.length) return false;
    for (let i = 0; i < actual.length; i++) if (!close(actual[i], expected[i], tolerance)) return false;
    return true;
  }
  try {
    deepStrictEqual(actual, expected);
    return true;
  } catch {
    return false;
  }
}

function compareReadings(
  what: string,
  actual: Record<string, Reading>,
  expected: Record<string, ExpectedReading>,
  options: AssertReadingOptions,
): void {
  const tolerance = options.tolerance ?? 0;
  const problems: string[] = [];
  const actualKeys = Object.keys(actual).sort();
  const expectedKeys = Object.keys(expected).sort();
  for (const k of expectedKeys) if (!(k in actual)) problems.push(`missing key ${JSON.stringify(k)}`);
  for (const k of actualKeys) if (!(k in expected)) problems.push(`unexpected key ${JSON.stringify(k)}`);
  for (const k of expectedKeys) {
    const a = actual[k];
    const e = expected[k]!;
    if (!a) continue;
    for (const field of ["value", "timestamp", "alarm_severity", "message"] as const) {
      if (field !== "value" && e[field] === undefined) continue;
      if (!close(a[field], e[field], tolerance))
        problems.push(`${k}.${field}: expected ${JSON.stringify(e[field])}, got ${JSON.stringify(a[field])}`);
    }
  }
  if (problems.length > 0)
    throw new AssertionError({
      message: `${what} differs from what was expected:\n  ${problems.join("\n  ")}`,
      actual,
      expected,
    });
}

/** Assert that `readable.read()` has exactly the expected keys and values. */
export async function assertReading(
  readable: Readable,
  expected: Record<string, ExpectedReading>,
  options: AssertReadingOptions = {},
): Promise<void> {
  compareReadings(`read() of ${readable.name || "device"}`, await readable.read(), expected, options);
}

/** Assert that `configurable.readConfiguration()` has exactly the expected keys and values. */
export async function assertConfiguration(
  configurable: Configurable,
  expected: Record<string, ExpectedReading>,
  options: AssertReadingOptions = {},
): Promise<void> {
  compareReadings(
    `readConfiguration() of ${configurable.name || "device"}`,
    await configurable.readConfiguration(),
    expected,
    options,
  );
}

/** Assert that a signal's value is `expected`. */
export async function assertValue<T>(signal: SignalR<T>, expected: T, options: AssertReadingOptions = {}): Promise<void> {
  const value = await signal.getValue();
  if (!close(value, expected, options.tolerance ?? 0))
    throw new AssertionError({
      message: `${signal.name || signal.source}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(value)}`,
      actual: value,
      expected,
    });
}

function pairProblems(reads: Record<string, Reading>, keys: Record<string, DataKey>): string[] {
  const problems: string[] = [];
  for (const k of Object.keys(reads)) if (!(k in keys)) problems.push(`${JSON.stringify(k)} is read but not described`);
  for (const k of Object.keys(keys)) if (!(k in reads)) problems.push(`${JSON.stringify(k)} is described but not read`);
  for (const [k, r] of Object.entries(reads)) {
    const key = keys[k];
    if (!key) continue;
    const problem = datakeyMismatch(key, r.value);
    if (problem) problems.push(`${k}: ${problem}`);
    if (typeof key.source !== "string" || key.source.length === 0) problems.push(`${k}: the data key has no source`);
    if (typeof r.timestamp !== "number" || !Number.isFinite(r.timestamp)) problems.push(`${k}: the reading has no timestamp`);
  }
  return problems;
}

/**
 * Assert that describe() matches read() (same keys; each value fits its dtype, shape and choices), and the
 * same for the configuration pair when the device is Configurable.
 */
export async function assertDescribeMatchesRead(readable: Readable): Promise<void> {
  const problems = pairProblems(await readable.read(), await readable.describe());
  if (isConfigurable(readable)) {
    const config = pairProblems(await readable.readConfiguration(), await readable.describeConfiguration());
    problems.push(...config.map((p) => `configuration: ${p}`));
  }
  if (problems.length > 0)
    throw new AssertionError({ message: `${readable.name || "device"}: describe() does not match read():\n  ${problems.join("\n  ")}` });
}

/** The mock backend of a signal connected with `{ mock: true }` (or made from a `mock://` URI). */
export function mockBackendOf<T>(signal: Signal<T>): MockSignalBackend<T> {
  const backend = signal.backend;
  if (!(backend instanceof MockSignalBackend))
    throw new InvalidArgumentError(
      `${signal.name || signal.source} is not mocked: connect its device with { mock: true } first`,
      signal.source,
    );
  return backend;
}

/** Set a mocked signal's readback, as the hardware would (monitors fire). */
export function setMockValue<T>(signal: Signal<T>, value: T): void {
  mockBackendOf(signal).setValue(value);
}

/** With false, puts (with wait) to the mocked signal stay pending until called again with true. */
export function setMockPutProceeds(signal: Signal<any>, proceeds: boolean): void {
  mockBackendOf(signal).setPutProceeds(proceeds);
}

/** Make puts to the mocked signal fail with `error` (undefined: succeed again). */
export function setMockPutError(signal: Signal<any>, error: Error | undefined): void {
  mockBackendOf(signal).setPutError(error);
}

/** Every put to the mocked signal so far. */
export function getMockPuts<T>(signal: Signal<T>): readonly MockPut<T>[] {
  return mockBackendOf(signal).puts;
}

/** Call `callback` on each put to the mocked signal (to fake a device reacting); returns the remover. */
export function callbackOnMockPut<T>(signal: Signal<T>, callback: (value: T | undefined, wait: boolean) => void): () => void {
  return mockBackendOf(signal).onPut(callback);
}
