import { afterEach, describe, expect, it } from "vitest";
import { InvalidArgumentError } from "../../engine/errors.ts";

import { MockSignalBackend } from "./mock_signal_backend.ts";
import {
  backendSchemes,
  lookupBackend,
  parseSignalUri,
  registerBackendScheme,
  type SignalBackend,
  unregisterBackendScheme,
} from "./signal_backend.ts";
import { ActionSignalBackend, SoftSignalBackend } from "./soft_signal_backend.ts";

describe("SoftSignalBackend", () => {
  it("holds a value, stamps readings and reports its data key", () => {
    const b = new SoftSignalBackend(1.5, { units: "mm", precision: 2 });
    const before = Date.now() / 1000;
    b.put(2.5, true);
    const r = b.getReading();
    expect(r.value).toBe(2.5);
    expect(r.alarm_severity).toBe(0);
    expect(r.timestamp).toBeGreaterThanOrEqual(before - 0.001);
    expect(b.getSetpoint()).toBe(2.5);
    expect(b.source("x", true)).toBe("soft://x");
    expect(b.getDatakey("soft://x")).toEqual({
      source: "soft://x",
      dtype: "number",
      shape: [],
      dtype_numpy: "<f8",
      units: "mm",
      precision: 2,
    });
  });

  it("refuses values that do not fit its datatype and keeps the old one", () => {
    const b = new SoftSignalBackend<string>("Open", { choices: ["Open", "Closed"], address: "shutter" });
    expect(b.datatype).toBe("enum");
    expect(() => b.put("Ajar", true)).toThrow(InvalidArgumentError);
    expect(() => b.put("Ajar", true)).toThrow('shutter: bad value: "Ajar" is not one of ["Open","Closed"]');
    expect(b.getValue()).toBe("Open");
    const n = new SoftSignalBackend(0, { datatype: "integer" });
    expect(() => n.put(0.5, true)).toThrow("soft signal: bad value: expected an integer, got number 0.5");
    expect(() => new SoftSignalBackend("x", { datatype: "enum" })).toThrow("an enum signal needs a non-empty list of choices");
  });

  it("calls its single callback at once and on each update", () => {
    const b = new SoftSignalBackend(1);
    const seen: number[] = [];
    b.setCallback((r) => seen.push(r.value));
    b.put(2, false);
    b.setValue(3);
    b.setCallback(undefined);
    b.put(4, false);
    expect(seen).toEqual([1, 2, 3]);
  });

  it("runs an onPut hook and waits for it only when asked", async () => {
    let release!: () => void;
    const b = new SoftSignalBackend(0, { onPut: () => new Promise<void>((r) => (release = r)) });
    expect(b.put(1, false)).toBeUndefined();
    const waiting = b.put(2, true);
    expect(waiting).toBeInstanceOf(Promise);
    release();
    await waiting;
    const seen: number[] = [];
    const x = new ActionSignalBackend(() => void seen.push(1));
    x.put(undefined, true);
    expect(seen).toEqual([1]);
  });
});

describe("MockSignalBackend", () => {
  it("records puts, takes readbacks from the test, and mirrors a soft backend", () => {
    const soft = new SoftSignalBackend(3, { units: "mA" });
    const m = MockSignalBackend.like(soft);
    expect(m.getValue()).toBe(3);
    expect(m.getDatakey("mock://i")).toMatchObject({ dtype: "number", units: "mA" });
    m.put(4, true);
    m.setValue(3.9);
    expect(m.puts).toEqual([{ value: 4, wait: true }]);
    expect([m.getValue(), m.getSetpoint()]).toEqual([3.9, 4]);
    expect(new MockSignalBackend().getValue()).toBe(0);
    expect(new MockSignalBackend({ datatype: "enum", choices: ["A", "B"] }).getValue()).toBe("A");
  });

  it("blocks puts until told to proceed, and fails puts on request without changing the value", async () => {
    const m = new MockSignalBackend({ initial: 0 });
    m.setPutProceeds(false);
    const p = m.put(1, true) as Promise<void>;
    let done = false;
    void p.then(() => (done = true));
    await Promise.resolve();
    expect(done).toBe(false);
    expect(m.put(2, false)).toBeUndefined();
    m.setPutProceeds(true);
    await p;
    expect(done).toBe(true);
    m.setPutError(new InvalidArgumentError("write refused"));
    await expect(m.put(5, true)).rejects.toThrow("write refused");
    expect(m.getValue()).toBe(2);
  });

  it("tells put listeners", () => {
    const m = new MockSignalBackend({ initial: "a" });
    const seen: unknown[] = [];
    const off = m.onPut((v, w) => seen.push([v, w]));
    m.put("b", false);
    off();
    m.put("c", true);
    expect(seen).toEqual([["b", false]]);
  });
});

describe("backend schemes", () => {
  afterEach(() => unregisterBackendScheme("fake"));

  it("parses URIs and refuses ones without a scheme", () => {
    expect(parseSignalUri("ca://SR:BPM1:X")).toEqual({ scheme: "ca", address: "SR:BPM1:X" });
    expect(() => parseSignalUri("SR:BPM1:X")).toThrow(InvalidArgumentError);
    expect(() => parseSignalUri("SR:BPM1:X")).toThrow(
      'signal URI "SR:BPM1:X" has no scheme: write it as scheme://address (e.g. soft://x, ca://PV:NAME)',
    );
    expect(() => parseSignalUri("ca://")).toThrow('signal URI "ca://" has an empty address');
  });

  it("makes soft and mock backends from URIs", () => {
    const s = lookupBackend<number>("soft://gap", { initial: 12, units: "mm" })!;
    expect(s).toBeInstanceOf(SoftSignalBackend);
    expect(s.source("ignored", true)).toBe("soft://gap");
    expect(s.getValue()).toBe(12);
    const m = lookupBackend<string>("mock://mode", { datatype: "string" })!;
    expect(m).toBeInstanceOf(MockSignalBackend);
    expect(m.getValue()).toBe("");
    expect(lookupBackend("nope://x")).toBeUndefined();
    expect(backendSchemes()).toEqual(expect.arrayContaining(["soft", "mock"]));
  });

  it("lets another layer register a scheme, refusing duplicates", () => {
    const made: [string, unknown][] = [];
    const factory = <T>(address: string, options: { writeAddress?: string }): SignalBackend<T> => {
      made.push([address, options.writeAddress]);
      return new SoftSignalBackend(0 as T, { address }) as unknown as SignalBackend<T>;
    };
    registerBackendScheme("fake", factory);
    lookupBackend("fake://A:RBV", { writeAddress: "fake://A:SP" });
    expect(made).toEqual([["A:RBV", "A:SP"]]);
    expect(() => registerBackendScheme("fake", factory)).toThrow(
      'backend scheme "fake" is already registered (pass { replace: true } to replace it)',
    );
    expect(() => lookupBackend("fake://A", { writeAddress: "soft://B" })).toThrow(
      'write URI "soft://B" uses a different scheme from the read URI "fake://A"',
    );
    expect(() => registerBackendScheme("Bad Scheme", factory)).toThrow(InvalidArgumentError);
  });
});

