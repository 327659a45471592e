/**
 * One open run's documents, after Bluesky's RunBundler: the start, a descriptor per stream (emitted with the
 * stream's first event), events and event pages with per-stream sequence numbers, monitor streams, and the
 * stop with the number of events per stream. Sequence numbers are snapshotted at each checkpoint so that a
 * rewind re-takes points under the numbers they had.
 */
import { randomUUID } from "node:crypto";
import type {
  AnyDocument,
  DataKey,
  DocumentName,
  Event,
  EventDescriptor,
  EventPage,
  ExitStatus,
  RunStart,
  RunStop,
  StreamDatum,
} from "../documents/types.ts";
import { IllegalMessageSequenceError, InvalidArgumentError } from "../errors.ts";
import { isWritesExternalAssets } from "../protocols.ts";
import type { Asset, Collectable, HasName, Readable, Reading, Subscribable, WritesExternalAssets } from "../protocols.ts";
import { checkReadingKeys, configurationOf, descriptorParts, isStreamKey } from "./describe.ts";
import type { DescribedObject } from "./describe.ts";

export type Emit = (name: DocumentName, doc: AnyDocument) => void;

interface Stream {
  readonly doc: EventDescriptor;
  readonly objs: ReadonlySet<unknown>;
  readonly filled: Record<string, false> | null;
  /** Its devices that write external assets (asked for their documents at each save or collect). */
  readonly writers: readonly WritesExternalAssets[];
  /** A device in it was reconfigured: the next save writes a new descriptor under the same name. */
  stale: boolean;
}

interface Monitor {
  readonly obj: Subscribable & Readable;
  readonly stream: Stream;
  seq: number;
  unsubscribe: (() => void) | null;
}

export class RunBundler {
  private readonly streams = new Map<string, Stream>();
  private counters = new Map<string, number>();
  private checkpointCounters = new Map<string, number>();
  private countersChanged = false;
  private readonly described = new Map<unknown, DescribedObject>();
  private readonly monitors = new Map<unknown, Monitor>();
  /** Events of monitors already ended; monitor streams are not rewound, so they are counted apart. */
  private readonly monitorCounts = new Map<string, number>();
  // The open bundle (create ... save); arrays are reused from one bundle to the next.
  private bundleStream: string | null = null;
  private readonly readObjs: (Readable & HasName)[] = [];
  private readonly readVals: Record<string, Reading>[] = [];
  private nRead = 0;
  /** Stream resources emitted in this run: uid -> the stream their data key belongs to. */
  private readonly streamResources = new Map<string, { name: string; stream: Stream }>();

  constructor(
    readonly start: RunStart,
    private readonly emit: Emit,
    /** Failures outside any message (a monitor's event) go here. */
    private readonly onAsyncError: (err: unknown) => void,
  ) {}

  get bundling(): boolean {
    return this.bundleStream !== null;
  }

  create(stream: string): void {
    if (this.bundleStream !== null) {
      throw new IllegalMessageSequenceError(
        `'create' for stream '${stream}' while the bundle for '${this.bundleStream}' is open: 'save' or 'drop' it first`,
      );
    }
    this.bundleStream = stream;
    this.nRead = 0;
  }

  /** Adds a reading to the open bundle, if any; reading a device twice keeps the later reading. */
  read(obj: Readable, reading: Record<string, Reading>): void {
    if (this.bundleStream === null) return;
    for (let i = 0; i < this.nRead; i++) {
      if (this.readObjs[i] === obj) {
        this.readVals[i] = reading;
        return;
      }
    }
    this.readObjs[this.nRead] = obj;
    this.readVals[this.nRead++] = reading;
  }

  drop(): void {
    if (this.bundleStream === null) throw new IllegalMessageSequenceError("'drop' without an open bundle: no 'create' before it");
    this.bundleStream = null;
  }

  /** Emits the bundle as an event (and its descriptor first, when new); synchronous once the stream is known. */
  save(): void | Promise<void> {
    const name = this.bundleStream;
    if (name === null) throw new IllegalMessageSequenceError("'save' without an open bundle: no 'create' before it");
    this.bundleStream = null;
    const n = this.nRead;
    if (n === 0) return;
    const stream = this.streams.get(name);
    if (stream !== undefined && !stream.stale && this.sameObjects(stream, name, n)) {
      if (stream.writers.length === 0) {
        this.emitEvent(name, stream, n);
        return;
      }
      return this.saveWithAssets(name, stream, n);
    }
    return this.saveWithNewDescriptor(name, n);
  }

  private async saveWithNewDescriptor(name: string, n: number): Promise<void> {
    const objs = this.readObjs.slice(0, n);
    const vals = this.readVals.slice(0, n);
    const described = await Promise.all(objs.map((o) => this.describe(o)));
    for (let i = 0; i < n; i++) checkReadingKeys(objs[i]!, vals[i]!, described[i]!.dataKeys);
    const stream = this.addStream(name, described);
    if (stream.writers.length > 0) await this.emitSaveAssets(name, stream);
    this.restoreBundle(objs, vals);
    this.emitEvent(name, stream, n);
  }

  /** A bundle with devices writing external data: their documents first, then the event that refers to them. */
  private async saveWithAssets(name: string, stream: Stream, n: number): Promise<void> {
    const objs = this.readObjs.slice(0, n);
    const vals = this.readVals.slice(0, n);
    await this.emitSaveAssets(name, stream);
    this.restoreBundle(objs, vals);
    this.emitEvent(name, stream, n);
  }

  private emitSaveAssets(name: string, stream: Stream): Promise<void> {
    // A step's stream datum belongs to the one event about to be emitted, however many frames it spans.
    const seq = (this.counters.get(name) ?? 0) + 1;
    return this.emitAssets(stream.writers, [[name, stream]], () => ({ start: seq, stop: seq + 1 }));
  }

  private restoreBundle(objs: readonly (Readable & HasName)[], vals: readonly Record<string, Reading>[]): void {
    for (let i = 0; i < objs.length; i++) {
      this.readObjs[i] = objs[i]!;
      this.readVals[i] = vals[i]!;
    }
  }

  /**
   * Emits what `writers` wrote since they were last asked, completing what a device cannot know: run_start
   * of (stream) resources, and a stream datum's descriptor and sequence numbers (`seqFor` gives those).
   */
  private async emitAssets(
    writers: readonly WritesExternalAssets[],
    streams: readonly [string, Stream][],
    seqFor: (streamName: string, datum: StreamDatum) => { start: number; stop: number },
  ): Promise<void> {
    for (const w of writers) {
      for await (const asset of w.collectAssetDocs() as AsyncIterable<Asset>) this.emitAsset(w, asset, streams, seqFor);
    }
  }

  private emitAsset(
    writer: WritesExternalAssets,
    asset: Asset,
    streams: readonly [string, Stream][],
    seqFor: (streamName: string, datum: StreamDatum) => { start: number; stop: number },
  ): void {
    const who = (writer as Partial<HasName>).name ?? "a device";
    if (!Array.isArray(asset) || asset.length !== 2) {
      throw new InvalidArgumentError(`${who}: collectAssetDocs() must yield [name, doc] pairs, got ${JSON.stringify(asset)}`, asset);
    }
    const [kind, doc] = asset;
    switch (kind) {
      case "resource":
        this.emit("resource", doc.run_start ? doc : { ...doc, run_start: this.start.uid });
        return;
      case "datum":
        this.emit("datum", doc);
        return;
      case "stream_resource": {
        const owner = streams.find(([, s]) => doc.data_key in s.doc.data_keys);
        if (owner === undefined) {
          throw new InvalidArgumentError(
            `${who}: stream resource for data key '${doc.data_key}', which no descriptor of [${streams.map(([n]) => n).join(", ")}] has`,
            doc.data_key,
          );
        }
        this.streamResources.set(doc.uid, { name: owner[0], stream: owner[1] });
        this.emit("stream_resource", doc.run_start ? doc : { ...doc, run_start: this.start.uid });
        return;
      }
      case "stream_datum": {
        const owner = this.streamResources.get(doc.stream_resource);
        if (owner === undefined) {
          throw new IllegalMessageSequenceError(
            `${who}: stream datum ${doc.uid} refers to stream resource ${doc.stream_resource}, not emitted before it in this run`,
          );
        }
        const unset = doc.seq_nums === undefined || (doc.seq_nums.start === 0 && doc.seq_nums.stop === 0);
        this.emit("stream_datum", {
          ...doc,
          descriptor: doc.descriptor || owner.stream.doc.uid,
          seq_nums: unset ? seqFor(owner.name, doc) : doc.seq_nums,
        });
        return;
      }
      default:
        throw new InvalidArgumentError(
          `${who}: collectAssetDocs() yielded a '${String(kind)}' document; expected resource, datum, stream_resource or stream_datum`,
          kind,
        );
    }
  }

  private sameObjects(stream: Stream, name: string, n: number): boolean {
    let same = n === stream.objs.size;
    for (let i = 0; same && i < n; i++) same = stream.objs.has(this.readObjs[i]);
    if (same) return true;
    const was = stream.doc.object_keys ? Object.keys(stream.doc.object_keys) : [];
    const now = this.readObjs.slice(0, n).map((o) => o.name);
    throw new IllegalMessageSequenceError(
      `stream '${name}' was first saved with [${was.join(", ")}]; this bundle read [${now.join(", ")}]: ` +
        "use another stream name for a different set of devices",
    );
  }

  private emitEvent(name: string, stream: Stream, n: number): void {
    const data: Record<string, unknown> = {};
    const timestamps: Record<string, number> = {};
    for (let i = 0; i < n; i++) {
      const r = this.readVals[i]!;
      for (const k in r) {
        const reading = r[k]!;
        data[k] = reading.value;
        timestamps[k] = reading.timestamp;
      }
    }
    const seq = (this.counters.get(name) ?? 0) + 1;
    this.counters.set(name, seq);
    this.countersChanged = true;
    const event: Event = {
      uid: randomUUID(),
      descriptor: stream.doc.uid,
      seq_num: seq,
      time: Date.now() / 1000,
      data,
      timestamps,
      filled: stream.filled === null ? {} : { ...stream.filled },
    };
    this.emit("event", event);
  }

  private async describe(obj: Readable): Promise<DescribedObject> {
    let d = this.described.get(obj);
    if (d === undefined) {
      const [dataKeys, configuration] = await Promise.all([obj.describe(), configurationOf(obj)]);
      d = { obj, dataKeys, configuration };
      this.described.set(obj, d);
    }
    return d;
  }

  /** Composes and emits a descriptor for `objects` under `name`, and remembers it as that stream's. */
  private addStream(name: string, objects: readonly DescribedObject[]): Stream {
    const { filled, ...parts } = descriptorParts(objects);
    const doc: EventDescriptor = { uid: randomUUID(), run_start: this.start.uid, time: Date.now() / 1000, name, ...parts };
    this.emit("descriptor", doc);
    const writers: WritesExternalAssets[] = [];
    for (const { obj } of objects) if (isWritesExternalAssets(obj)) writers.push(obj);
    const stream: Stream = { doc, objs: new Set(objects.map((o) => o.obj)), filled, writers, stale: false };
    this.streams.set(name, stream);
    return stream;
  }

  private checkNewStream(name: string): void {
    if (this.streams.has(name)) {
      throw new IllegalMessageSequenceError(`stream '${name}' already exists in run ${this.start.uid}`);
    }
  }

  /** After `configure`: the device's next event goes under a new descriptor carrying the new configuration. */
  configured(obj: unknown): void {
    this.described.delete(obj);
    for (const s of this.streams.values()) if (s.objs.has(obj)) s.stale = true;
  }

  checkpoint(): void {
    if (!this.countersChanged) return;
    this.checkpointCounters = new Map(this.counters);
    this.countersChanged = false;
  }

  rewind(): void {
    this.counters = new Map(this.checkpointCounters);
    this.countersChanged = false;
    this.bundleStream = null;
  }

  /** `declare_stream`: the descriptor now, for devices read (or collected) into it later. */
  async declareStream(name: string, objs: readonly Readable[], collect: boolean): Promise<[EventDescriptor, EventFactory]> {
    this.checkNewStream(name);
    const described = await Promise.all(
      objs.map(async (o): Promise<DescribedObject> => {
        if (!collect) return this.describe(o);
        const keys = await (o as unknown as Collectable).describeCollect();
        return { obj: o, dataKeys: flatKeys(o, keys), configuration: await configurationOf(o) };
      }),
    );
    const stream = this.addStream(name, described);
    const factory: EventFactory = (data, timestamps) => this.emitComposed(name, stream, data, timestamps);
    return [stream.doc, factory];
  }

  private emitComposed(name: string, stream: Stream, data: Record<string, unknown>, timestamps?: Record<string, number>): Event {
    const time = Date.now() / 1000;
    const seq = (this.counters.get(name) ?? 0) + 1;
    this.counters.set(name, seq);
    this.countersChanged = true;
    const ts = timestamps ?? Object.fromEntries(Object.keys(data).map((k) => [k, time]));
    const event: Event = { uid: randomUUID(), descriptor: stream.doc.uid, seq_num: seq, time, data, timestamps: ts };
    event.filled = stream.filled === null ? {} : { ...stream.filled };
    this.emit("event", event);
    return event;
  }

  /** `collect`: the flyer's pages as event_page documents, in the stream(s) it describes. */
  async collect(obj: Collectable, name: string | undefined, returnPayload: boolean): Promise<EventPage[] | undefined> {
    const described = await obj.describeCollect();
    const nested = !isFlat(described);
    const entries: [string, Record<string, DataKey>][] = nested
      ? Object.entries(described as Record<string, Record<string, DataKey>>)
      : [[name ?? obj.name, described as Record<string, DataKey>]];
    const streams: [string, Stream][] = [];
    for (const [streamName, keys] of entries) {
      let stream = this.streams.get(streamName);
      if (stream !== undefined && !stream.objs.has(obj)) {
        throw new IllegalMessageSequenceError(`stream '${streamName}' was declared without ${obj.name}; cannot collect it there`);
      }
      stream ??= this.addStream(streamName, [{ obj, dataKeys: keys, configuration: await configurationOf(obj) }]);
      streams.push([streamName, stream]);
    }
    // Stream datums take the sequence numbers after the stream's last event; when the device also gives
    // event pages, those rows are the same points and take the same numbers.
    const next = new Map<string, number>();
    if (isWritesExternalAssets(obj)) {
      for (const [streamName] of streams) next.set(streamName, (this.counters.get(streamName) ?? 0) + 1);
      await this.emitAssets([obj], streams, (streamName, datum) => {
        const start = next.get(streamName)!;
        const stop = start + Math.max(0, datum.indices.stop - datum.indices.start);
        next.set(streamName, stop);
        return { start, stop };
      });
    }
    const pages: EventPage[] = [];
    if (obj.collectPages !== undefined) {
      for await (const page of obj.collectPages()) {
        for (const [streamName, stream] of streams) {
          const p = this.emitPage(streamName, stream, obj, page.time, page.data, page.timestamps);
          if (returnPayload) pages.push(p);
        }
      }
    }
    for (const [streamName, stop] of next) {
      if (stop - 1 > (this.counters.get(streamName) ?? 0)) {
        this.counters.set(streamName, stop - 1);
        this.countersChanged = true;
      }
    }
    return returnPayload ? pages : undefined;
  }

  private emitPage(
    name: string,
    stream: Stream,
    obj: HasName,
    time: number[],
    allData: Record<string, unknown[]>,
    allTimestamps: Record<string, number[]>,
  ): EventPage {
    const n = time.length;
    const data: Record<string, unknown[]> = {};
    const timestamps: Record<string, number[]> = {};
    for (const k in stream.doc.data_keys) {
      if (isStreamKey(stream.doc.data_keys[k]!)) continue;
      const col = allData[k];
      if (col === undefined || col.length !== n) {
        throw new InvalidArgumentError(
          `${obj.name}: collected page has ${col === undefined ? "no" : col.length} value(s) for '${k}', expected ${n}`,
          k,
        );
      }
      data[k] = col;
      timestamps[k] = allTimestamps[k] ?? time;
    }
    const first = this.counters.get(name) ?? 0;
    this.counters.set(name, first + n);
    this.countersChanged = true;
    const filled: Record<string, false[]> = {};
    if (stream.filled !== null) for (const k in stream.filled) filled[k] = new Array<false>(n).fill(false);
    const page: EventPage = {
      uid: Array.from({ length: n }, () => randomUUID()),
      descriptor: stream.doc.uid,
      seq_num: Array.from({ length: n }, (_, i) => first + 1 + i),
      time,
      data,
      timestamps,
      filled,
    };
    this.emit("event_page", page);
    return page;
  }

  /** `monitor`: a stream named after the device, one event per reading it publishes. */
  async monitor(obj: Subscribable & Readable, name: string | undefined): Promise<void> {
    if (this.monitors.has(obj)) throw new IllegalMessageSequenceError(`${obj.name} is already monitored in this run`);
    const streamName = name ?? obj.name;
    this.checkNewStream(streamName);
    const stream = this.addStream(streamName, [await this.describe(obj)]);
    const m: Monitor = { obj, stream, seq: 0, unsubscribe: null };
    this.monitors.set(obj, m);
    this.subscribeMonitor(m);
  }

  unmonitor(obj: unknown): void {
    const m = this.monitors.get(obj);
    if (m === undefined) {
      throw new IllegalMessageSequenceError(`'unmonitor' of ${(obj as HasName)?.name ?? String(obj)}, which is not monitored`);
    }
    m.unsubscribe?.();
    this.monitors.delete(obj);
    this.monitorCounts.set(m.stream.doc.name!, m.seq);
  }

  isMonitoring(obj: unknown): boolean {
    return this.monitors.has(obj);
  }

  /** While paused the monitors are off; they are restored (with a fresh first reading) on resume. */
  suspendMonitors(): void {
    for (const m of this.monitors.values()) {
      m.unsubscribe?.();
      m.unsubscribe = null;
    }
  }

  restoreMonitors(): void {
    for (const m of this.monitors.values()) if (m.unsubscribe === null) this.subscribeMonitor(m);
  }

  private subscribeMonitor(m: Monitor): void {
    m.unsubscribe = m.obj.subscribe((reading) => {
      try {
        const data: Record<string, unknown> = {};
        const timestamps: Record<string, number> = {};
        for (const k in reading) {
          data[k] = reading[k]!.value;
          timestamps[k] = reading[k]!.timestamp;
        }
        const event: Event = {
          uid: randomUUID(),
          descriptor: m.stream.doc.uid,
          seq_num: ++m.seq,
          time: Date.now() / 1000,
          data,
          timestamps,
          filled: m.stream.filled === null ? {} : { ...m.stream.filled },
        };
        this.emit("event", event);
      } catch (err) {
        this.onAsyncError(err);
      }
    });
  }

  /** Ends the run: monitors off, bundle dropped, and the stop document. */
  close(exitStatus: ExitStatus, reason: string): RunStop {
    const num_events: Record<string, number> = {};
    for (const name of this.streams.keys()) num_events[name] = this.counters.get(name) ?? 0;
    for (const [name, n] of this.monitorCounts) num_events[name] = n;
    for (const m of this.monitors.values()) {
      num_events[m.stream.doc.name!] = m.seq;
      m.unsubscribe?.();
    }
    this.monitors.clear();
    this.bundleStream = null;
    const stop: RunStop = {
      uid: randomUUID(),
      run_start: this.start.uid,
      time: Date.now() / 1000,
      exit_status: exitStatus,
      reason,
      num_events,
    };
    this.emit("stop", stop);
    return stop;
  }
}

/** Composes, emits and returns an event of a declared stream. */
export type EventFactory = (data: Record<string, unknown>, timestamps?: Record<string, number>) => Event;

function isFlat(described: Record<string, unknown>): boolean {
  for (const k in described) {
    const v = described[k] as { dtype?: unknown } | undefined;
    return typeof v?.dtype === "string";
  }
  return true;
}

function flatKeys(obj: HasName, described: Record<string, unknown>): Record<string, DataKey> {
  if (isFlat(described)) return described as Record<string, DataKey>;
  const values = Object.values(described);
  if (values.length === 1) return values[0] as Record<string, DataKey>;
  throw new InvalidArgumentError(
    `${obj.name}: describeCollect() gives several streams (${Object.keys(described).join(", ")}); declare one stream per device`,
    Object.keys(described),
  );
}
