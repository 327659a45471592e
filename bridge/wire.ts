/**
 * The versioned message shapes both wires agree on, and strict parsers for them. A parser either returns a
 * value of exactly its shape or throws `WireFormatError` naming the first field that does not fit; nothing
 * half-parsed ever reaches the engine or an agent.
 *
 * Numbers must be finite: JSON has no NaN or Infinity and `JSON.stringify` writes them as `null`, so a target
 * that was NaN on the sender arrives here as `null` and is refused as such.
 */
import { DOCUMENT_NAMES } from "../engine/documents/types.ts";
import type { AnyDocument, DocumentName, NamedDocument } from "../engine/documents/types.ts";
import { WireFormatError } from "./errors.ts";

export const WIRE_VERSION = 1;

/** Largest suggestion or heartbeat accepted, in bytes of the encoded message. */
export const DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024;

export const MessageType = {
  Suggest: "suggest",
  Heartbeat: "heartbeat",
} as const;
export type MessageType = (typeof MessageType)[keyof typeof MessageType];

/** Device name -> target value for one point. */
export type PointTargets = Record<string, number>;

/** Agent -> engine: where to measure next. `points` is one point or several in order. */
export interface SuggestionRequest {
  v: typeof WIRE_VERSION;
  type?: typeof MessageType.Suggest;
  id: string;
  agent: string;
  /** The run the suggestion answers, when it answers one. */
  run?: string;
  plan: string;
  /** One point or several; an empty list only together with `done` (the agent has nothing left to suggest). */
  points: PointTargets | PointTargets[];
  /** The agent says this is its last suggestion: its goal is met or its budget spent. */
  done?: boolean;
}

/** Engine -> agent. `id` is null only when the request was too broken to read its id. */
export interface SuggestionReply {
  v: typeof WIRE_VERSION;
  id: string | null;
  ok: boolean;
  reason?: string;
}

/** Either side, at a fixed interval, so each can tell when the other has gone silent. */
export interface Heartbeat {
  v: typeof WIRE_VERSION;
  type: typeof MessageType.Heartbeat;
  /** Set by agents; the engine side leaves it out. */
  agent?: string;
  seq: number;
  /** Sender's clock, epoch ms. */
  t: number;
}

/** What an agent sends to the engine side. */
export type AgentMessage = SuggestionRequest | Heartbeat;

/** One decision, published to `skyloop.<instrument>.decisions.<agent>`. */
export interface DecisionRecord {
  v: typeof WIRE_VERSION;
  agent: string;
  /** Start uid of the run whose documents led to the decision, null outside a run. */
  run: string | null;
  /** Epoch seconds when the decision was made. */
  time: number;
  /** A summary of what the agent used (counts, last values, RMS...), never the raw data. */
  inputs: Record<string, unknown>;
  /** The suggested point(s), or null when the agent decided to suggest nothing. */
  suggestion: PointTargets | PointTargets[] | null;
  score?: number;
  reason?: string;
  /** From the document that triggered the decision to the suggestion being ready. */
  latency_us: number;
  /** The uid of the document the decision answers (an event in lock-step, a run's stop per run). */
  answers?: string;
  /** The agent said it was done with this decision. */
  done?: boolean;
}

export interface ParseOptions {
  /** @default DEFAULT_MAX_MESSAGE_BYTES */
  maxBytes?: number;
}

type Json = Record<string, unknown>;

const decoder = new TextDecoder("utf-8", { fatal: true });
const encoder = new TextEncoder();

function byteLength(data: Uint8Array | string): number {
  return typeof data === "string" ? Buffer.byteLength(data, "utf8") : data.byteLength;
}

/** Parses JSON text after the size check; every failure is a `WireFormatError` on the whole message. */
export function parseJson(data: Uint8Array | string, options: ParseOptions = {}): unknown {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  const size = byteLength(data);
  if (size > maxBytes) {
    throw new WireFormatError("", `message of ${size} bytes exceeds the limit of ${maxBytes} bytes`);
  }
  let text: string;
  try {
    text = typeof data === "string" ? data : decoder.decode(data);
  } catch (cause) {
    throw new WireFormatError("", "message is not valid UTF-8", { cause });
  }
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new WireFormatError("", `malformed JSON: ${(cause as Error).message}`, { cause });
  }
}

export function encodeJson(value: unknown): Uint8Array {
  return encoder.encode(JSON.stringify(value));
}

function describe(value: unknown): string {
  if (value === undefined) return "nothing";
  if (Array.isArray(value)) return "an array";
  if (value === null) return "null";
  if (typeof value === "object") return "an object";
  return `${typeof value} ${JSON.stringify(value)}`;
}

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function requireObject(value: unknown, field: string): Json {
  if (!isObject(value)) throw new WireFormatError(field, `expected an object, got ${describe(value)}`);
  return value;
}

function requireString(obj: Json, field: string, path = field): string {
  const value = obj[field];
  if (typeof value !== "string" || value.length === 0) {
    throw new WireFormatError(path, `expected a non-empty string, got ${describe(value)}`);
  }
  return value;
}

function optionalString(obj: Json, field: string): string | undefined {
  return obj[field] === undefined ? undefined : requireString(obj, field);
}

function requireFinite(value: unknown, path: string): number {
  if (typeof value !== "number" || !Number.isFinite(value)) {
    const hint = value === null ? " (NaN and Infinity travel as null in JSON)" : "";
    throw new WireFormatError(path, `expected a finite number, got ${describe(value)}${hint}`);
  }
  return value;
}

function requireVersion(obj: Json): typeof WIRE_VERSION {
  if (obj.v !== WIRE_VERSION) {
    throw new WireFormatError("v", `unsupported protocol version ${JSON.stringify(obj.v) ?? "(missing)"}; this side speaks ${WIRE_VERSION}`);
  }
  return WIRE_VERSION;
}

function parsePointTargets(value: unknown, path: string): PointTargets {
  const obj = requireObject(value, path);
  const names = Object.keys(obj);
  if (names.length === 0) throw new WireFormatError(path, "a point must name at least one device");
  const point: PointTargets = {};
  for (const name of names) point[name] = requireFinite(obj[name], `${path}.${name}`);
  return point;
}

/** `points`: one map of device -> target, or a non-empty array of them. */
export function parsePoints(value: unknown, path = "points"): PointTargets | PointTargets[] {
  if (Array.isArray(value)) {
    if (value.length === 0) throw new WireFormatError(path, "expected at least one point, got an empty array");
    return value.map((p, i) => parsePointTargets(p, `${path}[${i}]`));
  }
  return parsePointTargets(value, path);
}

/** The points of a request as a list, whichever form they were sent in. */
export function pointList(points: PointTargets | PointTargets[]): PointTargets[] {
  return Array.isArray(points) ? points : [points];
}

export function validateSuggestionRequest(value: unknown): SuggestionRequest {
  const obj = requireObject(value, "message");
  const v = requireVersion(obj);
  if (obj.type !== undefined && obj.type !== MessageType.Suggest) {
    throw new WireFormatError("type", `expected "${MessageType.Suggest}", got ${describe(obj.type)}`);
  }
  if (obj.done !== undefined && typeof obj.done !== "boolean") throw new WireFormatError("done", `expected a boolean, got ${describe(obj.done)}`);
  const done = obj.done === true;
  const request: SuggestionRequest = {
    v,
    id: requireString(obj, "id"),
    agent: requireString(obj, "agent"),
    plan: requireString(obj, "plan"),
    points: done && Array.isArray(obj.points) && obj.points.length === 0 ? [] : parsePoints(obj.points),
  };
  const run = optionalString(obj, "run");
  if (run !== undefined) request.run = run;
  if (done) request.done = true;
  return request;
}

export function validateHeartbeat(value: unknown): Heartbeat {
  const obj = requireObject(value, "message");
  const v = requireVersion(obj);
  if (obj.type !== MessageType.Heartbeat) {
    throw new WireFormatError("type", `expected "${MessageType.Heartbeat}", got ${describe(obj.type)}`);
  }
  const hb: Heartbeat = { v, type: MessageType.Heartbeat, seq: requireFinite(obj.seq, "seq"), t: requireFinite(obj.t, "t") };
  const agent = optionalString(obj, "agent");
  if (agent !== undefined) hb.agent = agent;
  return hb;
}

export function parseSuggestionRequest(data: Uint8Array | string, options?: ParseOptions): SuggestionRequest {
  return validateSuggestionRequest(parseJson(data, options));
}

/** An agent's message: a heartbeat when `type` says so, otherwise a suggestion request. */
export function parseAgentMessage(data: Uint8Array | string, options?: ParseOptions): AgentMessage {
  const value = parseJson(data, options);
  if (isObject(value) && value.type === MessageType.Heartbeat) return validateHeartbeat(value);
  return validateSuggestionRequest(value);
}

export function validateSuggestionReply(value: unknown): SuggestionReply {
  const obj = requireObject(value, "message");
  const v = requireVersion(obj);
  if (obj.id !== null && (typeof obj.id !== "string" || obj.id.length === 0)) {
    throw new WireFormatError("id", `expected a non-empty string or null, got ${describe(obj.id)}`);
  }
  if (typeof obj.ok !== "boolean") throw new WireFormatError("ok", `expected a boolean, got ${describe(obj.ok)}`);
  const reply: SuggestionReply = { v, id: obj.id as string | null, ok: obj.ok };
  const reason = optionalString(obj, "reason");
  if (reason !== undefined) reply.reason = reason;
  if (!reply.ok && reply.reason === undefined) throw new WireFormatError("reason", "a rejection must carry a reason");
  return reply;
}

/** What the engine side sends: a heartbeat when `type` says so, otherwise a reply. */
export function parseServerMessage(data: Uint8Array | string, options?: ParseOptions): SuggestionReply | Heartbeat {
  const value = parseJson(data, options);
  if (isObject(value) && value.type === MessageType.Heartbeat) return validateHeartbeat(value);
  return validateSuggestionReply(value);
}

export function validateDecisionRecord(value: unknown): DecisionRecord {
  const obj = requireObject(value, "message");
  const v = requireVersion(obj);
  if (obj.run !== null && (typeof obj.run !== "string" || obj.run.length === 0)) {
    throw new WireFormatError("run", `expected a run uid or null, got ${describe(obj.run)}`);
  }
  const record: DecisionRecord = {
    v,
    agent: requireString(obj, "agent"),
    run: obj.run as string | null,
    time: requireFinite(obj.time, "time"),
    inputs: requireObject(obj.inputs, "inputs"),
    suggestion: obj.suggestion === null ? null : parsePoints(obj.suggestion, "suggestion"),
    latency_us: requireFinite(obj.latency_us, "latency_us"),
  };
  if (record.latency_us < 0) throw new WireFormatError("latency_us", `expected a duration >= 0, got ${record.latency_us}`);
  if (obj.score !== undefined) record.score = requireFinite(obj.score, "score");
  const reason = optionalString(obj, "reason");
  if (reason !== undefined) record.reason = reason;
  const answers = optionalString(obj, "answers");
  if (answers !== undefined) record.answers = answers;
  if (obj.done !== undefined) {
    if (typeof obj.done !== "boolean") throw new WireFormatError("done", `expected a boolean, got ${describe(obj.done)}`);
    record.done = obj.done;
  }
  if (record.score === undefined && record.reason === undefined) {
    throw new WireFormatError("score", "a decision carries a score or a reason, got neither");
  }
  return record;
}

export function parseDecisionRecord(data: Uint8Array | string, options?: ParseOptions): DecisionRecord {
  return validateDecisionRecord(parseJson(data, options));
}

/** Subject tokens may not hold separators, wildcards or whitespace. */
const TOKEN = /^[A-Za-z0-9_-]+$/;

export function requireSubjectToken(value: string, what: string): string {
  if (!TOKEN.test(value)) {
    throw new WireFormatError(what, `${JSON.stringify(value)} may only hold letters, digits, '_' and '-'`);
  }
  return value;
}

/** `skyloop.<instrument>.docs` */
export function documentSubject(instrument: string): string {
  return `skyloop.${requireSubjectToken(instrument, "instrument")}.docs`;
}

/** `skyloop.<instrument>.decisions.<agent>` */
export function decisionSubject(instrument: string, agent: string): string {
  return `skyloop.${requireSubjectToken(instrument, "instrument")}.decisions.${requireSubjectToken(agent, "agent")}`;
}

/**
 * The `Nats-Msg-Id` of a document: its uid, so JetStream drops a re-sent copy. Pages take their first member's
 * id with a suffix, which keeps them apart from that member sent alone.
 */
export function documentMsgId(name: DocumentName, doc: AnyDocument): string {
  const d = doc as unknown as Json;
  switch (name) {
    case "event_page":
    case "datum_page": {
      const ids = (name === "event_page" ? d.uid : d.datum_id) as unknown;
      if (Array.isArray(ids) && typeof ids[0] === "string") return `${ids[0]}-page`;
      break;
    }
    case "datum":
      if (typeof d.datum_id === "string") return d.datum_id;
      break;
    default:
      if (typeof d.uid === "string") return d.uid;
  }
  throw new WireFormatError(name === "datum" ? "datum_id" : "uid", `${name} document has no id to de-duplicate it by`);
}

/** `[name, doc]` as it travels on the document stream. */
export function encodeDocument(name: DocumentName, doc: AnyDocument): Uint8Array {
  return encoder.encode(JSON.stringify([name, doc]));
}

/** The shape of a `[name, doc]` pair; the document's own schema is checked by `documentProblems`. */
export function parseDocumentPair(data: Uint8Array | string, options?: ParseOptions): NamedDocument {
  const value = parseJson(data, { maxBytes: options?.maxBytes ?? Number.POSITIVE_INFINITY });
  if (!Array.isArray(value) || value.length !== 2) {
    throw new WireFormatError("", `expected a [name, doc] pair, got ${describe(value)}${Array.isArray(value) ? ` of length ${value.length}` : ""}`);
  }
  const [name, doc] = value as [unknown, unknown];
  if (typeof name !== "string" || !(DOCUMENT_NAMES as readonly string[]).includes(name)) {
    throw new WireFormatError("[0]", `${describe(name)} is not a document name (expected one of ${DOCUMENT_NAMES.join(", ")})`);
  }
  requireObject(doc, "[1]");
  return [name, doc] as NamedDocument;
}
