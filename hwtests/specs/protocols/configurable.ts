/** Configurable: describeConfiguration() and readConfiguration() agree, and numeric settings are finite. */
import type { Configurable } from "../../../engine/protocols.ts";
import { CheckFailedError } from "../../errors.ts";
import type { HwtestApi } from "../../spec.ts";
import { agree, nonFinite, pairProblems } from "./readable.ts";

export const configurableSpec = ({ describeDevice, check, protocols }: HwtestApi): void => {
  describeDevice(
    (d) => protocols.isConfigurable(d),
    (device: Configurable, ctx) => {
      check("configuration: describe and read agree", async (t) => {
        const [readings, keys] = [await device.readConfiguration(), await device.describeConfiguration()];
        agree(`${ctx.name} describeConfiguration() against readConfiguration()`, pairProblems(readings, keys));
        const bad = nonFinite(readings, keys);
        if (bad.length > 0) throw new CheckFailedError(`${ctx.name} configuration`, "finite numbers", bad.join(", "));
        t.note(Object.keys(keys).length === 0 ? "no configuration" : `${Object.keys(keys).length} setting${Object.keys(keys).length === 1 ? "" : "s"}`);
      });
    },
    { tags: ["configurable"] },
  );
};
