/** Building run-start metadata the way Bluesky's plans do. */
import type { Hints } from "../protocols.ts";
import { hintedFields } from "./devices.ts";
import type { PlanMetadata } from "./types.ts";

/**
 * Merge a plan's own metadata with the caller's: the caller's keys win, except `hints`, which are merged key
 * by key over `defaultHints` (so a plan's default `dimensions` holds unless the caller gives its own).
 * Neither input is modified.
 */
export function mergeMd(base: PlanMetadata, md: PlanMetadata | undefined, defaultHints: Hints = {}): PlanMetadata {
  const user = md ?? {};
  return { ...base, ...user, hints: { ...defaultHints, ...(base.hints ?? {}), ...(user.hints ?? {}) } };
}

/**
 * `hints.dimensions` with one entry per motor (each its own axis), or undefined when a motor hints no field,
 * as in Bluesky, where a missing `hints["fields"]` leaves the dimensions unset.
 */
export function dimensionsPerMotor(motors: readonly unknown[], stream = "primary"): Hints {
  const dims: [string[], string][] = [];
  for (const m of motors) {
    const fields = hintedFields(m);
    if (fields.length === 0) return {};
    dims.push([fields, stream]);
  }
  return { dimensions: dims };
}

/** `hints.dimensions` with all motors' fields on one axis (an inner-product trajectory). */
export function dimensionsOneAxis(motors: readonly unknown[], stream = "primary"): Hints {
  const fields = motors.flatMap((m) => hintedFields(m));
  return fields.length ? { dimensions: [[fields, stream]] } : {};
}

/** A JSON-friendly name for a hook in `plan_args` (Bluesky records its repr; `null` for the default). */
export function hookName(fn: unknown): string | null {
  if (typeof fn !== "function") return null;
  return fn.name || "<function>";
}
