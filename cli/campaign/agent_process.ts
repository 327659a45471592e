/**
 * `skyloop agent run <file>`: the agent half of a distributed campaign, in a process of its own. It builds the
 * agent the campaign names (taking a simulated ring's model response from the profile when asked), reads the
 * documents through its durable consumer, records its decisions on NATS and sends suggestions to the engine.
 * Stopped and started again, it resumes where its durable consumer stopped.
 */
import { filter, firstValueFrom, take } from "rxjs";
import { buildSimulators } from "../../sims/instrument.ts";
import { ConfigError } from "../../engine/errors.ts";
import { createCampaignAgent } from "./agent.ts";
import type { CampaignConfig } from "./config.ts";
import { campaignProfile } from "./instrument.ts";
import { durableName, instrumentToken, openBus, startAgentSide } from "./session.ts";
import type { RunnerStats } from "../../agents/runner.ts";

export interface AgentProcessOptions {
  /** Stop after answering this many runs (their stop documents handled). @default run until stopped */
  runs?: number;
  /** Resolves when the process is asked to stop (a signal). */
  stopSignal?: Promise<void>;
  log?: (line: string) => void;
  /** Told once the agent listens. */
  onReady?: (info: { agent: string; durable: string; endpoint: string }) => void;
}

export interface AgentProcessSummary extends RunnerStats {
  agent: string;
  durable: string;
  runs: number;
}

export async function runAgentProcess(config: CampaignConfig, options: AgentProcessOptions = {}): Promise<AgentProcessSummary> {
  if (config.bus === undefined) {
    throw new ConfigError(config.file, `field "bus": "skyloop agent run" needs a bus (nats, suggestions); without one, "skyloop campaign run" runs the agent in-process`);
  }
  const profile = await campaignProfile(config);
  // Real PVs may come without a simulation section: then there is no model to take a response from.
  const simulated = config.instrument.target !== "ca" || Object.keys(profile.simulation ?? {}).length > 0;
  const sims = simulated ? buildSimulators(profile) : { ring: undefined, tables: [] };
  const ring = sims.ring;
  const limits = new Map<string, readonly [number, number]>();
  if (ring !== undefined) {
    for (const c of config.plan.movables) if (ring.correctorNames.some((n) => n.toLowerCase() === c.toLowerCase())) limits.set(c, [-ring.correctorLimitA, ring.correctorLimitA]);
  }
  for (const t of sims.tables) t.dispose();
  const agent = await createCampaignAgent(config, { ring, limits });
  const token = instrumentToken(config, profile.instrument);
  const bus = await openBus(config, token);
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  let side;
  try {
    side = await startAgentSide({ config, bus, agent, instrument: token, endpoint: config.bus.suggestions, log });
  } catch (err) {
    await bus.close();
    throw err;
  }
  const durable = durableName(config, agent.name);
  options.onReady?.({ agent: agent.name, durable, endpoint: config.bus.suggestions });
  let runs = 0;
  side.runner.runStops$.subscribe(() => runs++);
  const waits: Promise<unknown>[] = [side.runner.done];
  if (options.runs !== undefined) waits.push(firstValueFrom(side.runner.runStops$.pipe(take(options.runs), filter((_, i) => i === options.runs! - 1))));
  if (options.stopSignal !== undefined) waits.push(options.stopSignal);
  try {
    await Promise.race(waits);
  } finally {
    await side.close();
    await bus.close();
  }
  return { agent: agent.name, durable, runs, ...side.runner.stats };
}
