import { createSocket, type Socket } from "node:dgram";
import sinon from "sinon";
import { afterEach, describe, expect, it } from "vitest";
import { Broadcaster } from "../../core/broadcaster.ts";
import { SearchRequest, SearchResponse, VersionRequest } from "../../core/commands/index.ts";
import { Role } from "../../core/state.ts";
import { waitFor } from "../../test-helpers.ts";
import { SearchEngine } from "./search.ts";

const sockets: Socket[] = [];
const engines: SearchEngine[] = [];

afterEach(() => {
  for (const e of engines.splice(0)) e.close();
  for (const s of sockets.splice(0)) s.close();
});

/** A UDP socket standing in for a server: records each datagram's arrival time and searches. */
async function sink(): Promise<{ port: number; arrivals: { at: number; searches: SearchRequest[] }[]; socket: Socket }> {
  const socket = createSocket("udp4");
  sockets.push(socket);
  const server = new Broadcaster({ role: Role.SERVER });
  const arrivals: { at: number; searches: SearchRequest[] }[] = [];
  socket.on("message", (msg) => {
    const cmds = server.recv(msg);
    expect(cmds[0]).toBeInstanceOf(VersionRequest);
    arrivals.push({ at: performance.now(), searches: cmds.filter((c): c is SearchRequest => c instanceof SearchRequest) });
  });
  await new Promise<void>((r) => socket.bind(0, "127.0.0.1", r));
  return { port: socket.address().port, arrivals, socket };
}

describe("SearchEngine", () => {
  it("sends the searches of one tick together, many to a datagram", async () => {
    const s = await sink();
    const engine = new SearchEngine({ targets: [{ host: "127.0.0.1", port: s.port }], firstRetryMs: 1000, maxPeriodMs: 1000, onFound: () => {} });
    engines.push(engine);
    for (let i = 0; i < 100; i++) engine.search(`SR:C${i}:BPM:X`, i + 1);
    await waitFor(() => s.arrivals.reduce((n, a) => n + a.searches.length, 0) === 100, "100 searches");
    expect(s.arrivals.length).toBeLessThanOrEqual(3);
  });

  it("retries with doubling delays up to the ceiling and stops once answered", async () => {
    const s = await sink();
    const found: string[] = [];
    // Simulated time: the schedule is exact however loaded the machine; datagrams still travel for real.
    const clock = sinon.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "performance"] });
    try {
      const engine = new SearchEngine({
        targets: [{ host: "127.0.0.1", port: s.port }],
        firstRetryMs: 10,
        maxPeriodMs: 80,
        onFound: (cid, host, port) => found.push(`${cid}@${host}:${port}`),
      });
      engines.push(engine);
      engine.search("MISSING", 7);
      await waitFor(() => s.arrivals.length === 1, "the first search");
      // After the first retry the delays double (20, 40) up to the ceiling, then every 80 ms.
      for (const [i, step] of [10, 20, 40, 80, 80, 80].entries()) {
        await clock.tickAsync(step);
        await waitFor(() => s.arrivals.length === i + 2, `search round ${i + 2}`);
      }
      expect(s.arrivals.map((a) => a.at)).toEqual([0, 10, 30, 70, 150, 230, 310]);
      // Answer it: the engine reports the server and stops searching.
      const reply = new Broadcaster({ role: Role.SERVER }).send([new SearchResponse(5999, 7)]);
      s.socket.send(reply[0]!, engine.localPort, "127.0.0.1");
      await waitFor(() => found.length === 1, "the found callback");
      expect(found).toEqual(["7@127.0.0.1:5999"]);
      await clock.tickAsync(200);
      await new Promise((r) => setImmediate(r));
      expect(s.arrivals.length).toBe(7);
      expect(engine.pendingCount).toBe(0);
    } finally {
      clock.restore();
    }
  });
});
