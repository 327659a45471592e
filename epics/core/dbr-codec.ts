import { readFixedString, writeFixedString } from "./bytes.ts";
import { MAX_ENUM_STATES, MAX_ENUM_STRING_SIZE, MAX_STRING_SIZE, MAX_UNITS_SIZE } from "./constants.ts";
import { makeDbrData, NUMERIC_ARRAY, ZERO_LIMITS, type DbrData, type DbrLimits, type DbrValues } from "./dbr-data.ts";
import { DbrForm, dbrLayout, NativeType, type DbrLayout } from "./dbr-types.ts";
import { RemoteProtocolError } from "./errors.ts";
import { ZERO_TIMESTAMP, type EpicsTimestamp } from "./timestamp.ts";

/** Typed arrays use host byte order; the wire is big-endian, so bulk copies swap on little-endian hosts. */
const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

// Bulk copy beats per-element calls only past a handful of elements.
const BULK_THRESHOLD = 8;

function swapInPlace(buf: Buffer, size: number): void {
  if (!LITTLE_ENDIAN_HOST) return;
  if (size === 2) buf.swap16();
  else if (size === 4) buf.swap32();
  else if (size === 8) buf.swap64();
}

function writeElement(buf: Buffer, at: number, native: NativeType, v: number): void {
  switch (native) {
    case NativeType.SHORT:
      buf.writeInt16BE((v << 16) >> 16, at);
      return;
    case NativeType.FLOAT:
      buf.writeFloatBE(v, at);
      return;
    case NativeType.ENUM:
      buf.writeUInt16BE(v & 0xffff, at);
      return;
    case NativeType.CHAR:
      buf[at] = v & 0xff;
      return;
    case NativeType.LONG:
      buf.writeInt32BE(v | 0, at);
      return;
    case NativeType.DOUBLE:
      buf.writeDoubleBE(v, at);
      return;
  }
}

function readElement(buf: Buffer, at: number, native: NativeType): number {
  switch (native) {
    case NativeType.SHORT:
      return buf.readInt16BE(at);
    case NativeType.FLOAT:
      return buf.readFloatBE(at);
    case NativeType.ENUM:
      return buf.readUInt16BE(at);
    case NativeType.CHAR:
      return buf[at]!;
    case NativeType.LONG:
      return buf.readInt32BE(at);
    default:
      return buf.readDoubleBE(at);
  }
}

/** Writes `count` value elements; elements beyond the supplied values are zero (as EPICS pads short reads). */
function writeValues(buf: Buffer, at: number, layout: DbrLayout, values: DbrValues, count: number): void {
  const { native, elementSize } = layout;
  const n = Math.min(count, values.length);
  if (native === NativeType.STRING) {
    const strings = values as string[];
    for (let i = 0; i < n; i++) writeFixedString(buf, at + i * MAX_STRING_SIZE, MAX_STRING_SIZE, String(strings[i]));
  } else if (n < BULK_THRESHOLD) {
    const nums = values as ArrayLike<number>;
    for (let i = 0; i < n; i++) writeElement(buf, at + i * elementSize, native, nums[i]!);
  } else {
    const Ctor = NUMERIC_ARRAY[native]!;
    const typed = values instanceof Ctor ? values : Ctor.from(values as ArrayLike<number>);
    const bytes = n * elementSize;
    const src = Buffer.from(typed.buffer, typed.byteOffset, bytes);
    src.copy(buf, at, 0, bytes);
    swapInPlace(buf.subarray(at, at + bytes), elementSize);
  }
  if (n < count) buf.fill(0, at + n * elementSize, at + count * elementSize);
}

function readValues(buf: Buffer, at: number, end: number, layout: DbrLayout, count: number): DbrValues {
  const { native, elementSize } = layout;
  if (native === NativeType.STRING) {
    // Servers may shorten a lone string to its length plus NUL, so the last element may be short.
    const out = new Array<string>(count);
    for (let i = 0; i < count; i++) {
      const start = at + i * MAX_STRING_SIZE;
      out[i] = start < end ? readFixedString(buf, start, Math.min(MAX_STRING_SIZE, end - start)) : "";
    }
    return out;
  }
  const Ctor = NUMERIC_ARRAY[native]!;
  const out = new Ctor(count);
  if (count < BULK_THRESHOLD) {
    for (let i = 0; i < count; i++) out[i] = readElement(buf, at + i * elementSize, native);
    return out;
  }
  const bytes = count * elementSize;
  const view = Buffer.from(out.buffer, out.byteOffset, bytes);
  buf.copy(view, 0, at, at + bytes);
  swapInPlace(view, elementSize);
  return out;
}

const LIMIT_ORDER: readonly (keyof DbrLimits)[] = [
  "upperDisp",
  "lowerDisp",
  "upperAlarm",
  "upperWarning",
  "lowerWarning",
  "lowerAlarm",
  "upperCtrl",
  "lowerCtrl",
];

function writeTimestamp(buf: Buffer, at: number, ts: EpicsTimestamp): void {
  buf.writeUInt32BE(ts.secondsPastEpoch >>> 0, at);
  buf.writeUInt32BE(ts.nanoseconds >>> 0, at + 4);
}

/** Writes the metadata part of a struct (everything before the value), padding included. */
function writeMeta(buf: Buffer, at: number, layout: DbrLayout, data: DbrData): void {
  if (layout.valueOffset === 0) return;
  buf.fill(0, at, at + layout.valueOffset);
  const { form, native } = layout;
  if (form === DbrForm.SPECIAL) {
    // Only DBR_STSACK_STRING has metadata among the special types.
    buf.writeUInt16BE(data.status, at);
    buf.writeUInt16BE(data.severity, at + 2);
    buf.writeUInt16BE(data.ackt, at + 4);
    buf.writeUInt16BE(data.acks, at + 6);
    return;
  }
  buf.writeUInt16BE(data.status, at);
  buf.writeUInt16BE(data.severity, at + 2);
  if (form === DbrForm.TIME) {
    writeTimestamp(buf, at + 4, data.timestamp);
    return;
  }
  if (form !== DbrForm.GR && form !== DbrForm.CTRL) return;
  if (native === NativeType.STRING) return;
  if (native === NativeType.ENUM) {
    const n = Math.min(data.enumStrings.length, MAX_ENUM_STATES);
    buf.writeUInt16BE(n, at + 4);
    for (let i = 0; i < n; i++) {
      writeFixedString(buf, at + 6 + i * MAX_ENUM_STRING_SIZE, MAX_ENUM_STRING_SIZE, data.enumStrings[i]!);
    }
    return;
  }
  let p = at + 4;
  if (native === NativeType.FLOAT || native === NativeType.DOUBLE) {
    buf.writeInt16BE(data.precision, p);
    p += 4; // precision + RISC_pad0
  }
  writeFixedString(buf, p, MAX_UNITS_SIZE, data.units);
  p += MAX_UNITS_SIZE;
  const limits = form === DbrForm.CTRL ? 8 : 6;
  const size = layout.elementSize;
  for (let i = 0; i < limits; i++) writeElement(buf, p + i * size, native, data.limits[LIMIT_ORDER[i]!]);
}

function readLimits(buf: Buffer, at: number, native: NativeType, count: number): DbrLimits {
  const size = [0, 2, 4, 2, 1, 4, 8][native]!;
  const v = (i: number): number => (i < count ? readElement(buf, at + i * size, native) : 0);
  return {
    upperDisp: v(0),
    lowerDisp: v(1),
    upperAlarm: v(2),
    upperWarning: v(3),
    lowerWarning: v(4),
    lowerAlarm: v(5),
    upperCtrl: v(6),
    lowerCtrl: v(7),
  };
}

/** Writes one DBR payload of exactly dbrPayloadSize(type, count) bytes at `at` (no 8-byte padding). */
export function writeDbr(buf: Buffer, at: number, data: DbrData, count: number): void {
  const layout = dbrLayout(data.dbrType);
  writeMeta(buf, at, layout, data);
  writeValues(buf, at + layout.valueOffset, layout, data.values, count);
}

/**
 * Decodes `count` elements of `type` from `length` bytes at `at`. Throws RemoteProtocolError when the bytes
 * are too few for the type and count the header announced.
 */
export function readDbr(type: number, count: number, buf: Buffer, at: number, length: number): DbrData {
  const layout = dbrLayout(type);
  const needed = layout.valueOffset + count * layout.elementSize;
  const short = layout.native === NativeType.STRING ? needed - layout.elementSize + 1 : needed;
  if (length < short && count > 0) {
    throw new RemoteProtocolError(
      `payload of ${length} bytes is too short for ${layout.name} x ${count} (needs ${needed} bytes)`,
    );
  }
  const end = at + length;
  const values = readValues(buf, at + layout.valueOffset, end, layout, count);
  const { form, native } = layout;
  if (form === DbrForm.PLAIN) return makeDbrData(type, values);
  if (form === DbrForm.SPECIAL) {
    if (type !== 37) return makeDbrData(type, values);
    return makeDbrData(type, values, {
      status: buf.readUInt16BE(at),
      severity: buf.readUInt16BE(at + 2),
      ackt: buf.readUInt16BE(at + 4),
      acks: buf.readUInt16BE(at + 6),
    });
  }
  const status = buf.readUInt16BE(at);
  const severity = buf.readUInt16BE(at + 2);
  if (form === DbrForm.STS) return makeDbrData(type, values, { status, severity });
  if (form === DbrForm.TIME) {
    const timestamp = { secondsPastEpoch: buf.readUInt32BE(at + 4), nanoseconds: buf.readUInt32BE(at + 8) };
    return makeDbrData(type, values, { status, severity, timestamp });
  }
  if (native === NativeType.STRING) return makeDbrData(type, values, { status, severity });
  if (native === NativeType.ENUM) {
    const n = Math.min(buf.readUInt16BE(at + 4), MAX_ENUM_STATES);
    const enumStrings: string[] = [];
    for (let i = 0; i < n; i++) enumStrings.push(readFixedString(buf, at + 6 + i * MAX_ENUM_STRING_SIZE, MAX_ENUM_STRING_SIZE));
    return makeDbrData(type, values, { status, severity, enumStrings });
  }
  let p = at + 4;
  let precision = 0;
  if (native === NativeType.FLOAT || native === NativeType.DOUBLE) {
    precision = buf.readInt16BE(p);
    p += 4;
  }
  const units = readFixedString(buf, p, MAX_UNITS_SIZE);
  p += MAX_UNITS_SIZE;
  const limits = readLimits(buf, p, native, form === DbrForm.CTRL ? 8 : 6);
  return makeDbrData(type, values, { status, severity, units, precision, limits });
}

export { ZERO_LIMITS, ZERO_TIMESTAMP };
