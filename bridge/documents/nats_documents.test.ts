import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { firstValueFrom, from, take, toArray } from "rxjs";
import type { NatsConnection } from "nats";
import { sampleRun } from "../../engine/documents/sample-run.ts";
import type { DocumentCallback, NamedDocument } from "../../engine/documents/types.ts";
import { NatsTestServer } from "../testing/nats_server.ts";
import { BridgeConnectionError, RunNotFoundError } from "../errors.ts";
import { encodeJson, documentMsgId } from "../wire.ts";
import { DocumentConsumer } from "./consumer.ts";
import { connectNats } from "./nats_connection.ts";
import { NatsDocumentBus } from "./nats_bus.ts";
import { DocumentPublisher } from "./publisher.ts";
import { documentStreamName } from "./stream.ts";
import { readStream } from "../testing/stream_reader.ts";

function run(points: number, scanId = 1): NamedDocument[] {
  return sampleRun({
    motor: { name: "x", value: (i) => i * 0.1 },
    detectors: [{ name: "det", value: (_i, x) => Math.exp(-x * x) }],
    points,
    scanId,
  });
}

function uidOf([, doc]: NamedDocument): string {
  return (doc as { uid: string }).uid;
}

let server: NatsTestServer;
let nc: NatsConnection;

beforeAll(async () => {
  server = await NatsTestServer.start();
  nc = await connectNats({ servers: server.url });
});

afterAll(async () => {
  await nc?.close();
  await server?.dispose();
});

describe("DocumentPublisher and DocumentConsumer", () => {
  it("publishes a whole run from a subscribe(cb) source and a consumer receives it in order, validated", async () => {
    const docs = run(40);
    const publisher = await DocumentPublisher.connect({ instrument: "order", connection: nc, validate: true });
    let cb: DocumentCallback | undefined;
    const attachment = publisher.attach((c) => {
      cb = c;
      return 7;
    });
    expect(attachment.handle).toBe(7);
    for (const [name, doc] of docs) cb!(name, doc);
    await publisher.flush(5_000);
    expect(publisher.stats).toMatchObject({ queued: docs.length, acked: docs.length, duplicates: 0 });

    const consumer = await DocumentConsumer.connect({ instrument: "order", durable: "agent", connection: nc });
    const received = await firstValueFrom(consumer.documents().pipe(take(docs.length), toArray()));
    expect(received).toEqual(docs);
    await consumer.close();

    const stored = await readStream(nc, documentStreamName("order"));
    expect(stored.map((m) => m.msgId)).toEqual(docs.map(([n, d]) => documentMsgId(n, d)));
    await publisher.close();
  });

  it("acknowledges only after the handler's promise resolves, and a new consumer resumes after the last acknowledged", async () => {
    const docs = run(30);
    const publisher = await DocumentPublisher.connect({ instrument: "resume", connection: nc });
    publisher.attach(from(docs));
    await publisher.flush(5_000);

    // A separate connection per consumer object, as a separate agent process would have.
    const first = await DocumentConsumer.connect({ instrument: "resume", durable: "svd", nats: { servers: server.url }, batch: 8 });
    const handled: NamedDocument[] = [];
    await firstValueFrom(
      first
        .documents(async (doc) => {
          await new Promise((r) => setTimeout(r, 1));
          handled.push(doc);
        })
        .pipe(take(12), toArray()),
    );
    await first.close();
    expect(handled).toEqual(docs.slice(0, 12));

    const second = await DocumentConsumer.connect({ instrument: "resume", durable: "svd", nats: { servers: server.url }, batch: 8 });
    const rest = await firstValueFrom(second.documents().pipe(take(docs.length - 12), toArray()));
    expect(rest).toEqual(docs.slice(12));
    await second.close();

    const third = await DocumentConsumer.connect({ instrument: "resume", durable: "svd", nats: { servers: server.url } });
    const [startName, startDoc] = run(1, 2)[0]!;
    publisher.publish(startName, startDoc);
    await publisher.flush(5_000);
    const [next] = await firstValueFrom(third.documents().pipe(take(1), toArray()));
    expect(next![0]).toBe("start");
    expect(uidOf(next!)).not.toBe(uidOf(docs[0]!));
    await third.close();
    await publisher.close();
  });

  it("leaves a document whose handler failed unacknowledged, so it comes again first", async () => {
    const docs = run(5);
    const publisher = await DocumentPublisher.connect({ instrument: "failing", connection: nc });
    publisher.attach(from(docs));
    await publisher.flush(5_000);
    const consumer = await DocumentConsumer.connect({ instrument: "failing", durable: "a", connection: nc });
    const handled: NamedDocument[] = [];
    const err = await new Promise<unknown>((resolve) => {
      consumer
        .documents((doc) => {
          if (handled.length === 2) throw new RangeError("agent fell over");
          handled.push(doc);
        })
        .subscribe({ error: resolve });
    });
    expect(err).toBeInstanceOf(RangeError);
    expect((err as Error).message).toBe("agent fell over");
    expect(handled).toEqual(docs.slice(0, 2));
    const again = await firstValueFrom(consumer.documents().pipe(take(docs.length - 2), toArray()));
    expect(again).toEqual(docs.slice(2));
    await consumer.close();
    await publisher.close();
  });

  it("refuses a second subscription while one is running", async () => {
    const consumer = await DocumentConsumer.connect({ instrument: "busy", durable: "a", connection: nc });
    const first = consumer.documents().subscribe();
    const err = await new Promise<unknown>((resolve) => consumer.documents().subscribe({ error: resolve }));
    expect((err as Error).name).toBe("ConsumerBusyError");
    expect((err as Error).message).toBe("durable consumer 'a' is already being consumed; unsubscribe the first subscription before starting another");
    first.unsubscribe();
    await consumer.close();
  });

  it("drops and reports documents that fail event-model's schema, and delivers the rest", async () => {
    const docs = run(3);
    const js = nc.jetstream();
    await DocumentPublisher.connect({ instrument: "invalid", connection: nc }).then((p) => p.close());
    const bad = { ...docs[2]![1], seq_num: "two" };
    await js.publish("skyloop.invalid.docs", encodeJson(docs[0]));
    await js.publish("skyloop.invalid.docs", encodeJson(["event", bad]));
    await js.publish("skyloop.invalid.docs", encodeJson(["not-a-doc", {}]));
    await js.publish("skyloop.invalid.docs", encodeJson(docs[1]));
    const consumer = await DocumentConsumer.connect({ instrument: "invalid", durable: "a", connection: nc });
    const invalid: string[] = [];
    consumer.invalid$.subscribe((i) => invalid.push(`${i.seq} ${i.name}: ${i.reason}`));
    const got = await firstValueFrom(consumer.documents().pipe(take(2), toArray()));
    expect(got).toEqual([docs[0], docs[1]]);
    expect(invalid).toHaveLength(2);
    expect(invalid[0]).toMatch(/^2 event: \/seq_num: must be integer/);
    expect(invalid[1]).toBe(
      '3 ?: [0]: string "not-a-doc" is not a document name (expected one of start, descriptor, event, event_page, stop, resource, datum, datum_page, stream_resource, stream_datum)',
    );
    await consumer.close();
  });

  it("iterates with a for-await loop, acknowledging each document when the loop asks for the next", async () => {
    const docs = run(4);
    const publisher = await DocumentPublisher.connect({ instrument: "loop", connection: nc });
    publisher.attach(from(docs));
    await publisher.flush(5_000);
    const consumer = await DocumentConsumer.connect({ instrument: "loop", durable: "a", connection: nc });
    const seen: NamedDocument[] = [];
    for await (const doc of consumer.iterate()) {
      seen.push(doc);
      if (seen.length === 3) break;
    }
    expect(seen).toEqual(docs.slice(0, 3));
    // The third was in hand when the loop broke off: it was not acknowledged and comes first again.
    const rest = await firstValueFrom(consumer.documents().pipe(take(docs.length - 2), toArray()));
    expect(rest).toEqual(docs.slice(2));
    await consumer.close();
    await publisher.close();
  });
});

describe("NatsDocumentBus.replayRun", () => {
  it("streams exactly one run's documents out of a stream holding several, then completes", async () => {
    const bus = await NatsDocumentBus.connect({ instrument: "replay", nats: { servers: server.url } });
    const a = run(5, 1);
    const b = run(7, 2);
    const c = run(3, 3);
    const publisher = await bus.publisher();
    for (const [name, doc] of [...a, ...b, ...c]) publisher.publish(name, doc);
    await publisher.flush(5_000);
    const replayed = await firstValueFrom(bus.replayRun(uidOf(b[0]!)).pipe(toArray()));
    expect(replayed).toEqual(b);
    const err = await firstValueFrom(bus.replayRun("no-such-run").pipe(toArray())).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RunNotFoundError);
    expect((err as Error).message).toBe("run 'no-such-run' has no start document in stream SKYLOOP_REPLAY_DOCS");
    await bus.close();
  });
});

describe("connectNats", () => {
  it("names the URL when nothing listens there", async () => {
    const err = await connectNats({ servers: "nats://127.0.0.1:1", connectTimeoutMs: 500 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BridgeConnectionError);
    expect((err as Error).message).toBe(
      "cannot connect to NATS at nats://127.0.0.1:1: connection refused (is nats-server running and listening there?)",
    );
  });

  it("says so when the server refuses the credentials, and connects with the right ones", async () => {
    const secured = await NatsTestServer.start({ args: ["--user", "engine", "--pass", "s3cret"] });
    try {
      const err = await connectNats({ servers: secured.url, user: "engine", pass: "wrong" }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(BridgeConnectionError);
      expect((err as Error).message).toBe(`cannot connect to NATS at ${secured.url}: the server refused the credentials (authorization violation)`);
      const ok = await connectNats({ servers: secured.url, user: "engine", pass: "s3cret" });
      await ok.close();
    } finally {
      await secured.dispose();
    }
  });

  it("refuses two kinds of credentials at once", async () => {
    await expect(connectNats({ user: "u", pass: "p", token: "t" })).rejects.toThrow("NATS credentials: give one kind, got user/pass and token");
  });
});
