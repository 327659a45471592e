import { randomUUID } from "node:crypto";

/**
 * A short unique label such as `set-3f2a9c`, after Bluesky's `short_uid`: used for `group` names, so that
 * statuses from different steps (or nested plans) never end up waited on together.
 */
export function shortUid(label: string, length = 6): string {
  return `${label}-${randomUUID().slice(0, length)}`;
}
