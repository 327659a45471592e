/**
 * Building documents: uids and times, run documents, external-data references (resource/datum and the newer
 * stream_resource/stream_datum), and conversion between single events or datums and their pages, with
 * event-model's semantics (`pack_event_page`, `unpack_event_page`, `compose_resource`, ...).
 */
import { randomUUID } from "node:crypto";
import { InvalidArgumentError } from "../errors.ts";
import type {
  DataKey,
  Datum,
  DatumPage,
  Event,
  EventDescriptor,
  EventPage,
  ExitStatus,
  Resource,
  RunStart,
  RunStop,
  StreamDatum,
  StreamResource,
} from "./types.ts";

/** A new globally unique id (RFC 4122 version 4, as event-model's `new_uid`). */
export function newUid(): string {
  return randomUUID();
}

/** The current time as UNIX epoch seconds, the unit of every `time` field in documents. */
export function nowSeconds(): number {
  return Date.now() / 1000;
}

// ---------------------------------------------------------------------------------------------------------
// Run documents

/** Metadata for a run start; `uid` and `time` are generated when absent. */
export type RunStartInput = Partial<RunStart>;

export function composeRunStart(metadata: RunStartInput = {}): RunStart {
  return { ...metadata, uid: metadata.uid ?? newUid(), time: metadata.time ?? nowSeconds() };
}

export interface ComposeDescriptorOptions {
  runStart: RunStart | string;
  /** @default "primary" */
  name?: string;
  dataKeys: Record<string, DataKey>;
  configuration?: EventDescriptor["configuration"];
  hints?: EventDescriptor["hints"];
  objectKeys?: Record<string, string[]>;
  uid?: string;
  time?: number;
}

export const DEFAULT_STREAM_NAME = "primary";

export function composeDescriptor(options: ComposeDescriptorOptions): EventDescriptor {
  const descriptor: EventDescriptor = {
    uid: options.uid ?? newUid(),
    run_start: uidOf(options.runStart),
    time: options.time ?? nowSeconds(),
    name: options.name ?? DEFAULT_STREAM_NAME,
    data_keys: options.dataKeys,
    configuration: options.configuration ?? {},
    hints: options.hints ?? {},
    object_keys: options.objectKeys ?? {},
  };
  return descriptor;
}

export interface ComposeEventOptions {
  descriptor: EventDescriptor | string;
  /** 1-based position of the event in its stream. */
  seqNum: number;
  data: Record<string, unknown>;
  /** @default the event time for every data key */
  timestamps?: Record<string, number>;
  filled?: Record<string, boolean | string>;
  uid?: string;
  time?: number;
}

export function composeEvent(options: ComposeEventOptions): Event {
  const time = options.time ?? nowSeconds();
  const timestamps = options.timestamps ?? Object.fromEntries(Object.keys(options.data).map((k) => [k, time]));
  const event: Event = {
    uid: options.uid ?? newUid(),
    descriptor: uidOf(options.descriptor),
    seq_num: options.seqNum,
    time,
    data: options.data,
    timestamps,
  };
  if (options.filled !== undefined) event.filled = options.filled;
  return event;
}

export interface ComposeRunStopOptions {
  runStart: RunStart | string;
  /** @default "success" */
  exitStatus?: ExitStatus;
  /** @default "" */
  reason?: string;
  /** Events per stream name. @default {} */
  numEvents?: Record<string, number>;
  uid?: string;
  time?: number;
}

export function composeRunStop(options: ComposeRunStopOptions): RunStop {
  return {
    uid: options.uid ?? newUid(),
    run_start: uidOf(options.runStart),
    time: options.time ?? nowSeconds(),
    exit_status: options.exitStatus ?? "success",
    reason: options.reason ?? "",
    num_events: options.numEvents ?? {},
  };
}

function uidOf(docOrUid: { uid: string } | string): string {
  return typeof docOrUid === "string" ? docOrUid : docOrUid.uid;
}

// ---------------------------------------------------------------------------------------------------------
// External data: resource and datum

export interface ComposeResourceOptions {
  /** Names the handler that reads the files, e.g. "AD_HDF5", "AD_TIFF". */
  spec: string;
  /** Part of the path that is a local detail (mount point), not meaning. */
  root: string;
  /** Path of the file or files below `root`. */
  resourcePath: string;
  resourceKwargs?: Record<string, unknown>;
  /** @default "posix" */
  pathSemantics?: "posix" | "windows";
  runStart?: RunStart | string;
  uid?: string;
}

export function composeResource(options: ComposeResourceOptions): Resource {
  const resource: Resource = {
    uid: options.uid ?? newUid(),
    spec: options.spec,
    root: options.root,
    resource_path: options.resourcePath,
    resource_kwargs: options.resourceKwargs ?? {},
    path_semantics: options.pathSemantics ?? "posix",
  };
  if (options.runStart !== undefined) resource.run_start = uidOf(options.runStart);
  return resource;
}

/**
 * A datum for the `index`-th piece of data in `resource`; its id is `<resource uid>/<index>`, the form
 * event-model's `compose_datum` produces.
 */
export function composeDatum(resource: Resource | string, index: number, datumKwargs: Record<string, unknown>): Datum {
  requireIndex("datum index", index);
  const resourceUid = uidOf(resource);
  return { datum_id: `${resourceUid}/${index}`, resource: resourceUid, datum_kwargs: datumKwargs };
}

// ---------------------------------------------------------------------------------------------------------
// External data, streaming form: stream_resource and stream_datum

export interface ComposeStreamResourceOptions {
  /** The descriptor data key whose values this resource holds. */
  dataKey: string;
  /** e.g. "application/x-hdf5". */
  mimetype: string;
  /** e.g. "file://localhost/data/scan.h5". */
  uri: string;
  parameters?: Record<string, unknown>;
  runStart?: RunStart | string;
  uid?: string;
}

export function composeStreamResource(options: ComposeStreamResourceOptions): StreamResource {
  const streamResource: StreamResource = {
    uid: options.uid ?? newUid(),
    data_key: options.dataKey,
    mimetype: options.mimetype,
    uri: options.uri,
    parameters: options.parameters ?? {},
  };
  if (options.runStart !== undefined) streamResource.run_start = uidOf(options.runStart);
  return streamResource;
}

/** A half-open range `[start, stop)`. */
export interface StreamRange {
  start: number;
  stop: number;
}

export interface ComposeStreamDatumOptions {
  streamResource: StreamResource | string;
  descriptor: EventDescriptor | string;
  /** Rows of the resource this datum covers. */
  indices: StreamRange;
  /** Event seq_nums these rows belong to. @default the same length as `indices`, starting at seq_num 1 */
  seqNums?: StreamRange;
  /** Position of this datum among its resource's datums; makes the uid `<stream_resource uid>/<index>`. */
  index: number;
}

export function composeStreamDatum(options: ComposeStreamDatumOptions): StreamDatum {
  requireIndex("stream datum index", options.index);
  const indices = requireRange("indices", options.indices);
  const length = indices.stop - indices.start;
  const seqNums = requireRange("seq_nums", options.seqNums ?? { start: indices.start + 1, stop: indices.stop + 1 });
  if (seqNums.stop - seqNums.start !== length) {
    throw new InvalidArgumentError(
      `seq_nums ${formatRange(seqNums)} and indices ${formatRange(indices)} must cover the same number of rows`,
      options.seqNums,
    );
  }
  const streamResourceUid = uidOf(options.streamResource);
  return {
    uid: `${streamResourceUid}/${options.index}`,
    stream_resource: streamResourceUid,
    descriptor: uidOf(options.descriptor),
    indices,
    seq_nums: seqNums,
  };
}

function requireIndex(what: string, index: number): void {
  if (!Number.isSafeInteger(index) || index < 0) {
    throw new InvalidArgumentError(`${what} must be a non-negative integer, got ${String(index)}`, index);
  }
}

function requireRange(what: string, range: StreamRange): StreamRange {
  const { start, stop } = range;
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(stop) || start < 0 || stop < start) {
    throw new InvalidArgumentError(
      `${what} must be integers with 0 <= start <= stop, got ${formatRange(range)}`,
      range,
    );
  }
  return { start, stop };
}

function formatRange(range: StreamRange): string {
  return `{start: ${String(range.start)}, stop: ${String(range.stop)}}`;
}

// ---------------------------------------------------------------------------------------------------------
// Pages

/**
 * Packs events of one descriptor into an event page, column by column. Every event must carry the same data
 * keys (and the same `filled` keys), since a page has one column per key.
 */
export function packEventPage(events: readonly Event[]): EventPage {
  const first = events[0];
  if (first === undefined) {
    throw new InvalidArgumentError("cannot pack an empty list of events: a page needs a descriptor", events);
  }
  for (const event of events) {
    if (event.descriptor !== first.descriptor) {
      throw new InvalidArgumentError(
        `cannot pack events of different descriptors into one page: '${first.descriptor}' and '${event.descriptor}'`,
        event.descriptor,
      );
    }
  }
  return {
    uid: events.map((e) => e.uid),
    descriptor: first.descriptor,
    seq_num: events.map((e) => e.seq_num),
    time: events.map((e) => e.time),
    data: transposeRecords("data", events.map((e) => e.data)),
    timestamps: transposeRecords("timestamps", events.map((e) => e.timestamps)),
    filled: transposeRecords("filled", events.map((e) => e.filled ?? {})),
  };
}

/** The events of a page, in order; each carries `filled` (empty when the page has none), as in event-model. */
export function unpackEventPage(page: EventPage): Event[] {
  const length = page.uid.length;
  requireColumns("event page", length, { seq_num: page.seq_num, time: page.time });
  requireColumns("event page data", length, page.data);
  requireColumns("event page timestamps", length, page.timestamps);
  requireColumns("event page filled", length, page.filled ?? {});
  const events: Event[] = [];
  for (let i = 0; i < length; i++) {
    events.push({
      uid: page.uid[i]!,
      descriptor: page.descriptor,
      seq_num: page.seq_num[i]!,
      time: page.time[i]!,
      data: row(page.data, i),
      timestamps: row(page.timestamps, i) as Record<string, number>,
      filled: row(page.filled ?? {}, i) as Record<string, boolean | string>,
    });
  }
  return events;
}

/** Packs datums of one resource into a datum page. Every datum must carry the same `datum_kwargs` keys. */
export function packDatumPage(datums: readonly Datum[]): DatumPage {
  const first = datums[0];
  if (first === undefined) {
    throw new InvalidArgumentError("cannot pack an empty list of datums: a page needs a resource", datums);
  }
  for (const datum of datums) {
    if (datum.resource !== first.resource) {
      throw new InvalidArgumentError(
        `cannot pack datums of different resources into one page: '${first.resource}' and '${datum.resource}'`,
        datum.resource,
      );
    }
  }
  return {
    datum_id: datums.map((d) => d.datum_id),
    resource: first.resource,
    datum_kwargs: transposeRecords("datum_kwargs", datums.map((d) => d.datum_kwargs)),
  };
}

/** The datums of a page, in order. */
export function unpackDatumPage(page: DatumPage): Datum[] {
  const length = page.datum_id.length;
  requireColumns("datum page datum_kwargs", length, page.datum_kwargs);
  return page.datum_id.map((datumId, i) => ({
    datum_id: datumId,
    resource: page.resource,
    datum_kwargs: row(page.datum_kwargs, i),
  }));
}

function transposeRecords<V>(field: string, records: readonly Record<string, V>[]): Record<string, V[]> {
  const keys = Object.keys(records[0] ?? {});
  const columns: Record<string, V[]> = Object.fromEntries(keys.map((k) => [k, [] as V[]]));
  records.forEach((record, i) => {
    const recordKeys = Object.keys(record);
    if (recordKeys.length !== keys.length || !keys.every((k) => Object.hasOwn(record, k))) {
      throw new InvalidArgumentError(
        `cannot pack: ${field} of item ${i} has keys [${recordKeys.sort().join(", ")}] ` +
          `but item 0 has [${[...keys].sort().join(", ")}]`,
        record,
      );
    }
    for (const k of keys) columns[k]!.push(record[k]!);
  });
  return columns;
}

function requireColumns(what: string, length: number, columns: Record<string, readonly unknown[]>): void {
  for (const [key, column] of Object.entries(columns)) {
    if (!Array.isArray(column) || column.length !== length) {
      throw new InvalidArgumentError(
        `cannot unpack: ${what} column '${key}' has ${Array.isArray(column) ? column.length : "no"} entries, expected ${length}`,
        column,
      );
    }
  }
}

function row<V>(columns: Record<string, readonly V[]>, i: number): Record<string, V> {
  const out: Record<string, V> = {};
  for (const key in columns) out[key] = columns[key]![i]!;
  return out;
}
