import { connect, type Socket } from "node:net";
import { DBR_STRUCT_SLACK, VirtualCircuit } from "../../core/circuit.ts";
import type { Command } from "../../core/commands/command.ts";
import {
  AccessRightsResponse,
  ClearChannelRequest,
  ClientNameRequest,
  CreateChanRequest,
  CreateChanResponse,
  CreateChFailResponse,
  EchoRequest,
  EchoResponse,
  ErrorResponse,
  EventAddResponse,
  HostNameRequest,
  ReadNotifyResponse,
  ServerDisconnResponse,
  VersionRequest,
  WriteNotifyResponse,
} from "../../core/commands/index.ts";
import { CA_MINOR_PROTOCOL_REVISION } from "../../core/constants.ts";
import { ChannelAccessError } from "../../core/errors.ts";
import { CircuitState } from "../../core/state.ts";
import { Role } from "../../core/state.ts";
import type { CaChannel } from "./channel.ts";
import type { ResolvedClientOptions } from "./options.ts";

/** What a circuit needs from its context: option values and the routing of replies by id. */
export interface CircuitOwner {
  readonly options: ResolvedClientOptions;
  onReply(cmd: ReadNotifyResponse | WriteNotifyResponse | ErrorResponse): void;
  onMonitor(cmd: EventAddResponse): void;
  onCircuitClosed(circuit: ClientCircuit, reason: string): void;
}

/**
 * One TCP circuit to one server, shared by all the channels the server holds. Requests queued during a tick
 * leave in one write; an idle circuit is probed with echoes and dropped when it stops answering.
 */
export class ClientCircuit {
  readonly circuit: VirtualCircuit;
  private readonly socket: Socket;
  private readonly channels = new Map<number, CaChannel>();
  private connected = false;
  private closed = false;
  private flushScheduled = false;
  private readonly startedAt = performance.now();
  private lastHeard = performance.now();
  private echoSentAt = 0;
  private readonly watchdog: NodeJS.Timeout;

  constructor(
    private readonly owner: CircuitOwner,
    readonly host: string,
    readonly port: number,
  ) {
    const o = owner.options;
    this.circuit = new VirtualCircuit({ role: Role.CLIENT, maxPayloadBytes: o.maxArrayBytes + DBR_STRUCT_SLACK });
    this.socket = connect({ host, port, noDelay: true });
    this.socket.on("connect", () => this.onConnect());
    this.socket.on("data", (chunk: Buffer) => this.onData(chunk));
    this.socket.on("error", (err) => this.shutdown(`circuit to ${this.address} failed: ${err.message}`));
    this.socket.on("close", () => this.shutdown(`circuit to ${this.address} closed`));
    const tick = Math.max(10, Math.min(1000, o.echoIntervalMs / 4, o.echoTimeoutMs / 2, o.timeoutMs / 4));
    this.watchdog = setInterval(() => this.checkAlive(), tick);
    this.watchdog.unref();
  }

  get address(): string {
    return `${this.host}:${this.port}`;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Adds a channel: its CREATE_CHAN goes out now, or right after the handshake when still connecting. */
  attach(channel: CaChannel): void {
    this.channels.set(channel.cid, channel);
    if (this.connected) this.sendCreate(channel);
  }

  detach(channel: CaChannel): void {
    this.channels.delete(channel.cid);
  }

  /** Queues a request; the queue is written once the current tick's work is done. */
  queue(cmd: Command): void {
    this.circuit.queue(cmd);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      queueMicrotask(() => this.flush());
    }
  }

  close(): void {
    this.socket.destroy();
    this.shutdown("circuit closed by the client");
  }

  private flush(): void {
    this.flushScheduled = false;
    const bytes = this.circuit.flush();
    if (bytes && !this.closed) this.socket.write(bytes);
  }

  private sendCreate(channel: CaChannel): void {
    this.circuit.newChannel(channel.name, channel.cid);
    this.queue(new CreateChanRequest(channel.name, channel.cid, CA_MINOR_PROTOCOL_REVISION));
  }

  private onConnect(): void {
    const o = this.owner.options;
    this.connected = true;
    this.queue(new VersionRequest(o.priority, CA_MINOR_PROTOCOL_REVISION));
    this.queue(new HostNameRequest(o.hostName));
    this.queue(new ClientNameRequest(o.userName));
    for (const ch of this.channels.values()) this.sendCreate(ch);
  }

  private onData(chunk: Buffer): void {
    this.lastHeard = performance.now();
    this.echoSentAt = 0;
    try {
      for (const cmd of this.circuit.recv(chunk)) {
        this.circuit.process(cmd);
        this.dispatch(cmd);
      }
    } catch (err) {
      const why = err instanceof ChannelAccessError ? err.message : String(err);
      this.socket.destroy();
      this.shutdown(`protocol error from ${this.address}: ${why}`);
    }
  }

  private dispatch(cmd: Command): void {
    if (cmd instanceof EventAddResponse) return this.owner.onMonitor(cmd);
    if (cmd instanceof ReadNotifyResponse || cmd instanceof WriteNotifyResponse) return this.owner.onReply(cmd);
    if (cmd instanceof CreateChanResponse) {
      const ch = this.channels.get(cmd.cid);
      // A channel closed while its creation was in flight is cleared at once.
      if (ch === undefined) this.queue(new ClearChannelRequest(cmd.sid, cmd.cid));
      else ch.onCreated(this, cmd);
      return;
    }
    if (cmd instanceof AccessRightsResponse) return this.channels.get(cmd.cid)?.onAccessRights(cmd.accessRights);
    if (cmd instanceof CreateChFailResponse) return this.lose(cmd.cid, `server ${this.address} refused to create the channel`);
    if (cmd instanceof ServerDisconnResponse) return this.lose(cmd.cid, `server ${this.address} disconnected the channel`);
    if (cmd instanceof ErrorResponse) {
      if (cmd.originalRequest.command === 18) return this.lose(cmd.originalRequest.parameter1, cmd.message);
      return this.owner.onReply(cmd);
    }
    // VersionResponse, EchoResponse, ClearChannelResponse, EventCancelResponse: nothing to do.
    void EchoResponse;
  }

  private lose(cid: number, reason: string): void {
    const ch = this.channels.get(cid);
    if (ch === undefined) return;
    this.channels.delete(cid);
    ch.onDisconnected(reason);
  }

  /** Echo when idle; drop the circuit when the echo goes unanswered (the server or the path is dead). */
  private checkAlive(): void {
    if (this.closed) return;
    const now = performance.now();
    const o = this.owner.options;
    // A peer that never completes the handshake (a silent or foreign service on that port) is given up on.
    if (this.circuit.state !== CircuitState.CONNECTED) {
      if (now - this.startedAt > o.timeoutMs) {
        this.socket.destroy();
        this.shutdown(`no CA handshake with ${this.address} within ${o.timeoutMs} ms`);
      }
      return;
    }
    if (this.echoSentAt > 0) {
      if (now - this.echoSentAt > o.echoTimeoutMs) {
        this.socket.destroy();
        this.shutdown(`server ${this.address} did not answer an echo within ${o.echoTimeoutMs} ms`);
      }
      return;
    }
    if (now - this.lastHeard > o.echoIntervalMs) {
      this.echoSentAt = now;
      this.queue(new EchoRequest());
    }
  }

  private shutdown(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.watchdog);
    this.circuit.disconnect();
    const channels = [...this.channels.values()];
    this.channels.clear();
    this.owner.onCircuitClosed(this, reason);
    for (const ch of channels) ch.onDisconnected(reason);
  }
}
