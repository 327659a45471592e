/**
 * SvgPlot writes, when a run stops, an SVG line plot of y fields against an x field of one stream: by
 * default the run's scanned axis (the start document's dimensions) against its hinted detector fields.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { DataKey, Event, EventDescriptor, RunStart, RunStop } from "../documents/types.ts";
import { dimensionFields, hintedFields } from "./hinted-fields.ts";
import { DocumentRouter } from "./router.ts";
import { DEFAULT_STREAM_NAME } from "../documents/compose.ts";
import { renderLinePlot } from "./svg/line-plot.ts";

export interface SvgPlotOptions {
  /** Created if missing. */
  directory: string;
  /** Data key on the x axis. @default the stream's first dimension field, else the event seq_num */
  x?: string;
  /** Data keys plotted against x. @default the hinted fields other than x, else every numeric scalar key */
  y?: readonly string[];
  /** @default "primary" */
  stream?: string;
  /** @default `<scan_id>-<uid first 8>.svg`, or `<uid first 8>.svg` without a scan_id */
  fileName?: (start: RunStart) => string;
  /** @default 720 */
  width?: number;
  /** @default 440 */
  height?: number;
  /** Called with the path of each plot written. */
  onWritten?: (path: string, start: RunStart) => void;
}

/** The x "field" that stands for the event's position in its stream when no x data key is available. */
export const SEQ_NUM_AXIS = "seq_num";

export function defaultSvgFileName(start: RunStart): string {
  const uid8 = start.uid.slice(0, 8);
  return start.scan_id === undefined ? `${uid8}.svg` : `${start.scan_id}-${uid8}.svg`;
}

export class SvgPlot extends DocumentRouter {
  /** Paths of the plots written, in order. */
  readonly files: string[] = [];
  private readonly options: SvgPlotOptions;
  private runStart: RunStart | undefined;
  private descriptorDoc: EventDescriptor | undefined;
  private readonly descriptorUids = new Set<string>();
  private events: Event[] = [];

  constructor(options: SvgPlotOptions) {
    super();
    this.options = options;
  }

  protected override start(doc: RunStart): void {
    this.runStart = doc;
    this.descriptorDoc = undefined;
    this.descriptorUids.clear();
    this.events = [];
  }

  protected override descriptor(doc: EventDescriptor): void {
    if (doc.run_start !== this.runStart?.uid || (doc.name ?? "") !== (this.options.stream ?? DEFAULT_STREAM_NAME)) return;
    this.descriptorDoc ??= doc;
    this.descriptorUids.add(doc.uid);
  }

  protected override event(doc: Event): void {
    if (this.descriptorUids.has(doc.descriptor)) this.events.push(doc);
  }

  protected override stop(doc: RunStop): void {
    const start = this.runStart;
    if (start === undefined || doc.run_start !== start.uid) return;
    const svg = this.render(start);
    mkdirSync(this.options.directory, { recursive: true });
    const path = join(this.options.directory, (this.options.fileName ?? defaultSvgFileName)(start));
    writeFileSync(path, svg);
    this.files.push(path);
    this.runStart = undefined;
    this.options.onWritten?.(path, start);
  }

  /** The plot of the current run's data so far. */
  render(start: RunStart): string {
    const keys = this.descriptorDoc?.data_keys ?? {};
    const x = this.xField(start);
    const ys = this.yFields(start, x);
    const xValues = this.events.map((e) => toNumber(x === SEQ_NUM_AXIS ? e.seq_num : e.data[x]));
    const planName = typeof start.plan_name === "string" ? start.plan_name : "run";
    const scan = start.scan_id === undefined ? "" : ` · scan ${start.scan_id}`;
    return renderLinePlot({
      title: `${planName}${scan} · ${start.uid.slice(0, 8)}`,
      xLabel: label(x, keys[x]),
      yLabel: ys.length === 1 ? label(ys[0]!, keys[ys[0]!]) : sharedUnits(ys.map((y) => keys[y])),
      series: ys.map((y) => ({ name: y, x: xValues, y: this.events.map((e) => toNumber(e.data[y])) })),
      width: this.options.width,
      height: this.options.height,
    });
  }

  private xField(start: RunStart): string {
    if (this.options.x !== undefined) return this.options.x;
    const keys = this.descriptorDoc?.data_keys ?? {};
    return dimensionFields(start, this.options.stream ?? DEFAULT_STREAM_NAME).find((f) => Object.hasOwn(keys, f)) ?? SEQ_NUM_AXIS;
  }

  private yFields(start: RunStart, x: string): string[] {
    if (this.options.y !== undefined) return [...this.options.y];
    const descriptor = this.descriptorDoc;
    if (descriptor === undefined) return [];
    const numeric = (f: string) => {
      const key = descriptor.data_keys[f]!;
      return (key.dtype === "number" || key.dtype === "integer") && key.shape.length === 0;
    };
    const hinted = hintedFields(start, descriptor).filter((f) => f !== x && numeric(f));
    return hinted.length > 0 ? hinted : Object.keys(descriptor.data_keys).filter((f) => f !== x && numeric(f));
  }
}

function toNumber(value: unknown): number {
  return typeof value === "number" ? value : typeof value === "boolean" ? Number(value) : Number.NaN;
}

function label(field: string, key: DataKey | undefined): string {
  return key?.units ? `${field} [${key.units}]` : field;
}

function sharedUnits(keys: (DataKey | undefined)[]): string {
  const units = new Set(keys.map((k) => k?.units ?? ""));
  const [only] = units;
  return units.size === 1 && only ? `value [${only}]` : "value";
}
