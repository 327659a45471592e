/**
 * The embedded default: the same publisher / durable consumer / replay interface as the NATS bus, over an
 * in-memory log. Documents are copied through JSON on the way in, exactly as the wire would carry them (NaN
 * becomes null, no shared objects between engine and agents), and de-duplicated by the same message id.
 */
import { Observable, Subject } from "rxjs";
import { documentProblems } from "../../engine/documents/validate.ts";
import type { AnyDocument, DocumentName, NamedDocument } from "../../engine/documents/types.ts";
import { InvalidArgumentError } from "../../engine/errors.ts";
import { ClosedError, RunNotFoundError } from "../errors.ts";
import { documentMsgId, documentSubject, requireSubjectToken } from "../wire.ts";
import { attachSource } from "./attach.ts";
import type {
  Attachment,
  DocumentBus,
  DocumentConsumerApi,
  DocumentConsumerConfig,
  DocumentHandler,
  DocumentPublisherApi,
  DocumentSource,
  InvalidDocument,
} from "./bus.ts";
import { ConsumerBusyError } from "./consumer.ts";
import { RunFilter } from "./run_filter.ts";

export const DEFAULT_IN_PROCESS_INSTRUMENT = "local";
export const DEFAULT_IN_PROCESS_MAX_DOCUMENTS = 1_000_000;

export interface InProcessBusOptions {
  /** Only names the subject, for symmetry with the NATS bus. @default DEFAULT_IN_PROCESS_INSTRUMENT */
  instrument?: string;
  /** Oldest documents are dropped beyond this many. @default DEFAULT_IN_PROCESS_MAX_DOCUMENTS */
  maxDocuments?: number;
}

export class InProcessBus implements DocumentBus {
  readonly subject: string;
  private log: NamedDocument[] = [];
  /** Absolute index of `log[0]`. */
  private base = 0;
  private readonly ids = new Set<string>();
  private readonly idOrder: string[] = [];
  private readonly durables = new Map<string, number>();
  private wake: (() => void)[] = [];
  private readonly maxDocuments: number;
  private closed = false;
  private duplicateCount = 0;

  constructor(options: InProcessBusOptions = {}) {
    this.subject = documentSubject(options.instrument ?? DEFAULT_IN_PROCESS_INSTRUMENT);
    this.maxDocuments = options.maxDocuments ?? DEFAULT_IN_PROCESS_MAX_DOCUMENTS;
    if (!(this.maxDocuments > 0)) throw new InvalidArgumentError(`maxDocuments must be positive, got ${this.maxDocuments}`, this.maxDocuments);
  }

  /** Documents held. */
  get size(): number {
    return this.log.length;
  }

  /** Documents dropped because their message id had been seen. */
  get duplicates(): number {
    return this.duplicateCount;
  }

  /** Index of the next document `durable` will receive (absolute, counting dropped ones). */
  position(durable: string): number | undefined {
    return this.durables.get(durable);
  }

  append(name: DocumentName, doc: AnyDocument): void {
    if (this.closed) throw new ClosedError(`in-process bus ${this.subject}`);
    const id = `${name === "datum" || name === "datum_page" ? "d" : "u"}:${documentMsgId(name, doc)}`;
    if (this.ids.has(id)) {
      this.duplicateCount++;
      return;
    }
    this.ids.add(id);
    this.idOrder.push(id);
    this.log.push(JSON.parse(JSON.stringify([name, doc])) as NamedDocument);
    if (this.log.length > this.maxDocuments) {
      const drop = this.log.length - this.maxDocuments;
      this.log = this.log.slice(drop);
      this.base += drop;
      for (const old of this.idOrder.splice(0, drop)) this.ids.delete(old);
    }
    const wake = this.wake;
    this.wake = [];
    for (const w of wake) w();
  }

  /** The document at absolute index `i`, if held. */
  get(i: number): NamedDocument | undefined {
    return i >= this.base ? this.log[i - this.base] : undefined;
  }

  /** Resolves at the next append, `nudge()` or `close()`. */
  changed(): Promise<void> {
    return new Promise<void>((r) => this.wake.push(r));
  }

  get end(): number {
    return this.base + this.log.length;
  }

  get start(): number {
    return this.base;
  }

  /** Wakes every waiting consumer without a document (used to stop them). */
  nudge(): void {
    const wake = this.wake;
    this.wake = [];
    for (const w of wake) w();
  }

  ack(durable: string, next: number): void {
    this.durables.set(durable, next);
  }

  async publisher(): Promise<DocumentPublisherApi> {
    return new InProcessPublisher(this);
  }

  async consumer(config: DocumentConsumerConfig): Promise<InProcessConsumer> {
    requireSubjectToken(config.durable, "durable");
    if (!this.durables.has(config.durable)) this.durables.set(config.durable, config.deliver === "new" ? this.end : this.base);
    return new InProcessConsumer(this, config);
  }

  replayRun(uid: string): Observable<NamedDocument> {
    return new Observable<NamedDocument>((sub) => {
      const filter = new RunFilter(uid);
      for (const [name, doc] of this.log) {
        if (sub.closed) return;
        if (filter.accepts(name, doc)) sub.next([name, doc] as NamedDocument);
        if (filter.done) break;
      }
      if (!filter.hasStart) sub.error(new RunNotFoundError(uid, `in-process bus ${this.subject}`));
      else sub.complete();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    this.nudge();
  }

  get isClosed(): boolean {
    return this.closed;
  }
}

class InProcessPublisher implements DocumentPublisherApi {
  private readonly errors = new Subject<Error>();
  readonly callback = (name: DocumentName, doc: AnyDocument): void => this.publish(name, doc);

  constructor(private readonly bus: InProcessBus) {}

  get errors$(): Observable<Error> {
    return this.errors.asObservable();
  }

  publish(name: DocumentName, doc: AnyDocument): void {
    this.bus.append(name, doc);
  }

  attach(source: DocumentSource): Attachment {
    return attachSource(source, this.callback);
  }

  async flush(): Promise<void> {}

  async close(): Promise<void> {
    this.errors.complete();
  }
}

export class InProcessConsumer implements DocumentConsumerApi {
  readonly durable: string;
  private readonly invalid = new Subject<InvalidDocument>();
  private active: { stop(): void; done: Promise<void> } | undefined;
  private closed = false;

  constructor(
    private readonly bus: InProcessBus,
    private readonly config: DocumentConsumerConfig,
  ) {
    this.durable = config.durable;
  }

  get invalid$(): Observable<InvalidDocument> {
    return this.invalid.asObservable();
  }

  documents(handler?: DocumentHandler): Observable<NamedDocument> {
    return new Observable<NamedDocument>((sub) => {
      let stopped = false;
      const stop = (): void => {
        stopped = true;
        this.bus.nudge();
      };
      try {
        this.claim(stop, async () => {
          for (;;) {
            const next = await this.nextDocument(() => stopped);
            if (next === undefined) return;
            const [i, doc] = next;
            if (doc !== undefined) {
              if (handler !== undefined) await handler(doc);
              if (!sub.closed) sub.next(doc);
            }
            this.bus.ack(this.durable, i + 1);
            if (stopped) return;
          }
        }).then(
          () => sub.complete(),
          (err: unknown) => sub.error(err),
        );
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
        let stopped = false;
        let release!: () => void;
        const finished = new Promise<void>((r) => (release = r));
        void self.claim(
          () => {
            stopped = true;
            self.bus.nudge();
          },
          () => finished,
        );
        try {
          for (;;) {
            const next = await self.nextDocument(() => stopped);
            if (next === undefined) return;
            const [i, doc] = next;
            if (doc !== undefined) yield doc;
            self.bus.ack(self.durable, i + 1);
          }
        } finally {
          release();
        }
      },
    };
  }

  replayRun(uid: string): Observable<NamedDocument> {
    return this.bus.replayRun(uid);
  }

  async stop(): Promise<void> {
    const active = this.active;
    if (active === undefined) return;
    active.stop();
    await active.done.catch(() => undefined);
  }

  async close(): Promise<void> {
    await this.stop();
    this.closed = true;
    this.invalid.complete();
  }

  /** The next index and its document (undefined document: dropped as invalid), or undefined when stopping. */
  private async nextDocument(stopped: () => boolean): Promise<[number, NamedDocument | undefined] | undefined> {
    const i = Math.max(this.bus.position(this.durable) ?? 0, this.bus.start);
    while (i >= this.bus.end) {
      if (stopped() || this.bus.isClosed) return undefined;
      await this.bus.changed();
    }
    const doc = this.bus.get(i)!;
    if (this.config.validate ?? true) {
      const problems = documentProblems(doc[0], doc[1]);
      if (problems.length > 0) {
        this.invalid.next({ name: doc[0], reason: problems.join("; "), seq: i });
        return [i, undefined];
      }
    }
    return [i, doc];
  }

  private claim(stop: () => void, run: () => Promise<void>): Promise<void> {
    if (this.closed) throw new ClosedError(`in-process consumer '${this.durable}'`);
    if (this.active !== undefined) throw new ConsumerBusyError(this.durable);
    const done = run().finally(() => {
      this.active = undefined;
    });
    this.active = { stop, done };
    return done;
  }
}
