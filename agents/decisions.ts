/**
 * Where an agent's decisions go: `skyloop.<instrument>.decisions.<agent>`, kept on a JetStream stream (file
 * storage) between processes, or an in-process log in embedded mode. Either way the log is also what a
 * restarted agent reads to learn which documents it has answered already, so it never decides twice: each
 * record names the document it answers (`answers`), and on NATS that is also its `Nats-Msg-Id`, so a record
 * published twice is stored once.
 */
import { Observable, Subject } from "rxjs";
import { DiscardPolicy, RetentionPolicy, StorageType, nanos } from "nats";
import type { JetStreamClient, JetStreamManager, NatsConnection } from "nats";
import { connectNats } from "../bridge/documents/nats_connection.ts";
import type { NatsConnectionOptions } from "../bridge/documents/nats_connection.ts";
import { ClosedError } from "../bridge/errors.ts";
import { decisionSubject, encodeJson, parseDecisionRecord, requireSubjectToken, validateDecisionRecord } from "../bridge/wire.ts";
import type { DecisionRecord } from "../bridge/wire.ts";

export const DEFAULT_DECISION_MAX_AGE_MS = 30 * 24 * 3600 * 1000;
export const DEFAULT_DECISION_DUPLICATE_WINDOW_MS = 10 * 60 * 1000;

export interface DecisionLog {
  /** `skyloop.<instrument>.decisions.<agent>` for `agent`. */
  subject(agent: string): string;
  /** Every record published through this log, as it is stored. */
  readonly records$: Observable<DecisionRecord>;
  /** Stores one record; resolves once it is stored (acknowledged by the server). */
  publish(record: DecisionRecord): Promise<void>;
  /** Every record `agent` has stored, oldest first. */
  history(agent: string): Promise<DecisionRecord[]>;
  close(): Promise<void>;
}

/** The id a record is de-duplicated by: the agent and the document it answers. */
export function decisionId(record: Pick<DecisionRecord, "agent" | "answers" | "time">): string {
  return `${record.agent}:${record.answers ?? `t${record.time}`}`;
}

/** The embedded default: records kept in memory, checked against the wire shape as NATS would carry them. */
export class InProcessDecisionLog implements DecisionLog {
  private readonly records: DecisionRecord[] = [];
  private readonly ids = new Set<string>();
  private readonly subjectRecords = new Subject<DecisionRecord>();
  private closed = false;

  constructor(readonly instrument: string) {
    requireSubjectToken(instrument, "instrument");
  }

  subject(agent: string): string {
    return decisionSubject(this.instrument, agent);
  }

  get records$(): Observable<DecisionRecord> {
    return this.subjectRecords.asObservable();
  }

  /** Every record held, oldest first. */
  get all(): readonly DecisionRecord[] {
    return this.records;
  }

  async publish(record: DecisionRecord): Promise<void> {
    if (this.closed) throw new ClosedError(`decision log of ${this.instrument}`);
    const copy = validateDecisionRecord(JSON.parse(JSON.stringify(record)));
    const id = decisionId(copy);
    if (this.ids.has(id)) return;
    this.ids.add(id);
    this.records.push(copy);
    this.subjectRecords.next(copy);
  }

  async history(agent: string): Promise<DecisionRecord[]> {
    return this.records.filter((r) => r.agent === agent);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.subjectRecords.complete();
  }
}

export interface NatsDecisionLogOptions {
  instrument: string;
  /** An open connection to share (its owner closes it); otherwise one is opened with `nats`. */
  connection?: NatsConnection;
  nats?: NatsConnectionOptions;
  /** @default `SKYLOOP_<INSTRUMENT>_DECISIONS` */
  streamName?: string;
  /** @default DEFAULT_DECISION_MAX_AGE_MS */
  maxAgeMs?: number;
}

export function decisionStreamName(instrument: string): string {
  return `SKYLOOP_${requireSubjectToken(instrument, "instrument").toUpperCase().replaceAll("-", "_")}_DECISIONS`;
}

/** Decisions on a JetStream stream over `skyloop.<instrument>.decisions.>`, created on first use. */
export class NatsDecisionLog implements DecisionLog {
  private readonly js: JetStreamClient;
  private readonly published = new Subject<DecisionRecord>();
  private closed = false;

  private constructor(
    private readonly nc: NatsConnection,
    private readonly jsm: JetStreamManager,
    private readonly ownsConnection: boolean,
    readonly instrument: string,
    readonly streamName: string,
  ) {
    this.js = nc.jetstream();
  }

  static async connect(options: NatsDecisionLogOptions): Promise<NatsDecisionLog> {
    requireSubjectToken(options.instrument, "instrument");
    const nc = options.connection ?? (await connectNats(options.nats));
    try {
      const jsm = await nc.jetstreamManager();
      const name = options.streamName ?? decisionStreamName(options.instrument);
      const subjects = [`skyloop.${options.instrument}.decisions.>`];
      try {
        await jsm.streams.info(name);
      } catch {
        await jsm.streams.add({
          name,
          subjects,
          storage: StorageType.File,
          retention: RetentionPolicy.Limits,
          discard: DiscardPolicy.Old,
          max_age: nanos(options.maxAgeMs ?? DEFAULT_DECISION_MAX_AGE_MS),
          duplicate_window: nanos(DEFAULT_DECISION_DUPLICATE_WINDOW_MS),
        });
      }
      return new NatsDecisionLog(nc, jsm, options.connection === undefined, options.instrument, name);
    } catch (err) {
      if (options.connection === undefined) await nc.close();
      throw err;
    }
  }

  subject(agent: string): string {
    return decisionSubject(this.instrument, agent);
  }

  get records$(): Observable<DecisionRecord> {
    return this.published.asObservable();
  }

  async publish(record: DecisionRecord): Promise<void> {
    if (this.closed) throw new ClosedError(`decision log of ${this.instrument}`);
    const checked = validateDecisionRecord(JSON.parse(JSON.stringify(record)));
    await this.js.publish(this.subject(checked.agent), encodeJson(checked), { msgID: decisionId(checked) });
    this.published.next(checked);
  }

  async history(agent: string): Promise<DecisionRecord[]> {
    const subject = this.subject(agent);
    const info = await this.jsm.streams.info(this.streamName, { subjects_filter: subject });
    const count = info.state.subjects?.[subject] ?? 0;
    if (count === 0) return [];
    const consumer = await this.js.consumers.get(this.streamName, { filterSubjects: subject });
    const messages = await consumer.consume({ max_messages: 512 });
    const out: DecisionRecord[] = [];
    try {
      for await (const m of messages) {
        try {
          out.push(parseDecisionRecord(m.data));
        } catch {
          // A record that does not fit the shape answers nothing we can trust; it is skipped.
        }
        if (m.info.pending === 0) break;
      }
    } finally {
      await messages.close();
    }
    return out;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.published.complete();
    if (this.ownsConnection) await this.nc.close();
  }
}
