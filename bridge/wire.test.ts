import { describe, expect, it } from "vitest";
import { sampleRun } from "../engine/documents/sample-run.ts";
import { packDatumPage, composeDatum, composeResource } from "../engine/documents/compose.ts";
import { WireFormatError } from "./errors.ts";
import {
  WIRE_VERSION,
  decisionSubject,
  documentMsgId,
  documentSubject,
  encodeDocument,
  encodeJson,
  parseAgentMessage,
  parseDecisionRecord,
  parseDocumentPair,
  parseServerMessage,
  parseSuggestionRequest,
} from "./wire.ts";

function fails(fn: () => unknown, message: string | RegExp, field?: string): void {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(WireFormatError);
  if (typeof message === "string") expect((caught as Error).message).toBe(message);
  else expect((caught as Error).message).toMatch(message);
  if (field !== undefined) expect((caught as WireFormatError).field).toBe(field);
}

const request = { v: 1, id: "r1", agent: "bo", plan: "grid_scan", points: { x: 1 } };

describe("suggestion requests", () => {
  it("parses one point or several, with or without a run", () => {
    expect(parseSuggestionRequest(JSON.stringify(request))).toEqual(request);
    const several = { ...request, run: "u1", points: [{ x: 1 }, { x: 2, y: -0.5 }] };
    expect(parseSuggestionRequest(encodeJson(several))).toEqual(several);
  });

  it("names the field that does not fit", () => {
    // The rest of the message is the JavaScript engine's own wording, which differs between Node versions.
    fails(() => parseSuggestionRequest("{"), /^malformed JSON: Expected property name or '}' in JSON at position 1/, "");
    fails(() => parseSuggestionRequest("[1]"), "message: expected an object, got an array", "message");
    fails(() => parseSuggestionRequest(JSON.stringify({ ...request, v: "1" })), 'v: unsupported protocol version "1"; this side speaks 1', "v");
    fails(() => parseSuggestionRequest(JSON.stringify({ ...request, v: undefined })), "v: unsupported protocol version (missing); this side speaks 1", "v");
    fails(() => parseSuggestionRequest(JSON.stringify({ ...request, id: 7 })), "id: expected a non-empty string, got number 7", "id");
    fails(() => parseSuggestionRequest(JSON.stringify({ ...request, points: { x: Infinity } })), "points.x: expected a finite number, got null (NaN and Infinity travel as null in JSON)", "points.x");
    fails(() => parseSuggestionRequest(JSON.stringify({ ...request, points: {} })), "points: a point must name at least one device", "points");
    fails(() => parseSuggestionRequest(JSON.stringify({ ...request, points: [{ x: 1 }, 3] })), "points[1]: expected an object, got number 3", "points[1]");
    fails(() => parseSuggestionRequest(JSON.stringify({ ...request, type: "heartbeat" })), 'type: expected "suggest", got string "heartbeat"', "type");
    fails(() => parseSuggestionRequest(JSON.stringify({ ...request, run: "" })), 'run: expected a non-empty string, got string ""', "run");
  });

  it("refuses a message over the size limit before parsing it, and bytes that are not UTF-8", () => {
    const text = JSON.stringify(request);
    expect(parseSuggestionRequest(text, { maxBytes: text.length })).toEqual(request);
    fails(() => parseSuggestionRequest(text, { maxBytes: text.length - 1 }), `message of ${text.length} bytes exceeds the limit of ${text.length - 1} bytes`);
    fails(() => parseSuggestionRequest(new Uint8Array([0x7b, 0xff, 0x7d])), "message is not valid UTF-8");
  });

  it("tells heartbeats from requests on both sides", () => {
    expect(parseAgentMessage(JSON.stringify({ v: 1, type: "heartbeat", agent: "bo", seq: 3, t: 5 }))).toEqual({ v: 1, type: "heartbeat", agent: "bo", seq: 3, t: 5 });
    expect(parseAgentMessage(JSON.stringify(request))).toEqual(request);
    expect(parseServerMessage(JSON.stringify({ v: 1, type: "heartbeat", seq: 1, t: 2 }))).toEqual({ v: 1, type: "heartbeat", seq: 1, t: 2 });
    expect(parseServerMessage(JSON.stringify({ v: 1, id: null, ok: false, reason: "bad" }))).toEqual({ v: 1, id: null, ok: false, reason: "bad" });
    fails(() => parseServerMessage(JSON.stringify({ v: 1, id: "x", ok: false })), "reason: a rejection must carry a reason", "reason");
    fails(() => parseServerMessage(JSON.stringify({ v: 1, id: "x", ok: "yes" })), 'ok: expected a boolean, got string "yes"', "ok");
    fails(() => parseAgentMessage(JSON.stringify({ v: 1, type: "heartbeat", seq: "1", t: 2 })), 'seq: expected a finite number, got string "1"', "seq");
  });
});

describe("decision records", () => {
  const record = { v: WIRE_VERSION, agent: "svd", run: "u1", time: 1.5, inputs: { bpms: 40, rms_um: 12.5 }, suggestion: { hcm1: 0.1 }, score: 0.9, latency_us: 310 };

  it("round-trips a record with a score, and one with only a reason and no suggestion", () => {
    expect(parseDecisionRecord(JSON.stringify(record))).toEqual(record);
    const done = { ...record, run: null, suggestion: null, score: undefined, reason: "target reached" };
    expect(parseDecisionRecord(JSON.stringify(done))).toEqual({ v: 1, agent: "svd", run: null, time: 1.5, inputs: record.inputs, suggestion: null, reason: "target reached", latency_us: 310 });
  });

  it("refuses records that do not fit", () => {
    fails(() => parseDecisionRecord(JSON.stringify({ ...record, score: undefined })), "score: a decision carries a score or a reason, got neither", "score");
    fails(() => parseDecisionRecord(JSON.stringify({ ...record, latency_us: -1 })), "latency_us: expected a duration >= 0, got -1", "latency_us");
    fails(() => parseDecisionRecord(JSON.stringify({ ...record, inputs: [] })), "inputs: expected an object, got an array", "inputs");
    fails(() => parseDecisionRecord(JSON.stringify({ ...record, suggestion: { hcm1: "a" } })), 'suggestion.hcm1: expected a finite number, got string "a"', "suggestion.hcm1");
  });
});

describe("subjects and document ids", () => {
  it("builds the subjects of ARCHITECTURE.md and refuses tokens that would change them", () => {
    expect(documentSubject("sr")).toBe("skyloop.sr.docs");
    expect(decisionSubject("bl-7", "svd_1")).toBe("skyloop.bl-7.decisions.svd_1");
    fails(() => documentSubject("sr.*"), 'instrument: "sr.*" may only hold letters, digits, \'_\' and \'-\'', "instrument");
    fails(() => decisionSubject("sr", "a b"), 'agent: "a b" may only hold letters, digits, \'_\' and \'-\'', "agent");
  });

  it("takes each document's own id, pages their first member's with a suffix", () => {
    const docs = sampleRun({ motor: { name: "m", value: (i) => i }, detectors: [{ name: "d", value: (i) => i }], points: 2 });
    const [start, , event] = docs;
    expect(documentMsgId("start", start![1])).toBe((start![1] as { uid: string }).uid);
    expect(documentMsgId("event", event![1])).toBe((event![1] as { uid: string }).uid);
    const paged = sampleRun({ motor: { name: "m", value: (i) => i }, detectors: [], points: 2, asPage: true });
    const page = paged[2]![1] as { uid: string[] };
    expect(documentMsgId("event_page", paged[2]![1])).toBe(`${page.uid[0]}-page`);
    const resource = composeResource({ spec: "AD_HDF5", root: "/", resourcePath: "a.h5", resourceKwargs: {} });
    const datum = composeDatum(resource, 0, { point: 0 });
    expect(documentMsgId("datum", datum)).toBe(datum.datum_id);
    expect(documentMsgId("datum_page", packDatumPage([datum]))).toBe(`${datum.datum_id}-page`);
    fails(() => documentMsgId("start", { time: 1 } as never), "uid: start document has no id to de-duplicate it by", "uid");
  });

  it("encodes documents as the [name, doc] pair and reads them back", () => {
    const [start] = sampleRun({ motor: { name: "m", value: (i) => i }, detectors: [], points: 1 });
    const bytes = encodeDocument(start![0], start![1]);
    expect(JSON.parse(new TextDecoder().decode(bytes))).toEqual(start);
    expect(parseDocumentPair(bytes)).toEqual(start);
    fails(() => parseDocumentPair('["start"]'), "expected a [name, doc] pair, got an array of length 1");
    fails(() => parseDocumentPair('["start", 3]'), "[1]: expected an object, got number 3", "[1]");
  });
});
