import { Subject } from "rxjs";
import type { ErrorResponse, EventAddResponse, ReadNotifyResponse, WriteNotifyResponse } from "../../core/commands/index.ts";
import { CaClosedError, CaStatusError, CaTimeoutError, ChannelNotFoundError, type ChannelAccessError } from "../../core/errors.ts";
import { ecaMessage } from "../../core/status.ts";
import { CaChannel, ChannelConnection, type ChannelOwner, type MonitorSubscription } from "./channel.ts";
import { ClientCircuit, type CircuitOwner } from "./circuit.ts";
import { resolveClientOptions, type CaClientOptions, type ResolvedClientOptions } from "./options.ts";
import { SearchEngine } from "./search.ts";

/** Names of the requests an ErrorResponse may refer to, for messages. */
const REQUEST_NAMES: Record<number, string> = { 1: "monitor", 2: "monitor cancel", 3: "get", 4: "put", 12: "clear", 15: "get", 19: "put" };

interface PendingOperation {
  readonly channel: CaChannel;
  readonly operation: string;
  readonly resolve: (reply: unknown) => void;
  readonly reject: (error: Error) => void;
  readonly timer: NodeJS.Timeout;
}

export interface ConnectOptions {
  /** @default the context's timeoutMs */
  readonly timeoutMs?: number;
}

/**
 * A Channel Access client: name search over UDP, one TCP circuit per server shared by its channels,
 * reconnection after server restarts. Create channels with `connect`/`connectMany` (or `channel` to connect
 * in the background) and release everything with `close`.
 */
export class CaClientContext implements ChannelOwner, CircuitOwner {
  readonly options: ResolvedClientOptions;
  /** Errors no caller is waiting for (a failed write without completion, for instance). */
  readonly errors$ = new Subject<ChannelAccessError>();
  private search: SearchEngine | undefined;
  private readonly circuits = new Map<string, ClientCircuit>();
  private readonly channels = new Map<number, CaChannel>();
  private readonly operations = new Map<number, PendingOperation>();
  private readonly monitors = new Map<number, MonitorSubscription>();
  private cidCounter = 0;
  private ioidCounter = 0;
  private subscriptionCounter = 0;
  private closed = false;

  constructor(options: CaClientOptions = {}) {
    this.options = resolveClientOptions(options);
    // Bind the search socket now so the first searches do not wait for it.
    this.searchEngine();
  }

  get timeoutMs(): number {
    return this.options.timeoutMs;
  }

  /** Creates a channel and starts connecting it in the background. */
  channel(name: string): CaChannel {
    if (this.closed) throw new CaClosedError("the CA client context is closed");
    const ch = new CaChannel(this, name, ++this.cidCounter);
    this.channels.set(ch.cid, ch);
    this.searchEngine().search(name, ch.cid);
    return ch;
  }

  /** Connects one channel; rejects with ChannelNotFoundError when no server has it within the limit. */
  async connect(name: string, options: ConnectOptions = {}): Promise<CaChannel> {
    const [ch] = await this.connectMany([name], options);
    return ch!;
  }

  /** Connects many channels at once; a failure names every PV that did not connect. */
  async connectMany(names: readonly string[], options: ConnectOptions = {}): Promise<CaChannel[]> {
    const timeoutMs = options.timeoutMs ?? this.options.timeoutMs;
    const channels = names.map((n) => this.channel(n));
    const ok = await Promise.all(channels.map((c) => c.whenConnected(timeoutMs)));
    const missing = names.filter((_, i) => !ok[i]);
    if (missing.length > 0) {
      for (const c of channels) c.close();
      throw new ChannelNotFoundError(missing, timeoutMs);
    }
    return channels;
  }

  /** Closes every channel and circuit; pending operations fail with CaClosedError. */
  close(): void {
    if (this.closed) return;
    for (const ch of [...this.channels.values()]) ch.close();
    this.closed = true;
    for (const c of this.circuits.values()) c.close();
    this.circuits.clear();
    this.search?.close();
    this.errors$.complete();
  }

  /** Number of open circuits (one per server in use). */
  get circuitCount(): number {
    return this.circuits.size;
  }

  // ---- ChannelOwner ----

  nextIoid(): number {
    this.ioidCounter = (this.ioidCounter + 1) >>> 0;
    return this.ioidCounter;
  }

  nextSubscriptionId(): number {
    this.subscriptionCounter = (this.subscriptionCounter + 1) >>> 0;
    return this.subscriptionCounter;
  }

  request(channel: CaChannel, ioid: number, operation: string, timeoutMs: number, send: () => void): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.operations.delete(ioid);
        reject(new CaTimeoutError(`${operation} of PV '${channel.name}'`, timeoutMs));
      }, timeoutMs);
      this.operations.set(ioid, { channel, operation, resolve, reject, timer });
      send();
    });
  }

  registerMonitor(id: number, sub: MonitorSubscription): void {
    this.monitors.set(id, sub);
  }

  unregisterMonitor(id: number): void {
    this.monitors.delete(id);
  }

  failOperations(channel: CaChannel, error: Error): void {
    for (const [ioid, op] of this.operations) {
      if (op.channel !== channel) continue;
      this.operations.delete(ioid);
      clearTimeout(op.timer);
      op.reject(error);
    }
  }

  research(channel: CaChannel): void {
    if (!this.closed && channel.state === ChannelConnection.SEARCHING) this.searchEngine().search(channel.name, channel.cid);
  }

  forget(channel: CaChannel): void {
    this.channels.delete(channel.cid);
    this.search?.cancel(channel.cid);
  }

  // ---- CircuitOwner ----

  onReply(cmd: ReadNotifyResponse | WriteNotifyResponse | ErrorResponse): void {
    if ("ioid" in cmd) {
      const op = this.operations.get(cmd.ioid);
      if (op === undefined) return;
      this.operations.delete(cmd.ioid);
      clearTimeout(op.timer);
      op.resolve(cmd);
      return;
    }
    const original = cmd.originalRequest;
    const op = this.operations.get(original.parameter2);
    if ((original.command === 15 || original.command === 19) && op !== undefined) {
      this.operations.delete(original.parameter2);
      clearTimeout(op.timer);
      op.reject(new CaStatusError(op.channel.name, op.operation, cmd.status, ecaMessage(cmd.status), cmd.message));
      return;
    }
    if (original.command === 1) {
      this.monitors.get(original.parameter2)?.subscriber.error(
        new CaStatusError(this.channels.get(cmd.cid)?.name ?? `CID ${cmd.cid}`, "monitor", cmd.status, ecaMessage(cmd.status), cmd.message),
      );
      return;
    }
    const name = this.channels.get(cmd.cid)?.name ?? `CID ${cmd.cid}`;
    const operation = REQUEST_NAMES[original.command] ?? `request ${original.command}`;
    this.errors$.next(new CaStatusError(name, operation, cmd.status, ecaMessage(cmd.status), cmd.message));
  }

  onMonitor(cmd: EventAddResponse): void {
    this.monitors.get(cmd.subscriptionId)?.deliver(cmd);
  }

  onCircuitClosed(circuit: ClientCircuit): void {
    if (this.circuits.get(circuit.address) === circuit) this.circuits.delete(circuit.address);
  }

  // ----

  private searchEngine(): SearchEngine {
    this.search ??= new SearchEngine({
      targets: this.options.searchTargets,
      firstRetryMs: this.options.searchFirstRetryMs,
      maxPeriodMs: this.options.maxSearchPeriodMs,
      onFound: (cid, host, port) => this.onFound(cid, host, port),
    });
    return this.search;
  }

  private onFound(cid: number, host: string, port: number): void {
    const ch = this.channels.get(cid);
    if (ch === undefined || ch.state !== ChannelConnection.SEARCHING || this.closed) return;
    const key = `${host}:${port}`;
    let circuit = this.circuits.get(key);
    if (circuit === undefined || circuit.isClosed) {
      circuit = new ClientCircuit(this, host, port);
      this.circuits.set(key, circuit);
    }
    ch.onConnecting(circuit);
    circuit.attach(ch);
  }
}
