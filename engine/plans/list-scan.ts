/** `listScan` and `relListScan`: motors together through lists of points (Bluesky's `list_scan`). */
import { InvalidArgumentError } from "../errors.ts";
import type { Plan } from "../msg.ts";
import type { Readable } from "../protocols.ts";
import { listChunks, splitOptions } from "./args.ts";
import { deviceName, requireReadables } from "./devices.ts";
import { dimensionsOneAxis, hookName, mergeMd } from "./metadata.ts";
import { innerListProductPattern } from "./patterns.ts";
import { relativeSetWrapper, resetPositionsWrapper } from "./relative.ts";
import { scanNd } from "./scan-nd.ts";
import type { PerStepND, PlanMetadata } from "./types.ts";

export interface ListScanOptions {
  perStep?: PerStepND;
  md?: PlanMetadata;
}

/**
 * Move motors together through their lists of points (all the same length), reading the detectors at each:
 * `listScan(dets, m1, [p1, p2, ...], m2, [q1, q2, ...], {perStep?, md?})`. Returns the run start uid.
 */
export function listScan(detectors: readonly Readable[], ...args: unknown[]): Plan<string> {
  requireReadables(detectors);
  const [rest, options] = splitOptions<ListScanOptions>(args);
  const chunks = listChunks(rest, "list_scan");
  const lengths = Object.fromEntries(chunks.map(([m, pts]) => [deviceName(m), pts.length]));
  const length = chunks[0]![1].length;
  if (chunks.some(([, pts]) => pts.length !== length))
    throw new InvalidArgumentError(
      `list_scan: all lists of points must have the same length, got ${JSON.stringify(lengths)}`,
      lengths,
    );
  const motors = chunks.map(([m]) => m);
  const mdArgs = chunks.flatMap(([m, pts]) => [deviceName(m), pts]);
  const md = mergeMd(
    {
      detectors: detectors.map(deviceName),
      motors: motors.map(deviceName),
      num_points: length,
      num_intervals: length - 1,
      plan_args: { detectors: detectors.map(deviceName), args: mdArgs, per_step: hookName(options.perStep) },
      plan_name: "list_scan",
      plan_pattern: "inner_list_product",
      plan_pattern_module: "skyloop.engine.plans.patterns",
      plan_pattern_args: { args: mdArgs },
    },
    options.md,
    dimensionsOneAxis(motors),
  );
  return scanNd(detectors, innerListProductPattern(chunks), { perStep: options.perStep, md });
}

/** `listScan` with points relative to each motor's starting position; motors return there at the end. */
export function relListScan(detectors: readonly Readable[], ...args: unknown[]): Plan<string> {
  const [rest, options] = splitOptions<ListScanOptions>(args);
  const plan = listScan(detectors, ...rest, { ...options, md: { plan_name: "rel_list_scan", ...(options.md ?? {}) } });
  const motors = rest.filter((_, i) => i % 2 === 0);
  return resetPositionsWrapper(relativeSetWrapper(plan, motors), motors);
}
