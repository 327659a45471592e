/**
 * A simulated PV as the Channel Access server sees it: reads give snapshots of the PV's state in its native
 * DBR type with units, precision, limits and enum strings (the GR/CTRL metadata), writes go to `SimPv.put`
 * (write_notify completes when its promise settles: a motor record on arrival), and monitors follow the PV's
 * listeners while keeping the table ticking.
 */
import {
  AccessRights,
  AlarmStatus,
  Dbe,
  type CaPv,
  type DbeMask,
  type DbrLimits,
  type DbrValues,
  MAX_STRING_SIZE,
  NativeType,
  type PvListener as CaPvListener,
  type PvSnapshot,
  timestampFromPosixSeconds,
} from "../../epics/index.ts";
import { AlarmSeverity, type PvState, type PvType, type PvValue, type SimPv } from "../pvs/pv.ts";
import type { SimPvTable } from "../pvs/table.ts";

/** The DBR native type each simulated PV type is served as. */
export const NATIVE_TYPES: Readonly<Record<PvType, NativeType>> = {
  double: NativeType.DOUBLE,
  long: NativeType.LONG,
  string: NativeType.STRING,
  enum: NativeType.ENUM,
};

/** Characters a CA string carries: MAX_STRING_SIZE bytes including the terminating NUL. */
export const CA_STRING_CHARS = MAX_STRING_SIZE - 1;

/** Shorten `text` to what a DBR_STRING holds (counted in UTF-8 bytes, never splitting a character). */
export function truncateCaString(text: string): string {
  if (Buffer.byteLength(text, "utf8") <= CA_STRING_CHARS) return text;
  let out = "";
  let bytes = 0;
  for (const ch of text) {
    const n = Buffer.byteLength(ch, "utf8");
    if (bytes + n > CA_STRING_CHARS) break;
    out += ch;
    bytes += n;
  }
  return out;
}

/** The alarm status sent with a severity: states for enums, undefined for invalid values, soft otherwise. */
function alarmStatus(pv: SimPv, severity: AlarmSeverity): number {
  if (severity === AlarmSeverity.none) return AlarmStatus.NO_ALARM;
  if (severity === AlarmSeverity.invalid) return AlarmStatus.UDF;
  return pv.type === "enum" ? AlarmStatus.STATE : AlarmStatus.SOFT;
}

function dbrValues(pv: SimPv, value: PvValue): DbrValues {
  const items: readonly (number | string)[] = Array.isArray(value) ? value : [value as number | string];
  switch (pv.type) {
    case "double":
      return Float64Array.from(items as readonly number[]);
    case "long":
      return Int32Array.from(items as readonly number[]);
    case "enum":
      return Uint16Array.from(items as readonly number[]);
    case "string":
      return items.map((s) => truncateCaString(String(s)));
  }
}

function limitsOf(pv: SimPv): DbrLimits {
  const { controlLimits, displayLimits } = pv.metadata;
  // As records do when no display range is configured, the drive limits stand in for it.
  const display = displayLimits ?? controlLimits ?? [0, 0];
  const control = controlLimits ?? [0, 0];
  return {
    upperDisp: display[1],
    lowerDisp: display[0],
    upperAlarm: Number.NaN,
    upperWarning: Number.NaN,
    lowerWarning: Number.NaN,
    lowerAlarm: Number.NaN,
    upperCtrl: control[1],
    lowerCtrl: control[0],
  };
}

/** The snapshot of `state` of `pv`, as CA reads and monitors carry it. */
export function snapshotOf(pv: SimPv, state: PvState): PvSnapshot {
  return {
    values: dbrValues(pv, state.value),
    status: alarmStatus(pv, state.severity),
    severity: state.severity,
    timestamp: timestampFromPosixSeconds(state.timestamp),
    units: pv.metadata.units ?? "",
    precision: pv.metadata.precision ?? 0,
    limits: limitsOf(pv),
    enumStrings: pv.enumStrings,
  };
}

/** A client's write, as the simulated PV takes it: scalars for scalar PVs, enum states by index. */
export function pvValueOf(pv: SimPv, values: DbrValues): PvValue {
  if (pv.type === "string") {
    const strings = values as string[];
    return pv.isArray ? [...strings] : (strings[0] ?? "");
  }
  const numbers = Array.from(values as ArrayLike<number>);
  return pv.isArray ? numbers : (numbers[0] ?? 0);
}

export class SimCaPv implements CaPv {
  readonly name: string;
  readonly nativeType: NativeType;
  readonly maxCount: number;
  readonly className: string;

  constructor(
    readonly pv: SimPv,
    readonly table: SimPvTable,
  ) {
    this.name = pv.name;
    this.nativeType = NATIVE_TYPES[pv.type];
    this.maxCount = pv.count;
    this.className = pv.recordType;
  }

  /** Brings the simulator up to now first, as any read of the table does. */
  snapshot(): PvSnapshot {
    return snapshotOf(this.pv, this.pv.read());
  }

  accessRights(): AccessRights {
    return this.pv.writable ? AccessRights.READ_WRITE : AccessRights.READ;
  }

  write(values: DbrValues): Promise<void> {
    return this.pv.put(pvValueOf(this.pv, values));
  }

  subscribe(listener: CaPvListener): () => void {
    // An open monitor keeps the table ticking, so moves and readbacks reach the client without polls.
    const release = this.table.monitorOpened();
    let severity = this.pv.state.severity;
    const unsubscribe = this.pv.subscribe((state) => {
      let mask: DbeMask = Dbe.VALUE | Dbe.LOG;
      if (state.severity !== severity) mask |= Dbe.ALARM;
      severity = state.severity;
      listener(snapshotOf(this.pv, state), mask);
    });
    return () => {
      unsubscribe();
      release();
    };
  }
}
