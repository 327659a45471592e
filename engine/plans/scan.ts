/** `scan` and `relScan`: several motors together along one line (Bluesky's `scan`, `rel_scan`). */
import { InvalidArgumentError } from "../errors.ts";
import type { Plan } from "../msg.ts";
import type { Readable } from "../protocols.ts";
import { splitOptions, startStopChunks } from "./args.ts";
import { deviceName, requireCount, requireReadables } from "./devices.ts";
import { dimensionsOneAxis, hookName, mergeMd } from "./metadata.ts";
import { innerProductPattern } from "./patterns.ts";
import { relativeSetWrapper, resetPositionsWrapper } from "./relative.ts";
import { scanNd } from "./scan-nd.ts";
import type { PerStepND, PlanMetadata } from "./types.ts";

export interface ScanOptions {
  /** Number of points; may instead be the last positional argument. */
  num?: number;
  perStep?: PerStepND;
  md?: PlanMetadata;
}

/**
 * Move motors together from their starts to their stops in `num` evenly spaced points, reading the detectors
 * at each: `scan(dets, m1, start1, stop1, m2, start2, stop2, num, {perStep?, md?})` (or `{num}` in the options).
 * Returns the run start uid.
 */
export function scan(detectors: readonly Readable[], ...args: unknown[]): Plan<string> {
  requireReadables(detectors);
  const [rest, options] = splitOptions<ScanOptions>(args);
  let num = options.num;
  if (num === undefined) {
    if (rest.length % 3 !== 1)
      throw new InvalidArgumentError(
        "scan: give the number of points as the last positional argument or as option 'num' " +
          `(arguments: motor1, start1, stop1, ..., num); got ${rest.length} positional arguments`,
        rest.length,
      );
    num = rest.pop() as number;
  }
  requireCount(num, "num");
  const chunks = startStopChunks(rest, "scan");
  const motors = chunks.map(([m]) => m);
  const mdArgs = chunks.flatMap(([m, a, b]) => [deviceName(m), a, b]);
  const md = mergeMd(
    {
      plan_args: { detectors: detectors.map(deviceName), num, args: mdArgs, per_step: hookName(options.perStep) },
      plan_name: "scan",
      plan_pattern: "inner_product",
      plan_pattern_module: "skyloop.engine.plans.patterns",
      plan_pattern_args: { num, args: mdArgs },
      motors: motors.map(deviceName),
    },
    options.md,
    dimensionsOneAxis(motors),
  );
  return scanNd(detectors, innerProductPattern(num, chunks), { perStep: options.perStep, md });
}

/**
 * `scan` with starts and stops relative to each motor's position at the start (read with `locate`); the
 * motors go back to where they were at the end, also on failure.
 */
export function relScan(detectors: readonly Readable[], ...args: unknown[]): Plan<string> {
  const [rest, options] = splitOptions<ScanOptions>(args);
  const md = { plan_name: "rel_scan", ...(options.md ?? {}) };
  const plan = scan(detectors, ...rest, { ...options, md });
  const motors = rest.filter((_, i) => i % 3 === 0 && i < rest.length - (options.num === undefined ? 1 : 0));
  return resetPositionsWrapper(relativeSetWrapper(plan, motors), motors);
}

