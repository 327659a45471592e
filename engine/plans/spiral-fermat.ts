/** `spiralFermat` and `relSpiralFermat`: a 2-D Fermat spiral of points (Bluesky's `spiral_fermat`). */
import type { Plan } from "../msg.ts";
import type { Movable, Readable } from "../protocols.ts";
import { deviceName, requireFinite, requireMovable, requirePositive, requireReadables } from "./devices.ts";
import { dimensionsPerMotor, hookName, mergeMd } from "./metadata.ts";
import { spiralFermatPattern } from "./patterns.ts";
import { relativeSetWrapper, resetPositionsWrapper } from "./relative.ts";
import { scanNd } from "./scan-nd.ts";
import type { PerStepND, PlanMetadata } from "./types.ts";

export interface SpiralFermatOptions {
  /** Delta radius along y (an elliptical spiral); defaults to `dr`. */
  drY?: number;
  /** Tilt angle, radians. @default 0 */
  tilt?: number;
  perStep?: PerStepND;
  md?: PlanMetadata;
}

/**
 * A Fermat spiral centred on (xStart, yStart) within an x by y range: point i at radius sqrt(i)·dr/factor
 * and the golden angle times i. Returns the run start uid.
 */
export function spiralFermat(
  detectors: readonly Readable[],
  xMotor: Movable,
  yMotor: Movable,
  xStart: number,
  yStart: number,
  xRange: number,
  yRange: number,
  dr: number,
  factor: number,
  options: SpiralFermatOptions = {},
): Plan<string> {
  requireReadables(detectors);
  requireMovable(xMotor, "xMotor");
  requireMovable(yMotor, "yMotor");
  requireFinite(xStart, "xStart");
  requireFinite(yStart, "yStart");
  requirePositive(xRange, "xRange");
  requirePositive(yRange, "yRange");
  requirePositive(dr, "dr");
  requirePositive(factor, "factor");
  if (options.drY !== undefined) requirePositive(options.drY, "drY");
  const tilt = requireFinite(options.tilt ?? 0, "tilt");
  const patternArgs = { xStart, yStart, xRange, yRange, dr, factor, drY: options.drY, tilt };
  const trajectory = spiralFermatPattern({ xMotor, yMotor, ...patternArgs });
  const mdArgs = {
    x_motor: deviceName(xMotor),
    y_motor: deviceName(yMotor),
    x_start: xStart,
    y_start: yStart,
    x_range: xRange,
    y_range: yRange,
    dr,
    factor,
    dr_y: options.drY ?? null,
    tilt,
  };
  const md = mergeMd(
    {
      plan_args: { detectors: detectors.map(deviceName), ...mdArgs, per_step: hookName(options.perStep) },
      extents: [
        [xStart - xRange, xStart + xRange],
        [yStart - yRange, yStart + yRange],
      ],
      plan_name: "spiral_fermat",
      plan_pattern: "spiral_fermat",
      plan_pattern_module: "skyloop.engine.plans.patterns",
      plan_pattern_args: mdArgs,
    },
    options.md,
    dimensionsPerMotor([xMotor, yMotor]),
  );
  return scanNd(detectors, trajectory, { perStep: options.perStep, md });
}

/** `spiralFermat` centred on the motors' current positions; they return there at the end. */
export function relSpiralFermat(
  detectors: readonly Readable[],
  xMotor: Movable,
  yMotor: Movable,
  xRange: number,
  yRange: number,
  dr: number,
  factor: number,
  options: SpiralFermatOptions = {},
): Plan<string> {
  const plan = spiralFermat(detectors, xMotor, yMotor, 0, 0, xRange, yRange, dr, factor, {
    ...options,
    md: { plan_name: "rel_spiral_fermat", ...(options.md ?? {}) },
  });
  return resetPositionsWrapper(relativeSetWrapper(plan, [xMotor, yMotor]), [xMotor, yMotor]);
}
