import { createSocket } from "node:dgram";
import { afterEach, describe, expect, it } from "vitest";
import { Broadcaster } from "../core/broadcaster.ts";
import {
  AccessRightsResponse,
  CreateChanRequest,
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
  NotFoundResponse,
  ReadNotifyRequest,
  ReadNotifyResponse,
  RsrvIsUpResponse,
  SearchResponse,
  VersionResponse,
  WriteNotifyRequest,
  WriteNotifyResponse,
  WriteRequest,
} from "../core/commands/index.ts";
import { AccessRights, Dbe, SearchReply } from "../core/constants.ts";
import { charArrayToString } from "../core/convert.ts";
import { makeDbrData } from "../core/dbr-data.ts";
import { DbrType, NativeType } from "../core/dbr-types.ts";
import { Role } from "../core/state.ts";
import { EcaStatus } from "../core/status.ts";
import { AlarmSeverity, AlarmStatus } from "../core/alarm.ts";
import { CaServer, type CaServerOptions } from "./server.ts";
import { SoftPV } from "./soft-pv.ts";
import { RawCircuitClient, udpExchange } from "./testing/raw-client.ts";
import { waitFor } from "../test-helpers.ts";

const servers: CaServer[] = [];
const clients: RawCircuitClient[] = [];
/** Clients that follow the protocol: the server must not break the client state machine for them. */
const wellBehaved: RawCircuitClient[] = [];

afterEach(async () => {
  for (const c of wellBehaved.splice(0)) expect(c.protocolErrors).toEqual([]);
  for (const c of clients.splice(0)) c.close();
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function startServer(pvs: SoftPV[], extra: Partial<CaServerOptions> = {}): Promise<CaServer> {
  const server = await CaServer.start({ pvs, tcpPort: 0, interfaces: ["127.0.0.1"], beaconPeriodMs: 0, env: {}, ...extra });
  servers.push(server);
  return server;
}

async function rawClient(server: CaServer): Promise<RawCircuitClient> {
  const c = await RawCircuitClient.connect(server.tcpPort);
  clients.push(c);
  wellBehaved.push(c);
  return c;
}

const isRead = (ioid: number) => (c: { commandName: string }) => c instanceof ReadNotifyResponse && c.ioid === ioid;

function demoPvs(): Record<string, SoftPV> {
  return {
    ai: new SoftPV({
      name: "TEST:AI",
      value: 1.23456,
      units: "mA",
      precision: 3,
      displayLimits: [0, 500],
      controlLimits: [1, 400],
      alarm: { hihi: 450, high: 400, low: 10, lolo: 5 },
    }),
    mbbi: new SoftPV({ name: "TEST:MODE", type: "enum", enumStrings: ["Off", "Standby", "On"], value: 2 }),
    wave: new SoftPV({ name: "TEST:WAVE", type: "double", value: [1, 2, 3], maxCount: 100 }),
    text: new SoftPV({ name: "TEST:STR", value: "x".repeat(39) }),
    path: new SoftPV({ name: "TEST:PATH", type: "char", value: "/data/long/file/name/beyond/forty/characters.h5", maxCount: 256 }),
    ro: new SoftPV({ name: "TEST:RO", value: 7, access: AccessRights.READ }),
    na: new SoftPV({ name: "TEST:NA", value: 8, access: AccessRights.NONE }),
  };
}

describe("CaServer name search", () => {
  it("answers a search with a version and the TCP port, and NOT_FOUND only when asked", async () => {
    const pvs = demoPvs();
    const server = await startServer(Object.values(pvs));
    expect(server.udpPort).toBe(server.tcpPort);
    const client = new Broadcaster({ role: Role.CLIENT });
    const found = await udpExchange(
      server.udpPort,
      client.searchDatagrams([
        { name: "TEST:AI", cid: 11 },
        { name: "NOPE", cid: 12 },
      ])[0]!,
    );
    expect(found.map((c) => c.commandName)).toEqual(["VersionResponse", "SearchResponse"]);
    expect((found[0] as VersionResponse).sequence).toBe(1);
    expect(found[1]).toMatchObject({ port: server.tcpPort, cid: 11, version: 13 });
    const missing = await udpExchange(server.udpPort, client.searchDatagrams([{ name: "NOPE", cid: 13 }], SearchReply.DO_REPLY)[0]!);
    expect(missing[1]).toBeInstanceOf(NotFoundResponse);
    expect((missing[1] as NotFoundResponse).cid).toBe(13);
  });

  it("ignores datagrams that do not decode", async () => {
    const server = await startServer(Object.values(demoPvs()));
    expect(await udpExchange(server.udpPort, Buffer.from("definitely not channel access"), 50)).toEqual([]);
    const ok = await udpExchange(server.udpPort, new Broadcaster({ role: Role.CLIENT }).searchDatagrams([{ name: "TEST:AI", cid: 1 }])[0]!);
    expect(ok[1]).toBeInstanceOf(SearchResponse);
  });
});

describe("CaServer circuits", () => {
  it("creates channels with native type, count and access rights; refuses unknown names", async () => {
    const server = await startServer(Object.values(demoPvs()));
    const c = await rawClient(server);
    expect(await c.createChannel("TEST:WAVE")).toMatchObject({ nativeType: NativeType.DOUBLE, nativeCount: 100, rights: 3 });
    expect(await c.createChannel("TEST:RO")).toMatchObject({ rights: AccessRights.READ });
    c.circuit.newChannel("MISSING", 99);
    c.send(new CreateChanRequest("MISSING", 99));
    expect(await c.next((x) => x instanceof CreateChFailResponse)).toMatchObject({ cid: 99 });
    c.send(new EchoRequest());
    await c.next((x) => x instanceof EchoResponse);
  });

  it("reads a DOUBLE PV in every form with its metadata", async () => {
    const server = await startServer(Object.values(demoPvs()));
    const c = await rawClient(server);
    const { sid } = await c.createChannel("TEST:AI");
    const types = [DbrType.DOUBLE, DbrType.STS_FLOAT, DbrType.TIME_DOUBLE, DbrType.GR_LONG, DbrType.CTRL_DOUBLE, DbrType.STRING, DbrType.CLASS_NAME];
    types.forEach((t, i) => c.send(new ReadNotifyRequest(t, 1, sid, 100 + i)));
    const r = await Promise.all(types.map((_, i) => c.next<ReadNotifyResponse>(isRead(100 + i))));
    expect(r[0]!.data.values).toEqual(Float64Array.of(1.23456));
    expect(r[1]!.data.values[0]).toBeCloseTo(1.23456, 5);
    expect(Math.abs(r[2]!.data.timestamp.secondsPastEpoch + 631152000 - Date.now() / 1000)).toBeLessThan(5);
    expect(r[3]!.data).toMatchObject({ units: "mA", values: Int32Array.of(1) });
    expect(r[3]!.data.limits).toMatchObject({ upperDisp: 500, upperAlarm: 450, upperWarning: 400, lowerWarning: 10, lowerAlarm: 5 });
    expect(r[4]!.data).toMatchObject({ units: "mA", precision: 3 });
    expect(r[4]!.data.limits).toMatchObject({ upperCtrl: 400, lowerCtrl: 1 });
    expect(r[5]!.data.values).toEqual(["1.235"]);
    expect(r[6]!.data.values).toEqual(["soft"]);
    expect(r.every((x) => x.status === EcaStatus.NORMAL)).toBe(true);
  });

  it("serves enum strings, 39-character strings and long strings as CHAR arrays", async () => {
    const server = await startServer(Object.values(demoPvs()));
    const c = await rawClient(server);
    const mode = await c.createChannel("TEST:MODE");
    const str = await c.createChannel("TEST:STR");
    const path = await c.createChannel("TEST:PATH");
    c.send(new ReadNotifyRequest(DbrType.CTRL_ENUM, 1, mode.sid, 1));
    c.send(new ReadNotifyRequest(DbrType.STRING, 1, mode.sid, 2));
    c.send(new ReadNotifyRequest(DbrType.TIME_STRING, 1, str.sid, 3));
    c.send(new ReadNotifyRequest(DbrType.CHAR, 0, path.sid, 4));
    const ctrl = await c.next<ReadNotifyResponse>(isRead(1));
    expect(ctrl.data).toMatchObject({ enumStrings: ["Off", "Standby", "On"], values: Uint16Array.of(2) });
    expect((await c.next<ReadNotifyResponse>(isRead(2))).data.values).toEqual(["On"]);
    expect((await c.next<ReadNotifyResponse>(isRead(3))).data.values).toEqual(["x".repeat(39)]);
    const chars = await c.next<ReadNotifyResponse>(isRead(4));
    expect(charArrayToString(chars.data.values as Uint8Array)).toBe("/data/long/file/name/beyond/forty/characters.h5");
  });

  it("returns the current length for count 0 and rejects counts over the maximum", async () => {
    const pvs = demoPvs();
    const server = await startServer(Object.values(pvs));
    const c = await rawClient(server);
    const { sid } = await c.createChannel("TEST:WAVE");
    pvs.wave!.set([5, 6, 7, 8, 9]);
    c.send(new ReadNotifyRequest(DbrType.DOUBLE, 0, sid, 1), new ReadNotifyRequest(DbrType.DOUBLE, 8, sid, 2));
    c.send(new ReadNotifyRequest(DbrType.DOUBLE, 101, sid, 3));
    expect((await c.next<ReadNotifyResponse>(isRead(1))).data.values).toEqual(Float64Array.of(5, 6, 7, 8, 9));
    expect((await c.next<ReadNotifyResponse>(isRead(2))).data.values).toEqual(Float64Array.of(5, 6, 7, 8, 9, 0, 0, 0));
    expect((await c.next<ReadNotifyResponse>(isRead(3))).status).toBe(EcaStatus.BADCOUNT);
  });

  it("refuses arrays over EPICS_CA_MAX_ARRAY_BYTES", async () => {
    const big = new SoftPV({ name: "BIG", type: "double", value: new Float64Array(1000), maxCount: 1000 });
    const server = await startServer([big], { env: { EPICS_CA_MAX_ARRAY_BYTES: "4000" } });
    const c = await rawClient(server);
    const { sid } = await c.createChannel("BIG");
    c.send(new ReadNotifyRequest(DbrType.DOUBLE, 0, sid, 1), new ReadNotifyRequest(DbrType.DOUBLE, 400, sid, 2));
    expect((await c.next<ReadNotifyResponse>(isRead(1))).status).toBe(EcaStatus.TOLARGE);
    expect((await c.next<ReadNotifyResponse>(isRead(2))).data.values).toHaveLength(400);
  });

  it("completes write_notify only when the PV's put handler completes", async () => {
    let finish!: () => void;
    const motor = new SoftPV({ name: "MTR", value: 0, onPut: () => new Promise<void>((r) => (finish = r)) });
    const server = await startServer([motor]);
    const c = await rawClient(server);
    const { sid } = await c.createChannel("MTR");
    c.send(new WriteNotifyRequest(makeDbrData(DbrType.DOUBLE, Float64Array.of(12.5)), sid, 7));
    await waitFor(() => motor.value === 12.5, "the write to apply");
    expect(c.drain().filter((x) => x instanceof WriteNotifyResponse)).toEqual([]);
    finish();
    const done = await c.next<WriteNotifyResponse>((x) => x instanceof WriteNotifyResponse);
    expect([done.ioid, done.status]).toEqual([7, EcaStatus.NORMAL]);
  });

  it("reports a failed put handler and an unconvertible value as ECA_PUTFAIL", async () => {
    const pv = new SoftPV({ name: "FAIL", value: 0, onPut: () => Promise.reject(new Error("interlock open")) });
    const server = await startServer([pv]);
    const c = await rawClient(server);
    const { sid } = await c.createChannel("FAIL");
    c.send(new WriteNotifyRequest(makeDbrData(DbrType.DOUBLE, Float64Array.of(1)), sid, 1));
    c.send(new WriteNotifyRequest(makeDbrData(DbrType.STRING, ["abc"]), sid, 2));
    c.send(new WriteRequest(makeDbrData(DbrType.STRING, ["abc"]), sid, 3));
    const replies = [await c.next<WriteNotifyResponse>((x) => x instanceof WriteNotifyResponse && x.ioid === 1)];
    replies.push(await c.next<WriteNotifyResponse>((x) => x instanceof WriteNotifyResponse && x.ioid === 2));
    expect(replies.map((r) => r.status)).toEqual([EcaStatus.PUTFAIL, EcaStatus.PUTFAIL]);
    const err = await c.next<ErrorResponse>((x) => x instanceof ErrorResponse);
    expect([err.status, err.message, err.originalRequest.command]).toEqual([EcaStatus.PUTFAIL, "cannot convert 'abc' to a number", 4]);
  });

  it("enforces read-only and no-access PVs", async () => {
    const server = await startServer(Object.values(demoPvs()));
    const c = await rawClient(server);
    const ro = await c.createChannel("TEST:RO");
    const na = await c.createChannel("TEST:NA");
    expect(na.rights).toBe(AccessRights.NONE);
    c.send(new WriteNotifyRequest(makeDbrData(DbrType.DOUBLE, Float64Array.of(1)), ro.sid, 1));
    c.send(new ReadNotifyRequest(DbrType.DOUBLE, 1, na.sid, 2));
    c.send(new EventAddRequest(DbrType.DOUBLE, 1, na.sid, 3, Dbe.VALUE));
    expect((await c.next<WriteNotifyResponse>((x) => x instanceof WriteNotifyResponse)).status).toBe(EcaStatus.NOWTACCESS);
    expect((await c.next<ReadNotifyResponse>(isRead(2))).status).toBe(EcaStatus.NORDACCESS);
    expect((await c.next<EventAddResponse>((x) => x instanceof EventAddResponse)).status).toBe(EcaStatus.NORDACCESS);
  });

  it("sends monitor updates by mask and deadband, and stops after cancel", async () => {
    const pv = new SoftPV({ name: "MON", value: 0, mdel: 1, adel: 10, alarm: { high: 50 } });
    const server = await startServer([pv]);
    const c = await rawClient(server);
    const { sid } = await c.createChannel("MON");
    c.send(new EventAddRequest(DbrType.TIME_DOUBLE, 1, sid, 1, Dbe.VALUE));
    c.send(new EventAddRequest(DbrType.TIME_DOUBLE, 1, sid, 2, Dbe.LOG));
    c.send(new EventAddRequest(DbrType.STS_DOUBLE, 1, sid, 3, Dbe.ALARM));
    const initial = await Promise.all([1, 2, 3].map((id) => c.next<EventAddResponse>((x) => x instanceof EventAddResponse && x.subscriptionId === id)));
    expect(initial.map((u) => u.data.values[0])).toEqual([0, 0, 0]);
    for (const v of [0.5, 2, 15, 60]) pv.set(v);
    await waitFor(() => c.received((x) => x instanceof EventAddResponse).length === 6, "six updates");
    const updates = c.drain().filter((x): x is EventAddResponse => x instanceof EventAddResponse);
    const bySub = (id: number) => updates.filter((u) => u.subscriptionId === id).map((u) => u.data.values[0]);
    expect(bySub(1)).toEqual([2, 15, 60]);
    expect(bySub(2)).toEqual([15, 60]);
    expect(bySub(3)).toEqual([60]);
    expect(updates.find((u) => u.subscriptionId === 3)!.data).toMatchObject({ status: AlarmStatus.HIGH, severity: AlarmSeverity.MINOR });
    c.send(new EventCancelRequest(DbrType.TIME_DOUBLE, 1, sid, 1));
    await c.next((x) => x instanceof EventCancelResponse);
    pv.set(100);
    await new Promise((r) => setTimeout(r, 30));
    expect(c.drain().filter((x) => x instanceof EventAddResponse && x.subscriptionId === 1)).toEqual([]);
  });

  it("sends DBE_PROPERTY updates when metadata changes", async () => {
    const pv = new SoftPV({ name: "PROP", value: 1, units: "mm" });
    const server = await startServer([pv]);
    const c = await rawClient(server);
    const { sid } = await c.createChannel("PROP");
    c.send(new EventAddRequest(DbrType.CTRL_DOUBLE, 1, sid, 1, Dbe.PROPERTY));
    await c.next((x) => x instanceof EventAddResponse);
    pv.set(2);
    pv.setMetadata({ units: "um" });
    const update = await c.next<EventAddResponse>((x) => x instanceof EventAddResponse);
    expect(update.data.units).toBe("um");
  });

  it("tells clients with a channel open when a PV goes away", async () => {
    const pvs = demoPvs();
    const server = await startServer(Object.values(pvs));
    const c = await rawClient(server);
    const { cid } = await c.createChannel("TEST:AI");
    server.disconnectPv("TEST:AI");
    expect(await c.next((x) => x.commandName === "ServerDisconnResponse")).toMatchObject({ cid });
  });
});

describe("CaServer flow control", () => {
  it("holds updates between EVENTS_OFF and EVENTS_ON, then sends the latest value", async () => {
    const pv = new SoftPV({ name: "FLOW", value: 0 });
    const server = await startServer([pv]);
    const c = await rawClient(server);
    const { sid } = await c.createChannel("FLOW");
    c.send(new EventAddRequest(DbrType.DOUBLE, 1, sid, 1, Dbe.VALUE));
    await c.next((x) => x instanceof EventAddResponse);
    // The echo's reply proves the server has handled EVENTS_OFF before the PV changes.
    c.send(new EventsOffRequest(), new EchoRequest());
    await c.next((x) => x instanceof EchoResponse);
    for (let i = 1; i <= 10; i++) pv.set(i);
    await new Promise((r) => setTimeout(r, 20));
    expect(c.drain().filter((x) => x instanceof EventAddResponse)).toEqual([]);
    c.send(new EventsOnRequest());
    const update = await c.next<EventAddResponse>((x) => x instanceof EventAddResponse);
    expect(update.data.values).toEqual(Float64Array.of(10));
  });

  it("collapses updates for a client that stops reading and delivers the latest once it reads again", async () => {
    const n = 2000;
    const pv = new SoftPV({ name: "FLOOD", type: "double", value: new Float64Array(n), maxCount: n });
    const server = await startServer([pv], { maxArrayBytes: 1 << 20 });
    const c = await rawClient(server);
    const { sid } = await c.createChannel("FLOOD");
    c.send(new EventAddRequest(DbrType.DOUBLE, 0, sid, 1, Dbe.VALUE));
    await c.next((x) => x instanceof EventAddResponse);
    c.socket.pause();
    const frame = new Float64Array(n);
    for (let i = 1; i <= 600; i++) {
      frame[0] = i;
      pv.set(frame);
      if (i % 50 === 0) await new Promise((r) => setTimeout(r, 1));
    }
    c.socket.resume();
    let last = 0;
    let received = 0;
    while (last !== 600) {
      const u = await c.next<EventAddResponse>((x) => x instanceof EventAddResponse, 5000);
      last = u.data.values[0] as number;
      received++;
    }
    expect(received).toBeLessThan(600);
  });

  it("reports ECA_NOCONVERT for a monitor whose type cannot hold the value, and the PV keeps working", async () => {
    const pv = new SoftPV({ name: "TXT", value: "ready" });
    const server = await startServer([pv]);
    const c = await rawClient(server);
    const { sid } = await c.createChannel("TXT");
    c.send(new EventAddRequest(DbrType.DOUBLE, 1, sid, 1, Dbe.VALUE));
    expect((await c.next<EventAddResponse>((x) => x instanceof EventAddResponse)).status).toBe(EcaStatus.NOCONVERT);
    expect(() => pv.set("still fine")).not.toThrow();
    c.send(new ReadNotifyRequest(DbrType.STRING, 1, sid, 2));
    expect((await c.next<ReadNotifyResponse>(isRead(2))).data.values).toEqual(["still fine"]);
  });
});

describe("CaServer robustness", () => {
  it("closes a circuit sending a hostile header with an error message; other clients carry on", async () => {
    const pvs = demoPvs();
    const errors: string[] = [];
    const server = await startServer(Object.values(pvs), { onProtocolError: (e) => errors.push(`${e.name}: ${e.message}`) });
    const good = await rawClient(server);
    const { sid } = await good.createChannel("TEST:AI");
    const bad = await rawClient(server);
    const header = Buffer.alloc(24);
    header.writeUInt16BE(4, 0); // WRITE
    header.writeUInt16BE(0xffff, 2); // extended
    header.writeUInt32BE(0x7fffffff, 16); // 2 GB payload
    bad.writeRaw(header);
    const err = await bad.next<ErrorResponse>((x) => x instanceof ErrorResponse);
    expect(err.message).toBe(
      "WriteRequest announces a payload of 2147483647 bytes, over the limit of 16896 (EPICS_CA_MAX_ARRAY_BYTES)",
    );
    await waitFor(() => bad.closed, "the bad circuit to close");
    expect(errors).toEqual(["RemoteProtocolError: " + err.message]);
    good.send(new ReadNotifyRequest(DbrType.DOUBLE, 1, sid, 5));
    expect((await good.next<ReadNotifyResponse>(isRead(5))).data.values).toEqual(Float64Array.of(1.23456));
  });

  it("rejects requests before the version handshake", async () => {
    const server = await startServer(Object.values(demoPvs()));
    const bad = await RawCircuitClient.connect(server.tcpPort, "127.0.0.1", false);
    clients.push(bad);
    bad.writeRaw(new CreateChanRequest("TEST:AI", 1).encode());
    const err = await bad.next<ErrorResponse>((x) => x instanceof ErrorResponse);
    expect(err.message).toBe("circuit of role server in state AWAIT_VERSION_REQUEST cannot receive CreateChanRequest");
  });

  it("survives random bytes from many clients (fuzz) and keeps serving", async () => {
    const pvs = demoPvs();
    const server = await startServer(Object.values(pvs));
    let seed = 12345;
    const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    const fuzzers: RawCircuitClient[] = [];
    for (let i = 0; i < 20; i++) {
      const f = await RawCircuitClient.connect(server.tcpPort, "127.0.0.1", i % 2 === 0);
      clients.push(f);
      fuzzers.push(f);
      const bytes = Buffer.alloc(16 + Math.floor(rand() * 400));
      for (let j = 0; j < bytes.length; j++) bytes[j] = Math.floor(rand() * 256);
      // Keep some command ids plausible so decoding goes deeper than the id check.
      bytes.writeUInt16BE([1, 4, 15, 18, 19, 2, 12][i % 7]!, 0);
      f.writeRaw(bytes);
    }
    // Random UDP too.
    const udp = createSocket("udp4");
    for (let i = 0; i < 20; i++) udp.send(Buffer.from(Array.from({ length: 40 }, () => Math.floor(rand() * 256))), server.udpPort, "127.0.0.1");
    await new Promise((r) => setTimeout(r, 100));
    udp.close();
    const good = await rawClient(server);
    const { sid } = await good.createChannel("TEST:WAVE");
    good.send(new ReadNotifyRequest(DbrType.DOUBLE, 0, sid, 1));
    expect((await good.next<ReadNotifyResponse>(isRead(1))).data.values).toEqual(Float64Array.of(1, 2, 3));
    expect(server.clientCount).toBeLessThanOrEqual(21);
  });
});

describe("CaServer configuration", () => {
  it("takes its port and interface from EPICS variables", async () => {
    const probe = await startServer([]);
    const port = probe.tcpPort;
    await probe.close();
    servers.splice(servers.indexOf(probe), 1);
    const server = await CaServer.start({
      pvs: Object.values(demoPvs()),
      env: { EPICS_CA_SERVER_PORT: String(port), EPICS_CAS_INTF_ADDR_LIST: "127.0.0.1", EPICS_CAS_BEACON_PERIOD: "0" },
    });
    servers.push(server);
    expect([server.tcpPort, server.udpPort]).toEqual([port, port]);
    const c = await rawClient(server);
    expect((await c.createChannel("TEST:AI")).nativeType).toBe(NativeType.DOUBLE);
  });

  it("sends beacons with its TCP port to the beacon address list, faster at first", async () => {
    const sink = createSocket("udp4");
    await new Promise<void>((r) => sink.bind(0, "127.0.0.1", r));
    const beacons: RsrvIsUpResponse[] = [];
    const b = new Broadcaster({ role: Role.CLIENT });
    sink.on("message", (m) => beacons.push(...(b.recv(m) as RsrvIsUpResponse[])));
    const server = await startServer([], {
      beaconPeriodMs: 1000,
      autoBeaconAddresses: false,
      beaconAddresses: [`127.0.0.1:${sink.address().port}`],
    });
    await waitFor(() => beacons.length >= 3, "three beacons");
    sink.close();
    expect(beacons.every((x) => x instanceof RsrvIsUpResponse && x.port === server.tcpPort)).toBe(true);
    expect(beacons.map((x) => x.beaconId).slice(0, 3)).toEqual([0, 1, 2]);
  });

  it("takes beacon destinations from EPICS_CAS_BEACON_ADDR_LIST", async () => {
    const sink = createSocket("udp4");
    await new Promise<void>((r) => sink.bind(0, "127.0.0.1", r));
    const beacons: RsrvIsUpResponse[] = [];
    const b = new Broadcaster({ role: Role.CLIENT });
    sink.on("message", (m) => beacons.push(...(b.recv(m) as RsrvIsUpResponse[])));
    const server = await startServer([], {
      beaconPeriodMs: undefined,
      env: {
        EPICS_CAS_BEACON_ADDR_LIST: "127.0.0.1",
        EPICS_CAS_BEACON_PORT: String(sink.address().port),
        EPICS_CAS_AUTO_BEACON_ADDR_LIST: "NO",
        EPICS_CAS_BEACON_PERIOD: "0.05",
      },
    });
    await waitFor(() => beacons.length >= 2, "two beacons");
    sink.close();
    expect(beacons[0]!.port).toBe(server.tcpPort);
  });

  it("answers access-rights changes when the client names itself", async () => {
    const pv = new SoftPV({ name: "ASG", value: 0, access: (c) => (c.user === "tester" ? AccessRights.READ_WRITE : AccessRights.READ) });
    const server = await startServer([pv]);
    const c = await rawClient(server);
    expect((await c.createChannel("ASG")).rights).toBe(AccessRights.READ_WRITE);
    c.send(new (await import("../core/commands/index.ts")).ClientNameRequest("guest"));
    expect(await c.next((x) => x instanceof AccessRightsResponse)).toMatchObject({ accessRights: AccessRights.READ });
  });
});
