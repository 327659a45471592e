/**
 * The structural interfaces devices satisfy. The engine and plans know devices only through these, after
 * Bluesky's `bluesky.protocols`; names are camelCased, document fields keep event-model's snake_case.
 * Checks are structural (`isReadable(obj)`), so any object with the right methods is a device.
 */
import type { DataKey, Datum, Resource, StreamDatum, StreamResource } from "./documents/types.ts";

export type { DataKey } from "./documents/types.ts";

/** One value read from a signal, as in an event's data/timestamps (seconds since the UNIX epoch). */
export interface Reading<T = unknown> {
  readonly value: T;
  readonly timestamp: number;
  /** EPICS-style alarm severity: 0 none, 1 minor, 2 major, 3 invalid. */
  readonly alarm_severity?: number;
  readonly message?: string;
}

/** A progress report while a Status is pending (motors: where they are, where they go). */
export interface StatusProgress {
  readonly name?: string;
  readonly current?: number;
  readonly initial?: number;
  readonly target?: number;
  readonly unit?: string;
  readonly precision?: number;
  readonly fraction?: number;
  readonly timeElapsed?: number;
  readonly timeRemaining?: number;
}

/**
 * The outcome of an asynchronous action (a move, a trigger, a kickoff). Awaitable: resolves when it succeeds,
 * rejects with the reason when it fails or times out.
 */
export interface Status extends PromiseLike<void> {
  readonly done: boolean;
  readonly success: boolean;
  /** The failure, once done unsuccessfully. */
  readonly error: Error | undefined;
  /** The time limit in ms, if one was given. */
  readonly timeoutMs: number | undefined;
  /** Called once when done (immediately if already done). */
  addCallback(cb: (status: Status) => void): void;
  /** Progress reports while pending; returns a function that stops watching. */
  watch(cb: (progress: StatusProgress) => void): () => void;
}

export interface HasName {
  readonly name: string;
  readonly parent?: HasName | undefined;
}

export interface Hints {
  fields?: string[];
  dimensions?: [string[], string][];
  gridding?: "rectilinear" | "rectilinear_nonsequential";
  [key: string]: unknown;
}

export interface HasHints {
  readonly hints: Hints;
}

export interface Readable extends HasName {
  /** Values keyed by data key, with the same keys describe() gives. */
  read(): Promise<Record<string, Reading>>;
  describe(): Promise<Record<string, DataKey>>;
}

export interface Configurable extends HasName {
  readConfiguration(): Promise<Record<string, Reading>>;
  describeConfiguration(): Promise<Record<string, DataKey>>;
  /** Apply configuration; returns the old and new configuration readings. */
  configure?(values: Record<string, unknown>): Promise<[Record<string, Reading>, Record<string, Reading>]>;
}

export interface SetOptions {
  /** Fail the returned Status when not done within this many ms. */
  timeoutMs?: number;
  /** Wait for completion (put-callback) or only send the value. */
  wait?: boolean;
}

export interface Movable<T = unknown> extends HasName {
  set(value: T, options?: SetOptions): Status;
}

export interface Location<T = unknown> {
  readonly setpoint: T;
  readonly readback: T;
}

export interface Locatable<T = unknown> extends Movable<T> {
  locate(): Promise<Location<T>>;
}

/** A device with hard or soft limits; `set` outside them fails without moving. */
export interface HasLimits {
  /** [low, high]; both 0 or low > high means "no limits", as in EPICS. */
  limits(): Promise<readonly [number, number]> | readonly [number, number];
}

export interface Triggerable extends HasName {
  trigger(): Status;
}

export interface Stoppable {
  /** Stop motion; `success` false means an emergency stop (abort), true a normal one. */
  stop(success?: boolean): Promise<void>;
}

export interface Stageable {
  stage(): Promise<void>;
  unstage(): Promise<void>;
}

export interface Pausable {
  pause(): Promise<void>;
  resume(): Promise<void>;
}

export interface Preparable {
  prepare(value: unknown): Status;
}

export interface Flyable extends HasName {
  kickoff(): Status;
  complete(): Status;
}

/** Flyers and detectors that yield documents themselves (event pages or stream resources). */
export interface Collectable extends HasName {
  describeCollect(): Promise<Record<string, DataKey> | Record<string, Record<string, DataKey>>>;
  /** Event-like rows: one per collected point. */
  collectPages?(): AsyncIterable<CollectedPage>;
}

export interface CollectedPage {
  readonly time: number[];
  readonly data: Record<string, unknown[]>;
  readonly timestamps: Record<string, number[]>;
}

/** A document about data stored outside the events, as `[name, doc]` (ophyd-async's StreamAsset). */
export type StreamAsset = ["stream_resource", StreamResource] | ["stream_datum", StreamDatum];
/** Any external-data document a device may write, including the older resource/datum pair. */
export type Asset = ["resource", Resource] | ["datum", Datum] | StreamAsset;

/**
 * A detector that stores data outside the events (files) and describes it with documents, after Bluesky's
 * WritesExternalAssets. The engine asks for the documents written since the last call at each `save` of a
 * bundle that read the device and at each `collect` of it, and emits them after the stream's descriptor and
 * before the event or event page. The engine fills in what the device cannot know: `run_start` of a
 * (stream) resource when empty, and a stream datum's `descriptor` when empty and `seq_nums` when
 * `{start: 0, stop: 0}`. Keys described with `external: "STREAM:"` are not in the events; keys with
 * `external: "FILESTORE:"` are, their value being a datum id, and the event marks them `filled: false`.
 */
export interface WritesExternalAssets {
  /** `index`: how many frames the caller expects written (ophyd-async's `index`), when known. */
  collectAssetDocs(index?: number): Iterable<Asset> | AsyncIterable<Asset>;
}

/** ophyd-async's WritesStreamAssets: only stream_resource and stream_datum documents. */
export interface WritesStreamAssets extends WritesExternalAssets {
  collectAssetDocs(index?: number): Iterable<StreamAsset> | AsyncIterable<StreamAsset>;
}

/** Something whose readings can be monitored (the engine's `monitor` command subscribes to it). */
export interface Subscribable<T = unknown> extends HasName {
  /** Calls back with every new reading (the current one first); returns the unsubscribe function. */
  subscribe(cb: (reading: Record<string, Reading<T>>) => void): () => void;
}

/** Something whose value can be checked against a condition (suspenders watch these). */
export interface Checkable<T = unknown> extends Subscribable<T> {}

/* ---- structural checks ---- */

/** One suggestion as an adaptive plan takes it: from an agent, one or more points of device name -> target. */
export interface SuggestedPoints {
  readonly agent: string;
  /** In order; empty only when the agent says it is done. */
  readonly points: readonly Readonly<Record<string, number>>[];
  readonly request: {
    readonly id: string;
    readonly plan: string;
    /** The run the suggestion answers, when it answers one. */
    readonly run?: string;
    /** The agent's last suggestion. */
    readonly done?: boolean;
  };
  /**
   * Set when the transport refused it before it reached the engine (the agent has the reason already). Nothing
   * is to be moved; the plan takes a fresh reading so the agent has something new to decide on.
   */
  readonly refused?: string;
  /**
   * The engine takes it (tells the agent, where the transport waits for the engine's word). False means the
   * transport had already told the agent no (the engine took too long): the engine must not act on it.
   */
  accept(): boolean | void;
  /** The engine refuses it with a reason; nothing was moved. */
  reject(reason: string): void;
}

/**
 * Where an adaptive plan's next points come from: the engine end of the suggestion wire (bridge's
 * SuggestionServer satisfies it). `take()` resolves with the next suggestion, in arrival order.
 */
export interface SuggestionSource {
  take(timeoutMs?: number): Promise<SuggestedPoints>;
}

const fn = (o: unknown, k: string): boolean =>
  !!o && (typeof o === "object" || typeof o === "function") && typeof (o as Record<string, unknown>)[k] === "function";

export const isReadable = (o: unknown): o is Readable => fn(o, "read") && fn(o, "describe");
export const isConfigurable = (o: unknown): o is Configurable =>
  fn(o, "readConfiguration") && fn(o, "describeConfiguration");
export const isMovable = (o: unknown): o is Movable => fn(o, "set");
export const isLocatable = (o: unknown): o is Locatable => fn(o, "set") && fn(o, "locate");
export const isTriggerable = (o: unknown): o is Triggerable => fn(o, "trigger");
export const isStoppable = (o: unknown): o is Stoppable => fn(o, "stop");
export const isStageable = (o: unknown): o is Stageable => fn(o, "stage") && fn(o, "unstage");
export const isPausable = (o: unknown): o is Pausable => fn(o, "pause") && fn(o, "resume");
export const isPreparable = (o: unknown): o is Preparable => fn(o, "prepare");
export const isFlyable = (o: unknown): o is Flyable => fn(o, "kickoff") && fn(o, "complete");
export const isCollectable = (o: unknown): o is Collectable => fn(o, "describeCollect");
export const isWritesExternalAssets = (o: unknown): o is WritesExternalAssets => fn(o, "collectAssetDocs");
/** Structurally the same as `isWritesExternalAssets`: which kinds a device yields is its own business. */
export const isWritesStreamAssets = (o: unknown): o is WritesStreamAssets => fn(o, "collectAssetDocs");
export const isSubscribable = (o: unknown): o is Subscribable => fn(o, "subscribe");
export const hasLimits = (o: unknown): o is HasLimits => fn(o, "limits");
export const isSuggestionSource = (o: unknown): o is SuggestionSource => fn(o, "take");
export const hasHints = (o: unknown): o is HasHints =>
  !!o && typeof o === "object" && "hints" in o && typeof (o as HasHints).hints === "object";
export const isStatus = (o: unknown): o is Status =>
  fn(o, "then") && fn(o, "addCallback") && !!o && typeof (o as Status).done === "boolean";
