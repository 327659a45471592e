import { padding8, type ByteWriter } from "../bytes.ts";
import { writeDbr, readDbr } from "../dbr-codec.ts";
import type { DbrData } from "../dbr-data.ts";
import { dbrPayloadSize } from "../dbr-types.ts";
import { Dbe } from "../constants.ts";
import { EcaStatus } from "../status.ts";
import { writeHeader, type Header } from "../header.ts";
import { Command, Direction, Transport, writeBare } from "./command.ts";

/** Writes a message whose payload is one DBR struct of `count` elements, padded to 8 bytes. */
function writeDataMessage(w: ByteWriter, id: number, data: DbrData, count: number, p1: number, p2: number): void {
  const size = dbrPayloadSize(data.dbrType, count);
  const padded = size + padding8(size);
  writeHeader(w, id, padded, data.dbrType, count, p1, p2);
  const at = w.reserve(padded);
  const b = w.buffer;
  writeDbr(b, at, data, count);
  if (padded > size) b.fill(0, at + size, at + padded);
}

function decodeData(h: Readonly<Header>, buf: Buffer, at: number): DbrData {
  return readDbr(h.dataType, h.dataCount, buf, at, h.payloadSize);
}

/** CA_PROTO_READ_NOTIFY request: read `dataCount` elements (0: the current length) as `dataType`. */
export class ReadNotifyRequest extends Command {
  static override readonly id = 15;
  static override readonly direction = Direction.REQUEST;
  static override readonly transport = Transport.TCP;
  constructor(
    readonly dataType: number,
    readonly dataCount: number,
    readonly sid: number,
    readonly ioid: number,
  ) {
    super();
  }
  static decode(h: Readonly<Header>): ReadNotifyRequest {
    return new ReadNotifyRequest(h.dataType, h.dataCount, h.parameter1, h.parameter2);
  }
  encodeInto(w: ByteWriter): void {
    writeHeader(w, 15, 0, this.dataType, this.dataCount, this.sid, this.ioid);
  }
}

/** CA_PROTO_READ_NOTIFY response: the data, with an ECA status in parameter 1. */
export class ReadNotifyResponse extends Command {
  static override readonly id = 15;
  static override readonly direction = Direction.RESPONSE;
  static override readonly transport = Transport.TCP;
  constructor(
    readonly data: DbrData,
    readonly ioid: number,
    readonly status: number = EcaStatus.NORMAL,
    readonly dataCount: number = data.values.length,
  ) {
    super();
  }
  static decode(h: Readonly<Header>, buf: Buffer, at: number): ReadNotifyResponse {
    return new ReadNotifyResponse(decodeData(h, buf, at), h.parameter2, h.parameter1, h.dataCount);
  }
  encodeInto(w: ByteWriter): void {
    writeDataMessage(w, 15, this.data, this.dataCount, this.status, this.ioid);
  }
}

/** CA_PROTO_READ (deprecated since 3.13): like READ_NOTIFY but parameter 1 is the SID. */
export class ReadRequest extends Command {
  static override readonly id = 3;
  static override readonly direction = Direction.REQUEST;
  static override readonly transport = Transport.TCP;
  constructor(
    readonly dataType: number,
    readonly dataCount: number,
    readonly sid: number,
    readonly ioid: number,
  ) {
    super();
  }
  static decode(h: Readonly<Header>): ReadRequest {
    return new ReadRequest(h.dataType, h.dataCount, h.parameter1, h.parameter2);
  }
  encodeInto(w: ByteWriter): void {
    writeHeader(w, 3, 0, this.dataType, this.dataCount, this.sid, this.ioid);
  }
}

/**
 * The three data messages addressed by server channel id and carrying a DBR payload (read reply, write, write
 * with notification): one layout, told apart by command id.
 */
abstract class ChannelDataCommand extends Command {
  constructor(
    readonly data: DbrData,
    readonly sid: number,
    readonly ioid: number,
    readonly dataCount: number = data.values.length,
  ) {
    super();
  }
  encodeInto(w: ByteWriter): void {
    writeDataMessage(w, (this.constructor as typeof Command).id, this.data, this.dataCount, this.sid, this.ioid);
  }
}

export class ReadResponse extends ChannelDataCommand {
  static override readonly id = 3;
  static override readonly direction = Direction.RESPONSE;
  static override readonly transport = Transport.TCP;
  static decode(h: Readonly<Header>, buf: Buffer, at: number): ReadResponse {
    return new ReadResponse(decodeData(h, buf, at), h.parameter1, h.parameter2, h.dataCount);
  }
}

/** CA_PROTO_WRITE: write without completion notification. */
export class WriteRequest extends ChannelDataCommand {
  static override readonly id = 4;
  static override readonly direction = Direction.REQUEST;
  static override readonly transport = Transport.TCP;
  static decode(h: Readonly<Header>, buf: Buffer, at: number): WriteRequest {
    return new WriteRequest(decodeData(h, buf, at), h.parameter1, h.parameter2, h.dataCount);
  }
}

/** CA_PROTO_WRITE_NOTIFY request: write and answer when the write has completed. */
export class WriteNotifyRequest extends ChannelDataCommand {
  static override readonly id = 19;
  static override readonly direction = Direction.REQUEST;
  static override readonly transport = Transport.TCP;
  static decode(h: Readonly<Header>, buf: Buffer, at: number): WriteNotifyRequest {
    return new WriteNotifyRequest(decodeData(h, buf, at), h.parameter1, h.parameter2, h.dataCount);
  }
}

/** CA_PROTO_WRITE_NOTIFY response: the write's ECA status. */
export class WriteNotifyResponse extends Command {
  static override readonly id = 19;
  static override readonly direction = Direction.RESPONSE;
  static override readonly transport = Transport.TCP;
  constructor(
    readonly dataType: number,
    readonly dataCount: number,
    readonly status: number,
    readonly ioid: number,
  ) {
    super();
  }
  static decode(h: Readonly<Header>): WriteNotifyResponse {
    return new WriteNotifyResponse(h.dataType, h.dataCount, h.parameter1, h.parameter2);
  }
  encodeInto(w: ByteWriter): void {
    writeHeader(w, 19, 0, this.dataType, this.dataCount, this.status, this.ioid);
  }
}

/**
 * CA_PROTO_EVENT_ADD request: subscribe. The 16-byte payload holds three unused floats (low, high, to) and
 * the DBE event mask.
 */
export class EventAddRequest extends Command {
  static override readonly id = 1;
  static override readonly direction = Direction.REQUEST;
  static override readonly transport = Transport.TCP;
  constructor(
    readonly dataType: number,
    readonly dataCount: number,
    readonly sid: number,
    readonly subscriptionId: number,
    readonly mask: number = Dbe.VALUE | Dbe.ALARM,
    readonly low = 0,
    readonly high = 0,
    readonly to = 0,
  ) {
    super();
  }
  static decode(h: Readonly<Header>, buf: Buffer, at: number): EventAddRequest {
    const has = h.payloadSize >= 14;
    return new EventAddRequest(
      h.dataType,
      h.dataCount,
      h.parameter1,
      h.parameter2,
      has ? buf.readUInt16BE(at + 12) : Dbe.VALUE | Dbe.ALARM,
      has ? buf.readFloatBE(at) : 0,
      has ? buf.readFloatBE(at + 4) : 0,
      has ? buf.readFloatBE(at + 8) : 0,
    );
  }
  encodeInto(w: ByteWriter): void {
    writeHeader(w, 1, 16, this.dataType, this.dataCount, this.sid, this.subscriptionId);
    const at = w.reserve(16);
    const b = w.buffer;
    b.writeFloatBE(this.low, at);
    b.writeFloatBE(this.high, at + 4);
    b.writeFloatBE(this.to, at + 8);
    b.writeUInt16BE(this.mask, at + 12);
    b.writeUInt16BE(0, at + 14);
  }
}

/** CA_PROTO_EVENT_ADD response: one monitor update, with an ECA status in parameter 1. */
export class EventAddResponse extends Command {
  static override readonly id = 1;
  static override readonly direction = Direction.RESPONSE;
  static override readonly transport = Transport.TCP;
  constructor(
    readonly data: DbrData,
    readonly subscriptionId: number,
    readonly status: number = EcaStatus.NORMAL,
    readonly dataCount: number = data.values.length,
  ) {
    super();
  }
  /** A zero-length EVENT_ADD reply is how the server confirms a cancel; see EventCancelResponse. */
  static decode(h: Readonly<Header>, buf: Buffer, at: number): EventAddResponse | EventCancelResponse {
    if (h.payloadSize === 0) return EventCancelResponse.decode(h);
    return new EventAddResponse(decodeData(h, buf, at), h.parameter2, h.parameter1, h.dataCount);
  }
  encodeInto(w: ByteWriter): void {
    writeDataMessage(w, 1, this.data, this.dataCount, this.status, this.subscriptionId);
  }
}

/** CA_PROTO_EVENT_CANCEL: unsubscribe (fields repeat the EVENT_ADD request). */
export class EventCancelRequest extends Command {
  static override readonly id = 2;
  static override readonly direction = Direction.REQUEST;
  static override readonly transport = Transport.TCP;
  constructor(
    readonly dataType: number,
    readonly dataCount: number,
    readonly sid: number,
    readonly subscriptionId: number,
  ) {
    super();
  }
  static decode(h: Readonly<Header>): EventCancelRequest {
    return new EventCancelRequest(h.dataType, h.dataCount, h.parameter1, h.parameter2);
  }
  encodeInto(w: ByteWriter): void {
    writeHeader(w, 2, 0, this.dataType, this.dataCount, this.sid, this.subscriptionId);
  }
}

/** The server's confirmation of a cancel: on the wire an EVENT_ADD (id 1) with no payload. */
export class EventCancelResponse extends Command {
  static override readonly id = 1;
  static override readonly direction = Direction.RESPONSE;
  static override readonly transport = Transport.TCP;
  constructor(
    readonly dataType: number,
    readonly dataCount: number,
    readonly sid: number,
    readonly subscriptionId: number,
  ) {
    super();
  }
  static decode(h: Readonly<Header>): EventCancelResponse {
    return new EventCancelResponse(h.dataType, h.dataCount, h.parameter1, h.parameter2);
  }
  encodeInto(w: ByteWriter): void {
    writeBare(w, 1, this.dataType, this.dataCount, this.sid, this.subscriptionId);
  }
}
