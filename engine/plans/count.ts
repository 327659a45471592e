/** `count`: read detectors a number of times without moving anything (Bluesky's `count`). */
import type { Plan } from "../msg.ts";
import type { Readable } from "../protocols.ts";
import { deviceName, quote, requireReadables } from "./devices.ts";
import { InvalidArgumentError } from "../errors.ts";
import { hookName, mergeMd } from "./metadata.ts";
import { oneShot, repeat } from "./per-step.ts";
import type { PerShot, PlanMetadata } from "./types.ts";
import { withRun, withStage } from "./wrappers.ts";

export interface CountOptions {
  /** The inner loop for each reading. @default oneShot */
  perShot?: PerShot;
  md?: PlanMetadata;
}

/**
 * Take `num` readings of the detectors (forever when null), `delay` seconds apart (one number, or a list of
 * `num - 1` delays). Returns the run start uid.
 */
export function count(
  detectors: readonly Readable[],
  num: number | null = 1,
  delay: number | readonly number[] = 0,
  options: CountOptions = {},
): Plan<string> {
  requireReadables(detectors);
  if (num !== null && (typeof num !== "number" || !Number.isInteger(num) || num < 1))
    throw new InvalidArgumentError(`num must be a whole number >= 1, or null to count until stopped; got ${quote(num)}`, num);
  const md = mergeMd(
    {
      detectors: detectors.map(deviceName),
      num_points: num,
      num_intervals: num === null ? null : num - 1,
      plan_args: {
        detectors: detectors.map(deviceName),
        num,
        delay: typeof delay === "number" ? delay : [...delay],
        per_shot: hookName(options.perShot),
      },
      plan_name: "count",
    },
    options.md,
    { dimensions: [[["time"], "primary"]] },
  );
  const perShot = options.perShot ?? oneShot;
  const inner = repeat(() => perShot([...detectors]), num, delay);
  return withStage(withRun(inner, md), detectors);
}
