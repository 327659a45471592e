/**
 * `skyloop watch` against a real nats-server: a campaign publishes its documents to JetStream, its decisions
 * and training progress on their subjects, and listens for control on its control subject. The watch command
 * starts late, catches up on the running campaign from the stream, follows it live, and pauses and aborts it.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Subscription } from "rxjs";
import { NatsDocumentBus } from "../bridge/documents/nats_bus.ts";
import { NatsTestServer, freePort } from "../bridge/testing/index.ts";
import { WIRE_VERSION, decisionSubject, encodeJson } from "../bridge/wire.ts";
import type { RunResult } from "../engine/run_engine/index.ts";
import { runWatchCommand } from "../cli/commands/watch.ts";
import { NatsControlTransport } from "./control_transport.ts";
import type { WatchSnapshot } from "./state.ts";
import { until } from "./test/browser.ts";
import { demoCampaign } from "./test/demo_campaign.ts";
import type { DemoCampaign } from "./test/demo_campaign.ts";
import { encodeTrainingProgress, trainingSubject } from "../bridge/training.ts";
import type { TrainingProgress } from "../bridge/training.ts";

const TOKEN = "nats-watch-token";
const INSTRUMENT = "ring1";

describe("skyloop watch over NATS", () => {
  let nats: NatsTestServer;
  let bus: NatsDocumentBus;
  let demo: DemoCampaign;
  let relay: Subscription;
  let campaign: Promise<RunResult[]>;

  beforeAll(async () => {
    nats = await NatsTestServer.start();
    bus = await NatsDocumentBus.connect({ instrument: INSTRUMENT, nats: { servers: nats.url } });
    const control = new NatsControlTransport({ connection: bus.connection, instrument: INSTRUMENT });
    demo = await demoCampaign({ iterations: 200, sleepS: 0.05, bus, control, token: TOKEN, statusIntervalMs: 200 });
    relay = demo.decisions$.subscribe((d) => bus.connection.publish(decisionSubject(INSTRUMENT, d.agent), encodeJson(d)));
  }, 30_000);

  afterAll(async () => {
    if (demo !== undefined && demo.engine.state !== "idle") await demo.engine.abort("test over").catch(() => undefined);
    await campaign?.catch(() => undefined);
    relay?.unsubscribe();
    await demo?.dispose();
    await bus?.close();
    await nats?.dispose();
  });

  it("catches up on the running campaign, follows decisions, training and status, and controls it with the token", async () => {
    campaign = demo.run();
    await until("five iterations before the watch starts", () => demo.iterations >= 5);

    const port = await freePort();
    let stop!: () => void;
    const stopped = new Promise<void>((r) => (stop = r));
    const watching = runWatchCommand(
      { nats: nats.url, instrument: INSTRUMENT, port: String(port), host: "127.0.0.1", token: TOKEN, tui: false, catchUp: "20000" },
      stopped,
    );
    const base = `http://127.0.0.1:${port}`;
    const state = async (): Promise<WatchSnapshot & { control: boolean }> => (await fetch(`${base}/api/state`)).json() as Promise<WatchSnapshot & { control: boolean }>;
    await until("the watch server", async () => (await fetch(`${base}/api/state`).catch(() => undefined))?.ok === true);

    // Caught up from the stream: the run from its first iteration, though the watch started at the fifth.
    await until("the caught-up run", async () => ((await state()).current?.summary.events ?? 0) >= 5);
    let s = await state();
    expect(s.control).toBe(true);
    expect(s.current!.summary).toMatchObject({ plan_name: "orbit_correction", campaign: "orbit-demo", agent: "svd-orbit", num_points: 200, objective: ["orbit-rms_x", "orbit-rms_y"], orbit: ["orbit-x", "orbit-y"] });
    expect(s.current!.seq.slice(0, 3)).toEqual([1, 2, 3]);
    expect(s.current!.summary.bpm_names).toHaveLength(12);

    // Live: decisions and the engine's status.
    await until("decisions", async () => (await state()).decisions.length >= 2);
    await until("engine status", async () => (await state()).engine.from === "status");
    s = await state();
    expect(s.engine).toMatchObject({ state: "running", campaign: "orbit-demo" });
    expect(s.decisions.at(-1)!.run).toBe(s.current!.summary.uid);

    // Training progress from another agent.
    for (let episode = 1; episode <= 3; episode++) {
      const progress: TrainingProgress = { v: WIRE_VERSION, agent: "rl-orbit", session: "s1", time: Date.now() / 1000, episode, reward: -10 / episode, rms: 0.1 / episode, steps_per_s: 1500 };
      bus.connection.publish(trainingSubject(INSTRUMENT, "rl-orbit"), encodeTrainingProgress(progress));
    }
    await until("training episodes", async () => ((await state()).training[0]?.episode.length ?? 0) === 3);
    expect((await state()).training[0]).toMatchObject({ agent: "rl-orbit", session: "s1", episode: [1, 2, 3], reward: [-10, -5, -10 / 3], steps_per_s: 1500 });

    // A late page gets the snapshot first on its event stream.
    const events = await fetch(`${base}/api/events`);
    const reader = events.body!.getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    expect(first).toMatch(/^retry: 1000\nevent: snapshot\ndata: \{"instrument":"ring1"/);
    await reader.cancel();

    // Control: refused without the token, done with it, through the engine's listener on NATS.
    const post = (body: unknown, token?: string): Promise<Response> =>
      fetch(`${base}/api/control`, { method: "POST", headers: { "Content-Type": "application/json", ...(token ? { Authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body) });
    const refused = await post({ action: "pause" });
    expect(refused.status).toBe(403);
    expect(await refused.json()).toEqual({ ok: false, error: "wrong or missing control token" });
    expect((await post({ action: "pause" }, "not-the-token")).status).toBe(403);
    expect(demo.engine.state).toBe("running");

    const paused = await post({ action: "pause" }, TOKEN);
    expect(paused.status).toBe(200);
    expect(await paused.json()).toEqual({ v: 1, ok: true, action: "pause", state: "paused" });
    expect(demo.engine.state).toBe("paused");
    await until("the paused status on the page's state", async () => (await state()).engine.state === "paused");

    const again = await post({ action: "pause" }, TOKEN);
    expect(again.status).toBe(200);
    const badAction = await post({ action: "halt" }, TOKEN);
    expect(badAction.status).toBe(400);
    expect(await badAction.json()).toEqual({ ok: false, error: 'action must be one of pause, resume, abort, got "halt"' });

    const aborted = await post({ action: "abort", reason: "beam dump" }, TOKEN);
    expect(aborted.status).toBe(200);
    const [result] = await campaign;
    expect(result).toMatchObject({ exitStatus: "abort", reason: "beam dump" });
    await until("the stop document on the watch", async () => (await state()).runs[0]!.exit_status === "abort");
    expect((await state()).runs[0]).toMatchObject({ exit_status: "abort", reason: "beam dump" });

    stop();
    await watching;
    await expect(fetch(`${base}/api/state`)).rejects.toThrow();
  }, 60_000);
});
