/**
 * What the scientist-facing examples share: a RunEngine that writes every run to JSON lines, keeps the
 * events in memory for the analysis, and an instrument built from a profile on the in-process simulators.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { JsonlWriter } from "../../engine/callbacks/jsonl.ts";
import { renderLinePlot, type LinePlotOptions } from "../../engine/callbacks/svg/line-plot.ts";
import type { AnyDocument, DocumentName, Event, EventDescriptor } from "../../engine/documents/types.ts";
import type { Plan } from "../../engine/msg.ts";
import { SkyloopError } from "../../engine/errors.ts";
import { RunEngine } from "../../engine/run_engine/index.ts";
import type { InstrumentProfile } from "../../devices/profile.ts";
import { buildInstrument, type Instrument } from "../../sims/instrument.ts";

export interface ExampleOptions {
  /** Directory for documents and plots (a sub-directory per example is made). @default DEFAULT_EXAMPLE_OUT */
  out?: string;
  /** Divide the simulators' move, count and exposure times by this. @default the example's own */
  speedUp?: number;
  /** Fewer points, for tests and a first look (the same code runs). @default false */
  quick?: boolean;
  /** Where progress lines go. @default console.log */
  log?: (line: string) => void;
}

export const DEFAULT_EXAMPLE_OUT = "data/examples";

/** An example's run did not end in success. */
export class ExampleFailedError extends SkyloopError {
  constructor(
    readonly example: string,
    readonly how: string,
  ) {
    super(`example ${example}: the run ended ${how}`);
  }
}

export interface ExampleResult {
  readonly name: string;
  /** JSON-lines files of the runs. */
  readonly documents: readonly string[];
  /** SVG plots. */
  readonly plots: readonly string[];
  /** The figures the example reports. */
  readonly summary: Readonly<Record<string, unknown>>;
}

/** The repository's profiles directory. */
export function profilePath(name: string): string {
  return fileURLToPath(new URL(`../../profiles/${name}`, import.meta.url));
}

/** A run's primary events, in order, with the data keys of its descriptor. */
export interface RecordedStream {
  readonly events: Event[];
  readonly descriptors: readonly EventDescriptor[];
  column(key: string): number[];
  times(key: string): number[];
}

export class ExampleSession {
  readonly name: string;
  readonly directory: string;
  readonly RE: RunEngine;
  readonly log: (line: string) => void;
  readonly #writer: JsonlWriter;
  readonly #plots: string[] = [];
  #descriptors = new Map<string, EventDescriptor>();
  #events: Event[] = [];

  constructor(name: string, options: ExampleOptions) {
    this.name = name;
    this.directory = resolve(options.out ?? DEFAULT_EXAMPLE_OUT, name);
    mkdirSync(this.directory, { recursive: true });
    this.log = options.log ?? ((line) => console.log(line));
    this.RE = new RunEngine();
    this.#writer = new JsonlWriter({ directory: this.directory, fileName: (start) => `${name}-${start.uid.slice(0, 8)}.jsonl` });
    this.RE.subscribe(this.#writer.callback);
    this.RE.subscribe((docName: DocumentName, doc: AnyDocument) => {
      if (docName === "start") {
        this.#descriptors = new Map();
        this.#events = [];
      } else if (docName === "descriptor") this.#descriptors.set((doc as EventDescriptor).uid, doc as EventDescriptor);
      else if (docName === "event") this.#events.push(doc as Event);
    });
  }

  /** Run a plan; returns what the plan returned and the primary stream of the (last) run it made. */
  async run<T>(plan: Plan<T>): Promise<{ value: T; stream: RecordedStream }> {
    const result = await this.RE.run(plan);
    if (result.exitStatus !== "success")
      throw new ExampleFailedError(this.name, `${result.exitStatus}${result.reason ? `: ${result.reason}` : ""}`);
    // A configuration change (a new dwell time) opens a new descriptor of the same stream.
    const primary = [...this.#descriptors.values()].filter((d) => (d.name ?? "primary") === "primary");
    const uids = new Set(primary.map((d) => d.uid));
    const events = this.#events.filter((e) => uids.has(e.descriptor));
    return {
      value: result.planResult as T,
      stream: {
        events,
        descriptors: primary,
        column: (key) => events.map((e) => Number(e.data[key])),
        times: (key) => events.map((e) => Number(e.timestamps[key])),
      },
    };
  }

  /** Write an SVG line plot into the example's directory. */
  plot(fileName: string, options: LinePlotOptions): string {
    const path = join(this.directory, fileName);
    writeFileSync(path, renderLinePlot(options));
    this.#plots.push(path);
    return path;
  }

  /** Write a JSON file (a matrix, a summary) into the example's directory. */
  writeJson(fileName: string, data: unknown): string {
    const path = join(this.directory, fileName);
    writeFileSync(path, `${JSON.stringify(data, null, 2)}\n`);
    return path;
  }

  finish(summary: Record<string, unknown>): ExampleResult {
    this.#writer.close();
    const result = { name: this.name, documents: [...this.#writer.files], plots: [...this.#plots], summary };
    for (const f of result.documents) this.log(`documents: ${f}`);
    for (const p of result.plots) this.log(`plot: ${p}`);
    return result;
  }
}

/** Build an instrument on the in-process simulators and connect it. */
export async function simInstrument(profile: string | InstrumentProfile, speedUp: number): Promise<Instrument> {
  return buildInstrument(typeof profile === "string" ? profilePath(profile) : profile, { target: "sim", connect: true, speedUp });
}
