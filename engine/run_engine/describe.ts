/**
 * What the engine needs to know about a device to write a descriptor: its data keys, configuration and
 * hints, gathered through the protocols only.
 */
import type { Configuration, DataKey, EventDescriptor } from "../documents/types.ts";
import { InvalidArgumentError } from "../errors.ts";
import { hasHints, isConfigurable } from "../protocols.ts";
import type { HasName, Reading } from "../protocols.ts";

export interface DescribedObject {
  readonly obj: HasName;
  readonly dataKeys: Record<string, DataKey>;
  readonly configuration: Configuration;
}

export async function configurationOf(obj: unknown): Promise<Configuration> {
  if (!isConfigurable(obj)) return { data: {}, timestamps: {}, data_keys: {} };
  const [readings, dataKeys] = await Promise.all([obj.readConfiguration(), obj.describeConfiguration()]);
  const data: Record<string, unknown> = {};
  const timestamps: Record<string, number> = {};
  for (const k in readings) {
    data[k] = readings[k]!.value;
    timestamps[k] = readings[k]!.timestamp;
  }
  return { data, timestamps, data_keys: dataKeys };
}

/** The parts of a descriptor made from its objects; `filled` lists the external keys (null when none). */
export interface DescriptorParts {
  readonly data_keys: Record<string, DataKey>;
  readonly configuration: Record<string, Configuration>;
  readonly hints: NonNullable<EventDescriptor["hints"]>;
  readonly object_keys: Record<string, string[]>;
  readonly filled: Record<string, false> | null;
}

export function descriptorParts(objects: readonly DescribedObject[]): DescriptorParts {
  const data_keys: Record<string, DataKey> = {};
  const configuration: Record<string, Configuration> = {};
  const hints: NonNullable<EventDescriptor["hints"]> = {};
  const object_keys: Record<string, string[]> = {};
  const owner: Record<string, string> = {};
  let filled: Record<string, false> | null = null;
  for (const { obj, dataKeys, configuration: conf } of objects) {
    const name = obj.name;
    for (const k in dataKeys) {
      if (owner[k] !== undefined) {
        throw new InvalidArgumentError(
          `data key ${JSON.stringify(k)} of ${name} collides with the same key of ${owner[k]} in one event`,
          k,
        );
      }
      owner[k] = name;
      const dk = { ...dataKeys[k]!, object_name: name };
      data_keys[k] = dk;
      if (dk.external && !isStreamKey(dk)) (filled ??= {})[k] = false;
    }
    object_keys[name] = Object.keys(dataKeys);
    configuration[name] = conf;
    if (hasHints(obj)) hints[name] = { ...obj.hints } as NonNullable<EventDescriptor["hints"]>[string];
  }
  return { data_keys, configuration, hints, object_keys, filled };
}

/** Data stored by a stream resource: described, but never in an event (its stream datums say where it is). */
export const isStreamKey = (dk: DataKey): boolean => typeof dk.external === "string" && dk.external.startsWith("STREAM:");

/**
 * Fails when read() and describe() disagree on the keys: the event would not match its descriptor. Keys
 * described as `external: "STREAM:"` are not read.
 */
export function checkReadingKeys(obj: HasName, reading: Record<string, Reading>, dataKeys: Record<string, DataKey>): void {
  const read = Object.keys(reading);
  const described = Object.keys(dataKeys).filter((k) => !isStreamKey(dataKeys[k]!));
  if (read.length === described.length && read.every((k) => k in dataKeys && !isStreamKey(dataKeys[k]!))) return;
  throw new InvalidArgumentError(
    `${obj.name}: read() gave keys ${JSON.stringify(read)} but describe() gave ${JSON.stringify(described)}`,
    read,
  );
}
