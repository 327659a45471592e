/**
 * The live view's feed over NATS: the instrument's document stream read with an ordered consumer (nothing
 * acknowledged, no durable left behind), starting far enough back to catch up on the current run, plus the
 * decisions and training subjects. Where a JetStream stream keeps decisions or training progress, the last
 * messages are read from it first; otherwise only what is published from now on is seen.
 */
import { Observable, merge } from "rxjs";
import { DeliverPolicy } from "nats";
import type { ConsumerMessages, JsMsg, NatsConnection, OrderedConsumerOptions } from "nats";
import { connectNats } from "../bridge/documents/nats_connection.ts";
import type { NatsConnectionOptions } from "../bridge/documents/nats_connection.ts";
import { documentStreamName, ensureDocumentStream } from "../bridge/documents/stream.ts";
import type { DocumentStreamOptions } from "../bridge/documents/stream.ts";
import { documentSubject, parseDecisionRecord, parseDocumentPair, requireSubjectToken } from "../bridge/wire.ts";
import { InvalidArgumentError } from "../engine/errors.ts";
import type { WatchFeed, WatchInput } from "./feed.ts";
import { parseTrainingProgress, trainingWildcard } from "../bridge/training.ts";

/** Documents read back from the stream when the feed starts: enough for a long run and the ones before it. */
export const DEFAULT_CATCH_UP_DOCUMENTS = 20_000;
/** Decisions and training messages read back, where a stream keeps them. */
export const DEFAULT_CATCH_UP_MESSAGES = 2_000;
export const DEFAULT_FEED_BATCH = 256;

export interface NatsFeedOptions {
  /** An open connection; its owner closes it. */
  connection: NatsConnection;
  instrument: string;
  /** @default DEFAULT_CATCH_UP_DOCUMENTS */
  catchUpDocuments?: number;
  /** @default DEFAULT_CATCH_UP_MESSAGES */
  catchUpMessages?: number;
  stream?: DocumentStreamOptions;
  /** Shown on the page. @default the connection's server */
  source?: string;
}

/** `skyloop.<instrument>.decisions.*` */
export function decisionWildcard(instrument: string): string {
  return `skyloop.${requireSubjectToken(instrument, "instrument")}.decisions.*`;
}

function nonNegative(value: number, what: string): number {
  if (!Number.isSafeInteger(value) || value < 0) throw new InvalidArgumentError(`${what} must be an integer >= 0, got ${value}`, value);
  return value;
}

/** Reads `stream` from `back` messages before its end, then follows it; completes when unsubscribed. */
function followStream(nc: NatsConnection, stream: string, subject: string, back: number): Observable<JsMsg> {
  return new Observable<JsMsg>((sub) => {
    let messages: ConsumerMessages | undefined;
    let stopped = false;
    void (async () => {
      const info = await (await nc.jetstreamManager()).streams.info(stream);
      const opts: Partial<OrderedConsumerOptions> = { filterSubjects: subject };
      if (info.state.messages > 0 && back > 0) {
        opts.deliver_policy = DeliverPolicy.StartSequence;
        opts.opt_start_seq = Math.max(info.state.first_seq, info.state.last_seq - back + 1);
      } else {
        opts.deliver_policy = back > 0 ? DeliverPolicy.All : DeliverPolicy.New;
      }
      const consumer = await nc.jetstream().consumers.get(stream, opts);
      messages = await consumer.consume({ max_messages: DEFAULT_FEED_BATCH });
      if (stopped) void messages.close();
      for await (const m of messages) {
        if (stopped) break;
        sub.next(m);
      }
    })().then(
      () => sub.complete(),
      (err: unknown) => (stopped ? sub.complete() : sub.error(err)),
    );
    return () => {
      stopped = true;
      void messages?.close();
    };
  });
}

/** Core NATS messages on `subject`, or the stream that keeps them (read back `back` messages) if there is one. */
function followSubject(nc: NatsConnection, subject: string, back: number): Observable<{ subject: string; data: Uint8Array }> {
  return new Observable<{ subject: string; data: Uint8Array }>((sub) => {
    let inner: { unsubscribe(): void } | undefined;
    let stopped = false;
    void (async () => {
      const stream = await (await nc.jetstreamManager()).streams.find(subject).catch(() => undefined);
      if (stopped) return;
      if (stream !== undefined) {
        inner = followStream(nc, stream, subject, back).subscribe({
          next: (m) => sub.next({ subject: m.subject, data: m.data }),
          error: (err: unknown) => sub.error(err),
          complete: () => sub.complete(),
        });
      } else {
        const s = nc.subscribe(subject, { callback: (err, m) => (err ? sub.error(err) : sub.next({ subject: m.subject, data: m.data })) });
        inner = { unsubscribe: () => s.unsubscribe() };
      }
    })();
    return () => {
      stopped = true;
      inner?.unsubscribe();
    };
  });
}

function connectionStates(nc: NatsConnection, source: string): Observable<WatchInput> {
  return new Observable<WatchInput>((sub) => {
    let stopped = false;
    sub.next({ kind: "connection", connected: true, detail: `connected to ${source}` });
    void (async () => {
      for await (const s of nc.status()) {
        if (stopped) break;
        if (s.type === "disconnect") sub.next({ kind: "connection", connected: false, detail: `disconnected from ${String(s.data)}` });
        else if (s.type === "reconnect") sub.next({ kind: "connection", connected: true, detail: `reconnected to ${String(s.data)}` });
      }
    })();
    return () => {
      stopped = true;
    };
  });
}

/** A feed over an open NATS connection. */
export async function natsFeed(options: NatsFeedOptions): Promise<WatchFeed> {
  const nc = options.connection;
  const instrument = options.instrument;
  const subject = documentSubject(instrument);
  const catchUpDocuments = nonNegative(options.catchUpDocuments ?? DEFAULT_CATCH_UP_DOCUMENTS, "catchUpDocuments");
  const catchUpMessages = nonNegative(options.catchUpMessages ?? DEFAULT_CATCH_UP_MESSAGES, "catchUpMessages");
  // The engine creates the stream on its first publish; creating it here (same configuration) lets the view
  // start first and wait.
  await ensureDocumentStream(await nc.jetstreamManager(), instrument, options.stream);
  const streamName = documentStreamName(instrument, options.stream);
  const source = options.source ?? nc.getServer();

  const documents = new Observable<WatchInput>((sub) =>
    followStream(nc, streamName, subject, catchUpDocuments).subscribe({
      next: (m) => {
        try {
          sub.next({ kind: "document", doc: parseDocumentPair(m.data) });
        } catch (err) {
          sub.next({ kind: "invalid", subject: m.subject, reason: (err as Error).message });
        }
      },
      error: (err: unknown) => sub.error(err),
      complete: () => sub.complete(),
    }),
  );
  const decode = (wildcard: string, parse: (data: Uint8Array) => WatchInput): Observable<WatchInput> =>
    new Observable<WatchInput>((sub) =>
      followSubject(nc, wildcard, catchUpMessages).subscribe({
        next: (m) => {
          try {
            sub.next(parse(m.data));
          } catch (err) {
            sub.next({ kind: "invalid", subject: m.subject, reason: (err as Error).message });
          }
        },
        error: (err: unknown) => sub.error(err),
        complete: () => sub.complete(),
      }),
    );
  const inputs$ = merge(
    connectionStates(nc, source),
    documents,
    decode(decisionWildcard(instrument), (data) => ({ kind: "decision", record: parseDecisionRecord(data) })),
    decode(trainingWildcard(instrument), (data) => ({ kind: "training", progress: parseTrainingProgress(data) })),
  );
  return { source, instrument, inputs$, close: async () => {} };
}

export interface ConnectNatsFeedOptions extends Omit<NatsFeedOptions, "connection"> {
  nats?: NatsConnectionOptions;
}

/** Connects (failing fast with `BridgeConnectionError` naming the URL) and returns a feed that owns the connection. */
export async function connectNatsFeed(options: ConnectNatsFeedOptions): Promise<WatchFeed & { readonly connection: NatsConnection }> {
  const nc = await connectNats({ name: "skyloop-watch", ...options.nats });
  try {
    const feed = await natsFeed({ ...options, connection: nc });
    return {
      ...feed,
      connection: nc,
      close: async () => {
        if (!nc.isClosed()) await nc.drain().catch(() => nc.close());
      },
    };
  } catch (err) {
    await nc.close();
    throw err;
  }
}
