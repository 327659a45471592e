/**
 * Readable: describe() and read() agree on keys, dtype and shape; numeric values are finite; timestamps are
 * recent (not from the EPICS epoch of a record never processed, not in the future).
 */
import type { DataKey, Reading } from "../../../engine/protocols.ts";
import { datakeyMismatch } from "../../../devices/core/datakey.ts";
import { CheckFailedError } from "../../errors.ts";
import type { HwtestApi } from "../../spec.ts";

/** Readings older than this are stale, s (`--param maxAgeS=…`); real records that rarely change get longer. */
export const DEFAULT_MAX_AGE_S = { sim: 600, ioc: 600, ca: 7 * 86_400 } as const;
/** Clocks of IOCs and of this machine may differ by this much, s. */
export const DEFAULT_CLOCK_SKEW_S = 5;

/** Problems of a read/describe pair, one line each. */
export function pairProblems(readings: Record<string, Reading>, keys: Record<string, DataKey>): string[] {
  const problems: string[] = [];
  for (const k of Object.keys(readings)) if (!(k in keys)) problems.push(`${k} is read but not described`);
  for (const k of Object.keys(keys)) if (!(k in readings)) problems.push(`${k} is described but not read`);
  for (const [k, r] of Object.entries(readings)) {
    const key = keys[k];
    if (!key) continue;
    const problem = datakeyMismatch(key, r.value);
    if (problem) problems.push(`${k}: ${problem}`);
  }
  return problems;
}

/** Keys whose numeric value (or array element) is not finite, with the value. */
export function nonFinite(readings: Record<string, Reading>, keys: Record<string, DataKey>): string[] {
  const bad: string[] = [];
  for (const [k, r] of Object.entries(readings)) {
    const dtype = keys[k]?.dtype;
    const v = r.value;
    if ((dtype === "number" || dtype === "integer") && !(typeof v === "number" && Number.isFinite(v))) bad.push(`${k} = ${String(v)}`);
    if (dtype === "array" && Array.isArray(v) && v.some((x) => typeof x === "number" && !Number.isFinite(x)))
      bad.push(`${k} has ${v.filter((x) => typeof x === "number" && !Number.isFinite(x)).length} non-finite values`);
  }
  return bad;
}

export function agree(what: string, problems: readonly string[]): void {
  if (problems.length > 0) throw new CheckFailedError(what, "the same keys, each value fitting its dtype and shape", problems.join("; "));
}

export const readableSpec = ({ describeDevice, check, protocols }: HwtestApi): void => {
  describeDevice(
    (d) => protocols.isReadable(d),
    (device: import("../../../engine/protocols.ts").Readable, ctx) => {
      check("describe and read agree", async () => {
        agree(`${ctx.name} describe() against read()`, pairProblems(await device.read(), await device.describe()));
      });

      check("numeric values are finite", async () => {
        const bad = nonFinite(await device.read(), await device.describe());
        if (bad.length > 0) throw new CheckFailedError(`${ctx.name} readings`, "finite numbers", bad.join(", "));
      });

      check("timestamps are recent", async (t) => {
        const maxAgeS = t.param("maxAgeS", DEFAULT_MAX_AGE_S[ctx.target]);
        const now = Date.now() / 1000;
        const readings = await device.read();
        const bad: string[] = [];
        for (const [k, r] of Object.entries(readings)) {
          const age = now - r.timestamp;
          if (!Number.isFinite(r.timestamp) || age > maxAgeS || age < -DEFAULT_CLOCK_SKEW_S)
            bad.push(`${k} at ${Number.isFinite(r.timestamp) ? new Date(r.timestamp * 1000).toISOString() : String(r.timestamp)}`);
        }
        if (bad.length > 0)
          throw new CheckFailedError(`${ctx.name} timestamps`, `within the last ${maxAgeS} s (and not in the future)`, bad.join(", "));
        t.note(`${Object.keys(readings).length} readings`);
      });
    },
    { tags: ["readable"] },
  );
};
