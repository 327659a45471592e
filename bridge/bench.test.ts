import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NatsTestServer } from "./testing/nats_server.ts";
import { benchJetStream, benchSuggestionRoundTrip } from "./bench.ts";

let server: NatsTestServer;
beforeAll(async () => {
  server = await NatsTestServer.start();
});
afterAll(async () => {
  await server?.dispose();
});

// Small sizes: these check that the helpers work and verify what they claim, not how fast anything is.
describe("benchmark helpers", () => {
  it("benchJetStream publishes a run and reads every document back in order", async () => {
    const r = await benchJetStream({ url: server.url, events: 300 });
    expect(r.published).toBe(303);
    expect(r.stored).toBe(303);
    expect(r.lost).toBe(0);
    expect(r.eventsPerSecond).toBeCloseTo(300 / r.publishSeconds, 6);
  });

  it("benchSuggestionRoundTrip returns one latency per round trip, over tcp and inproc", async () => {
    for (const endpoint of ["tcp://127.0.0.1:*", "inproc://skyloop-bench-test"]) {
      const r = await benchSuggestionRoundTrip({ endpoint, count: 40, warmup: 5 });
      expect(r.latenciesUs).toHaveLength(40);
      const sorted = [...r.latenciesUs].sort((a, b) => a - b);
      expect(r.p50Us).toBe(sorted[19]);
      expect(r.p99Us).toBe(sorted[39]);
    }
  });
});
