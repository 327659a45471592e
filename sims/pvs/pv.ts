/**
 * A record-like process variable of a simulator, independent of any transport: a value with its alarm state
 * and metadata, an asynchronous put that drives the simulator, and change notifications. The in-process
 * `sim://` signal backend and the soft IOC both serve these same objects.
 */
import { InvalidArgumentError } from "../../engine/errors.ts";
import { PvReadOnlyError } from "./errors.ts";

/** Native value types, after the EPICS DBR types a soft IOC would serve them as. */
export const PvType = {
  double: "double",
  long: "long",
  string: "string",
  /** An index into `enumStrings`, as EPICS enums travel; in-process signals see the string. */
  enum: "enum",
} as const;
export type PvType = (typeof PvType)[keyof typeof PvType];

/** EPICS alarm severities. */
export const AlarmSeverity = { none: 0, minor: 1, major: 2, invalid: 3 } as const;
export type AlarmSeverity = (typeof AlarmSeverity)[keyof typeof AlarmSeverity];

export type PvScalar = number | string;
export type PvValue = PvScalar | readonly number[] | readonly string[];

export interface PvMetadata {
  /** Engineering units (EGU). @default "" */
  units?: string;
  /** Display precision (PREC). @default 0 */
  precision?: number;
  /** [low, high] control limits (DRVL/DRVH); reported, enforced only by put handlers. @default undefined */
  controlLimits?: readonly [number, number];
  /** [low, high] display range (LOPR/HOPR). @default undefined */
  displayLimits?: readonly [number, number];
  /** The states of an enum PV. @default [] */
  enumStrings?: readonly string[];
}

/** What a read or a monitor update carries. Timestamps are seconds since the UNIX epoch. */
export interface PvState {
  readonly value: PvValue;
  readonly timestamp: number;
  readonly severity: AlarmSeverity;
  /** Why the alarm is raised, when it is. @default undefined */
  readonly message?: string;
}

export type PvListener = (state: PvState, pv: SimPv) => void;

/** Runs a put; the put completes (put-callback) when the returned promise settles. */
export type PutHandler = (value: PvValue, pv: SimPv) => void | Promise<void>;

export interface SimPvOptions {
  /** Element count: 1 for a scalar, the maximum length of a waveform. @default 1 */
  count?: number;
  /** Whether clients may write it. @default false */
  writable?: boolean;
  /** @default 0, "" or an empty array */
  value?: PvValue;
  metadata?: PvMetadata;
  /** Drives the simulator on a put. @default undefined (the value is only stored) */
  onPut?: PutHandler;
  /** Store the written value once `onPut` has accepted it (returned or started without throwing); false
   * leaves storing to the handler (a motor's VAL). @default true */
  applyPut?: boolean;
  /** The record type a CA server reports (DBR_CLASS_NAME). @default "ai" or "ao" by writability */
  recordType?: string;
}

/** The clock and refresh hook a PV's table gives it. */
export interface PvHost {
  /** Bring computed values up to date before a read. */
  refresh(): void;
  /** The same, even within the table's refresh interval (after a put changed the simulator). */
  refreshNow(): void;
  /** The table's clock, seconds since the UNIX epoch (event-model timestamps). */
  timestamp(): number;
}

const NO_HOST: PvHost = { refresh: () => {}, refreshNow: () => {}, timestamp: () => Date.now() / 1000 };

function zero(type: PvType, count: number): PvValue {
  if (count > 1) return type === "string" ? [] : [];
  return type === "string" ? "" : 0;
}

function sameValue(a: PvValue, b: PvValue): boolean {
  if (a === b) return true;
  if (typeof a === "number" && typeof b === "number") return Number.isNaN(a) && Number.isNaN(b);
  if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i] && !(Number.isNaN(a[i]) && Number.isNaN(b[i]))) return false;
  return true;
}

export class SimPv {
  readonly name: string;
  readonly type: PvType;
  readonly count: number;
  readonly writable: boolean;
  readonly recordType: string;
  readonly metadata: Readonly<PvMetadata>;
  readonly #onPut: PutHandler | undefined;
  readonly #applyPut: boolean;
  readonly #listeners = new Set<PvListener>();
  #host: PvHost = NO_HOST;
  #state: PvState;

  constructor(name: string, type: PvType, options: SimPvOptions = {}) {
    if (!Object.values(PvType).includes(type))
      throw new InvalidArgumentError(`${name}: unknown PV type ${JSON.stringify(type)} (use ${Object.values(PvType).join(", ")})`, type);
    const count = options.count ?? 1;
    if (!Number.isInteger(count) || count < 1) throw new InvalidArgumentError(`${name}: count must be an integer >= 1, got ${count}`, count);
    if (type === "enum" && (options.metadata?.enumStrings?.length ?? 0) === 0)
      throw new InvalidArgumentError(`${name}: an enum PV needs enumStrings`, options.metadata);
    this.name = name;
    this.type = type;
    this.count = count;
    this.writable = options.writable ?? false;
    this.recordType = options.recordType ?? (this.writable ? "ao" : "ai");
    this.metadata = { ...options.metadata };
    this.#onPut = options.onPut;
    this.#applyPut = options.applyPut ?? true;
    const value = options.value === undefined ? zero(type, count) : this.coerce(options.value);
    this.#state = { value, timestamp: Date.now() / 1000, severity: AlarmSeverity.none };
  }

  /** Attach the PV to its table (done by `SimPvTable.add`). */
  attach(host: PvHost): void {
    this.#host = host;
    this.#state = { ...this.#state, timestamp: host.timestamp() };
  }

  get isArray(): boolean {
    return this.count > 1;
  }

  get enumStrings(): readonly string[] {
    return this.metadata.enumStrings ?? [];
  }

  /** The state now, after the table has brought computed values up to date. */
  read(): PvState {
    this.#host.refresh();
    return this.#state;
  }

  /** The state as last set, without refreshing (for code running inside a refresh). */
  get state(): PvState {
    return this.#state;
  }

  get value(): PvValue {
    return this.#state.value;
  }

  /**
   * Check and convert a value to this PV's type: numbers for double and long (longs rounded, as a CA
   * server's conversion truncates), enum states by index or name, arrays up to `count` elements.
   */
  coerce(value: unknown): PvValue {
    const bad = (why: string): never => {
      throw new InvalidArgumentError(`${this.name}: cannot write ${describe(value)}: ${why}`, value);
    };
    if (this.isArray) {
      if (!(Array.isArray(value) || ArrayBuffer.isView(value))) bad(`expected an array of up to ${this.count} elements`);
      const arr = Array.from(value as ArrayLike<unknown>);
      if (arr.length > this.count) bad(`it has ${arr.length} elements, the PV holds at most ${this.count}`);
      if (this.type === "string") return arr.map((v) => (typeof v === "string" ? v : bad("expected strings")));
      return arr.map((v) => (typeof v === "number" ? (this.type === "long" ? Math.round(v) : v) : bad("expected numbers")));
    }
    switch (this.type) {
      case "double":
        return typeof value === "number" ? value : bad("expected a number");
      case "long":
        return typeof value === "number" && Number.isFinite(value) ? Math.round(value) : bad("expected a finite integer");
      case "string":
        return typeof value === "string" ? value : bad("expected a string");
      case "enum": {
        const states = this.enumStrings;
        if (typeof value === "string") {
          const i = states.indexOf(value);
          return i >= 0 ? i : bad(`not one of ${JSON.stringify(states)}`);
        }
        if (typeof value === "number" && Number.isInteger(value) && value >= 0 && value < states.length) return value;
        return bad(`expected one of ${JSON.stringify(states)} or an index 0..${states.length - 1}`);
      }
    }
  }

  /**
   * Set the value from the simulator side (no put handler). Listeners hear of it when the value or the
   * severity changed, or always with `force`.
   */
  set(value: PvValue, options: { severity?: AlarmSeverity; message?: string; force?: boolean } = {}): void {
    const v = this.coerce(value);
    const severity = options.severity ?? AlarmSeverity.none;
    const old = this.#state;
    if (!options.force && sameValue(old.value, v) && old.severity === severity && old.message === options.message) return;
    this.#state = {
      value: v,
      timestamp: this.#host.timestamp(),
      severity,
      ...(options.message === undefined ? {} : { message: options.message }),
    };
    for (const l of this.#listeners) l(this.#state, this);
  }

  /** A client write: checked, handed to the simulator, stored (unless `applyPut` is false). */
  put(value: unknown): Promise<void> {
    try {
      if (!this.writable) throw new PvReadOnlyError(this.name, value);
      const v = this.coerce(value);
      // The handler runs first so a put it refuses (synchronously) leaves the stored value alone.
      const done = this.#onPut?.(v, this);
      if (this.#applyPut) this.set(v, { force: true });
      // Readers see what the put changed at once, not after the table's refresh interval.
      this.#host.refreshNow();
      return Promise.resolve(done).then(() => this.#host.refreshNow());
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /** Hear of every change (not called with the current state: read it first if needed). */
  subscribe(listener: PvListener): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  get subscriberCount(): number {
    return this.#listeners.size;
  }
}

function describe(value: unknown): string {
  if (Array.isArray(value) || ArrayBuffer.isView(value)) return `an array of length ${(value as ArrayLike<unknown>).length}`;
  return typeof value === "string" ? JSON.stringify(value) : String(value);
}
