import { describe, expect, it } from "vitest";
import { expectThrows } from "../test-helpers.ts";
import { VirtualCircuit } from "./circuit.ts";
import type { Command } from "./commands/command.ts";
import {
  AccessRightsResponse,
  ClearChannelRequest,
  ClearChannelResponse,
  ClientNameRequest,
  CreateChanRequest,
  CreateChanResponse,
  CreateChFailResponse,
  EventAddRequest,
  EventAddResponse,
  EventCancelRequest,
  EventCancelResponse,
  HostNameRequest,
  ReadNotifyRequest,
  ReadNotifyResponse,
  ServerDisconnResponse,
  VersionRequest,
  VersionResponse,
  WriteNotifyRequest,
  WriteNotifyResponse,
} from "./commands/index.ts";
import { makeDbrData } from "./dbr-data.ts";
import { DbrType } from "./dbr-types.ts";
import { LocalProtocolError, RemoteProtocolError } from "./errors.ts";
import { ChannelState, CircuitState, Role } from "./state.ts";

/** Sends from one circuit and feeds the bytes, one at a time, to the other; returns what it processed. */
function pass(from: VirtualCircuit, to: VirtualCircuit, ...cmds: Command[]): Command[] {
  const received: Command[] = [];
  for (const bytes of from.send(...cmds)) {
    for (let i = 0; i < bytes.length; i++) received.push(...to.recv(bytes.subarray(i, i + 1)));
  }
  for (const cmd of received) to.process(cmd);
  return received;
}

function connectedPair(): { client: VirtualCircuit; server: VirtualCircuit } {
  const client = new VirtualCircuit({ role: Role.CLIENT });
  const server = new VirtualCircuit({ role: Role.SERVER });
  pass(client, server, new VersionRequest(0, 13), new HostNameRequest("host"), new ClientNameRequest("user"));
  expect(server.state).toBe(CircuitState.SEND_VERSION_RESPONSE);
  pass(server, client, new VersionResponse(13));
  return { client, server };
}

function openChannel(client: VirtualCircuit, server: VirtualCircuit, name: string, cid: number): number {
  client.newChannel(name, cid);
  pass(client, server, new CreateChanRequest(name, cid));
  const record = server.channelByCid(cid)!;
  expect(record.state).toBe(ChannelState.SEND_CREATE_CHAN_RESPONSE);
  pass(server, client, new AccessRightsResponse(cid, 3), new CreateChanResponse(DbrType.DOUBLE, 1, cid, record.sid));
  return record.sid;
}

describe("VirtualCircuit", () => {
  it("completes the version handshake on both sides", () => {
    const { client, server } = connectedPair();
    expect(client.state).toBe(CircuitState.CONNECTED);
    expect(server.state).toBe(CircuitState.CONNECTED);
  });

  it("accepts a pipelined CREATE_CHAN before its version reply but answers only after it", () => {
    const client = new VirtualCircuit({ role: Role.CLIENT });
    const server = new VirtualCircuit({ role: Role.SERVER });
    client.newChannel("A", 1);
    pass(client, server, new VersionRequest(0, 13), new CreateChanRequest("A", 1));
    const sid = server.channelByCid(1)!.sid;
    expectThrows(
      () => server.send(new CreateChanResponse(6, 1, 1, sid)),
      LocalProtocolError,
      "circuit of role server in state SEND_VERSION_RESPONSE cannot send CreateChanResponse",
    );
    pass(server, client, new VersionResponse(13), new CreateChanResponse(6, 1, 1, sid));
    expect(client.channelByCid(1)!.state).toBe(ChannelState.CONNECTED);
  });

  it("creates, uses and clears a channel", () => {
    const { client, server } = connectedPair();
    const sid = openChannel(client, server, "TEST:AI", 1);
    const ch = client.channelByCid(1)!;
    expect([ch.state, ch.sid, ch.nativeType, ch.nativeCount, ch.accessRights]).toEqual([ChannelState.CONNECTED, sid, 6, 1, 3]);

    pass(client, server, new ReadNotifyRequest(DbrType.TIME_DOUBLE, 1, sid, 100));
    const value = makeDbrData(DbrType.TIME_DOUBLE, Float64Array.of(2.5));
    const [reply] = pass(server, client, new ReadNotifyResponse(value, 100));
    expect((reply as ReadNotifyResponse).data.values).toEqual(Float64Array.of(2.5));

    pass(client, server, new WriteNotifyRequest(makeDbrData(DbrType.DOUBLE, Float64Array.of(1)), sid, 101));
    pass(server, client, new WriteNotifyResponse(DbrType.DOUBLE, 1, 1, 101));

    pass(client, server, new EventAddRequest(DbrType.DOUBLE, 1, sid, 7));
    pass(server, client, new EventAddResponse(makeDbrData(DbrType.DOUBLE, Float64Array.of(3)), 7));
    pass(client, server, new EventCancelRequest(DbrType.DOUBLE, 1, sid, 7));
    pass(server, client, new EventCancelResponse(DbrType.DOUBLE, 1, sid, 7));

    pass(client, server, new ClearChannelRequest(sid, 1));
    expect(ch.state).toBe(ChannelState.MUST_CLOSE);
    pass(server, client, new ClearChannelResponse(sid, 1));
    expect(ch.state).toBe(ChannelState.CLOSED);
    expect(client.channelByCid(1)).toBeUndefined();
    expect(server.channelBySid(sid)).toBeUndefined();
  });

  it("refuses to send a channel request before the channel is connected", () => {
    const { client, server } = connectedPair();
    client.newChannel("TEST:AI", 1);
    pass(client, server, new CreateChanRequest("TEST:AI", 1));
    expectThrows(
      () => client.send(new ClearChannelRequest(1, 1)),
      LocalProtocolError,
      "ClearChannelRequest names unknown SID 1",
    );
  });

  it("names role, state and command when the peer skips the version handshake", () => {
    const server = new VirtualCircuit({ role: Role.SERVER });
    const [cmd] = server.recv(new CreateChanRequest("X", 1).encode());
    expectThrows(
      () => server.process(cmd!),
      RemoteProtocolError,
      "circuit of role server in state AWAIT_VERSION_REQUEST cannot receive CreateChanRequest",
    );
  });

  it("names role, state and command when we send out of order", () => {
    const client = new VirtualCircuit({ role: Role.CLIENT });
    client.newChannel("X", 1);
    expectThrows(
      () => client.send(new CreateChanRequest("X", 1)),
      LocalProtocolError,
      "circuit of role client in state SEND_VERSION_REQUEST cannot send CreateChanRequest",
    );
  });

  it("rejects a reply to a channel that was refused", () => {
    const { client, server } = connectedPair();
    client.newChannel("NOPE", 2);
    pass(client, server, new CreateChanRequest("NOPE", 2));
    pass(server, client, new CreateChFailResponse(2));
    expect(client.channelByCid(2)).toBeUndefined();
    const [cmd] = client.recv(new AccessRightsResponse(2, 3).encode());
    expectThrows(() => client.process(cmd!), RemoteProtocolError, "AccessRightsResponse names unknown CID 2");
  });

  it("rejects a second CREATE_CHAN response for a connected channel", () => {
    const { client, server } = connectedPair();
    const sid = openChannel(client, server, "TEST:AI", 1);
    const [cmd] = client.recv(new CreateChanResponse(6, 1, 1, sid).encode());
    expectThrows(
      () => client.process(cmd!),
      RemoteProtocolError,
      "channel 'TEST:AI' of role client in state CONNECTED cannot receive CreateChanResponse",
    );
  });

  it("forbids server-side sends on a channel the client is clearing", () => {
    const { client, server } = connectedPair();
    const sid = openChannel(client, server, "TEST:AI", 1);
    pass(client, server, new ClearChannelRequest(sid, 1));
    expectThrows(
      () => server.send(new ServerDisconnResponse(1)),
      LocalProtocolError,
      "channel 'TEST:AI' of role server in state MUST_CLOSE cannot send ServerDisconnResponse",
    );
  });

  it("refuses to send a command of the other role", () => {
    const client = new VirtualCircuit({ role: Role.CLIENT });
    expectThrows(
      () => client.send(new VersionResponse()),
      LocalProtocolError,
      "circuit of role client cannot send VersionResponse, which only a server sends",
    );
  });

  it("rejects a duplicate CID from a client", () => {
    const { client, server } = connectedPair();
    openChannel(client, server, "A", 1);
    const [cmd] = server.recv(new CreateChanRequest("B", 1).encode());
    expectThrows(() => server.process(cmd!), RemoteProtocolError, "CreateChanRequest reuses CID 1 of open channel 'A'");
  });

  it("ignores late replies for ids it no longer tracks", () => {
    const { client, server } = connectedPair();
    openChannel(client, server, "A", 1);
    const [cmd] = client.recv(new ReadNotifyResponse(makeDbrData(DbrType.DOUBLE, Float64Array.of(1)), 999).encode());
    expect(() => client.process(cmd!)).not.toThrow();
  });

  it("closes every channel and refuses to send once disconnected", () => {
    const { client, server } = connectedPair();
    openChannel(client, server, "A", 1);
    const ch = client.channelByCid(1)!;
    client.disconnect();
    expect(ch.state).toBe(ChannelState.CLOSED);
    expectThrows(
      () => client.send(new HostNameRequest("h")),
      LocalProtocolError,
      "circuit of role client in state DISCONNECTED cannot send HostNameRequest",
    );
  });
});
