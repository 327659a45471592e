/**
 * The engine side of the suggestion wire: a ZeroMQ ROUTER that reads agents' requests, runs each through the
 * validation pipeline (size, JSON, version, shape, then the injected policy: allowed plan, known devices,
 * finite numbers, types, limits) and only then hands it to the engine. A refused request is answered with its
 * reason and goes no further. Agents and server exchange heartbeats; an agent silent for longer than
 * `agentTimeoutMs` is reported on `agents$`.
 */
import { randomUUID } from "node:crypto";
import { Subject } from "rxjs";
import type { Observable } from "rxjs";
import { Router, context as defaultContext } from "zeromq";
import type { Context } from "zeromq";
import { InvalidArgumentError } from "../../engine/errors.ts";
import { ClosedError, WireFormatError } from "../errors.ts";
import {
  DEFAULT_MAX_MESSAGE_BYTES,
  MessageType,
  WIRE_VERSION,
  encodeJson,
  parseAgentMessage,
  pointList,
} from "../wire.ts";
import type { PointTargets, SuggestionReply, SuggestionRequest } from "../wire.ts";
import { ZapHandler, loadAllowedKeys, loadCurveKeyPair } from "./curve.ts";
import type { CurveKeyPair, ZapDecision } from "./curve.ts";
import { isSuggestionValidator, policyValidator } from "./policy.ts";
import type { SuggestionPolicy, SuggestionValidator } from "./policy.ts";
import { AsyncQueue } from "./queue.ts";

export const DEFAULT_SUGGESTION_ENDPOINT = "inproc://skyloop-suggestions";
export const DEFAULT_HEARTBEAT_INTERVAL_MS = 1_000;
export const DEFAULT_AGENT_TIMEOUT_MS = 3_000;
export const DEFAULT_ACCEPT_TIMEOUT_MS = 5_000;
export const DEFAULT_MAX_QUEUED = 1_000;

export const AcknowledgeMode = {
  /** Reply ok as soon as the request passed validation. */
  Validated: "validated",
  /** Reply only when the engine calls `accept()` or `reject(reason)` on the delivered suggestion. */
  Accepted: "accepted",
} as const;
export type AcknowledgeMode = (typeof AcknowledgeMode)[keyof typeof AcknowledgeMode];

export interface CurveServerOptions {
  /** The server's key pair, or a secret certificate file holding it. */
  keyPair?: CurveKeyPair;
  keyPairFile?: string;
  /** Public keys of the agents allowed in; absent: any agent that knows the server's public key. */
  allowedClients?: readonly string[];
  /** A directory of `*.key` certificates or a file of keys, read at bind. */
  allowedClientsFile?: string;
}

export interface SuggestionServerOptions {
  /** Where to bind: `tcp://host:port` (port 0 or `*` picks one) or `inproc://name`. @default DEFAULT_SUGGESTION_ENDPOINT */
  endpoint?: string;
  /** What may be suggested: a policy (checked by `policyValidator`) or any validator. */
  policy: SuggestionPolicy | SuggestionValidator;
  /** @default DEFAULT_MAX_MESSAGE_BYTES */
  maxMessageBytes?: number;
  curve?: CurveServerOptions;
  /** @default DEFAULT_HEARTBEAT_INTERVAL_MS */
  heartbeatIntervalMs?: number;
  /** @default DEFAULT_AGENT_TIMEOUT_MS */
  agentTimeoutMs?: number;
  /** @default AcknowledgeMode.Validated */
  acknowledge?: AcknowledgeMode;
  /** In "accepted" mode, how long the engine has to decide before the agent is told no. @default DEFAULT_ACCEPT_TIMEOUT_MS */
  acceptTimeoutMs?: number;
  /** Suggestions waiting for the engine before new ones are refused. @default DEFAULT_MAX_QUEUED */
  maxQueued?: number;
  /**
   * Also hand the engine each well-formed request from these agents that the policy refused, marked `refused`
   * with the reason, so a lock-step loop waiting for that agent's answer measures again instead of waiting in
   * vain. Other agents' refusals and unreadable messages are never handed on. @default [] (none)
   */
  reportRefusalsFrom?: readonly string[];
  /** @default zeromq's default context (needed for inproc with other sockets of the process) */
  context?: Context;
}

/** A suggestion that passed validation, as the engine receives it. */
export interface Suggestion {
  readonly request: SuggestionRequest;
  readonly agent: string;
  readonly points: readonly PointTargets[];
  /** Epoch ms when it arrived. */
  readonly receivedAt: number;
  /** With `reportRefusalsFrom`: the policy refused it for this reason (the agent was told); nothing is to move. */
  readonly refused?: string;
  /**
   * In "accepted" mode, tells the agent ok. Returns false when the agent was already told no (the engine took
   * too long): the engine must then not act on it. Always true in "validated" mode.
   */
  accept(): boolean;
  /** In "accepted" mode, tells the agent no with `reason`; otherwise does nothing. */
  reject(reason: string): void;
}

export interface Rejection {
  readonly agent: string | undefined;
  readonly id: string | null;
  readonly reason: string;
}

export const AgentState = {
  /** First heard of, or heard from again after being silent. */
  Alive: "alive",
  Silent: "silent",
  /** A CURVE handshake was refused by the ZAP handler. */
  Refused: "refused",
} as const;
export type AgentState = (typeof AgentState)[keyof typeof AgentState];

export interface AgentStatusEvent {
  readonly agent: string;
  readonly state: AgentState;
  /** Epoch ms of the last message heard (0 when never). */
  readonly lastSeen: number;
  readonly detail?: string;
}

interface AgentRecord {
  name: string;
  routingId: Buffer;
  lastSeen: number;
  silent: boolean;
}

const ID_HEAD = /"id"\s*:\s*"([^"\\]{1,200})"/;

/** The id of a request too broken to parse, when it can still be read off the front of the message. */
function recoverId(payload: Buffer): string | null {
  return ID_HEAD.exec(payload.subarray(0, 512).toString("latin1"))?.[1] ?? null;
}

export class SuggestionServer implements AsyncIterable<Suggestion> {
  private readonly socket: Router;
  private readonly validator: SuggestionValidator;
  private readonly queue = new AsyncQueue<Suggestion>("suggestions");
  private readonly accepted = new Subject<Suggestion>();
  private readonly rejected = new Subject<Rejection>();
  private readonly agentEvents = new Subject<AgentStatusEvent>();
  private readonly agents = new Map<string, AgentRecord>();
  private readonly maxBytes: number;
  private sending: Promise<unknown> = Promise.resolve();
  private heartbeatTimer: NodeJS.Timeout | undefined;
  /** "accepted" mode: the timers that answer no for the engine; cleared on close so none outlives the server. */
  private readonly acceptTimers = new Set<NodeJS.Timeout>();
  private heartbeatSeq = 0;
  private closed = false;
  private zap: { handler: ZapHandler; domain: string } | undefined;
  private boundEndpoint = "";

  private constructor(private readonly options: SuggestionServerOptions, curve: CurveKeyPair | undefined, zapDomain: string | undefined) {
    this.validator = isSuggestionValidator(options.policy) ? options.policy : policyValidator(options.policy);
    this.maxBytes = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
    this.socket = new Router({
      context: options.context ?? defaultContext,
      linger: 0,
      // Larger messages are cut off by libzmq before they take memory; those in between get a reason.
      maxMessageSize: Math.max(this.maxBytes * 16, 1024 * 1024),
      ...(curve !== undefined
        ? { curveServer: true, curvePublicKey: curve.publicKey, curveSecretKey: curve.secretKey, zapDomain: zapDomain! }
        : {}),
    });
  }

  /** Binds and starts serving. */
  static async bind(options: SuggestionServerOptions): Promise<SuggestionServer> {
    const curveOpts = options.curve;
    let pair: CurveKeyPair | undefined;
    let allowed: string[] | undefined;
    if (curveOpts !== undefined) {
      if ((curveOpts.keyPair === undefined) === (curveOpts.keyPairFile === undefined)) {
        throw new InvalidArgumentError("curve: give exactly one of keyPair and keyPairFile", curveOpts);
      }
      pair = curveOpts.keyPair ?? loadCurveKeyPair(curveOpts.keyPairFile!);
      if (curveOpts.allowedClients !== undefined || curveOpts.allowedClientsFile !== undefined) {
        allowed = [...(curveOpts.allowedClients ?? []), ...(curveOpts.allowedClientsFile !== undefined ? loadAllowedKeys(curveOpts.allowedClientsFile) : [])];
      }
    }
    const domain = pair !== undefined ? `skyloop-${randomUUID()}` : undefined;
    const server = new SuggestionServer(options, pair, domain);
    if (domain !== undefined) {
      const handler = await ZapHandler.for(options.context ?? defaultContext);
      handler.register(domain, allowed, (d) => server.onZapDecision(d));
      server.zap = { handler, domain };
    }
    const endpoint = options.endpoint ?? DEFAULT_SUGGESTION_ENDPOINT;
    try {
      await server.socket.bind(endpoint);
    } catch (cause) {
      server.zap?.handler.unregister(server.zap.domain);
      server.socket.close();
      throw new InvalidArgumentError(`cannot bind the suggestion server to ${endpoint}: ${(cause as Error).message}`, endpoint, { cause });
    }
    server.boundEndpoint = server.socket.lastEndpoint ?? endpoint;
    server.start();
    return server;
  }

  /** The endpoint agents connect to (with the port filled in when it was 0 or `*`). */
  get endpoint(): string {
    return this.boundEndpoint;
  }

  /** Every suggestion that passed validation (also delivered through `take` / `for await`). */
  get suggestions$(): Observable<Suggestion> {
    return this.accepted.asObservable();
  }

  /** Every request refused, with its reason. */
  get rejections$(): Observable<Rejection> {
    return this.rejected.asObservable();
  }

  get agents$(): Observable<AgentStatusEvent> {
    return this.agentEvents.asObservable();
  }

  /** Suggestions waiting to be taken. */
  get queued(): number {
    return this.queue.size;
  }

  /** The next suggestion, waiting up to `timeoutMs` (forever when undefined); fails with `TimeoutError`. */
  take(timeoutMs?: number): Promise<Suggestion> {
    return this.queue.take(timeoutMs);
  }

  [Symbol.asyncIterator](): AsyncIterator<Suggestion> {
    return this.queue[Symbol.asyncIterator]();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.heartbeatTimer !== undefined) clearInterval(this.heartbeatTimer);
    for (const t of this.acceptTimers) clearTimeout(t);
    this.acceptTimers.clear();
    this.zap?.handler.unregister(this.zap.domain);
    await this.sending.catch(() => undefined);
    this.socket.close();
    this.queue.close();
    for (const s of [this.accepted, this.rejected, this.agentEvents]) s.complete();
  }

  private start(): void {
    void this.receive();
    const interval = this.options.heartbeatIntervalMs ?? DEFAULT_HEARTBEAT_INTERVAL_MS;
    this.heartbeatTimer = setInterval(() => this.beat(), interval);
    this.heartbeatTimer.unref();
  }

  private async receive(): Promise<void> {
    try {
      for await (const [routingId, payload] of this.socket) {
        if (routingId === undefined || payload === undefined) continue;
        this.handle(routingId, payload);
      }
    } catch (err) {
      if (!this.closed) this.rejected.next({ agent: undefined, id: null, reason: `receive failed: ${(err as Error).message}` });
    }
  }

  private handle(routingId: Buffer, payload: Buffer): void {
    let message;
    try {
      message = parseAgentMessage(payload, { maxBytes: this.maxBytes });
    } catch (err) {
      const reason = err instanceof WireFormatError ? err.message : `unreadable message: ${(err as Error).message}`;
      this.refuse(routingId, undefined, recoverId(payload), reason);
      return;
    }
    if (message.agent !== undefined) this.heard(message.agent, routingId);
    if (message.type === MessageType.Heartbeat) return;
    const request = message as SuggestionRequest;
    const reason = this.validator.check(request);
    if (reason !== undefined) {
      this.refuse(routingId, request.agent, request.id, reason);
      if (this.options.reportRefusalsFrom?.includes(request.agent) === true) this.handOnRefusal(request, reason);
      return;
    }
    const maxQueued = this.options.maxQueued ?? DEFAULT_MAX_QUEUED;
    if (this.queue.size >= maxQueued) {
      this.refuse(routingId, request.agent, request.id, `the engine has ${this.queue.size} suggestions waiting already (limit ${maxQueued}); try again later`);
      return;
    }
    this.deliver(routingId, request);
  }

  private deliver(routingId: Buffer, request: SuggestionRequest): void {
    const waitForEngine = this.options.acknowledge === AcknowledgeMode.Accepted;
    let answered = false;
    let refused = false;
    let timer: NodeJS.Timeout | undefined;
    const answer = (ok: boolean, reason?: string): boolean => {
      if (!waitForEngine) return true;
      if (answered) return !refused;
      answered = true;
      refused = !ok;
      if (timer !== undefined) {
        clearTimeout(timer);
        this.acceptTimers.delete(timer);
      }
      if (ok) this.reply(routingId, { v: WIRE_VERSION, id: request.id, ok: true });
      else this.refuse(routingId, request.agent, request.id, reason ?? "refused by the engine");
      return ok;
    };
    const suggestion: Suggestion = {
      request,
      agent: request.agent,
      points: pointList(request.points),
      receivedAt: Date.now(),
      accept: () => answer(true),
      reject: (reason) => void answer(false, reason),
    };
    if (waitForEngine) {
      const limit = this.options.acceptTimeoutMs ?? DEFAULT_ACCEPT_TIMEOUT_MS;
      timer = setTimeout(() => {
        // The agent is told no, so the suggestion must not be taken and acted on afterwards.
        this.queue.remove(suggestion);
        answer(false, `the engine did not take the suggestion within ${limit} ms`);
      }, limit);
      this.acceptTimers.add(timer);
    } else {
      this.reply(routingId, { v: WIRE_VERSION, id: request.id, ok: true });
    }
    this.queue.push(suggestion);
    this.accepted.next(suggestion);
  }

  private handOnRefusal(request: SuggestionRequest, reason: string): void {
    const refusal: Suggestion = {
      request,
      agent: request.agent,
      points: [],
      receivedAt: Date.now(),
      refused: reason,
      accept: () => false,
      reject: () => undefined,
    };
    this.queue.push(refusal);
  }

  private refuse(routingId: Buffer, agent: string | undefined, id: string | null, reason: string): void {
    this.reply(routingId, { v: WIRE_VERSION, id, ok: false, reason });
    this.rejected.next({ agent, id, reason });
  }

  private reply(routingId: Buffer, reply: SuggestionReply): void {
    this.send(routingId, encodeJson(reply));
  }

  // One send at a time is all a zeromq socket allows.
  private send(routingId: Buffer, payload: Uint8Array): void {
    if (this.closed) return;
    this.sending = this.sending.then(() => (this.closed ? undefined : this.socket.send([routingId, payload]))).catch(() => undefined);
  }

  private heard(agent: string, routingId: Buffer): void {
    const now = Date.now();
    let record = this.agents.get(agent);
    const fresh = record === undefined;
    if (record === undefined) {
      record = { name: agent, routingId, lastSeen: now, silent: false };
      this.agents.set(agent, record);
    }
    const wasSilent = record.silent;
    record.routingId = routingId;
    record.lastSeen = now;
    record.silent = false;
    if (fresh || wasSilent) this.agentEvents.next({ agent, state: AgentState.Alive, lastSeen: now });
  }

  private beat(): void {
    const now = Date.now();
    const timeout = this.options.agentTimeoutMs ?? DEFAULT_AGENT_TIMEOUT_MS;
    const hb = encodeJson({ v: WIRE_VERSION, type: MessageType.Heartbeat, seq: ++this.heartbeatSeq, t: now });
    for (const record of this.agents.values()) {
      if (!record.silent && now - record.lastSeen > timeout) {
        record.silent = true;
        this.agentEvents.next({
          agent: record.name,
          state: AgentState.Silent,
          lastSeen: record.lastSeen,
          detail: `no message for ${now - record.lastSeen} ms (limit ${timeout} ms)`,
        });
      }
      if (!record.silent) this.send(record.routingId, hb);
    }
  }

  private onZapDecision(d: ZapDecision): void {
    if (d.allowed) return;
    this.agentEvents.next({
      agent: d.publicKey || "(no key)",
      state: AgentState.Refused,
      lastSeen: 0,
      detail: `CURVE handshake from ${d.address || "an unknown address"} refused: client key ${d.publicKey || "(none)"} is not allowed`,
    });
  }
}
