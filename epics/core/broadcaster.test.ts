import { describe, expect, it } from "vitest";
import { expectThrows } from "../test-helpers.ts";
import { Broadcaster } from "./broadcaster.ts";
import { NotFoundResponse, RsrvIsUpResponse, SearchRequest, SearchResponse, VersionRequest, VersionResponse } from "./commands/index.ts";
import { LocalProtocolError, RemoteProtocolError } from "./errors.ts";
import { Role } from "./state.ts";

describe("Broadcaster", () => {
  it("batches many searches into datagrams that each start with a version request", () => {
    const client = new Broadcaster({ role: Role.CLIENT, maxDatagramBytes: 1024 });
    const server = new Broadcaster({ role: Role.SERVER });
    const names = Array.from({ length: 100 }, (_, i) => ({ name: `TEST:PV:${i}`, cid: i + 1 }));
    const datagrams = client.searchDatagrams(names);
    expect(datagrams.length).toBeGreaterThan(1);
    expect(datagrams.length).toBeLessThan(6);
    const seen: SearchRequest[] = [];
    for (const d of datagrams) {
      expect(d.length).toBeLessThanOrEqual(1024);
      const [first, ...rest] = server.recv(d);
      expect(first).toBeInstanceOf(VersionRequest);
      expect((first as VersionRequest).sequence).toBe(1);
      for (const c of rest) seen.push(c as SearchRequest);
    }
    expect(seen.map((s) => [s.name, s.cid])).toEqual(names.map((n) => [n.name, n.cid]));
    expect((server.recv(client.searchDatagrams(names.slice(0, 1))[0]!)[0] as VersionRequest).sequence).toBe(2);
  });

  it("decodes server replies on the client side", () => {
    const client = new Broadcaster({ role: Role.CLIENT });
    const server = new Broadcaster({ role: Role.SERVER });
    const [datagram] = server.send([
      server.versionReplyFor(new VersionRequest(0, 13, 9)),
      new SearchResponse(5555, 3),
      new NotFoundResponse(4),
      new RsrvIsUpResponse(5555, 1),
    ]);
    const cmds = client.recv(datagram!);
    expect(cmds.map((c) => c.commandName)).toEqual(["VersionResponse", "SearchResponse", "NotFoundResponse", "RsrvIsUpResponse"]);
    expect((cmds[0] as VersionResponse).sequence).toBe(9);
    expect((cmds[1] as SearchResponse).port).toBe(5555);
  });

  it("rejects a datagram that ends inside a message", () => {
    const server = new Broadcaster({ role: Role.SERVER });
    const bytes = new SearchRequest("TEST:PV", 1).encode();
    expectThrows(() => server.recv(bytes.subarray(0, bytes.length - 3)), RemoteProtocolError, "datagram ends inside a message (21 trailing bytes)");
  });

  it("rejects a TCP-only command in a datagram", () => {
    const client = new Broadcaster({ role: Role.CLIENT });
    const bytes = Buffer.alloc(16);
    bytes.writeUInt16BE(18, 0);
    expectThrows(() => client.recv(bytes), RemoteProtocolError, "unknown command id 18 (UDP server->client)");
  });

  it("refuses to send a command of the other role", () => {
    const server = new Broadcaster({ role: Role.SERVER });
    expectThrows(
      () => server.send([new SearchRequest("X", 1)]),
      LocalProtocolError,
      "broadcaster of role server cannot send SearchRequest, which only a client sends",
    );
  });
});
