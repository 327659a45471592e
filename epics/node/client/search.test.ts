import { createSocket, type Socket } from "node:dgram";
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
    const engine = new SearchEngine({
      targets: [{ host: "127.0.0.1", port: s.port }],
      firstRetryMs: 10,
      maxPeriodMs: 80,
      onFound: (cid, host, port) => found.push(`${cid}@${host}:${port}`),
    });
    engines.push(engine);
    engine.search("MISSING", 7);
    await waitFor(() => s.arrivals.length >= 7, "seven search rounds");
    const t = s.arrivals.map((a) => a.at - s.arrivals[1]!.at);
    // Nominal schedule after the first retry: +20, +60, +140, then every 80 ms. Timers never fire early
    // (the first datagram may leave late, so it is not a reference); load can only make them late.
    expect(t[2]).toBeGreaterThanOrEqual(18);
    expect(t[3]).toBeGreaterThanOrEqual(55);
    expect(t[4]).toBeGreaterThanOrEqual(130);
    expect(Math.min(t[5]! - t[4]!, t[6]! - t[5]!)).toBeLessThan(160);
    // Answer it: the engine reports the server and stops searching.
    const reply = new Broadcaster({ role: Role.SERVER }).send([new SearchResponse(5999, 7)]);
    s.socket.send(reply[0]!, engine.localPort, "127.0.0.1");
    await waitFor(() => found.length === 1, "the found callback");
    expect(found).toEqual(["7@127.0.0.1:5999"]);
    const rounds = s.arrivals.length;
    await new Promise((r) => setTimeout(r, 200));
    expect(s.arrivals.length).toBe(rounds);
    expect(engine.pendingCount).toBe(0);
  });
});
