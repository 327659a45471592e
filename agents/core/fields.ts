import { InvalidArgumentError } from "../../engine/errors.ts";
import type { AgentFields, DependentValues, IndependentValues } from "./agent.ts";

/** One event's data split into what an agent's `tell` takes. */
export interface Measurement {
  x: IndependentValues;
  y: DependentValues;
}

function isNumberArray(value: unknown): value is readonly number[] {
  return (Array.isArray(value) || ArrayBuffer.isView(value)) && Array.prototype.every.call(value, (v: unknown) => typeof v === "number");
}

/**
 * Takes an agent's fields out of an event's `data`: independent keys must be numbers, dependent keys numbers
 * or numeric arrays. Returns null when any field is absent (an event of another stream or device set), so a
 * runner can skip it; a field of the wrong type is an error naming it.
 */
export function measurementFromData(fields: AgentFields, data: Record<string, unknown>, agent = "agent"): Measurement | null {
  const x: IndependentValues = {};
  const y: DependentValues = {};
  for (const key of fields.independent) {
    const v = data[key];
    if (v === undefined) return null;
    if (typeof v !== "number") throw new InvalidArgumentError(`agent "${agent}": field "${key}" must be a number, got ${JSON.stringify(v)}`, v);
    x[key] = v;
  }
  for (const key of fields.dependent) {
    const v = data[key];
    if (v === undefined) return null;
    if (typeof v === "number") y[key] = v;
    else if (isNumberArray(v)) y[key] = Array.from(v as ArrayLike<number>);
    else throw new InvalidArgumentError(`agent "${agent}": field "${key}" must be a number or an array of numbers, got ${JSON.stringify(v)}`, v);
  }
  return { x, y };
}

/** The values of `keys` in order, as one vector. Missing keys and non-finite values are errors naming the key. */
export function independentVector(x: IndependentValues, keys: readonly string[], agent: string): Float64Array {
  const out = new Float64Array(keys.length);
  keys.forEach((key, i) => {
    const v = x[key];
    if (typeof v !== "number" || !Number.isFinite(v)) {
      throw new InvalidArgumentError(`agent "${agent}": x["${key}"] must be a finite number, got ${v === undefined ? "nothing" : JSON.stringify(v)}`, v);
    }
    out[i] = v;
  });
  return out;
}

/**
 * The readings of `keys` concatenated in order: a scalar key adds one value, an array key all of its values.
 * So both one array-valued `orbit` field and one key per BPM give the same vector.
 */
export function dependentVector(y: DependentValues, keys: readonly string[], agent: string): Float64Array {
  const parts: number[] = [];
  for (const key of keys) {
    const v = y[key];
    if (typeof v === "number") parts.push(v);
    else if (v !== undefined && isNumberArray(v)) for (const e of v) parts.push(e);
    else throw new InvalidArgumentError(`agent "${agent}": y["${key}"] must be a number or an array of numbers, got ${v === undefined ? "nothing" : JSON.stringify(v)}`, v);
  }
  const out = Float64Array.from(parts);
  const bad = out.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) throw new InvalidArgumentError(`agent "${agent}": reading ${bad} of ${keys.join(", ")} is ${out[bad]}; readings must be finite`, out[bad]);
  return out;
}

/** A scalar reading, for agents that optimise one number. */
export function scalarReading(y: DependentValues, key: string, agent: string): number {
  const v = y[key];
  if (typeof v !== "number" || !Number.isFinite(v)) {
    throw new InvalidArgumentError(`agent "${agent}": y["${key}"] must be a finite number, got ${v === undefined ? "nothing" : JSON.stringify(v)}`, v);
  }
  return v;
}

export function checkAskCount(n: number, agent: string): void {
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`agent "${agent}": ask(n) needs an integer n >= 1, got ${n}`, n);
}
