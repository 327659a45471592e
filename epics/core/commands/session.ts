import { padding8, type ByteWriter } from "../bytes.ts";
import { CA_MINOR_PROTOCOL_REVISION, EXTENDED_HEADER_SIZE, HEADER_SIZE } from "../constants.ts";
import { emptyHeader, readHeader, writeHeader, type Header } from "../header.ts";
import { Command, Direction, Transport, readPayloadString, writeBare, writeStringMessage } from "./command.ts";

/** CA_PROTO_VERSION from the client: circuit priority and minor version (over UDP, p1 is a search sequence). */
export class VersionRequest extends Command {
  static override readonly id = 0;
  static override readonly direction = Direction.REQUEST;
  static override readonly transport = Transport.BOTH;
  constructor(
    readonly priority = 0,
    readonly version = CA_MINOR_PROTOCOL_REVISION,
    readonly sequence = 0,
  ) {
    super();
  }
  static decode(h: Readonly<Header>): VersionRequest {
    return new VersionRequest(h.dataType, h.dataCount, h.parameter1);
  }
  encodeInto(w: ByteWriter): void {
    writeBare(w, 0, this.priority, this.version, this.sequence, 0);
  }
}

/** CA_PROTO_VERSION from the server: its minor version (over UDP, echoing the request's sequence). */
export class VersionResponse extends Command {
  static override readonly id = 0;
  static override readonly direction = Direction.RESPONSE;
  static override readonly transport = Transport.BOTH;
  constructor(
    readonly version = CA_MINOR_PROTOCOL_REVISION,
    readonly priority = 0,
    readonly sequence = 0,
  ) {
    super();
  }
  static decode(h: Readonly<Header>): VersionResponse {
    return new VersionResponse(h.dataCount, h.dataType, h.parameter1);
  }
  encodeInto(w: ByteWriter): void {
    writeBare(w, 0, this.priority, this.version, this.sequence, 0);
  }
}

export class EchoRequest extends Command {
  static override readonly id = 23;
  static override readonly direction = Direction.REQUEST;
  static override readonly transport = Transport.TCP;
  static decode(): EchoRequest {
    return new EchoRequest();
  }
  encodeInto(w: ByteWriter): void {
    writeBare(w, 23, 0, 0, 0, 0);
  }
}

export class EchoResponse extends Command {
  static override readonly id = 23;
  static override readonly direction = Direction.RESPONSE;
  static override readonly transport = Transport.TCP;
  static decode(): EchoResponse {
    return new EchoResponse();
  }
  encodeInto(w: ByteWriter): void {
    writeBare(w, 23, 0, 0, 0, 0);
  }
}

/** CA_PROTO_HOST_NAME: the client's host name, used by access security. */
export class HostNameRequest extends Command {
  static override readonly id = 21;
  static override readonly direction = Direction.REQUEST;
  static override readonly transport = Transport.TCP;
  constructor(readonly name: string) {
    super();
  }
  static decode(h: Readonly<Header>, buf: Buffer, at: number): HostNameRequest {
    return new HostNameRequest(readPayloadString(buf, at, h.payloadSize));
  }
  encodeInto(w: ByteWriter): void {
    writeStringMessage(w, 21, this.name, 0, 0, 0, 0);
  }
}

/** CA_PROTO_CLIENT_NAME: the client's user name, used by access security. */
export class ClientNameRequest extends Command {
  static override readonly id = 20;
  static override readonly direction = Direction.REQUEST;
  static override readonly transport = Transport.TCP;
  constructor(readonly name: string) {
    super();
  }
  static decode(h: Readonly<Header>, buf: Buffer, at: number): ClientNameRequest {
    return new ClientNameRequest(readPayloadString(buf, at, h.payloadSize));
  }
  encodeInto(w: ByteWriter): void {
    writeStringMessage(w, 20, this.name, 0, 0, 0, 0);
  }
}

/** CA_PROTO_EVENTS_OFF: the client asks the server to hold back monitor updates (flow control). */
export class EventsOffRequest extends Command {
  static override readonly id = 8;
  static override readonly direction = Direction.REQUEST;
  static override readonly transport = Transport.TCP;
  static decode(): EventsOffRequest {
    return new EventsOffRequest();
  }
  encodeInto(w: ByteWriter): void {
    writeBare(w, 8, 0, 0, 0, 0);
  }
}

/** CA_PROTO_EVENTS_ON: resume monitor updates. */
export class EventsOnRequest extends Command {
  static override readonly id = 9;
  static override readonly direction = Direction.REQUEST;
  static override readonly transport = Transport.TCP;
  static decode(): EventsOnRequest {
    return new EventsOnRequest();
  }
  encodeInto(w: ByteWriter): void {
    writeBare(w, 9, 0, 0, 0, 0);
  }
}

/** CA_PROTO_READ_SYNC: deprecated; servers ignore it. */
export class ReadSyncRequest extends Command {
  static override readonly id = 10;
  static override readonly direction = Direction.REQUEST;
  static override readonly transport = Transport.TCP;
  static decode(): ReadSyncRequest {
    return new ReadSyncRequest();
  }
  encodeInto(w: ByteWriter): void {
    writeBare(w, 10, 0, 0, 0, 0);
  }
}

/**
 * CA_PROTO_ERROR: the server reports a failed request. The payload carries a copy of the offending request's
 * header followed by a NUL-terminated message.
 */
export class ErrorResponse extends Command {
  static override readonly id = 11;
  static override readonly direction = Direction.RESPONSE;
  static override readonly transport = Transport.BOTH;
  constructor(
    readonly originalRequest: Readonly<Header>,
    readonly cid: number,
    readonly status: number,
    readonly message: string,
  ) {
    super();
  }
  static decode(h: Readonly<Header>, buf: Buffer, at: number): ErrorResponse {
    const original = emptyHeader();
    const headerSize = readHeader(buf, at, h.payloadSize, original);
    const size = headerSize === 0 ? Math.min(HEADER_SIZE, h.payloadSize) : headerSize;
    const message = readPayloadString(buf, at + size, h.payloadSize - size);
    return new ErrorResponse(original, h.parameter1, h.parameter2, message);
  }
  encodeInto(w: ByteWriter): void {
    const o = this.originalRequest;
    // The copy is always a plain 16-byte header; an extended one would not fit the usual parsers.
    const bytes = HEADER_SIZE + Buffer.byteLength(this.message, "utf8") + 1;
    const size = bytes + padding8(bytes);
    writeHeader(w, 11, size, 0, 0, this.cid, this.status);
    const at = w.reserve(size);
    const b = w.buffer;
    b.writeUInt16BE(o.command & 0xffff, at);
    b.writeUInt16BE(Math.min(o.payloadSize, 0xffff - 1) & 0xffff, at + 2);
    b.writeUInt16BE(o.dataType & 0xffff, at + 4);
    b.writeUInt16BE(Math.min(o.dataCount, 0xffff) & 0xffff, at + 6);
    b.writeUInt32BE(o.parameter1 >>> 0, at + 8);
    b.writeUInt32BE(o.parameter2 >>> 0, at + 12);
    b.write(this.message, at + HEADER_SIZE, "utf8");
    b.fill(0, at + bytes - 1, at + size);
  }
}

export { EXTENDED_HEADER_SIZE };
