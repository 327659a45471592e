import { ByteWriter } from "./bytes.ts";
import type { Command } from "./commands/command.ts";
import {
  AccessRightsResponse,
  ClearChannelRequest,
  ClearChannelResponse,
  CreateChanRequest,
  CreateChanResponse,
  CreateChFailResponse,
  ServerDisconnResponse,
} from "./commands/channel.ts";
import {
  EventAddRequest,
  EventAddResponse,
  EventCancelRequest,
  EventCancelResponse,
  ReadNotifyRequest,
  ReadNotifyResponse,
  ReadRequest,
  ReadResponse,
  WriteNotifyRequest,
  WriteNotifyResponse,
  WriteRequest,
} from "./commands/data.ts";
import { TCP_REQUESTS, TCP_RESPONSES } from "./commands/registry.ts";
import { ErrorResponse } from "./commands/session.ts";
import { DEFAULT_MAX_ARRAY_BYTES } from "./constants.ts";
import { LocalProtocolError, RemoteProtocolError } from "./errors.ts";
import { CommandReader } from "./reader.ts";
import { CHANNEL_TRANSITIONS, CIRCUIT_TRANSITIONS, ChannelState, CircuitState, Role, senderOf, transition } from "./state.ts";

/** One channel as a circuit tracks it: its ids, its protocol state and what the server told about it. */
export class ChannelRecord {
  sid = -1;
  nativeType = -1;
  nativeCount = 0;
  accessRights = 0;

  constructor(
    readonly name: string,
    readonly cid: number,
    public state: ChannelState,
  ) {}
}

export interface VirtualCircuitOptions {
  /** Which end of the circuit this object is. */
  readonly role: Role;
  /**
   * Largest payload accepted from the peer.
   * @default DEFAULT_MAX_ARRAY_BYTES + 512 (room for the largest DBR struct around the array)
   */
  readonly maxPayloadBytes?: number;
}

/** Room for the biggest DBR metadata struct in front of an array of EPICS_CA_MAX_ARRAY_BYTES. */
export const DBR_STRUCT_SLACK = 512;

/**
 * A TCP circuit without I/O. `send`/`queue` check each outgoing command against the protocol tables and
 * encode it; `recv` turns bytes into commands and `process` applies the rules to each received one. The
 * socket code only moves the bytes.
 */
export class VirtualCircuit {
  readonly role: Role;
  state: CircuitState;
  private readonly byCid = new Map<number, ChannelRecord>();
  private readonly bySid = new Map<number, ChannelRecord>();
  private readonly ioids = new Map<number, ChannelRecord>();
  private readonly subscriptions = new Map<number, ChannelRecord>();
  private nextSid = 1;
  private readonly reader: CommandReader;
  private readonly out = new ByteWriter(8192);

  constructor(options: VirtualCircuitOptions) {
    this.role = options.role;
    this.state = this.role === Role.CLIENT ? CircuitState.SEND_VERSION_REQUEST : CircuitState.AWAIT_VERSION_REQUEST;
    this.reader = new CommandReader(this.role === Role.CLIENT ? TCP_RESPONSES : TCP_REQUESTS, {
      maxPayloadBytes: options.maxPayloadBytes ?? DEFAULT_MAX_ARRAY_BYTES + DBR_STRUCT_SLACK,
    });
  }

  /** Client side: registers a channel before its CREATE_CHAN request is sent. */
  newChannel(name: string, cid: number): ChannelRecord {
    if (this.role !== Role.CLIENT) throw new LocalProtocolError("only a client circuit creates channels by name");
    const existing = this.byCid.get(cid);
    if (existing && existing.state !== ChannelState.CLOSED) {
      throw new LocalProtocolError(`CID ${cid} is already in use by channel '${existing.name}'`);
    }
    const ch = new ChannelRecord(name, cid, ChannelState.SEND_CREATE_CHAN_REQUEST);
    this.byCid.set(cid, ch);
    return ch;
  }

  channelByCid(cid: number): ChannelRecord | undefined {
    return this.byCid.get(cid);
  }

  channelBySid(sid: number): ChannelRecord | undefined {
    return this.bySid.get(sid);
  }

  get channels(): IterableIterator<ChannelRecord> {
    return this.byCid.values();
  }

  /** Checks and encodes commands; returns the bytes to write (one buffer for the lot). */
  send(...commands: Command[]): Buffer[] {
    for (const cmd of commands) this.queue(cmd);
    const bytes = this.flush();
    return bytes ? [bytes] : [];
  }

  /** Checks and encodes one command into the pending output (see flush). */
  queue(cmd: Command): void {
    if (senderOf(cmd) !== this.role) {
      throw new LocalProtocolError(`circuit of role ${this.role} cannot send ${cmd.commandName}, which only a ${senderOf(cmd)} sends`);
    }
    this.apply(cmd);
    cmd.encodeInto(this.out);
  }

  /** Bytes queued and not yet flushed. */
  get pendingBytes(): number {
    return this.out.length;
  }

  /** Everything queued since the last flush, or undefined when nothing is. */
  flush(): Buffer | undefined {
    return this.out.length === 0 ? undefined : this.out.take();
  }

  /** Decodes received bytes (any fragmentation) into commands; does not apply them (see process). */
  recv(chunk: Uint8Array): Command[] {
    return this.reader.feed(chunk);
  }

  /** Applies the protocol rules to a received command; throws RemoteProtocolError when it breaks them. */
  process(cmd: Command): void {
    if (senderOf(cmd) === this.role) {
      throw new RemoteProtocolError(`circuit of role ${this.role} received ${cmd.commandName}, which only a ${this.role} sends`);
    }
    this.apply(cmd);
  }

  /** The connection is gone: every channel is closed and nothing more may be sent. */
  disconnect(): void {
    this.state = CircuitState.DISCONNECTED;
    for (const ch of this.byCid.values()) ch.state = ChannelState.CLOSED;
    this.byCid.clear();
    this.bySid.clear();
    this.ioids.clear();
    this.subscriptions.clear();
  }

  private apply(cmd: Command): void {
    const nextCircuit = transition(CIRCUIT_TRANSITIONS, "circuit", this.role, this.state, cmd);
    const ch = this.channelFor(cmd);
    if (ch !== undefined) {
      ch.state = transition(CHANNEL_TRANSITIONS, `channel '${ch.name}'`, this.role, ch.state, cmd);
      this.record(cmd, ch);
    }
    this.state = nextCircuit;
  }

  private unknown(what: string, id: number, cmd: Command): never {
    const message = `${cmd.commandName} names unknown ${what} ${id}`;
    throw senderOf(cmd) === this.role ? new LocalProtocolError(message) : new RemoteProtocolError(message);
  }

  /** The channel a command belongs to; undefined for circuit-level commands and late replies. */
  private channelFor(cmd: Command): ChannelRecord | undefined {
    if (cmd instanceof EventAddResponse) return this.subscriptions.get(cmd.subscriptionId);
    if (cmd instanceof ReadNotifyResponse || cmd instanceof WriteNotifyResponse || cmd instanceof ReadResponse) {
      return this.ioids.get(cmd.ioid);
    }
    if (
      cmd instanceof ReadNotifyRequest ||
      cmd instanceof WriteNotifyRequest ||
      cmd instanceof WriteRequest ||
      cmd instanceof ReadRequest ||
      cmd instanceof EventAddRequest ||
      cmd instanceof EventCancelRequest ||
      cmd instanceof ClearChannelRequest ||
      cmd instanceof ClearChannelResponse
    ) {
      return this.bySid.get(cmd.sid) ?? this.unknown("SID", cmd.sid, cmd);
    }
    if (cmd instanceof EventCancelResponse) return this.subscriptions.get(cmd.subscriptionId);
    if (cmd instanceof CreateChanRequest) {
      if (this.role === Role.CLIENT) return this.byCid.get(cmd.cid) ?? this.unknown("CID", cmd.cid, cmd);
      const existing = this.byCid.get(cmd.cid);
      if (existing) throw new RemoteProtocolError(`CreateChanRequest reuses CID ${cmd.cid} of open channel '${existing.name}'`);
      const ch = new ChannelRecord(cmd.name, cmd.cid, ChannelState.IDLE);
      ch.sid = this.nextSid++;
      this.byCid.set(cmd.cid, ch);
      this.bySid.set(ch.sid, ch);
      return ch;
    }
    if (
      cmd instanceof CreateChanResponse ||
      cmd instanceof CreateChFailResponse ||
      cmd instanceof AccessRightsResponse ||
      cmd instanceof ServerDisconnResponse
    ) {
      return this.byCid.get(cmd.cid) ?? this.unknown("CID", cmd.cid, cmd);
    }
    if (cmd instanceof ErrorResponse) return this.byCid.get(cmd.cid);
    return undefined;
  }

  /** Keeps the id maps in step with a command that passed the rules. */
  private record(cmd: Command, ch: ChannelRecord): void {
    if (cmd instanceof ReadNotifyRequest || cmd instanceof WriteNotifyRequest || cmd instanceof ReadRequest) {
      this.ioids.set(cmd.ioid, ch);
    } else if (cmd instanceof ReadNotifyResponse || cmd instanceof WriteNotifyResponse || cmd instanceof ReadResponse) {
      this.ioids.delete(cmd.ioid);
    } else if (cmd instanceof EventAddRequest) {
      this.subscriptions.set(cmd.subscriptionId, ch);
    } else if (cmd instanceof EventCancelResponse) {
      this.subscriptions.delete(cmd.subscriptionId);
    } else if (cmd instanceof CreateChanResponse) {
      if (this.role === Role.CLIENT) {
        ch.sid = cmd.sid;
        this.bySid.set(cmd.sid, ch);
      }
      ch.nativeType = cmd.nativeType;
      ch.nativeCount = cmd.nativeCount;
    } else if (cmd instanceof AccessRightsResponse) {
      ch.accessRights = cmd.accessRights;
    }
    if (ch.state === ChannelState.CLOSED) this.forget(ch);
  }

  private forget(ch: ChannelRecord): void {
    if (this.byCid.get(ch.cid) === ch) this.byCid.delete(ch.cid);
    if (this.bySid.get(ch.sid) === ch) this.bySid.delete(ch.sid);
    for (const [id, c] of this.ioids) if (c === ch) this.ioids.delete(id);
    for (const [id, c] of this.subscriptions) if (c === ch) this.subscriptions.delete(id);
  }
}
