/**
 * How a Channel Access value becomes a signal value and back, as a table keyed on (native DBR type, is array),
 * after ophyd-async's CA backend: each entry names the datatype a signal gets when it asks for none and the
 * datatypes it may ask for instead. Arrays read as plain arrays (JSON-safe for documents), enums as their
 * state strings, CHAR arrays as long strings when asked for "string".
 */
import { charArrayToString, dbrTypeName, NativeType, type CaValue } from "../../epics/index.ts";
import { InvalidArgumentError } from "../../engine/errors.ts";
import type { SignalDatatype } from "../core/datakey.ts";

interface ConversionEntry {
  /** What the signal holds when the device does not say. */
  readonly natural: SignalDatatype;
  /** Every datatype a device may ask for (the natural one first). */
  readonly allowed: readonly SignalDatatype[];
}

const INTEGER_SCALAR: ConversionEntry = { natural: "integer", allowed: ["integer", "number", "boolean"] };
const FLOAT_SCALAR: ConversionEntry = { natural: "number", allowed: ["number"] };
const ARRAY: ConversionEntry = { natural: "array", allowed: ["array"] };

/** `${native}:${isArray}` -> entry. */
export const CA_CONVERSIONS: ReadonlyMap<string, ConversionEntry> = new Map<string, ConversionEntry>([
  [`${NativeType.STRING}:false`, { natural: "string", allowed: ["string"] }],
  [`${NativeType.STRING}:true`, ARRAY],
  [`${NativeType.SHORT}:false`, INTEGER_SCALAR],
  [`${NativeType.SHORT}:true`, ARRAY],
  [`${NativeType.FLOAT}:false`, FLOAT_SCALAR],
  [`${NativeType.FLOAT}:true`, ARRAY],
  // Enums read as their state names; "integer" gives the index, "boolean" suits two-state enums.
  [`${NativeType.ENUM}:false`, { natural: "enum", allowed: ["enum", "string", "integer", "boolean"] }],
  [`${NativeType.ENUM}:true`, ARRAY],
  [`${NativeType.CHAR}:false`, INTEGER_SCALAR],
  // A CHAR waveform is how EPICS carries strings longer than 40 characters.
  [`${NativeType.CHAR}:true`, { natural: "array", allowed: ["array", "string"] }],
  [`${NativeType.LONG}:false`, INTEGER_SCALAR],
  [`${NativeType.LONG}:true`, ARRAY],
  [`${NativeType.DOUBLE}:false`, FLOAT_SCALAR],
  [`${NativeType.DOUBLE}:true`, ARRAY],
]);

/** What one channel's values convert with, once its native type, length and states are known. */
export class CaConverter {
  constructor(
    readonly pvName: string,
    readonly native: NativeType,
    readonly isArray: boolean,
    readonly datatype: SignalDatatype,
    public choices: readonly string[],
  ) {}

  /**
   * The converter for a connected channel, given the datatype the device asked for (if any). Refuses a
   * datatype the channel cannot hold, naming both, and a two-state read of an enum with more states.
   */
  static for(pvName: string, native: number, count: number, wanted: SignalDatatype | undefined, choices: readonly string[]): CaConverter {
    const isArray = count > 1;
    const entry = CA_CONVERSIONS.get(`${native}:${isArray}`);
    const what = `${dbrTypeName(native).replace("DBR_", "DBF_")}${isArray ? `[${count}]` : ""}`;
    if (entry === undefined) throw new InvalidArgumentError(`ca://${pvName} has native type ${what}, which no signal can hold`, native);
    const datatype = wanted ?? entry.natural;
    if (!entry.allowed.includes(datatype))
      throw new InvalidArgumentError(
        `ca://${pvName} holds ${what} values; it cannot be read as ${datatype} (use ${entry.allowed.join(" or ")})`,
        wanted,
      );
    if (native === NativeType.ENUM && datatype === "boolean" && choices.length !== 2)
      throw new InvalidArgumentError(
        `ca://${pvName} is an enum of ${choices.length} states ${JSON.stringify(choices)}; only a two-state enum reads as boolean`,
        wanted,
      );
    return new CaConverter(pvName, native as NativeType, isArray, datatype, choices);
  }

  /** The signal value of a CA value. */
  fromCa(v: CaValue): unknown {
    const values = v.values;
    switch (this.datatype) {
      case "array":
        return Array.from(values as ArrayLike<number | string>);
      case "string":
        if (this.native === NativeType.CHAR) return charArrayToString(values as Uint8Array);
        if (this.native === NativeType.ENUM) return this.stateName(values[0] as number);
        return (values[0] as string | undefined) ?? "";
      case "enum":
        return this.stateName(values[0] as number);
      case "boolean":
        return values[0] !== 0;
      default:
        return (values[0] as number | undefined) ?? 0;
    }
  }

  /** The value a put sends: booleans as 0/1, everything else as the channel's put accepts it. */
  toCa(value: unknown): unknown {
    if (typeof value === "boolean") return value ? 1 : 0;
    return value;
  }

  private stateName(index: number): string {
    return this.choices[index] ?? String(index);
  }
}
