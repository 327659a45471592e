import { afterEach, describe, expect, it } from "vitest";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { filter, firstValueFrom } from "rxjs";
import { TimeoutError } from "../../engine/errors.ts";
import { SuggestionRejectedError } from "../errors.ts";
import { SuggestionClient } from "./client.ts";
import { writeCurveKeyPair } from "./curve.ts";
import type { SuggestionPolicy } from "./policy.ts";
import { AcknowledgeMode, AgentState, SuggestionServer } from "./server.ts";
import type { Suggestion, SuggestionServerOptions } from "./server.ts";

const policy: SuggestionPolicy = {
  devices: new Map([
    ["x", { limits: [-5, 5] as const }],
    ["gap", { limits: [0, 30] as const }],
    ["harmonic", { dtype: "integer" as const }],
  ]),
  allowedPlans: ["grid_scan", "list_scan"],
};

const opened: { close(): Promise<void> }[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const o of opened.splice(0).reverse()) await o.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function serve(options: Partial<SuggestionServerOptions> = {}): Promise<{ server: SuggestionServer; delivered: Suggestion[] }> {
  const server = await SuggestionServer.bind({ endpoint: "tcp://127.0.0.1:*", policy, ...options });
  opened.push(server);
  const delivered: Suggestion[] = [];
  server.suggestions$.subscribe((s) => delivered.push(s));
  return { server, delivered };
}

async function client(endpoint: string, agent = "bo", extra: Partial<Parameters<typeof SuggestionClient.connect>[0]> = {}): Promise<SuggestionClient> {
  const c = await SuggestionClient.connect({ endpoint, agent, timeoutMs: 2_000, ...extra });
  opened.push(c);
  return c;
}

describe("SuggestionServer and SuggestionClient over tcp", () => {
  it("accepts a valid suggestion, replies ok and delivers it to the engine side", async () => {
    const { server } = await serve();
    const agent = await client(server.endpoint);
    const reply = await agent.suggest({ id: "s1", plan: "grid_scan", run: "run-1", points: [{ x: 1.5, gap: 10 }, { x: -2, harmonic: 3 }] });
    expect(reply).toEqual({ v: 1, id: "s1", ok: true });
    const s = await server.take(1_000);
    expect(s.agent).toBe("bo");
    expect(s.request).toEqual({ v: 1, id: "s1", agent: "bo", run: "run-1", plan: "grid_scan", points: [{ x: 1.5, gap: 10 }, { x: -2, harmonic: 3 }] });
    expect(s.points).toEqual([{ x: 1.5, gap: 10 }, { x: -2, harmonic: 3 }]);
  });

  const big = `{"v":1,"id":"huge","agent":"bo","plan":"grid_scan","points":{"x":1},"pad":"${"a".repeat(2_000)}"}`;
  const cases: [string, (c: SuggestionClient) => Promise<unknown>, string | null, string][] = [
    [
      "malformed JSON",
      (c) => c.sendRaw('{"v":1,"id":"broken","agent":"bo","plan":', "broken"),
      "broken",
      "malformed JSON: Unexpected end of JSON input",
    ],
    ["an unknown device", (c) => c.suggest({ id: "u", plan: "grid_scan", points: { x: 1, fridge: 4 } }), "u", 'points.fridge: unknown device "fridge" (known: x, gap, harmonic)'],
    [
      "NaN",
      (c) => c.suggest({ id: "n", plan: "grid_scan", points: [{ x: 1 }, { x: Number.NaN }] }),
      "n",
      "points[1].x: expected a finite number, got null (NaN and Infinity travel as null in JSON)",
    ],
    ["a string for a number", (c) => c.suggest({ id: "s", plan: "grid_scan", points: { x: "3" as unknown as number } }), "s", 'points.x: expected a finite number, got string "3"'],
    ["a value past its limits", (c) => c.suggest({ id: "l", plan: "grid_scan", points: { x: 1, gap: 31 } }), "l", "points.gap: 31 is outside the limits [0, 30]"],
    ["a fraction for an integer device", (c) => c.suggest({ id: "i", plan: "grid_scan", points: { harmonic: 2.5 } }), "i", "points.harmonic: expected an integer, got 2.5"],
    ["an oversized message", (c) => c.sendRaw(big, "huge"), "huge", `message of ${big.length} bytes exceeds the limit of 1024 bytes`],
    [
      "a wrong protocol version",
      (c) => c.sendRaw(JSON.stringify({ v: 2, id: "v2", agent: "bo", plan: "grid_scan", points: { x: 1 } }), "v2"),
      "v2",
      "v: unsupported protocol version 2; this side speaks 1",
    ],
    ["a disallowed plan", (c) => c.suggest({ id: "p", plan: "rm_rf", points: { x: 1 } }), "p", 'plan "rm_rf" is not allowed (allowed: grid_scan, list_scan)'],
    ["a missing agent", (c) => c.sendRaw(JSON.stringify({ v: 1, id: "a", plan: "grid_scan", points: { x: 1 } }), "a"), "a", "agent: expected a non-empty string, got nothing"],
    ["an empty point list", (c) => c.suggest({ id: "e", plan: "grid_scan", points: [] }), "e", "points: expected at least one point, got an empty array"],
  ];

  it.each(cases)("rejects %s with its reason and delivers nothing; the server keeps serving", async (_label, send, id, reason) => {
    const { server, delivered } = await serve({ maxMessageBytes: 1_024 });
    const rejections: string[] = [];
    server.rejections$.subscribe((r) => rejections.push(r.reason));
    const agent = await client(server.endpoint);
    const reply = await send(agent);
    expect(reply).toEqual({ v: 1, id, ok: false, reason });
    expect(rejections).toEqual([reason]);
    expect(delivered).toEqual([]);
    expect(server.queued).toBe(0);
    await expect(agent.submit({ id: "after", plan: "list_scan", points: { x: 0 } })).resolves.toEqual({ v: 1, id: "after", ok: true });
    expect(delivered.map((s) => s.request.id)).toEqual(["after"]);
  });

  it("answers a message too broken to carry an id with a null id, matched to the oldest request", async () => {
    const { server } = await serve();
    const agent = await client(server.endpoint);
    const reply = await agent.sendRaw("not json at all");
    expect(reply.id).toBeNull();
    expect(reply.ok).toBe(false);
    expect(reply.reason).toMatch(/^malformed JSON: Unexpected token/);
  });

  it("submit() turns a refusal into SuggestionRejectedError with the reason", async () => {
    const { server } = await serve();
    const agent = await client(server.endpoint);
    const err = await agent.submit({ id: "far", plan: "grid_scan", points: { x: 99 } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SuggestionRejectedError);
    expect((err as Error).message).toBe("suggestion 'far' rejected: points.x: 99 is outside the limits [-5, 5]");
  });

  it("in 'accepted' mode replies only once the engine accepts or rejects", async () => {
    const { server } = await serve({ acknowledge: AcknowledgeMode.Accepted, acceptTimeoutMs: 300 });
    const agent = await client(server.endpoint);
    let settled = false;
    const first = agent.suggest({ id: "a1", plan: "grid_scan", points: { x: 1 } }).finally(() => (settled = true));
    const s1 = await server.take(1_000);
    await new Promise((r) => setTimeout(r, 50));
    expect(settled).toBe(false);
    expect(s1.accept()).toBe(true);
    expect(await first).toEqual({ v: 1, id: "a1", ok: true });

    const second = agent.suggest({ id: "a2", plan: "grid_scan", points: { x: 2 } });
    (await server.take(1_000)).reject("the run was aborted");
    expect(await second).toEqual({ v: 1, id: "a2", ok: false, reason: "the run was aborted" });

    const third = agent.suggest({ id: "a3", plan: "grid_scan", points: { x: 3 } });
    expect(await third).toEqual({ v: 1, id: "a3", ok: false, reason: "the engine did not take the suggestion within 300 ms" });
    // Refused to the agent, so gone from the engine's queue too.
    expect(server.queued).toBe(0);

    // Taken by the engine but accepted too late: the agent was told no, so the engine must not act on it.
    const fourth = agent.suggest({ id: "a4", plan: "grid_scan", points: { x: 4 } });
    const s4 = await server.take(1_000);
    expect(await fourth).toEqual({ v: 1, id: "a4", ok: false, reason: "the engine did not take the suggestion within 300 ms" });
    expect(s4.accept()).toBe(false);
  });

  it("hands the engine its own agent's refused suggestions, marked with the reason, and no one else's", async () => {
    const { server } = await serve({ reportRefusalsFrom: ["bo"] });
    const mine = await client(server.endpoint, "bo");
    const other = await client(server.endpoint, "rogue");
    expect(await other.suggest({ id: "r1", plan: "grid_scan", points: { fridge: 1 } })).toMatchObject({ ok: false });
    const reply = await mine.suggest({ id: "b1", plan: "grid_scan", points: { fridge: 1 } });
    expect(reply).toMatchObject({ ok: false, reason: expect.stringContaining('unknown device "fridge"') });
    const s = await server.take(1_000);
    expect(s).toMatchObject({ agent: "bo", points: [], refused: reply.reason });
    expect(s.request.id).toBe("b1");
    expect(s.accept()).toBe(false);
    expect(server.queued).toBe(0);
  });

  it("take() fails with TimeoutError when no suggestion comes", async () => {
    const { server } = await serve();
    const err = await server.take(30).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TimeoutError);
    expect((err as Error).message).toBe("waiting for suggestions timed out after 30 ms");
  });

  it("reports an agent that goes silent beyond the timeout, and the agent sees the server alive", async () => {
    const { server } = await serve({ heartbeatIntervalMs: 20, agentTimeoutMs: 120 });
    const events: string[] = [];
    server.agents$.subscribe((e) => events.push(`${e.agent} ${e.state}`));
    const silent = firstValueFrom(server.agents$.pipe(filter((e) => e.state === AgentState.Silent)));
    const agent = await client(server.endpoint, "svd", { heartbeatIntervalMs: 20 });
    const alive = await firstValueFrom(agent.server$);
    expect(alive.state).toBe("alive");
    await new Promise((r) => setTimeout(r, 200));
    expect(events).toEqual(["svd alive"]);
    await agent.close();
    const report = await silent;
    expect(report.agent).toBe("svd");
    expect(report.detail).toMatch(/^no message for \d+ ms \(limit 120 ms\)$/);
    expect(events).toEqual(["svd alive", "svd silent"]);
  });
});

describe("CurveZMQ", () => {
  function keys() {
    const dir = mkdtempSync(join(tmpdir(), "skyloop-curve-"));
    dirs.push(dir);
    const allowedDir = join(dir, "agents");
    mkdirSync(allowedDir);
    const serverPair = writeCurveKeyPair(join(dir, "engine"));
    const agentPair = writeCurveKeyPair(join(allowedDir, "bo"));
    const strangerPair = writeCurveKeyPair(join(dir, "stranger"));
    return { dir, allowedDir, serverPair, agentPair, strangerPair };
  }

  it("accepts an agent whose key is allowed and refuses one whose key is not; the refused request never reaches the engine", async () => {
    const k = keys();
    const { server, delivered } = await serve({
      curve: { keyPairFile: join(k.dir, "engine.key_secret"), allowedClientsFile: k.allowedDir },
    });
    const events: string[] = [];
    server.agents$.subscribe((e) => events.push(`${e.state}: ${e.detail ?? e.agent}`));

    const good = await client(server.endpoint, "bo", {
      curve: { serverPublicKeyFile: join(k.dir, "engine.key"), keyPairFile: join(k.allowedDir, "bo.key_secret") },
    });
    expect(await good.suggest({ id: "ok", plan: "grid_scan", points: { x: 1 } })).toEqual({ v: 1, id: "ok", ok: true });

    const stranger = await client(server.endpoint, "mallory", {
      timeoutMs: 400,
      curve: { serverPublicKey: k.serverPair.publicKey, keyPair: k.strangerPair },
    });
    const err = await stranger.suggest({ id: "sneaky", plan: "grid_scan", points: { x: 2 } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TimeoutError);
    expect((err as Error).message).toBe(`reply to suggestion 'sneaky' from ${server.endpoint} timed out after 400 ms`);
    expect(delivered.map((s) => s.request.id)).toEqual(["ok"]);
    expect(events).toContain(`refused: CURVE handshake from 127.0.0.1 refused: client key ${k.strangerPair.publicKey} is not allowed`);
  });

  it("refuses an agent that does not use CURVE at all", async () => {
    const k = keys();
    const { server, delivered } = await serve({ curve: { keyPair: k.serverPair, allowedClients: [k.agentPair.publicKey] } });
    const plain = await client(server.endpoint, "plain", { timeoutMs: 300 });
    await expect(plain.suggest({ id: "p", plan: "grid_scan", points: { x: 1 } })).rejects.toThrow(TimeoutError);
    expect(delivered).toEqual([]);
  });
});

describe("inproc transport", () => {
  it("carries suggestions between sockets of one process", async () => {
    const { server } = await serve({ endpoint: "inproc://skyloop-test-suggestions" });
    expect(server.endpoint).toBe("inproc://skyloop-test-suggestions");
    const agent = await client("inproc://skyloop-test-suggestions", "grid");
    expect(await agent.suggest({ id: "in", plan: "list_scan", points: { gap: 12 } })).toEqual({ v: 1, id: "in", ok: true });
    expect((await server.take(1_000)).points).toEqual([{ gap: 12 }]);
  });
});
