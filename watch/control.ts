/**
 * Pausing, resuming and aborting a campaign from outside its process. The watch server sends a request on
 * `skyloop.<instrument>.control`; a `ControlListener` next to the RunEngine checks it (shape, version, token)
 * and acts on the engine, then replies. The same listener publishes the engine's state on
 * `skyloop.<instrument>.status`, so a page opened at any time shows whether the campaign runs or waits.
 *
 * ```json
 * {"v": 1, "action": "pause", "reason": "beam dump", "token": "..."}   request
 * {"v": 1, "ok": true, "action": "pause", "state": "paused"}          reply
 * {"v": 1, "state": "running", "time": 1718000000.5, "campaign": "orbit-fb"}  status
 * ```
 */
import { timingSafeEqual, createHash } from "node:crypto";
import type { Observable, Unsubscribable } from "rxjs";
import { WireFormatError } from "../bridge/errors.ts";
import { WIRE_VERSION, encodeJson, parseJson, requireSubjectToken } from "../bridge/wire.ts";
import { InvalidArgumentError } from "../engine/errors.ts";

export const ControlAction = {
  Pause: "pause",
  Resume: "resume",
  Abort: "abort",
} as const;
export type ControlAction = (typeof ControlAction)[keyof typeof ControlAction];
const ACTIONS: readonly string[] = Object.values(ControlAction);

export interface ControlRequest {
  v: typeof WIRE_VERSION;
  action: ControlAction;
  /** Why, for the run's stop document and the log (abort). */
  reason?: string;
  /** Must equal the listener's token; requests without it change nothing. */
  token: string;
}

export interface ControlReply {
  v: typeof WIRE_VERSION;
  ok: boolean;
  /** The action the reply answers; null when the request was too broken to read it. */
  action: ControlAction | null;
  /** The engine's state after acting. */
  state?: string;
  /** Why the request was refused or failed. */
  reason?: string;
}

/** The engine's state, published on every change and at a fixed interval. */
export interface EngineStatus {
  v: typeof WIRE_VERSION;
  /** A RunEngine state: idle, running, pausing, paused, suspending, stopping, aborting, halting. */
  state: string;
  /** Epoch seconds. */
  time: number;
  /** The campaign the engine runs, when it runs one. */
  campaign?: string;
}

/** Longest reason kept, in characters; the rest is cut so a stop document stays small. */
export const MAX_REASON_LENGTH = 500;
export const DEFAULT_CONTROL_TIMEOUT_MS = 3_000;
export const DEFAULT_STATUS_INTERVAL_MS = 2_000;
export const DEFAULT_ABORT_REASON = "aborted from skyloop watch";
/** How long a reply waits for the engine's state to change after acting, ms. */
const STATE_SETTLE_MS = 500;

/** `skyloop.<instrument>.control` */
export function controlSubject(instrument: string): string {
  return `skyloop.${requireSubjectToken(instrument, "instrument")}.control`;
}

/** `skyloop.<instrument>.status` */
export function statusSubject(instrument: string): string {
  return `skyloop.${requireSubjectToken(instrument, "instrument")}.status`;
}

type Json = Record<string, unknown>;

function describe(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return "an object";
  return `${typeof value} ${JSON.stringify(value)}`;
}

function requireObject(value: unknown): Json {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new WireFormatError("message", `expected an object, got ${describe(value)}`);
  }
  return value as Json;
}

function requireVersion(obj: Json): typeof WIRE_VERSION {
  if (obj.v !== WIRE_VERSION) {
    throw new WireFormatError("v", `unsupported protocol version ${JSON.stringify(obj.v) ?? "(missing)"}; this side speaks ${WIRE_VERSION}`);
  }
  return WIRE_VERSION;
}

function requireAction(value: unknown): ControlAction {
  if (typeof value !== "string" || !ACTIONS.includes(value)) {
    throw new WireFormatError("action", `expected one of ${ACTIONS.join(", ")}, got ${describe(value)}`);
  }
  return value as ControlAction;
}

function optionalText(obj: Json, field: string): string | undefined {
  const value = obj[field];
  if (value === undefined) return undefined;
  if (typeof value !== "string") throw new WireFormatError(field, `expected a string, got ${describe(value)}`);
  return value;
}

export function validateControlRequest(value: unknown): ControlRequest {
  const obj = requireObject(value);
  const v = requireVersion(obj);
  const action = requireAction(obj.action);
  if (typeof obj.token !== "string" || obj.token.length === 0) {
    const got = obj.token === undefined ? "nothing" : obj.token === "" ? "an empty string" : describe(obj.token);
    throw new WireFormatError("token", `expected a non-empty string, got ${got}`);
  }
  const request: ControlRequest = { v, action, token: obj.token };
  const reason = optionalText(obj, "reason");
  if (reason !== undefined) request.reason = reason.slice(0, MAX_REASON_LENGTH);
  return request;
}

export function parseControlRequest(data: Uint8Array | string): ControlRequest {
  return validateControlRequest(parseJson(data));
}

export function validateControlReply(value: unknown): ControlReply {
  const obj = requireObject(value);
  const v = requireVersion(obj);
  if (typeof obj.ok !== "boolean") throw new WireFormatError("ok", `expected a boolean, got ${describe(obj.ok)}`);
  const reply: ControlReply = { v, ok: obj.ok, action: obj.action === null ? null : requireAction(obj.action) };
  const state = optionalText(obj, "state");
  if (state !== undefined) reply.state = state;
  const reason = optionalText(obj, "reason");
  if (reason !== undefined) reply.reason = reason;
  if (!reply.ok && reply.reason === undefined) throw new WireFormatError("reason", "a refusal must carry a reason");
  return reply;
}

export function parseControlReply(data: Uint8Array | string): ControlReply {
  return validateControlReply(parseJson(data));
}

export function validateEngineStatus(value: unknown): EngineStatus {
  const obj = requireObject(value);
  const v = requireVersion(obj);
  if (typeof obj.state !== "string" || obj.state.length === 0) {
    throw new WireFormatError("state", `expected a non-empty string, got ${describe(obj.state)}`);
  }
  if (typeof obj.time !== "number" || !Number.isFinite(obj.time)) {
    throw new WireFormatError("time", `expected a finite number, got ${describe(obj.time)}`);
  }
  const status: EngineStatus = { v, state: obj.state, time: obj.time };
  const campaign = optionalText(obj, "campaign");
  if (campaign !== undefined) status.campaign = campaign;
  return status;
}

export function parseEngineStatus(data: Uint8Array | string): EngineStatus {
  return validateEngineStatus(parseJson(data));
}

/** Compares tokens in constant time (through their hashes, so their lengths do not show either). */
export function tokenMatches(expected: string, given: string): boolean {
  const a = createHash("sha256").update(expected).digest();
  const b = createHash("sha256").update(given).digest();
  return timingSafeEqual(a, b);
}

/* ------------------------------------------------------------------ transports */

/** The engine's end of a control channel (NATS request/reply, or in-process). */
export interface ControlServerTransport {
  /** Calls `handler` with each raw request and sends back what it returns. */
  serve(handler: (request: Uint8Array) => Promise<Uint8Array>): Unsubscribable;
  publishStatus(status: Uint8Array): void;
}

/** The watch server's end. */
export interface ControlClientTransport {
  /** Sends a raw request; rejects with `TimeoutError` when nobody answers within `timeoutMs`. */
  request(request: Uint8Array, timeoutMs: number): Promise<Uint8Array>;
  /** Raw status messages as they are published. */
  readonly status$: Observable<Uint8Array>;
}

/* ------------------------------------------------------------------ engine side */

/**
 * What the listener drives: the RunEngine satisfies it, and so does a campaign object that also stops its
 * own loop on abort. `state`/`state$` are optional; with `state$` the listener publishes each change.
 */
export interface ControlTarget {
  requestPause(defer?: boolean): void;
  resume(): void;
  abort(reason?: string): Promise<void> | void;
  readonly state?: string;
  readonly state$?: Observable<string>;
}

export interface ControlListenerOptions {
  target: ControlTarget;
  transport: ControlServerTransport;
  /** Requests must carry exactly this token. */
  token: string;
  /** Named in every status message. */
  campaign?: string;
  /** Status is published again at this interval so late watchers learn it; 0 turns that off. @default DEFAULT_STATUS_INTERVAL_MS */
  statusIntervalMs?: number;
  /** One line per request acted on or refused. @default nothing */
  log?: (line: string) => void;
}

/**
 * Listens for control requests for one engine (or campaign). Requests that do not parse, carry the wrong
 * token, or ask what the engine cannot do now (resume while running) are answered `ok: false` with the
 * reason and change nothing.
 */
export class ControlListener {
  private readonly serving: Unsubscribable;
  private readonly stateSub: Unsubscribable | undefined;
  private readonly timer: ReturnType<typeof setInterval> | undefined;
  private lastState: string | undefined;
  private closed = false;

  constructor(private readonly options: ControlListenerOptions) {
    if (typeof options.token !== "string" || options.token.length === 0) {
      throw new InvalidArgumentError("ControlListener: token must be a non-empty string (without one nobody could control the engine)", options.token);
    }
    const interval = options.statusIntervalMs ?? DEFAULT_STATUS_INTERVAL_MS;
    if (!(interval >= 0)) throw new InvalidArgumentError(`ControlListener: statusIntervalMs must be >= 0, got ${interval}`, interval);
    this.serving = options.transport.serve((data) => this.handle(data));
    this.stateSub = options.target.state$?.subscribe((state) => this.publish(state));
    if (this.stateSub === undefined && options.target.state !== undefined) this.publish(options.target.state);
    if (interval > 0) {
      this.timer = setInterval(() => {
        const state = options.target.state ?? this.lastState;
        if (state !== undefined) this.publish(state);
      }, interval);
      this.timer.unref?.();
    }
  }

  /** Acts on one raw request and returns the raw reply (what the transport sends back). */
  async handle(data: Uint8Array): Promise<Uint8Array> {
    return encodeJson(await this.act(data));
  }

  private async act(data: Uint8Array): Promise<ControlReply> {
    let request: ControlRequest;
    try {
      request = parseControlRequest(data);
    } catch (err) {
      const reason = `malformed control request: ${(err as Error).message}`;
      this.options.log?.(`skyloop control: ${reason}`);
      return { v: WIRE_VERSION, ok: false, action: null, reason };
    }
    const { action } = request;
    if (this.closed) return this.refuse(action, "the control listener is closed");
    if (!tokenMatches(this.options.token, request.token)) return this.refuse(action, "refused: wrong control token");
    const target = this.options.target;
    const before = target.state ?? this.lastState;
    try {
      if (action === ControlAction.Pause) target.requestPause(false);
      else if (action === ControlAction.Resume) target.resume();
      else {
        // Aborting resolves only once the engine is idle; the reply says it was asked, the status says when.
        const done = target.abort(request.reason ?? DEFAULT_ABORT_REASON);
        if (done !== undefined) done.catch((err: unknown) => this.options.log?.(`skyloop control: abort failed: ${(err as Error).message}`));
      }
    } catch (err) {
      return this.refuse(action, (err as Error).message);
    }
    this.options.log?.(`skyloop control: ${action}${request.reason ? ` (${request.reason})` : ""}`);
    const reply: ControlReply = { v: WIRE_VERSION, ok: true, action };
    const state = await this.nextState(before);
    if (state !== undefined) reply.state = state;
    return reply;
  }

  /** The state once it has left `before` (the engine acts between messages), or as it is after a short wait. */
  private nextState(before: string | undefined): Promise<string | undefined> {
    const target = this.options.target;
    const state$ = target.state$;
    if (state$ === undefined || before === undefined) return Promise.resolve(target.state ?? this.lastState);
    return new Promise((resolve) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const sub = state$.subscribe((s) => {
        if (s === before || s === "pausing") return;
        clearTimeout(timer);
        queueMicrotask(() => sub.unsubscribe());
        resolve(s);
      });
      timer = setTimeout(() => {
        sub.unsubscribe();
        resolve(target.state ?? this.lastState);
      }, STATE_SETTLE_MS);
    });
  }

  private refuse(action: ControlAction, reason: string): ControlReply {
    this.options.log?.(`skyloop control: ${action} refused: ${reason}`);
    const reply: ControlReply = { v: WIRE_VERSION, ok: false, action, reason };
    const state = this.options.target.state ?? this.lastState;
    if (state !== undefined) reply.state = state;
    return reply;
  }

  private publish(state: string): void {
    if (this.closed) return;
    this.lastState = state;
    const status: EngineStatus = { v: WIRE_VERSION, state, time: Date.now() / 1000 };
    if (this.options.campaign !== undefined) status.campaign = this.options.campaign;
    this.options.transport.publishStatus(encodeJson(status));
  }

  /** Stops answering and publishing. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.serving.unsubscribe();
    this.stateSub?.unsubscribe();
    if (this.timer !== undefined) clearInterval(this.timer);
  }
}

/* ------------------------------------------------------------------ watch side */

export interface ControlClientOptions {
  transport: ControlClientTransport;
  token: string;
  /** @default DEFAULT_CONTROL_TIMEOUT_MS */
  timeoutMs?: number;
}

/** Sends control requests with the token and checks the replies. */
export class ControlClient {
  constructor(private readonly options: ControlClientOptions) {
    if (typeof options.token !== "string" || options.token.length === 0) {
      throw new InvalidArgumentError("ControlClient: token must be a non-empty string", options.token);
    }
  }

  async send(action: ControlAction, reason?: string): Promise<ControlReply> {
    requireAction(action);
    const request: ControlRequest = { v: WIRE_VERSION, action, token: this.options.token };
    if (reason !== undefined && reason.length > 0) request.reason = reason.slice(0, MAX_REASON_LENGTH);
    const reply = await this.options.transport.request(encodeJson(request), this.options.timeoutMs ?? DEFAULT_CONTROL_TIMEOUT_MS);
    return parseControlReply(reply);
  }
}
