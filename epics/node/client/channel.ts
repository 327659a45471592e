import { BehaviorSubject, Observable, type Subscriber } from "rxjs";
import {
  ClearChannelRequest,
  EventAddRequest,
  EventCancelRequest,
  ReadNotifyRequest,
  WriteNotifyRequest,
  WriteRequest,
  type CreateChanResponse,
  type EventAddResponse,
} from "../../core/commands/index.ts";
import { AccessRights, Dbe, type DbeMask } from "../../core/constants.ts";
import { valuesFromInput } from "../../core/convert.ts";
import { makeDbrData, type DbrValues } from "../../core/dbr-data.ts";
import { DbrForm, dbrLayout, DbrType, dbrTypeFor, dbrTypeName, NativeType } from "../../core/dbr-types.ts";
import { AccessDeniedError, CaClosedError, CaDisconnectedError, CaInvalidArgumentError, CaStatusError } from "../../core/errors.ts";
import { EcaStatus, ecaMessage } from "../../core/status.ts";
import type { ClientCircuit } from "./circuit.ts";
import { observableToAsyncIterable } from "./iterate.ts";
import { CaValue } from "./value.ts";

export const ChannelConnection = { SEARCHING: "searching", CONNECTING: "connecting", CONNECTED: "connected", CLOSED: "closed" } as const;
export type ChannelConnection = (typeof ChannelConnection)[keyof typeof ChannelConnection];

export interface GetOptions {
  /** DBR type to ask for. @default DBR_TIME_<native type> */
  readonly dbrType?: number;
  /** Elements to read; 0 means the current length. @default 0 */
  readonly count?: number;
  /** @default the context's timeoutMs */
  readonly timeoutMs?: number;
}

export interface PutOptions {
  /** Wait for the server to report completion (CA_PROTO_WRITE_NOTIFY). @default true */
  readonly wait?: boolean;
  /** @default the context's timeoutMs */
  readonly timeoutMs?: number;
}

export interface MonitorOptions {
  /** DBE mask. @default Dbe.VALUE | Dbe.ALARM */
  readonly mask?: DbeMask;
  /** @default DBR_TIME_<native type> */
  readonly dbrType?: number;
  /** Elements per update; 0 follows the current length. @default 0 */
  readonly count?: number;
}

/** A summary of a channel, as cainfo prints it. */
export interface ChannelInfo {
  readonly name: string;
  readonly state: ChannelConnection;
  /** host:port of the server, empty while not connected. */
  readonly server: string;
  /** "DBF_DOUBLE" etc., or "" before the first connection. */
  readonly nativeType: string;
  readonly elementCount: number;
  readonly access: "no access" | "read only" | "write only" | "read/write";
}

const ACCESS_NAMES = ["no access", "read only", "write only", "read/write"] as const;

/** What a channel needs from its context. */
export interface ChannelOwner {
  readonly timeoutMs: number;
  nextIoid(): number;
  nextSubscriptionId(): number;
  request(channel: CaChannel, ioid: number, operation: string, timeoutMs: number, send: () => void): Promise<unknown>;
  registerMonitor(id: number, sub: MonitorSubscription): void;
  unregisterMonitor(id: number): void;
  failOperations(channel: CaChannel, error: Error): void;
  research(channel: CaChannel): void;
  forget(channel: CaChannel): void;
}

/** One monitor on one channel, re-established on every reconnection. */
export class MonitorSubscription {
  constructor(
    readonly id: number,
    readonly channel: CaChannel,
    readonly options: Required<Omit<MonitorOptions, "dbrType">> & { dbrType: number | undefined },
    readonly subscriber: Subscriber<CaValue>,
  ) {}

  /** The DBR type in use for the current connection. */
  dbrType = -1;

  deliver(cmd: EventAddResponse): void {
    if (cmd.status !== EcaStatus.NORMAL) {
      const ch = this.channel;
      this.subscriber.error(
        cmd.status === EcaStatus.NORDACCESS
          ? new AccessDeniedError(ch.name, "read")
          : new CaStatusError(ch.name, "monitor", cmd.status, ecaMessage(cmd.status)),
      );
      return;
    }
    const scalar = this.options.count === 1 || (this.options.count === 0 && this.channel.nativeCount === 1);
    this.subscriber.next(new CaValue(this.channel.name, cmd.data, scalar));
  }
}

/**
 * A channel to one PV. It survives server restarts: when its circuit drops it searches again, and on
 * reconnection its monitors are re-established. Operations on a disconnected channel fail at once with
 * CaDisconnectedError.
 */
export class CaChannel {
  state: ChannelConnection = ChannelConnection.SEARCHING;
  sid = -1;
  nativeType = -1;
  nativeCount = 0;
  accessRights = 0;
  /** host:port of the server holding the channel while connected. */
  server = "";
  private circuit: ClientCircuit | undefined;
  private readonly monitors = new Map<number, MonitorSubscription>();
  private readonly connected$ = new BehaviorSubject<boolean>(false);
  private readonly connectWaiters = new Set<() => void>();

  constructor(
    private readonly owner: ChannelOwner,
    readonly name: string,
    readonly cid: number,
  ) {}

  /** Emits true on every (re)connection and false on every loss. */
  get connection$(): Observable<boolean> {
    return this.connected$.asObservable();
  }

  get connected(): boolean {
    return this.state === ChannelConnection.CONNECTED;
  }

  get readable(): boolean {
    return (this.accessRights & AccessRights.READ) !== 0;
  }

  get writable(): boolean {
    return (this.accessRights & AccessRights.WRITE) !== 0;
  }

  describe(): ChannelInfo {
    return {
      name: this.name,
      state: this.state,
      server: this.server,
      nativeType: this.nativeType >= 0 ? dbrTypeName(this.nativeType).replace("DBR_", "DBF_") : "",
      elementCount: this.nativeCount,
      access: ACCESS_NAMES[this.accessRights & 3]!,
    };
  }

  /** Resolves once connected (at once if it is); false when `timeoutMs` passes first. */
  whenConnected(timeoutMs: number): Promise<boolean> {
    if (this.connected) return Promise.resolve(true);
    if (this.state === ChannelConnection.CLOSED) return Promise.resolve(false);
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.connectWaiters.delete(done);
        resolve(this.connected);
      };
      const timer = setTimeout(done, timeoutMs);
      this.connectWaiters.add(done);
    });
  }

  /** Reads the PV. Rejects with AccessDeniedError, CaDisconnectedError, CaStatusError or CaTimeoutError. */
  async get(options: GetOptions = {}): Promise<CaValue> {
    const circuit = this.usable("read");
    const dbrType = options.dbrType ?? dbrTypeFor(this.nativeType as NativeType, DbrForm.TIME);
    dbrLayout(dbrType);
    const count = options.count ?? 0;
    this.checkCount(count);
    const ioid = this.owner.nextIoid();
    const sid = this.sid;
    const reply = (await this.owner.request(this, ioid, "get", options.timeoutMs ?? this.owner.timeoutMs, () =>
      circuit.queue(new ReadNotifyRequest(dbrType, count, sid, ioid)),
    )) as { data: import("../../core/dbr-data.ts").DbrData; status: number };
    if (reply.status !== EcaStatus.NORMAL) {
      if (reply.status === EcaStatus.NORDACCESS) throw new AccessDeniedError(this.name, "read");
      throw new CaStatusError(this.name, "get", reply.status, ecaMessage(reply.status));
    }
    return new CaValue(this.name, reply.data, count === 1 || (count === 0 && this.nativeCount === 1));
  }

  /**
   * Writes a value: a number, boolean, string or an array of them, or a typed array. Strings go to STRING
   * and ENUM channels as DBR_STRING (the server maps enum state names), to CHAR arrays as long strings.
   */
  async put(value: unknown, options: PutOptions = {}): Promise<void> {
    const circuit = this.usable("write");
    const { dbrType, values } = this.encode(value);
    if (values.length > this.nativeCount) {
      throw new CaInvalidArgumentError(
        `${values.length} elements written to '${this.name}', which holds at most ${this.nativeCount}`,
        values.length,
      );
    }
    const data = makeDbrData(dbrType, values);
    const sid = this.sid;
    if (options.wait === false) {
      circuit.queue(new WriteRequest(data, sid, this.owner.nextIoid()));
      return;
    }
    const ioid = this.owner.nextIoid();
    const reply = (await this.owner.request(this, ioid, "put", options.timeoutMs ?? this.owner.timeoutMs, () =>
      circuit.queue(new WriteNotifyRequest(data, sid, ioid)),
    )) as { status: number };
    if (reply.status !== EcaStatus.NORMAL) {
      if (reply.status === EcaStatus.NOWTACCESS) throw new AccessDeniedError(this.name, "write");
      throw new CaStatusError(this.name, "put", reply.status, ecaMessage(reply.status));
    }
  }

  /**
   * Updates as an Observable. Subscribing sends EVENT_ADD (now, or when the channel connects); unsubscribing
   * sends EVENT_CANCEL. The subscription outlives disconnections; closing the channel completes it.
   */
  monitor(options: MonitorOptions = {}): Observable<CaValue> {
    const mask = options.mask ?? Dbe.VALUE | Dbe.ALARM;
    if (!Number.isInteger(mask) || mask <= 0 || mask > 15) throw new CaInvalidArgumentError(`invalid DBE mask ${mask}`, mask);
    if (options.dbrType !== undefined) dbrLayout(options.dbrType);
    const count = options.count ?? 0;
    return new Observable<CaValue>((subscriber) => {
      if (this.state === ChannelConnection.CLOSED) {
        subscriber.error(new CaClosedError(`channel '${this.name}' is closed`));
        return;
      }
      const sub = new MonitorSubscription(this.owner.nextSubscriptionId(), this, { mask, count, dbrType: options.dbrType }, subscriber);
      this.monitors.set(sub.id, sub);
      this.owner.registerMonitor(sub.id, sub);
      if (this.connected) this.startMonitor(sub);
      return () => {
        this.monitors.delete(sub.id);
        this.owner.unregisterMonitor(sub.id);
        if (this.connected && this.circuit && sub.dbrType >= 0) {
          this.circuit.queue(new EventCancelRequest(sub.dbrType, sub.options.count, this.sid, sub.id));
        }
      };
    });
  }

  /** The monitor as an async iterable; leaving the loop cancels the subscription. */
  updates(options: MonitorOptions = {}): AsyncGenerator<CaValue, void, undefined> {
    return observableToAsyncIterable(this.monitor(options));
  }

  /** Clears the channel on the server, stops searching and completes its monitors. */
  close(): void {
    if (this.state === ChannelConnection.CLOSED) return;
    const circuit = this.circuit;
    if (circuit && !circuit.isClosed) {
      if (this.connected) circuit.queue(new ClearChannelRequest(this.sid, this.cid));
      circuit.detach(this);
    }
    this.state = ChannelConnection.CLOSED;
    this.circuit = undefined;
    this.owner.forget(this);
    this.owner.failOperations(this, new CaClosedError(`channel '${this.name}' was closed`));
    for (const sub of [...this.monitors.values()]) sub.subscriber.complete();
    this.monitors.clear();
    this.connected$.next(false);
    this.connected$.complete();
    for (const wake of [...this.connectWaiters]) wake();
  }

  /** @internal The server created the channel (first connection or reconnection). */
  onCreated(circuit: ClientCircuit, cmd: CreateChanResponse): void {
    if (this.state === ChannelConnection.CLOSED) return;
    this.circuit = circuit;
    this.sid = cmd.sid;
    this.nativeType = cmd.nativeType;
    this.nativeCount = cmd.nativeCount;
    this.server = circuit.address;
    this.state = ChannelConnection.CONNECTED;
    for (const sub of this.monitors.values()) this.startMonitor(sub);
    this.connected$.next(true);
    for (const wake of [...this.connectWaiters]) wake();
  }

  /** @internal */
  onAccessRights(rights: number): void {
    this.accessRights = rights;
  }

  /** @internal The search found a server; the circuit to it is on its way. */
  onConnecting(circuit: ClientCircuit): void {
    this.state = ChannelConnection.CONNECTING;
    this.circuit = circuit;
  }

  /** @internal The circuit or the server dropped the channel: fail what is pending and search again. */
  onDisconnected(reason: string): void {
    if (this.state === ChannelConnection.CLOSED) return;
    const wasConnected = this.connected;
    this.state = ChannelConnection.SEARCHING;
    this.circuit = undefined;
    this.sid = -1;
    this.server = "";
    for (const sub of this.monitors.values()) sub.dbrType = -1;
    this.owner.failOperations(this, new CaDisconnectedError(this.name, reason));
    if (wasConnected) this.connected$.next(false);
    this.owner.research(this);
  }

  private startMonitor(sub: MonitorSubscription): void {
    const dbrType = sub.options.dbrType ?? dbrTypeFor(this.nativeType as NativeType, DbrForm.TIME);
    sub.dbrType = dbrType;
    this.circuit!.queue(new EventAddRequest(dbrType, sub.options.count, this.sid, sub.id, sub.options.mask));
  }

  private usable(operation: "read" | "write"): ClientCircuit {
    if (this.state === ChannelConnection.CLOSED) throw new CaClosedError(`channel '${this.name}' is closed`);
    if (!this.connected || this.circuit === undefined) throw new CaDisconnectedError(this.name, `channel is ${this.state}`);
    if (!(this.accessRights & (operation === "read" ? AccessRights.READ : AccessRights.WRITE))) {
      throw new AccessDeniedError(this.name, operation);
    }
    return this.circuit;
  }

  private checkCount(count: number): void {
    if (!Number.isInteger(count) || count < 0 || count > this.nativeCount) {
      throw new CaInvalidArgumentError(`count ${count} is outside 0..${this.nativeCount} for '${this.name}'`, count);
    }
  }

  private encode(value: unknown): { dbrType: number; values: DbrValues } {
    const native = this.nativeType as NativeType;
    const textual = typeof value === "string" || (Array.isArray(value) && value.length > 0 && typeof value[0] === "string");
    if (textual && native !== NativeType.CHAR && native !== NativeType.STRING) {
      // The server converts (enum state names, numbers in text) with what it knows of the channel.
      return { dbrType: DbrType.STRING, values: valuesFromInput(value, NativeType.STRING) };
    }
    if (native < 0 || native > 6) throw new CaInvalidArgumentError(`channel '${this.name}' has unusable type ${dbrTypeName(native)}`, native);
    return { dbrType: native, values: valuesFromInput(value, native) };
  }
}
