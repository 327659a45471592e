/**
 * LiveTable prints one row per event of a stream as it arrives, like Bluesky's LiveTable:
 *
 * ```
 * +-----------+------------+------------+------------+
 * |   seq_num |       time |      motor |        det |
 * +-----------+------------+------------+------------+
 * |         1 | 22:13:20.5 |     -1.000 |      0.607 |
 * +-----------+------------+------------+------------+
 * scan ['0a1b2c3d'] (scan num: 7): success, 1 event in 1.00 s
 * ```
 */
import type { DataKey, Event, EventDescriptor, RunStart, RunStop } from "../documents/types.ts";
import { InvalidArgumentError } from "../errors.ts";
import { hintedFields } from "./hinted-fields.ts";
import { DocumentRouter } from "./router.ts";
import type { TextSink } from "./sink.ts";

export interface LiveTableOptions {
  /** Data keys to show, in order. @default the run's hinted fields (dimensions first), else every scalar key */
  fields?: readonly string[];
  /** @default "primary" */
  stream?: string;
  /** Rows between repeated headers. @default 50 */
  printHeaderInterval?: number;
  /** Minimum width of a data column, in characters. @default 10 */
  minWidth?: number;
  /** Digits after the point when a data key gives no precision. @default 3 */
  defaultPrecision?: number;
  /** Show event times in UTC rather than local time. @default false */
  utc?: boolean;
  /** @default process.stdout */
  out?: TextSink;
}

export const DEFAULT_LIVE_TABLE_STREAM = "primary";
export const DEFAULT_PRINT_HEADER_INTERVAL = 50;
export const DEFAULT_LIVE_TABLE_MIN_WIDTH = 10;
export const DEFAULT_LIVE_TABLE_PRECISION = 3;

const SEQ_NUM_WIDTH = 9;
const TIME_WIDTH = 10;

interface Column {
  name: string;
  width: number;
  format: (value: unknown) => string;
}

export class LiveTable extends DocumentRouter {
  private readonly options: Required<Omit<LiveTableOptions, "fields">> & { fields?: readonly string[] };
  private runStart: RunStart | undefined;
  private readonly descriptorUids = new Set<string>();
  private columns: Column[] = [];
  private rows = 0;

  constructor(options: LiveTableOptions = {}) {
    super();
    const printHeaderInterval = options.printHeaderInterval ?? DEFAULT_PRINT_HEADER_INTERVAL;
    if (!Number.isSafeInteger(printHeaderInterval) || printHeaderInterval < 1) {
      throw new InvalidArgumentError(
        `printHeaderInterval must be a positive integer, got ${String(printHeaderInterval)}`,
        printHeaderInterval,
      );
    }
    this.options = {
      fields: options.fields,
      stream: options.stream ?? DEFAULT_LIVE_TABLE_STREAM,
      printHeaderInterval,
      minWidth: options.minWidth ?? DEFAULT_LIVE_TABLE_MIN_WIDTH,
      defaultPrecision: options.defaultPrecision ?? DEFAULT_LIVE_TABLE_PRECISION,
      utc: options.utc ?? false,
      out: options.out ?? process.stdout,
    };
  }

  protected override start(doc: RunStart): void {
    this.runStart = doc;
    this.descriptorUids.clear();
    this.columns = [];
    this.rows = 0;
  }

  protected override descriptor(doc: EventDescriptor): void {
    if ((doc.name ?? "") !== this.options.stream || doc.run_start !== this.runStart?.uid) return;
    this.descriptorUids.add(doc.uid);
    // A stream can get a new descriptor mid-run (its configuration changed); the table keeps its columns.
    if (this.descriptorUids.size > 1) return;
    this.columns = [
      { name: "seq_num", width: SEQ_NUM_WIDTH, format: (v) => String(v) },
      { name: "time", width: TIME_WIDTH, format: (v) => formatClock(v as number, this.options.utc) },
      ...this.fieldsFor(doc).map((field) => this.dataColumn(field, doc.data_keys[field]!)),
    ];
  }

  protected override event(doc: Event): void {
    if (!this.descriptorUids.has(doc.descriptor)) return;
    if (this.rows % this.options.printHeaderInterval === 0) this.printHeader();
    this.rows += 1;
    const values = [doc.seq_num, doc.time, ...this.columns.slice(2).map((c) => doc.data[c.name])];
    this.writeLine(this.cells(this.columns.map((c, i) => c.format(values[i]))));
  }

  protected override stop(doc: RunStop): void {
    const start = this.runStart;
    if (start === undefined || doc.run_start !== start.uid) return;
    if (this.rows > 0) this.writeLine(this.border());
    const status = doc.exit_status + (doc.reason ? ` (${doc.reason})` : "");
    const events = `${this.rows} event${this.rows === 1 ? "" : "s"}`;
    const duration = `${(doc.time - start.time).toFixed(2)} s`;
    this.writeLine(`${watermark(start)}: ${status}, ${events} in ${duration}`);
    this.runStart = undefined;
    this.descriptorUids.clear();
  }

  private fieldsFor(descriptor: EventDescriptor): string[] {
    const keys = descriptor.data_keys;
    if (this.options.fields !== undefined) return this.options.fields.filter((f) => Object.hasOwn(keys, f));
    const hinted = hintedFields(this.runStart, descriptor);
    if (hinted.length > 0) return hinted;
    return Object.keys(keys).filter((k) => keys[k]!.shape.length === 0);
  }

  private dataColumn(name: string, key: DataKey): Column {
    const width = Math.max(this.options.minWidth, name.length);
    const precision = key.precision ?? this.options.defaultPrecision;
    return { name, width, format: (v) => formatValue(v, key.dtype, precision, width) };
  }

  private printHeader(): void {
    const border = this.border();
    this.writeLine(border);
    this.writeLine(this.cells(this.columns.map((c) => c.name)));
    this.writeLine(border);
  }

  private border(): string {
    return `+${this.columns.map((c) => "-".repeat(c.width + 2)).join("+")}+`;
  }

  private cells(texts: string[]): string {
    return `|${this.columns.map((c, i) => ` ${texts[i]!.padStart(c.width)} `).join("|")}|`;
  }

  private writeLine(line: string): void {
    this.options.out.write(`${line}\n`);
  }
}

/** `plan_name ['uid8'] (scan num: N)`, the line Bluesky ends its tables with. */
function watermark(start: RunStart): string {
  const plan = typeof start.plan_name === "string" ? start.plan_name : "run";
  const scan = start.scan_id === undefined ? "" : ` (scan num: ${start.scan_id})`;
  return `${plan} ['${start.uid.slice(0, 8)}']${scan}`;
}

/** HH:MM:SS.s, tenths truncated as Bluesky does. */
function formatClock(epochSeconds: number, utc: boolean): string {
  const date = new Date(epochSeconds * 1000);
  const [h, m, s] = utc
    ? [date.getUTCHours(), date.getUTCMinutes(), date.getUTCSeconds()]
    : [date.getHours(), date.getMinutes(), date.getSeconds()];
  const tenths = Math.floor(date.getMilliseconds() / 100);
  const two = (n: number) => String(n).padStart(2, "0");
  return `${two(h)}:${two(m)}:${two(s)}.${tenths}`;
}

function formatValue(value: unknown, dtype: DataKey["dtype"], precision: number, width: number): string {
  if (value === undefined || value === null) return "";
  if (typeof value === "number") {
    if (!Number.isFinite(value)) return String(value);
    if (dtype === "integer" && Number.isInteger(value)) return String(value);
    const fixed = value.toFixed(precision);
    // Keep the column readable when a value outgrows it, rather than widening one row.
    return fixed.length <= width ? fixed : value.toExponential(precision);
  }
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return text.length <= width ? text : `${text.slice(0, width - 1)}…`;
}
