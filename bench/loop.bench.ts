/**
 * The closed loop's figures: decision latency (an event emitted by the RunEngine to the agent's suggestion
 * arriving back at the engine) through NATS JetStream and ZeroMQ over loopback tcp, the same in the embedded
 * mode (in-process bus, inproc ZeroMQ), and events per second through JetStream with none lost. The agent is
 * trivial (it suggests the next position at once), so the figures are the loop's own: documents out, decision
 * stored, suggestion back. The group starts its own nats-server on a free port.
 */
import { AgentRunner } from "../agents/runner.ts";
import { InProcessDecisionLog, NatsDecisionLog, decisionStreamName } from "../agents/decisions.ts";
import type { Agent, DependentValues, IndependentValues, Suggestion } from "../agents/core/agent.ts";
import { benchJetStream } from "../bridge/bench.ts";
import type { DocumentBus } from "../bridge/documents/bus.ts";
import { InProcessBus } from "../bridge/documents/in_process_bus.ts";
import { NatsDocumentBus } from "../bridge/documents/nats_bus.ts";
import { documentStreamName } from "../bridge/documents/stream.ts";
import { SuggestionClient } from "../bridge/suggestions/client.ts";
import { SuggestionServer } from "../bridge/suggestions/server.ts";
import { NatsTestServer } from "../bridge/testing/nats_server.ts";
import { SimMotor, SimPeakDetector } from "../devices/index.ts";
import { SkyloopError } from "../engine/errors.ts";
import { agentLoop } from "../engine/plans/agent-loop.ts";
import { RunEngine } from "../engine/run_engine/index.ts";
import { percentile } from "./benchmark.ts";
import type { BenchmarkGroup } from "./benchmark.ts";

const POINTS = 400;
const WARMUP_POINTS = 50;
const JETSTREAM_EVENTS = 20_000;

/** Suggests the next position as soon as it is told the last one. */
class StepAgent implements Agent {
  readonly name = "step";
  readonly fields = { independent: ["motor"], dependent: ["det"] } as const;
  private x = 0;
  tell(x: IndependentValues, _y: DependentValues) {
    this.x = x.motor!;
    return { x: this.x };
  }
  ask(): Suggestion[] {
    return [{ points: { motor: (this.x + 1) % 100 }, score: 0 }];
  }
  report() {
    return { agent: this.name, kind: "step", observations: 0, done: false };
  }
  reset(): void {
    this.x = 0;
  }
}

let nats: NatsTestServer | undefined;
let sequence = 0;

/** Latencies (µs) of `points` decisions, each from the event's emission to its suggestion's arrival. */
async function decisionLatencies(mode: "nats" | "embedded", points: number): Promise<number[]> {
  const instrument = `benchloop${++sequence}`;
  const bus: DocumentBus =
    mode === "nats"
      ? await NatsDocumentBus.connect({ instrument, nats: { servers: nats!.url }, stream: { maxBytes: 64 * 1024 ** 2 } })
      : new InProcessBus({ instrument });
  const decisions = mode === "nats" ? await NatsDecisionLog.connect({ instrument, connection: (bus as NatsDocumentBus).connection }) : new InProcessDecisionLog(instrument);
  const server = await SuggestionServer.bind({
    endpoint: mode === "nats" ? "tcp://127.0.0.1:*" : `inproc://bench-loop-${sequence}`,
    policy: { devices: new Map([["motor", { limits: [-1e6, 1e6] as const }]]), allowedPlans: ["agent_loop"] },
  });
  const consumer = await bus.consumer({ durable: "step", deliver: "new", validate: false });
  const client = await SuggestionClient.connect({ agent: "step", endpoint: server.endpoint });
  const runner = await AgentRunner.start({ agent: new StepAgent(), consumer, client, decisions });
  const motor = new SimMotor({ name: "motor", instant: true, limits: [-1e6, 1e6] });
  const det = new SimPeakDetector({ name: "det", motor, timeScale: 0, noise: "none" });
  const RE = new RunEngine({ validateDocuments: true });
  const publisher = await bus.publisher();
  RE.subscribe(publisher.callback);
  let emitted = 0n;
  const latencies: number[] = [];
  RE.subscribe((name) => {
    if (name === "event") emitted = process.hrtime.bigint();
  });
  const arrivals = server.suggestions$.subscribe(() => latencies.push(Number(process.hrtime.bigint() - emitted) / 1000));
  try {
    const result = await RE.run(agentLoop({ source: server, detectors: [det], movables: [motor], maxPoints: points + 1, timeout: 5 }));
    if (result.exitStatus !== "success") throw new SkyloopError(`the loop ended with ${result.exitStatus}: ${result.reason ?? ""}`);
    if (latencies.length < points) throw new SkyloopError(`${latencies.length} suggestions arrived for ${points} events`);
    return latencies.slice(0, points);
  } finally {
    arrivals.unsubscribe();
    await client.close();
    await runner.stop();
    await consumer.close();
    await server.close();
    await publisher.close();
    await decisions.close();
    if (bus instanceof NatsDocumentBus) {
      // Each measurement has streams of its own; JetStream reserves their limits until they are deleted.
      const jsm = await bus.connection.jetstreamManager();
      for (const stream of [documentStreamName(instrument), decisionStreamName(instrument)]) await jsm.streams.delete(stream).catch(() => false);
    }
    await bus.close();
  }
}

async function latencyPercentile(mode: "nats" | "embedded", p: number): Promise<number> {
  const samples = await decisionLatencies(mode, POINTS);
  return percentile(samples.slice(WARMUP_POINTS), p);
}

export const loopBenchmarks: BenchmarkGroup = {
  name: "loop",
  async setup() {
    nats = await NatsTestServer.start();
    await decisionLatencies("nats", WARMUP_POINTS); // JIT, schema compilation, stream creation paths
    await decisionLatencies("embedded", WARMUP_POINTS);
  },
  async teardown() {
    await nats?.dispose();
    nats = undefined;
  },
  benchmarks: [
    {
      key: "loop.decision_latency_us_p50",
      description: "event emitted -> suggestion back at the engine, NATS JetStream + ZeroMQ tcp, trivial agent (median)",
      unit: "µs",
      higherIsBetter: false,
      goal: 1_000,
      reference: { value: 380, label: "NATS request/reply + ZeroMQ round trip" },
      measure: () => latencyPercentile("nats", 50),
    },
    {
      key: "loop.decision_latency_us_p99",
      description: "the same, 99th percentile",
      unit: "µs",
      higherIsBetter: false,
      goal: 5_000,
      measure: () => latencyPercentile("nats", 99),
    },
    {
      key: "loop.jetstream_events_per_s",
      description: "20,000 events published to JetStream and read back, none lost",
      unit: "events/s",
      higherIsBetter: true,
      goal: 20_000,
      repeats: 3,
      measure: async () => (await benchJetStream({ url: nats!.url, events: JETSTREAM_EVENTS })).eventsPerSecond,
    },
    {
      key: "loop.embedded_decision_latency_us_p50",
      description: "event emitted -> suggestion back, in-process bus + inproc ZeroMQ, trivial agent (median)",
      unit: "µs",
      higherIsBetter: false,
      goal: 1_000,
      measure: () => latencyPercentile("embedded", 50),
    },
    {
      key: "loop.embedded_decision_latency_us_p99",
      description: "the same, 99th percentile",
      unit: "µs",
      higherIsBetter: false,
      goal: 5_000,
      measure: () => latencyPercentile("embedded", 99),
    },
  ],
};
