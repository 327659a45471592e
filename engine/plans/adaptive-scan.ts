/**
 * `adaptiveScan`: one motor with the step size adapted to how fast a detector field changes (Bluesky's
 * `adaptive_scan`): steps shrink where the signal changes fast, grow where it is flat.
 */
import { InvalidArgumentError } from "../errors.ts";
import { msg } from "../msg.ts";
import type { Plan } from "../msg.ts";
import type { Movable, Readable, Reading } from "../protocols.ts";
import { isTriggerable } from "../protocols.ts";
import { deviceName, quote, requireFinite, requireMovable, requirePositive, requireReadables, separateDevices } from "./devices.ts";
import { dimensionsOneAxis, mergeMd } from "./metadata.ts";
import { relativeSetWrapper, resetPositionsWrapper } from "./relative.ts";
import { mv } from "./stubs.ts";
import type { PlanMetadata } from "./types.ts";
import { shortUid } from "./uid.ts";
import { withRun, withStage } from "./wrappers.ts";

export interface AdaptiveScanOptions {
  md?: PlanMetadata;
}

/** The step after a reading, by Bluesky's rule; exported for tests and for agents that plan ahead. */
export function nextAdaptiveStep(
  step: number,
  deltaI: number,
  minStep: number,
  maxStep: number,
  targetDelta: number,
): number {
  const slope = Math.abs(deltaI) / step;
  if (slope) return Math.min(Math.max(targetDelta / slope, minStep), maxStep);
  return Math.min(step * 1.1, maxStep);
}

/**
 * Scan `motor` from `start` towards `stop` (not included), choosing each step so the field `targetField`
 * changes by about `targetDelta` per step, within [minStep, maxStep]. The first step is
 * (maxStep - minStep) / 2. With `backstep`, a step that overshot (new step below `threshold` times the last
 * one) is redone from the previous point. Each point: `checkpoint`, move, `create`, `trigger`s, `wait`,
 * `read` of every detector and the motor, `save`. Returns the run start uid.
 */
export function adaptiveScan(
  detectors: readonly Readable[],
  targetField: string,
  motor: Movable,
  start: number,
  stop: number,
  minStep: number,
  maxStep: number,
  targetDelta: number,
  backstep: boolean,
  threshold = 0.8,
  options: AdaptiveScanOptions = {},
): Plan<string> {
  requireReadables(detectors);
  requireMovable(motor, "motor");
  if (typeof targetField !== "string" || targetField === "")
    throw new InvalidArgumentError(`targetField must be a data key name, got ${quote(targetField)}`, targetField);
  requireFinite(start, "start");
  requireFinite(stop, "stop");
  requireFinite(minStep, "minStep");
  requireFinite(maxStep, "maxStep");
  if (!(minStep > 0 && minStep < maxStep))
    throw new InvalidArgumentError(
      `minStep and maxStep must satisfy maxStep > minStep > 0, got minStep=${minStep}, maxStep=${maxStep}`,
      [minStep, maxStep],
    );
  requirePositive(targetDelta, "targetDelta");
  requireFinite(threshold, "threshold");
  const md = mergeMd(
    {
      detectors: detectors.map(deviceName),
      motors: [deviceName(motor)],
      plan_args: {
        detectors: detectors.map(deviceName),
        motor: deviceName(motor),
        start,
        stop,
        min_step: minStep,
        max_step: maxStep,
        target_delta: targetDelta,
        backstep,
        threshold,
      },
      plan_name: "adaptive_scan",
    },
    options.md,
    dimensionsOneAxis([motor]),
  );
  const devices = separateDevices([...detectors, motor as unknown as Readable]);

  function* core(): Plan<void> {
    let nextPos = start;
    let step = (maxStep - minStep) / 2;
    let pastI: number | undefined;
    const direction = stop >= start ? 1 : -1;
    while (nextPos * direction < stop * direction) {
      yield msg("checkpoint");
      yield* mv(motor, nextPos);
      yield msg("create", undefined, [], { name: "primary" });
      const group = shortUid("trigger");
      let triggered = false;
      for (const det of detectors) {
        if (isTriggerable(det)) {
          triggered = true;
          yield msg("trigger", det, [], { group });
        }
      }
      if (triggered) yield msg("wait", undefined, [], { group });
      let curI: number | undefined;
      for (const dev of devices) {
        const reading = (yield msg("read", dev)) as Record<string, Reading> | undefined;
        if (reading && targetField in reading) curI = Number(reading[targetField]!.value);
      }
      yield msg("save");
      if (curI === undefined)
        throw new InvalidArgumentError(`adaptive_scan: no reading has the target field ${quote(targetField)}`, targetField);
      if (pastI === undefined) {
        pastI = curI;
        nextPos += step * direction;
        continue;
      }
      const newStep = nextAdaptiveStep(step, curI - pastI, minStep, maxStep, targetDelta);
      if (backstep && newStep < step * threshold) {
        // Overshot: go back to the previous point and try again with the smaller step.
        nextPos -= step * direction;
        step = newStep;
      } else {
        pastI = curI;
        step = 0.2 * newStep + 0.8 * step;
      }
      nextPos += step * direction;
    }
  }
  return withStage(withRun(core(), md), [...detectors, motor]);
}

/** `adaptiveScan` with start and stop relative to the motor's position; it returns there at the end. */
export function relAdaptiveScan(
  detectors: readonly Readable[],
  targetField: string,
  motor: Movable,
  start: number,
  stop: number,
  minStep: number,
  maxStep: number,
  targetDelta: number,
  backstep: boolean,
  threshold = 0.8,
  options: AdaptiveScanOptions = {},
): Plan<string> {
  const plan = adaptiveScan(detectors, targetField, motor, start, stop, minStep, maxStep, targetDelta, backstep, threshold, {
    md: { plan_name: "rel_adaptive_scan", ...(options.md ?? {}) },
  });
  return resetPositionsWrapper(relativeSetWrapper(plan, [motor]), [motor]);
}
