/**
 * The checks a suggestion passes before anything moves. The engine side describes what may be moved (device
 * names, their limits and types) and which plans an agent may ask for; bridge knows nothing of devices beyond
 * this description, which the composition root builds from the instrument profile.
 */
import type { SuggestionRequest } from "../wire.ts";
import { pointList } from "../wire.ts";

export interface DevicePolicy {
  /** Inclusive [low, high] a target must lie in. */
  limits?: readonly [number, number];
  /** "integer" refuses fractional targets. @default "number" */
  dtype?: "number" | "integer";
}

export interface SuggestionPolicy {
  devices: ReadonlyMap<string, DevicePolicy>;
  allowedPlans: readonly string[];
  /** Most points one request may carry. @default DEFAULT_MAX_POINTS */
  maxPoints?: number;
}

/** Returns the reason a request is refused, or undefined when it may go ahead. */
export interface SuggestionValidator {
  check(request: SuggestionRequest): string | undefined;
}

export const DEFAULT_MAX_POINTS = 10_000;

function list(names: Iterable<string>, max = 12): string {
  const all = [...names];
  return all.length <= max ? all.join(", ") : `${all.slice(0, max).join(", ")}, ... (${all.length} in all)`;
}

/** The standard pipeline: allowed plan, number of points, then per target: known device, finite number, type, limits. */
export function policyValidator(policy: SuggestionPolicy | (() => SuggestionPolicy)): SuggestionValidator {
  return {
    check(request) {
      const p = typeof policy === "function" ? policy() : policy;
      if (!p.allowedPlans.includes(request.plan)) {
        return `plan ${JSON.stringify(request.plan)} is not allowed (allowed: ${list(p.allowedPlans) || "none"})`;
      }
      const points = pointList(request.points);
      const maxPoints = p.maxPoints ?? DEFAULT_MAX_POINTS;
      if (points.length > maxPoints) return `points: ${points.length} points exceed the limit of ${maxPoints} per suggestion`;
      for (let i = 0; i < points.length; i++) {
        const where = Array.isArray(request.points) ? `points[${i}]` : "points";
        for (const [device, value] of Object.entries(points[i]!)) {
          const field = `${where}.${device}`;
          const d = p.devices.get(device);
          if (d === undefined) return `${field}: unknown device ${JSON.stringify(device)} (known: ${list(p.devices.keys()) || "none"})`;
          if (typeof value !== "number" || !Number.isFinite(value)) return `${field}: expected a finite number, got ${String(value)}`;
          if (d.dtype === "integer" && !Number.isInteger(value)) return `${field}: expected an integer, got ${value}`;
          if (d.limits !== undefined && (value < d.limits[0] || value > d.limits[1])) {
            return `${field}: ${value} is outside the limits [${d.limits[0]}, ${d.limits[1]}]`;
          }
        }
      }
      return undefined;
    },
  };
}

/** Several validators in order; the first reason wins. */
export function combineValidators(...validators: SuggestionValidator[]): SuggestionValidator {
  return {
    check(request) {
      for (const v of validators) {
        const reason = v.check(request);
        if (reason !== undefined) return reason;
      }
      return undefined;
    },
  };
}

export function isSuggestionValidator(value: unknown): value is SuggestionValidator {
  return typeof (value as SuggestionValidator | undefined)?.check === "function";
}
