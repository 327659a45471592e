/**
 * The wiring both halves of a campaign share: the document bus (in-process, or NATS JetStream), the engine's
 * suggestion server with its policy built from the devices' limits, and the agent's runner (durable consumer,
 * decision log, suggestion client). Embedded and distributed campaigns differ only in what is opened here.
 */
import { randomUUID } from "node:crypto";
import type { AgentRunner } from "../../agents/runner.ts";
import { AgentRunner as Runner } from "../../agents/runner.ts";
import { InProcessDecisionLog, NatsDecisionLog } from "../../agents/decisions.ts";
import type { DecisionLog } from "../../agents/decisions.ts";
import type { Agent } from "../../agents/core/agent.ts";
import type { DocumentBus } from "../../bridge/documents/bus.ts";
import { InProcessBus } from "../../bridge/documents/in_process_bus.ts";
import { NatsDocumentBus } from "../../bridge/documents/nats_bus.ts";
import { SuggestionClient } from "../../bridge/suggestions/client.ts";
import type { CurveClientOptions } from "../../bridge/suggestions/client.ts";
import type { DevicePolicy } from "../../bridge/suggestions/policy.ts";
import { SuggestionServer } from "../../bridge/suggestions/server.ts";
import type { CurveServerOptions } from "../../bridge/suggestions/server.ts";
import { ConfigError } from "../../engine/errors.ts";
import { AGENT_LOOP_PLAN_NAME } from "../../engine/plans/agent-loop.ts";
import type { CampaignConfig } from "./config.ts";

/** The subject token documents and decisions travel under. */
export function instrumentToken(config: CampaignConfig, profileInstrument: string): string {
  return config.bus?.instrument ?? profileInstrument;
}

/** The durable consumer an agent of this campaign reads through: progress is kept under it. */
export function durableName(config: CampaignConfig, agent: string): string {
  return `${config.name}-${agent}`;
}

export async function openBus(config: CampaignConfig, instrument: string): Promise<DocumentBus> {
  if (config.bus === undefined) return new InProcessBus({ instrument });
  return NatsDocumentBus.connect({ instrument, nats: { servers: config.bus.nats, name: `skyloop ${config.name}` } });
}

export async function openDecisionLog(bus: DocumentBus, instrument: string): Promise<DecisionLog> {
  if (bus instanceof NatsDocumentBus) return NatsDecisionLog.connect({ instrument, connection: bus.connection });
  return new InProcessDecisionLog(instrument);
}

/** The engine's suggestion server: only the plan's movables, inside their limits, for the agent loop. */
export async function bindSuggestionServer(
  config: CampaignConfig,
  movables: readonly string[],
  limits: ReadonlyMap<string, readonly [number, number]>,
): Promise<SuggestionServer> {
  // Suggestions name devices as their documents do (`mirror-pitch`, not the campaign's `mirror.pitch`).
  const devices = new Map<string, DevicePolicy>(movables.map((name) => [name, {}]));
  for (const [name, l] of limits) devices.set(name, { limits: l });
  const curve = config.bus?.curve;
  if (curve !== undefined && curve.serverSecretFile === undefined) {
    throw new ConfigError(config.file, `field "bus.curve.server_secret": is required on the engine side (the engine's secret certificate)`);
  }
  const curveOptions: CurveServerOptions | undefined =
    curve === undefined ? undefined : { keyPairFile: curve.serverSecretFile!, ...(curve.allowedClientsFile ? { allowedClientsFile: curve.allowedClientsFile } : {}) };
  return SuggestionServer.bind({
    endpoint: config.bus?.suggestions ?? `inproc://skyloop-${config.name}-${randomUUID().slice(0, 8)}`,
    policy: { devices, allowedPlans: [AGENT_LOOP_PLAN_NAME] },
    // The loop waits for its agent's answers in lock-step: a refused one must still bring a fresh reading.
    reportRefusalsFrom: [config.agent.name],
    ...(curveOptions ? { curve: curveOptions } : {}),
  });
}

export interface AgentSide {
  readonly runner: AgentRunner;
  readonly client: SuggestionClient;
  readonly decisions: DecisionLog;
  close(): Promise<void>;
}

export interface AgentSideOptions {
  config: CampaignConfig;
  bus: DocumentBus;
  agent: Agent;
  instrument: string;
  /** The engine's endpoint (the bound one in embedded mode). */
  endpoint: string;
  log?: (line: string) => void;
}

/** Consumer first, then the client: when the engine hears the agent, its durable consumer exists. */
export async function startAgentSide(options: AgentSideOptions): Promise<AgentSide> {
  const { config, bus, agent } = options;
  const curve = config.bus?.curve;
  if (curve !== undefined && curve.serverKeyFile === undefined) {
    throw new ConfigError(config.file, `field "bus.curve.server_key": is required on the agent side (the engine's public key)`);
  }
  const curveOptions: CurveClientOptions | undefined =
    curve === undefined ? undefined : { serverPublicKeyFile: curve.serverKeyFile!, ...(curve.clientKeyFile ? { keyPairFile: curve.clientKeyFile } : {}) };
  // What is opened is closed again if a later part fails: an open client socket would keep the process alive.
  const opened: { close(): Promise<void> }[] = [];
  let consumer, decisions, client, runner;
  try {
    consumer = await bus.consumer({ durable: durableName(config, agent.name), deliver: config.bus?.deliver ?? "new" });
    opened.push(consumer);
    decisions = await openDecisionLog(bus, options.instrument);
    opened.push(decisions);
    client = await SuggestionClient.connect({ agent: agent.name, endpoint: options.endpoint, ...(curveOptions ? { curve: curveOptions } : {}) });
    opened.push(client);
    runner = await Runner.start({
      agent,
      consumer,
      client,
      decisions,
      mode: config.plan.mode,
      batch: config.agent.batch,
      replayRun: (uid) => bus.replayRun(uid),
      ...(options.log ? { log: options.log } : {}),
    });
  } catch (err) {
    for (const part of opened.reverse()) await part.close().catch((closeErr: unknown) => options.log?.(`skyloop: closing after a failed start: ${(closeErr as Error).message}`));
    throw err;
  }
  return {
    runner,
    client,
    decisions,
    async close() {
      // The client first: a suggestion still waiting for a reply from an engine that has gone fails at once.
      await client.close();
      await runner.stop();
      await consumer.close();
      await decisions.close();
    },
  };
}
