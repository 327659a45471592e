/**
 * End-to-end document checks, independent of the engine's own validator: every document against event-model's
 * reference schemas loaded from `../shared/event-model-schemas` (relative to the repository root), and the
 * event-model rules a schema cannot express (order, references, sequence numbers, keys, counts).
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Ajv2020 } from "ajv/dist/2020.js";
import type { ValidateFunction } from "ajv/dist/2020.js";
import type {
  AnyDocument,
  DataKey,
  Datum,
  DocumentName,
  Event,
  EventDescriptor,
  EventPage,
  Resource,
  RunStart,
  RunStop,
  StreamDatum,
  StreamResource,
} from "../../engine/documents/types.ts";

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const REFERENCE_SCHEMA_DIR = resolve(REPO_ROOT, "../shared/event-model-schemas");

const SCHEMA_FILES: Record<DocumentName, string> = {
  start: "run_start.json",
  descriptor: "event_descriptor.json",
  event: "event.json",
  event_page: "event_page.json",
  stop: "run_stop.json",
  resource: "resource.json",
  datum: "datum.json",
  datum_page: "datum_page.json",
  stream_resource: "stream_resource.json",
  stream_datum: "stream_datum.json",
};

/** The reference validators, or why there are none (the shared schemas are not next to this checkout). */
export function loadReferenceValidators(): { validators: Map<DocumentName, ValidateFunction> } | { missing: string } {
  if (!existsSync(REFERENCE_SCHEMA_DIR)) {
    return { missing: `event-model reference schemas not found at ${REFERENCE_SCHEMA_DIR}: schema checks skipped` };
  }
  const ajv = new Ajv2020({ allErrors: true, strict: false, strictNumbers: true });
  const validators = new Map<DocumentName, ValidateFunction>();
  for (const [name, file] of Object.entries(SCHEMA_FILES) as [DocumentName, string][]) {
    validators.set(name, ajv.compile(JSON.parse(readFileSync(join(REFERENCE_SCHEMA_DIR, file), "utf8"))));
  }
  return { validators };
}

const isStreamKey = (dk: DataKey | undefined): boolean => typeof dk?.external === "string" && dk.external.startsWith("STREAM:");

interface RunState {
  readonly start: RunStart;
  stop: RunStop | undefined;
  /** Highest sequence number seen per stream name (events, page rows, stream datums). */
  readonly maxSeq: Map<string, number>;
  /** Highest event number stream datums cover, per stream name (they may come before their event). */
  readonly maxDatumSeq: Map<string, number>;
}

export interface CheckOptions {
  /** A pause or suspension rewound the plan: points are re-taken under sequence numbers already used. */
  rewound?: boolean;
}

/**
 * Collects documents from a RunEngine subscription and checks each as it arrives. `problems` lists every
 * violation, each naming the document; a passing run leaves it empty.
 */
export class DocumentChecker {
  readonly docs: [DocumentName, AnyDocument][] = [];
  readonly problems: string[] = [];
  private readonly runs = new Map<string, RunState>();
  private readonly descriptors = new Map<string, { doc: EventDescriptor; run: RunState }>();
  private readonly resources = new Set<string>();
  private readonly datums = new Set<string>();
  private readonly streamResources = new Map<string, StreamResource>();

  constructor(
    private readonly validators: Map<DocumentName, ValidateFunction> | undefined,
    private readonly options: CheckOptions = {},
  ) {}

  readonly callback = (name: DocumentName, doc: AnyDocument): void => {
    // Callbacks must not hold on to live objects the engine may reuse: keep a deep copy.
    const copy = structuredClone(doc);
    this.docs.push([name, copy]);
    this.check(name, copy);
  };

  /** Documents of one kind, in order. */
  of<K extends DocumentName>(name: K): AnyDocument[] {
    return this.docs.filter(([n]) => n === name).map(([, d]) => d);
  }

  get starts(): RunStart[] {
    return this.of("start") as RunStart[];
  }
  get stops(): RunStop[] {
    return this.of("stop") as RunStop[];
  }
  get events(): Event[] {
    return this.of("event") as Event[];
  }
  get descriptorDocs(): EventDescriptor[] {
    return this.of("descriptor") as EventDescriptor[];
  }

  /** The events of stream `stream` (all runs), in order. */
  eventsOf(stream = "primary"): Event[] {
    const uids = new Set(this.descriptorDocs.filter((d) => d.name === stream).map((d) => d.uid));
    return this.events.filter((e) => uids.has(e.descriptor));
  }

  /** Column `key` of stream `stream`. */
  column(key: string, stream = "primary"): unknown[] {
    return this.eventsOf(stream).map((e) => e.data[key]);
  }

  /** Problems plus the end-of-stream rules: every run closed once. */
  finish(): string[] {
    for (const [uid, run] of this.runs) if (run.stop === undefined) this.problems.push(`run ${uid} has no stop document`);
    return this.problems;
  }

  private fail(name: string, what: string): void {
    this.problems.push(`${name}: ${what}`);
  }

  private check(name: DocumentName, doc: AnyDocument): void {
    const v = this.validators?.get(name);
    if (v !== undefined && !v(doc)) this.fail(name, `schema: ${JSON.stringify(v.errors?.map((e) => `${e.instancePath} ${e.message}`))}`);
    switch (name) {
      case "start":
        return this.checkStart(doc as RunStart);
      case "descriptor":
        return this.checkDescriptor(doc as EventDescriptor);
      case "event":
        return this.checkEvent(doc as Event);
      case "event_page":
        return this.checkPage(doc as EventPage);
      case "stop":
        return this.checkStop(doc as RunStop);
      case "resource":
        return this.checkResource(doc as Resource);
      case "datum":
        return this.checkDatum(doc as Datum);
      case "stream_resource":
        return this.checkStreamResource(doc as StreamResource);
      case "stream_datum":
        return this.checkStreamDatum(doc as StreamDatum);
      default:
        this.fail(name, "a document kind skyloop does not emit");
    }
  }

  private checkStart(doc: RunStart): void {
    if (this.runs.has(doc.uid)) this.fail("start", `uid ${doc.uid} used twice`);
    for (const k of ["plan_name", "plan_args", "scan_id"] as const) if (doc[k] === undefined) this.fail("start", `no ${k}`);
    this.runs.set(doc.uid, { start: doc, stop: undefined, maxSeq: new Map(), maxDatumSeq: new Map() });
  }

  private openRun(what: string, uid: string): RunState | undefined {
    const run = this.runs.get(uid);
    if (run === undefined) this.fail(what, `refers to run ${uid}, whose start was not emitted before it`);
    else if (run.stop !== undefined) this.fail(what, `emitted after the stop of run ${uid}`);
    return run;
  }

  private checkDescriptor(doc: EventDescriptor): void {
    const run = this.openRun("descriptor", doc.run_start);
    if (run === undefined) return;
    if (!doc.name) this.fail("descriptor", `${doc.uid} has no stream name`);
    for (const [obj, h] of Object.entries(doc.hints ?? {})) {
      for (const f of h.fields ?? []) if (!(f in doc.data_keys)) this.fail("descriptor", `hint field '${f}' of ${obj} is not a data key`);
    }
    for (const [obj, keys] of Object.entries(doc.object_keys ?? {})) {
      for (const k of keys) if (!(k in doc.data_keys)) this.fail("descriptor", `object_keys of ${obj} names '${k}', not a data key`);
    }
    this.descriptors.set(doc.uid, { doc, run });
  }

  private eventKeys(d: EventDescriptor): string[] {
    return Object.keys(d.data_keys).filter((k) => !isStreamKey(d.data_keys[k])).sort();
  }

  private nextSeq(what: string, run: RunState, stream: string, seq: number): void {
    const last = run.maxSeq.get(stream) ?? 0;
    const ok = this.options.rewound ? seq >= 1 && seq <= last + 1 : seq === last + 1;
    if (!ok) this.fail(what, `seq_num ${seq} in stream '${stream}' after ${last}`);
    run.maxSeq.set(stream, Math.max(last, seq));
  }

  private checkEvent(doc: Event): void {
    const d = this.descriptors.get(doc.descriptor);
    if (d === undefined) return this.fail("event", `descriptor ${doc.descriptor} was not emitted before it`);
    if (this.openRun("event", d.doc.run_start) === undefined) return;
    this.nextSeq("event", d.run, d.doc.name!, doc.seq_num);
    const want = JSON.stringify(this.eventKeys(d.doc));
    if (JSON.stringify(Object.keys(doc.data).sort()) !== want) this.fail("event", `data keys ${Object.keys(doc.data)} != descriptor's ${want}`);
    if (JSON.stringify(Object.keys(doc.timestamps).sort()) !== want) this.fail("event", `timestamp keys ${Object.keys(doc.timestamps)} != ${want}`);
    for (const [k, f] of Object.entries(doc.filled ?? {})) {
      const ext = d.doc.data_keys[k]?.external;
      if (!ext || isStreamKey(d.doc.data_keys[k])) this.fail("event", `filled names '${k}', which is not an external key`);
      if (f !== false) this.fail("event", `filled['${k}'] is ${String(f)}, expected false`);
      if (!this.datums.has(String(doc.data[k]))) this.fail("event", `'${k}' = ${String(doc.data[k])} is not a datum emitted before it`);
    }
    for (const k of this.eventKeys(d.doc)) {
      if (d.doc.data_keys[k]!.external && doc.filled?.[k] === undefined) this.fail("event", `external key '${k}' missing from filled`);
    }
  }

  private checkPage(doc: EventPage): void {
    const d = this.descriptors.get(doc.descriptor);
    if (d === undefined) return this.fail("event_page", `descriptor ${doc.descriptor} was not emitted before it`);
    if (this.openRun("event_page", d.doc.run_start) === undefined) return;
    const n = doc.seq_num.length;
    if (doc.uid.length !== n || doc.time.length !== n) this.fail("event_page", "uid/time/seq_num lengths differ");
    for (const s of doc.seq_num) this.nextSeq("event_page", d.run, d.doc.name!, s);
    const want = JSON.stringify(this.eventKeys(d.doc));
    if (JSON.stringify(Object.keys(doc.data).sort()) !== want) this.fail("event_page", `data keys != descriptor's ${want}`);
    for (const col of Object.values(doc.data)) if (col.length !== n) this.fail("event_page", "a data column of the wrong length");
  }

  private checkStop(doc: RunStop): void {
    const run = this.openRun("stop", doc.run_start);
    if (run === undefined) return;
    run.stop = doc;
    const streams = new Set([...this.descriptors.values()].filter((x) => x.run === run).map((x) => x.doc.name!));
    for (const s of streams) {
      const got = doc.num_events?.[s];
      const want = Math.max(run.maxSeq.get(s) ?? 0, run.maxDatumSeq.get(s) ?? 0);
      if (got !== want) this.fail("stop", `num_events['${s}'] = ${String(got)}, but the stream's last seq_num is ${want}`);
    }
  }

  private checkResource(doc: Resource): void {
    if (doc.run_start !== undefined) this.openRun("resource", doc.run_start);
    this.resources.add(doc.uid);
  }

  private checkDatum(doc: Datum): void {
    if (!this.resources.has(doc.resource)) this.fail("datum", `resource ${doc.resource} was not emitted before it`);
    this.datums.add(doc.datum_id);
  }

  private checkStreamResource(doc: StreamResource): void {
    if (doc.run_start !== undefined) this.openRun("stream_resource", doc.run_start);
    this.streamResources.set(doc.uid, doc);
  }

  private checkStreamDatum(doc: StreamDatum): void {
    const sr = this.streamResources.get(doc.stream_resource);
    if (sr === undefined) return this.fail("stream_datum", `stream resource ${doc.stream_resource} was not emitted before it`);
    const d = this.descriptors.get(doc.descriptor);
    if (d === undefined) return this.fail("stream_datum", `descriptor ${doc.descriptor} was not emitted before it`);
    if (!isStreamKey(d.doc.data_keys[sr.data_key])) this.fail("stream_datum", `its descriptor has no STREAM: key '${sr.data_key}'`);
    const { start, stop } = doc.seq_nums;
    if (!(start >= 1 && stop > start)) this.fail("stream_datum", `seq_nums ${start}..${stop} is not a range of events`);
    if (!(doc.indices.stop > doc.indices.start)) this.fail("stream_datum", `indices ${doc.indices.start}..${doc.indices.stop} are empty`);
    const stream = d.doc.name!;
    const covered = Math.max(d.run.maxSeq.get(stream) ?? 0, d.run.maxDatumSeq.get(stream) ?? 0);
    if (!this.options.rewound && start !== covered + 1) this.fail("stream_datum", `seq_nums start at ${start} after event ${covered}`);
    d.run.maxDatumSeq.set(stream, Math.max(d.run.maxDatumSeq.get(stream) ?? 0, stop - 1));
  }
}
