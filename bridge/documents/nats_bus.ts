/**
 * The document bus between processes: one NATS connection shared by the publisher, the consumers and replays
 * made from it.
 */
import type { Observable } from "rxjs";
import type { NatsConnection } from "nats";
import type { NamedDocument } from "../../engine/documents/types.ts";
import { documentSubject } from "../wire.ts";
import type { DocumentBus, DocumentConsumerConfig } from "./bus.ts";
import { DocumentConsumer, replayRunFromStream } from "./consumer.ts";
import type { DocumentConsumerOptions } from "./consumer.ts";
import { connectNats } from "./nats_connection.ts";
import type { NatsConnectionOptions } from "./nats_connection.ts";
import { DocumentPublisher } from "./publisher.ts";
import type { DocumentPublisherOptions } from "./publisher.ts";
import { ensureDocumentStream } from "./stream.ts";
import type { DocumentStreamOptions } from "./stream.ts";

export interface NatsDocumentBusOptions {
  instrument: string;
  nats?: NatsConnectionOptions;
  stream?: DocumentStreamOptions;
  /** Passed to every publisher made here (window, timeouts, validation). */
  publisher?: Omit<DocumentPublisherOptions, "instrument" | "connection" | "nats" | "stream">;
  /** Passed to every consumer made here (batch, ack wait). */
  consumer?: Omit<DocumentConsumerOptions, "instrument" | "connection" | "nats" | "stream" | "durable">;
}

export class NatsDocumentBus implements DocumentBus {
  readonly subject: string;
  private readonly opened: { close(): Promise<void> }[] = [];

  private constructor(
    readonly connection: NatsConnection,
    private readonly options: NatsDocumentBusOptions,
  ) {
    this.subject = documentSubject(options.instrument);
  }

  /** Connects and creates or updates the stream; fails with `BridgeConnectionError` naming the URL. */
  static async connect(options: NatsDocumentBusOptions): Promise<NatsDocumentBus> {
    documentSubject(options.instrument);
    const nc = await connectNats(options.nats);
    try {
      await ensureDocumentStream(await nc.jetstreamManager(), options.instrument, options.stream);
    } catch (err) {
      await nc.close();
      throw err;
    }
    return new NatsDocumentBus(nc, options);
  }

  async publisher(): Promise<DocumentPublisher> {
    const p = await DocumentPublisher.connect({
      ...this.options.publisher,
      instrument: this.options.instrument,
      connection: this.connection,
      ...(this.options.stream ? { stream: this.options.stream } : {}),
    });
    this.opened.push(p);
    return p;
  }

  async consumer(config: DocumentConsumerConfig): Promise<DocumentConsumer> {
    const c = await DocumentConsumer.connect({
      ...this.options.consumer,
      ...config,
      instrument: this.options.instrument,
      connection: this.connection,
      ...(this.options.stream ? { stream: this.options.stream } : {}),
    });
    this.opened.push(c);
    return c;
  }

  replayRun(uid: string): Observable<NamedDocument> {
    return replayRunFromStream(this.connection, this.options.instrument, uid, this.options.stream);
  }

  /** Flushes publishers, stops consumers, then drains and closes the connection. */
  async close(): Promise<void> {
    for (const o of this.opened.splice(0)) await o.close().catch(() => undefined);
    if (!this.connection.isClosed()) await this.connection.drain().catch(() => this.connection.close());
  }
}
