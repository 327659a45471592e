import { afterEach, describe, expect, it } from "vitest";
import { WireFormatError } from "../bridge/errors.ts";
import { msg } from "../engine/msg.ts";
import type { Msg } from "../engine/msg.ts";
import { InvalidArgumentError } from "../engine/errors.ts";
import { RunEngine } from "../engine/run_engine/index.ts";
import {
  ControlClient,
  ControlListener,
  MAX_REASON_LENGTH,
  controlSubject,
  parseControlRequest,
  parseEngineStatus,
  statusSubject,
  tokenMatches,
  validateControlReply,
  validateControlRequest,
} from "./control.ts";
import type { EngineStatus } from "./control.ts";
import { InProcessControlChannel } from "./control_transport.ts";
import { NoControlListenerError } from "./errors.ts";

const TOKEN = "t0ken";

function expectWire(fn: () => unknown, message: string): void {
  expect(fn).toThrow(WireFormatError);
  expect(fn).toThrow(message);
}

describe("control messages", () => {
  it("parses a request and keeps at most MAX_REASON_LENGTH characters of its reason", () => {
    expect(parseControlRequest('{"v":1,"action":"abort","reason":"beam dump","token":"x"}')).toEqual({ v: 1, action: "abort", reason: "beam dump", token: "x" });
    expect(validateControlRequest({ v: 1, action: "pause", token: "x", reason: "r".repeat(900) }).reason).toHaveLength(MAX_REASON_LENGTH);
  });

  it("refuses requests that do not fit, naming the field", () => {
    expectWire(() => validateControlRequest({ v: 2, action: "pause", token: "x" }), "v: unsupported protocol version 2; this side speaks 1");
    expectWire(() => validateControlRequest({ v: 1, action: "halt", token: "x" }), 'action: expected one of pause, resume, abort, got string "halt"');
    expectWire(() => validateControlRequest({ v: 1, action: "pause" }), "token: expected a non-empty string, got nothing");
    expectWire(() => validateControlRequest({ v: 1, action: "pause", token: "" }), "token: expected a non-empty string, got an empty string");
    expectWire(() => validateControlRequest({ v: 1, action: "pause", token: "x", reason: 3 }), "reason: expected a string, got number 3");
    expectWire(() => validateControlRequest([]), "message: expected an object, got an array");
    expectWire(() => parseControlRequest("{"), "malformed JSON");
    expectWire(() => validateControlReply({ v: 1, ok: false, action: "pause" }), "reason: a refusal must carry a reason");
    expectWire(() => parseEngineStatus('{"v":1,"state":"running","time":null}'), "time: expected a finite number, got null");
  });

  it("names its subjects after the instrument and refuses names that would break them", () => {
    expect(controlSubject("sr")).toBe("skyloop.sr.control");
    expect(statusSubject("sr")).toBe("skyloop.sr.status");
    expectWire(() => controlSubject("a.b"), `instrument: "a.b" may only hold letters, digits, '_' and '-'`);
  });

  it("compares tokens exactly, whatever their lengths", () => {
    expect(tokenMatches("abc", "abc")).toBe(true);
    expect(tokenMatches("abc", "abcd")).toBe(false);
    expect(tokenMatches("abc", "")).toBe(false);
  });
});

describe("ControlListener on a RunEngine", () => {
  let engine: RunEngine;
  let listener: ControlListener | undefined;
  afterEach(async () => {
    listener?.close();
    if (engine.state !== "idle") await engine.abort("test over");
  });

  /** A run of many short sleeps, each after a checkpoint, so it can pause anywhere. */
  function sleeps(n: number): Msg[] {
    const plan: Msg[] = [msg("open_run", undefined, [], { plan_name: "sleeps" })];
    for (let i = 0; i < n; i++) plan.push(msg("checkpoint"), msg("sleep", undefined, [0.02]));
    plan.push(msg("close_run"));
    return plan;
  }

  async function start(n = 500): Promise<{ channel: InProcessControlChannel; run: ReturnType<RunEngine["run"]>; statuses: EngineStatus[] }> {
    engine = new RunEngine();
    const channel = new InProcessControlChannel();
    const statuses: EngineStatus[] = [];
    channel.status$.subscribe((data) => statuses.push(parseEngineStatus(data)));
    listener = new ControlListener({ target: engine, transport: channel, token: TOKEN, campaign: "c1", statusIntervalMs: 0 });
    const run = engine.run(sleeps(n));
    await new Promise((r) => setTimeout(r, 30));
    return { channel, run, statuses };
  }

  it("pauses, resumes and aborts with the token; publishes each state change", async () => {
    const { channel, run, statuses } = await start();
    const client = new ControlClient({ transport: channel, token: TOKEN });
    expect(await client.send("pause")).toEqual({ v: 1, ok: true, action: "pause", state: "paused" });
    expect(engine.state).toBe("paused");
    expect(await client.send("resume")).toEqual({ v: 1, ok: true, action: "resume", state: "running" });
    expect(await client.send("abort", "operator said so")).toMatchObject({ ok: true, action: "abort" });
    expect(await run).toMatchObject({ exitStatus: "abort", reason: "operator said so" });
    expect(statuses.map((s) => s.state)).toEqual(["idle", "running", "pausing", "paused", "running", "aborting", "idle"]);
    expect(statuses.every((s) => s.campaign === "c1" && s.v === 1)).toBe(true);
  });

  it("refuses a wrong token, an impossible transition and a malformed request, changing nothing", async () => {
    const { channel } = await start();
    const intruder = new ControlClient({ transport: channel, token: "guess" });
    expect(await intruder.send("abort")).toEqual({ v: 1, ok: false, action: "abort", reason: "refused: wrong control token", state: "running" });
    const client = new ControlClient({ transport: channel, token: TOKEN });
    expect(await client.send("resume")).toEqual({ v: 1, ok: false, action: "resume", reason: "cannot resume while the RunEngine is running", state: "running" });
    const raw = JSON.parse(new TextDecoder().decode(await channel.request(new TextEncoder().encode('{"v":1,"action":"pause"}'), 1000))) as unknown;
    expect(raw).toEqual({ v: 1, ok: false, action: null, reason: "malformed control request: token: expected a non-empty string, got nothing" });
    expect(engine.state).toBe("running");
  });

  it("needs a token to be built, and a client finds out when nobody listens", async () => {
    engine = new RunEngine();
    const make = () => new ControlListener({ target: engine, transport: new InProcessControlChannel(), token: "" });
    expect(make).toThrow(InvalidArgumentError);
    expect(make).toThrow("ControlListener: token must be a non-empty string (without one nobody could control the engine)");
    const lonely = new ControlClient({ transport: new InProcessControlChannel(), token: TOKEN });
    await expect(lonely.send("pause")).rejects.toThrow(NoControlListenerError);
    await expect(lonely.send("pause")).rejects.toThrow("nobody listens for control requests on the in-process control channel: no campaign runs, or it runs without a control listener");
  });
});
