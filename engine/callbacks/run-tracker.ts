/**
 * Works out which run a document belongs to. Only start, descriptor and stop name their run; events point at
 * a descriptor, datums at a resource, and resources may omit `run_start`. Several runs may be open at once
 * (the RunEngine allows it), so the links are followed rather than assuming "the current run".
 */
import type {
  AnyDocument,
  Datum,
  DatumPage,
  DocumentName,
  Event,
  EventDescriptor,
  EventPage,
  Resource,
  RunStart,
  RunStop,
  StreamDatum,
  StreamResource,
} from "../documents/types.ts";

export class RunTracker {
  private readonly open: string[] = [];
  private readonly descriptorRun = new Map<string, string>();
  private readonly resourceRun = new Map<string, string>();

  /**
   * The start uid of the run `doc` belongs to, remembering the links it creates. A document that names no
   * run and links to nothing known (e.g. a resource without `run_start`) goes to the most recently opened
   * run; undefined when no run is open.
   */
  track(name: DocumentName, doc: AnyDocument): string | undefined {
    switch (name) {
      case "start": {
        const uid = (doc as RunStart).uid;
        this.open.push(uid);
        return uid;
      }
      case "descriptor": {
        const d = doc as EventDescriptor;
        this.descriptorRun.set(d.uid, d.run_start);
        return d.run_start;
      }
      case "stop":
        return (doc as RunStop).run_start;
      case "event":
      case "event_page":
      case "stream_datum":
        return this.descriptorRun.get((doc as Event | EventPage | StreamDatum).descriptor) ?? this.latest();
      case "resource":
      case "stream_resource": {
        const r = doc as Resource | StreamResource;
        const run = r.run_start || this.latest();
        if (run !== undefined) this.resourceRun.set(r.uid, run);
        return run;
      }
      case "datum":
      case "datum_page":
        return this.resourceRun.get((doc as Datum | DatumPage).resource) ?? this.latest();
    }
  }

  /** Forgets a run's links once its stop has been handled. */
  close(runUid: string): void {
    const i = this.open.indexOf(runUid);
    if (i >= 0) this.open.splice(i, 1);
    for (const map of [this.descriptorRun, this.resourceRun]) {
      for (const [key, run] of map) if (run === runUid) map.delete(key);
    }
  }

  /** Start uids of runs that have started and not stopped, oldest first. */
  get openRuns(): readonly string[] {
    return this.open;
  }

  private latest(): string | undefined {
    return this.open[this.open.length - 1];
  }
}
