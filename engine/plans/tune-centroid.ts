/**
 * `tuneCentroid`: tune a motor to the centroid of a signal (Bluesky's `tune_centroid`). Traverse start..stop
 * in `num` points, then rescan around the centroid Σx·I/ΣI over a range `stepFactor` times narrower, until
 * the step falls below `minStep`; finally move to the last centroid.
 */
import { InvalidArgumentError } from "../errors.ts";
import { msg } from "../msg.ts";
import type { Plan } from "../msg.ts";
import type { Movable, Readable } from "../protocols.ts";
import { deviceName, hintedFields, quote, requireCount, requireFinite, requireMovable, requirePositive, requireReadables } from "./devices.ts";
import { dimensionsOneAxis, mergeMd } from "./metadata.ts";
import { triggerAndRead } from "./per-step.ts";
import { mv } from "./stubs.ts";
import type { PlanMetadata } from "./types.ts";
import { withRun, withStage } from "./wrappers.ts";

export interface TuneCentroidOptions {
  /** Points per traversal. @default 10 */
  num?: number;
  /** Each rescan covers the previous range divided by this (> 1). @default 3 */
  stepFactor?: number;
  /** Alternate the traversal direction instead of always going start to stop. @default false */
  snake?: boolean;
  md?: PlanMetadata;
}

export const DEFAULT_TUNE_CENTROID = { num: 10, stepFactor: 3, snake: false } as const;

/** Scan `motor` to find the centroid of the data field `signal`. Returns the run start uid. */
export function tuneCentroid(
  detectors: readonly Readable[],
  signal: string,
  motor: Movable,
  start: number,
  stop: number,
  minStep: number,
  options: TuneCentroidOptions = {},
): Plan<string> {
  requireReadables(detectors);
  requireMovable(motor, "motor");
  if (typeof signal !== "string" || signal === "")
    throw new InvalidArgumentError(`signal must be a data key name, got ${quote(signal)}`, signal);
  requireFinite(start, "start");
  requireFinite(stop, "stop");
  requirePositive(minStep, "minStep");
  const num = requireCount(options.num ?? DEFAULT_TUNE_CENTROID.num, "num", 2);
  const stepFactor = requireFinite(options.stepFactor ?? DEFAULT_TUNE_CENTROID.stepFactor, "stepFactor");
  if (stepFactor <= 1) throw new InvalidArgumentError(`stepFactor must be greater than 1, got ${stepFactor}`, stepFactor);
  const snake = options.snake ?? DEFAULT_TUNE_CENTROID.snake;
  const fields = hintedFields(motor);
  const motorField = fields.length === 1 ? fields[0]! : deviceName(motor);
  const md = mergeMd(
    {
      detectors: detectors.map(deviceName),
      motors: [deviceName(motor)],
      plan_args: {
        detectors: detectors.map(deviceName),
        motor: deviceName(motor),
        start,
        stop,
        num,
        min_step: minStep,
      },
      plan_name: "tune_centroid",
    },
    options.md,
    dimensionsOneAxis([motor]),
  );
  const low = Math.min(start, stop);
  const high = Math.max(start, stop);
  const clip = (v: number) => Math.min(Math.max(v, low), high);

  function* core(): Plan<void> {
    let a = start;
    let b = stop;
    let nextPos = a;
    let step = (b - a) / (num - 1);
    let peak: number | undefined;
    let sumI = 0;
    let sumXI = 0;
    while (Math.abs(step) >= minStep && low <= nextPos && nextPos <= high) {
      yield msg("checkpoint");
      yield* mv(motor, nextPos);
      const ret = yield* triggerAndRead([...detectors, motor as unknown as Readable]);
      const intensity = ret[signal];
      const position = ret[motorField];
      if (!intensity || !position)
        throw new InvalidArgumentError(
          `tune_centroid: the readings lack ${!intensity ? `signal ${quote(signal)}` : `motor field ${quote(motorField)}`} ` +
            `(fields: ${Object.keys(ret).join(", ")})`,
          signal,
        );
      const curI = Number(intensity.value);
      sumI += curI;
      sumXI += Number(position.value) * curI;
      nextPos += step;
      const inRange = Math.min(a, b) <= nextPos && nextPos <= Math.max(a, b);
      if (!inRange) {
        if (sumI === 0) return;
        peak = sumXI / sumI;
        sumI = 0;
        sumXI = 0;
        const range = (b - a) / stepFactor;
        a = clip(peak - range / 2);
        b = clip(peak + range / 2);
        if (snake) [a, b] = [b, a];
        step = (b - a) / (num - 1);
        nextPos = a;
      }
    }
    if (peak !== undefined) yield* mv(motor, peak);
  }
  return withStage(withRun(core(), md), [...detectors, motor]);
}
