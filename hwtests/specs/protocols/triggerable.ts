/**
 * Triggerable: trigger() completes within its limit and brings new readings. Kickers are left out: firing
 * one acts on the stored beam, which is no conformance test.
 */
import type { Readable, Triggerable } from "../../../engine/protocols.ts";
import { CheckFailedError, show } from "../../errors.ts";
import type { CheckContext, HwtestApi } from "../../spec.ts";

/** Classes whose trigger acts on the machine rather than acquiring. */
export const TRIGGER_ACTS_ON_MACHINE = ["Kicker"] as const;

/** Wait for `work` (a Status, a promise) up to `timeoutMs`; fails naming `what` when late or unsuccessful. Returns ms. */
export async function completes(t: CheckContext, work: PromiseLike<unknown>, what: string, timeoutMs: number): Promise<number> {
  const t0 = performance.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const outcome = await Promise.race([
    Promise.resolve(work).then(
      () => "done" as const,
      (err: unknown) => err,
    ),
    new Promise<"late">((resolve) => (timer = setTimeout(() => resolve("late"), timeoutMs))),
    new Promise<never>((_, reject) => t.signal.addEventListener("abort", () => reject(t.signal.reason), { once: true })),
  ]).finally(() => clearTimeout(timer));
  if (outcome === "late") throw new CheckFailedError(what, `to complete within ${timeoutMs} ms`, "still running");
  if (outcome !== "done") throw new CheckFailedError(what, "to complete successfully", show(outcome));
  return performance.now() - t0;
}

export const triggerableSpec = ({ describeDevice, check, protocols }: HwtestApi): void => {
  describeDevice(
    (d, info) => protocols.isTriggerable(d) && !info.classes.some((c) => (TRIGGER_ACTS_ON_MACHINE as readonly string[]).includes(c)),
    (device: Triggerable & Partial<Readable>, ctx) => {
      check("trigger completes within its limit", async (t) => {
        const limit = t.param("triggerTimeoutMs", Math.floor(t.timeoutMs * 0.9));
        const ms = await completes(t, device.trigger(), `${ctx.name} trigger()`, limit);
        t.note(`completed in ${ms.toFixed(0)} ms`);
      });

      if (protocols.isReadable(device))
        check("trigger brings new readings", async (t) => {
          const before = await device.read!();
          await completes(t, device.trigger(), `${ctx.name} trigger()`, Math.floor(t.timeoutMs * 0.9));
          const after = await device.read!();
          const changed = Object.keys(after).filter(
            (k) => !before[k] || before[k]!.timestamp !== after[k]!.timestamp || JSON.stringify(before[k]!.value) !== JSON.stringify(after[k]!.value),
          );
          if (changed.length === 0)
            throw new CheckFailedError(`${ctx.name} readings after trigger()`, "at least one new value or timestamp", `the same ${Object.keys(after).length} readings as before`);
          t.note(`${changed.length} of ${Object.keys(after).length} readings new`);
        });
    },
    { tags: ["triggerable"] },
  );
};
