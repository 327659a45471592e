/**
 * event-model document types. Field names and optionality follow event-model's JSON Schemas
 * (`../shared/event-model-schemas/`), so the Python tools accept what skyloop writes.
 */

export type Dtype = "string" | "number" | "array" | "boolean" | "integer";

export interface LimitsRange {
  low: number | null;
  high: number | null;
}

export interface Limits {
  control?: LimitsRange | null;
  display?: LimitsRange | null;
  alarm?: LimitsRange | null;
  warning?: LimitsRange | null;
  hysteresis?: number | null;
  rds?: { time_difference?: number; value_difference?: number } | null;
}

export interface DataKey {
  dtype: Dtype;
  /** [] for scalars; null marks a dimension of variable length. */
  shape: (number | null)[];
  source: string;
  dtype_numpy?: string;
  units?: string | null;
  precision?: number | null;
  limits?: Limits;
  object_name?: string;
  choices?: string[];
  dims?: string[];
  external?: string;
  [extra: string]: unknown;
}

export type ExitStatus = "success" | "abort" | "fail";

export interface RunStart {
  uid: string;
  time: number;
  scan_id?: number;
  plan_name?: string;
  plan_type?: string;
  plan_args?: Record<string, unknown>;
  hints?: { dimensions?: [string[], string][]; [k: string]: unknown };
  [metadata: string]: unknown;
}

export interface Configuration {
  data: Record<string, unknown>;
  timestamps: Record<string, number>;
  data_keys: Record<string, DataKey>;
}

export interface EventDescriptor {
  uid: string;
  run_start: string;
  time: number;
  /** The stream name, e.g. "primary", "baseline", or a monitored signal's name. */
  name?: string;
  data_keys: Record<string, DataKey>;
  configuration?: Record<string, Configuration>;
  hints?: Record<string, { fields?: string[]; NX_class?: string; [k: string]: unknown }>;
  object_keys?: Record<string, string[]>;
  [extra: string]: unknown;
}

export interface Event {
  uid: string;
  descriptor: string;
  seq_num: number;
  time: number;
  data: Record<string, unknown>;
  timestamps: Record<string, number>;
  filled?: Record<string, boolean | string>;
}

export interface EventPage {
  uid: string[];
  descriptor: string;
  seq_num: number[];
  time: number[];
  data: Record<string, unknown[]>;
  timestamps: Record<string, number[]>;
  filled?: Record<string, (boolean | string)[]>;
}

export interface RunStop {
  uid: string;
  run_start: string;
  time: number;
  exit_status: ExitStatus;
  reason?: string;
  /** Events per stream name. */
  num_events?: Record<string, number>;
  [extra: string]: unknown;
}

export interface Resource {
  uid: string;
  spec: string;
  root: string;
  resource_path: string;
  resource_kwargs: Record<string, unknown>;
  path_semantics?: "posix" | "windows";
  run_start?: string;
}

export interface Datum {
  datum_id: string;
  resource: string;
  datum_kwargs: Record<string, unknown>;
}

export interface DatumPage {
  datum_id: string[];
  resource: string;
  datum_kwargs: Record<string, unknown[]>;
}

export interface StreamResource {
  uid: string;
  data_key: string;
  mimetype: string;
  uri: string;
  parameters: Record<string, unknown>;
  run_start?: string;
}

export interface StreamDatum {
  uid: string;
  stream_resource: string;
  descriptor: string;
  indices: { start: number; stop: number };
  seq_nums: { start: number; stop: number };
}

/** Every document kind, keyed by the name event-model gives it on the wire. */
export interface DocumentMap {
  start: RunStart;
  descriptor: EventDescriptor;
  event: Event;
  event_page: EventPage;
  stop: RunStop;
  resource: Resource;
  datum: Datum;
  datum_page: DatumPage;
  stream_resource: StreamResource;
  stream_datum: StreamDatum;
}

export type DocumentName = keyof DocumentMap;
export type AnyDocument = DocumentMap[DocumentName];

/** A `[name, doc]` pair, as documents travel on the bus and to callbacks. */
export type NamedDocument = { [K in DocumentName]: [K, DocumentMap[K]] }[DocumentName];

export const DOCUMENT_NAMES: readonly DocumentName[] = [
  "start",
  "descriptor",
  "event",
  "event_page",
  "stop",
  "resource",
  "datum",
  "datum_page",
  "stream_resource",
  "stream_datum",
];

/** A callback receives every document of every run it is subscribed to. */
export type DocumentCallback = (name: DocumentName, doc: AnyDocument) => void;
