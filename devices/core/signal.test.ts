import { firstValueFrom, take, toArray } from "rxjs";
import { afterEach, describe, expect, it } from "vitest";
import { InvalidArgumentError, TimeoutError } from "../../engine/errors.ts";
import { isMovable, isReadable, isSubscribable } from "../../engine/protocols.ts";
import { NoCachedReadingError, SignalNotConnectedError } from "./errors.ts";
import { MockSignalBackend } from "./mock_signal_backend.ts";
import { SignalR } from "./signal.ts";
import { registerBackendScheme, type SignalBackend, unregisterBackendScheme } from "./signal_backend.ts";
import {
  signalR,
  signalRW,
  signalX,
  softSignalR,
  softSignalRAndSetter,
  softSignalRW,
  softSignalRwWithBackend,
  softSignalX,
} from "./signal_factories.ts";
import { SoftSignalBackend } from "./soft_signal_backend.ts";
import { Status } from "./status.ts";

describe("soft signals", () => {
  it("read and describe with the same key, the signal's name", async () => {
    const s = softSignalRW(1.25, { name: "gap", units: "mm", precision: 3, limits: [0, 40] });
    expect(isReadable(s) && isMovable(s) && isSubscribable(s)).toBe(true);
    const reading = await s.read();
    const keys = await s.describe();
    expect(Object.keys(reading)).toEqual(["gap"]);
    expect(Object.keys(keys)).toEqual(["gap"]);
    expect(reading.gap!.value).toBe(1.25);
    expect(keys.gap).toEqual({
      source: "soft://gap",
      dtype: "number",
      shape: [],
      dtype_numpy: "<f8",
      units: "mm",
      precision: 3,
      limits: { control: { low: 0, high: 40 } },
    });
    expect(s.source).toBe("soft://gap");
  });

  it("set() returns the shared done Status and changes value and setpoint", async () => {
    const s = softSignalRW(0, { name: "x" });
    const st = s.set(3);
    expect(st).toBe(Status.done());
    expect(await s.getValue()).toBe(3);
    expect(await s.locate()).toEqual({ setpoint: 3, readback: 3 });
  });

  it("set() of a value of the wrong type gives a failed Status and changes nothing", async () => {
    const s = softSignalRW("Open", { name: "shutter", choices: ["Open", "Closed"] });
    const st = s.set("Ajar");
    expect(st.done && !st.success).toBe(true);
    expect(st.error).toBeInstanceOf(InvalidArgumentError);
    expect(st.error?.message).toBe('soft signal: bad value: "Ajar" is not one of ["Open","Closed"]');
    expect(await s.getValue()).toBe("Open");
  });

  it("subscribe gives the current reading first, then updates, keyed by name", () => {
    const s = softSignalRW(1, { name: "i" });
    const seen: number[] = [];
    const off = s.subscribe((r) => seen.push(r.i!.value));
    s.set(2);
    const values: number[] = [];
    const offValue = s.subscribeValue((v) => values.push(v));
    s.set(3);
    off();
    offValue();
    s.set(4);
    expect(seen).toEqual([1, 2, 3]);
    expect(values).toEqual([2, 3]);
  });

  it("observe() is an rxjs Observable of readings, the current one first", async () => {
    const s = softSignalRW(10, { name: "t" });
    const got = firstValueFrom(s.observeValue().pipe(take(3), toArray()));
    s.set(11);
    s.set(12);
    expect(await got).toEqual([10, 11, 12]);
    const r = await firstValueFrom(s.observe());
    expect(r.value).toBe(12);
  });

  it("reads from the cache while staged and refuses cached reads otherwise", async () => {
    const [s, setter] = softSignalRAndSetter(5, { name: "rb" });
    await expect(s.read({ cached: true })).rejects.toThrow(NoCachedReadingError);
    await expect(s.read({ cached: true })).rejects.toThrow("rb: no cached reading: the signal is neither monitored nor staged");
    await s.stage();
    setter(6);
    expect((await s.read({ cached: true })).rb!.value).toBe(6);
    await s.unstage();
    await expect(s.getValue({ cached: true })).rejects.toThrow(NoCachedReadingError);
    expect(await s.getValue()).toBe(6);
  });

  it("read-only soft signals have no set; the setter writes them", async () => {
    const r = softSignalR("idle", { name: "state" });
    expect("set" in r).toBe(false);
    const [rw, backend] = softSignalRwWithBackend(1, { name: "v" });
    backend.setValue(9);
    expect(await rw.getValue()).toBe(9);
  });

  it("soft SignalX runs its action on trigger", async () => {
    let calls = 0;
    const x = softSignalX(() => void calls++, { name: "stop" });
    await x.trigger();
    await x.trigger({ wait: false });
    expect(calls).toBe(2);
  });
});

/** A stand-in transport: connects after `delayMs`, or never, or fails. */
class FakeWireBackend<T> extends SoftSignalBackend<T> {
  constructor(
    readonly address: string,
    initial: T,
    readonly behaviour: "ok" | "hang" | "fail",
  ) {
    super(initial, { address });
  }
  override source(): string {
    return `fake://${this.address}`;
  }
  override connect(): Promise<void> {
    if (this.behaviour === "fail") return Promise.reject(new InvalidArgumentError(`${this.address}: no such PV`));
    if (this.behaviour === "hang") return new Promise(() => {});
    return Promise.resolve();
  }
  override put(value: T | undefined, wait: boolean): Promise<void> {
    const r = super.put(value, wait);
    return Promise.resolve(r).then(() => new Promise((resolve) => setTimeout(resolve, 5)));
  }
  override getReading() {
    return super.getReading();
  }
}

describe("URI signals", () => {
  afterEach(() => unregisterBackendScheme("fake"));

  it("resolve a scheme registered after the signal was made, at connect", async () => {
    const s = signalRW<number>("fake://SR:GAP", { name: "gap", datatype: "number" });
    expect(() => s.backend.getValue()).toThrow(SignalNotConnectedError);
    await expect(s.read()).rejects.toThrow("fake://SR:GAP is not connected: call connect() on the signal or its device first");
    await expect(s.connect({ timeoutMs: 50 })).rejects.toThrow(
      'no signal backend for scheme "fake" in "fake://SR:GAP" (registered: soft, mock); register one with registerBackendScheme()',
    );
    registerBackendScheme("fake", <T>(address: string) => new FakeWireBackend<T>(address, 7 as T, "ok") as SignalBackend<T>);
    await s.connect({ timeoutMs: 50 });
    expect(s.source).toBe("fake://SR:GAP");
    expect(await s.getValue()).toBe(7);
    const st = s.set(8);
    expect(st.done).toBe(false);
    await st;
    expect(await s.getValue()).toBe(8);
  });

  it("time out connecting with a TimeoutError naming the source and the limit", async () => {
    registerBackendScheme("fake", <T>(address: string) => new FakeWireBackend<T>(address, 0 as T, "hang") as SignalBackend<T>);
    const s = signalR<number>("fake://SR:DCCT");
    const err = await s.connect({ timeoutMs: 20 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TimeoutError);
    expect((err as Error).message).toBe("fake://SR:DCCT connect timed out after 20 ms");
  });

  it("set() times out with the signal source, the limit and the last value seen", async () => {
    const s = signalRW<number>("mock://M1:VAL", { name: "m1", initial: 1 });
    await s.connect();
    (s.backend as MockSignalBackend<number>).setPutProceeds(false);
    const st = s.set(2, { timeoutMs: 15 });
    await expect(st).rejects.toThrow(TimeoutError);
    expect(st.error?.message).toBe("mock://M1:VAL set to 2 timed out after 15 ms (last value seen: 2)");
  });

  it("swap in a mock backend on connect({ mock: true }) that keeps the datatype, and swap back", async () => {
    const s = softSignalRW(4, { name: "v", units: "mm/s" });
    const seen: number[] = [];
    s.subscribeValue((v) => seen.push(v));
    await s.connect({ mock: true });
    expect(s.isMock).toBe(true);
    expect(s.backend).toBeInstanceOf(MockSignalBackend);
    expect(s.source).toBe("mock://v");
    expect((await s.describe()).v).toMatchObject({ units: "mm/s", dtype: "number" });
    (s.backend as MockSignalBackend<number>).setValue(5);
    await s.connect();
    expect(s.isMock).toBe(false);
    s.set(6);
    // Each swap re-opens the monitor, which reports the new backend's current value.
    expect(seen).toEqual([4, 4, 5, 4, 6]);
    const ca = signalRW<string>("nope://X", { datatype: "string" });
    await ca.connect({ mock: true });
    expect(await ca.getValue()).toBe("");
    const x = signalX("nope://PROC");
    await x.connect({ mock: true });
    await x.trigger();
    expect((x.backend as MockSignalBackend<void>).puts).toEqual([{ value: undefined, wait: true }]);
  });

  it("is a SignalR when made read-only", () => {
    expect(signalR("soft://a")).toBeInstanceOf(SignalR);
  });
});
