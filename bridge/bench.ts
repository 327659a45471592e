/**
 * Measurements of the two wires for the bench harness (`bench/`): they return figures, they assert nothing.
 * Each sets up and tears down what it uses (a stream of its own, sockets of its own).
 */
import { randomUUID } from "node:crypto";
import { composeDescriptor, composeEvent, composeRunStart, composeRunStop } from "../engine/documents/compose.ts";
import type { NamedDocument } from "../engine/documents/types.ts";
import { SkyloopError } from "../engine/errors.ts";
import { connectNats } from "./documents/nats_connection.ts";
import type { NatsConnectionOptions } from "./documents/nats_connection.ts";
import { DocumentPublisher } from "./documents/publisher.ts";
import { documentStreamName } from "./documents/stream.ts";
import { SuggestionClient } from "./suggestions/client.ts";
import { SuggestionServer } from "./suggestions/server.ts";
import { documentMsgId } from "./wire.ts";

/** The stream read back after a benchmark does not hold exactly what was published. */
export class BenchmarkLossError extends SkyloopError {
  constructor(
    readonly expected: number,
    readonly stored: number,
    readonly firstMismatch: number,
  ) {
    super(`JetStream benchmark: published ${expected} documents, the stream holds ${stored}, first mismatch at position ${firstMismatch}`);
  }
}

export interface BenchJetStreamOptions {
  /** NATS server URL, or full connection options. */
  url?: string;
  nats?: NatsConnectionOptions;
  /** Events in the run (plus its start, descriptor and stop). */
  events: number;
  /** Publish window. @default the publisher's default */
  window?: number;
}

export interface BenchJetStreamResult {
  /** Events published and acknowledged per second, from the first publish to the last acknowledgement. */
  eventsPerSecond: number;
  published: number;
  /** Documents read back from the stream, all present, in order, once each. */
  stored: number;
  lost: 0;
  publishSeconds: number;
}

function benchRun(events: number): NamedDocument[] {
  const start = composeRunStart({ plan_name: "bench", time: 1 });
  const descriptor = composeDescriptor({
    runStart: start,
    time: 1,
    dataKeys: { x: { dtype: "number", shape: [], source: "bench:x" }, y: { dtype: "number", shape: [], source: "bench:y" } },
  });
  const docs: NamedDocument[] = [["start", start], ["descriptor", descriptor]];
  for (let i = 0; i < events; i++) {
    docs.push(["event", composeEvent({ descriptor, seqNum: i + 1, time: 1 + i * 1e-3, data: { x: i, y: Math.sin(i) } })]);
  }
  docs.push(["stop", composeRunStop({ runStart: start, time: 2, exitStatus: "success", numEvents: { primary: events } })]);
  return docs;
}

/** Publishes a run of `events` events through JetStream, then reads the stream back to prove nothing was lost. */
export async function benchJetStream(options: BenchJetStreamOptions): Promise<BenchJetStreamResult> {
  const nats: NatsConnectionOptions = options.nats ?? { servers: options.url ?? "nats://127.0.0.1:4222" };
  const instrument = `bench${randomUUID().slice(0, 8)}`;
  const docs = benchRun(options.events);
  const publisher = await DocumentPublisher.connect({ instrument, nats, ...(options.window !== undefined ? { window: options.window } : {}) });
  const nc = await connectNats(nats);
  try {
    const t0 = performance.now();
    for (const [name, doc] of docs) publisher.publish(name, doc);
    await publisher.flush();
    const publishSeconds = (performance.now() - t0) / 1000;

    const expected = docs.map(([n, d]) => documentMsgId(n, d));
    const stream = documentStreamName(instrument);
    const consumer = await nc.jetstream().consumers.get(stream);
    const messages = await consumer.consume({ max_messages: 4096 });
    let i = 0;
    for await (const m of messages) {
      if (m.headers?.get("Nats-Msg-Id") !== expected[i]) throw new BenchmarkLossError(expected.length, m.info.streamSequence, i);
      i++;
      if (m.info.pending === 0) break;
    }
    void messages.close();
    if (i !== expected.length) throw new BenchmarkLossError(expected.length, i, i);
    await (await nc.jetstreamManager()).streams.delete(stream);
    return { eventsPerSecond: options.events / publishSeconds, published: docs.length, stored: i, lost: 0, publishSeconds };
  } finally {
    await publisher.close().catch(() => undefined);
    await nc.close();
  }
}

export interface BenchSuggestionOptions {
  /** Where the server binds. @default "tcp://127.0.0.1:*" (loopback); "inproc://..." for the embedded mode */
  endpoint?: string;
  /** Round trips measured. @default 2000 */
  count?: number;
  /** Round trips before measuring. @default 200 */
  warmup?: number;
}

export interface BenchSuggestionResult {
  /** One per round trip: suggestion sent by the agent to the engine's ok back at the agent, in µs. */
  latenciesUs: number[];
  p50Us: number;
  p99Us: number;
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** Round trips of a validated suggestion through a SuggestionServer and back, one at a time. */
export async function benchSuggestionRoundTrip(options: BenchSuggestionOptions = {}): Promise<BenchSuggestionResult> {
  const endpoint = options.endpoint ?? "tcp://127.0.0.1:*";
  const server = await SuggestionServer.bind({
    endpoint,
    policy: { devices: new Map([["x", { limits: [-10, 10] as const }]]), allowedPlans: ["bench"] },
  });
  const client = await SuggestionClient.connect({ endpoint: server.endpoint, agent: "bench" });
  // The engine side takes each suggestion as it comes, as a waiting adaptive plan would.
  const drain = (async () => {
    for await (const _ of server) {
      // taken
    }
  })();
  try {
    const latencies: number[] = [];
    const count = options.count ?? 2_000;
    const warmup = options.warmup ?? 200;
    for (let i = 0; i < warmup + count; i++) {
      const t0 = process.hrtime.bigint();
      const reply = await client.suggest({ plan: "bench", points: { x: (i % 20) - 9.5 } });
      const us = Number(process.hrtime.bigint() - t0) / 1000;
      if (!reply.ok) throw new SkyloopError(`benchmark suggestion refused: ${reply.reason}`);
      if (i >= warmup) latencies.push(us);
    }
    const sorted = [...latencies].sort((a, b) => a - b);
    return { latenciesUs: latencies, p50Us: percentile(sorted, 50), p99Us: percentile(sorted, 99) };
  } finally {
    await client.close();
    await server.close();
    await drain;
  }
}
