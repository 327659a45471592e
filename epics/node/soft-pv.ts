import { AlarmSeverity, AlarmStatus } from "../core/alarm.ts";
import { AccessRights, Dbe, type DbeMask } from "../core/constants.ts";
import { valuesFromInput } from "../core/convert.ts";
import { ZERO_LIMITS, type DbrLimits, type DbrValues } from "../core/dbr-data.ts";
import { NativeType } from "../core/dbr-types.ts";
import { CaInvalidArgumentError } from "../core/errors.ts";
import { timestampNow, type EpicsTimestamp } from "../core/timestamp.ts";
import type { CaPv, ClientInfo, PvListener, PvSnapshot } from "./pv.ts";

export type SoftPvTypeName = "string" | "short" | "float" | "enum" | "char" | "long" | "double";

const TYPE_NAMES: Record<SoftPvTypeName, NativeType> = {
  string: NativeType.STRING,
  short: NativeType.SHORT,
  float: NativeType.FLOAT,
  enum: NativeType.ENUM,
  char: NativeType.CHAR,
  long: NativeType.LONG,
  double: NativeType.DOUBLE,
};

/** Alarm limits with the severities they raise (as an ai record's HIHI/HIGH/LOW/LOLO and HHSV/HSV/LSV/LLSV). */
export interface AlarmLimits {
  readonly hihi?: number;
  readonly high?: number;
  readonly low?: number;
  readonly lolo?: number;
  /** @default AlarmSeverity.MAJOR */
  readonly hhsv?: AlarmSeverity;
  /** @default AlarmSeverity.MINOR */
  readonly hsv?: AlarmSeverity;
  /** @default AlarmSeverity.MINOR */
  readonly lsv?: AlarmSeverity;
  /** @default AlarmSeverity.MAJOR */
  readonly llsv?: AlarmSeverity;
}

export interface SoftPvMetadata {
  readonly units?: string;
  readonly precision?: number;
  readonly enumStrings?: readonly string[];
  /** [low, high] display range (LOPR/HOPR). */
  readonly displayLimits?: readonly [number, number];
  /** [low, high] control range (DRVL/DRVH). */
  readonly controlLimits?: readonly [number, number];
  readonly alarm?: AlarmLimits;
}

/** Called for each client write once it is converted; write_notify completes when the promise settles. */
export type PutHandler = (values: DbrValues, pv: SoftPV, client: ClientInfo) => void | Promise<void>;

export interface SoftPVOptions extends SoftPvMetadata {
  readonly name: string;
  /**
   * Native type.
   * @default inferred from `value`: string -> "string", Uint8Array -> "char", otherwise "double"
   */
  readonly type?: NativeType | SoftPvTypeName;
  /** @default 0 (or "" for strings) */
  readonly value?: unknown;
  /**
   * Maximum element count clients see.
   * @default the length of the initial value (at least 1)
   */
  readonly maxCount?: number;
  /**
   * Monitor deadband for DBE_VALUE (MDEL): post when the change exceeds it; negative posts every set.
   * @default 0
   */
  readonly mdel?: number;
  /** Archive deadband for DBE_LOG (ADEL). @default 0 */
  readonly adel?: number;
  /** @default AccessRights.READ_WRITE */
  readonly access?: AccessRights | ((client: ClientInfo) => AccessRights);
  /** @default "soft" */
  readonly className?: string;
  readonly onPut?: PutHandler;
  /**
   * Whether a client write sets the value before onPut runs; false leaves setting it to the handler (a motor
   * sets its readback as it moves).
   * @default true
   */
  readonly applyPut?: boolean;
}

export const DEFAULT_SOFT_PV_CLASS_NAME = "soft";

export interface SetOptions {
  readonly timestamp?: EpicsTimestamp;
  /** Explicit alarm; without it the alarm follows the limits. */
  readonly status?: AlarmStatus;
  readonly severity?: AlarmSeverity;
}

function inferType(value: unknown): NativeType {
  if (typeof value === "string" || (Array.isArray(value) && typeof value[0] === "string")) return NativeType.STRING;
  if (value instanceof Uint8Array) return NativeType.CHAR;
  if (value instanceof Int32Array) return NativeType.LONG;
  if (value instanceof Int16Array) return NativeType.SHORT;
  if (value instanceof Float32Array) return NativeType.FLOAT;
  return NativeType.DOUBLE;
}

function isNumeric(t: NativeType): boolean {
  return t !== NativeType.STRING;
}

/**
 * An in-memory PV: holds a value with alarm state and metadata, computes alarms from its limits, applies
 * monitor (MDEL) and archive (ADEL) deadbands, and runs an optional asynchronous put handler.
 */
export class SoftPV implements CaPv {
  readonly name: string;
  readonly nativeType: NativeType;
  readonly maxCount: number;
  readonly className: string;
  private snap: PvSnapshot;
  private readonly listeners = new Set<PvListener>();
  private readonly mdel: number;
  private readonly adel: number;
  private alarm: AlarmLimits;
  private lastMonitored = Number.NaN;
  private lastArchived = Number.NaN;
  private readonly access: AccessRights | ((client: ClientInfo) => AccessRights);
  private readonly onPut: PutHandler | undefined;
  private readonly applyPut: boolean;

  constructor(options: SoftPVOptions) {
    if (!options.name) throw new CaInvalidArgumentError("a SoftPV needs a name", options.name);
    this.name = options.name;
    const type = options.type ?? inferType(options.value);
    this.nativeType = typeof type === "string" ? TYPE_NAMES[type] : type;
    if (this.nativeType === undefined) throw new CaInvalidArgumentError(`unknown PV type '${String(type)}'`, type);
    const initial = options.value ?? (this.nativeType === NativeType.STRING ? "" : 0);
    const enumStrings = options.enumStrings ?? [];
    const values = valuesFromInput(initial, this.nativeType, { enumStrings });
    this.maxCount = options.maxCount ?? Math.max(1, values.length);
    if (values.length > this.maxCount) {
      throw new CaInvalidArgumentError(`initial value of '${this.name}' has ${values.length} elements, over maxCount ${this.maxCount}`, values.length);
    }
    this.className = options.className ?? DEFAULT_SOFT_PV_CLASS_NAME;
    this.mdel = options.mdel ?? 0;
    this.adel = options.adel ?? 0;
    this.alarm = options.alarm ?? {};
    this.access = options.access ?? AccessRights.READ_WRITE;
    this.onPut = options.onPut;
    this.applyPut = options.applyPut ?? true;
    const [status, severity] = this.alarmFor(values);
    this.snap = {
      values,
      status,
      severity,
      timestamp: timestampNow(),
      units: options.units ?? "",
      precision: options.precision ?? 0,
      limits: this.limitsFrom(options),
      enumStrings,
    };
    this.remember(values, Dbe.VALUE | Dbe.LOG);
  }

  /** The value: a scalar for single-element PVs, otherwise the element array. */
  get value(): number | string | DbrValues {
    const v = this.snap.values;
    return this.maxCount === 1 && v.length === 1 ? v[0]! : v;
  }

  get status(): number {
    return this.snap.status;
  }

  get severity(): number {
    return this.snap.severity;
  }

  snapshot(): PvSnapshot {
    return this.snap;
  }

  accessRights(client: ClientInfo): AccessRights {
    return typeof this.access === "function" ? this.access(client) : this.access;
  }

  subscribe(listener: PvListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get subscriberCount(): number {
    return this.listeners.size;
  }

  /** Sets the value (any input valuesFromInput accepts), updates the alarm and posts monitors. */
  set(value: unknown, options: SetOptions = {}): void {
    this.setValues(valuesFromInput(value, this.nativeType, { enumStrings: this.snap.enumStrings }), options);
  }

  /** Sets an explicit alarm without changing the value. */
  setAlarm(status: AlarmStatus, severity: AlarmSeverity, timestamp: EpicsTimestamp = timestampNow()): void {
    this.setValues(this.snap.values, { status, severity, timestamp });
  }

  /** Changes units, precision, enum strings or limits; posts DBE_PROPERTY. */
  setMetadata(meta: SoftPvMetadata): void {
    if (meta.alarm) this.alarm = meta.alarm;
    const s = this.snap;
    const [status, severity] = this.alarmFor(s.values);
    this.snap = {
      ...s,
      status,
      severity,
      units: meta.units ?? s.units,
      precision: meta.precision ?? s.precision,
      enumStrings: meta.enumStrings ?? s.enumStrings,
      limits: this.limitsFrom(meta, s.limits),
    };
    let mask: DbeMask = Dbe.PROPERTY;
    if (status !== s.status || severity !== s.severity) mask |= Dbe.ALARM;
    this.post(mask);
  }

  /** A client write, already converted to the native type. */
  async write(values: DbrValues, client: ClientInfo): Promise<void> {
    if (values.length > this.maxCount) {
      throw new CaInvalidArgumentError(`${values.length} elements written to '${this.name}', over its maxCount ${this.maxCount}`, values.length);
    }
    if (this.applyPut) this.setValues(values, {});
    if (this.onPut) await this.onPut(values, this, client);
  }

  private setValues(values: DbrValues, options: SetOptions): void {
    if (values.length > this.maxCount) {
      throw new CaInvalidArgumentError(`${values.length} elements for '${this.name}', over its maxCount ${this.maxCount}`, values.length);
    }
    const prev = this.snap;
    const [status, severity] =
      options.status !== undefined ? [options.status, options.severity ?? AlarmSeverity.NO_ALARM] : this.alarmFor(values);
    this.snap = {
      values,
      status,
      severity,
      timestamp: options.timestamp ?? timestampNow(),
      units: prev.units,
      precision: prev.precision,
      limits: prev.limits,
      enumStrings: prev.enumStrings,
    };
    let mask = this.valueMask(values, prev.values);
    if (status !== prev.status || severity !== prev.severity) mask |= Dbe.ALARM;
    this.remember(values, mask);
    if (mask !== 0) this.post(mask);
  }

  /** Which of DBE_VALUE / DBE_LOG a new value earns under the deadbands (arrays and strings: any set). */
  private valueMask(values: DbrValues, prev: DbrValues): DbeMask {
    if (values.length !== 1 || !isNumeric(this.nativeType)) {
      if (values.length === 1 && prev.length === 1 && values[0] === prev[0]) return 0;
      return Dbe.VALUE | Dbe.LOG;
    }
    const v = values[0] as number;
    let mask: DbeMask = 0;
    if (this.mdel < 0 || !(Math.abs(v - this.lastMonitored) <= this.mdel) || (this.mdel === 0 && v !== this.lastMonitored)) {
      mask |= Dbe.VALUE;
    }
    if (this.adel < 0 || !(Math.abs(v - this.lastArchived) <= this.adel) || (this.adel === 0 && v !== this.lastArchived)) {
      mask |= Dbe.LOG;
    }
    return mask;
  }

  private remember(values: DbrValues, mask: DbeMask): void {
    if (values.length !== 1 || !isNumeric(this.nativeType)) return;
    if (mask & Dbe.VALUE) this.lastMonitored = values[0] as number;
    if (mask & Dbe.LOG) this.lastArchived = values[0] as number;
  }

  private post(mask: DbeMask): void {
    const snap = this.snap;
    for (const listener of this.listeners) listener(snap, mask);
  }

  /** Alarm from the limits, checked in the order an ai record does: HIHI, LOLO, HIGH, LOW. */
  private alarmFor(values: DbrValues): [number, number] {
    if (values.length === 0 || !isNumeric(this.nativeType)) return [AlarmStatus.NO_ALARM, AlarmSeverity.NO_ALARM];
    const v = values[0] as number;
    const a = this.alarm;
    if (a.hihi !== undefined && v >= a.hihi) return [AlarmStatus.HIHI, a.hhsv ?? AlarmSeverity.MAJOR];
    if (a.lolo !== undefined && v <= a.lolo) return [AlarmStatus.LOLO, a.llsv ?? AlarmSeverity.MAJOR];
    if (a.high !== undefined && v >= a.high) return [AlarmStatus.HIGH, a.hsv ?? AlarmSeverity.MINOR];
    if (a.low !== undefined && v <= a.low) return [AlarmStatus.LOW, a.lsv ?? AlarmSeverity.MINOR];
    return [AlarmStatus.NO_ALARM, AlarmSeverity.NO_ALARM];
  }

  private limitsFrom(meta: SoftPvMetadata, base: DbrLimits = ZERO_LIMITS): DbrLimits {
    const a = meta.alarm ?? (base === ZERO_LIMITS ? {} : undefined);
    return {
      upperDisp: meta.displayLimits?.[1] ?? base.upperDisp,
      lowerDisp: meta.displayLimits?.[0] ?? base.lowerDisp,
      upperAlarm: a ? (a.hihi ?? Number.NaN) : base.upperAlarm,
      upperWarning: a ? (a.high ?? Number.NaN) : base.upperWarning,
      lowerWarning: a ? (a.low ?? Number.NaN) : base.lowerWarning,
      lowerAlarm: a ? (a.lolo ?? Number.NaN) : base.lowerAlarm,
      upperCtrl: meta.controlLimits?.[1] ?? base.upperCtrl,
      lowerCtrl: meta.controlLimits?.[0] ?? base.lowerCtrl,
    };
  }
}
