import { MAX_STRING_SIZE } from "./constants.ts";
import { NUMERIC_ARRAY, type DbrValues } from "./dbr-data.ts";
import { NativeType } from "./dbr-types.ts";
import { CaConversionError } from "./errors.ts";

/** What a conversion to or from STRING needs to know about the channel. */
export interface ConvertContext {
  /** ENUM state strings, for ENUM <-> STRING. */
  readonly enumStrings?: readonly string[];
  /** Digits after the decimal point when FLOAT/DOUBLE become STRING (none given: shortest exact form). */
  readonly precision?: number;
}

function numberToString(v: number, native: NativeType, ctx: ConvertContext): string {
  if (native === NativeType.ENUM) return ctx.enumStrings?.[v] ?? String(v);
  if ((native === NativeType.FLOAT || native === NativeType.DOUBLE) && ctx.precision && ctx.precision > 0) {
    return v.toFixed(Math.min(ctx.precision, 17));
  }
  return String(v);
}

function stringToNumber(s: string, target: NativeType, ctx: ConvertContext): number {
  if (target === NativeType.ENUM && ctx.enumStrings) {
    const index = ctx.enumStrings.indexOf(s);
    if (index >= 0) return index;
  }
  const trimmed = s.trim();
  if (trimmed === "") return 0;
  const n = Number(trimmed);
  if (Number.isNaN(n)) {
    const what = target === NativeType.ENUM ? "an enum state or index" : "a number";
    throw new CaConversionError(`cannot convert '${s}' to ${what}`, s);
  }
  if (target === NativeType.ENUM && ctx.enumStrings && (n < 0 || n >= ctx.enumStrings.length || !Number.isInteger(n))) {
    throw new CaConversionError(`enum index '${s}' is out of range 0..${ctx.enumStrings.length - 1}`, s);
  }
  return n;
}

/**
 * Converts a value array between native types, as the server does when a client asks for a type other than
 * the channel's own. Numeric casts follow typed-array rules (truncate toward zero, wrap to the width).
 */
export function convertValues(values: DbrValues, from: NativeType, to: NativeType, ctx: ConvertContext = {}): DbrValues {
  if (from === to) return values;
  if (to === NativeType.STRING) {
    const nums = values as ArrayLike<number>;
    const out = new Array<string>(nums.length);
    for (let i = 0; i < nums.length; i++) out[i] = numberToString(nums[i]!, from, ctx);
    return out;
  }
  const Ctor = NUMERIC_ARRAY[to]!;
  if (from === NativeType.STRING) {
    const strings = values as string[];
    const out = new Ctor(strings.length);
    for (let i = 0; i < strings.length; i++) out[i] = stringToNumber(strings[i]!, to, ctx);
    return out;
  }
  const out = new Ctor(values.length);
  if (to === NativeType.FLOAT || to === NativeType.DOUBLE) out.set(values as ArrayLike<number>);
  else {
    // Typed-array assignment of a fraction truncates, which is the C cast EPICS uses.
    const nums = values as ArrayLike<number>;
    for (let i = 0; i < nums.length; i++) out[i] = Number.isFinite(nums[i]!) ? Math.trunc(nums[i]!) : 0;
  }
  return out;
}

/** A JavaScript string as a NUL-terminated CHAR array (EPICS long strings). */
export function stringToCharArray(s: string): Uint8Array {
  const bytes = Buffer.from(s, "utf8");
  const out = new Uint8Array(bytes.length + 1);
  out.set(bytes);
  return out;
}

/** A CHAR array as a string, stopping at the first NUL. */
export function charArrayToString(values: ArrayLike<number>): string {
  let end = 0;
  while (end < values.length && values[end] !== 0) end++;
  return Buffer.from(Uint8Array.from(Array.prototype.slice.call(values, 0, end) as number[])).toString("utf8");
}

/**
 * Turns a value a caller wants to write (number, boolean, string, array of them, typed array) into a value
 * array of `native` elements. Strings are only written to STRING, ENUM (state name) or CHAR arrays (long
 * strings); anything else is an error naming the value.
 */
export function valuesFromInput(value: unknown, native: NativeType, ctx: ConvertContext = {}): DbrValues {
  if (native === NativeType.CHAR && typeof value === "string") return stringToCharArray(value);
  const items: ArrayLike<unknown> =
    typeof value === "string" || typeof value === "number" || typeof value === "boolean" || typeof value === "bigint"
      ? [value]
      : isArrayLike(value)
        ? value
        : [];
  if (items.length === 0 && !isArrayLike(value)) {
    throw new CaConversionError(`cannot write ${describe(value)}: expected a number, string, boolean or an array of them`, value);
  }
  if (native === NativeType.STRING) {
    const out = new Array<string>(items.length);
    for (let i = 0; i < items.length; i++) {
      const s = typeof items[i] === "string" ? (items[i] as string) : String(items[i]);
      if (Buffer.byteLength(s, "utf8") >= MAX_STRING_SIZE) {
        throw new CaConversionError(
          `string '${s}' is ${Buffer.byteLength(s, "utf8")} bytes; DBR_STRING holds at most ${MAX_STRING_SIZE - 1} (use a CHAR array for long strings)`,
          s,
        );
      }
      out[i] = s;
    }
    return out;
  }
  if (ArrayBuffer.isView(value) && value instanceof NUMERIC_ARRAY[native]!) return value as DbrValues;
  const Ctor = NUMERIC_ARRAY[native]!;
  const out = new Ctor(items.length);
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    let n: number;
    if (typeof item === "number") n = item;
    else if (typeof item === "boolean") n = item ? 1 : 0;
    else if (typeof item === "bigint") n = Number(item);
    else if (typeof item === "string") n = stringToNumber(item, native, ctx);
    else throw new CaConversionError(`cannot write ${describe(item)} as a number`, item);
    out[i] = native === NativeType.FLOAT || native === NativeType.DOUBLE || !Number.isFinite(n) ? n : Math.trunc(n);
  }
  return out;
}

function isArrayLike(value: unknown): value is ArrayLike<unknown> {
  return Array.isArray(value) || (ArrayBuffer.isView(value) && !(value instanceof DataView));
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (value === undefined) return "undefined";
  if (typeof value === "object") return `an object (${Object.prototype.toString.call(value)})`;
  return `${typeof value} ${String(value)}`;
}
