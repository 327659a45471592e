/**
 * Argument checks and small device helpers shared by the plans. Checks run when a plan is called, before any
 * Msg exists, so a bad argument never moves anything.
 */
import { InvalidArgumentError } from "../errors.ts";
import { objectName } from "../msg.ts";
import type { HasName, Movable, Readable } from "../protocols.ts";
import { hasHints, isMovable, isReadable } from "../protocols.ts";

/** Quote a value for an error message: devices by name, everything else as JSON. */
export function quote(value: unknown): string {
  if (value && typeof value === "object" && "name" in value) return `'${objectName(value)}'`;
  if (typeof value === "number" || typeof value === "bigint" || typeof value === "boolean") return String(value);
  if (value === undefined) return "undefined";
  if (typeof value === "function") return `<function ${value.name || "anonymous"}>`;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

export function requireReadables(detectors: unknown, arg = "detectors"): Readable[] {
  if (!Array.isArray(detectors))
    throw new InvalidArgumentError(`${arg} must be a list of Readable devices, got ${quote(detectors)}`, detectors);
  detectors.forEach((d, i) => requireReadable(d, `${arg}[${i}]`));
  return detectors as Readable[];
}

export function requireReadable(device: unknown, arg: string): Readable {
  if (!isReadable(device))
    throw new InvalidArgumentError(`${arg} ${quote(device)} is not Readable: it needs read() and describe()`, device);
  return device;
}

export function requireMovable(device: unknown, arg: string): Movable {
  if (!isMovable(device)) throw new InvalidArgumentError(`${arg} ${quote(device)} is not Movable: it needs set()`, device);
  return device;
}

export function requireFinite(value: unknown, arg: string): number {
  if (typeof value !== "number" || !Number.isFinite(value))
    throw new InvalidArgumentError(`${arg} must be a finite number, got ${quote(value)}`, value);
  return value;
}

export function requirePositive(value: unknown, arg: string): number {
  const v = requireFinite(value, arg);
  if (v <= 0) throw new InvalidArgumentError(`${arg} must be greater than 0, got ${quote(value)}`, value);
  return v;
}

/** A number of points: a whole number, at least `min`. */
export function requireCount(value: unknown, arg: string, min = 1): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min)
    throw new InvalidArgumentError(
      `${arg} must be a whole number of points >= ${min} (not a step size), got ${quote(value)}`,
      value,
    );
  return value;
}

/** The fields a device hints at (`hints.fields`), or none. */
export function hintedFields(obj: unknown): string[] {
  if (!hasHints(obj)) return [];
  const fields = obj.hints.fields;
  return Array.isArray(fields) ? [...fields] : [];
}

export function deviceName(obj: unknown): string {
  return objectName(obj);
}

/** The top-most parent of a device (the whole device is staged, not one of its signals). */
export function rootAncestor<T>(obj: T): T {
  let cur: unknown = obj;
  while (cur && typeof cur === "object" && (cur as HasName).parent) cur = (cur as HasName).parent;
  return cur as T;
}

function ancestors(obj: unknown): unknown[] {
  const out: unknown[] = [];
  let cur = obj && typeof obj === "object" ? (obj as HasName).parent : undefined;
  while (cur) {
    out.push(cur);
    cur = cur.parent;
  }
  return out;
}

/**
 * Drop repeats and devices whose parent is also listed, keeping order, after Bluesky's `separate_devices`:
 * reading a device already reads its children.
 */
export function separateDevices<T>(devices: readonly T[]): T[] {
  const out: T[] = [];
  for (const d of devices) {
    if (out.includes(d)) continue;
    if (ancestors(d).some((a) => devices.includes(a as T))) continue;
    out.push(d);
  }
  return out;
}

/**
 * Whether a trailing argument is an options object rather than a device or a value: a plain object that is
 * neither a device (has a name) nor an array.
 */
export function isOptionsObject(v: unknown): v is Record<string, unknown> {
  if (!v || typeof v !== "object" || Array.isArray(v)) return false;
  if (isMovable(v) || isReadable(v) || "name" in v) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}
