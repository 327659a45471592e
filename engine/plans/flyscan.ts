/**
 * `flyscan`: sample detectors while a motor moves continuously. The motor is sent to `start` (and waited
 * for), then to `stop` without waiting; while that move runs, the motor's readback and the detectors are
 * sampled every `period` seconds, each sample one event in the primary stream. A last sample is taken once
 * the move is done, so the run ends with the motor at rest.
 */
import { InvalidArgumentError, TimeoutError } from "../errors.ts";
import { msg } from "../msg.ts";
import type { Plan } from "../msg.ts";
import type { Movable, Readable, Status } from "../protocols.ts";
import { isStoppable } from "../protocols.ts";
import { deviceName, quote, requireFinite, requireMovable, requirePositive, requireReadable, requireReadables } from "./devices.ts";
import { dimensionsOneAxis, mergeMd } from "./metadata.ts";
import { triggerAndRead } from "./per-step.ts";
import { mv } from "./stubs.ts";
import type { PlanMetadata, TakeReading } from "./types.ts";
import { shortUid } from "./uid.ts";
import { withRun, withStage } from "./wrappers.ts";

export interface FlyscanOptions {
  /** Fail with TimeoutError (and stop the motor) if the move is not done after this many seconds. */
  timeout?: number;
  /** How each sample is taken. @default triggerAndRead */
  takeReading?: TakeReading;
  md?: PlanMetadata;
}

const now = (): number => Date.now() / 1000;

/**
 * Fly `motor` from `start` to `stop`, sampling it and the detectors every `period` seconds.
 * Messages: stage, `open_run`, `set(start)` + `wait`, `set(stop)` (no wait), then per sample a
 * trigger-and-read of detectors and motor followed by `sleep` (the rest of the period, if any) while the move runs,
 * one last sample, `wait` for the move (surfacing its failure), `close_run`, unstage.
 * Returns the run start uid.
 */
export function flyscan(
  detectors: readonly Readable[],
  motor: Movable & Readable,
  start: number,
  stop: number,
  period: number,
  options: FlyscanOptions = {},
): Plan<string> {
  requireReadables(detectors);
  requireMovable(motor, "motor");
  requireReadable(motor, "motor");
  requireFinite(start, "start");
  requireFinite(stop, "stop");
  requirePositive(period, "period");
  if (options.timeout !== undefined) requirePositive(options.timeout, "timeout");
  const takeReading = options.takeReading ?? triggerAndRead;
  const md = mergeMd(
    {
      detectors: detectors.map(deviceName),
      motors: [deviceName(motor)],
      plan_args: {
        detectors: detectors.map(deviceName),
        motor: deviceName(motor),
        start,
        stop,
        period,
        ...(options.timeout === undefined ? {} : { timeout: options.timeout }),
      },
      plan_name: "flyscan",
      plan_pattern: "continuous",
      plan_pattern_args: { start, stop, period },
    },
    options.md,
    dimensionsOneAxis([motor]),
  );

  function* core(): Plan<void> {
    yield* mv(motor, start);
    const group = shortUid("fly");
    const status = (yield msg("set", motor, [stop], { group })) as Status | undefined;
    if (!status || typeof status.done !== "boolean")
      throw new InvalidArgumentError(`flyscan: the set of ${quote(motor)} returned no Status`, status);
    const began = now();
    try {
      for (;;) {
        const sampled = now();
        // Checked before sampling, so the last sample is taken with the move seen done: the motor at rest.
        const wasDone = status.done;
        yield* takeReading([...detectors, motor]);
        if (wasDone) break;
        if (options.timeout !== undefined && now() - began > options.timeout)
          throw new TimeoutError(`flyscan move of ${deviceName(motor)} to ${stop}`, options.timeout * 1000);
        const left = period - (now() - sampled);
        if (left > 0) yield msg("sleep", undefined, [left]);
      }
    } catch (error) {
      // Leave nothing moving behind a failed scan.
      if (!status.done && isStoppable(motor)) yield msg("stop", motor);
      throw error;
    }
    yield msg("wait", undefined, [], { group });
  }
  return withStage(withRun(core(), md), [...detectors, motor]);
}
