import type { ByteWriter } from "../bytes.ts";
import { CA_MINOR_PROTOCOL_REVISION, INADDR_ANY_REPLY, SearchReply } from "../constants.ts";
import { writeHeader, type Header } from "../header.ts";
import { Command, Direction, Transport, readPayloadString, writeBare, writeStringMessage } from "./command.ts";

/** CA_PROTO_SEARCH from a client: who serves this PV name? Both CID fields carry the client's channel id. */
export class SearchRequest extends Command {
  static override readonly id = 6;
  static override readonly direction = Direction.REQUEST;
  static override readonly transport = Transport.BOTH;
  constructor(
    readonly name: string,
    readonly cid: number,
    readonly reply: number = SearchReply.DONT_REPLY,
    readonly version = CA_MINOR_PROTOCOL_REVISION,
  ) {
    super();
  }
  static decode(h: Readonly<Header>, buf: Buffer, at: number): SearchRequest {
    return new SearchRequest(readPayloadString(buf, at, h.payloadSize), h.parameter1, h.dataType, h.dataCount);
  }
  encodeInto(w: ByteWriter): void {
    writeStringMessage(w, 6, this.name, this.reply, this.version, this.cid, this.cid);
  }
}

/**
 * CA_PROTO_SEARCH from a server: the PV lives at this TCP port. `serverAddress` is an IPv4 address as a
 * 32-bit number; 0xFFFFFFFF means "the address this datagram came from". The payload holds the server's minor
 * version.
 */
export class SearchResponse extends Command {
  static override readonly id = 6;
  static override readonly direction = Direction.RESPONSE;
  static override readonly transport = Transport.BOTH;
  constructor(
    readonly port: number,
    readonly cid: number,
    readonly serverAddress: number = INADDR_ANY_REPLY,
    readonly version = CA_MINOR_PROTOCOL_REVISION,
  ) {
    super();
  }
  static decode(h: Readonly<Header>, buf: Buffer, at: number): SearchResponse {
    const version = h.payloadSize >= 2 ? buf.readUInt16BE(at) : 0;
    return new SearchResponse(h.dataType, h.parameter2, h.parameter1, version);
  }
  encodeInto(w: ByteWriter): void {
    writeHeader(w, 6, 8, this.port, 0, this.serverAddress, this.cid);
    const at = w.reserve(8);
    w.buffer.fill(0, at, at + 8);
    w.buffer.writeUInt16BE(this.version, at);
  }
}

/** CA_PROTO_NOT_FOUND: sent only for searches that asked for a reply (DO_REPLY). */
export class NotFoundResponse extends Command {
  static override readonly id = 14;
  static override readonly direction = Direction.RESPONSE;
  static override readonly transport = Transport.BOTH;
  constructor(
    readonly cid: number,
    readonly version = CA_MINOR_PROTOCOL_REVISION,
    readonly reply: number = SearchReply.DO_REPLY,
  ) {
    super();
  }
  static decode(h: Readonly<Header>): NotFoundResponse {
    return new NotFoundResponse(h.parameter1, h.dataCount, h.dataType);
  }
  encodeInto(w: ByteWriter): void {
    writeBare(w, 14, this.reply, this.version, this.cid, this.cid);
  }
}

/** CA_PROTO_RSRV_IS_UP: a server's beacon (sequential id, TCP port, optionally its address). */
export class RsrvIsUpResponse extends Command {
  static override readonly id = 13;
  static override readonly direction = Direction.RESPONSE;
  static override readonly transport = Transport.UDP;
  constructor(
    readonly port: number,
    readonly beaconId: number,
    readonly serverAddress = 0,
    readonly version = CA_MINOR_PROTOCOL_REVISION,
  ) {
    super();
  }
  static decode(h: Readonly<Header>): RsrvIsUpResponse {
    return new RsrvIsUpResponse(h.dataCount, h.parameter1, h.parameter2, h.dataType);
  }
  encodeInto(w: ByteWriter): void {
    writeBare(w, 13, this.version, this.port, this.beaconId, this.serverAddress);
  }
}

/** CA_PROTO_REPEATER_REGISTER: a client asks the repeater to forward beacons to it. */
export class RepeaterRegisterRequest extends Command {
  static override readonly id = 24;
  static override readonly direction = Direction.REQUEST;
  static override readonly transport = Transport.UDP;
  constructor(readonly clientAddress = 0) {
    super();
  }
  static decode(h: Readonly<Header>): RepeaterRegisterRequest {
    return new RepeaterRegisterRequest(h.parameter2);
  }
  encodeInto(w: ByteWriter): void {
    writeBare(w, 24, 0, 0, 0, this.clientAddress);
  }
}

/** CA_PROTO_REPEATER_CONFIRM: the repeater confirms a registration. */
export class RepeaterConfirmResponse extends Command {
  static override readonly id = 17;
  static override readonly direction = Direction.RESPONSE;
  static override readonly transport = Transport.UDP;
  constructor(readonly repeaterAddress = 0) {
    super();
  }
  static decode(h: Readonly<Header>): RepeaterConfirmResponse {
    return new RepeaterConfirmResponse(h.parameter2);
  }
  encodeInto(w: ByteWriter): void {
    writeBare(w, 17, 0, 0, 0, this.repeaterAddress);
  }
}
