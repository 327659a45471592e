/**
 * What the engine and the agents see of the document stream, whichever transport carries it: NATS JetStream
 * between processes, or an in-process log for the embedded default. Both implement these interfaces, so the
 * parts above the transport share every line.
 */
import type { Observable, Unsubscribable } from "rxjs";
import type { AnyDocument, DocumentCallback, DocumentName, NamedDocument } from "../../engine/documents/types.ts";

/**
 * Where documents come from: an Observable of pairs, or a `subscribe(cb)` function such as the RunEngine's.
 * Whatever the function returns (an unsubscribe function, a Subscription, a token) is passed back by `attach`.
 */
export type DocumentSource = Observable<NamedDocument> | ((cb: DocumentCallback) => unknown);

export interface Attachment extends Unsubscribable {
  /** What the source's `subscribe` returned, e.g. the RunEngine's subscription token. */
  readonly handle: unknown;
}

export interface DocumentPublisherApi {
  /** Queues one document; never blocks the caller. */
  publish(name: DocumentName, doc: AnyDocument): void;
  /** `publish` bound to this publisher, to hand to `RunEngine.subscribe`. */
  readonly callback: DocumentCallback;
  /** Publishes everything `source` emits until the returned attachment is unsubscribed. */
  attach(source: DocumentSource): Attachment;
  /** Resolves when every document published so far is stored (acknowledged). */
  flush(timeoutMs?: number): Promise<void>;
  /** Flushes, then releases the transport. */
  close(): Promise<void>;
  /** Transient failures (server gone, ack timeouts); the publisher keeps retrying in order. */
  readonly errors$: Observable<Error>;
}

/** Handles one document; the document is acknowledged only after the returned promise resolves. */
export type DocumentHandler = (doc: NamedDocument) => void | Promise<void>;

/** A document that failed validation on receipt and was dropped (never redelivered). */
export interface InvalidDocument {
  readonly name: string;
  readonly reason: string;
  /** Position in the stream (JetStream sequence or in-process index). */
  readonly seq: number;
}

export interface DocumentConsumerApi {
  /** The durable name: progress is kept under it across restarts. */
  readonly durable: string;
  /**
   * Every document not yet acknowledged under this durable name, in order. Each is acknowledged after
   * `handler` (if any) resolves and the subscriber's `next` returns. A handler that throws ends the stream
   * with its error and leaves the document unacknowledged, to be delivered again on the next subscription.
   * One subscription at a time.
   */
  documents(handler?: DocumentHandler): Observable<NamedDocument>;
  /** The same as a loop: each document is acknowledged when the loop body asks for the next one. */
  iterate(): AsyncIterable<NamedDocument>;
  readonly invalid$: Observable<InvalidDocument>;
  /** Stops consuming; progress stays under the durable name. */
  close(): Promise<void>;
}

export interface DocumentConsumerConfig {
  durable: string;
  /** Where a durable seen for the first time starts: every stored document, or only new ones. @default "all" */
  deliver?: "all" | "new";
  /** Check each document against event-model's schema on receipt; invalid ones go to `invalid$`. @default true */
  validate?: boolean;
}

export interface DocumentBus {
  /** `skyloop.<instrument>.docs` */
  readonly subject: string;
  publisher(): Promise<DocumentPublisherApi>;
  consumer(config: DocumentConsumerConfig): Promise<DocumentConsumerApi>;
  /** Every document of one run, from its start to its stop, then completes. */
  replayRun(uid: string): Observable<NamedDocument>;
  close(): Promise<void>;
}
