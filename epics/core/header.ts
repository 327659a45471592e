import type { ByteWriter } from "./bytes.ts";
import { EXTENDED_HEADER_SIZE, HEADER_SIZE } from "./constants.ts";

/**
 * The 16-byte CA message header (big-endian). When the payload size does not fit in 16 bits (or the element
 * count does not), the extended form sets payload size to 0xFFFF and count to 0 and appends the real values
 * as two 32-bit words (24 bytes in all).
 */
export interface Header {
  command: number;
  payloadSize: number;
  dataType: number;
  dataCount: number;
  parameter1: number;
  parameter2: number;
}

export function needsExtendedHeader(payloadSize: number, dataCount: number): boolean {
  return payloadSize >= 0xffff || dataCount > 0xffff;
}

export function headerSizeFor(payloadSize: number, dataCount: number): number {
  return needsExtendedHeader(payloadSize, dataCount) ? EXTENDED_HEADER_SIZE : HEADER_SIZE;
}

/** Writes a header (plain or extended as needed) and returns the offset where the payload starts. */
export function writeHeader(
  w: ByteWriter,
  command: number,
  payloadSize: number,
  dataType: number,
  dataCount: number,
  parameter1: number,
  parameter2: number,
): number {
  const extended = needsExtendedHeader(payloadSize, dataCount);
  const size = extended ? EXTENDED_HEADER_SIZE : HEADER_SIZE;
  const at = w.reserve(size);
  const b = w.buffer;
  b.writeUInt16BE(command, at);
  b.writeUInt16BE(extended ? 0xffff : payloadSize, at + 2);
  b.writeUInt16BE(dataType, at + 4);
  b.writeUInt16BE(extended ? 0 : dataCount, at + 6);
  b.writeUInt32BE(parameter1 >>> 0, at + 8);
  b.writeUInt32BE(parameter2 >>> 0, at + 12);
  if (extended) {
    b.writeUInt32BE(payloadSize, at + 16);
    b.writeUInt32BE(dataCount, at + 20);
  }
  return at + size;
}

/**
 * Reads a header at `offset` into `out`. Returns the header length (16 or 24), or 0 when `available` bytes
 * are not enough to hold it yet.
 */
export function readHeader(buf: Buffer, offset: number, available: number, out: Header): number {
  if (available < HEADER_SIZE) return 0;
  const payload16 = buf.readUInt16BE(offset + 2);
  out.command = buf.readUInt16BE(offset);
  out.dataType = buf.readUInt16BE(offset + 4);
  out.parameter1 = buf.readUInt32BE(offset + 8);
  out.parameter2 = buf.readUInt32BE(offset + 12);
  if (payload16 !== 0xffff) {
    out.payloadSize = payload16;
    out.dataCount = buf.readUInt16BE(offset + 6);
    return HEADER_SIZE;
  }
  if (available < EXTENDED_HEADER_SIZE) return 0;
  out.payloadSize = buf.readUInt32BE(offset + 16);
  out.dataCount = buf.readUInt32BE(offset + 20);
  return EXTENDED_HEADER_SIZE;
}

export function emptyHeader(): Header {
  return { command: 0, payloadSize: 0, dataType: 0, dataCount: 0, parameter1: 0, parameter2: 0 };
}
