import { createSocket, type RemoteInfo, type Socket as UdpSocket } from "node:dgram";
import { createServer, type Server as TcpServer } from "node:net";
import { Broadcaster } from "../core/broadcaster.ts";
import type { Command } from "../core/commands/command.ts";
import { NotFoundResponse, RsrvIsUpResponse, SearchRequest, SearchResponse, VersionRequest } from "../core/commands/index.ts";
import { CA_MINOR_PROTOCOL_REVISION, DEFAULT_CA_REPEATER_PORT, DEFAULT_CA_SERVER_PORT, DEFAULT_MAX_ARRAY_BYTES, INADDR_ANY_REPLY, SearchReply } from "../core/constants.ts";
import { CaClosedError, CaInvalidArgumentError } from "../core/errors.ts";
import { Role } from "../core/state.ts";
import { envAddressList, envNumber, envPort, envYesNo, interfaceBroadcastAddresses, ipv4ToNumber, parseAddressList, type EpicsEnv, type HostPort } from "./env.ts";
import { PvRegistry, type CaPv, type ClientInfo, type PvProvider } from "./pv.ts";
import { ServerCircuit } from "./server-circuit.ts";

export interface CaServerOptions {
  /** The PVs to serve: a provider, or a list of PVs put in a PvRegistry. */
  readonly pvs: PvProvider | Iterable<CaPv>;
  /**
   * Where EPICS variables are read from.
   * @default process.env
   */
  readonly env?: EpicsEnv;
  /**
   * TCP port; 0 picks a free one.
   * @default EPICS_CAS_SERVER_PORT, else EPICS_CA_SERVER_PORT, else 5064
   */
  readonly tcpPort?: number;
  /**
   * UDP port for name searches.
   * @default the same number as the TCP port in use
   */
  readonly udpPort?: number;
  /**
   * Interface addresses to listen on.
   * @default EPICS_CAS_INTF_ADDR_LIST, else ["0.0.0.0"]
   */
  readonly interfaces?: readonly string[];
  /**
   * Beacon destinations ("host" or "host:port"; the port defaults to beaconPort).
   * @default EPICS_CAS_BEACON_ADDR_LIST (else EPICS_CA_ADDR_LIST) plus, when automatic, interface broadcasts
   */
  readonly beaconAddresses?: readonly string[];
  /**
   * Add the interfaces' broadcast addresses to the beacon list.
   * @default EPICS_CAS_AUTO_BEACON_ADDR_LIST, else EPICS_CA_AUTO_ADDR_LIST, else true
   */
  readonly autoBeaconAddresses?: boolean;
  /** @default EPICS_CAS_BEACON_PORT, else EPICS_CA_REPEATER_PORT, else 5065 */
  readonly beaconPort?: number;
  /**
   * Longest interval between beacons (they start at 20 ms and double up to it); 0 sends none.
   * @default EPICS_CAS_BEACON_PERIOD (seconds), else 15 000 ms
   */
  readonly beaconPeriodMs?: number;
  /** @default EPICS_CA_MAX_ARRAY_BYTES, else 16384 */
  readonly maxArrayBytes?: number;
  /** Called when a client breaks the protocol (its circuit is closed; others carry on). */
  readonly onProtocolError?: (error: Error, client: ClientInfo) => void;
}

export const DEFAULT_BEACON_PERIOD_MS = 15_000;
const FIRST_BEACON_DELAY_MS = 20;
const PORT_ATTEMPTS = 20;

interface Listener {
  readonly host: string;
  readonly tcp: TcpServer;
  readonly udp: UdpSocket;
}

/**
 * A Channel Access server over Node sockets: a TCP listener per interface for circuits, a UDP responder
 * for name searches and a beacon emitter. One client's bad bytes close that client's circuit only.
 */
export class CaServer {
  readonly provider: PvProvider;
  private readonly options: CaServerOptions;
  private readonly env: EpicsEnv;
  private readonly listeners: Listener[] = [];
  private readonly circuits = new Set<ServerCircuit>();
  private readonly broadcaster = new Broadcaster({ role: Role.SERVER });
  private readonly maxArrayBytes: number;
  private beaconTimer: NodeJS.Timeout | undefined;
  private beaconId = 0;
  private closed = false;
  private ports = { tcp: 0, udp: 0 };

  private constructor(options: CaServerOptions) {
    this.options = options;
    this.env = options.env ?? process.env;
    const pvs = options.pvs;
    this.provider = isProvider(pvs) ? pvs : new PvRegistry(pvs);
    this.maxArrayBytes = options.maxArrayBytes ?? envNumber(this.env, "EPICS_CA_MAX_ARRAY_BYTES", DEFAULT_MAX_ARRAY_BYTES, 16);
  }

  /** Starts a server and resolves once it listens. */
  static async start(options: CaServerOptions): Promise<CaServer> {
    const server = new CaServer(options);
    await server.listen();
    return server;
  }

  get tcpPort(): number {
    return this.ports.tcp;
  }

  get udpPort(): number {
    return this.ports.udp;
  }

  /** Number of connected client circuits. */
  get clientCount(): number {
    return this.circuits.size;
  }

  /** Tells every client holding a channel to `name` that it is gone (CA_PROTO_SERVER_DISCONN). */
  disconnectPv(name: string): void {
    for (const c of this.circuits) c.disconnectPv(name);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.beaconTimer);
    for (const c of [...this.circuits]) c.close();
    await Promise.all(
      this.listeners.map(
        (l) =>
          new Promise<void>((resolve) => {
            l.udp.close(() => resolve());
            l.tcp.close();
          }),
      ),
    );
  }

  private async listen(): Promise<void> {
    const env = this.env;
    const envTcp = envPort(env, "EPICS_CAS_SERVER_PORT", envPort(env, "EPICS_CA_SERVER_PORT", DEFAULT_CA_SERVER_PORT));
    const tcpPort = this.options.tcpPort ?? envTcp;
    const interfaces =
      this.options.interfaces ?? envAddressList(env, "EPICS_CAS_INTF_ADDR_LIST", 0)?.map((h) => h.host) ?? ["0.0.0.0"];
    if (interfaces.length === 0) throw new CaInvalidArgumentError("a CaServer needs at least one interface address", interfaces);
    for (let attempt = 0; ; attempt++) {
      try {
        await this.bindAll(interfaces, tcpPort, this.options.udpPort);
        break;
      } catch (err) {
        await this.unbindAll();
        const retry = tcpPort === 0 && this.options.udpPort === undefined && (err as NodeJS.ErrnoException).code === "EADDRINUSE";
        if (!retry || attempt >= PORT_ATTEMPTS) throw err;
      }
    }
    this.startBeacons(interfaces[0]!);
  }

  /** Binds TCP first (port 0 picks one), then UDP on the same number unless told otherwise. */
  private async bindAll(interfaces: readonly string[], tcpPort: number, udpPort: number | undefined): Promise<void> {
    let tcp = tcpPort;
    for (const host of interfaces) {
      const server = createServer((socket) => this.accept(socket));
      await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen({ host, port: tcp, exclusive: true }, () => {
          server.off("error", reject);
          resolve();
        });
      });
      const address = server.address();
      tcp = typeof address === "object" && address ? address.port : tcp;
      const udp = createSocket({ type: "udp4", reuseAddr: true });
      this.listeners.push({ host, tcp: server, udp });
      server.on("error", () => {});
      await new Promise<void>((resolve, reject) => {
        udp.once("error", reject);
        udp.bind({ address: host, port: udpPort ?? tcp, exclusive: false }, () => {
          udp.off("error", reject);
          resolve();
        });
      });
      udp.on("error", () => {});
      udp.on("message", (msg, rinfo) => this.onDatagram(udp, host, msg, rinfo));
    }
    this.ports = { tcp, udp: this.listeners[0]!.udp.address().port };
  }

  private async unbindAll(): Promise<void> {
    for (const l of this.listeners.splice(0)) {
      l.tcp.close();
      try {
        l.udp.close();
      } catch {
        // never bound
      }
    }
  }

  private accept(socket: import("node:net").Socket): void {
    if (this.closed) {
      socket.destroy();
      return;
    }
    const circuit = new ServerCircuit(socket, {
      provider: this.provider,
      maxArrayBytes: this.maxArrayBytes,
      onProtocolError: (err, client) => this.options.onProtocolError?.(err, client),
      onClose: (c) => this.circuits.delete(c),
    });
    this.circuits.add(circuit);
  }

  /** Answers the searches in one datagram with one datagram (version first, as libca expects). */
  private onDatagram(udp: UdpSocket, host: string, msg: Buffer, rinfo: RemoteInfo): void {
    if (this.closed) return;
    let commands: Command[];
    try {
      commands = this.broadcaster.recv(msg);
    } catch {
      return; // a datagram that does not decode is dropped; UDP has no one to tell
    }
    let version: VersionRequest | undefined;
    const replies: Command[] = [];
    const address = host === "0.0.0.0" ? INADDR_ANY_REPLY : ipv4ToNumber(host);
    for (const cmd of commands) {
      if (cmd instanceof VersionRequest) version = cmd;
      else if (cmd instanceof SearchRequest) {
        if (this.provider.lookup(cmd.name)) replies.push(new SearchResponse(this.ports.tcp, cmd.cid, address));
        else if (cmd.reply === SearchReply.DO_REPLY) replies.push(new NotFoundResponse(cmd.cid, cmd.version));
      }
    }
    if (replies.length === 0) return;
    for (const datagram of this.broadcaster.send(replies, this.broadcaster.versionReplyFor(version))) {
      udp.send(datagram, rinfo.port, rinfo.address);
    }
  }

  private beaconTargets(): HostPort[] {
    const env = this.env;
    const port =
      this.options.beaconPort ?? envPort(env, "EPICS_CAS_BEACON_PORT", envPort(env, "EPICS_CA_REPEATER_PORT", DEFAULT_CA_REPEATER_PORT));
    const listed =
      this.options.beaconAddresses !== undefined
        ? parseAddressList(this.options.beaconAddresses.join(" "), port, "beaconAddresses")
        : (envAddressList(env, "EPICS_CAS_BEACON_ADDR_LIST", port) ?? envAddressList(env, "EPICS_CA_ADDR_LIST", port) ?? []);
    const auto =
      this.options.autoBeaconAddresses ??
      envYesNo(env, "EPICS_CAS_AUTO_BEACON_ADDR_LIST", envYesNo(env, "EPICS_CA_AUTO_ADDR_LIST", true));
    const autoList = auto ? interfaceBroadcastAddresses().map((host) => ({ host, port })) : [];
    return [...listed, ...autoList];
  }

  private startBeacons(host: string): void {
    const periodMs =
      this.options.beaconPeriodMs ?? envNumber(this.env, "EPICS_CAS_BEACON_PERIOD", DEFAULT_BEACON_PERIOD_MS / 1000) * 1000;
    if (periodMs <= 0) return;
    const targets = this.beaconTargets();
    if (targets.length === 0) return;
    const udp = this.listeners[0]!.udp;
    udp.setBroadcast(true);
    const address = host === "0.0.0.0" ? 0 : ipv4ToNumber(host);
    let delay = FIRST_BEACON_DELAY_MS;
    const beat = (): void => {
      if (this.closed) return;
      const bytes = new RsrvIsUpResponse(this.ports.tcp, this.beaconId++, address, CA_MINOR_PROTOCOL_REVISION).encode();
      for (const t of targets) udp.send(bytes, t.port, t.host, () => {});
      delay = Math.min(delay * 2, periodMs);
      this.beaconTimer = setTimeout(beat, delay);
      this.beaconTimer.unref();
    };
    this.beaconTimer = setTimeout(beat, 0);
    this.beaconTimer.unref();
  }
}

function isProvider(pvs: PvProvider | Iterable<CaPv>): pvs is PvProvider {
  return typeof (pvs as PvProvider).lookup === "function";
}

export { CaClosedError };
