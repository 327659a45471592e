import type { Socket } from "node:net";
import { VirtualCircuit, type ChannelRecord } from "../core/circuit.ts";
import type { Command } from "../core/commands/command.ts";
import {
  AccessRightsResponse,
  ClearChannelRequest,
  ClearChannelResponse,
  ClientNameRequest,
  CreateChanRequest,
  CreateChanResponse,
  CreateChFailResponse,
  EchoRequest,
  EchoResponse,
  ErrorResponse,
  EventAddRequest,
  EventAddResponse,
  EventCancelRequest,
  EventCancelResponse,
  EventsOffRequest,
  EventsOnRequest,
  HostNameRequest,
  ReadNotifyRequest,
  ReadNotifyResponse,
  ReadRequest,
  ReadResponse,
  ServerDisconnResponse,
  VersionRequest,
  VersionResponse,
  WriteNotifyRequest,
  WriteNotifyResponse,
  WriteRequest,
} from "../core/commands/index.ts";
import { AccessRights, CA_MINOR_PROTOCOL_REVISION, type DbeMask } from "../core/constants.ts";
import { convertValues } from "../core/convert.ts";
import { dbrLayout, dbrPayloadSize, DbrType, isValidDbrType } from "../core/dbr-types.ts";
import { ChannelAccessError } from "../core/errors.ts";
import { emptyHeader, type Header } from "../core/header.ts";
import { ChannelState, CircuitState, Role } from "../core/state.ts";
import { EcaStatus, ecaMessage } from "../core/status.ts";
import type { CaPv, ClientInfo, PvProvider, PvSnapshot } from "./pv.ts";
import { emptyDbr, snapshotToDbr } from "./pv-data.ts";

/** A client falling this far behind has its monitor updates collapsed to the latest value (as rsrv does). */
const CONGESTED_BYTES = 4 * 1024 * 1024;

interface Subscription {
  readonly id: number;
  readonly channel: ServerChannel;
  readonly dbrType: number;
  readonly count: number;
  readonly mask: DbeMask;
  unsubscribe: () => void;
  /** An update was held back (events off or congestion) and is owed once sending resumes. */
  owed: boolean;
}

interface ServerChannel {
  readonly record: ChannelRecord;
  readonly pv: CaPv;
  rights: AccessRights;
  readonly subscriptions: Map<number, Subscription>;
}

export interface ServerCircuitContext {
  readonly provider: PvProvider;
  readonly maxArrayBytes: number;
  readonly onProtocolError: (error: Error, client: ClientInfo) => void;
  readonly onClose: (circuit: ServerCircuit) => void;
}

/**
 * One client's TCP circuit on the server: feeds bytes to the sans-I/O circuit, answers each request and
 * forwards monitor updates. Replies are coalesced: everything produced while handling one chunk of input
 * (or one burst of PV updates) leaves in a single socket write.
 */
export class ServerCircuit {
  readonly circuit: VirtualCircuit;
  readonly client: { host: string; user: string; address: string };
  private readonly channels = new Map<number, ServerChannel>();
  private flushScheduled = false;
  private closed = false;
  private eventsOff = false;

  constructor(
    private readonly socket: Socket,
    private readonly ctx: ServerCircuitContext,
  ) {
    this.circuit = new VirtualCircuit({ role: Role.SERVER, maxPayloadBytes: ctx.maxArrayBytes + 512 });
    this.client = { host: socket.remoteAddress ?? "", user: "", address: `${socket.remoteAddress}:${socket.remotePort}` };
    socket.setNoDelay(true);
    socket.on("data", (chunk: Buffer) => this.onData(chunk));
    socket.on("drain", () => this.resendOwed());
    socket.on("error", () => this.teardown());
    socket.on("close", () => this.teardown());
  }

  get channelCount(): number {
    return this.channels.size;
  }

  /** Drops the circuit (server shutdown). */
  close(): void {
    this.socket.destroy();
    this.teardown();
  }

  /** Tells the client a PV went away; its channels get CA_PROTO_SERVER_DISCONN. */
  disconnectPv(name: string): void {
    for (const ch of [...this.channels.values()]) {
      if (ch.pv.name !== name || ch.record.state !== ChannelState.CONNECTED) continue;
      this.dropChannel(ch);
      this.circuit.queue(new ServerDisconnResponse(ch.record.cid));
    }
    this.scheduleFlush();
  }

  private onData(chunk: Buffer): void {
    if (this.closed) return;
    let current: Command | undefined;
    try {
      for (const cmd of this.circuit.recv(chunk)) {
        current = cmd;
        this.handle(cmd);
      }
      current = undefined;
      this.flush();
    } catch (err) {
      this.fail(err as Error, current);
    }
  }

  /** A protocol violation (or a bug) ends this circuit only: report it to the client and close. */
  private fail(err: Error, cmd: Command | undefined): void {
    if (this.closed) return;
    this.ctx.onProtocolError(err, this.client);
    try {
      const message = err instanceof ChannelAccessError ? err.message : `internal error: ${err.message}`;
      const bytes = new ErrorResponse(cmd ? headerOf(cmd) : emptyHeader(), 0, EcaStatus.INTERNAL, message).encode();
      this.circuit.flush();
      this.socket.end(bytes);
      setTimeout(() => this.socket.destroy(), 1000).unref();
    } catch {
      this.socket.destroy();
    }
    this.teardown();
  }

  private handle(cmd: Command): void {
    if (cmd instanceof ReadNotifyRequest) return this.onRead(cmd, true);
    if (cmd instanceof WriteNotifyRequest || cmd instanceof WriteRequest) return this.onWrite(cmd);
    if (cmd instanceof EventAddRequest) return this.onEventAdd(cmd);
    if (cmd instanceof EventCancelRequest) return this.onEventCancel(cmd);
    if (cmd instanceof CreateChanRequest) return this.onCreateChan(cmd);
    if (cmd instanceof ClearChannelRequest) return this.onClear(cmd);
    if (cmd instanceof ReadRequest) return this.onRead(cmd, false);
    this.circuit.process(cmd);
    if (cmd instanceof VersionRequest) this.circuit.queue(new VersionResponse(CA_MINOR_PROTOCOL_REVISION, cmd.priority));
    else if (cmd instanceof EchoRequest) this.circuit.queue(new EchoResponse());
    else if (cmd instanceof HostNameRequest) this.rename(cmd.name, undefined);
    else if (cmd instanceof ClientNameRequest) this.rename(undefined, cmd.name);
    else if (cmd instanceof EventsOffRequest) this.eventsOff = true;
    else if (cmd instanceof EventsOnRequest) {
      this.eventsOff = false;
      this.resendOwed();
    }
  }

  /** Requests naming a channel we do not have get an error reply instead of ending the circuit. */
  private channelFor(cmd: Command & { sid: number }): ServerChannel | undefined {
    const ch = this.channels.get(cmd.sid);
    if (ch === undefined || ch.record.state !== ChannelState.CONNECTED) {
      if (this.circuit.state === CircuitState.CONNECTED) {
        this.circuit.queue(new ErrorResponse(headerOf(cmd), 0, EcaStatus.BADCHID, `no channel with SID ${cmd.sid}`));
      }
      return undefined;
    }
    this.circuit.process(cmd);
    return ch;
  }

  private onCreateChan(cmd: CreateChanRequest): void {
    this.circuit.process(cmd);
    const record = this.circuit.channelByCid(cmd.cid)!;
    const pv = this.ctx.provider.lookup(cmd.name);
    if (pv === undefined) {
      this.circuit.queue(new CreateChFailResponse(cmd.cid));
      return;
    }
    const ch: ServerChannel = { record, pv, rights: pv.accessRights(this.client), subscriptions: new Map() };
    this.channels.set(record.sid, ch);
    this.circuit.queue(new AccessRightsResponse(cmd.cid, ch.rights));
    this.circuit.queue(new CreateChanResponse(pv.nativeType, pv.maxCount, cmd.cid, record.sid));
  }

  private onClear(cmd: ClearChannelRequest): void {
    const ch = this.channels.get(cmd.sid);
    if (ch === undefined) {
      this.circuit.queue(new ErrorResponse(headerOf(cmd), cmd.cid, EcaStatus.BADCHID, `no channel with SID ${cmd.sid}`));
      return;
    }
    this.circuit.process(cmd);
    this.dropChannel(ch);
    this.circuit.queue(new ClearChannelResponse(cmd.sid, cmd.cid));
  }

  private dropChannel(ch: ServerChannel): void {
    for (const sub of ch.subscriptions.values()) sub.unsubscribe();
    ch.subscriptions.clear();
    this.channels.delete(ch.record.sid);
  }

  /** Checks type and count of a data request; returns the element count to send or an ECA status. */
  private checkRequest(ch: ServerChannel, dbrType: number, count: number, current: number): number | { status: number; why: string } {
    if (!isValidDbrType(dbrType)) return { status: EcaStatus.BADTYPE, why: `unknown DBR type ${dbrType}` };
    if (count > ch.pv.maxCount) {
      return { status: EcaStatus.BADCOUNT, why: `count ${count} exceeds the ${ch.pv.maxCount} elements of '${ch.pv.name}'` };
    }
    const n = count === 0 ? current : count;
    if (dbrPayloadSize(dbrType, n) > this.ctx.maxArrayBytes) {
      return { status: EcaStatus.TOLARGE, why: `${n} elements exceed EPICS_CA_MAX_ARRAY_BYTES=${this.ctx.maxArrayBytes}` };
    }
    return n;
  }

  private onRead(cmd: ReadNotifyRequest | ReadRequest, notify: boolean): void {
    const ch = this.channelFor(cmd);
    if (ch === undefined) return;
    const snap = ch.pv.snapshot();
    let status: number = EcaStatus.NORMAL;
    let why = "";
    let count = this.checkRequest(ch, cmd.dataType, cmd.dataCount, snap.values.length);
    if (typeof count !== "number") ({ status, why } = count);
    else if (!(ch.rights & AccessRights.READ)) [status, why] = [EcaStatus.NORDACCESS, `no read access to '${ch.pv.name}'`];
    if (status === EcaStatus.NORMAL) {
      try {
        const data = snapshotToDbr(ch.pv, snap, cmd.dataType);
        const n = count as number;
        this.circuit.queue(notify ? new ReadNotifyResponse(data, cmd.ioid, status, n) : new ReadResponse(data, cmd.sid, cmd.ioid, n));
        return;
      } catch (err) {
        [status, why] = [EcaStatus.NOCONVERT, (err as Error).message];
      }
    }
    const type = isValidDbrType(cmd.dataType) ? cmd.dataType : DbrType.STRING;
    if (notify) this.circuit.queue(new ReadNotifyResponse(emptyDbr(type, 1), cmd.ioid, status, 1));
    else this.circuit.queue(new ErrorResponse(headerOf(cmd), ch.record.cid, status, why));
  }

  private onWrite(cmd: WriteNotifyRequest | WriteRequest): void {
    const ch = this.channelFor(cmd);
    if (ch === undefined) return;
    const notify = cmd instanceof WriteNotifyRequest;
    const reply = (status: number, why: string): void => {
      // The channel may have been cleared, or the circuit lost, while an asynchronous put ran.
      if (this.closed || ch.record.state !== ChannelState.CONNECTED || this.circuit.state !== CircuitState.CONNECTED) return;
      if (notify) this.circuit.queue(new WriteNotifyResponse(cmd.data.dbrType, cmd.dataCount, status, cmd.ioid));
      else if (status !== EcaStatus.NORMAL) this.circuit.queue(new ErrorResponse(headerOf(cmd), ch.record.cid, status, why));
    };
    if (!(ch.rights & AccessRights.WRITE)) return reply(EcaStatus.NOWTACCESS, `no write access to '${ch.pv.name}'`);
    if (cmd.dataCount > ch.pv.maxCount) {
      return reply(EcaStatus.BADCOUNT, `count ${cmd.dataCount} exceeds the ${ch.pv.maxCount} elements of '${ch.pv.name}'`);
    }
    const type = cmd.data.dbrType;
    if (type === DbrType.PUT_ACKT || type === DbrType.PUT_ACKS) return reply(EcaStatus.NORMAL, "");
    let result: void | Promise<void>;
    try {
      const snap = ch.pv.snapshot();
      const values = convertValues(cmd.data.values, dbrLayout(type).native, ch.pv.nativeType, {
        enumStrings: snap.enumStrings,
        precision: snap.precision,
      });
      result = ch.pv.write(values, this.client);
    } catch (err) {
      return reply(EcaStatus.PUTFAIL, (err as Error).message);
    }
    if (result === undefined || typeof (result as Promise<void>).then !== "function") return reply(EcaStatus.NORMAL, "");
    (result as Promise<void>).then(
      () => {
        reply(EcaStatus.NORMAL, "");
        this.scheduleFlush();
      },
      (err: unknown) => {
        reply(EcaStatus.PUTFAIL, err instanceof Error ? err.message : String(err));
        this.scheduleFlush();
      },
    );
  }

  private onEventAdd(cmd: EventAddRequest): void {
    const ch = this.channelFor(cmd);
    if (ch === undefined) return;
    const snap = ch.pv.snapshot();
    const checked = this.checkRequest(ch, cmd.dataType, cmd.dataCount, snap.values.length);
    let failure: { status: number; why: string } | undefined = typeof checked === "number" ? undefined : checked;
    if (!failure && !(ch.rights & AccessRights.READ)) failure = { status: EcaStatus.NORDACCESS, why: "no read access" };
    if (!failure && cmd.mask === 0) failure = { status: EcaStatus.BADMASK, why: "event mask is empty" };
    if (failure) {
      const type = isValidDbrType(cmd.dataType) ? cmd.dataType : DbrType.STRING;
      this.circuit.queue(new EventAddResponse(emptyDbr(type, 1), cmd.subscriptionId, failure.status, 1));
      return;
    }
    const sub: Subscription = {
      id: cmd.subscriptionId,
      channel: ch,
      dbrType: cmd.dataType,
      count: cmd.dataCount,
      mask: cmd.mask,
      unsubscribe: () => {},
      owed: false,
    };
    ch.subscriptions.get(sub.id)?.unsubscribe();
    ch.subscriptions.set(sub.id, sub);
    sub.unsubscribe = ch.pv.subscribe((s, mask) => this.onPvEvent(sub, s, mask));
    this.sendUpdate(sub, snap);
  }

  private onEventCancel(cmd: EventCancelRequest): void {
    const ch = this.channelFor(cmd);
    if (ch === undefined) return;
    const sub = ch.subscriptions.get(cmd.subscriptionId);
    sub?.unsubscribe();
    ch.subscriptions.delete(cmd.subscriptionId);
    this.circuit.queue(new EventCancelResponse(cmd.dataType, cmd.dataCount, cmd.sid, cmd.subscriptionId));
  }

  private onPvEvent(sub: Subscription, snap: PvSnapshot, mask: DbeMask): void {
    if ((mask & sub.mask) === 0 || this.closed || sub.channel.record.state !== ChannelState.CONNECTED) return;
    if (this.eventsOff || this.socket.writableLength > CONGESTED_BYTES) {
      sub.owed = true;
      return;
    }
    this.sendUpdate(sub, snap);
    this.scheduleFlush();
  }

  /**
   * Queues one update. A value the requested type cannot hold (text in a STRING PV monitored as DOUBLE) goes
   * out as ECA_NOCONVERT: the client's choice must never make the PV's own set() throw.
   */
  private sendUpdate(sub: Subscription, snap: PvSnapshot): void {
    sub.owed = false;
    const count = sub.count === 0 ? snap.values.length : sub.count;
    let cmd: EventAddResponse;
    try {
      cmd = new EventAddResponse(snapshotToDbr(sub.channel.pv, snap, sub.dbrType), sub.id, EcaStatus.NORMAL, count);
    } catch {
      cmd = new EventAddResponse(emptyDbr(sub.dbrType, 1), sub.id, EcaStatus.NOCONVERT, 1);
    }
    this.circuit.queue(cmd);
  }

  private resendOwed(): void {
    if (this.closed || this.eventsOff) return;
    for (const ch of this.channels.values()) {
      for (const sub of ch.subscriptions.values()) if (sub.owed) this.sendUpdate(sub, ch.pv.snapshot());
    }
    this.scheduleFlush();
  }

  /** Host or user names feed access rights; channels whose rights change are told. */
  private rename(host: string | undefined, user: string | undefined): void {
    if (host !== undefined) this.client.host = host;
    if (user !== undefined) this.client.user = user;
    for (const ch of this.channels.values()) {
      const rights = ch.pv.accessRights(this.client);
      if (rights !== ch.rights && ch.record.state === ChannelState.CONNECTED) {
        ch.rights = rights;
        this.circuit.queue(new AccessRightsResponse(ch.record.cid, rights));
      }
    }
  }

  private scheduleFlush(): void {
    if (this.flushScheduled || this.closed) return;
    this.flushScheduled = true;
    queueMicrotask(() => {
      this.flushScheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    if (this.closed) return;
    const bytes = this.circuit.flush();
    if (bytes) this.socket.write(bytes);
  }

  private teardown(): void {
    if (this.closed) return;
    this.closed = true;
    for (const ch of this.channels.values()) for (const sub of ch.subscriptions.values()) sub.unsubscribe();
    this.channels.clear();
    this.circuit.disconnect();
    this.ctx.onClose(this);
  }
}

/** The header fields of a request, for the copy an ErrorResponse carries. */
function headerOf(cmd: Command): Header {
  const bytes = cmd.encode();
  const h = emptyHeader();
  h.command = bytes.readUInt16BE(0);
  h.payloadSize = bytes.readUInt16BE(2);
  h.dataType = bytes.readUInt16BE(4);
  h.dataCount = bytes.readUInt16BE(6);
  h.parameter1 = bytes.readUInt32BE(8);
  h.parameter2 = bytes.readUInt32BE(12);
  return h;
}

export { ecaMessage };
