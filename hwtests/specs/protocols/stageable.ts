/** Stageable: stage() and unstage() complete, and the device reads the same keys while staged. */
import type { Readable, Stageable } from "../../../engine/protocols.ts";
import { CheckFailedError } from "../../errors.ts";
import type { HwtestApi } from "../../spec.ts";
import { completes } from "./triggerable.ts";

export const stageableSpec = ({ describeDevice, check, protocols }: HwtestApi): void => {
  describeDevice(
    (d) => protocols.isStageable(d),
    (device: Stageable & Partial<Readable>, ctx) => {
      check("stages and unstages", async (t) => {
        const limit = Math.floor(t.timeoutMs * 0.4);
        await completes(t, device.stage(), `${ctx.name} stage()`, limit);
        try {
          if (protocols.isReadable(device)) {
            const [readings, keys] = [await device.read!(), await device.describe!()];
            const a = Object.keys(readings).sort().join(", ");
            const b = Object.keys(keys).sort().join(", ");
            if (a !== b) throw new CheckFailedError(`${ctx.name} read() while staged`, `the described keys (${b})`, a);
          }
        } finally {
          await completes(t, device.unstage(), `${ctx.name} unstage()`, limit);
        }
      });
    },
    { tags: ["stageable"] },
  );
};
