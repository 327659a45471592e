import { describe, expect, it } from "vitest";
import { ByteWriter, padding8 } from "./bytes.ts";
import { emptyHeader, readHeader, writeHeader } from "./header.ts";

describe("header codec", () => {
  it("writes the 16-byte big-endian layout", () => {
    const w = new ByteWriter(16);
    writeHeader(w, 15, 8, 20, 3, 0x01020304, 0xfffffffe);
    const b = w.take();
    expect([...b]).toEqual([0, 15, 0, 8, 0, 20, 0, 3, 1, 2, 3, 4, 0xff, 0xff, 0xff, 0xfe]);
    const h = emptyHeader();
    expect(readHeader(b, 0, b.length, h)).toBe(16);
    expect(h).toEqual({ command: 15, payloadSize: 8, dataType: 20, dataCount: 3, parameter1: 0x01020304, parameter2: 0xfffffffe });
  });

  it("uses the extended form for payloads of 0xFFFF bytes and more", () => {
    const w = new ByteWriter(16);
    writeHeader(w, 1, 0x10000, 6, 0x2000, 7, 9);
    const b = w.take();
    expect(b.length).toBe(24);
    expect(b.readUInt16BE(2)).toBe(0xffff);
    expect(b.readUInt16BE(6)).toBe(0);
    expect(b.readUInt32BE(16)).toBe(0x10000);
    expect(b.readUInt32BE(20)).toBe(0x2000);
    const h = emptyHeader();
    expect(readHeader(b, 0, 24, h)).toBe(24);
    expect(h.payloadSize).toBe(0x10000);
    expect(h.dataCount).toBe(0x2000);
  });

  it("uses the extended form for element counts over 0xFFFF even with a small payload", () => {
    const w = new ByteWriter(16);
    writeHeader(w, 15, 0, 6, 70000, 1, 2);
    const b = w.take();
    const h = emptyHeader();
    expect(readHeader(b, 0, b.length, h)).toBe(24);
    expect(h.dataCount).toBe(70000);
  });

  it("reports 0 when the bytes are not yet enough for a header", () => {
    const w = new ByteWriter(16);
    writeHeader(w, 1, 0x10000, 6, 1, 0, 0);
    const b = w.take();
    const h = emptyHeader();
    expect(readHeader(b, 0, 15, h)).toBe(0);
    expect(readHeader(b, 0, 20, h)).toBe(0);
    expect(readHeader(b, 0, 24, h)).toBe(24);
  });

  it("pads payloads to 8 bytes", () => {
    expect([0, 1, 7, 8, 9, 15, 16].map(padding8)).toEqual([0, 7, 1, 0, 7, 1, 0]);
  });
});
