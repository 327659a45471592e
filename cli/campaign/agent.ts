/**
 * The campaign's agent, from the registry by name or from the user's own module, with the settings a campaign
 * file may leave to the instrument: an orbit corrector's `response: model` (the simulated ring's nominal
 * response, rows and columns in the order of the agent's BPM fields and correctors), `response: measured`
 * (the model until the orbit response run replaces it), its correctors (the plan's movables) and their limits
 * (the devices' own). The RL orbit corrector takes its correctors from the plan too, and a `checkpoint`
 * relative to the campaign file (absent: the one shipped with skyloop).
 */
import { dirname, isAbsolute, resolve } from "node:path";
import { Container } from "inversify";
import { AGENT_REGISTRY, bindAgentRegistry } from "../../agents/registry.ts";
import type { AgentRegistry } from "../../agents/registry.ts";
import type { Agent, AgentSpec } from "../../agents/core/agent.ts";
import { RL_ORBIT_KIND } from "../../agents/rl/agent.ts";
import { SVD_ORBIT_KIND } from "../../agents/svd/agent.ts";
import { ConfigError } from "../../engine/errors.ts";
import type { RingSimulator } from "../../sims/ring/simulator.ts";
import type { CampaignConfig } from "./config.ts";

/** The composition root's container with the agent registry bound in it. */
export function agentRegistry(container = new Container()): AgentRegistry {
  if (!container.isBound(AGENT_REGISTRY)) bindAgentRegistry(container);
  return container.get(AGENT_REGISTRY);
}

/** Row indices in the ring's reading vector ([x..., y...]) of one BPM field: a whole plane or one BPM. */
function rowsOf(field: string, ring: RingSimulator): number[] | undefined {
  const m = /^(.*)-(x|y)$/.exec(field);
  if (m === null) return undefined;
  const offset = m[2] === "x" ? 0 : ring.nBpm;
  const bpm = ring.bpmNames.findIndex((b) => b.toLowerCase() === m[1]!.toLowerCase());
  if (bpm >= 0) return [offset + bpm];
  return Array.from({ length: ring.nBpm }, (_, i) => offset + i);
}

/** The ring's nominal response as rows (the agent's readings) of columns (its correctors). */
export function modelResponse(config: CampaignConfig, ring: RingSimulator, correctors: readonly string[], bpms: readonly string[]): number[][] {
  const full = ring.nominalResponse();
  const columns = correctors.map((c, j) => {
    const col = ring.correctorNames.findIndex((n) => n.toLowerCase() === c.toLowerCase());
    if (col < 0) throw new ConfigError(config.file, `field "agent.settings.correctors[${j}]": "${c}" is not a corrector of the simulated ring (${ring.correctorNames.join(", ")})`);
    return col;
  });
  const rows = bpms.flatMap((b, i) => {
    const r = rowsOf(b, ring);
    if (r === undefined) throw new ConfigError(config.file, `field "agent.settings.bpms[${i}]": "${b}" is not an orbit reading (<orbit>-x, <orbit>-y or <bpm>-x, <bpm>-y)`);
    return r;
  });
  return rows.map((i) => columns.map((j) => full.data[i * full.cols + j]!));
}

export interface AgentSetupContext {
  readonly ring?: RingSimulator | undefined;
  /** [low, high] of the plan's movables. */
  readonly limits?: ReadonlyMap<string, readonly [number, number]>;
  readonly registry?: AgentRegistry;
}

/** The settings as the agent takes them, with what the campaign left to the instrument filled in. */
export function agentSettings(config: CampaignConfig, context: AgentSetupContext): Record<string, unknown> {
  const settings: Record<string, unknown> = { ...config.agent.settings };
  if (config.agent.kind === RL_ORBIT_KIND) {
    if (settings.correctors === undefined) settings.correctors = [...config.plan.movables];
    const checkpoint = settings.checkpoint;
    if (typeof checkpoint === "string" && !isAbsolute(checkpoint)) settings.checkpoint = resolve(dirname(resolve(config.file)), checkpoint);
    return settings;
  }
  if (config.agent.kind !== SVD_ORBIT_KIND) return settings;
  if (settings.correctors === undefined) settings.correctors = [...config.plan.movables];
  const response = settings.response;
  if (response === "model" || response === "measured") {
    if (response === "measured" && config.plan.response === undefined) {
      throw new ConfigError(config.file, `field "agent.settings.response": "measured" needs "plan.response" (kick, settle) to measure it`);
    }
    if (context.ring === undefined) throw new ConfigError(config.file, `field "agent.settings.response": "${response}" needs a simulated ring to take the model from`);
    if (!Array.isArray(settings.correctors) || !Array.isArray(settings.bpms)) {
      throw new ConfigError(config.file, `field "agent.settings": "response: ${response}" needs "bpms" (and "correctors") as lists of names`);
    }
    settings.response = modelResponse(config, context.ring, settings.correctors as string[], settings.bpms as string[]);
  }
  if (settings.limits === undefined && context.limits !== undefined && Array.isArray(settings.correctors)) {
    const limits: Record<string, [number, number]> = {};
    let all = true;
    for (const c of settings.correctors as string[]) {
      const l = context.limits.get(c);
      if (l === undefined) all = false;
      else limits[c] = [l[0], l[1]];
    }
    if (all) settings.limits = limits;
  }
  return settings;
}

/** The agent the campaign names; every failure is a ConfigError naming the file. */
export async function createCampaignAgent(config: CampaignConfig, context: AgentSetupContext = {}): Promise<Agent> {
  const registry = context.registry ?? agentRegistry();
  const settings = agentSettings(config, context);
  const a = config.agent;
  const spec: AgentSpec =
    a.module !== undefined ? { module: a.module, name: a.name, settings, ...(a.export ? { export: a.export } : {}) } : { kind: a.kind!, name: a.name, settings };
  return registry.create(spec, { file: config.file });
}
