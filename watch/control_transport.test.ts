import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { NatsConnection } from "nats";
import { connectNats } from "../bridge/documents/nats_connection.ts";
import { NatsTestServer } from "../bridge/testing/index.ts";
import { InvalidArgumentError, TimeoutError } from "../engine/errors.ts";
import { NatsControlTransport } from "./control_transport.ts";

describe("NatsControlTransport", () => {
  let nats: NatsTestServer;
  let nc: NatsConnection;
  beforeAll(async () => {
    nats = await NatsTestServer.start();
    nc = await connectNats({ servers: nats.url });
  });
  afterAll(async () => {
    await nc.close();
    await nats.dispose();
  });

  it("logs a request its handler could not answer, and the requester times out (no unhandled rejection)", async () => {
    const lines: string[] = [];
    const transport = new NatsControlTransport({ connection: nc, instrument: "tr-ring", log: (l) => lines.push(l) });
    const serving = transport.serve(async () => {
      throw new InvalidArgumentError("engine gone", undefined);
    });
    try {
      const request = transport.request(new TextEncoder().encode("{}"), 200);
      await expect(request).rejects.toThrow(TimeoutError);
      await expect(request).rejects.toThrow("control request on skyloop.tr-ring.control");
      expect(lines).toEqual(["skyloop control: no reply on skyloop.tr-ring.control: engine gone"]);
    } finally {
      serving.unsubscribe();
    }
  });
});
