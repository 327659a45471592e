/** `logScan` and `relLogScan`: one motor in log-spaced steps (Bluesky's `log_scan`). */
import type { Plan } from "../msg.ts";
import type { Movable, Readable } from "../protocols.ts";
import { deviceName, requireCount, requireFinite, requireMovable, requireReadables } from "./devices.ts";
import { dimensionsOneAxis, hookName, mergeMd } from "./metadata.ts";
import { one1dStep } from "./per-step.ts";
import { logspace } from "./patterns.ts";
import { relativeSetWrapper, resetPositionsWrapper } from "./relative.ts";
import type { PerStep1D, PlanMetadata } from "./types.ts";
import { withRun, withStage } from "./wrappers.ts";

export interface LogScanOptions {
  /** The inner loop for each point. @default one1dStep */
  perStep?: PerStep1D;
  md?: PlanMetadata;
}

/**
 * Move `motor` through `num` points from 10^start to 10^stop, evenly spaced in log10 (as numpy.logspace and
 * Bluesky: `start` and `stop` are exponents), reading the detectors at each. Returns the run start uid.
 */
export function logScan(
  detectors: readonly Readable[],
  motor: Movable,
  start: number,
  stop: number,
  num: number,
  options: LogScanOptions = {},
): Plan<string> {
  requireReadables(detectors);
  requireMovable(motor, "motor");
  requireFinite(start, "start");
  requireFinite(stop, "stop");
  requireCount(num, "num");
  const md = mergeMd(
    {
      detectors: detectors.map(deviceName),
      motors: [deviceName(motor)],
      num_points: num,
      num_intervals: num - 1,
      plan_args: {
        detectors: detectors.map(deviceName),
        num,
        start,
        stop,
        motor: deviceName(motor),
        per_step: hookName(options.perStep),
      },
      plan_name: "log_scan",
      plan_pattern: "logspace",
      plan_pattern_module: "numpy",
      plan_pattern_args: { start, stop, num },
    },
    options.md,
    dimensionsOneAxis([motor]),
  );
  const perStep = options.perStep ?? one1dStep;
  const steps = logspace(start, stop, num);
  function* inner(): Plan<void> {
    for (const step of steps) yield* perStep([...detectors], motor, step);
  }
  return withStage(withRun(inner(), md), [...detectors, motor]);
}

/** `logScan` with points relative to the motor's starting position; it returns there at the end. */
export function relLogScan(
  detectors: readonly Readable[],
  motor: Movable,
  start: number,
  stop: number,
  num: number,
  options: LogScanOptions = {},
): Plan<string> {
  const plan = logScan(detectors, motor, start, stop, num, {
    ...options,
    md: { plan_name: "rel_log_scan", ...(options.md ?? {}) },
  });
  return resetPositionsWrapper(relativeSetWrapper(plan, [motor]), [motor]);
}
