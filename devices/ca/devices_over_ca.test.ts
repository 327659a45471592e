/**
 * Every PV-based device class over `ca://`, against soft IOCs serving the simulated PV tables, compared with
 * the same class over `sim://` on the very same tables: data keys must be equal, readings equal in kind.
 */
import { fileURLToPath } from "node:url";
import sinon from "sinon";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CaClientContext, CaServer, ChannelNotFoundError } from "../../epics/index.ts";
import { NotConnectedError } from "../../engine/errors.ts";
import type { DataKey, Reading } from "../../engine/protocols.ts";
import { startIoc, type Ioc } from "../../sims/ioc/ioc.ts";
import { SimTableProvider } from "../../sims/ioc/provider.ts";
import { registerSimBackend } from "../../sims/pvs/backend.ts";
import { SimPvTable } from "../../sims/pvs/table.ts";
import { BeamCurrent, Bpm, CorrectorPowerSupply, Kicker, OrbitSystem, RfSystem, Tune } from "../accelerator/index.ts";
import {
  Camera,
  CurrentMonitor,
  Mirror,
  Monochromator,
  PlaneGratingMonochromator,
  Shutter,
  Slits,
  Undulator,
  Valve,
} from "../beamline/index.ts";
import type { Device } from "../core/device.ts";
import { EpicsMotor, PvPositioner } from "../motors/index.ts";
import { assertDescribeMatchesRead } from "../testing.ts";
import { registerCaBackend } from "./register.ts";

const SOFTXRAY = fileURLToPath(new URL("../../profiles/sim-softxray.yaml", import.meta.url));

let hard: Ioc;
let soft: Ioc;
let positioner: CaServer;
let ctx: CaClientContext;
const cleanups: (() => void)[] = [];

beforeAll(async () => {
  const common = { beaconPeriodMs: 0, env: {}, speedUp: 200 } as const;
  [hard, soft] = await Promise.all([startIoc({ sim: "beamline", ...common }), startIoc({ sim: "beamline", profile: SOFTXRAY, prefix: "SX-", ...common })]);
  const table = new SimPvTable({ tickMs: 5 });
  const rb = table.create("T:PS:RB", "double", { metadata: { units: "mm", precision: 3 } });
  table.create("T:PS:SP", "double", { writable: true, metadata: { units: "mm", precision: 3 }, onPut: (v) => void setTimeout(() => rb.set(v as number), 1) });
  // Records always carry a PREC; over sim:// a PV without one reports none, over CA it reports 0.
  table.create("T:PS:LO", "double", { value: -2, metadata: { precision: 2 } });
  table.create("T:PS:HI", "double", { value: 2, metadata: { precision: 2 } });
  positioner = await CaServer.start({ pvs: new SimTableProvider([table]), tcpPort: 0, interfaces: ["127.0.0.1"], beaconPeriodMs: 0, env: {} });
  ctx = new CaClientContext({
    env: {},
    addrList: [hard.server, soft.server, positioner].map((s) => `127.0.0.1:${s.udpPort}`),
    autoAddrList: false,
    maxArrayBytes: Math.max(hard.maxArrayBytes, soft.maxArrayBytes) + 64,
  });
  cleanups.push(registerCaBackend({ context: ctx }), registerSimBackend(...hard.tables, ...soft.tables, table), () => table.dispose());
}, 20_000);

afterAll(async () => {
  for (const c of cleanups.splice(0)) c();
  ctx.close();
  await Promise.all([hard.close(), soft.close(), positioner.close()]);
});

/** One device class built both ways. */
function both(make: (scheme: string) => Device): [Device, Device] {
  return [make("sim"), make("ca")];
}

const PAIRS: [string, (scheme: string) => Device][] = [
  ["Bpm", (scheme) => new Bpm({ scheme, name: "bpm", prefix: "SR:BPM01A:" })],
  ["CorrectorPowerSupply", (scheme) => new CorrectorPowerSupply({ scheme, name: "hcm", prefix: "SR:HCM01A:" })],
  ["BeamCurrent", (scheme) => new BeamCurrent({ scheme, name: "dcct", prefix: "SR:DCCT:" })],
  ["Tune", (scheme) => new Tune({ scheme, name: "tune", prefix: "SR:TUNE:" })],
  ["RfSystem", (scheme) => new RfSystem({ scheme, name: "rf", prefix: "SR:RF:" })],
  ["Kicker", (scheme) => new Kicker({ scheme, name: "kicker", prefix: "SR:KICKER:" })],
  ["OrbitSystem", (scheme) => new OrbitSystem({ scheme, name: "orbit", prefix: "SR:ORBIT:" })],
  ["Valve", (scheme) => new Valve({ scheme, name: "fev", prefix: "BL:FE-VALVE:" })],
  ["Shutter", (scheme) => new Shutter({ scheme, name: "shutter", prefix: "BL:PSHUTTER:" })],
  ["Mirror", (scheme) => new Mirror({ scheme, name: "m1", prefix: "BL:M1:" })],
  ["Monochromator", (scheme) => new Monochromator({ scheme, name: "mono", prefix: "BL:MONO:" })],
  ["PlaneGratingMonochromator", (scheme) => new PlaneGratingMonochromator({ scheme, name: "pgm", prefix: "SX-BL:PGM:" })],
  ["Undulator", (scheme) => new Undulator({ scheme, name: "id", prefix: "BL:ID:" })],
  ["Slits", (scheme) => new Slits({ scheme, name: "slits", prefix: "BL:SLIT1:" })],
  ["CurrentMonitor", (scheme) => new CurrentMonitor({ scheme, name: "ic", prefix: "BL:IC:" })],
  ["Camera", (scheme) => new Camera({ scheme, name: "cam", prefix: "BL:CAM1:", readImage: true })],
  ["EpicsMotor", (scheme) => new EpicsMotor({ scheme, name: "focus", prefix: "BL:FOCUS:Z" })],
  [
    "PvPositioner",
    (scheme) => new PvPositioner({ scheme, name: "ps", prefix: "T:PS:", tolerance: 0.01, lowLimitSuffix: "LO", highLimitSuffix: "HI" }),
  ],
];

const withoutSource = (keys: Record<string, DataKey>): Record<string, Omit<DataKey, "source">> =>
  Object.fromEntries(Object.entries(keys).map(([k, { source: _s, ...rest }]) => [k, rest]));

/** Sources differ only in scheme. */
function sources(keys: Record<string, DataKey>): Record<string, string> {
  return Object.fromEntries(Object.entries(keys).map(([k, v]) => [k, v.source.replace(/^[a-z]+:\/\//, "")]));
}

/** The kind of a reading: what must agree between transports even when the simulator moved in between. */
function kind(readings: Record<string, Reading>): Record<string, unknown> {
  const of = (v: unknown): unknown =>
    Array.isArray(v) ? { array: v.length, of: typeof v[0] } : typeof v === "string" ? v : typeof v;
  return Object.fromEntries(Object.entries(readings).map(([k, r]) => [k, { value: of(r.value), severity: r.alarm_severity ?? 0 }]));
}

function expectClose(actual: unknown, expected: unknown, what: string): void {
  if (typeof expected === "number" && typeof actual === "number") {
    expect(Math.abs(actual - expected), what).toBeLessThanOrEqual(Math.abs(expected) * 1e-6);
    return;
  }
  expect(actual, what).toEqual(expected);
}

describe("every device class over ca:// as over sim://", () => {
  it.each(PAIRS)("%s: describe() matches read(); data keys equal those over sim://", async (_name, make) => {
    const [simDevice, caDevice] = both(make);
    await Promise.all([simDevice.connect({ timeoutMs: 3000 }), caDevice.connect({ timeoutMs: 3000 })]);
    const sim = simDevice as unknown as Parameters<typeof assertDescribeMatchesRead>[0];
    const ca = caDevice as unknown as typeof sim;
    await assertDescribeMatchesRead(ca);
    const [simKeys, caKeys] = await Promise.all([sim.describe(), ca.describe()]);
    expect(withoutSource(caKeys)).toEqual(withoutSource(simKeys));
    expect(sources(caKeys)).toEqual(sources(simKeys));
    // PV-backed keys come over CA; derived ones (soft, computed) stay as they are.
    for (const [k, key] of Object.entries(simKeys))
      expect(caKeys[k]!.source, k).toBe(key.source.startsWith("sim://") ? key.source.replace("sim://", "ca://") : key.source);
    // A read more than the tables' minRefreshMs after the last steps the simulator (fresh BPM noise), and a CA
    // round trip on a loaded machine can take longer than that: with the tables' clock held still, both reads
    // share one simulator step and the values agree.
    const frozen = sinon.useFakeTimers({ toFake: ["performance"] });
    let simRead: Record<string, Reading>;
    let caRead: Record<string, Reading>;
    try {
      [simRead, caRead] = await Promise.all([sim.read(), ca.read()]);
    } finally {
      frozen.restore();
    }
    expect(kind(caRead)).toEqual(kind(simRead));
    // Computed values (the beam current's decay) may be evaluated apart, hence a relative tolerance of 1e-6.
    for (const [k, r] of Object.entries(simRead)) expectClose(caRead[k]!.value, r.value, k);
    if ("describeConfiguration" in sim && "describeConfiguration" in ca) {
      const s = sim as unknown as { describeConfiguration(): Promise<Record<string, DataKey>>; readConfiguration(): Promise<Record<string, Reading>> };
      const c = ca as unknown as typeof s;
      expect(withoutSource(await c.describeConfiguration())).toEqual(withoutSource(await s.describeConfiguration()));
      // Configuration does not drift: the values themselves agree.
      const strip = (r: Record<string, Reading>) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v.value]));
      expect(strip(await c.readConfiguration())).toEqual(strip(await s.readConfiguration()));
    }
  });
});

describe("devices acting over ca://", () => {
  it("EpicsMotor moves with put-completion and reads its position back", async () => {
    const m = new EpicsMotor({ name: "focus", prefix: "BL:FOCUS:Z" });
    await m.connect();
    const start = (await m.locate()).readback as number;
    await m.set(start + 20);
    expect((await m.locate()).readback).toBeCloseTo(start + 20, 6);
    await m.set(start);
  });

  it("Shutter closes and opens, its state followed by a CA monitor", async () => {
    const shutter = new Shutter({ name: "shutter", prefix: "BL:PSHUTTER:" });
    await shutter.connect();
    const states: string[] = [];
    const off = shutter.state.subscribeValue((s) => states.push(s));
    await shutter.set("close");
    await shutter.open();
    off();
    expect(states).toEqual(["Open", "Moving", "Closed", "Moving", "Open"]);
  });

  it("PvPositioner completes when the readback arrives", async () => {
    const p = new PvPositioner({ name: "ps", prefix: "T:PS:", tolerance: 0.01, lowLimitSuffix: "LO", highLimitSuffix: "HI" });
    await p.connect();
    await p.set(1.2);
    expect(await p.locate()).toEqual({ setpoint: 1.2, readback: 1.2 });
  });

  it("a device tree missing several PVs reports every one of them in one error", async () => {
    const m = new EpicsMotor({ name: "nowhere", prefix: "BL:NOWHERE" });
    const err = await m.connect({ timeoutMs: 250 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(NotConnectedError);
    const message = (err as Error).message;
    for (const field of ["RBV", "VAL", "VELO", "DMOV", "STOP"])
      expect(message).toContain(`${ChannelNotFoundError.name}: 1 PV not found within 250 ms: 'BL:NOWHERE.${field}'`);
  });
});
