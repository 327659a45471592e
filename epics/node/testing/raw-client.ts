import { createSocket } from "node:dgram";
import { connect, type Socket } from "node:net";
import { Broadcaster } from "../../core/broadcaster.ts";
import { VirtualCircuit } from "../../core/circuit.ts";
import type { Command } from "../../core/commands/command.ts";
import {
  AccessRightsResponse,
  ClientNameRequest,
  CreateChanRequest,
  CreateChanResponse,
  HostNameRequest,
  VersionRequest,
} from "../../core/commands/index.ts";
import { CaTimeoutError } from "../../core/errors.ts";
import { Role } from "../../core/state.ts";

/**
 * A protocol-level client built from the sans-I/O core, for testing servers command by command: it sends
 * exactly what it is told and hands back every received command (processed by the client state machine,
 * so a server breaking the protocol fails the test).
 */
export class RawCircuitClient {
  readonly circuit = new VirtualCircuit({ role: Role.CLIENT, maxPayloadBytes: 1 << 24 });
  private readonly inbox: Command[] = [];
  private readonly waiters = new Set<() => void>();
  /** Protocol errors the client state machine found in what the server sent. */
  readonly protocolErrors: Error[] = [];
  closed = false;
  private nextCid = 1;

  private constructor(readonly socket: Socket) {
    socket.setNoDelay(true);
    socket.on("data", (chunk) => {
      for (const cmd of this.circuit.recv(chunk)) {
        try {
          this.circuit.process(cmd);
        } catch (err) {
          this.protocolErrors.push(err as Error);
        }
        this.inbox.push(cmd);
      }
      this.wake();
    });
    socket.on("close", () => {
      this.closed = true;
      this.wake();
    });
    socket.on("error", () => {});
  }

  static async connect(port: number, host = "127.0.0.1", handshake = true): Promise<RawCircuitClient> {
    const socket = connect({ port, host });
    await new Promise<void>((resolve, reject) => {
      socket.once("connect", resolve);
      socket.once("error", reject);
    });
    const client = new RawCircuitClient(socket);
    if (handshake) {
      client.send(new VersionRequest(0, 13), new HostNameRequest("testhost"), new ClientNameRequest("tester"));
      await client.next((c) => c.commandName === "VersionResponse");
    }
    return client;
  }

  send(...cmds: Command[]): void {
    for (const b of this.circuit.send(...cmds)) this.socket.write(b);
  }

  /** Writes raw bytes, bypassing the client state machine. */
  writeRaw(bytes: Uint8Array): void {
    this.socket.write(bytes);
  }

  /** Waits for (and removes) the first received command matching `match`. */
  async next<T extends Command = Command>(match: (c: Command) => boolean, timeoutMs = 2000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const i = this.inbox.findIndex(match);
      if (i >= 0) return this.inbox.splice(i, 1)[0] as T;
      if (this.closed) throw new CaTimeoutError("raw client: connection closed while waiting for a command", timeoutMs);
      const left = deadline - Date.now();
      if (left <= 0) throw new CaTimeoutError(`raw client waiting for a command (inbox: ${this.inbox.map((c) => c.commandName).join(", ")})`, timeoutMs);
      await new Promise<void>((resolve) => {
        const wake = (): void => {
          clearTimeout(t);
          this.waiters.delete(wake);
          resolve();
        };
        const t = setTimeout(wake, left);
        this.waiters.add(wake);
      });
    }
  }

  private wake(): void {
    for (const w of [...this.waiters]) w();
  }

  /** The received commands matching `match`, left in the inbox. */
  received(match: (c: Command) => boolean): Command[] {
    return this.inbox.filter(match);
  }

  /** Everything received and not yet taken. */
  drain(): Command[] {
    return this.inbox.splice(0);
  }

  /** Creates a channel and waits for its access rights and CREATE_CHAN reply. */
  async createChannel(name: string): Promise<{ cid: number; sid: number; nativeType: number; nativeCount: number; rights: number }> {
    const cid = this.nextCid++;
    this.circuit.newChannel(name, cid);
    this.send(new CreateChanRequest(name, cid));
    const rights = await this.next<AccessRightsResponse>((c) => c instanceof AccessRightsResponse && c.cid === cid);
    const created = await this.next<CreateChanResponse>((c) => c instanceof CreateChanResponse && c.cid === cid);
    return { cid, sid: created.sid, nativeType: created.nativeType, nativeCount: created.nativeCount, rights: rights.accessRights };
  }

  close(): void {
    this.socket.destroy();
  }
}

/** Sends one UDP datagram to a server and collects the commands in the replies for `waitMs`. */
export async function udpExchange(port: number, datagram: Uint8Array, waitMs = 100): Promise<Command[]> {
  const sock = createSocket("udp4");
  const b = new Broadcaster({ role: Role.CLIENT });
  const got: Command[] = [];
  sock.on("message", (msg) => got.push(...b.recv(msg)));
  await new Promise<void>((resolve) => sock.bind(0, "127.0.0.1", resolve));
  sock.send(datagram, port, "127.0.0.1");
  await new Promise((r) => setTimeout(r, waitMs));
  sock.close();
  return got;
}
