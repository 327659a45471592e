import { afterEach, describe, expect, it } from "vitest";
import { InvalidArgumentError, NotConnectedError, TimeoutError } from "../../engine/errors.ts";
import { Device, DeviceVector } from "./device.ts";
import type { SignalR, SignalRW } from "./signal.ts";
import { registerBackendScheme, type SignalBackend, unregisterBackendScheme } from "./signal_backend.ts";
import { signalR, signalRW, softSignalRW } from "./signal_factories.ts";
import { SoftSignalBackend } from "./soft_signal_backend.ts";

class Axis extends Device {
  readonly readback: SignalR<number>;
  readonly setpoint: SignalRW<number>;
  constructor(prefix: string, name = "") {
    super();
    this.readback = signalR<number>(`fake://${prefix}:RBV`);
    this.setpoint = signalRW<number>(`fake://${prefix}:VAL`);
    this.setName(name);
  }
}

class Stage extends Device {
  readonly x: Axis;
  readonly y: Axis;
  readonly _enabled = softSignalRW(true);
  readonly #notMine: Device;
  constructor(prefix: string, other: Device, name = "") {
    super();
    this.x = new Axis(`${prefix}X`);
    this.y = new Axis(`${prefix}Y`);
    this.#notMine = other;
    this.setName(name);
  }
  get other(): Device {
    return this.#notMine;
  }
}

/** A stand-in wire: addresses containing BAD fail, SLOW never answer. */
class FakeWire<T> extends SoftSignalBackend<T> {
  constructor(readonly address: string) {
    super(0 as T, { address });
  }
  override source(): string {
    return `fake://${this.address}`;
  }
  override connect(): Promise<void> {
    if (this.address.includes("BAD")) return Promise.reject(new InvalidArgumentError(`no such PV ${this.address}`));
    if (this.address.includes("SLOW")) return new Promise(() => {});
    return Promise.resolve();
  }
}

describe("Device", () => {
  afterEach(() => unregisterBackendScheme("fake"));

  it("registers attribute children and names them parent-child, recursively", () => {
    const other = new Device("other");
    const s = new Stage("SIM:", other, "stage");
    expect([...s.children()].map(([k]) => k)).toEqual(["x", "y", "_enabled"]);
    expect(s.x.name).toBe("stage-x");
    expect(s.x.readback.name).toBe("stage-x-readback");
    expect(s._enabled.name).toBe("stage-enabled");
    expect(s.x.parent).toBe(s);
    expect(s.other.parent).toBeUndefined();
    expect(s.other.name).toBe("other");
    s.setName("t2");
    expect(s.y.setpoint.name).toBe("t2-y-setpoint");
    s.setName("");
    expect(s.y.setpoint.name).toBe("");
  });

  it("connects the whole tree in mock mode without any backend registered", async () => {
    const s = new Stage("SIM:", new Device(), "stage");
    await s.connect({ mock: true });
    expect(s.x.readback.source).toBe("mock://stage-x-readback");
    expect(await s.x.readback.getValue()).toBe(0);
  });

  it("throws one NotConnectedError listing every failed signal as an indented tree", async () => {
    registerBackendScheme("fake", <T>(address: string) => new FakeWire<T>(address) as SignalBackend<T>);
    const s = new Stage("BAD", new Device(), "stage");
    // y's setpoint works, its readback hangs.
    (s.y as { readback: SignalR<number> }).readback = signalR<number>("fake://SLOW:RBV");
    const s2 = new Stage("OK:", new Device());
    const root = new (class extends Device {
      readonly good = s2;
      readonly bad = s;
      constructor() {
        super();
        this.setName("root");
      }
    })();
    const err = await root.connect({ timeoutMs: 30 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotConnectedError);
    expect((err as Error).message).toBe(
      [
        "bad:",
        "  x:",
        "    readback: InvalidArgumentError: no such PV BADX:RBV",
        "    setpoint: InvalidArgumentError: no such PV BADX:VAL",
        "  y:",
        "    readback: TimeoutError: fake://SLOW:RBV connect timed out after 30 ms",
        "    setpoint: InvalidArgumentError: no such PV BADY:VAL",
      ].join("\n"),
    );
    const tree = (err as NotConnectedError).errors;
    expect([...tree.keys()]).toEqual(["bad"]);
    const y = ((tree.get("bad") as NotConnectedError).errors.get("y") as NotConnectedError).errors;
    expect(y.get("readback")).toBeInstanceOf(TimeoutError);
  });

  it("reuses a successful connect and retries a failed one", async () => {
    let attempts = 0;
    registerBackendScheme("fake", <T>(address: string) => {
      const b = new FakeWire<T>(address);
      b.connect = () => (++attempts === 1 ? Promise.reject(new InvalidArgumentError("first try fails")) : Promise.resolve());
      return b as SignalBackend<T>;
    });
    const sig = signalR<number>("fake://A", { name: "a" });
    await expect(sig.connect()).rejects.toThrow("first try fails");
    await sig.connect();
    await sig.connect();
    expect(attempts).toBe(2);
    await sig.connect({ forceReconnect: true });
    expect(attempts).toBe(3);
  });

  it("DeviceVector names numbered children parent-N", () => {
    const v = new DeviceVector([softSignalRW(1), softSignalRW(2)], "bpm");
    expect([...v].map((d) => d.name)).toEqual(["bpm-1", "bpm-2"]);
    expect(v.size).toBe(2);
    expect(v.get(2)?.name).toBe("bpm-2");
    const keyed = new DeviceVector({ h: softSignalRW(0), v: softSignalRW(0) });
    keyed.setName("cor");
    expect([...keyed.keys()]).toEqual(["h", "v"]);
    expect(keyed.get("v")?.name).toBe("cor-v");
  });
});
