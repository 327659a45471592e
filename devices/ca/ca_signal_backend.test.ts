import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  AccessDeniedError,
  AccessRights,
  AlarmSeverity,
  CaClientContext,
  CaServer,
  ChannelNotFoundError,
  SoftPV,
} from "../../epics/index.ts";
import { InvalidArgumentError, NotConnectedError } from "../../engine/errors.ts";
import type { Reading } from "../../engine/protocols.ts";
import { Device } from "../core/device.ts";
import type { SignalR, SignalRW } from "../core/signal.ts";
import { signalR, signalRW } from "../core/signal_factories.ts";
import { waitFor } from "../../epics/test-helpers.ts";
import { assertDescribeMatchesRead } from "../testing.ts";
import { CaSignalBackend } from "./ca_signal_backend.ts";
import { registerCaBackend } from "./register.ts";

let server: CaServer;
let ctx: CaClientContext;
let unregister: () => void;
let finishMove: (() => void) | undefined;
const pvs = {
  dbl: new SoftPV({ name: "T:DBL", value: 1.25, units: "mm", precision: 3, controlLimits: [-5, 5], alarm: { high: 10, hihi: 20 } }),
  flt: new SoftPV({ name: "T:FLT", type: "float", value: 0.5, precision: 2 }),
  lng: new SoftPV({ name: "T:LNG", type: "long", value: 7, units: "cts" }),
  sht: new SoftPV({ name: "T:SHT", type: "short", value: -3 }),
  chr: new SoftPV({ name: "T:CHR", type: "char", value: 65, maxCount: 1 }),
  str: new SoftPV({ name: "T:STR", value: "hello" }),
  enm: new SoftPV({ name: "T:ENM", type: "enum", value: 1, enumStrings: ["Closed", "Open"] }),
  enm3: new SoftPV({ name: "T:ENM3", type: "enum", value: 2, enumStrings: ["A", "B", "C"] }),
  wave: new SoftPV({ name: "T:WAVE", value: Float64Array.of(1, 2, 3), maxCount: 8 }),
  lwave: new SoftPV({ name: "T:LWAVE", type: "long", value: [4, 5], maxCount: 4 }),
  swave: new SoftPV({ name: "T:SWAVE", type: "string", value: ["a", "b"], maxCount: 3 }),
  long: new SoftPV({ name: "T:LONGSTR", type: "char", value: "a string longer than forty characters, as a CHAR array", maxCount: 256 }),
  ro: new SoftPV({ name: "T:RO", value: 2, access: AccessRights.READ }),
  sp: new SoftPV({ name: "T:SP", value: 0 }),
  rb: new SoftPV({ name: "T:RB", value: 0 }),
  slow: new SoftPV({
    name: "T:SLOW",
    value: 0,
    onPut: () => new Promise<void>((resolve) => (finishMove = resolve)),
  }),
};

beforeAll(async () => {
  server = await CaServer.start({ pvs: Object.values(pvs), tcpPort: 0, interfaces: ["127.0.0.1"], beaconPeriodMs: 0, env: {} });
  ctx = new CaClientContext({ env: {}, addrList: [`127.0.0.1:${server.udpPort}`], autoAddrList: false });
  unregister = registerCaBackend({ context: ctx });
});

afterAll(async () => {
  unregister();
  ctx.close();
  await server.close();
});

afterEach(() => {
  finishMove?.();
  finishMove = undefined;
});

async function connected<S extends { connect(o?: { timeoutMs?: number }): Promise<void> }>(s: S, timeoutMs = 2000): Promise<S> {
  await s.connect({ timeoutMs });
  return s;
}

describe("CaSignalBackend over a CA server", () => {
  it("reads every native type with its natural datatype, describing what it reads", async () => {
    const cases: [string, unknown, Record<string, unknown>][] = [
      ["T:DBL", 1.25, { dtype: "number", shape: [], dtype_numpy: "<f8", units: "mm", precision: 3, limits: { control: { low: -5, high: 5 } } }],
      ["T:FLT", 0.5, { dtype: "number", shape: [], precision: 2 }],
      ["T:LNG", 7, { dtype: "integer", shape: [], dtype_numpy: "<i8", units: "cts" }],
      ["T:SHT", -3, { dtype: "integer", shape: [] }],
      ["T:CHR", 65, { dtype: "integer", shape: [] }],
      ["T:STR", "hello", { dtype: "string", shape: [] }],
      ["T:ENM", "Open", { dtype: "string", shape: [], choices: ["Closed", "Open"] }],
      ["T:WAVE", [1, 2, 3], { dtype: "array", shape: [3] }],
      ["T:LWAVE", [4, 5], { dtype: "array", shape: [2] }],
      ["T:SWAVE", ["a", "b"], { dtype: "array", shape: [2] }],
    ];
    for (const [pv, value, key] of cases) {
      const s = await connected(signalR<unknown>(`ca://${pv}`, { name: "s" }));
      const reading = (await s.read())["s"]!;
      expect(reading.value, pv).toEqual(value);
      expect(reading.alarm_severity).toBe(0);
      expect(Math.abs(reading.timestamp - Date.now() / 1000)).toBeLessThan(60);
      const described = (await s.describe())["s"]!;
      expect(described, pv).toMatchObject({ source: `ca://${pv}`, ...key });
      await assertDescribeMatchesRead(s);
    }
    const flt = (await connected(signalR<number>("ca://T:FLT", { name: "f" })));
    expect((await flt.describe())["f"]).not.toHaveProperty("units");
    expect((await flt.describe())["f"]).not.toHaveProperty("limits");
  });

  it("reads the datatypes a device asks for instead: long strings, enum indices, booleans", async () => {
    expect(await (await connected(signalR<string>("ca://T:LONGSTR", { datatype: "string" }))).getValue()).toBe(
      "a string longer than forty characters, as a CHAR array",
    );
    expect(await (await connected(signalR<number>("ca://T:ENM", { datatype: "integer" }))).getValue()).toBe(1);
    expect(await (await connected(signalR<boolean>("ca://T:ENM", { datatype: "boolean" }))).getValue()).toBe(true);
    expect(await (await connected(signalR<number>("ca://T:LNG", { datatype: "number" }))).getValue()).toBe(7);
    expect(await (await connected(signalR<boolean>("ca://T:LNG", { datatype: "boolean" }))).getValue()).toBe(true);
  });

  it("refuses a datatype the channel cannot hold, naming the PV and what it holds", async () => {
    const s = signalR<number>("ca://T:STR", { datatype: "number", name: "s" });
    await expect(s.connect({ timeoutMs: 2000 })).rejects.toThrow(InvalidArgumentError);
    const backend = new CaSignalBackend<number>("T:DBL", { context: ctx, datatype: "integer" });
    await expect(backend.connect(2000)).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(backend.connect(2000)).rejects.toThrow(
      "ca://T:DBL holds DBF_DOUBLE values; it cannot be read as integer (use number)",
    );
    const three = new CaSignalBackend<boolean>("T:ENM3", { context: ctx, datatype: "boolean" });
    await expect(three.connect(2000)).rejects.toThrow(
      'ca://T:ENM3 is an enum of 3 states ["A","B","C"]; only a two-state enum reads as boolean',
    );
    const states = new CaSignalBackend<string>("T:ENM", { context: ctx, datatype: "enum", choices: ["Closed", "Open", "Moving"] });
    const err = await states.connect(2000).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(InvalidArgumentError);
    expect((err as Error).message).toBe('ca://T:ENM has states ["Closed","Open"], without ["Moving"] the device expects');
  });

  it("puts with and without completion, enums by name, arrays and long strings", async () => {
    const slow = await connected(signalRW<number>("ca://T:SLOW"));
    const status = slow.set(4);
    await new Promise((r) => setTimeout(r, 30));
    expect(status.done).toBe(false);
    expect(pvs.slow.value).toBe(4);
    finishMove!();
    await status;
    expect(status.success).toBe(true);

    const quick = await connected(signalRW<number>("ca://T:SLOW"));
    const noWait = quick.set(6, { wait: false });
    await noWait;
    expect(noWait.success).toBe(true);

    const enm = await connected(signalRW<string>("ca://T:ENM"));
    await enm.set("Closed");
    expect(pvs.enm.value).toBe(0);
    const bad = enm.set("Ajar");
    await bad.then(undefined, () => undefined);
    expect(bad.success).toBe(false);
    expect(bad.error).toBeInstanceOf(InvalidArgumentError);
    expect(bad.error!.message).toBe('ca://T:ENM: bad value: "Ajar" is not one of ["Closed","Open"]');

    const wave = await connected(signalRW<number[]>("ca://T:WAVE"));
    await wave.set([9, 8, 7, 6]);
    expect(await wave.getValue()).toEqual([9, 8, 7, 6]);
    const text = await connected(signalRW<string>("ca://T:LONGSTR", { datatype: "string" }));
    await text.set("x".repeat(100));
    expect(await text.getValue()).toBe("x".repeat(100));
  });

  it("writes a separate setpoint PV and reads the setpoint back from it", async () => {
    const s = await connected(signalRW<number>("ca://T:RB", { writeUri: "ca://T:SP" }));
    expect(s.backend.source("x", false)).toBe("ca://T:SP");
    await s.set(3.5);
    expect(pvs.sp.value).toBe(3.5);
    expect(pvs.rb.value).toBe(0);
    expect(await s.backend.getSetpoint()).toBe(3.5);
    expect(await s.getValue()).toBe(0);
  });

  it("refuses puts the server's access rights forbid", async () => {
    const s = await connected(signalRW<number>("ca://T:RO"));
    const st = s.set(1);
    await st.then(undefined, () => undefined);
    expect(st.error).toBeInstanceOf(AccessDeniedError);
    expect(st.error!.message).toBe("no write access to PV 'T:RO'");
  });

  it("monitors through setCallback: the current reading, then updates with alarm severity", async () => {
    const s = await connected(signalR<number>("ca://T:DBL"));
    const seen: Reading<number>[] = [];
    const off = s.subscribeReading((r) => seen.push(r));
    await waitFor(() => seen.length >= 1, "a first monitor update");
    expect(seen[0]!.value).toBe(pvs.dbl.value);
    pvs.dbl.set(12);
    await waitFor(() => seen.some((r) => r.value === 12), "the monitor update with 12");
    expect(seen.find((r) => r.value === 12)!.alarm_severity).toBe(AlarmSeverity.MINOR);
    // While monitored, reads come from the cache.
    expect((await s.read())[""]!.value).toBe(12);
    off();
    pvs.dbl.set(1.25);
  });

  it("starts a monitor set before connect once the channel connects", async () => {
    const backend = new CaSignalBackend<string>("T:STR", { context: ctx });
    const seen: string[] = [];
    backend.setCallback((r) => seen.push(r.value));
    await backend.connect(2000);
    await waitFor(() => seen.length >= 1, "a first monitor update");
    expect(seen[0]).toBe("hello");
    backend.setCallback(undefined);
  });

  it("connect of a device reports every missing PV at once, each by name, and searches them together", async () => {
    class Two extends Device {
      readonly a: SignalR<number>;
      readonly b: SignalRW<number>;
      readonly c: SignalR<number>;
      constructor() {
        super("two");
        this.a = signalR<number>("ca://T:MISSING:A");
        this.b = signalRW<number>("ca://T:MISSING:B");
        this.c = signalR<number>("ca://T:DBL");
        this.setName("two");
      }
    }
    const d = new Two();
    const t0 = performance.now();
    const err = await d.connect({ timeoutMs: 300 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    const elapsed = performance.now() - t0;
    expect(err).toBeInstanceOf(NotConnectedError);
    const message = (err as Error).message;
    expect(message).toContain(`a: ${ChannelNotFoundError.name}: 1 PV not found within 300 ms: 'T:MISSING:A'`);
    expect(message).toContain(`b: ${ChannelNotFoundError.name}: 1 PV not found within 300 ms: 'T:MISSING:B'`);
    expect(message).not.toContain("c:");
    // In parallel: about one limit; one after the other would take at least two (600 ms).
    expect(elapsed).toBeLessThan(600);
  });

  it("names the PV when used before connect", async () => {
    const backend = new CaSignalBackend<number>("T:DBL", { context: ctx });
    const read = backend.getReading();
    await expect(read).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(read).rejects.toThrow("ca://T:DBL is not connected: connect its signal or device first");
  });
});
