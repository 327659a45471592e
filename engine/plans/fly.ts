/** `fly`: a fly scan with one or more flyers (Bluesky's `fly`). */
import type { Plan } from "../msg.ts";
import type { Flyable } from "../protocols.ts";
import { isFlyable } from "../protocols.ts";
import { InvalidArgumentError } from "../errors.ts";
import { deviceName, quote } from "./devices.ts";
import { mergeMd } from "./metadata.ts";
import { closeRun, collect, complete, kickoff, openRun } from "./stubs.ts";
import type { PlanMetadata } from "./types.ts";

/**
 * `open_run`; `kickoff` and `wait` for each flyer; `complete` and `wait` for each; `collect` each;
 * `close_run`. Returns the run start uid.
 */
export function fly(flyers: readonly Flyable[], options: { md?: PlanMetadata } = {}): Plan<string> {
  if (!Array.isArray(flyers)) throw new InvalidArgumentError(`flyers must be a list, got ${quote(flyers)}`, flyers);
  flyers.forEach((f, i) => {
    if (!isFlyable(f))
      throw new InvalidArgumentError(`flyers[${i}] ${quote(f)} is not Flyable: it needs kickoff() and complete()`, f);
  });
  const md = mergeMd({ plan_name: "fly", plan_args: { flyers: flyers.map(deviceName) } }, options.md);
  return flyCore(flyers, md);
}

function* flyCore(flyers: readonly Flyable[], md: PlanMetadata): Plan<string> {
  const uid = yield* openRun(md);
  for (const f of flyers) yield* kickoff(f, { wait: true });
  for (const f of flyers) yield* complete(f, { wait: true });
  for (const f of flyers) yield* collect(f);
  yield* closeRun();
  return uid;
}
