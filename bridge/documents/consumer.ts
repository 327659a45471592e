/**
 * An agent's view of the document stream: a durable pull consumer whose progress the server keeps, so an
 * agent that stops (or crashes) and starts again resumes with the first document it had not acknowledged.
 *
 * Documents are handled one at a time and acknowledged in order, so the consumer's acknowledgement floor is
 * exactly "everything handled". Documents that a previous instance had pulled but not acknowledged would
 * otherwise come back only after the ack wait, behind newer ones; instead, each new subscription that finds
 * such documents re-creates the durable consumer just past the acknowledgement floor, so they come first and
 * in order. One instance per durable name is the model (one agent, one progress).
 */
import { Observable, Subject } from "rxjs";
import { AckPolicy, DeliverPolicy, nanos } from "nats";
import type { ConsumerConfig, ConsumerMessages, JetStreamClient, JetStreamManager, JsMsg, NatsConnection } from "nats";
import { documentProblems } from "../../engine/documents/validate.ts";
import type { NamedDocument } from "../../engine/documents/types.ts";
import { SkyloopError } from "../../engine/errors.ts";
import { ClosedError, RunNotFoundError } from "../errors.ts";
import { documentSubject, parseDocumentPair, requireSubjectToken } from "../wire.ts";
import type { DocumentConsumerApi, DocumentConsumerConfig, DocumentHandler, InvalidDocument } from "./bus.ts";
import { connectNats } from "./nats_connection.ts";
import type { NatsConnectionOptions } from "./nats_connection.ts";
import { RunFilter } from "./run_filter.ts";
import { documentStreamName, ensureDocumentStream } from "./stream.ts";
import type { DocumentStreamOptions } from "./stream.ts";

export const DEFAULT_CONSUMER_BATCH = 256;
export const DEFAULT_ACK_WAIT_MS = 30_000;
export const DEFAULT_MAX_ACK_PENDING = 1_024;

export interface DocumentConsumerOptions extends DocumentConsumerConfig {
  instrument: string;
  /** An open connection to share; its owner closes it. */
  connection?: NatsConnection;
  /** How to connect when no `connection` is given. */
  nats?: NatsConnectionOptions;
  stream?: DocumentStreamOptions;
  /** Documents pulled per request. @default DEFAULT_CONSUMER_BATCH */
  batch?: number;
  /** How long the server waits for an acknowledgement before delivering again. @default DEFAULT_ACK_WAIT_MS */
  ackWaitMs?: number;
  /** @default DEFAULT_MAX_ACK_PENDING */
  maxAckPending?: number;
}

/** A second subscription while one is running: documents would be split between them. */
export class ConsumerBusyError extends SkyloopError {
  constructor(readonly durable: string) {
    super(`durable consumer '${durable}' is already being consumed; unsubscribe the first subscription before starting another`);
  }
}

export class DocumentConsumer implements DocumentConsumerApi {
  readonly durable: string;
  readonly subject: string;
  readonly streamName: string;

  private readonly js: JetStreamClient;
  private readonly invalid = new Subject<InvalidDocument>();
  private active: { stop(): void; done: Promise<void> } | undefined;
  private closed = false;

  private constructor(
    private readonly nc: NatsConnection,
    private readonly jsm: JetStreamManager,
    private readonly ownsConnection: boolean,
    private readonly options: DocumentConsumerOptions,
  ) {
    this.durable = requireSubjectToken(options.durable, "durable");
    this.subject = documentSubject(options.instrument);
    this.streamName = documentStreamName(options.instrument, options.stream);
    this.js = nc.jetstream();
  }

  /** Connects (unless given a connection), creates the stream if needed and the durable consumer if new. */
  static async connect(options: DocumentConsumerOptions): Promise<DocumentConsumer> {
    requireSubjectToken(options.durable, "durable");
    const nc = options.connection ?? (await connectNats(options.nats));
    try {
      const jsm = await nc.jetstreamManager();
      await ensureDocumentStream(jsm, options.instrument, options.stream);
      const consumer = new DocumentConsumer(nc, jsm, options.connection === undefined, options);
      await consumer.ensureDurable();
      return consumer;
    } catch (err) {
      if (options.connection === undefined) await nc.close();
      throw err;
    }
  }

  get invalid$(): Observable<InvalidDocument> {
    return this.invalid.asObservable();
  }

  documents(handler?: DocumentHandler): Observable<NamedDocument> {
    return new Observable<NamedDocument>((sub) => {
      let messages: ConsumerMessages | undefined;
      let stopped = false;
      const stop = (): void => {
        stopped = true;
        void messages?.close();
      };
      const run = async (): Promise<void> => {
        messages = await this.openMessages();
        // Closed before anyone iterates, the iterator would never settle its close(); the loop ends at once.
        if (stopped) void messages.close();
        for await (const m of messages) {
          const doc = this.decode(m);
          if (doc === undefined) continue;
          try {
            if (handler !== undefined) await handler(doc);
          } catch (err) {
            m.nak();
            throw err;
          }
          if (!sub.closed) sub.next(doc);
          m.ack();
          if (stopped) break;
        }
      };
      try {
        this.claim(stop, run, (err) => (err === undefined ? sub.complete() : sub.error(err)));
      } catch (err) {
        sub.error(err);
      }
      return stop;
    });
  }

  iterate(): AsyncIterable<NamedDocument> {
    const self = this;
    return {
      async *[Symbol.asyncIterator]() {
        let release!: () => void;
        const finished = new Promise<void>((r) => (release = r));
        let messages: ConsumerMessages | undefined;
        const claimed = self.claim(
          () => void messages?.close(),
          () => finished,
          () => undefined,
        );
        try {
          messages = await self.openMessages();
          for await (const m of messages) {
            const doc = self.decode(m);
            if (doc === undefined) continue;
            yield doc;
            // Reached only when the loop asks for the next document: the body has handled this one.
            m.ack();
          }
        } finally {
          void messages?.close();
          release();
          await claimed;
        }
      },
    };
  }

  /** Every stored document of run `uid`, in order; see `replayRunFromStream`. */
  replayRun(uid: string): Observable<NamedDocument> {
    return replayRunFromStream(this.nc, this.options.instrument, uid, this.options.stream);
  }

  /** Stops consuming (letting the document in hand finish and be acknowledged); progress stays on the server. */
  async stop(): Promise<void> {
    const active = this.active;
    if (active === undefined) return;
    active.stop();
    await active.done.catch(() => undefined);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.stop();
    this.closed = true;
    this.invalid.complete();
    if (this.ownsConnection) await this.nc.close();
  }

  /** Removes the durable consumer and the progress kept under its name. */
  async deleteDurable(): Promise<void> {
    await this.stop();
    await this.jsm.consumers.delete(this.streamName, this.durable);
  }

  private claim(stop: () => void, run: () => Promise<void>, settle: (err?: unknown) => void): Promise<void> {
    if (this.closed) throw new ClosedError(`document consumer '${this.durable}'`);
    if (this.active !== undefined) throw new ConsumerBusyError(this.durable);
    const done = (async () => {
      let failure: { err: unknown } | undefined;
      try {
        await run();
      } catch (err) {
        failure = { err };
      }
      // Acknowledgements are fire-and-forget: make sure the server has them before reporting the end.
      await this.nc.flush().catch(() => undefined);
      // Released before settling, so a subscriber may start again from its complete or error callback.
      this.active = undefined;
      if (failure === undefined) settle();
      else settle(failure.err);
    })();
    this.active = { stop, done };
    return done;
  }

  private config(start?: number): Partial<ConsumerConfig> {
    const config: Partial<ConsumerConfig> = {
      durable_name: this.durable,
      ack_policy: AckPolicy.Explicit,
      ack_wait: nanos(this.options.ackWaitMs ?? DEFAULT_ACK_WAIT_MS),
      max_ack_pending: this.options.maxAckPending ?? DEFAULT_MAX_ACK_PENDING,
      filter_subject: this.subject,
      deliver_policy: this.options.deliver === "new" ? DeliverPolicy.New : DeliverPolicy.All,
    };
    if (start !== undefined) {
      config.deliver_policy = DeliverPolicy.StartSequence;
      config.opt_start_seq = start;
    }
    return config;
  }

  private async ensureDurable(): Promise<void> {
    try {
      await this.jsm.consumers.info(this.streamName, this.durable);
    } catch (err) {
      if ((err as { api_error?: { err_code?: number } }).api_error?.err_code !== 10014 && !/consumer not found/i.test((err as Error).message)) throw err;
      await this.jsm.consumers.add(this.streamName, this.config());
    }
  }

  private async openMessages(): Promise<ConsumerMessages> {
    const info = await this.jsm.consumers.info(this.streamName, this.durable);
    if (info.num_ack_pending > 0) {
      const start = info.ack_floor.stream_seq + 1;
      await this.jsm.consumers.delete(this.streamName, this.durable);
      await this.jsm.consumers.add(this.streamName, this.config(start));
    }
    const consumer = await this.js.consumers.get(this.streamName, this.durable);
    return consumer.consume({ max_messages: this.options.batch ?? DEFAULT_CONSUMER_BATCH });
  }

  private decode(m: JsMsg): NamedDocument | undefined {
    let pair: NamedDocument;
    try {
      pair = parseDocumentPair(m.data);
    } catch (err) {
      m.term();
      this.invalid.next({ name: "?", reason: (err as Error).message, seq: m.seq });
      return undefined;
    }
    if (this.options.validate ?? true) {
      const problems = documentProblems(pair[0], pair[1]);
      if (problems.length > 0) {
        m.term();
        this.invalid.next({ name: pair[0], reason: problems.join("; "), seq: m.seq });
        return undefined;
      }
    }
    return pair;
  }
}

/**
 * Every stored document of run `uid` in stream order, read with an ordered consumer (nothing is acknowledged,
 * no progress is kept). Completes after the run's stop, or at the end of the stream when the run has not
 * stopped yet; fails with `RunNotFoundError` when the stream holds no start for it.
 */
export function replayRunFromStream(
  nc: NatsConnection,
  instrument: string,
  uid: string,
  streamOptions?: DocumentStreamOptions,
): Observable<NamedDocument> {
  const subject = documentSubject(instrument);
  const streamName = documentStreamName(instrument, streamOptions);
  return new Observable<NamedDocument>((sub) => {
    let messages: ConsumerMessages | undefined;
    let stopped = false;
    const run = async (): Promise<void> => {
      const jsm = await nc.jetstreamManager();
      const info = await jsm.streams.info(streamName);
      if (info.state.messages === 0) throw new RunNotFoundError(uid, `stream ${streamName}`);
      const consumer = await nc.jetstream().consumers.get(streamName, { filterSubjects: subject });
      messages = await consumer.consume({ max_messages: DEFAULT_CONSUMER_BATCH });
      if (stopped) void messages.close();
      const filter = new RunFilter(uid);
      for await (const m of messages) {
        let pair: NamedDocument | undefined;
        try {
          pair = parseDocumentPair(m.data);
        } catch {
          pair = undefined;
        }
        if (pair !== undefined && filter.accepts(pair[0], pair[1])) sub.next(pair);
        if (stopped || filter.done || m.info.pending === 0) break;
      }
      if (!stopped && !filter.hasStart) throw new RunNotFoundError(uid, `stream ${streamName}`);
    };
    run()
      .then(
        () => sub.complete(),
        (err: unknown) => sub.error(err),
      )
      .finally(() => void messages?.close());
    return () => {
      stopped = true;
      void messages?.close();
    };
  });
}
