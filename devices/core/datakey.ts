/**
 * Signal value types and the event-model data keys that describe them. One table maps each datatype to its
 * dtype and numpy dtype, so describe() and read() agree by construction, and `datakeyMismatch` checks that
 * they do (the testing helpers and soft puts use it).
 */
import { InvalidArgumentError } from "../../engine/errors.ts";
import type { DataKey, Limits } from "../../engine/documents/types.ts";

/** What a signal holds. `enum` is a string restricted to `choices`; `integer` a number with no fraction. */
export const SignalDatatype = {
  number: "number",
  integer: "integer",
  string: "string",
  boolean: "boolean",
  array: "array",
  enum: "enum",
} as const;
export type SignalDatatype = (typeof SignalDatatype)[keyof typeof SignalDatatype];

/** Metadata a signal reports in its data key. */
export interface SignalMetadata {
  /** Engineering units, e.g. "mm". @default undefined */
  units?: string;
  /** Display precision (decimal places). @default undefined */
  precision?: number;
  /** `[low, high]` control limits, or event-model Limits. Reported, not enforced. @default undefined */
  limits?: readonly [number, number] | Limits;
  /** Allowed values of an enum signal (makes the datatype `enum`). @default undefined */
  choices?: readonly string[];
}

const NUMPY: Record<Exclude<SignalDatatype, "array">, string> = {
  number: "<f8",
  integer: "<i8",
  string: "|S40",
  boolean: "|b1",
  enum: "|S40",
};

function isArrayValue(value: unknown): value is ArrayLike<unknown> {
  return Array.isArray(value) || (ArrayBuffer.isView(value) && !(value instanceof DataView));
}

/** The datatype of a value, as a signal with no explicit datatype infers it from its initial value. */
export function inferDatatype(value: unknown, choices?: readonly string[]): SignalDatatype {
  if (choices !== undefined) return "enum";
  switch (typeof value) {
    case "number":
      return "number";
    case "string":
      return "string";
    case "boolean":
      return "boolean";
  }
  if (isArrayValue(value)) return "array";
  throw new InvalidArgumentError(
    `cannot infer a signal datatype from ${describeValue(value)}: use a number, integer, string, boolean, array or enum`,
    value,
  );
}

/** A placeholder value of a datatype, for signals (mocks) created without one. */
export function defaultValue(datatype: SignalDatatype, choices?: readonly string[]): unknown {
  switch (datatype) {
    case "number":
    case "integer":
      return 0;
    case "string":
      return "";
    case "boolean":
      return false;
    case "array":
      return [];
    case "enum":
      return choices?.[0] ?? "";
  }
}

function describeValue(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (isArrayValue(value)) return `an array of length ${value.length}`;
  if (value === null || value === undefined) return String(value);
  if (typeof value === "object") return `an object (${value.constructor?.name ?? "Object"})`;
  return `${typeof value} ${String(value)}`;
}

function shapeOf(value: ArrayLike<unknown>): number[] {
  const shape = [value.length];
  // Nested arrays (images, waveforms per channel) report every dimension.
  let inner: unknown = value[0];
  while (Array.isArray(inner)) {
    shape.push(inner.length);
    inner = inner[0];
  }
  return shape;
}

function numpyOfArray(value: ArrayLike<unknown>): string {
  if (value instanceof Float64Array) return "<f8";
  if (value instanceof Float32Array) return "<f4";
  if (value instanceof Int32Array) return "<i4";
  if (value instanceof Int16Array) return "<i2";
  if (value instanceof Int8Array) return "|i1";
  if (value instanceof Uint8Array || value instanceof Uint8ClampedArray) return "|u1";
  if (value instanceof Uint16Array) return "<u2";
  if (value instanceof Uint32Array) return "<u4";
  if (value instanceof BigInt64Array) return "<i8";
  if (value instanceof BigUint64Array) return "<u8";
  let first: unknown = value[0];
  while (Array.isArray(first)) first = first[0];
  if (typeof first === "string") return "|S40";
  if (typeof first === "boolean") return "|b1";
  return "<f8";
}

function limitsOf(limits: readonly [number, number] | Limits): Limits {
  if (Array.isArray(limits)) {
    const [low, high] = limits as readonly [number, number];
    return { control: { low, high } };
  }
  return limits as Limits;
}

/** The data key of a signal whose current value is `value`. */
export function makeDatakey(
  source: string,
  datatype: SignalDatatype,
  value: unknown,
  metadata: SignalMetadata = {},
): DataKey {
  let key: DataKey;
  if (datatype === "array") {
    const arr = isArrayValue(value) ? value : [];
    key = { source, dtype: "array", shape: shapeOf(arr), dtype_numpy: numpyOfArray(arr) };
  } else {
    key = { source, dtype: datatype === "enum" ? "string" : datatype, shape: [], dtype_numpy: NUMPY[datatype] };
  }
  if (metadata.units !== undefined) key.units = metadata.units;
  if (metadata.precision !== undefined) key.precision = metadata.precision;
  if (metadata.limits !== undefined) key.limits = limitsOf(metadata.limits);
  if (metadata.choices !== undefined) key.choices = [...metadata.choices];
  return key;
}

/**
 * Why `value` does not fit `datatype` (a sentence), or undefined when it fits. Used to refuse bad puts
 * before they change anything.
 */
export function valueMismatch(datatype: SignalDatatype, value: unknown, choices?: readonly string[]): string | undefined {
  switch (datatype) {
    case "number":
      return typeof value === "number" ? undefined : `expected a number, got ${describeValue(value)}`;
    case "integer":
      return typeof value === "number" && Number.isInteger(value)
        ? undefined
        : `expected an integer, got ${describeValue(value)}`;
    case "string":
      return typeof value === "string" ? undefined : `expected a string, got ${describeValue(value)}`;
    case "boolean":
      return typeof value === "boolean" ? undefined : `expected a boolean, got ${describeValue(value)}`;
    case "array":
      return isArrayValue(value) ? undefined : `expected an array, got ${describeValue(value)}`;
    case "enum":
      if (typeof value !== "string") return `expected one of ${JSON.stringify(choices ?? [])}, got ${describeValue(value)}`;
      return choices && !choices.includes(value)
        ? `${JSON.stringify(value)} is not one of ${JSON.stringify(choices)}`
        : undefined;
  }
}

/**
 * Why a reading's value does not fit its data key (dtype, shape, choices), or undefined when it does. This is
 * the "describe matches read" rule event-model consumers rely on.
 */
export function datakeyMismatch(key: DataKey, value: unknown): string | undefined {
  switch (key.dtype) {
    case "number":
      if (typeof value !== "number") return `dtype "number" but the value is ${describeValue(value)}`;
      break;
    case "integer":
      if (typeof value !== "number" || !Number.isInteger(value))
        return `dtype "integer" but the value is ${describeValue(value)}`;
      break;
    case "string":
      if (typeof value !== "string") return `dtype "string" but the value is ${describeValue(value)}`;
      if (key.choices && !key.choices.includes(value))
        return `${JSON.stringify(value)} is not one of the choices ${JSON.stringify(key.choices)}`;
      break;
    case "boolean":
      if (typeof value !== "boolean") return `dtype "boolean" but the value is ${describeValue(value)}`;
      break;
    case "array": {
      if (!isArrayValue(value)) return `dtype "array" but the value is ${describeValue(value)}`;
      const shape = shapeOf(value);
      if (shape.length !== key.shape.length) return `shape ${JSON.stringify(key.shape)} but the value has shape ${JSON.stringify(shape)}`;
      for (let i = 0; i < shape.length; i++)
        if (key.shape[i] !== null && key.shape[i] !== shape[i])
          return `shape ${JSON.stringify(key.shape)} but the value has shape ${JSON.stringify(shape)}`;
      return undefined;
    }
  }
  if (key.shape.length !== 0) return `a scalar dtype "${key.dtype}" needs shape [], got ${JSON.stringify(key.shape)}`;
  return undefined;
}
