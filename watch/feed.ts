/**
 * What the live view follows, merged into one stream: documents, decisions, training progress, engine status
 * and the state of the connection that carries them. A feed over NATS (`natsFeed`) and one over the
 * in-process bus (`inProcessFeed`) give the same stream.
 */
import { Observable, merge } from "rxjs";
import { map } from "rxjs/operators";
import type { InProcessBus } from "../bridge/documents/in_process_bus.ts";
import type { DecisionRecord } from "../bridge/wire.ts";
import type { NamedDocument } from "../engine/documents/types.ts";
import type { EngineStatus } from "./control.ts";
import type { TrainingProgress } from "../bridge/training.ts";

export type WatchInput =
  | { readonly kind: "document"; readonly doc: NamedDocument }
  | { readonly kind: "decision"; readonly record: DecisionRecord }
  | { readonly kind: "training"; readonly progress: TrainingProgress }
  | { readonly kind: "status"; readonly status: EngineStatus }
  | { readonly kind: "connection"; readonly connected: boolean; readonly detail: string }
  /** A message that did not fit its shape; shown, then dropped. */
  | { readonly kind: "invalid"; readonly subject: string; readonly reason: string };

export interface WatchFeed {
  /** Where the feed comes from, for the page header ("nats://host:4222", "in-process"). */
  readonly source: string;
  readonly instrument: string;
  readonly inputs$: Observable<WatchInput>;
  close(): Promise<void>;
}

/**
 * Every document the bus holds from its oldest, then each new one as it is appended. Reads the log directly
 * (no durable consumer), so watching leaves no trace on the bus.
 */
export function followInProcessBus(bus: InProcessBus): Observable<NamedDocument> {
  return new Observable<NamedDocument>((sub) => {
    let stopped = false;
    void (async () => {
      let i = bus.start;
      while (!stopped) {
        if (i < bus.start) i = bus.start;
        while (i < bus.end && !stopped) {
          const doc = bus.get(i++);
          if (doc !== undefined) sub.next(doc);
        }
        if (bus.isClosed) break;
        await bus.changed();
      }
      sub.complete();
    })();
    return () => {
      stopped = true;
    };
  });
}

export interface InProcessFeedOptions {
  /** @default "local" */
  instrument?: string;
  /** The embedded document bus to follow. */
  bus?: InProcessBus;
  /** Or any stream of documents (e.g. the RunEngine's `documents$`). */
  documents$?: Observable<NamedDocument>;
  decisions$?: Observable<DecisionRecord>;
  training$?: Observable<TrainingProgress>;
}

/** A feed for a campaign running in this process. */
export function inProcessFeed(options: InProcessFeedOptions): WatchFeed {
  const sources: Observable<WatchInput>[] = [];
  if (options.bus !== undefined) sources.push(followInProcessBus(options.bus).pipe(map((doc): WatchInput => ({ kind: "document", doc }))));
  if (options.documents$ !== undefined) sources.push(options.documents$.pipe(map((doc): WatchInput => ({ kind: "document", doc }))));
  if (options.decisions$ !== undefined) sources.push(options.decisions$.pipe(map((record): WatchInput => ({ kind: "decision", record }))));
  if (options.training$ !== undefined) sources.push(options.training$.pipe(map((progress): WatchInput => ({ kind: "training", progress }))));
  return {
    source: "in-process",
    instrument: options.instrument ?? "local",
    inputs$: merge(...sources),
    close: async () => {},
  };
}
