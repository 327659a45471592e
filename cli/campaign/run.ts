/**
 * One campaign, engine side: build the instrument, open the bus and the suggestion server, start the agent
 * in-process when there is no bus (the embedded default), measure the orbit response first when asked, run
 * the agent loop with a progress line, and summarise. With a bus, the agent runs elsewhere (`skyloop agent
 * run`); the engine waits for it to be heard before starting.
 */
import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import { filter, firstValueFrom, timeout as rxTimeout } from "rxjs";
import { JsonlWriter } from "../../engine/callbacks/jsonl.ts";
import { SkyloopError, TimeoutError } from "../../engine/errors.ts";
import { agentLoop } from "../../engine/plans/agent-loop.ts";
import type { AgentLoopProgress, AgentLoopResult } from "../../engine/plans/agent-loop.ts";
import { orbitResponse } from "../../engine/plans/orbit-response.ts";
import { RunEngine, RunEngineState } from "../../engine/run_engine/index.ts";
import type { LogSink } from "../../engine/run_engine/index.ts";
import { AgentState } from "../../bridge/suggestions/server.ts";
import type { Rejection } from "../../bridge/suggestions/server.ts";
import { promptWhenPaused } from "../paused_prompt.ts";
import { createCampaignAgent } from "./agent.ts";
import { attachCampaignControl } from "./control.ts";
import type { CampaignControl } from "./control.ts";
import type { CampaignConfig } from "./config.ts";
import { applySetup, buildCampaignInstrument, movableLimits, resolveDevices } from "./instrument.ts";
import { CampaignProgress, objectiveFunction } from "./progress.ts";
import { bindSuggestionServer, instrumentToken, openBus, startAgentSide } from "./session.ts";
import type { AgentSide } from "./session.ts";

export interface CampaignRunOptions {
  /** Where progress and notices go. @default process.stderr */
  stream?: NodeJS.WriteStream;
  /** Ask at the terminal when the engine pauses; otherwise a pause for want of suggestions aborts. @default stdin is a TTY */
  interactive?: boolean;
  /** @default ".skyloop/metadata.json" */
  metadataFile?: string;
  /** Distributed mode: how long to wait for the agent to be heard, ms. @default 30_000 */
  agentWaitMs?: number;
  /** Engine notices. @default a line on `stream` */
  log?: LogSink;
  /** Told after each point, besides the progress line. */
  onPoint?: (progress: AgentLoopProgress) => void;
  /**
   * Lets `skyloop watch` pause, resume and abort the campaign with this token (`skyloop.<instrument>.control`
   * over NATS, an in-process channel embedded). @default no control
   */
  controlToken?: string;
  /** Serve the live page from this process on this port (0: any free one). @default none */
  watchPort?: number;
  /** Told the live page's address once it is served. */
  onWatch?: (url: string) => void;
  /** Told once the campaign can be controlled (its control listener is up). */
  onControl?: (control: CampaignControl) => void;
}

export interface CampaignSummary {
  campaign: string;
  mode: string;
  agent: string;
  /** Where the devices lived: sim, ioc or ca. */
  target: string;
  embedded: boolean;
  exit_status: string;
  reason?: string;
  stop_reason?: string;
  points: number;
  iterations: number;
  rejected: number;
  engine_rejections: Rejection[];
  /** Agents the engine refused at the door (CurveZMQ), with why. */
  refused_agents: string[];
  objective?: number;
  best_value?: number;
  best_at?: Record<string, number>;
  final_rms?: number;
  initial_rms?: number;
  decisions?: number;
  response_measured?: boolean;
  uids: string[];
  files: string[];
  plot?: string;
  duration_s: number;
}

/** Runs a campaign to its end and returns its summary (nothing is printed but progress and notices). */
export async function runCampaign(config: CampaignConfig, options: CampaignRunOptions = {}): Promise<CampaignSummary> {
  const t0 = performance.now();
  const stream = options.stream ?? process.stderr;
  const log: LogSink = options.log ?? ((line) => stream.write(line.endsWith("\n") ? line : `${line}\n`));
  const interactive = options.interactive ?? process.stdin.isTTY === true;
  const cleanup: (() => Promise<void> | void)[] = [];
  try {
    const instrument = await buildCampaignInstrument(config);
    cleanup.push(() => instrument.close());
    if (instrument.target !== "sim") log(`skyloop: ${config.name}: devices on ${instrument.description}`);
    await applySetup(config, instrument);
    const { detectors, movables } = resolveDevices(config, instrument.devices);
    const limits = await movableLimits(config, movables);
    const token = instrumentToken(config, instrument.name);

    const outDir = resolve(config.output);
    mkdirSync(outDir, { recursive: true });
    const metadataFile = options.metadataFile ?? ".skyloop/metadata.json";
    mkdirSync(resolve(metadataFile, ".."), { recursive: true });
    const RE = new RunEngine({ metadataFile, log });
    const writer = new JsonlWriter({ directory: outDir });
    RE.subscribe(writer.callback);
    cleanup.push(() => writer.close());

    const bus = await openBus(config, token);
    cleanup.push(() => bus.close());
    const publisher = await bus.publisher();
    RE.subscribe(publisher.callback);
    const server = await bindSuggestionServer(config, movables.map((m) => m.name), limits);
    cleanup.push(() => server.close());
    const rejections: Rejection[] = [];
    server.rejections$.subscribe((r) => {
      rejections.push(r);
      log(`skyloop: suggestion ${r.id ?? "?"} from ${r.agent ?? "an unknown agent"} rejected: ${r.reason}`);
    });

    const refused: string[] = [];
    server.agents$.pipe(filter((e) => e.state === AgentState.Refused)).subscribe((e) => {
      refused.push(e.detail ?? e.agent);
      log(`skyloop: ${e.detail ?? `agent ${e.agent} refused`}`);
    });
    let agentSide: AgentSide | undefined;
    if (config.bus === undefined) {
      const agent = await createCampaignAgent(config, { ring: instrument.ring, limits });
      agentSide = await startAgentSide({ config, bus, agent, instrument: token, endpoint: server.endpoint, log });
      cleanup.push(() => agentSide!.close());
    } else {
      await waitForAgent(server, config, options.agentWaitMs ?? 30_000, log);
    }

    const control = await attachCampaignControl({
      engine: RE,
      bus,
      instrument: token,
      campaign: config.name,
      token: options.controlToken,
      watchPort: options.watchPort,
      decisions$: agentSide?.decisions.records$,
      log,
    });
    cleanup.push(() => control.close());
    if (control.watchUrl !== undefined) options.onWatch?.(control.watchUrl);
    if (control.listener !== undefined) options.onControl?.(control);

    let responseMeasured = false;
    let responseRun: Awaited<ReturnType<RunEngine["run"]>> | undefined;
    const md = { campaign: config.name, agent: config.agent.name };
    if (config.plan.response !== undefined) {
      const r = config.plan.response;
      responseRun = await RE.run(orbitResponse({ detectors, correctors: movables, kick: r.kick, settle: r.settle, bipolar: r.bipolar }), md);
      responseMeasured = responseRun.exitStatus === "success";
    }

    const progress = new CampaignProgress({ maxPoints: config.stop.maxPoints, stream });
    let pauseReason: string | undefined;
    const disposePrompt = interactive ? promptWhenPaused(RE) : () => undefined;
    // A pause asked for through the control subject waits to be resumed the same way.
    const pauses = RE.state$.pipe(filter((s) => s === RunEngineState.Paused)).subscribe(() => {
      if (!interactive && !control.pausedRemotely) void RE.abort(pauseReason ?? "paused with no one at a terminal to resume").catch(() => undefined);
    });
    const disposeSigint = interactive ? RE.installSigintHandler() : () => undefined;
    let result: Awaited<ReturnType<RunEngine["run"]>>;
    try {
      // An abort during the response measurement ends the campaign: the loop is not started behind it.
      if (responseRun !== undefined && !responseMeasured) result = responseRun;
      else result = await RE.run(
        agentLoop({
          source: server,
          detectors,
          movables,
          maxPoints: config.stop.maxPoints,
          mode: config.plan.mode,
          timeout: config.plan.timeout,
          settle: config.plan.settle,
          goal: config.stop.goal,
          ...(config.stop.objective ? { objective: objectiveFunction(config.stop.objective) } : {}),
          ...(config.stop.target ? { target: config.stop.target } : {}),
          md,
          onPoint: (p) => {
            progress.onPoint(p);
            options.onPoint?.(p);
          },
          onRejected: (reason, s) =>
            log(`skyloop: suggestion ${s.request.id} from ${s.agent} refused ${s.refused !== undefined ? "at the bridge" : "by the plan"}: ${reason}; measuring again`),
          onTimeout: (reason) => (pauseReason = reason),
        }),
      );
    } finally {
      progress.finish();
      pauses.unsubscribe();
      disposePrompt();
      disposeSigint();
    }
    await publisher.flush().catch(() => undefined);

    const loop = result === responseRun ? undefined : (result.planResult as AgentLoopResult | undefined);
    const startDoc = result.uids.length > 0 ? result.uids[result.uids.length - 1]! : "campaign";
    const plot =
      progress.points.length > 0
        ? progress.writePlot(outDir, `${config.name}-${startDoc.slice(0, 8)}`, `${config.name}: objective per point`, objectiveLabel(config))
        : undefined;
    const isOrbit = config.stop.objective?.kind === "rms";
    const summary: CampaignSummary = {
      campaign: config.name,
      mode: config.plan.mode,
      agent: config.agent.name,
      target: config.instrument.target,
      embedded: config.bus === undefined,
      exit_status: result.exitStatus,
      ...(result.reason ? { reason: result.reason } : {}),
      ...(loop ? { stop_reason: loop.stopReason } : {}),
      points: loop?.points ?? progress.points.length,
      iterations: loop?.iterations ?? 0,
      rejected: loop?.rejected ?? 0,
      engine_rejections: rejections,
      refused_agents: refused,
      ...(loop?.objective !== undefined ? { objective: loop.objective } : {}),
      ...(loop?.best !== undefined ? { best_value: loop.best } : {}),
      ...(loop?.bestAt !== undefined ? { best_at: loop.bestAt } : {}),
      ...(isOrbit && progress.objective.length > 0 ? { initial_rms: progress.objective[0]!, final_rms: progress.objective[progress.objective.length - 1]! } : {}),
      ...(agentSide ? { decisions: agentSide.runner.stats.decided } : {}),
      ...(config.plan.response ? { response_measured: responseMeasured } : {}),
      uids: result.uids,
      files: [...writer.files],
      ...(plot ? { plot } : {}),
      duration_s: (performance.now() - t0) / 1000,
    };
    return summary;
  } finally {
    for (const c of cleanup.reverse()) {
      try {
        await c();
      } catch {
        // Closing goes on past one part that fails to close.
      }
    }
  }
}

function objectiveLabel(config: CampaignConfig): string {
  const o = config.stop.objective;
  if (o === undefined) return "objective";
  return o.kind === "rms" ? `RMS of ${o.fields.join(", ")}` : o.field;
}

async function waitForAgent(server: Awaited<ReturnType<typeof bindSuggestionServer>>, config: CampaignConfig, ms: number, log: LogSink): Promise<void> {
  log(`skyloop: waiting for agent "${config.agent.name}" at ${server.endpoint} (start it with: skyloop agent run ${config.file})`);
  try {
    await firstValueFrom(server.agents$.pipe(filter((e) => e.state === AgentState.Alive && e.agent === config.agent.name), rxTimeout(ms)));
  } catch (cause) {
    if (cause instanceof SkyloopError) throw cause;
    throw new TimeoutError(`agent "${config.agent.name}" to connect to ${server.endpoint}`, ms, undefined, { cause });
  }
}
