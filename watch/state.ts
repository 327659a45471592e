/**
 * What the live view knows, kept small: the recent runs (summary, objective curve, the orbit before and after
 * the latest correction), the last decisions, training curves and the engine's state. Fed with `WatchInput`s,
 * it emits one `WatchUpdate` per change for the pages and terminals that follow it, and gives a snapshot to
 * any that join late. Every list is bounded, so a campaign of any length holds constant memory.
 */
import { Subject } from "rxjs";
import type { Observable } from "rxjs";
import type { DecisionRecord } from "../bridge/wire.ts";
import { hintedFields } from "../engine/callbacks/hinted-fields.ts";
import type { DataKey, Event, EventDescriptor, EventPage, NamedDocument, RunStart, RunStop } from "../engine/documents/types.ts";
import { InvalidArgumentError } from "../engine/errors.ts";
import type { EngineStatus } from "./control.ts";
import type { WatchInput } from "./feed.ts";
import type { TrainingProgress } from "../bridge/training.ts";

export const DEFAULT_MAX_RUNS = 20;
export const DEFAULT_MAX_POINTS = 5_000;
export const DEFAULT_MAX_DECISIONS = 200;
export const DEFAULT_MAX_TRAINING_POINTS = 5_000;
/** Array fields named like an orbit plane: `orbit-x`, `bpm_y`, `SR:X`. */
export const DEFAULT_ORBIT_FIELD_PATTERN = /(^|[-_:.])[xy]$/i;
/** Scalar fields worth plotting when a run hints none. */
export const DEFAULT_OBJECTIVE_FIELD_PATTERN = /rms|flux|intensity|reward|objective|i0|det/i;

export interface WatchStateOptions {
  /** @default DEFAULT_MAX_RUNS */
  maxRuns?: number;
  /** Points kept per run (the oldest are dropped). @default DEFAULT_MAX_POINTS */
  maxPoints?: number;
  /** @default DEFAULT_MAX_DECISIONS */
  maxDecisions?: number;
  /** Episodes kept per training session. @default DEFAULT_MAX_TRAINING_POINTS */
  maxTrainingPoints?: number;
  /** @default DEFAULT_ORBIT_FIELD_PATTERN */
  orbitFieldPattern?: RegExp;
  instrument?: string;
  source?: string;
}

export interface RunSummary {
  uid: string;
  scan_id: number | null;
  plan_name: string | null;
  campaign: string | null;
  agent: string | null;
  /** Epoch seconds. */
  time: number;
  num_points: number | null;
  /** Events seen in the primary stream. */
  events: number;
  /** Seconds, of the last event. */
  last_event_time: number | null;
  exit_status: string | null;
  reason: string | null;
  stop_time: number | null;
  /** Scalar fields plotted against iteration. */
  objective: string[];
  /** Array fields plotted against BPM index. */
  orbit: string[];
  /** Element names along the orbit (BPM names), when the descriptor's configuration gives them. */
  bpm_names: string[] | null;
}

export interface OrbitProfile {
  seq: number;
  values: Record<string, number[]>;
}

export interface RunDetail {
  summary: RunSummary;
  seq: number[];
  time: number[];
  objective: Record<string, (number | null)[]>;
  /** The first orbit of the run, the one before the latest correction, and the latest. */
  orbit: { initial: OrbitProfile | null; before: OrbitProfile | null; after: OrbitProfile | null };
}

export interface EngineView {
  /** A RunEngine state, or "unknown" before anything was seen. */
  state: string;
  /** "status": published by the engine's control listener; "documents": inferred from run start and stop. */
  from: "status" | "documents" | "none";
  campaign: string | null;
  /** Epoch seconds of the information. */
  time: number | null;
}

export interface TrainingView {
  agent: string;
  session: string;
  episode: number[];
  reward: number[];
  rms: number[];
  steps_per_s: number;
  steps: number | null;
  loss: number | null;
  evaluation: boolean;
  done: boolean;
  time: number;
}

export interface WatchSnapshot {
  instrument: string;
  source: string;
  connected: boolean;
  connection: string;
  engine: EngineView;
  /** Newest first. */
  runs: RunSummary[];
  /** The newest run in full. */
  current: RunDetail | null;
  /** Oldest first. */
  decisions: DecisionRecord[];
  training: TrainingView[];
  invalid: { count: number; last: string | null };
}

export type WatchUpdate =
  | { type: "run"; run: RunSummary }
  | {
      type: "point";
      run: string;
      seq: number;
      time: number;
      events: number;
      values: Record<string, number | null>;
      orbit?: Record<string, number[]>;
    }
  | { type: "decision"; decision: DecisionRecord }
  | { type: "training"; training: TrainingView; progress: TrainingProgress }
  | { type: "engine"; engine: EngineView }
  | { type: "connection"; connected: boolean; detail: string }
  | { type: "invalid"; subject: string; reason: string };

interface RunRecord {
  detail: RunDetail;
  start: RunStart;
  /** The descriptor of the stream followed (primary, or the first one). */
  descriptor: string | null;
  descriptors: Set<string>;
}

function positive(value: number, what: string): number {
  if (!Number.isSafeInteger(value) || value < 1) throw new InvalidArgumentError(`${what} must be a positive integer, got ${value}`, value);
  return value;
}

function nameOf(value: unknown): string | null {
  if (typeof value === "string" && value.length > 0) return value;
  if (typeof value === "object" && value !== null && typeof (value as { name?: unknown }).name === "string") return (value as { name: string }).name;
  return null;
}

function isScalarNumber(key: DataKey): boolean {
  return (key.dtype === "number" || key.dtype === "integer") && (key.shape?.length ?? 0) === 0;
}

function isProfile(key: DataKey): boolean {
  return key.dtype === "array" && key.shape?.length === 1 && (key.shape[0] ?? 0) > 1;
}

function finiteOrNull(value: unknown): number | null {
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}

function numberArray(value: unknown): number[] | null {
  if (!Array.isArray(value) || value.length === 0) return null;
  return value.map((v) => (typeof v === "number" && Number.isFinite(v) ? v : Number.NaN));
}

function push<T>(list: T[], value: T, max: number): void {
  list.push(value);
  if (list.length > max) list.splice(0, list.length - max);
}

export class WatchState {
  readonly instrument: string;
  readonly source: string;
  private readonly maxRuns: number;
  private readonly maxPoints: number;
  private readonly maxDecisions: number;
  private readonly maxTrainingPoints: number;
  private readonly orbitPattern: RegExp;
  /** Oldest first. */
  private readonly runs: RunRecord[] = [];
  private readonly byUid = new Map<string, RunRecord>();
  private readonly descriptorRun = new Map<string, RunRecord>();
  private readonly decisions: DecisionRecord[] = [];
  private readonly training = new Map<string, TrainingView>();
  private engine: EngineView = { state: "unknown", from: "none", campaign: null, time: null };
  private connected = true;
  private connection = "";
  private invalidCount = 0;
  private lastInvalid: string | null = null;
  private readonly updates = new Subject<WatchUpdate>();
  readonly updates$: Observable<WatchUpdate> = this.updates.asObservable();

  constructor(options: WatchStateOptions = {}) {
    this.maxRuns = positive(options.maxRuns ?? DEFAULT_MAX_RUNS, "maxRuns");
    this.maxPoints = positive(options.maxPoints ?? DEFAULT_MAX_POINTS, "maxPoints");
    this.maxDecisions = positive(options.maxDecisions ?? DEFAULT_MAX_DECISIONS, "maxDecisions");
    this.maxTrainingPoints = positive(options.maxTrainingPoints ?? DEFAULT_MAX_TRAINING_POINTS, "maxTrainingPoints");
    this.orbitPattern = options.orbitFieldPattern ?? DEFAULT_ORBIT_FIELD_PATTERN;
    this.instrument = options.instrument ?? "local";
    this.source = options.source ?? "";
  }

  apply(input: WatchInput): void {
    switch (input.kind) {
      case "document":
        return this.document(input.doc);
      case "decision":
        return this.decision(input.record);
      case "training":
        return this.trainingProgress(input.progress);
      case "status":
        return this.status(input.status);
      case "connection":
        this.connected = input.connected;
        this.connection = input.detail;
        return this.updates.next({ type: "connection", connected: input.connected, detail: input.detail });
      case "invalid":
        this.invalidCount++;
        this.lastInvalid = `${input.subject}: ${input.reason}`;
        return this.updates.next({ type: "invalid", subject: input.subject, reason: input.reason });
    }
  }

  snapshot(): WatchSnapshot {
    const newest = this.runs.at(-1);
    return {
      instrument: this.instrument,
      source: this.source,
      connected: this.connected,
      connection: this.connection,
      engine: { ...this.engine },
      runs: this.runs.map((r) => ({ ...r.detail.summary })).reverse(),
      current: newest === undefined ? null : structuredClone(newest.detail),
      decisions: [...this.decisions],
      training: [...this.training.values()].map((t) => structuredClone(t)),
      invalid: { count: this.invalidCount, last: this.lastInvalid },
    };
  }

  /** One kept run in full, or undefined when it was never seen or has been dropped. */
  run(uid: string): RunDetail | undefined {
    const r = this.byUid.get(uid);
    return r === undefined ? undefined : structuredClone(r.detail);
  }

  close(): void {
    this.updates.complete();
  }

  /* ------------------------------------------------------------ documents */

  private document([name, doc]: NamedDocument): void {
    switch (name) {
      case "start":
        return this.start(doc);
      case "descriptor":
        return this.descriptor(doc);
      case "event":
        return this.event(doc);
      case "event_page":
        return this.eventPage(doc);
      case "stop":
        return this.stop(doc);
      default:
        return;
    }
  }

  private start(doc: RunStart): void {
    if (this.byUid.has(doc.uid)) return;
    const summary: RunSummary = {
      uid: doc.uid,
      scan_id: typeof doc.scan_id === "number" ? doc.scan_id : null,
      plan_name: typeof doc.plan_name === "string" ? doc.plan_name : null,
      campaign: nameOf(doc.campaign),
      agent: nameOf(doc.agent),
      time: doc.time,
      num_points: typeof doc.num_points === "number" ? doc.num_points : null,
      events: 0,
      last_event_time: null,
      exit_status: null,
      reason: null,
      stop_time: null,
      objective: [],
      orbit: [],
      bpm_names: null,
    };
    const record: RunRecord = {
      detail: { summary, seq: [], time: [], objective: {}, orbit: { initial: null, before: null, after: null } },
      start: doc,
      descriptor: null,
      descriptors: new Set(),
    };
    this.runs.push(record);
    this.byUid.set(doc.uid, record);
    while (this.runs.length > this.maxRuns) {
      const old = this.runs.shift()!;
      this.byUid.delete(old.detail.summary.uid);
      for (const d of old.descriptors) this.descriptorRun.delete(d);
    }
    this.updates.next({ type: "run", run: { ...summary } });
    if (this.engine.from !== "status") this.setEngine({ state: "running", from: "documents", campaign: summary.campaign, time: doc.time });
  }

  private descriptor(doc: EventDescriptor): void {
    const record = this.byUid.get(doc.run_start);
    if (record === undefined) return;
    record.descriptors.add(doc.uid);
    this.descriptorRun.set(doc.uid, record);
    const stream = doc.name ?? "primary";
    if (record.descriptor !== null || (stream !== "primary" && record.descriptors.size > 1)) return;
    record.descriptor = doc.uid;
    const summary = record.detail.summary;
    const keys = doc.data_keys;
    const motors = new Set(Array.isArray(record.start.motors) ? (record.start.motors as string[]) : []);
    const scalars = Object.keys(keys).filter((k) => isScalarNumber(keys[k]!) && !motors.has(k));
    let objective = hintedFields(record.start, doc).filter((k) => scalars.includes(k));
    if (objective.length === 0) objective = scalars.filter((k) => DEFAULT_OBJECTIVE_FIELD_PATTERN.test(k));
    if (objective.length === 0) objective = scalars.slice(0, 4);
    summary.objective = objective;
    summary.orbit = Object.keys(keys).filter((k) => isProfile(keys[k]!) && this.orbitPattern.test(k));
    summary.bpm_names = bpmNames(doc);
    for (const f of objective) record.detail.objective[f] ??= [];
    this.updates.next({ type: "run", run: { ...summary } });
  }

  private event(doc: Event): void {
    const record = this.descriptorRun.get(doc.descriptor);
    if (record === undefined || record.descriptor !== doc.descriptor) return;
    const { detail } = record;
    const summary = detail.summary;
    summary.events++;
    summary.last_event_time = doc.time;
    push(detail.seq, doc.seq_num, this.maxPoints);
    push(detail.time, doc.time, this.maxPoints);
    const values: Record<string, number | null> = {};
    for (const f of summary.objective) {
      values[f] = finiteOrNull(doc.data[f]);
      push((detail.objective[f] ??= []), values[f], this.maxPoints);
    }
    let orbit: Record<string, number[]> | undefined;
    for (const f of summary.orbit) {
      const profile = numberArray(doc.data[f]);
      if (profile !== null) (orbit ??= {})[f] = profile;
    }
    if (orbit !== undefined) {
      const profile: OrbitProfile = { seq: doc.seq_num, values: orbit };
      detail.orbit.initial ??= profile;
      detail.orbit.before = detail.orbit.after;
      detail.orbit.after = profile;
    }
    const update: WatchUpdate = { type: "point", run: summary.uid, seq: doc.seq_num, time: doc.time, events: summary.events, values };
    if (orbit !== undefined) update.orbit = orbit;
    this.updates.next(update);
  }

  private eventPage(page: EventPage): void {
    page.seq_num.forEach((seq, i) => {
      const data: Record<string, unknown> = {};
      const timestamps: Record<string, number> = {};
      for (const [k, column] of Object.entries(page.data)) data[k] = column[i];
      for (const [k, column] of Object.entries(page.timestamps)) timestamps[k] = column[i]!;
      this.event({ uid: page.uid[i]!, descriptor: page.descriptor, seq_num: seq, time: page.time[i]!, data, timestamps });
    });
  }

  private stop(doc: RunStop): void {
    const record = this.byUid.get(doc.run_start);
    if (record === undefined) return;
    const summary = record.detail.summary;
    summary.exit_status = doc.exit_status;
    summary.reason = typeof doc.reason === "string" && doc.reason.length > 0 ? doc.reason : null;
    summary.stop_time = doc.time;
    this.updates.next({ type: "run", run: { ...summary } });
    if (this.engine.from !== "status") this.setEngine({ state: "idle", from: "documents", campaign: this.engine.campaign, time: doc.time });
  }

  /* ------------------------------------------------------------ the other subjects */

  private decision(record: DecisionRecord): void {
    push(this.decisions, record, this.maxDecisions);
    this.updates.next({ type: "decision", decision: record });
  }

  private trainingProgress(p: TrainingProgress): void {
    const key = p.agent;
    let view = this.training.get(key);
    if (view === undefined || view.session !== p.session) {
      view = { agent: p.agent, session: p.session, episode: [], reward: [], rms: [], steps_per_s: 0, steps: null, loss: null, evaluation: false, done: false, time: p.time };
      this.training.set(key, view);
    }
    push(view.episode, p.episode, this.maxTrainingPoints);
    push(view.reward, p.reward, this.maxTrainingPoints);
    push(view.rms, p.rms, this.maxTrainingPoints);
    view.steps_per_s = p.steps_per_s;
    view.steps = p.steps ?? view.steps;
    view.loss = p.loss ?? view.loss;
    view.evaluation = p.evaluation ?? false;
    view.done = p.done ?? false;
    view.time = p.time;
    this.updates.next({ type: "training", progress: p, training: { ...view, episode: [], reward: [], rms: [] } });
  }

  private status(status: EngineStatus): void {
    this.setEngine({ state: status.state, from: "status", campaign: status.campaign ?? null, time: status.time });
  }

  private setEngine(view: EngineView): void {
    const old = this.engine;
    this.engine = view;
    if (old.state !== view.state || old.from !== view.from || old.campaign !== view.campaign) this.updates.next({ type: "engine", engine: { ...view } });
  }
}

/** BPM names from the descriptor's configuration (a `*bpm_names` key holding strings). */
function bpmNames(doc: EventDescriptor): string[] | null {
  for (const config of Object.values(doc.configuration ?? {})) {
    for (const [k, v] of Object.entries(config.data ?? {})) {
      if (/bpm_?names$/i.test(k) && Array.isArray(v) && v.every((s) => typeof s === "string")) return v as string[];
    }
  }
  return null;
}
