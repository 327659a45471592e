/** `rampPlan`: take data while something ramps (Bluesky's `ramp_plan`). */
import { InvalidArgumentError, TimeoutError } from "../errors.ts";
import { msg } from "../msg.ts";
import type { Plan } from "../msg.ts";
import type { Readable, Status } from "../protocols.ts";
import { isStatus } from "../protocols.ts";
import { deviceName, quote, requireReadable } from "./devices.ts";
import { hookName, mergeMd } from "./metadata.ts";
import type { PlanMetadata } from "./types.ts";
import { monitorDuringWrapper, withRun } from "./wrappers.ts";

export interface RampOptions {
  /** Take one data point before starting the ramp. @default true */
  takePreData?: boolean;
  /** Fail with TimeoutError if the ramp runs longer than this, seconds. */
  timeout?: number;
  /** Take data no faster than once per this many seconds (as fast as possible when omitted). */
  period?: number;
  md?: PlanMetadata;
}

const now = (): number => Date.now() / 1000;

/**
 * Inside one run, with `monitorSig` monitored: optionally one `innerPlan()` before, then `goPlan` (which
 * must return the ramp's Status), then `innerPlan()` repeatedly while the Status is not done (at most once
 * per `period`), then one last `innerPlan()`. Returns the run start uid.
 */
export function rampPlan(
  goPlan: Plan<unknown>,
  monitorSig: Readable,
  innerPlan: () => Plan<unknown>,
  options: RampOptions = {},
): Plan<string> {
  requireReadable(monitorSig, "monitorSig");
  if (typeof innerPlan !== "function")
    throw new InvalidArgumentError(`innerPlan must be a function returning a plan, got ${quote(innerPlan)}`, innerPlan);
  const { takePreData = true, timeout, period } = options;
  if (timeout !== undefined && !(timeout > 0))
    throw new InvalidArgumentError(`timeout must be a number of seconds > 0, got ${quote(timeout)}`, timeout);
  if (period !== undefined && !(period > 0))
    throw new InvalidArgumentError(`period must be a number of seconds > 0, got ${quote(period)}`, period);
  const md = mergeMd(
    {
      plan_name: "ramp_plan",
      // Bluesky records the repr of each; a generator object has no name to give, only its kind.
      plan_args: {
        go_plan: String(goPlan),
        monitor_sig: deviceName(monitorSig),
        inner_plan_func: hookName(innerPlan),
        take_pre_data: takePreData,
        ...(timeout === undefined ? {} : { timeout }),
        ...(period === undefined ? {} : { period }),
      },
    },
    options.md,
  );

  function* polling(): Plan<void> {
    const failAt = timeout === undefined ? undefined : now() + timeout;
    if (takePreData) yield* innerPlan();
    const status = (yield* goPlan) as Status;
    if (!isStatus(status))
      throw new InvalidArgumentError(`ramp_plan: goPlan must return the ramp's Status, got ${quote(status)}`, status);
    while (!status.done) {
      const started = now();
      yield* innerPlan();
      if (failAt !== undefined && now() > failAt) throw new TimeoutError("ramp_plan ramp", timeout! * 1000);
      if (period !== undefined) {
        const left = started + period - now();
        if (left > 0) yield msg("sleep", undefined, [left]);
      }
    }
    yield* innerPlan();
  }
  return monitorDuringWrapper(withRun(polling(), md), [monitorSig]);
}
