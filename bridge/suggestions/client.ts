/**
 * The agent side of the suggestion wire: a ZeroMQ DEALER that sends suggestions and heartbeats and matches
 * each reply to its request by id. A request with no reply within `timeoutMs` fails with `TimeoutError`; that
 * is also what an agent refused by CurveZMQ sees, since a refused handshake never carries a message.
 */
import { randomUUID } from "node:crypto";
import { Subject } from "rxjs";
import type { Observable } from "rxjs";
import { Dealer, context as defaultContext } from "zeromq";
import type { Context } from "zeromq";
import { InvalidArgumentError, TimeoutError } from "../../engine/errors.ts";
import { ClosedError, SuggestionRejectedError } from "../errors.ts";
import { DEFAULT_MAX_MESSAGE_BYTES, MessageType, WIRE_VERSION, encodeJson, parseServerMessage, requireSubjectToken } from "../wire.ts";
import type { PointTargets, SuggestionReply, SuggestionRequest } from "../wire.ts";
import { generateCurveKeyPair, loadCurveKeyPair, loadPublicKey } from "./curve.ts";
import type { CurveKeyPair } from "./curve.ts";
import { DEFAULT_HEARTBEAT_INTERVAL_MS, DEFAULT_SUGGESTION_ENDPOINT } from "./server.ts";

export const DEFAULT_REPLY_TIMEOUT_MS = 5_000;
export const DEFAULT_SERVER_TIMEOUT_MS = 3_000;

export interface CurveClientOptions {
  /** The engine side's public key, or a certificate file holding it. */
  serverPublicKey?: string;
  serverPublicKeyFile?: string;
  /** This agent's key pair, or a secret certificate file; absent: a fresh pair (encryption without identity). */
  keyPair?: CurveKeyPair;
  keyPairFile?: string;
}

export interface SuggestionClientOptions {
  /** The agent's name as the engine sees it (letters, digits, '_' and '-'). */
  agent: string;
  /** @default DEFAULT_SUGGESTION_ENDPOINT */
  endpoint?: string;
  curve?: CurveClientOptions;
  /** @default DEFAULT_REPLY_TIMEOUT_MS */
  timeoutMs?: number;
  /** @default DEFAULT_HEARTBEAT_INTERVAL_MS */
  heartbeatIntervalMs?: number;
  /** Silence from the engine side after which `server$` reports it silent. @default DEFAULT_SERVER_TIMEOUT_MS */
  serverTimeoutMs?: number;
  /** Largest reply accepted. @default DEFAULT_MAX_MESSAGE_BYTES */
  maxMessageBytes?: number;
  /** @default zeromq's default context */
  context?: Context;
}

export interface SuggestionInput {
  plan: string;
  points: PointTargets | PointTargets[];
  run?: string;
  /** @default a fresh unique id */
  id?: string;
  /** This is the agent's last suggestion (`points` may then be an empty list). */
  done?: boolean;
}

export interface ServerStatusEvent {
  readonly state: "alive" | "silent";
  /** Epoch ms of the last message from the engine side (0 when never). */
  readonly lastSeen: number;
}

interface Pending {
  resolve(reply: SuggestionReply): void;
  reject(err: unknown): void;
  timer: NodeJS.Timeout;
}

function resolveCurve(curve: CurveClientOptions): { serverKey: string; pair: CurveKeyPair | undefined } {
  if ((curve.serverPublicKey === undefined) === (curve.serverPublicKeyFile === undefined)) {
    throw new InvalidArgumentError("curve: give exactly one of serverPublicKey and serverPublicKeyFile", curve);
  }
  if (curve.keyPair !== undefined && curve.keyPairFile !== undefined) {
    throw new InvalidArgumentError("curve: give keyPair or keyPairFile, not both", curve.keyPairFile);
  }
  return {
    serverKey: curve.serverPublicKey ?? loadPublicKey(curve.serverPublicKeyFile!),
    pair: curve.keyPair ?? (curve.keyPairFile !== undefined ? loadCurveKeyPair(curve.keyPairFile) : undefined),
  };
}

export class SuggestionClient {
  readonly agent: string;
  readonly endpoint: string;
  private readonly socket: Dealer;
  private readonly pending = new Map<string, Pending>();
  private readonly serverEvents = new Subject<ServerStatusEvent>();
  private sending: Promise<unknown> = Promise.resolve();
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private heartbeatSeq = 0;
  private serverLastSeen = 0;
  private serverSilent = true;
  private closed = false;
  private counter = 0;
  private readonly idPrefix = randomUUID().slice(0, 8);

  private constructor(private readonly options: SuggestionClientOptions) {
    this.agent = requireSubjectToken(options.agent, "agent");
    this.endpoint = options.endpoint ?? DEFAULT_SUGGESTION_ENDPOINT;
    const curve = options.curve !== undefined ? resolveCurve(options.curve) : undefined;
    // With only the server's key, libzmq still needs a client pair: a throwaway one gives encryption only.
    const pair = curve !== undefined ? (curve.pair ?? generateCurveKeyPair()) : undefined;
    this.socket = new Dealer({
      context: options.context ?? defaultContext,
      linger: 0,
      maxMessageSize: Math.max((options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES) * 16, 1024 * 1024),
      ...(curve !== undefined ? { curveServerKey: curve.serverKey } : {}),
      ...(pair !== undefined ? { curvePublicKey: pair.publicKey, curveSecretKey: pair.secretKey } : {}),
    });
  }

  /** Connects (ZeroMQ connects in the background; requests wait in the socket until the link is up). */
  static async connect(options: SuggestionClientOptions): Promise<SuggestionClient> {
    const client = new SuggestionClient(options);
    client.socket.connect(client.endpoint);
    client.start();
    return client;
  }

  /** Engine-side liveness as seen from here. */
  get server$(): Observable<ServerStatusEvent> {
    return this.serverEvents.asObservable();
  }

  /** Sends a suggestion and resolves with the engine side's reply, ok or not. */
  suggest(input: SuggestionInput): Promise<SuggestionReply> {
    const request: SuggestionRequest = {
      v: WIRE_VERSION,
      id: input.id ?? `${this.agent}-${this.idPrefix}-${++this.counter}`,
      agent: this.agent,
      plan: input.plan,
      points: input.points,
    };
    if (input.run !== undefined) request.run = input.run;
    if (input.done === true) request.done = true;
    return this.request(request.id, encodeJson(request));
  }

  /** As `suggest`, but a refusal fails with `SuggestionRejectedError` carrying the reason. */
  async submit(input: SuggestionInput): Promise<SuggestionReply> {
    const reply = await this.suggest(input);
    if (!reply.ok) throw new SuggestionRejectedError(reply.id ?? input.id ?? "?", reply.reason ?? "no reason given");
    return reply;
  }

  /**
   * Sends bytes as they are (for tools and tests of the engine side's checks) and waits for the reply with id
   * `id`, or for a reply with no id (to a message too broken to read one from).
   */
  sendRaw(payload: Uint8Array | string, id = `raw-${this.idPrefix}-${++this.counter}`): Promise<SuggestionReply> {
    return this.request(id, typeof payload === "string" ? Buffer.from(payload) : payload);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.heartbeatTimer !== undefined) clearInterval(this.heartbeatTimer);
    for (const [, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(new ClosedError(`suggestion client '${this.agent}'`));
    }
    this.pending.clear();
    await this.sending.catch(() => undefined);
    this.socket.close();
    this.serverEvents.complete();
  }

  private request(id: string, payload: Uint8Array): Promise<SuggestionReply> {
    if (this.closed) return Promise.reject(new ClosedError(`suggestion client '${this.agent}'`));
    if (this.pending.has(id)) return Promise.reject(new InvalidArgumentError(`a request with id ${JSON.stringify(id)} is already waiting for its reply`, id));
    const timeoutMs = this.options.timeoutMs ?? DEFAULT_REPLY_TIMEOUT_MS;
    return new Promise<SuggestionReply>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new TimeoutError(`reply to suggestion '${id}' from ${this.endpoint}`, timeoutMs));
      }, timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      this.send(payload);
    });
  }

  private send(payload: Uint8Array): void {
    this.sending = this.sending.then(() => (this.closed ? undefined : this.socket.send(payload))).catch(() => undefined);
  }

  private start(): void {
    void this.receive();
    const interval = this.options.heartbeatIntervalMs ?? DEFAULT_HEARTBEAT_INTERVAL_MS;
    this.heartbeatTimer = setInterval(() => this.beat(), interval);
    this.heartbeatTimer.unref();
    this.beat();
  }

  private beat(): void {
    const now = Date.now();
    this.send(encodeJson({ v: WIRE_VERSION, type: MessageType.Heartbeat, agent: this.agent, seq: ++this.heartbeatSeq, t: now }));
    const limit = this.options.serverTimeoutMs ?? DEFAULT_SERVER_TIMEOUT_MS;
    if (!this.serverSilent && now - this.serverLastSeen > limit) {
      this.serverSilent = true;
      this.serverEvents.next({ state: "silent", lastSeen: this.serverLastSeen });
    }
  }

  private async receive(): Promise<void> {
    try {
      for await (const [payload] of this.socket) {
        if (payload === undefined) continue;
        this.handle(payload);
      }
    } catch {
      // Closed: every pending request has been failed already.
    }
  }

  private handle(payload: Buffer): void {
    let message;
    try {
      message = parseServerMessage(payload, { maxBytes: this.options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES });
    } catch {
      return;
    }
    this.serverLastSeen = Date.now();
    if (this.serverSilent) {
      this.serverSilent = false;
      this.serverEvents.next({ state: "alive", lastSeen: this.serverLastSeen });
    }
    if ("type" in message && message.type === MessageType.Heartbeat) return;
    const reply = message as SuggestionReply;
    // A reply without an id answers a request too broken to read: the oldest one still waiting.
    const id = reply.id ?? this.pending.keys().next().value;
    if (id === undefined) return;
    const p = this.pending.get(id);
    if (p === undefined) return;
    this.pending.delete(id);
    clearTimeout(p.timer);
    p.resolve(reply);
  }
}
