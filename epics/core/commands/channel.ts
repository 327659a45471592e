import type { ByteWriter } from "../bytes.ts";
import { CA_MINOR_PROTOCOL_REVISION } from "../constants.ts";
import type { Header } from "../header.ts";
import { Command, Direction, Transport, readPayloadString, writeBare, writeStringMessage } from "./command.ts";

/** CA_PROTO_CREATE_CHAN from the client: open a channel to a PV by name under the client's CID. */
export class CreateChanRequest extends Command {
  static override readonly id = 18;
  static override readonly direction = Direction.REQUEST;
  static override readonly transport = Transport.TCP;
  constructor(
    readonly name: string,
    readonly cid: number,
    readonly version = CA_MINOR_PROTOCOL_REVISION,
  ) {
    super();
  }
  static decode(h: Readonly<Header>, buf: Buffer, at: number): CreateChanRequest {
    return new CreateChanRequest(readPayloadString(buf, at, h.payloadSize), h.parameter1, h.parameter2);
  }
  encodeInto(w: ByteWriter): void {
    writeStringMessage(w, 18, this.name, 0, 0, this.cid, this.version);
  }
}

/** CA_PROTO_CREATE_CHAN from the server: the channel exists, with its native type, count and SID. */
export class CreateChanResponse extends Command {
  static override readonly id = 18;
  static override readonly direction = Direction.RESPONSE;
  static override readonly transport = Transport.TCP;
  constructor(
    readonly nativeType: number,
    readonly nativeCount: number,
    readonly cid: number,
    readonly sid: number,
  ) {
    super();
  }
  static decode(h: Readonly<Header>): CreateChanResponse {
    return new CreateChanResponse(h.dataType, h.dataCount, h.parameter1, h.parameter2);
  }
  encodeInto(w: ByteWriter): void {
    writeBare(w, 18, this.nativeType, this.nativeCount, this.cid, this.sid);
  }
}

/** CA_PROTO_CREATE_CH_FAIL: the server will not create the channel. */
export class CreateChFailResponse extends Command {
  static override readonly id = 26;
  static override readonly direction = Direction.RESPONSE;
  static override readonly transport = Transport.TCP;
  constructor(readonly cid: number) {
    super();
  }
  static decode(h: Readonly<Header>): CreateChFailResponse {
    return new CreateChFailResponse(h.parameter1);
  }
  encodeInto(w: ByteWriter): void {
    writeBare(w, 26, 0, 0, this.cid, 0);
  }
}

/** CA_PROTO_ACCESS_RIGHTS: read (bit 0) and write (bit 1) rights of a channel; may change at any time. */
export class AccessRightsResponse extends Command {
  static override readonly id = 22;
  static override readonly direction = Direction.RESPONSE;
  static override readonly transport = Transport.TCP;
  constructor(
    readonly cid: number,
    readonly accessRights: number,
  ) {
    super();
  }
  static decode(h: Readonly<Header>): AccessRightsResponse {
    return new AccessRightsResponse(h.parameter1, h.parameter2);
  }
  encodeInto(w: ByteWriter): void {
    writeBare(w, 22, 0, 0, this.cid, this.accessRights);
  }
}

export class ClearChannelRequest extends Command {
  static override readonly id = 12;
  static override readonly direction = Direction.REQUEST;
  static override readonly transport = Transport.TCP;
  constructor(
    readonly sid: number,
    readonly cid: number,
  ) {
    super();
  }
  static decode(h: Readonly<Header>): ClearChannelRequest {
    return new ClearChannelRequest(h.parameter1, h.parameter2);
  }
  encodeInto(w: ByteWriter): void {
    writeBare(w, 12, 0, 0, this.sid, this.cid);
  }
}

export class ClearChannelResponse extends Command {
  static override readonly id = 12;
  static override readonly direction = Direction.RESPONSE;
  static override readonly transport = Transport.TCP;
  constructor(
    readonly sid: number,
    readonly cid: number,
  ) {
    super();
  }
  static decode(h: Readonly<Header>): ClearChannelResponse {
    return new ClearChannelResponse(h.parameter1, h.parameter2);
  }
  encodeInto(w: ByteWriter): void {
    writeBare(w, 12, 0, 0, this.sid, this.cid);
  }
}

/** CA_PROTO_SERVER_DISCONN: the server dropped the channel (e.g. its PV went away). */
export class ServerDisconnResponse extends Command {
  static override readonly id = 27;
  static override readonly direction = Direction.RESPONSE;
  static override readonly transport = Transport.TCP;
  constructor(readonly cid: number) {
    super();
  }
  static decode(h: Readonly<Header>): ServerDisconnResponse {
    return new ServerDisconnResponse(h.parameter1);
  }
  encodeInto(w: ByteWriter): void {
    writeBare(w, 27, 0, 0, this.cid, 0);
  }
}
