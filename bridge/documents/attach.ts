/** Connects a document source (Observable or `subscribe(cb)` function) to a publish function. */
import { isObservable } from "rxjs";
import type { AnyDocument, DocumentName } from "../../engine/documents/types.ts";
import type { Attachment, DocumentSource } from "./bus.ts";

export function attachSource(source: DocumentSource, publish: (name: DocumentName, doc: AnyDocument) => void): Attachment {
  if (isObservable(source)) {
    const sub = source.subscribe(([name, doc]) => publish(name, doc));
    return { handle: sub, unsubscribe: () => sub.unsubscribe() };
  }
  let attached = true;
  const handle = source((name, doc) => {
    if (attached) publish(name, doc);
  });
  return {
    handle,
    unsubscribe: () => {
      attached = false;
      if (typeof handle === "function") (handle as () => void)();
      else if (typeof (handle as { unsubscribe?: unknown })?.unsubscribe === "function") (handle as { unsubscribe(): void }).unsubscribe();
    },
  };
}
