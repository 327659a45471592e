import { afterEach, describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parse, stringify } from "yaml";
import { connectNats } from "../../bridge/documents/nats_connection.ts";
import { NatsTestServer, freePort } from "../../bridge/testing/index.ts";
import { ControlClient, parseEngineStatus } from "../../watch/control.ts";
import type { EngineStatus } from "../../watch/control.ts";
import { NatsControlTransport } from "../../watch/control_transport.ts";
import { runAgentProcess } from "./agent_process.ts";
import { loadCampaign } from "./config.ts";
import { runCampaign } from "./run.ts";

const ROOT = resolve(import.meta.dirname, "../..");
const TOKEN = "s3cret-token";
let nats: NatsTestServer | undefined;
const dirs: string[] = [];
afterEach(async () => {
  await nats?.dispose();
  nats = undefined;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const quiet = { interactive: false, stream: { write: () => true, isTTY: false } as unknown as NodeJS.WriteStream, log: () => undefined };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The orbit example without a target (it runs its whole budget), written to a temporary folder. */
function campaignFile(edit: (c: Record<string, any>) => void): { file: string; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), "skyloop-control-"));
  dirs.push(dir);
  const c = parse(readFileSync(join(ROOT, "examples/orbit-svd.yaml"), "utf8")) as Record<string, any>;
  c.instrument.profile = join(ROOT, "profiles/sim-ring.yaml");
  c.output = join(dir, "data");
  c.stop.max_points = 10;
  // 0.15 s a point: room for the control round trips to land mid-campaign on a busy machine.
  c.plan.settle = 0.15;
  delete c.stop.target;
  edit(c);
  const file = join(dir, "campaign.yaml");
  writeFileSync(file, stringify(c));
  return { file, dir };
}

describe("a campaign under control from skyloop watch", () => {
  it("over NATS: refuses a wrong token, pauses and resumes through skyloop.<instrument>.control, and names itself in the status", async () => {
    nats = await NatsTestServer.start();
    const port = await freePort();
    const { file, dir } = campaignFile((c) => (c.bus = { nats: nats!.url, suggestions: `tcp://127.0.0.1:${port}`, instrument: "ctl-ring" }));
    const config = await loadCampaign(file);

    const nc = await connectNats({ servers: nats.url });
    const transport = new NatsControlTransport({ connection: nc, instrument: "ctl-ring" });
    const statuses: EngineStatus[] = [];
    const statusSub = transport.status$.subscribe((d) => statuses.push(parseEngineStatus(d)));
    const wrong = new ControlClient({ transport, token: "not-the-token" });
    const right = new ControlClient({ transport, token: TOKEN });

    const points: number[] = [];
    let steering: Promise<void> | undefined;
    const steps: Record<string, unknown> = {};
    const steer = async (): Promise<void> => {
      steps.wrong = await wrong.send("pause");
      steps.paused = await right.send("pause", "checking the BPMs");
      const at = points.length;
      await sleep(400);
      steps.pointsWhilePaused = points.length - at;
      steps.resumed = await right.send("resume");
    };
    let stopAgent = (): void => undefined;
    const agent = runAgentProcess(config, { stopSignal: new Promise<void>((r) => (stopAgent = r)), log: () => undefined });
    const summary = await runCampaign(config, {
      ...quiet,
      metadataFile: join(dir, "md.json"),
      controlToken: TOKEN,
      onPoint: (p) => {
        points.push(p.points);
        if (p.points === 2) steering = steer();
      },
    });
    await steering;
    stopAgent();
    expect((await agent).decided).toBe(summary.points);
    statusSub.unsubscribe();
    await nc.close();

    expect(steps.wrong).toMatchObject({ ok: false, action: "pause", reason: "refused: wrong control token", state: "running" });
    expect(steps.paused).toMatchObject({ ok: true, action: "pause", state: "paused" });
    expect(steps.pointsWhilePaused).toBe(0);
    expect(steps.resumed).toMatchObject({ ok: true, action: "resume", state: "running" });
    expect(summary).toMatchObject({ exit_status: "success", stop_reason: "budget", points: 10, embedded: false });
    expect(statuses.some((s) => s.state === "paused" && s.campaign === "orbit-svd")).toBe(true);
    expect(statuses[statuses.length - 1]).toMatchObject({ campaign: "orbit-svd" });
  }, 60_000);

  it("embedded with --watch: the page's control endpoint pauses and resumes with the token, and answers 403 without it", async () => {
    const { file, dir } = campaignFile(() => undefined);
    let url: string | undefined;
    const steps: Record<string, unknown> = {};
    let steering: Promise<void> | undefined;
    const post = async (action: string, token?: string) => {
      const res = await fetch(new URL("api/control", url), {
        method: "POST",
        headers: { "Content-Type": "application/json", ...(token ? { Authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ action }),
      });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    const summary = await runCampaign(await loadCampaign(file), {
      ...quiet,
      metadataFile: join(dir, "md.json"),
      controlToken: TOKEN,
      watchPort: 0,
      onWatch: (u) => (url = u),
      onPoint: (p) => {
        if (p.points !== 2) return;
        steering = (async () => {
          steps.state = (await (await fetch(new URL("api/state", url))).json()) as Record<string, unknown>;
          steps.refused = await post("pause", "wrong");
          steps.paused = await post("pause", TOKEN);
          steps.resumed = await post("resume", TOKEN);
        })();
      },
    });
    await steering;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/#token=s3cret-token$/);
    expect(steps.state).toMatchObject({ control: true });
    expect(JSON.stringify(steps.state)).toContain('"campaign":"orbit-svd"');
    expect(steps.refused).toMatchObject({ status: 403 });
    expect(steps.paused).toMatchObject({ status: 200, body: { ok: true, state: "paused" } });
    expect(steps.resumed).toMatchObject({ status: 200, body: { ok: true, state: "running" } });
    expect(summary).toMatchObject({ exit_status: "success", stop_reason: "budget", points: 10 });
  }, 30_000);
});
