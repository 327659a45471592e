/**
 * Publishes documents to JetStream in the order they were made, with up to `window` publishes awaiting their
 * acknowledgement at once. Documents wait in a queue until the server acknowledges them; when a publish
 * fails (server gone, ack lost) the publisher lets the in-flight ones settle, then sends again from the first
 * unacknowledged document, in order. Every document carries its uid as `Nats-Msg-Id`, so a copy the server
 * did store before the failure is dropped by the stream's duplicate window instead of stored twice.
 *
 * Publishes go out as plain messages with a reply subject under one inbox of the publisher's (JetStream
 * answers each with its acknowledgement there), which is about three times faster than a request per
 * document. Each document also names the one before it (`Nats-Expected-Last-Msg-Id`): a document that
 * reaches the stream ahead of a lost predecessor (sent from the client's reconnect buffer, say) is refused
 * rather than stored out of order, and the publisher sends again from the predecessor. So one publisher
 * writes to an instrument's stream at a time, as one RunEngine drives one instrument.
 */
import { Subject } from "rxjs";
import type { Observable } from "rxjs";
import { createInbox, headers } from "nats";
import type { Msg, NatsConnection, Subscription } from "nats";
import { documentProblems } from "../../engine/documents/validate.ts";
import type { AnyDocument, DocumentCallback, DocumentName } from "../../engine/documents/types.ts";
import { DocumentValidationError, InvalidArgumentError, SkyloopError, TimeoutError } from "../../engine/errors.ts";
import { ClosedError, PublishBufferFullError } from "../errors.ts";
import { documentMsgId, documentSubject, encodeDocument } from "../wire.ts";
import { attachSource } from "./attach.ts";
import type { Attachment, DocumentPublisherApi, DocumentSource } from "./bus.ts";
import { connectNats } from "./nats_connection.ts";
import type { NatsConnectionOptions } from "./nats_connection.ts";
import { documentStreamName, ensureDocumentStream } from "./stream.ts";
import type { DocumentStreamOptions } from "./stream.ts";

export const DEFAULT_PUBLISH_WINDOW = 256;
export const DEFAULT_ACK_TIMEOUT_MS = 2_000;
export const DEFAULT_RETRY_WAIT_MS = 100;
export const DEFAULT_MAX_BUFFERED = 1_000_000;
export const DEFAULT_CLOSE_TIMEOUT_MS = 10_000;

/** JetStream's error code for a failed `Nats-Expected-Last-Msg-Id` check. */
const WRONG_LAST_MSG_ID = 10070;

export interface DocumentPublisherOptions {
  instrument: string;
  /** An open connection to share; its owner closes it. */
  connection?: NatsConnection;
  /** How to connect when no `connection` is given. */
  nats?: NatsConnectionOptions;
  stream?: DocumentStreamOptions;
  /** Publishes awaiting their acknowledgement at once. @default DEFAULT_PUBLISH_WINDOW */
  window?: number;
  /** @default DEFAULT_ACK_TIMEOUT_MS */
  ackTimeoutMs?: number;
  /** Pause before sending again after a failure. @default DEFAULT_RETRY_WAIT_MS */
  retryWaitMs?: number;
  /** Documents held (sent or not) before `publish` refuses more. @default DEFAULT_MAX_BUFFERED */
  maxBuffered?: number;
  /**
   * Each document names its predecessor, so the stream refuses one that arrives out of order. Turn off only
   * when several publishers share the stream. @default true
   */
  strictOrder?: boolean;
  /** Check each document against event-model's schema before queueing it. @default false (the RunEngine already does) */
  validate?: boolean;
  /** How long `close()` waits for outstanding acknowledgements. @default DEFAULT_CLOSE_TIMEOUT_MS */
  closeTimeoutMs?: number;
}

/** A publish that failed and is being sent again; carries the underlying error. */
export class PublishRetryError extends SkyloopError {
  constructor(
    readonly subject: string,
    readonly pending: number,
    options: { cause: unknown },
  ) {
    super(`publishing to ${subject} failed (${(options.cause as Error)?.message ?? String(options.cause)}); sending ${pending} documents again`, options);
  }
}

export interface PublisherStats {
  /** Documents handed to `publish`. */
  queued: number;
  /** Documents the stream acknowledged (stored, or already stored). */
  acked: number;
  /** Acknowledgements that said "duplicate": a re-sent copy the stream dropped. */
  duplicates: number;
  /** Times the publisher went back to its first unacknowledged document. */
  retries: number;
}

interface Entry {
  readonly seq: number;
  readonly msgId: string;
  /** The document published before this one, which the stream must hold last. */
  readonly prevMsgId: string | undefined;
  readonly payload: Uint8Array;
  acked: boolean;
  sentAt: number;
  /** Send without naming the predecessor (see `onReply`). */
  relaxed?: boolean;
}

/** A negative acknowledgement or a missing one, with the code `retry()` looks at. */
class PublishFailure extends SkyloopError {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

interface FlushWaiter {
  readonly seq: number;
  resolve(): void;
}

function positive(value: number | undefined, fallback: number, what: string): number {
  const v = value ?? fallback;
  if (!Number.isFinite(v) || v <= 0) throw new InvalidArgumentError(`${what} must be a positive number, got ${v}`, v);
  return v;
}

export class DocumentPublisher implements DocumentPublisherApi {
  readonly subject: string;
  readonly streamName: string;
  readonly callback: DocumentCallback = (name, doc) => this.publish(name, doc);
  readonly stats: PublisherStats = { queued: 0, acked: 0, duplicates: 0, retries: 0 };

  private readonly inbox = createInbox();
  private readonly replies: Subscription;
  /** Bumped at each failure: replies to publishes of an earlier generation can only confirm, never fail. */
  private generation = 0;
  private readonly inFlight = new Map<number, Entry>();
  private watchdog: NodeJS.Timeout | undefined;
  private lastMsgId: string | undefined;
  private readonly errors = new Subject<Error>();
  private readonly window: number;
  private readonly ackTimeoutMs: number;
  private readonly retryWaitMs: number;
  private readonly maxBuffered: number;
  private queue: Entry[] = [];
  private head = 0;
  private next = 0;
  private seq = 0;
  private recovering = false;
  private lastError: unknown;
  private waiters: FlushWaiter[] = [];
  private closed = false;
  private retryTimer: NodeJS.Timeout | undefined;

  private constructor(
    private readonly nc: NatsConnection,
    private readonly ownsConnection: boolean,
    private readonly options: DocumentPublisherOptions,
  ) {
    this.subject = documentSubject(options.instrument);
    this.streamName = documentStreamName(options.instrument, options.stream);
    this.replies = nc.subscribe(`${this.inbox}.>`, { callback: (_err, m) => this.onReply(m) });
    this.window = positive(options.window, DEFAULT_PUBLISH_WINDOW, "window");
    this.ackTimeoutMs = positive(options.ackTimeoutMs, DEFAULT_ACK_TIMEOUT_MS, "ackTimeoutMs");
    this.retryWaitMs = positive(options.retryWaitMs, DEFAULT_RETRY_WAIT_MS, "retryWaitMs");
    this.maxBuffered = positive(options.maxBuffered, DEFAULT_MAX_BUFFERED, "maxBuffered");
  }

  /** Connects (unless given a connection) and creates or updates the stream. */
  static async connect(options: DocumentPublisherOptions): Promise<DocumentPublisher> {
    documentSubject(options.instrument);
    const nc = options.connection ?? (await connectNats(options.nats));
    try {
      await ensureDocumentStream(await nc.jetstreamManager(), options.instrument, options.stream);
      return new DocumentPublisher(nc, options.connection === undefined, options);
    } catch (err) {
      if (options.connection === undefined) await nc.close();
      throw err;
    }
  }

  get errors$(): Observable<Error> {
    return this.errors.asObservable();
  }

  /** Documents not yet acknowledged. */
  get pending(): number {
    return this.queue.length - this.head;
  }

  publish(name: DocumentName, doc: AnyDocument): void {
    if (this.closed) throw new ClosedError(`document publisher for ${this.subject}`);
    if (this.options.validate) {
      const problems = documentProblems(name, doc);
      if (problems.length > 0) throw new DocumentValidationError(name, problems);
    }
    if (this.pending >= this.maxBuffered) throw new PublishBufferFullError(this.maxBuffered);
    const msgId = documentMsgId(name, doc);
    this.queue.push({ seq: ++this.seq, msgId, prevMsgId: this.lastMsgId, payload: encodeDocument(name, doc), acked: false, sentAt: 0 });
    this.lastMsgId = msgId;
    this.stats.queued++;
    this.pump();
  }

  attach(source: DocumentSource): Attachment {
    return attachSource(source, (name, doc) => this.publish(name, doc));
  }

  flush(timeoutMs?: number): Promise<void> {
    const target = this.seq;
    if (this.settledThrough(target)) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const waiter: FlushWaiter = {
        seq: target,
        resolve: () => {
          if (timer !== undefined) clearTimeout(timer);
          resolve();
        },
      };
      this.waiters.push(waiter);
      if (timeoutMs !== undefined) {
        timer = setTimeout(() => {
          this.waiters = this.waiters.filter((w) => w !== waiter);
          const last = this.lastError === undefined ? undefined : String((this.lastError as Error).message ?? this.lastError);
          reject(new TimeoutError(`flush of ${this.pending} documents to ${this.subject}`, timeoutMs, last));
        }, timeoutMs);
      }
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    try {
      await this.flush(this.options.closeTimeoutMs ?? DEFAULT_CLOSE_TIMEOUT_MS);
    } finally {
      this.closed = true;
      if (this.retryTimer !== undefined) clearTimeout(this.retryTimer);
      if (this.watchdog !== undefined) clearInterval(this.watchdog);
      this.replies.unsubscribe();
      this.errors.complete();
      if (this.ownsConnection) await this.nc.close();
    }
  }

  private settledThrough(seq: number): boolean {
    return this.head >= this.queue.length || this.queue[this.head]!.seq > seq;
  }

  private pump(): void {
    if (this.recovering || this.closed) return;
    while (this.inFlight.size < this.window && this.next < this.queue.length) {
      const entry = this.queue[this.next++]!;
      if (!entry.acked) this.send(entry);
    }
  }

  private send(entry: Entry): void {
    const h = headers();
    h.set("Nats-Msg-Id", entry.msgId);
    h.set("Nats-Expected-Stream", this.streamName);
    if ((this.options.strictOrder ?? true) && entry.prevMsgId !== undefined && !entry.relaxed) h.set("Nats-Expected-Last-Msg-Id", entry.prevMsgId);
    entry.sentAt = Date.now();
    this.inFlight.set(entry.seq, entry);
    try {
      this.nc.publish(this.subject, entry.payload, { headers: h, reply: `${this.inbox}.${this.generation}.${entry.seq}` });
    } catch (err) {
      this.fail(new PublishFailure((err as { code?: string }).code ?? "PUBLISH", (err as Error).message));
      return;
    }
    if (this.watchdog === undefined) {
      this.watchdog = setInterval(() => this.checkAcks(), Math.min(250, Math.max(10, this.ackTimeoutMs / 4)));
      this.watchdog.unref();
    }
  }

  private entryFor(seq: number): Entry | undefined {
    const first = this.queue[0];
    return first === undefined ? undefined : this.queue[seq - first.seq];
  }

  private onReply(m: Msg): void {
    const tokens = m.subject.split(".");
    const generation = Number(tokens[tokens.length - 2]);
    const seq = Number(tokens[tokens.length - 1]);
    const current = generation === this.generation;
    const entry = this.entryFor(seq);
    if (m.headers?.code === 503) {
      if (current) this.fail(new PublishFailure("503", `no JetStream stream answered on ${this.subject}`));
      return;
    }
    let ack: { error?: { code?: number; err_code?: number; description?: string }; duplicate?: boolean };
    try {
      ack = JSON.parse(new TextDecoder().decode(m.data)) as typeof ack;
    } catch {
      if (current) this.fail(new PublishFailure("BAD_ACK", "unreadable acknowledgement"));
      return;
    }
    if (ack.error !== undefined) {
      // "Wrong last msg id" for the first unacknowledged document cannot be a reordering (everything before it
      // is stored): the stream's last document is a copy dropped as a duplicate, or another publisher's.
      if (ack.error.err_code === WRONG_LAST_MSG_ID && entry !== undefined && entry === this.queue[this.head]) entry.relaxed = true;
      if (current) this.fail(new PublishFailure(String(ack.error.err_code ?? ack.error.code ?? "ERROR"), ack.error.description ?? "refused"));
      return;
    }
    if (current) this.inFlight.delete(seq);
    if (entry !== undefined && entry.seq === seq && !entry.acked) {
      entry.acked = true;
      this.stats.acked++;
      if (ack.duplicate) this.stats.duplicates++;
    }
    this.advance();
    this.pump();
  }

  private checkAcks(): void {
    const oldest = this.inFlight.values().next().value;
    if (oldest === undefined) {
      if (this.watchdog !== undefined) clearInterval(this.watchdog);
      this.watchdog = undefined;
      return;
    }
    if (Date.now() - oldest.sentAt > this.ackTimeoutMs) {
      this.fail(new PublishFailure("TIMEOUT", `no acknowledgement within ${this.ackTimeoutMs} ms`));
    }
  }

  private fail(err: PublishFailure): void {
    this.lastError = err;
    if (this.recovering) return;
    this.recovering = true;
    this.generation++;
    this.inFlight.clear();
    this.stats.retries++;
    this.errors.next(new PublishRetryError(this.subject, this.pending, { cause: err }));
    this.scheduleRetry();
  }

  private scheduleRetry(): void {
    if (this.retryTimer !== undefined || this.closed) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      void this.retry();
    }, this.retryWaitMs);
  }

  private async retry(): Promise<void> {
    const code = (this.lastError as PublishFailure | undefined)?.code;
    if (code === "503") {
      // No responders: JetStream is still starting, or the stream is gone (a server with a fresh store).
      try {
        await ensureDocumentStream(await this.nc.jetstreamManager({ timeout: this.ackTimeoutMs }), this.options.instrument, this.options.stream);
      } catch {
        // The server is not ready yet; the next failure brings us back here.
      }
    }
    this.next = this.head;
    this.recovering = false;
    this.pump();
  }

  private advance(): void {
    while (this.head < this.queue.length && this.queue[this.head]!.acked) this.head++;
    if (this.head > 4096 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.next -= this.head;
      this.head = 0;
    }
    if (this.waiters.length > 0) {
      const done = this.waiters.filter((w) => this.settledThrough(w.seq));
      if (done.length > 0) {
        this.waiters = this.waiters.filter((w) => !done.includes(w));
        for (const w of done) w.resolve();
      }
    }
  }
}
