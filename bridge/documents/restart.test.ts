import { afterEach, describe, expect, it } from "vitest";
import { firstValueFrom, take, toArray } from "rxjs";
import { sampleRun } from "../../engine/documents/sample-run.ts";
import type { NamedDocument } from "../../engine/documents/types.ts";
import { NatsTestServer } from "../testing/nats_server.ts";
import { readStream } from "../testing/stream_reader.ts";
import { documentMsgId } from "../wire.ts";
import { DocumentConsumer } from "./consumer.ts";
import { connectNats } from "./nats_connection.ts";
import { DocumentPublisher } from "./publisher.ts";
import { documentStreamName } from "./stream.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const ids = (docs: readonly NamedDocument[]) => docs.map(([n, d]) => documentMsgId(n, d));

let server: NatsTestServer | undefined;
afterEach(async () => {
  await server?.dispose();
  server = undefined;
});

describe("a NATS server restart in the middle of a run", () => {
  it("loses and duplicates nothing: the stream and a durable consumer hold every document once, in order", async () => {
    server = await NatsTestServer.start();
    const docs = sampleRun({
      motor: { name: "x", value: (i) => i },
      detectors: [{ name: "det", value: (i) => i * i }],
      points: 600,
    });
    const nats = { servers: server.url, reconnectWaitMs: 50 };
    const publisher = await DocumentPublisher.connect({ instrument: "ring", nats, ackTimeoutMs: 400, retryWaitMs: 50, window: 64 });
    const retries: Error[] = [];
    publisher.errors$.subscribe((e) => retries.push(e));
    const consumer = await DocumentConsumer.connect({ instrument: "ring", durable: "agent", nats, batch: 32 });
    const received = firstValueFrom(consumer.documents().pipe(take(docs.length), toArray()));

    for (let i = 0; i < docs.length; i++) {
      const [name, doc] = docs[i]!;
      publisher.publish(name, doc);
      // The server goes away with publishes in flight, documents keep coming while it is down, and it
      // comes back on the same port and store.
      if (i === 250) await server.stop();
      if (i === 350) await server.start();
      if (i % 10 === 0) await sleep(1);
    }
    await publisher.flush(20_000);

    expect(retries.length).toBeGreaterThan(0);
    expect(retries[0]!.name).toBe("PublishRetryError");
    expect(publisher.stats.retries).toBeGreaterThan(0);
    expect(publisher.stats.acked).toBe(docs.length);

    const check = await connectNats({ servers: server.url });
    const stored = await readStream(check, documentStreamName("ring"));
    await check.close();
    expect(stored.map((s) => s.msgId)).toEqual(ids(docs));
    expect(stored.map((s) => s.doc)).toEqual(docs);

    expect(ids(await received)).toEqual(ids(docs));
    await consumer.close();
    await publisher.close();
  }, 40_000);

  it("buffers documents published while the server is down and delivers them after it returns", async () => {
    server = await NatsTestServer.start();
    const docs = sampleRun({ motor: { name: "x", value: (i) => i }, detectors: [{ name: "det", value: (i) => i }], points: 50 });
    const publisher = await DocumentPublisher.connect({
      instrument: "down",
      nats: { servers: server.url, reconnectWaitMs: 50 },
      ackTimeoutMs: 300,
      retryWaitMs: 50,
    });
    for (const [name, doc] of docs.slice(0, 10)) publisher.publish(name, doc);
    await publisher.flush(5_000);
    await server.stop();
    for (const [name, doc] of docs.slice(10)) publisher.publish(name, doc);
    const waiting = docs.length - 10;
    await expect(publisher.flush(300)).rejects.toThrow(
      new RegExp(`^flush of ${waiting} documents to skyloop\\.down\\.docs timed out after 300 ms`),
    );
    expect(publisher.pending).toBe(docs.length - 10);
    await server.start();
    await publisher.flush(15_000);
    const check = await connectNats({ servers: server.url });
    const stored = await readStream(check, documentStreamName("down"));
    await check.close();
    expect(stored.map((s) => s.msgId)).toEqual(ids(docs));
    await publisher.close();
  }, 30_000);
});
