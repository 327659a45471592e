import { charArrayToString } from "../../core/convert.ts";
import type { DbrData, DbrLimits, DbrValues } from "../../core/dbr-data.ts";
import type { EpicsTimestamp } from "../../core/timestamp.ts";
import { timestampToPosixSeconds } from "../../core/timestamp.ts";

/**
 * A value read or monitored from a PV. `value` is a scalar when one element was asked for (or the channel
 * holds one), otherwise the element array; the metadata the DBR type carried comes along.
 */
export class CaValue {
  readonly value: number | string | DbrValues;

  constructor(
    readonly pvName: string,
    readonly data: DbrData,
    scalar: boolean,
  ) {
    this.value = scalar && data.values.length === 1 ? data.values[0]! : data.values;
  }

  /** The value as text: a CHAR array read as a long string, a STRING as itself, numbers formatted. */
  get text(): string {
    const v = this.data.values;
    if (v instanceof Uint8Array) return charArrayToString(v);
    if (Array.isArray(v)) return v.join(" ");
    return Array.from(v as ArrayLike<number>).join(" ");
  }

  get values(): DbrValues {
    return this.data.values;
  }
  get dbrType(): number {
    return this.data.dbrType;
  }
  get count(): number {
    return this.data.values.length;
  }
  get status(): number {
    return this.data.status;
  }
  get severity(): number {
    return this.data.severity;
  }
  get timestamp(): EpicsTimestamp {
    return this.data.timestamp;
  }
  /** POSIX seconds of the time stamp (TIME types; 631152000 for types without one). */
  get posixSeconds(): number {
    return timestampToPosixSeconds(this.data.timestamp);
  }
  get units(): string {
    return this.data.units;
  }
  get precision(): number {
    return this.data.precision;
  }
  get limits(): DbrLimits {
    return this.data.limits;
  }
  get enumStrings(): readonly string[] {
    return this.data.enumStrings;
  }
}
