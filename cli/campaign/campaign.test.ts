import { afterEach, describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parse, stringify } from "yaml";
import { documentProblems } from "../../engine/documents/validate.ts";
import type { DocumentName } from "../../engine/documents/types.ts";
import { ConfigError } from "../../engine/errors.ts";
import { loadProfile } from "../../devices/profile.ts";
import { startIoc } from "../../sims/ioc/ioc.ts";
import { Rng } from "../../sims/math/index.ts";
import { loadCampaign, parseCampaign } from "./config.ts";
import { runCampaign } from "./run.ts";
import { encodeJson } from "../../bridge/wire.ts";
import { parseControlReply } from "../../watch/control.ts";
import type { ControlReply } from "../../watch/control.ts";

const ROOT = resolve(import.meta.dirname, "../..");
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), "skyloop-campaign-"));
  dirs.push(d);
  return d;
}

/** An example campaign, edited, written next to a temporary output folder. */
function example(name: string, edit: (c: Record<string, any>) => void = () => undefined): string {
  const dir = tempDir();
  const c = parse(readFileSync(join(ROOT, "examples", name), "utf8")) as Record<string, any>;
  c.instrument.profile = join(ROOT, "profiles", c.instrument.profile.split("/").pop());
  c.output = join(dir, "data");
  edit(c);
  const file = join(dir, name);
  writeFileSync(file, stringify(c));
  return file;
}

const quiet = { interactive: false, stream: { write: () => true, isTTY: false } as unknown as NodeJS.WriteStream, metadataFile: "" };

function documentsOf(files: readonly string[]): [DocumentName, object][] {
  return files.flatMap((f) => readFileSync(f, "utf8").trim().split("\n").map((l) => JSON.parse(l) as [DocumentName, object]));
}

describe("an embedded campaign (in-process bus, inproc ZeroMQ, the agent in the same process)", () => {
  it("corrects the simulated ring's orbit to the target, and every document it writes is valid", async () => {
    const file = example("orbit-svd.yaml");
    const points: number[] = [];
    const summary = await runCampaign(await loadCampaign(file), { ...quiet, metadataFile: join(tempDir(), "md.json"), onPoint: (p) => points.push(p.objective!) });
    expect(summary).toMatchObject({ exit_status: "success", stop_reason: "target", embedded: true, rejected: 0, engine_rejections: [] });
    expect(summary.initial_rms).toBeGreaterThan(0.1);
    expect(summary.final_rms).toBeLessThanOrEqual(0.003);
    expect(points[points.length - 1]).toBe(summary.final_rms);
    expect(points.slice(1).every((v, i) => v < points[i]! || v < 0.005)).toBe(true);
    expect(summary.decisions).toBe(summary.points);
    const docs = documentsOf(summary.files);
    expect(docs.filter(([n]) => n === "event")).toHaveLength(summary.points);
    for (const [name, doc] of docs) expect(documentProblems(name, doc as never)).toEqual([]);
    expect(readFileSync(summary.plot!, "utf8")).toMatch(/^<svg[^>]*>[\s\S]*objective per point[\s\S]*<\/svg>\s*$/);
  });

  it("measures the orbit response first and corrects with the measured matrix", async () => {
    const file = example("orbit-svd.yaml", (c) => {
      c.plan.response = { kick: 0.5, settle: 0.02 };
      c.agent.settings.response = "measured";
    });
    const summary = await runCampaign(await loadCampaign(file), { ...quiet, metadataFile: join(tempDir(), "md.json") });
    expect(summary).toMatchObject({ exit_status: "success", stop_reason: "target", response_measured: true });
    expect(summary.final_rms).toBeLessThanOrEqual(0.003);
    const starts = documentsOf(summary.files).filter(([n]) => n === "start").map(([, d]) => (d as { plan_name: string }).plan_name);
    expect(starts).toEqual(["orbit_response_matrix", "agent_loop"]);
  });

  it("ends the campaign when the response measurement is aborted, without starting the loop", async () => {
    const file = example("orbit-svd.yaml", (c) => {
      c.plan.response = { kick: 0.5, settle: 0.2 };
      c.agent.settings.response = "measured";
    });
    const request = encodeJson({ v: 1, action: "abort", reason: "beam dump", token: "t0ken" });
    let aborting: Promise<ControlReply> | undefined;
    const summary = await runCampaign(await loadCampaign(file), {
      ...quiet,
      metadataFile: join(tempDir(), "md.json"),
      controlToken: "t0ken",
      // The measurement starts as soon as control is up and lasts seconds (0.2 s settle per kick).
      onControl: (control) =>
        (aborting = (async () => {
          await new Promise((r) => setTimeout(r, 300));
          return parseControlReply(await control.listener!.handle(request));
        })()),
    });
    expect(await aborting).toMatchObject({ ok: true, action: "abort" });
    expect(summary).toMatchObject({ exit_status: "abort", reason: "beam dump", response_measured: false, points: 0, iterations: 0 });
    expect(summary.stop_reason).toBeUndefined();
    const starts = documentsOf(summary.files).filter(([n]) => n === "start").map(([, d]) => (d as { plan_name: string }).plan_name);
    expect(starts).toEqual(["orbit_response_matrix"]);
  });

  it("runs per run with a user's own agent module, and aborts with the reason when no suggestion comes", async () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, "silent.ts"),
      `export default (settings, ctx) => ({ name: ctx.name, fields: { independent: ["mirror-pitch"], dependent: ["ic-i0"] },
        tell: () => ({}), ask: () => { throw Object.assign(new (class AgentNotReadyError extends Error {})("never ready"), {}); },
        report: () => ({ agent: ctx.name, kind: "silent", observations: 0, done: false }), reset: () => undefined });`,
    );
    const file = example("beamline-bo.yaml", (c) => {
      c.agent = { module: join(dir, "silent.ts"), name: "silent" };
      c.plan.timeout = 0.3;
      c.stop.max_points = 3;
    });
    const summary = await runCampaign(await loadCampaign(file), { ...quiet, metadataFile: join(dir, "md.json") });
    expect(summary.exit_status).toBe("abort");
    expect(summary.reason).toBe("waiting for a suggestion for point 2 timed out after 300 ms; pausing: resume to wait again, or stop");
    expect(summary.points).toBe(1);
  });
});

describe("a refused suggestion in a campaign", () => {
  it("is answered with its reason, moves nothing, and the loop measures again so the agent can decide anew", async () => {
    const dir = tempDir();
    // Asks first for a pitch past the campaign's limits, then for points inside them.
    writeFileSync(
      join(dir, "eager.ts"),
      `export default (settings, ctx) => { let n = 0; return { name: ctx.name, fields: { independent: ["mirror-pitch"], dependent: ["ic-i0"] },
        tell: () => ({}), ask: () => [{ points: { "mirror-pitch": n++ === 0 ? 3.6 : 3.5 + 0.001 * n } }],
        report: () => ({ agent: ctx.name, kind: "eager", observations: n, done: false }), reset: () => undefined }; };`,
    );
    const file = example("beamline-bo.yaml", (c) => {
      c.agent = { module: join(dir, "eager.ts"), name: "eager" };
      c.plan.mode = "per_event";
      c.plan.movables = ["mirror.pitch"];
      delete c.plan.limits["slits.v_gap"];
      c.plan.timeout = 5;
      c.stop.max_points = 4;
    });
    const logs: string[] = [];
    const summary = await runCampaign(await loadCampaign(file), { ...quiet, metadataFile: join(dir, "md.json"), log: (l: string) => logs.push(l) });
    expect(summary).toMatchObject({ exit_status: "success", stop_reason: "budget", points: 4 });
    expect(logs.some((l) => l.includes("refused at the bridge: points.mirror-pitch: 3.6 is outside the limits [3.49, 3.51]; measuring again"))).toBe(true);
    const pitches = documentsOf(summary.files).filter(([n]) => n === "event").map(([, d]) => (d as { data: Record<string, number> }).data["mirror-pitch"]!);
    expect(pitches).toHaveLength(4);
    expect(pitches.every((p) => p >= 3.49 && p <= 3.51)).toBe(true);
    expect(pitches[1]).toBeCloseTo(pitches[0]!, 6); // the refused point moved nothing
  });
});

describe("the trained RL agent in a campaign, like any other agent", () => {
  it("examples/orbit-rl.yaml corrects the in-process ring to the target from the shipped checkpoint", async () => {
    const file = example("orbit-rl.yaml");
    const summary = await runCampaign(await loadCampaign(file), { ...quiet, metadataFile: join(tempDir(), "md.json") });
    expect(summary).toMatchObject({ exit_status: "success", stop_reason: "target", agent: "rl", target: "sim", embedded: true, rejected: 0, engine_rejections: [] });
    expect(summary.initial_rms).toBeGreaterThan(0.1);
    expect(summary.final_rms).toBeLessThanOrEqual(0.003);
    expect(summary.iterations).toBeLessThanOrEqual(10);
    expect(summary.decisions).toBe(summary.points);
    const start = documentsOf(summary.files).find(([n]) => n === "start")![1] as Record<string, unknown>;
    expect(start).toMatchObject({ plan_name: "agent_loop", campaign: "orbit-rl", agent: "rl" });
  });
});

describe("campaign targets: the soft IOC in this process, over Channel Access", () => {
  it("orbit-svd reaches its target RMS on the ioc target", async () => {
    const file = example("orbit-svd.yaml", (c) => (c.instrument.target = "ioc"));
    const lines: string[] = [];
    const summary = await runCampaign(await loadCampaign(file), { ...quiet, log: (l) => lines.push(l), metadataFile: join(tempDir(), "md.json") });
    expect(summary).toMatchObject({ exit_status: "success", stop_reason: "target", target: "ioc", rejected: 0, engine_rejections: [] });
    expect(summary.initial_rms).toBeGreaterThan(0.1);
    expect(summary.final_rms).toBeLessThanOrEqual(0.003);
    expect(lines[0]).toMatch(/^skyloop: orbit-svd: devices on soft IOC on 127\.0\.0\.1:\d+ \(\d+ PVs\) over Channel Access$/);
    const events = documentsOf(summary.files).filter(([n]) => n === "event").map(([, d]) => d as { data: Record<string, unknown> });
    expect(events).toHaveLength(summary.points);
    expect((events[0]!.data["orbit-x"] as number[]).length).toBe(12);
  });

  it("examples/orbit-rl.yaml reaches its target RMS on the ioc target", async () => {
    const file = example("orbit-rl.yaml", (c) => (c.instrument.target = "ioc"));
    const summary = await runCampaign(await loadCampaign(file), { ...quiet, metadataFile: join(tempDir(), "md.json") });
    expect(summary).toMatchObject({ exit_status: "success", stop_reason: "target", target: "ioc", agent: "rl", rejected: 0, engine_rejections: [] });
    expect(summary.final_rms).toBeLessThanOrEqual(0.003);
  });
});

describe("campaign targets: real PVs (ca), found through the EPICS variables", () => {
  it("orbit-svd reaches its target on PVs served elsewhere, with its response matrix in its settings", async () => {
    // "Elsewhere": an IOC this test starts, distorted by hand, reached only through EPICS_CA_* variables.
    const base = await loadProfile(join(ROOT, "profiles/sim-ring.yaml"));
    const profile = { ...base, simulation: { ring: { ...(base.simulation.ring as object), imperfections: "none", disturbances: "typical" } } };
    const ioc = await startIoc({ sim: "ring", profile, port: 0, beaconPeriodMs: 0, env: {} });
    const ring = ioc.machine.ring!;
    const rng = new Rng(3);
    ring.setCorrectors(Array.from({ length: ring.nCorrectors }, () => rng.uniformIn(-1.5, 1.5)));
    const saved = { ...process.env };
    Object.assign(process.env, { EPICS_CA_ADDR_LIST: `127.0.0.1:${ioc.server.udpPort}`, EPICS_CA_AUTO_ADDR_LIST: "NO", EPICS_CA_MAX_ARRAY_BYTES: String(ioc.maxArrayBytes + 64) });
    try {
      const r = ring.nominalResponse();
      const response = Array.from({ length: r.rows }, (_, i) => Array.from(r.data.subarray(i * r.cols, (i + 1) * r.cols)));
      const file = example("orbit-svd.yaml", (c) => {
        c.instrument = { profile: c.instrument.profile, target: "ca" };
        c.agent.settings.response = response;
      });
      const summary = await runCampaign(await loadCampaign(file), { ...quiet, metadataFile: join(tempDir(), "md.json") });
      expect(summary).toMatchObject({ exit_status: "success", stop_reason: "target", target: "ca", rejected: 0, engine_rejections: [] });
      expect(summary.initial_rms).toBeGreaterThan(0.1);
      expect(summary.final_rms).toBeLessThanOrEqual(0.003);
    } finally {
      process.env = saved;
      await ioc.close();
    }
  });
});

describe("campaign file errors name the file and the field", () => {
  const base = () => parse(readFileSync(join(ROOT, "examples/orbit-svd.yaml"), "utf8")) as Record<string, any>;
  const cases: [string, (c: Record<string, any>) => void, string][] = [
    ["a missing section", (c) => delete c.stop, 'field "stop": is required'],
    ["a misspelt field", (c) => (c.plan.setle = 1), 'field "plan.setle": unknown field (known here: mode, detectors, movables, settle, timeout, limits, response)'],
    ["a bad mode", (c) => (c.plan.mode = "sometimes"), 'field "plan.mode": must be one of per_event, per_run, got "sometimes"'],
    ["a movable named twice", (c) => (c.plan.movables = ["hcm01a", "hcm01a"]), 'field "plan.movables[1]": names "hcm01a" twice'],
    ["a negative budget", (c) => (c.stop.max_points = -3), 'field "stop.max_points": must be an integer >= 1, got -3'],
    ["kind and module both", (c) => (c.agent.module = "./a.ts"), 'field "agent": give exactly one of "kind" (a registered agent) and "module" (a file of your own), got both'],
    ["a target with nothing to compare", (c) => delete c.stop.objective, 'field "stop.target": needs "stop.objective" to compare with'],
    ["a bus without a port", (c) => (c.bus = { nats: "nats://127.0.0.1:4222", suggestions: "tcp://127.0.0.1" }), 'field "bus.suggestions": must be a ZeroMQ endpoint with a port, e.g. tcp://127.0.0.1:5557, got "tcp://127.0.0.1"'],
    ["an unknown target", (c) => (c.instrument.target = "pva"), 'field "instrument.target": must be one of sim, ioc, ca, got "pva"'],
    ["simulator settings for real PVs", (c) => (c.instrument.target = "ca"), 'field "instrument.simulation": applies to the simulated targets (sim, ioc), not to real PVs (target "ca"), got {"ring":{"imperfections":"none","disturbances":"typical"}}'],
  ];
  it.each(cases)("%s", (_, edit, message) => {
    const c = base();
    edit(c);
    const parseIt = () => parseCampaign(c, "campaigns/orbit.yaml");
    expect(parseIt).toThrow(ConfigError);
    expect(parseIt).toThrow(`campaigns/orbit.yaml: ${message}`);
  });

  it("an unknown device, and an agent setting the agent refuses, when the campaign starts", async () => {
    const noDevice = example("orbit-svd.yaml", (c) => (c.plan.movables = ["hcm01a", "fridge"]));
    const err1 = await runCampaign(await loadCampaign(noDevice), quiet).catch((e: unknown) => e);
    expect(err1).toBeInstanceOf(ConfigError);
    expect((err1 as Error).message).toMatch(new RegExp(`^${noDevice.replaceAll("/", "\\/")}: field "plan\\.movables\\[1\\]": no device "fridge" in .*sim-ring\\.yaml \\(devices: orbit, dcct, tune`));
    const badSetting = example("orbit-svd.yaml", (c) => (c.agent.settings.tikonov = 0.1));
    const err2 = await runCampaign(await loadCampaign(badSetting), quiet).catch((e: unknown) => e);
    expect(err2).toBeInstanceOf(ConfigError);
    expect((err2 as Error).message).toBe(`${badSetting}: agent "svd": setting "tikonov" is not a setting of this agent (misspelt?), got 0.1`);
  });

  it("an unreadable file", async () => {
    const err = await loadCampaign("nowhere/missing.yaml").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toMatch(/^nowhere\/missing\.yaml: cannot read the campaign file: ENOENT/);
  });
});
