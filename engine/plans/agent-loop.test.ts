import { afterEach, describe, expect, it } from "vitest";
import { SuggestionClient } from "../../bridge/suggestions/client.ts";
import { AcknowledgeMode, SuggestionServer } from "../../bridge/suggestions/server.ts";
import { SimMotor, SimPeakDetector } from "../../devices/index.ts";
import type { Event, NamedDocument } from "../documents/types.ts";
import { InvalidArgumentError } from "../errors.ts";
import { RunEngine, RunEngineState } from "../run_engine/index.ts";
import { agentLoop, StopReason } from "./agent-loop.ts";
import type { AgentLoopOptions, AgentLoopResult } from "./agent-loop.ts";

const opened: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const o of opened.splice(0).reverse()) await o.close();
});

interface Bench {
  RE: RunEngine;
  motor: SimMotor;
  det: SimPeakDetector;
  server: SuggestionServer;
  client: SuggestionClient;
  events: Event[];
  docs: NamedDocument[];
  logs: string[];
}

/** A motor with limits ±5 over a peak at 1, an engine, and the suggestion wire over loopback tcp. */
async function bench(options: { permissive?: boolean; acceptTimeoutMs?: number } = {}): Promise<Bench> {
  const motor = new SimMotor({ name: "motor", instant: true, limits: [-5, 5] });
  const det = new SimPeakDetector({ name: "det", motor, center: 1, width: 1, noise: "none", timeScale: 0 });
  const logs: string[] = [];
  const RE = new RunEngine({ log: (l) => logs.push(l) });
  const events: Event[] = [];
  const docs: NamedDocument[] = [];
  RE.subscribe((name, doc) => {
    docs.push([name, doc] as NamedDocument);
    if (name === "event") events.push(doc as Event);
  });
  const server = await SuggestionServer.bind({
    endpoint: "tcp://127.0.0.1:*",
    // Permissive: lets bad points through the wire so the plan's own checks are what is tested.
    policy: options.permissive ? { check: () => undefined } : { devices: new Map([["motor", { limits: [-5, 5] as const }]]), allowedPlans: ["agent_loop"] },
    ...(options.acceptTimeoutMs !== undefined ? { acknowledge: AcknowledgeMode.Accepted, acceptTimeoutMs: options.acceptTimeoutMs } : {}),
  });
  const client = await SuggestionClient.connect({ endpoint: server.endpoint, agent: "test", timeoutMs: 2_000 });
  opened.push(server, client);
  return { RE, motor, det, server, client, events, docs, logs };
}

/** Answers the n-th event with `answer(n, event)` (undefined: no answer). */
function answerEvents(b: Bench, answer: (n: number, ev: Event) => Parameters<SuggestionClient["suggest"]>[0] | undefined): void {
  let n = 0;
  b.RE.subscribe((name, doc) => {
    if (name !== "event") return;
    const input = answer(n++, doc as Event);
    if (input !== undefined) b.client.suggest(input).catch(() => undefined);
  });
}

function loop(b: Bench, extra: Partial<AgentLoopOptions> = {}): AgentLoopOptions {
  return { source: b.server, detectors: [b.det], movables: [b.motor], maxPoints: 5, timeout: 2, ...extra };
}

describe("agentLoop: lock-step with suggestions over the wire", () => {
  it("moves to each suggested point, reads, and stops on its budget", async () => {
    const b = await bench();
    answerEvents(b, (n) => ({ plan: "agent_loop", points: { motor: -2 + n } }));
    const result = await b.RE.run(agentLoop(loop(b, { maxPoints: 4 })));
    const r = result.planResult as AgentLoopResult;
    expect(result.exitStatus).toBe("success");
    expect(r).toMatchObject({ stopReason: StopReason.Budget, points: 4, iterations: 3, rejected: 0 });
    expect(b.events.map((e) => e.data.motor)).toEqual([0, -2, -1, 0]);
    const stop = b.docs.find(([n]) => n === "stop")![1] as { exit_status: string; reason: string; num_events: Record<string, number> };
    expect(stop).toMatchObject({ exit_status: "success", reason: "stopped: budget", num_events: { primary: 4 } });
  });

  it("stops when the objective reaches its target, and keeps the best point", async () => {
    const b = await bench();
    answerEvents(b, (n) => ({ plan: "agent_loop", points: { motor: [-3, -1, 0.5, 1, 3][n] ?? 0 } }));
    const result = await b.RE.run(
      agentLoop(loop(b, { maxPoints: 10, objective: (r) => r.det!.value as number, goal: "maximize", target: { above: 950 } })),
    );
    const r = result.planResult as AgentLoopResult;
    expect(r.stopReason).toBe(StopReason.Target);
    expect(r.points).toBe(5);
    expect(r.best).toBe(1000);
    expect(r.bestAt).toEqual({ motor: 1 });
  });

  it("stops when the agent says it is done, after measuring its last points", async () => {
    const b = await bench();
    answerEvents(b, (n) => (n === 0 ? { plan: "agent_loop", points: { motor: 2 } } : { plan: "agent_loop", points: [{ motor: 1 }, { motor: 1.5 }], done: true }));
    const r = (await b.RE.run(agentLoop(loop(b, { maxPoints: 10 })))).planResult as AgentLoopResult;
    expect(r).toMatchObject({ stopReason: StopReason.Done, points: 4, iterations: 2 });
    expect(b.events.map((e) => e.data.motor)).toEqual([0, 2, 1, 1.5]);
  });

  it("a done with no points ends the loop at once", async () => {
    const b = await bench();
    answerEvents(b, () => ({ plan: "agent_loop", points: [], done: true }));
    const r = (await b.RE.run(agentLoop(loop(b)))).planResult as AgentLoopResult;
    expect(r).toMatchObject({ stopReason: StopReason.Done, points: 1, iterations: 1 });
  });

  it("acts once on a suggestion sent twice under the same id (an agent resending after a restart)", async () => {
    const b = await bench();
    answerEvents(b, (n) => (n === 0 ? undefined : { id: `s${n}`, plan: "agent_loop", points: { motor: n } }));
    expect((await b.client.suggest({ id: "s0", plan: "agent_loop", points: { motor: -1 } })).ok).toBe(true);
    expect((await b.client.suggest({ id: "s0", plan: "agent_loop", points: { motor: -4 } })).ok).toBe(true);
    const r = (await b.RE.run(agentLoop(loop(b, { maxPoints: 3 })))).planResult as AgentLoopResult;
    expect(r.duplicates).toBe(1);
    expect(b.events.map((e) => e.data.motor)).toEqual([0, -1, 1]);
  });

  it("refuses unknown devices and points past the limits with the reason, moves nothing, and goes on", async () => {
    const b = await bench({ permissive: true });
    const refused: string[] = [];
    answerEvents(b, (n) => ({ plan: "agent_loop", points: ([{ fridge: 4 }, { motor: 9 }, { motor: 2 }, { motor: 3 }] as Record<string, number>[])[n] ?? { motor: 0 } }));
    const r = (await b.RE.run(agentLoop(loop(b, { maxPoints: 5, onRejected: (reason) => refused.push(reason) })))).planResult as AgentLoopResult;
    expect(refused).toEqual(["fridge: not one of the devices this plan moves (motor)", "motor: 9 is outside the limits [-5, 5]; nothing was moved"]);
    expect(r).toMatchObject({ stopReason: StopReason.Budget, rejected: 2, points: 5 });
    expect(b.events.map((e) => e.data.motor)).toEqual([0, 0, 0, 2, 3]);
  });

  it("with no suggestion within the timeout pauses with the reason; a resume waits again and goes on", async () => {
    const b = await bench();
    let reason = "";
    answerEvents(b, (n) => (n === 0 ? undefined : { plan: "agent_loop", points: { motor: n } }));
    const paused = new Promise<void>((resolve) => b.RE.state$.subscribe((s) => s === RunEngineState.Paused && resolve()));
    const running = b.RE.run(agentLoop(loop(b, { maxPoints: 3, timeout: 0.2, onTimeout: (r) => (reason = r) })));
    await paused;
    expect(reason).toBe("waiting for a suggestion for point 2 timed out after 200 ms; pausing: resume to wait again, or stop");
    expect(b.logs).toContain(`skyloop: ${reason}`);
    expect(b.events).toHaveLength(1);
    // The agent comes back while the engine is paused: the suggestion waits for the resume.
    await b.client.suggest({ plan: "agent_loop", points: { motor: -2 } });
    b.RE.resume();
    const r = (await running).planResult as AgentLoopResult;
    expect(r).toMatchObject({ stopReason: StopReason.Budget, points: 3 });
    expect(b.events.map((e) => e.data.motor)).toEqual([0, -2, 1]);
  });

  it("does not act on a suggestion the wire already refused to its agent for being taken too late", async () => {
    const b = await bench({ acceptTimeoutMs: 50 });
    // An engine slow between taking a suggestion and accepting it: the wire tells the agent no after 50 ms.
    const slow = { take: async (ms?: number) => { const s = await b.server.take(ms); await new Promise((r) => setTimeout(r, 150)); return s; } };
    const replies: Promise<unknown>[] = [];
    answerEvents(b, (n) => (n < 2 ? { plan: "agent_loop", points: { motor: 2 + n } } : undefined));
    const sent = b.client.suggest.bind(b.client);
    b.client.suggest = (input) => { const p = sent(input); replies.push(p); return p; };
    const result = await b.RE.run(agentLoop(loop(b, { source: slow, maxPoints: 3 })));
    expect(await Promise.all(replies)).toEqual([
      expect.objectContaining({ ok: false, reason: "the engine did not take the suggestion within 50 ms" }),
      expect.objectContaining({ ok: false, reason: "the engine did not take the suggestion within 50 ms" }),
    ]);
    expect(result.planResult).toMatchObject({ stopReason: StopReason.Budget, points: 3, rejected: 2 });
    expect(b.events.map((e) => e.data.motor)).toEqual([0, 0, 0]);
  });

  it("refuses options that cannot work, naming them", () => {
    const motor = new SimMotor({ name: "m", instant: true });
    const source = { take: () => new Promise<never>(() => undefined) };
    const bad = (o: Partial<AgentLoopOptions>) => () => agentLoop({ source, detectors: [], movables: [motor], maxPoints: 3, ...o }).next();
    expect(bad({ maxPoints: 0 })).toThrow(InvalidArgumentError);
    expect(bad({ maxPoints: 0 })).toThrow("agentLoop: maxPoints must be an integer >= 1, got 0");
    expect(bad({ movables: [] })).toThrow("agentLoop: give at least one movable for suggestions to move");
    expect(bad({ movables: [motor, motor] })).toThrow('agentLoop: two movables are named "m"');
  });
});
