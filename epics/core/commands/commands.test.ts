import { describe, expect, it } from "vitest";
import { expectThrows } from "../../test-helpers.ts";
import { makeDbrData } from "../dbr-data.ts";
import { DbrType } from "../dbr-types.ts";
import { RemoteProtocolError } from "../errors.ts";
import { CommandReader } from "../reader.ts";
import type { Command, CommandClass } from "./command.ts";
import * as all from "./index.ts";
import { TCP_REQUESTS, TCP_RESPONSES, UDP_REQUESTS, UDP_RESPONSES, type CommandRegistry } from "./registry.ts";

const {
  AccessRightsResponse,
  ClearChannelRequest,
  ClearChannelResponse,
  ClientNameRequest,
  CreateChanRequest,
  CreateChanResponse,
  CreateChFailResponse,
  EchoRequest,
  EchoResponse,
  ErrorResponse,
  EventAddRequest,
  EventAddResponse,
  EventCancelRequest,
  EventCancelResponse,
  EventsOffRequest,
  EventsOnRequest,
  HostNameRequest,
  NotFoundResponse,
  ReadNotifyRequest,
  ReadNotifyResponse,
  ReadRequest,
  ReadResponse,
  ReadSyncRequest,
  RepeaterConfirmResponse,
  RepeaterRegisterRequest,
  RsrvIsUpResponse,
  SearchRequest,
  SearchResponse,
  ServerDisconnResponse,
  VersionRequest,
  VersionResponse,
  WriteNotifyRequest,
  WriteNotifyResponse,
  WriteRequest,
} = all;

const doubles = makeDbrData(DbrType.TIME_DOUBLE, Float64Array.of(1.5, -2.25, 3), {
  status: 3,
  severity: 2,
  timestamp: { secondsPastEpoch: 1e9, nanoseconds: 42 },
});
const text = makeDbrData(DbrType.STRING, ["hello"]);

/** One sample of every command, with the registry that decodes it. */
const SAMPLES: [Command, CommandRegistry][] = [
  [new VersionRequest(5, 13, 77), TCP_REQUESTS],
  [new VersionResponse(13, 5, 77), TCP_RESPONSES],
  [new EchoRequest(), TCP_REQUESTS],
  [new EchoResponse(), TCP_RESPONSES],
  [new HostNameRequest("beamline-ws01"), TCP_REQUESTS],
  [new ClientNameRequest("operator"), TCP_REQUESTS],
  [new EventsOffRequest(), TCP_REQUESTS],
  [new EventsOnRequest(), TCP_REQUESTS],
  [new ReadSyncRequest(), TCP_REQUESTS],
  [
    new ErrorResponse(
      { command: 15, payloadSize: 0, dataType: 6, dataCount: 1, parameter1: 9, parameter2: 10 },
      4,
      114,
      "bad type",
    ),
    TCP_RESPONSES,
  ],
  [new CreateChanRequest("SR:C01:BPM:X", 17, 13), TCP_REQUESTS],
  [new CreateChanResponse(6, 2048, 17, 99), TCP_RESPONSES],
  [new CreateChFailResponse(17), TCP_RESPONSES],
  [new AccessRightsResponse(17, 3), TCP_RESPONSES],
  [new ClearChannelRequest(99, 17), TCP_REQUESTS],
  [new ClearChannelResponse(99, 17), TCP_RESPONSES],
  [new ServerDisconnResponse(17), TCP_RESPONSES],
  [new ReadNotifyRequest(20, 0, 99, 5), TCP_REQUESTS],
  [new ReadNotifyResponse(doubles, 5), TCP_RESPONSES],
  [new ReadRequest(0, 1, 99, 6), TCP_REQUESTS],
  [new ReadResponse(text, 99, 6), TCP_RESPONSES],
  [new WriteRequest(text, 99, 7), TCP_REQUESTS],
  [new WriteNotifyRequest(makeDbrData(DbrType.DOUBLE, Float64Array.of(4)), 99, 8), TCP_REQUESTS],
  [new WriteNotifyResponse(6, 1, 1, 8), TCP_RESPONSES],
  [new EventAddRequest(20, 3, 99, 11, 5, 0, 0, 0), TCP_REQUESTS],
  [new EventAddResponse(doubles, 11), TCP_RESPONSES],
  [new EventCancelRequest(20, 3, 99, 11), TCP_REQUESTS],
  [new EventCancelResponse(20, 3, 99, 11), TCP_RESPONSES],
  [new SearchRequest("SR:C01:BPM:X", 17, 10, 13), UDP_REQUESTS],
  [new SearchResponse(40123, 17, 0x7f000001, 13), UDP_RESPONSES],
  [new NotFoundResponse(17, 13, 10), UDP_RESPONSES],
  [new RsrvIsUpResponse(40123, 8, 0x7f000001, 13), UDP_RESPONSES],
  [new RepeaterRegisterRequest(0x7f000001), UDP_REQUESTS],
  [new RepeaterConfirmResponse(0x7f000001), UDP_RESPONSES],
];

function decodeAll(registry: CommandRegistry, bytes: Uint8Array): Command[] {
  return new CommandReader(registry, { maxPayloadBytes: 1 << 20 }).feed(bytes);
}

describe("commands", () => {
  it("covers every exported command class", () => {
    const classes = (Object.values(all) as unknown[]).filter(
      (v): v is CommandClass => typeof v === "function" && typeof (v as { id?: unknown }).id === "number",
    );
    const sampled = new Set<unknown>(SAMPLES.map(([c]) => c.constructor));
    expect(classes.filter((c) => !sampled.has(c)).map((c) => c.name)).toEqual([]);
  });

  for (const [cmd, registry] of SAMPLES) {
    it(`${cmd.commandName} round-trips and is 8-byte padded`, () => {
      const bytes = cmd.encode();
      expect(bytes.length % 8).toBe(0);
      const [back, ...rest] = decodeAll(registry, bytes);
      expect(rest).toEqual([]);
      expect(back).toBeInstanceOf(cmd.constructor);
      expect(back).toEqual(cmd);
      expect(Buffer.compare(back!.encode(), bytes)).toBe(0);
    });
  }

  it("decodes a stream fed one byte at a time", () => {
    const tcp = SAMPLES.filter(([, r]) => r === TCP_RESPONSES).map(([c]) => c);
    const stream = Buffer.concat(tcp.map((c) => c.encode()));
    const reader = new CommandReader(TCP_RESPONSES, { maxPayloadBytes: 1 << 20 });
    const out: Command[] = [];
    for (let i = 0; i < stream.length; i++) out.push(...reader.feed(stream.subarray(i, i + 1)));
    expect(out).toEqual(tcp);
    expect(reader.bufferedBytes).toBe(0);
  });

  it("decodes a stream split at arbitrary points", () => {
    const tcp = SAMPLES.filter(([, r]) => r === TCP_REQUESTS).map(([c]) => c);
    const stream = Buffer.concat(tcp.map((c) => c.encode()));
    for (const step of [3, 7, 16, 23, 100]) {
      const reader = new CommandReader(TCP_REQUESTS, { maxPayloadBytes: 1 << 20 });
      const out: Command[] = [];
      for (let i = 0; i < stream.length; i += step) out.push(...reader.feed(stream.subarray(i, i + step)));
      expect(out).toEqual(tcp);
    }
  });

  it("carries arrays over 0xFFFF bytes in an extended header", () => {
    const big = makeDbrData(DbrType.DOUBLE, Float64Array.from({ length: 100_000 }, (_, i) => i / 3));
    const cmd = new ReadNotifyResponse(big, 3);
    const bytes = cmd.encode();
    expect(bytes.readUInt16BE(2)).toBe(0xffff);
    expect(bytes.readUInt32BE(16)).toBe(800_000);
    expect(bytes.readUInt32BE(20)).toBe(100_000);
    const reader = new CommandReader(TCP_RESPONSES, { maxPayloadBytes: 1 << 20 });
    const out: Command[] = [];
    for (let i = 0; i < bytes.length; i += 1000) out.push(...reader.feed(bytes.subarray(i, i + 1000)));
    expect(out).toHaveLength(1);
    expect((out[0] as InstanceType<typeof ReadNotifyResponse>).data.values).toEqual(big.values);
  });

  it("rejects an unknown command id, naming it", () => {
    const bytes = Buffer.alloc(16);
    bytes.writeUInt16BE(25, 0);
    expectThrows(() => decodeAll(TCP_REQUESTS, bytes), RemoteProtocolError, "unknown command id 25 (TCP client->server)");
  });

  it("rejects a payload over the limit as soon as the header arrives", () => {
    const cmd = new WriteRequest(makeDbrData(DbrType.DOUBLE, new Float64Array(100)), 1, 1);
    const reader = new CommandReader(TCP_REQUESTS, { maxPayloadBytes: 512 });
    expectThrows(
      () => reader.feed(cmd.encode().subarray(0, 16)),
      RemoteProtocolError,
      "WriteRequest announces a payload of 800 bytes, over the limit of 512 (EPICS_CA_MAX_ARRAY_BYTES)",
    );
    // A failed reader stays failed: the circuit must be dropped.
    expectThrows(() => reader.feed(Buffer.alloc(16)), RemoteProtocolError, /over the limit/);
  });

  it("rejects a data message whose payload is too short for its type and count", () => {
    const bytes = new ReadNotifyResponse(makeDbrData(DbrType.DOUBLE, Float64Array.of(1)), 1).encode();
    bytes.writeUInt16BE(2, 6); // claim two doubles in an 8-byte payload
    expectThrows(
      () => decodeAll(TCP_RESPONSES, bytes),
      RemoteProtocolError,
      "cannot decode ReadNotifyResponse: payload of 8 bytes is too short for DBR_DOUBLE x 2 (needs 16 bytes)",
    );
  });

  it("rejects an invalid DBR type in a data message", () => {
    const bytes = new WriteRequest(makeDbrData(DbrType.DOUBLE, Float64Array.of(1)), 1, 1).encode();
    bytes.writeUInt16BE(77, 4);
    expectThrows(() => decodeAll(TCP_REQUESTS, bytes), RemoteProtocolError, "cannot decode WriteRequest: unknown DBR type 77 (valid: 0..38)");
  });
});
