/**
 * Picks one run's documents out of a stream that holds many: the start names the run, and every other
 * document belongs to it through the chain of uids it refers to (descriptor -> event, resource -> datum).
 */
import type { AnyDocument, DocumentName } from "../../engine/documents/types.ts";

export class RunFilter {
  private readonly descriptors = new Set<string>();
  private readonly resources = new Set<string>();
  private started = false;
  private stopped = false;

  constructor(readonly runUid: string) {}

  /** True once the run's start has been seen. */
  get hasStart(): boolean {
    return this.started;
  }

  /** True once the run's stop has been seen: nothing of it follows. */
  get done(): boolean {
    return this.stopped;
  }

  /** Whether `doc` belongs to the run; remembers the uids later documents will refer to. */
  accepts(name: DocumentName, doc: AnyDocument): boolean {
    const d = doc as unknown as Record<string, unknown>;
    switch (name) {
      case "start":
        if (d.uid !== this.runUid) return false;
        this.started = true;
        return true;
      case "stop":
        if (d.run_start !== this.runUid) return false;
        this.stopped = true;
        return true;
      case "descriptor":
        if (d.run_start !== this.runUid) return false;
        this.descriptors.add(d.uid as string);
        return true;
      case "resource":
      case "stream_resource":
        if (d.run_start !== this.runUid) return false;
        this.resources.add(d.uid as string);
        return true;
      case "event":
      case "event_page":
        return this.descriptors.has(d.descriptor as string);
      case "datum":
      case "datum_page":
        return this.resources.has(d.resource as string);
      case "stream_datum":
        return this.resources.has(d.stream_resource as string) || this.descriptors.has(d.descriptor as string);
      default:
        return false;
    }
  }
}
