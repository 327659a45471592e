/** `scanNd`: the N-dimensional step scan every trajectory scan runs on (Bluesky's `scan_nd`). */
import { InvalidArgumentError } from "../errors.ts";
import type { Plan } from "../msg.ts";
import type { Movable, Readable } from "../protocols.ts";
import { Cycler } from "./cycler.ts";
import { deviceName, quote, requireMovable, requireReadables } from "./devices.ts";
import { dimensionsPerMotor, hookName, mergeMd } from "./metadata.ts";
import { oneNdStep } from "./per-step.ts";
import type { PerStepND, PlanMetadata } from "./types.ts";
import { withRun, withStage } from "./wrappers.ts";

export interface ScanNdOptions {
  /** The inner loop for each point. @default oneNdStep */
  perStep?: PerStepND;
  /** Metadata for the run start; overrides the plan's own keys. */
  md?: PlanMetadata;
}

/**
 * Step through every point of `trajectory`: stage detectors and motors, open a run, then for each point
 * `perStep(detectors, point, posCache)`, close the run, unstage. Returns the run start uid.
 */
export function scanNd(detectors: readonly Readable[], trajectory: Cycler, options: ScanNdOptions = {}): Plan<string> {
  requireReadables(detectors);
  if (!(trajectory instanceof Cycler))
    throw new InvalidArgumentError(`scan_nd needs a Cycler trajectory, got ${quote(trajectory)}`, trajectory);
  trajectory.keys.forEach((m, i) => requireMovable(m, `trajectory key ${i}`));
  const motors = [...trajectory.keys];
  const md = mergeMd(
    {
      detectors: detectors.map(deviceName),
      motors: motors.map(deviceName),
      num_points: trajectory.length,
      num_intervals: trajectory.length - 1,
      plan_args: {
        detectors: detectors.map(deviceName),
        cycler: trajectory.describe(),
        per_step: hookName(options.perStep),
      },
      plan_name: "scan_nd",
    },
    options.md,
    dimensionsPerMotor(motors),
  );
  const perStep = options.perStep ?? oneNdStep;
  const points = trajectory.points();
  function* inner(): Plan<void> {
    const posCache = new Map<Movable, unknown>();
    for (const point of points) yield* perStep([...detectors], point, posCache);
  }
  return withStage(withRun(inner(), md), [...detectors, ...motors]);
}
