/**
 * The fields a run says are worth showing: the start document's dimensions for the stream (the independent
 * axes), then every field the descriptor hints, in order, without duplicates and only where the stream has
 * that data key.
 */
import type { EventDescriptor, RunStart } from "../documents/types.ts";

export function dimensionFields(start: RunStart | undefined, stream: string): string[] {
  const dimensions = start?.hints?.dimensions ?? [];
  return dimensions.filter(([, s]) => s === stream).flatMap(([fields]) => fields);
}

export function descriptorHintedFields(descriptor: EventDescriptor): string[] {
  return Object.values(descriptor.hints ?? {}).flatMap((hint) =>
    hint !== null && typeof hint === "object" && Array.isArray(hint.fields) ? hint.fields : [],
  );
}

export function hintedFields(start: RunStart | undefined, descriptor: EventDescriptor): string[] {
  const stream = descriptor.name ?? "";
  const fields = [...dimensionFields(start, stream), ...descriptorHintedFields(descriptor)];
  return [...new Set(fields)].filter((f) => Object.hasOwn(descriptor.data_keys, f));
}
