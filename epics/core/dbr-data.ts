import { NativeType } from "./dbr-types.ts";
import { ZERO_TIMESTAMP, type EpicsTimestamp } from "./timestamp.ts";

/** The value array of a DBR payload: one typed array per numeric native type, strings for STRING. */
export type DbrValues = string[] | Int16Array | Float32Array | Uint16Array | Uint8Array | Int32Array | Float64Array;

/** Display, alarm, warning and control limits of GR/CTRL types, in the value's units. */
export interface DbrLimits {
  readonly upperDisp: number;
  readonly lowerDisp: number;
  readonly upperAlarm: number;
  readonly upperWarning: number;
  readonly lowerWarning: number;
  readonly lowerAlarm: number;
  readonly upperCtrl: number;
  readonly lowerCtrl: number;
}

export const ZERO_LIMITS: DbrLimits = Object.freeze({
  upperDisp: 0,
  lowerDisp: 0,
  upperAlarm: 0,
  upperWarning: 0,
  lowerWarning: 0,
  lowerAlarm: 0,
  upperCtrl: 0,
  lowerCtrl: 0,
});

const NO_STRINGS: readonly string[] = Object.freeze([]);

/**
 * A decoded (or to-be-encoded) DBR payload. Every field is always present so objects share one shape; fields
 * the type does not carry hold zero values (plain types: status 0, no time stamp, no units...).
 */
export interface DbrData {
  readonly dbrType: number;
  readonly values: DbrValues;
  readonly status: number;
  readonly severity: number;
  readonly timestamp: EpicsTimestamp;
  readonly units: string;
  readonly precision: number;
  readonly limits: DbrLimits;
  readonly enumStrings: readonly string[];
  /** Alarm acknowledge transient flag and acknowledge severity (DBR_STSACK_STRING only). */
  readonly ackt: number;
  readonly acks: number;
}

export function makeDbrData(dbrType: number, values: DbrValues, fields: Partial<Omit<DbrData, "dbrType" | "values">> = {}): DbrData {
  return {
    dbrType,
    values,
    status: fields.status ?? 0,
    severity: fields.severity ?? 0,
    timestamp: fields.timestamp ?? ZERO_TIMESTAMP,
    units: fields.units ?? "",
    precision: fields.precision ?? 0,
    limits: fields.limits ?? ZERO_LIMITS,
    enumStrings: fields.enumStrings ?? NO_STRINGS,
    ackt: fields.ackt ?? 0,
    acks: fields.acks ?? 0,
  };
}

type NumericArrayCtor =
  | Int16ArrayConstructor
  | Float32ArrayConstructor
  | Uint16ArrayConstructor
  | Uint8ArrayConstructor
  | Int32ArrayConstructor
  | Float64ArrayConstructor;

/** The typed-array constructor for a numeric native type (undefined for STRING). */
export const NUMERIC_ARRAY: readonly (NumericArrayCtor | undefined)[] = [
  undefined,
  Int16Array,
  Float32Array,
  Uint16Array,
  Uint8Array,
  Int32Array,
  Float64Array,
];

/** A zero-filled value array of `count` elements of a native type. */
export function emptyValues(native: NativeType, count: number): DbrValues {
  if (native === NativeType.STRING) return new Array<string>(count).fill("");
  return new NUMERIC_ARRAY[native]!(count);
}
