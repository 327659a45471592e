import { describe, expect, it, vi } from "vitest";
import { InvalidArgumentError } from "../../engine/errors.ts";
import { PvNotFoundError, PvReadOnlyError } from "./errors.ts";
import { FaultKind, parseFault } from "./faults.ts";
import { AlarmSeverity, SimPv } from "./pv.ts";
import { SimPvTable } from "./table.ts";

describe("SimPv", () => {
  it("converts enum states by name or index and refuses others", () => {
    const pv = new SimPv("X:MODE", "enum", { writable: true, metadata: { enumStrings: ["Off", "On"] } });
    expect(pv.coerce("On")).toBe(1);
    expect(pv.coerce(0)).toBe(0);
    expect(() => pv.coerce("Maybe")).toThrow(InvalidArgumentError);
    expect(() => pv.coerce("Maybe")).toThrow('X:MODE: cannot write "Maybe": not one of ["Off","On"]');
  });

  it("rounds longs, bounds waveforms by count", () => {
    const long = new SimPv("X:N", "long");
    expect(long.coerce(2.6)).toBe(3);
    const wave = new SimPv("X:W", "double", { count: 3 });
    expect(wave.coerce(new Float64Array([1, 2]))).toEqual([1, 2]);
    expect(() => wave.coerce([1, 2, 3, 4])).toThrow("X:W: cannot write an array of length 4: it has 4 elements, the PV holds at most 3");
  });

  it("refuses puts to read-only PVs without changing them", async () => {
    const pv = new SimPv("X:RB", "double", { value: 1 });
    const err = await pv.put(2).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PvReadOnlyError);
    expect((err as Error).message).toBe("X:RB is read-only: cannot write 2");
    expect(pv.value).toBe(1);
  });

  it("keeps the old value when the put handler refuses, stores it when it accepts", async () => {
    const seen: number[] = [];
    const pv = new SimPv("X:SP", "double", {
      writable: true,
      onPut: (v) => {
        if ((v as number) > 10) throw new InvalidArgumentError("too big", v);
        seen.push(v as number);
      },
    });
    await expect(pv.put(11)).rejects.toThrow("too big");
    expect(pv.value).toBe(0);
    await pv.put(5);
    expect(pv.value).toBe(5);
    expect(seen).toEqual([5]);
  });

  it("notifies listeners on change only (unless forced)", () => {
    const pv = new SimPv("X:V", "double");
    const listener = vi.fn();
    const off = pv.subscribe(listener);
    pv.set(1);
    pv.set(1);
    pv.set(1, { severity: AlarmSeverity.major });
    pv.set(1, { severity: AlarmSeverity.major, force: true });
    expect(listener.mock.calls.map((c) => [c[0].value, c[0].severity])).toEqual([
      [1, 0],
      [1, 2],
      [1, 2],
    ]);
    off();
    pv.set(2);
    expect(listener).toHaveBeenCalledTimes(3);
  });
});

describe("SimPvTable", () => {
  it("runs updaters with the elapsed time of its clock, once per clock value", () => {
    let now = 1000;
    const table = new SimPvTable({ clock: () => now });
    const pv = table.create("T:ELAPSED", "double");
    const calls: number[] = [];
    table.addUpdater((t) => {
      calls.push(t);
      pv.set(t);
    });
    now = 1500;
    expect(pv.read().value).toBe(0.5);
    pv.read();
    now = 1500.5; // within minRefreshMs: the same snapshot
    expect(pv.read().value).toBe(0.5);
    now = 3000;
    expect(pv.read().value).toBe(2);
    expect(calls).toEqual([0.5, 2]);
    now = 3000.5;
    table.refreshNow();
    expect(calls).toEqual([0.5, 2, 2.0005]);
  });

  it("a put refreshes the table at once, so readers see its effect", async () => {
    let now = 0;
    const table = new SimPvTable({ clock: () => now, minRefreshMs: 100 });
    let state = 0;
    const rb = table.create("T:RB", "double");
    table.create("T:SP", "double", { writable: true, onPut: (v) => void (state = v as number) });
    table.addUpdater(() => rb.set(state));
    now = 1;
    await table.get("T:SP").put(4);
    expect(rb.read().value).toBe(4);
  });

  it("names the closest PVs when one is missing", () => {
    const table = new SimPvTable();
    table.create("SR:BPM01A:X", "double");
    table.create("SR:BPM01A:Y", "double");
    expect(() => table.get("SR:BPM01A:Z")).toThrow(PvNotFoundError);
    expect(() => table.get("SR:BPM01A:Z")).toThrow('no simulated PV named "SR:BPM01A:Z" (did you mean "SR:BPM01A:X", "SR:BPM01A:Y"?)');
  });

  it("hides dead PVs from lookup, by name or by prefix", () => {
    const table = new SimPvTable();
    table.create("A:ONE", "double");
    table.create("A:TWO", "double");
    table.create("B:ONE", "double");
    table.applyFault({ kind: "dead-pv", pv: "B:ONE" });
    table.applyFault({ kind: "dead-pv", pv: "A:*" });
    expect(table.lookup("A:ONE")).toBeUndefined();
    expect(table.lookup("A:TWO")).toBeUndefined();
    expect(table.lookup("B:ONE")).toBeUndefined();
    expect(table.isDead("B:ONE")).toBe(true);
    expect(() => table.applyFault({ kind: "dead-pv", pv: "C:*" })).toThrow('sim: fault {"kind":"dead-pv","pv":"C:*"} matches no PV');
    expect(() => table.applyFault({ kind: "noisy-bpm", bpm: "BPM01A", sigmaMm: 1 })).toThrow(
      'sim: fault {"kind":"noisy-bpm","bpm":"BPM01A","sigmaMm":1} matches nothing in this table',
    );
  });
});

describe("parseFault", () => {
  it("reads kind:target[=value], PV names with colons included", () => {
    expect(parseFault("stuck-motor:BL:MONO:BRAGG")).toEqual({ kind: FaultKind.stuckMotor, motor: "BL:MONO:BRAGG" });
    expect(parseFault("dead-pv:SR:DCCT:CURRENT")).toEqual({ kind: "dead-pv", pv: "SR:DCCT:CURRENT" });
    expect(parseFault("readback-offset:BL:M1:PITCH=0.05")).toEqual({ kind: "readback-offset", motor: "BL:M1:PITCH", offset: 0.05 });
    expect(parseFault("noisy-bpm:BPM03A")).toEqual({ kind: "noisy-bpm", bpm: "BPM03A", sigmaMm: 0.1 });
    expect(parseFault("noisy-bpm:BPM03A=0.5")).toEqual({ kind: "noisy-bpm", bpm: "BPM03A", sigmaMm: 0.5 });
  });

  it("refuses unknown kinds, missing targets and bad values", () => {
    expect(() => parseFault("sticky:X")).toThrow(InvalidArgumentError);
    expect(() => parseFault("sticky:X")).toThrow('unknown fault "sticky:X": the kind must be one of stuck-motor, dead-pv, readback-offset, noisy-bpm');
    expect(() => parseFault("dead-pv")).toThrow('fault "dead-pv" names no target (write dead-pv:target)');
    expect(() => parseFault("readback-offset:M=abc")).toThrow('fault "readback-offset:M=abc" needs a finite offset after \'=\', got "abc"');
  });
});
