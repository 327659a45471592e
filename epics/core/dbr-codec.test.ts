import { describe, expect, it } from "vitest";
import { readDbr, writeDbr } from "./dbr-codec.ts";
import { makeDbrData, type DbrData, type DbrValues } from "./dbr-data.ts";
import { DbrForm, dbrLayout, dbrPayloadSize, DbrType, dbrTypeFromName, dbrTypeName, LAST_DBR_TYPE, NativeType } from "./dbr-types.ts";
import { CaInvalidArgumentError, RemoteProtocolError } from "./errors.ts";
import { expectThrows } from "../test-helpers.ts";

/** dbr_size[] from EPICS db_access.c: the C struct sizes, padding included. */
const EPICS_DBR_SIZE = [
  40, 2, 4, 2, 1, 4, 8, 44, 6, 8, 6, 6, 8, 16, 52, 16, 16, 16, 16, 16, 24, 44, 26, 44, 424, 20, 40, 72, 44, 30, 52,
  424, 22, 48, 88, 2, 2, 48, 40,
];

function sampleValues(native: NativeType, count: number): DbrValues {
  switch (native) {
    case NativeType.STRING:
      return Array.from({ length: count }, (_, i) => `s${i}-${"x".repeat(i % 30)}`);
    case NativeType.SHORT:
      return Int16Array.from({ length: count }, (_, i) => (i * 977 - 20000) % 32000);
    case NativeType.FLOAT:
      return Float32Array.from({ length: count }, (_, i) => i * 0.5 - 3.25);
    case NativeType.ENUM:
      return Uint16Array.from({ length: count }, (_, i) => i % 16);
    case NativeType.CHAR:
      return Uint8Array.from({ length: count }, (_, i) => (i * 31) & 0xff);
    case NativeType.LONG:
      return Int32Array.from({ length: count }, (_, i) => i * 1_000_003 - 2_000_000_000);
    default:
      return Float64Array.from({ length: count }, (_, i) => Math.PI * i - 1e300 * (i % 2));
  }
}

function sampleData(type: number, count: number): DbrData {
  const layout = dbrLayout(type);
  const limitsBase = layout.native === NativeType.CHAR ? 10 : -50;
  return makeDbrData(type, sampleValues(layout.native, count), {
    status: 4,
    severity: 1,
    timestamp: { secondsPastEpoch: 1_000_000_007, nanoseconds: 123_456_789 },
    units: "mm/s",
    precision: 3,
    limits: {
      upperDisp: limitsBase + 100,
      lowerDisp: limitsBase + 1,
      upperAlarm: limitsBase + 90,
      upperWarning: limitsBase + 80,
      lowerWarning: limitsBase + 20,
      lowerAlarm: limitsBase + 10,
      upperCtrl: limitsBase + 95,
      lowerCtrl: limitsBase + 5,
    },
    enumStrings: ["Off", "On", "A twenty-five char state!"],
    ackt: 1,
    acks: 2,
  });
}

function roundTrip(data: DbrData, count: number): DbrData {
  const size = dbrPayloadSize(data.dbrType, count);
  const buf = Buffer.alloc(size + 5);
  writeDbr(buf, 5, data, count);
  return readDbr(data.dbrType, count, buf, 5, size);
}

describe("DBR layouts", () => {
  it("match the C struct sizes of db_access.h for every type", () => {
    for (let type = 0; type <= LAST_DBR_TYPE; type++) {
      expect(dbrPayloadSize(type, 1), dbrTypeName(type)).toBe(EPICS_DBR_SIZE[type]);
    }
  });

  it("names types and finds them by name", () => {
    expect(dbrTypeName(DbrType.CTRL_DOUBLE)).toBe("DBR_CTRL_DOUBLE");
    expect(dbrTypeName(DbrType.STSACK_STRING)).toBe("DBR_STSACK_STRING");
    expect(dbrTypeFromName("time_char")).toBe(18);
    expect(dbrTypeFromName("DBR_CLASS_NAME")).toBe(38);
    expectThrows(() => dbrTypeFromName("TIME_BOGUS"), CaInvalidArgumentError, "unknown DBR type name 'TIME_BOGUS'");
  });

  it("rejects unknown type codes with the code in the message", () => {
    expectThrows(() => dbrLayout(39), CaInvalidArgumentError, "unknown DBR type 39 (valid: 0..38)");
  });

  it("places the TIME_CHAR value after three bytes of padding (offset 15)", () => {
    const data = makeDbrData(DbrType.TIME_CHAR, Uint8Array.of(0xab), {
      status: 3,
      severity: 2,
      timestamp: { secondsPastEpoch: 0x01020304, nanoseconds: 5 },
    });
    const buf = Buffer.alloc(16, 0xee);
    writeDbr(buf, 0, data, 1);
    expect([...buf]).toEqual([0, 3, 0, 2, 1, 2, 3, 4, 0, 0, 0, 5, 0, 0, 0, 0xab]);
  });

  it("places CTRL_DOUBLE precision, units and the eight limits where dbr_ctrl_double has them", () => {
    const data = sampleData(DbrType.CTRL_DOUBLE, 1);
    const buf = Buffer.alloc(88);
    writeDbr(buf, 0, data, 1);
    expect(buf.readInt16BE(4)).toBe(3);
    expect(buf.toString("latin1", 8, 12)).toBe("mm/s");
    expect(buf.readDoubleBE(16)).toBe(50); // upper_disp_limit
    expect(buf.readDoubleBE(64)).toBe(45); // upper_ctrl_limit
    expect(buf.readDoubleBE(72)).toBe(-45); // lower_ctrl_limit
    expect(buf.readDoubleBE(80)).toBe(0); // value[0]
  });
});

describe("DBR round trips", () => {
  for (let type = 0; type <= LAST_DBR_TYPE; type++) {
    const layout = dbrLayout(type);
    for (const count of type === DbrType.PUT_ACKT || type === DbrType.PUT_ACKS ? [1] : [1, 3, 40]) {
      it(`${layout.name} x ${count}`, () => {
        const data = sampleData(type, count);
        const back = roundTrip(data, count);
        expect(back.dbrType).toBe(type);
        expect(back.values).toEqual(data.values);
        if (layout.form !== DbrForm.PLAIN && !(layout.form === DbrForm.SPECIAL && type !== DbrType.STSACK_STRING)) {
          expect([back.status, back.severity]).toEqual([4, 1]);
        } else {
          expect([back.status, back.severity]).toEqual([0, 0]);
        }
        if (layout.form === DbrForm.TIME) expect(back.timestamp).toEqual(data.timestamp);
        if (type === DbrType.STSACK_STRING) expect([back.ackt, back.acks]).toEqual([1, 2]);
        const graphic = layout.form === DbrForm.GR || layout.form === DbrForm.CTRL;
        if (graphic && layout.native === NativeType.ENUM) expect(back.enumStrings).toEqual(data.enumStrings);
        if (graphic && layout.native !== NativeType.ENUM && layout.native !== NativeType.STRING) {
          expect(back.units).toBe("mm/s");
          const expected = { ...data.limits };
          if (layout.form === DbrForm.GR) Object.assign(expected, { upperCtrl: 0, lowerCtrl: 0 });
          expect(back.limits).toEqual(expected);
          const hasPrecision = layout.native === NativeType.FLOAT || layout.native === NativeType.DOUBLE;
          expect(back.precision).toBe(hasPrecision ? 3 : 0);
        }
      });
    }
  }

  it("pads missing elements with zeros when the count exceeds the values", () => {
    const data = makeDbrData(DbrType.DOUBLE, Float64Array.of(1, 2));
    expect([...(roundTrip(data, 4).values as Float64Array)]).toEqual([1, 2, 0, 0]);
  });

  it("converts plain arrays to the wire type when encoding", () => {
    const data = makeDbrData(DbrType.LONG, Array.from({ length: 20 }, (_, i) => i - 10) as unknown as Int32Array);
    expect([...(roundTrip(data, 20).values as Int32Array)]).toEqual(Array.from({ length: 20 }, (_, i) => i - 10));
  });

  it("truncates strings to 39 bytes plus NUL", () => {
    const long = "y".repeat(60);
    expect(roundTrip(makeDbrData(DbrType.STRING, [long]), 1).values).toEqual(["y".repeat(39)]);
  });

  it("accepts a lone string shortened to its length plus NUL, as rsrv sends it", () => {
    const buf = Buffer.from("abc\0\0\0\0\0", "latin1");
    expect(readDbr(DbrType.STRING, 1, buf, 0, 8).values).toEqual(["abc"]);
  });

  it("rejects a payload too short for the announced type and count", () => {
    const buf = Buffer.alloc(24);
    expectThrows(
      () => readDbr(DbrType.TIME_DOUBLE, 2, buf, 0, 24),
      RemoteProtocolError,
      "payload of 24 bytes is too short for DBR_TIME_DOUBLE x 2 (needs 32 bytes)",
    );
  });
});
