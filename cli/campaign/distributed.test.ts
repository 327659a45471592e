import { afterEach, describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parse, stringify } from "yaml";
import { NatsDecisionLog } from "../../agents/decisions.ts";
import { connectNats } from "../../bridge/documents/nats_connection.ts";
import { documentStreamName } from "../../bridge/documents/stream.ts";
import { SuggestionClient } from "../../bridge/suggestions/client.ts";
import { writeCurveKeyPair } from "../../bridge/suggestions/curve.ts";
import { NatsTestServer, freePort, readStream } from "../../bridge/testing/index.ts";
import { documentMsgId } from "../../bridge/wire.ts";
import type { DocumentName } from "../../engine/documents/types.ts";
import { loadCampaign } from "./config.ts";
import { runCampaign } from "./run.ts";
import type { CampaignSummary } from "./run.ts";

const ROOT = resolve(import.meta.dirname, "../..");
const BIN = join(ROOT, "bin/skyloop.mjs");
const INSTRUMENT = "sim-ring";
const BIG = `{"v":1,"id":"big","agent":"rogue","plan":"agent_loop","points":{"hcm01a":1},"pad":"${"a".repeat(70_000)}"}`;

let nats: NatsTestServer | undefined;
const children: ChildProcess[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
  await nats?.dispose();
  nats = undefined;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const quiet = { interactive: false, stream: { write: () => true, isTTY: false } as unknown as NodeJS.WriteStream };

/** The orbit example with a bus: NATS on the test server, the engine's ROUTER on a loopback port. */
async function campaignFile(edit: (c: Record<string, any>) => void = () => undefined): Promise<{ file: string; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), "skyloop-distributed-"));
  dirs.push(dir);
  const c = parse(readFileSync(join(ROOT, "examples/orbit-svd.yaml"), "utf8")) as Record<string, any>;
  c.instrument.profile = join(ROOT, "profiles/sim-ring.yaml");
  c.output = join(dir, "data");
  c.bus = { nats: nats!.url, suggestions: `tcp://127.0.0.1:${await freePort()}` };
  edit(c);
  const file = join(dir, "campaign.yaml");
  writeFileSync(file, stringify(c));
  return { file, dir };
}

interface AgentProcess {
  readonly child: ChildProcess;
  readonly exited: Promise<{ code: number | null; stdout: string; stderr: string }>;
}

function startAgent(file: string): AgentProcess {
  const child = spawn(process.execPath, [BIN, "agent", "run", file, "--json"], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
  children.push(child);
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<{ code: number | null; stdout: string; stderr: string }>((r) => child.once("exit", (code) => r({ code, stdout, stderr })));
  return { child, exited };
}

async function stopAgent(a: AgentProcess): Promise<Record<string, number>> {
  a.child.kill("SIGTERM");
  const { code, stdout, stderr } = await a.exited;
  expect(code, stderr).toBe(0);
  return JSON.parse(stdout.trim().split("\n").pop()!) as Record<string, number>;
}

async function storedDocuments(): Promise<string[]> {
  const nc = await connectNats({ servers: nats!.url });
  try {
    return (await readStream(nc, documentStreamName(INSTRUMENT))).map((s) => s.msgId!);
  } finally {
    await nc.close();
  }
}

function writtenDocuments(summary: CampaignSummary): string[] {
  return summary.files.flatMap((f) =>
    readFileSync(f, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as [DocumentName, never])
      .map(([n, d]) => documentMsgId(n, d)),
  );
}

async function decisions(): Promise<string[]> {
  const log = await NatsDecisionLog.connect({ instrument: INSTRUMENT, nats: { servers: nats!.url } });
  try {
    return (await log.history("svd")).map((r) => r.answers!);
  } finally {
    await log.close();
  }
}

describe("a distributed campaign: NATS JetStream, ZeroMQ over tcp, the agent in its own process", () => {
  it("corrects the orbit with CurveZMQ on; bad suggestions and an unauthenticated agent are refused with reasons and the run goes on", async () => {
    nats = await NatsTestServer.start();
    const { file, dir } = await campaignFile((c) => {
      c.bus.curve = { server_secret: "keys/engine.key_secret", server_key: "keys/engine.key", client_key: "keys/svd.key_secret", allowed_clients: "allowed" };
    });
    mkdirSync(join(dir, "keys"));
    mkdirSync(join(dir, "allowed"));
    const engineKeys = writeCurveKeyPair(join(dir, "keys/engine"));
    writeCurveKeyPair(join(dir, "keys/svd"));
    const rogueKeys = writeCurveKeyPair(join(dir, "keys/rogue"));
    for (const who of ["svd", "rogue"]) writeFileSync(join(dir, `allowed/${who}.key`), readFileSync(join(dir, `keys/${who}.key`)));
    const config = await loadCampaign(file);
    const agent = startAgent(file);
    const replies: Promise<string | undefined>[] = [];
    const summary = await runCampaign(config, {
      ...quiet,
      metadataFile: join(dir, "md.json"),
      onPoint: (p) => {
        if (p.points !== 2) return;
        const rogue = SuggestionClient.connect({ agent: "rogue", endpoint: config.bus!.suggestions, curve: { serverPublicKey: engineKeys.publicKey, keyPair: rogueKeys }, timeoutMs: 2_000 });
        const stranger = SuggestionClient.connect({ agent: "stranger", endpoint: config.bus!.suggestions, curve: { serverPublicKey: engineKeys.publicKey }, timeoutMs: 500 });
        const send = async (f: (c: SuggestionClient) => Promise<{ reason?: string }>, c: Promise<SuggestionClient>) => {
          const client = await c;
          try {
            return (await f(client)).reason;
          } catch (err) {
            return `${(err as Error).name}: ${(err as Error).message}`;
          } finally {
            await client.close();
          }
        };
        replies.push(
          send((c) => c.sendRaw('{"v":1,"id":"m","agent":"rogue","plan":', "m"), rogue),
          send((c) => c.suggest({ id: "u", plan: "agent_loop", points: { fridge: 1 } }), SuggestionClient.connect({ agent: "rogue", endpoint: config.bus!.suggestions, curve: { serverPublicKey: engineKeys.publicKey, keyPair: rogueKeys } })),
          send((c) => c.suggest({ id: "n", plan: "agent_loop", points: { hcm01a: Number.NaN } }), SuggestionClient.connect({ agent: "rogue", endpoint: config.bus!.suggestions, curve: { serverPublicKey: engineKeys.publicKey, keyPair: rogueKeys } })),
          send((c) => c.suggest({ id: "l", plan: "agent_loop", points: { hcm01a: 7 } }), SuggestionClient.connect({ agent: "rogue", endpoint: config.bus!.suggestions, curve: { serverPublicKey: engineKeys.publicKey, keyPair: rogueKeys } })),
          send((c) => c.sendRaw(BIG, "big"), SuggestionClient.connect({ agent: "rogue", endpoint: config.bus!.suggestions, curve: { serverPublicKey: engineKeys.publicKey, keyPair: rogueKeys } })),
          send((c) => c.sendRaw(JSON.stringify({ v: 2, id: "v2", agent: "rogue", plan: "agent_loop", points: { hcm01a: 1 } }), "v2"), SuggestionClient.connect({ agent: "rogue", endpoint: config.bus!.suggestions, curve: { serverPublicKey: engineKeys.publicKey, keyPair: rogueKeys } })),
          send((c) => c.suggest({ id: "x", plan: "agent_loop", points: { hcm01a: 1 } }), stranger),
        );
      },
    });
    const reasons = await Promise.all(replies);
    expect(reasons).toEqual([
      "malformed JSON: Unexpected end of JSON input",
      'points.fridge: unknown device "fridge" (known: hcm01a, hcm02a, hcm03a, hcm04a, hcm05a, hcm06a, vcm01a, vcm02a, vcm03a, vcm04a, vcm05a, vcm06a)',
      "points.hcm01a: expected a finite number, got null (NaN and Infinity travel as null in JSON)",
      "points.hcm01a: 7 is outside the limits [-5, 5]",
      `message of ${BIG.length} bytes exceeds the limit of 65536 bytes`,
      "v: unsupported protocol version 2; this side speaks 1",
      `TimeoutError: reply to suggestion 'x' from ${config.bus!.suggestions} timed out after 500 ms`,
    ]);
    expect(summary).toMatchObject({ exit_status: "success", stop_reason: "target", embedded: false, rejected: 0 });
    expect(summary.final_rms).toBeLessThanOrEqual(0.003);
    // Each came on its own connection: the engine heard them in any order.
    expect(summary.engine_rejections.map((r) => r.reason).sort()).toEqual(reasons.slice(0, 6).sort());
    expect(summary.refused_agents.length).toBeGreaterThan(0);
    expect(summary.refused_agents[0]).toMatch(/^CURVE handshake from .* refused: client key .* is not allowed$/);
    expect(await storedDocuments()).toEqual(writtenDocuments(summary));
    const stats = await stopAgent(agent);
    const answered = await decisions();
    expect(new Set(answered).size).toBe(answered.length);
    expect(answered.length).toBe(stats.decided);
    expect(stats.decided).toBeGreaterThanOrEqual(summary.points - 1);
  });

  it("a NATS server restart in the middle of a run loses and duplicates no document", async () => {
    nats = await NatsTestServer.start();
    const { file, dir } = await campaignFile((c) => {
      delete c.stop.target;
      c.stop.max_points = 12;
    });
    const agent = startAgent(file);
    let restart: Promise<void> | undefined;
    const summary = await runCampaign(await loadCampaign(file), {
      ...quiet,
      metadataFile: join(dir, "md.json"),
      onPoint: (p) => {
        if (p.points === 4) restart = nats!.restart();
      },
    });
    await restart;
    expect(summary).toMatchObject({ exit_status: "success", stop_reason: "budget", points: 12 });
    const written = writtenDocuments(summary);
    expect(written).toHaveLength(12 + 3);
    expect(await storedDocuments()).toEqual(written);
    await stopAgent(agent);
    const answered = await decisions();
    expect(new Set(answered).size).toBe(answered.length);
  });

  it("an agent killed in the middle of a run resumes from its durable consumer and decides nothing twice", async () => {
    nats = await NatsTestServer.start();
    const { file, dir } = await campaignFile((c) => {
      delete c.stop.target;
      c.stop.max_points = 10;
      c.plan.timeout = 30;
    });
    const first = startAgent(file);
    let second: AgentProcess | undefined;
    const summary = await runCampaign(await loadCampaign(file), {
      ...quiet,
      metadataFile: join(dir, "md.json"),
      onPoint: (p) => {
        if (p.points === 4) {
          first.child.kill("SIGKILL");
          second = startAgent(file);
        }
      },
    });
    expect(summary).toMatchObject({ exit_status: "success", stop_reason: "budget", points: 10 });
    expect((await first.exited).code).toBe(null);
    const stats = await stopAgent(second!);
    expect(stats.rebuilt + stats.resent).toBeGreaterThanOrEqual(3);
    const answered = await decisions();
    expect(new Set(answered).size).toBe(answered.length);
    // Every event but possibly the last (answered after the engine had gone) was decided exactly once.
    expect(answered.length).toBeGreaterThanOrEqual(9);
    const events = summary.files.flatMap((f) => readFileSync(f, "utf8").trim().split("\n").map((l) => JSON.parse(l) as [string, { uid: string }]).filter(([n]) => n === "event").map(([, d]) => d.uid));
    expect(answered.every((a) => events.includes(a))).toBe(true);
    expect(events.slice(0, 9).every((e) => answered.includes(e))).toBe(true);
  });
});
