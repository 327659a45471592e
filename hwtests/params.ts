/** Tunable numbers of the checks (`--param mono.energyStepEv=5`), looked up from the most specific name. */
import { InvalidArgumentError } from "../engine/errors.ts";
import type { DeviceInfo } from "./spec.ts";

/** Parse `key=value` pairs (repeatable `--param`). */
export function parseParams(pairs: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf("=");
    if (eq <= 0 || eq === pair.length - 1)
      throw new InvalidArgumentError(`--param takes key=value (e.g. bpm.maxNoiseMm=0.05), got ${JSON.stringify(pair)}`, pair);
    out[pair.slice(0, eq).trim()] = pair.slice(eq + 1).trim();
  }
  return out;
}

/**
 * The value of `key` for a device: `<device>.<key>`, then `<profile device>.<key>`, then `<Class>.<key>` for
 * its class and the classes it extends, then `<key>`; else `fallback`. The text is read as the fallback's type.
 */
export function lookupParam<T extends number | string | boolean>(params: Readonly<Record<string, string>>, info: DeviceInfo, key: string, fallback: T): T {
  const names = [`${info.name}.${key}`, `${info.profileDevice}.${key}`, ...info.classes.map((c) => `${c}.${key}`), key];
  const found = names.find((n) => n in params);
  if (found === undefined) return fallback;
  const text = params[found]!;
  if (typeof fallback === "number") {
    const v = Number(text);
    if (text === "" || !Number.isFinite(v)) throw new InvalidArgumentError(`--param ${found}=${text}: expected a finite number`, text);
    return v as T;
  }
  if (typeof fallback === "boolean") {
    if (text !== "true" && text !== "false") throw new InvalidArgumentError(`--param ${found}=${text}: expected true or false`, text);
    return (text === "true") as T;
  }
  return text as T;
}
