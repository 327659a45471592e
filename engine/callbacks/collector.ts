/**
 * DocumentCollector keeps every document, grouped by run, with accessors for tests and scripts:
 * `collector.run().events("primary")`, `collector.run().column("det")`, ...
 */
import { unpackEventPage } from "../documents/compose.ts";
import type {
  AnyDocument,
  DocumentCallback,
  DocumentMap,
  DocumentName,
  Event,
  EventDescriptor,
  NamedDocument,
  RunStart,
  RunStop,
} from "../documents/types.ts";
import { InvalidArgumentError } from "../errors.ts";
import { RunTracker } from "./run-tracker.ts";

/** The documents of one run, in arrival order. */
export class CollectedRun {
  readonly documents: NamedDocument[] = [];

  constructor(readonly start: RunStart) {}

  get uid(): string {
    return this.start.uid;
  }

  /** The stop document, once the run has ended. */
  get stop(): RunStop | undefined {
    return this.byName("stop")[0];
  }

  get descriptors(): EventDescriptor[] {
    return this.byName("descriptor");
  }

  /** Every document of one kind, in arrival order. */
  byName<K extends DocumentName>(name: K): DocumentMap[K][] {
    return this.documents.filter(([n]) => n === name).map(([, doc]) => doc as DocumentMap[K]);
  }

  /** The descriptors of one stream (a stream may have several, one per change of configuration). */
  descriptorsOf(stream: string): EventDescriptor[] {
    return this.descriptors.filter((d) => (d.name ?? "") === stream);
  }

  /** Names of the streams that have a descriptor, in order of first appearance. */
  get streams(): string[] {
    return [...new Set(this.descriptors.map((d) => d.name ?? ""))];
  }

  /** Events of one stream, whether they arrived singly or in pages, in arrival order. */
  events(stream = "primary"): Event[] {
    const uids = new Set(this.descriptorsOf(stream).map((d) => d.uid));
    const events: Event[] = [];
    for (const [name, doc] of this.documents) {
      if (name === "event" && uids.has(doc.descriptor)) events.push(doc);
      else if (name === "event_page" && uids.has(doc.descriptor)) events.push(...unpackEventPage(doc));
    }
    return events;
  }

  /** The values of one data key over a stream's events. */
  column(field: string, stream = "primary"): unknown[] {
    return this.events(stream).map((e) => e.data[field]);
  }
}

export class DocumentCollector {
  readonly callback: DocumentCallback = (name, doc) => this.collect(name, doc);
  /** Every run seen, in order of their start documents. */
  readonly runs: CollectedRun[] = [];
  /** Every document received, including any that belong to no run, in arrival order. */
  readonly documents: NamedDocument[] = [];
  private readonly tracker = new RunTracker();
  private readonly byUid = new Map<string, CollectedRun>();

  /** The run with start uid `uid`, or the latest run when none is given. */
  run(uid?: string): CollectedRun {
    const run = uid === undefined ? this.runs[this.runs.length - 1] : this.byUid.get(uid);
    if (run === undefined) {
      throw new InvalidArgumentError(
        uid === undefined ? "no run has been collected yet" : `no run with start uid '${uid}' has been collected`,
        uid,
      );
    }
    return run;
  }

  /** Every document of one kind across all runs. */
  byName<K extends DocumentName>(name: K): DocumentMap[K][] {
    return this.documents.filter(([n]) => n === name).map(([, doc]) => doc as DocumentMap[K]);
  }

  clear(): void {
    this.runs.length = 0;
    this.documents.length = 0;
    this.byUid.clear();
  }

  private collect(name: DocumentName, doc: AnyDocument): void {
    const pair = [name, doc] as NamedDocument;
    this.documents.push(pair);
    const runUid = this.tracker.track(name, doc);
    if (name === "start") {
      const run = new CollectedRun(doc as RunStart);
      this.runs.push(run);
      this.byUid.set(run.uid, run);
    }
    if (runUid !== undefined) this.byUid.get(runUid)?.documents.push(pair);
    if (name === "stop" && runUid !== undefined) this.tracker.close(runUid);
  }
}
