/**
 * The base of skyloop's callbacks, after event-model's DocumentRouter: `callback` dispatches each document to
 * the method named for its kind. Pages are unpacked into single events and datums by default, so a subclass
 * that only overrides `event` also sees events that arrive as pages.
 */
import { unpackDatumPage, unpackEventPage } from "../documents/compose.ts";
import type {
  AnyDocument,
  Datum,
  DatumPage,
  DocumentCallback,
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

export abstract class DocumentRouter {
  /** Subscribe this to the RunEngine (or any document stream). Bound, so it can be passed around alone. */
  readonly callback: DocumentCallback = (name, doc) => this.route(name, doc);

  protected route(name: DocumentName, doc: AnyDocument): void {
    switch (name) {
      case "start":
        return this.start(doc as RunStart);
      case "descriptor":
        return this.descriptor(doc as EventDescriptor);
      case "event":
        return this.event(doc as Event);
      case "event_page":
        return this.eventPage(doc as EventPage);
      case "stop":
        return this.stop(doc as RunStop);
      case "resource":
        return this.resource(doc as Resource);
      case "datum":
        return this.datum(doc as Datum);
      case "datum_page":
        return this.datumPage(doc as DatumPage);
      case "stream_resource":
        return this.streamResource(doc as StreamResource);
      case "stream_datum":
        return this.streamDatum(doc as StreamDatum);
    }
  }

  protected start(_doc: RunStart): void {}
  protected descriptor(_doc: EventDescriptor): void {}
  protected event(_doc: Event): void {}
  protected eventPage(doc: EventPage): void {
    for (const event of unpackEventPage(doc)) this.event(event);
  }
  protected stop(_doc: RunStop): void {}
  protected resource(_doc: Resource): void {}
  protected datum(_doc: Datum): void {}
  protected datumPage(doc: DatumPage): void {
    for (const datum of unpackDatumPage(doc)) this.datum(datum);
  }
  protected streamResource(_doc: StreamResource): void {}
  protected streamDatum(_doc: StreamDatum): void {}
}
