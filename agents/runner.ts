/**
 * The AgentRunner connects a document stream to an agent and the agent to the engine: it turns documents into
 * `tell` and `ask` calls, per event (lock-step inside a run: each event is answered by one suggestion) or per
 * run (the run's events are told at its stop and answered together), records every decision, and sends each
 * suggestion over the suggestion wire.
 *
 * Exactly-once in practice: each decision names the document it answers and is stored before its suggestion
 * is sent; the document is acknowledged after both. A runner that restarts reads its decision history first:
 * a redelivered document it has answered already is told to the agent (to rebuild its state) but not decided
 * again; the stored suggestion is sent once more under the same id, which the engine's plan recognises and
 * acts on at most once. A runner that resumes in the middle of a run replays the run's earlier documents from
 * the bus to learn its descriptors and rebuild the agent's state.
 *
 * Only runs of the answered plans are answered (the agent loop's, by default); runs of the orbit response
 * measurement plan are fitted into a measured response matrix for agents that take one (`setResponse`).
 */
import { Subject, firstValueFrom, toArray } from "rxjs";
import type { Observable, Subscription } from "rxjs";
import type { DocumentConsumerApi } from "../bridge/documents/bus.ts";
import { ClosedError } from "../bridge/errors.ts";
import type { SuggestionInput } from "../bridge/suggestions/client.ts";
import { WIRE_VERSION } from "../bridge/wire.ts";
import type { DecisionRecord, PointTargets, SuggestionReply } from "../bridge/wire.ts";
import type { AnyDocument, DocumentName, Event, EventDescriptor, EventPage, NamedDocument, RunStart, RunStop } from "../engine/documents/types.ts";
import { InvalidArgumentError, SkyloopError } from "../engine/errors.ts";
import type { Matrix } from "../sims/math/index.ts";
import type { Agent, JsonValue, Suggestion, TellRecord } from "./core/agent.ts";
import { measurementFromData } from "./core/fields.ts";
import type { Measurement } from "./core/fields.ts";
import type { DecisionLog } from "./decisions.ts";
import { fitResponse } from "./runner_response.ts";

export const RunnerMode = {
  PerEvent: "per_event",
  PerRun: "per_run",
} as const;
export type RunnerMode = (typeof RunnerMode)[keyof typeof RunnerMode];

/** The plan names a runner answers and learns from by default (the engine's agent loop and ORM plans). */
export const DEFAULT_ANSWER_PLANS: readonly string[] = ["agent_loop"];
export const DEFAULT_RESPONSE_PLANS: readonly string[] = ["orbit_response_matrix"];

/** The agent side of the suggestion wire (bridge's SuggestionClient). */
export interface SuggestionSender {
  suggest(input: SuggestionInput): Promise<SuggestionReply>;
}

export interface AgentRunnerOptions {
  agent: Agent;
  consumer: DocumentConsumerApi;
  client: SuggestionSender;
  decisions: DecisionLog;
  /** @default "per_event" */
  mode?: RunnerMode;
  /** The plan named in suggestions. @default "agent_loop" */
  plan?: string;
  /** Runs whose start has one of these `plan_name`s are answered. @default DEFAULT_ANSWER_PLANS */
  answerPlans?: readonly string[];
  /** Runs whose start has one of these `plan_name`s are fitted into a response matrix. @default DEFAULT_RESPONSE_PLANS */
  responsePlans?: readonly string[];
  /** Points asked for per run in per-run mode. @default 1 */
  batch?: number;
  /** Every document of a run, from the bus: used to resume in the middle of a run. */
  replayRun?: (uid: string) => Observable<NamedDocument>;
  /** Notices (a rejected suggestion, a skipped event). @default none */
  log?: (line: string) => void;
}

export interface RunnerStats {
  decided: number;
  /** Documents redelivered after a restart whose decision was found in the history. */
  resent: number;
  rejected: number;
  /** Events told to rebuild state after a restart. */
  rebuilt: number;
}

/** The engine refused a suggestion; `reason` is its reply's word for word. */
export interface RunnerRejection {
  readonly answers: string;
  readonly reason: string;
}

interface RunInfo {
  readonly uid: string;
  readonly kind: "answer" | "response" | "ignore";
  readonly measurements: { uid: string; m: Measurement }[];
}

interface DescriptorInfo {
  readonly run: RunInfo;
  readonly stream: string;
}

/** The suggestion id of the decision answering `answers`: the same on every resend. */
export function suggestionId(agent: string, answers: string): string {
  return `${agent}-${answers}`;
}

function summary(record: TellRecord | undefined, extra: Record<string, JsonValue>): Record<string, unknown> {
  return { ...(record ?? {}), ...extra };
}

function eventsOfPage(page: EventPage): Event[] {
  return page.uid.map((uid, i) => ({
    uid,
    descriptor: page.descriptor,
    seq_num: page.seq_num[i]!,
    time: page.time[i]!,
    data: Object.fromEntries(Object.entries(page.data).map(([k, v]) => [k, v[i]])),
    timestamps: Object.fromEntries(Object.entries(page.timestamps).map(([k, v]) => [k, v[i]!])),
  }));
}

export class AgentRunner {
  readonly agent: Agent;
  readonly mode: RunnerMode;
  readonly stats: RunnerStats = { decided: 0, resent: 0, rejected: 0, rebuilt: 0 };
  private readonly options: AgentRunnerOptions;
  private readonly answered = new Map<string, DecisionRecord>();
  private readonly runs = new Map<string, RunInfo>();
  private readonly descriptors = new Map<string, DescriptorInfo>();
  private readonly decisionSubject = new Subject<DecisionRecord>();
  private readonly rejectionSubject = new Subject<RunnerRejection>();
  private readonly stopSubject = new Subject<RunStop>();
  private readonly responseSubject = new Subject<{ run: string; residualRms: number }>();
  private lastRun: string | undefined;
  private subscription: Subscription | undefined;
  private finished!: Promise<void>;
  private settleFinished: (() => void) | undefined;

  private constructor(options: AgentRunnerOptions) {
    this.options = options;
    this.agent = options.agent;
    this.mode = options.mode ?? RunnerMode.PerEvent;
    if (!Object.values(RunnerMode).includes(this.mode)) {
      throw new InvalidArgumentError(`AgentRunner: mode must be one of ${Object.values(RunnerMode).join(", ")}, got ${JSON.stringify(this.mode)}`, this.mode);
    }
    const batch = options.batch ?? 1;
    if (!Number.isInteger(batch) || batch < 1) throw new InvalidArgumentError(`AgentRunner: batch must be an integer >= 1, got ${JSON.stringify(batch)}`, batch);
  }

  /** Reads the agent's decision history, then starts consuming. */
  static async start(options: AgentRunnerOptions): Promise<AgentRunner> {
    const runner = new AgentRunner(options);
    for (const record of await options.decisions.history(options.agent.name)) {
      if (record.answers !== undefined) runner.answered.set(record.answers, record);
      if (record.run !== null) runner.lastRun = record.run;
    }
    runner.begin();
    return runner;
  }

  /** Decisions this runner made (not those found in the history). */
  get decisions$(): Observable<DecisionRecord> {
    return this.decisionSubject.asObservable();
  }

  /** Suggestions the engine refused, with its reasons. */
  get rejections$(): Observable<RunnerRejection> {
    return this.rejectionSubject.asObservable();
  }

  /** The stop of every answered run, once handled. */
  get runStops$(): Observable<RunStop> {
    return this.stopSubject.asObservable();
  }

  /** A response matrix fitted from a measurement run and handed to the agent. */
  get responses$(): Observable<{ run: string; residualRms: number }> {
    return this.responseSubject.asObservable();
  }

  /** Resolves when the document stream ends; rejects with the error that ended it. */
  get done(): Promise<void> {
    return this.finished;
  }

  /** Has `answers` (a document uid) been decided, by this runner or before a restart? */
  hasAnswered(answers: string): boolean {
    return this.answered.has(answers);
  }

  /** Stops consuming after the document in hand; progress stays with the durable consumer. */
  async stop(): Promise<void> {
    // An unsubscribed stream neither completes nor fails: the runner ends it itself.
    this.subscription?.unsubscribe();
    this.settleFinished?.();
    await this.finished.catch(() => undefined);
    for (const s of [this.decisionSubject, this.rejectionSubject, this.stopSubject, this.responseSubject]) s.complete();
  }

  private begin(): void {
    this.finished = new Promise<void>((resolve, reject) => {
      this.settleFinished = resolve;
      this.subscription = this.options.consumer.documents((doc) => this.handle(doc)).subscribe({ complete: resolve, error: reject });
    });
    this.finished.catch(() => undefined);
  }

  private async handle([name, doc]: NamedDocument): Promise<void> {
    const t0 = process.hrtime.bigint();
    switch (name) {
      case "start":
        this.onStart(doc as RunStart);
        return;
      case "descriptor":
        this.onDescriptor(doc as EventDescriptor);
        return;
      case "event":
        await this.onEvent(doc as Event, t0);
        return;
      case "event_page":
        for (const ev of eventsOfPage(doc as EventPage)) await this.onEvent(ev, t0);
        return;
      case "stop":
        await this.onStop(doc as RunStop, t0);
        return;
      default:
        return;
    }
  }

  private onStart(start: RunStart): void {
    const plan = typeof start.plan_name === "string" ? start.plan_name : "";
    const kind = (this.options.answerPlans ?? DEFAULT_ANSWER_PLANS).includes(plan)
      ? "answer"
      : (this.options.responsePlans ?? DEFAULT_RESPONSE_PLANS).includes(plan)
        ? "response"
        : "ignore";
    this.runs.set(start.uid, { uid: start.uid, kind, measurements: [] });
  }

  private onDescriptor(d: EventDescriptor): void {
    const run = this.runs.get(d.run_start);
    if (run !== undefined) this.descriptors.set(d.uid, { run, stream: d.name ?? "primary" });
  }

  private measurement(ev: Event): Measurement | null {
    try {
      return measurementFromData(this.agent.fields, ev.data, this.agent.name);
    } catch (err) {
      this.options.log?.(`agent ${this.agent.name}: skipping event ${ev.uid}: ${(err as Error).message}`);
      return null;
    }
  }

  private async onEvent(ev: Event, t0: bigint): Promise<void> {
    const desc = this.descriptors.get(ev.descriptor) ?? (await this.recover(ev));
    if (desc === undefined || desc.stream !== "primary" || desc.run.kind === "ignore") return;
    const m = this.measurement(ev);
    if (m === null) return;
    if (desc.run.kind === "response" || this.mode === RunnerMode.PerRun) {
      desc.run.measurements.push({ uid: ev.uid, m });
      return;
    }
    const prior = this.answered.get(ev.uid);
    if (prior !== undefined) {
      this.agent.tell(m.x, m.y);
      this.stats.resent++;
      await this.send(prior);
      return;
    }
    const told = this.agent.tell(m.x, m.y);
    await this.decide(desc.run.uid, ev.uid, 1, summary(told, { event: ev.seq_num }), t0);
  }

  private async onStop(stop: RunStop, t0: bigint): Promise<void> {
    const run = this.runs.get(stop.run_start);
    if (run === undefined) return;
    this.runs.delete(run.uid);
    for (const [uid, d] of this.descriptors) if (d.run === run) this.descriptors.delete(uid);
    if (run.kind === "response") {
      this.learnResponse(run);
      return;
    }
    if (run.kind !== "answer") return;
    if (this.mode === RunnerMode.PerRun) {
      let told: TellRecord | undefined;
      for (const { m } of run.measurements) told = this.agent.tell(m.x, m.y);
      const prior = this.answered.get(stop.uid);
      if (prior !== undefined) {
        this.stats.resent++;
        await this.send(prior);
      } else {
        await this.decide(run.uid, stop.uid, this.options.batch ?? 1, summary(told, { events: run.measurements.length }), t0);
      }
    }
    this.stopSubject.next(stop);
  }

  private learnResponse(run: RunInfo): void {
    const agent = this.agent as Agent & { setResponse?: (m: Matrix) => void };
    if (typeof agent.setResponse !== "function") return;
    try {
      const fitted = fitResponse(agent.fields, run.measurements.map((r) => r.m), agent.name);
      agent.setResponse(fitted.matrix);
      this.responseSubject.next({ run: run.uid, residualRms: fitted.residualRms });
      this.options.log?.(`agent ${agent.name}: measured response matrix from run ${run.uid} (residual RMS ${fitted.residualRms.toExponential(2)})`);
    } catch (err) {
      if (!(err instanceof SkyloopError)) throw err;
      this.options.log?.(`agent ${agent.name}: cannot fit a response matrix from run ${run.uid}: ${err.message}`);
    }
  }

  private async decide(run: string, answers: string, n: number, inputs: Record<string, unknown>, t0: bigint): Promise<void> {
    let suggestions: Suggestion[] = [];
    let failure: string | undefined;
    try {
      suggestions = await this.agent.ask(n);
    } catch (err) {
      if (!(err instanceof SkyloopError)) throw err;
      failure = err.message;
    }
    const points: PointTargets[] = suggestions.map((s) => s.points);
    const done = failure === undefined && (suggestions.length === 0 || suggestions.some((s) => s.done === true));
    const rationale = suggestions.map((s) => s.rationale).filter((r): r is string => typeof r === "string");
    const record: DecisionRecord = {
      v: WIRE_VERSION,
      agent: this.agent.name,
      run,
      time: Date.now() / 1000,
      inputs,
      suggestion: points.length === 0 ? null : n === 1 ? points[0]! : points,
      reason: failure ?? (rationale.length > 0 ? rationale.join(" | ") : suggestions.length === 0 ? "the agent has nothing left to suggest" : "no rationale given"),
      latency_us: Number(process.hrtime.bigint() - t0) / 1000,
      answers,
    };
    const score = suggestions[0]?.score;
    if (typeof score === "number" && Number.isFinite(score)) record.score = score;
    if (done) record.done = true;
    await this.options.decisions.publish(record);
    this.answered.set(answers, record);
    this.stats.decided++;
    this.decisionSubject.next(record);
    await this.send(record);
  }

  /** Sends a decision's suggestion (nothing when the agent could not decide and is not done). */
  private async send(record: DecisionRecord): Promise<void> {
    const points = record.suggestion === null ? [] : record.suggestion;
    if (Array.isArray(points) && points.length === 0 && record.done !== true) return;
    const input: SuggestionInput = { id: suggestionId(record.agent, record.answers!), plan: this.options.plan ?? DEFAULT_ANSWER_PLANS[0]!, points };
    if (record.run !== null) input.run = record.run;
    if (record.done === true) input.done = true;
    let reply: SuggestionReply;
    try {
      reply = await this.options.client.suggest(input);
    } catch (err) {
      // A client closed at the end of a campaign: the engine has stopped asking, so the answer is not missed.
      if (err instanceof ClosedError) return;
      this.options.log?.(`agent ${record.agent}: suggestion ${input.id} got no reply: ${(err as Error).message}`);
      return;
    }
    if (!reply.ok) {
      this.stats.rejected++;
      const reason = reply.reason ?? "no reason given";
      this.rejectionSubject.next({ answers: record.answers!, reason });
      this.options.log?.(`agent ${record.agent}: suggestion ${input.id} rejected: ${reason}`);
    }
  }

  /**
   * An event whose descriptor this runner has not seen: it resumed in the middle of a run. The run is replayed
   * from the bus (the last run it decided in) to learn the descriptors, and the events before this one are
   * told to the agent as its previous instance was told them.
   */
  private async recover(ev: Event): Promise<DescriptorInfo | undefined> {
    const replay = this.options.replayRun;
    if (replay === undefined || this.lastRun === undefined || this.runs.has(this.lastRun)) return undefined;
    let docs: NamedDocument[];
    try {
      docs = await firstValueFrom(replay(this.lastRun).pipe(toArray()));
    } catch (err) {
      this.options.log?.(`agent ${this.agent.name}: cannot replay run ${this.lastRun}: ${(err as Error).message}`);
      return undefined;
    }
    for (const [name, doc] of docs as [DocumentName, AnyDocument][]) {
      if (name === "start") this.onStart(doc as RunStart);
      else if (name === "descriptor") this.onDescriptor(doc as EventDescriptor);
      else if (name === "event") {
        const e = doc as Event;
        if (e.uid === ev.uid) break;
        const d = this.descriptors.get(e.descriptor);
        if (d === undefined || d.stream !== "primary" || d.run.kind === "ignore") continue;
        const m = this.measurement(e);
        if (m === null) continue;
        if (d.run.kind === "response" || this.mode === RunnerMode.PerRun) d.run.measurements.push({ uid: e.uid, m });
        else {
          this.agent.tell(m.x, m.y);
          this.stats.rebuilt++;
        }
      }
    }
    return this.descriptors.get(ev.descriptor);
  }
}
