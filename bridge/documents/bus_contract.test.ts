/** The same scenario against both buses: the embedded default must behave as the NATS bus does. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { firstValueFrom, from, take, toArray } from "rxjs";
import { sampleRun } from "../../engine/documents/sample-run.ts";
import type { NamedDocument } from "../../engine/documents/types.ts";
import { NatsTestServer } from "../testing/nats_server.ts";
import { RunNotFoundError } from "../errors.ts";
import type { DocumentBus } from "./bus.ts";
import { InProcessBus } from "./in_process_bus.ts";
import { NatsDocumentBus } from "./nats_bus.ts";

function run(points: number, scanId: number): NamedDocument[] {
  return sampleRun({
    motor: { name: "m", value: (i) => i / 4 },
    detectors: [{ name: "I0", value: (i) => 100 + i }],
    points,
    scanId,
  });
}

let server: NatsTestServer;
let counter = 0;
beforeAll(async () => {
  server = await NatsTestServer.start();
});
afterAll(async () => {
  await server?.dispose();
});

const buses: [string, () => Promise<DocumentBus>][] = [
  ["InProcessBus", async () => new InProcessBus({ instrument: "contract" })],
  ["NatsDocumentBus", async () => NatsDocumentBus.connect({ instrument: `contract${++counter}`, nats: { servers: server.url } })],
];

describe.each(buses)("%s", (_label, makeBus) => {
  it("delivers in order, resumes a durable after its last acknowledged document, drops re-sent copies, replays one run", async () => {
    const bus = await makeBus();
    const a = run(6, 1);
    const b = run(4, 2);
    const publisher = await bus.publisher();
    const attachment = publisher.attach(from(a));
    attachment.unsubscribe();
    // A copy sent again (same uids) is dropped, as JetStream's duplicate window does.
    for (const [name, doc] of a.slice(2, 4)) publisher.publish(name, doc);
    await publisher.flush(5_000);

    const first = await bus.consumer({ durable: "agent" });
    const head = await firstValueFrom(first.documents().pipe(take(5), toArray()));
    expect(head).toEqual(a.slice(0, 5));
    await first.close();

    for (const [name, doc] of b) publisher.callback(name, doc);
    await publisher.flush(5_000);

    const second = await bus.consumer({ durable: "agent" });
    const tail = await firstValueFrom(second.documents().pipe(take(a.length - 5 + b.length), toArray()));
    expect(tail).toEqual([...a.slice(5), ...b]);
    await second.close();

    const late = await bus.consumer({ durable: "late", deliver: "new" });
    const c = run(1, 3);
    const got = firstValueFrom(late.documents().pipe(take(c.length), toArray()));
    await new Promise((r) => setTimeout(r, 50));
    for (const [name, doc] of c) publisher.publish(name, doc);
    expect(await got).toEqual(c);
    await late.close();

    expect(await firstValueFrom(bus.replayRun((a[0]![1] as { uid: string }).uid).pipe(toArray()))).toEqual(a);
    expect(await firstValueFrom(bus.replayRun((b[0]![1] as { uid: string }).uid).pipe(toArray()))).toEqual(b);
    const missing = await firstValueFrom(bus.replayRun("nope").pipe(toArray())).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(RunNotFoundError);
    expect((missing as Error).message).toMatch(/^run 'nope' has no start document in /);

    await publisher.close();
    await bus.close();
  });

  it("hands documents over as the wire would: copies, with NaN as null", async () => {
    const bus = await makeBus();
    const publisher = await bus.publisher();
    const [start, descriptor, event] = run(1, 1);
    const data = (event![1] as { data: Record<string, number> }).data;
    data.I0 = Number.NaN;
    for (const [name, doc] of [start!, descriptor!, event!]) publisher.publish(name, doc);
    await publisher.flush(5_000);
    data.I0 = 1;
    const consumer = await bus.consumer({ durable: "copy", validate: false });
    const got = await firstValueFrom(consumer.documents().pipe(take(3), toArray()));
    expect((got[2]![1] as { data: Record<string, unknown> }).data.I0).toBeNull();
    await consumer.close();
    await publisher.close();
    await bus.close();
  });
});
