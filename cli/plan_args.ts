/**
 * Turns command-line words into plan arguments: a device name becomes the device, a number a number,
 * `a,b` or a JSON list a list, a JSON object an options object. The first argument is always the detector list.
 */
import { InvalidArgumentError } from "../engine/errors.ts";

export type DeviceLookup = ReadonlyMap<string, object>;

export function parsePlanArgs(words: readonly string[], devices: DeviceLookup, fieldArgs: readonly number[] = []): unknown[] {
  if (words.length === 0) throw new InvalidArgumentError("the plan needs at least its detectors (e.g. det1,det2)");
  const [first, ...rest] = words;
  const detectors = first!.split(",").filter((w) => w.length > 0).map((w) => device(w, devices));
  return [detectors, ...rest.map((w, i) => (fieldArgs.includes(i + 1) ? w : parseWord(w, devices)))];
}

function parseWord(word: string, devices: DeviceLookup): unknown {
  const trimmed = word.trim();
  if (trimmed.startsWith("[") || trimmed.startsWith("{")) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch (err) {
      throw new InvalidArgumentError(`cannot read ${JSON.stringify(word)} as JSON: ${(err as Error).message}`, word);
    }
    return resolveNames(parsed, devices);
  }
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(trimmed)) return Number(trimmed);
  if (trimmed.includes(",")) return trimmed.split(",").map((w) => parseWord(w, devices));
  if (trimmed === "true" || trimmed === "false") return trimmed === "true";
  if (devices.has(trimmed)) return devices.get(trimmed);
  // A field name (adaptive_scan's target field, tune_centroid's signal) stays a string when it names a
  // detector's data key; anything else that looks like a name is a mistyped device.
  if (/^[A-Za-z_][\w:-]*$/.test(trimmed) && ![...devices.keys()].some((d) => trimmed.startsWith(d)))
    throw unknownDevice(trimmed, devices);
  return trimmed;
}

function resolveNames(value: unknown, devices: DeviceLookup): unknown {
  if (Array.isArray(value)) return value.map((v) => (typeof v === "string" && devices.has(v) ? devices.get(v) : resolveNames(v, devices)));
  return value;
}

function device(name: string, devices: DeviceLookup): object {
  const d = devices.get(name);
  if (!d) throw unknownDevice(name, devices);
  return d;
}

function unknownDevice(name: string, devices: DeviceLookup): InvalidArgumentError {
  return new InvalidArgumentError(
    `unknown device '${name}' (not a number either); known devices: ${[...devices.keys()].join(", ")}`,
    name,
  );
}
