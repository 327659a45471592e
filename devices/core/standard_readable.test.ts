import { describe, expect, it } from "vitest";
import { InvalidArgumentError } from "../../engine/errors.ts";
import { isConfigurable, isReadable, isStageable } from "../../engine/protocols.ts";
import {
  assertConfiguration,
  assertDescribeMatchesRead,
  assertReading,
  callbackOnMockPut,
  getMockPuts,
  setMockPutProceeds,
  setMockValue,
} from "../testing.ts";
import type { SignalR, SignalRW } from "./signal.ts";
import { signalR, signalRW, softSignalRW } from "./signal_factories.ts";
import { Kind, StandardReadable } from "./standard_readable.ts";

/** A beam position monitor over (unregistered) Channel Access PVs: tested through the mock backend. */
class Bpm extends StandardReadable {
  readonly x: SignalR<number>;
  readonly y: SignalR<number>;
  readonly sum: SignalR<number>;
  readonly gain: SignalRW<number>;
  readonly mode: SignalRW<string>;
  readonly raw: SignalR<number[]>;
  constructor(prefix: string, name = "") {
    super();
    this.x = signalR<number>(`ca://${prefix}:X`, { units: "mm", precision: 4 });
    this.y = signalR<number>(`ca://${prefix}:Y`, { units: "mm" });
    this.sum = signalR<number>(`ca://${prefix}:SUM`);
    this.gain = signalRW<number>(`ca://${prefix}:GAIN`, { datatype: "integer", initial: 1 });
    this.mode = signalRW<string>(`ca://${prefix}:MODE`, { datatype: "enum", choices: ["TbT", "FA", "SA"] });
    this.raw = signalR<number[]>(`ca://${prefix}:RAW`, { datatype: "array", initial: [0, 0, 0, 0] });
    this.addReadables(Kind.hinted, [this.x, this.y]);
    this.addReadables(Kind.normal, [this.sum]);
    this.addReadables(Kind.config, [this.gain, this.mode]);
    this.addReadables(Kind.omitted, [this.raw]);
    this.setName(name);
  }
}

class Girder extends StandardReadable {
  readonly upstream = new Bpm("GDR:BPM1");
  readonly downstream = new Bpm("GDR:BPM2");
  readonly temperature = softSignalRW(21.5, { units: "degC" });
  constructor(name = "") {
    super();
    this.addReadables(Kind.hinted, [this.upstream]);
    this.addReadables(Kind.normal, [this.downstream]);
    this.addReadables(Kind.config, [this.temperature]);
    this.setName(name);
  }
}

describe("StandardReadable", () => {
  it("reads hinted and normal children, configures config ones, hints the hinted", async () => {
    const bpm = new Bpm("SR01:BPM1", "bpm1");
    expect(isReadable(bpm) && isConfigurable(bpm) && isStageable(bpm)).toBe(true);
    await bpm.connect({ mock: true });
    setMockValue(bpm.x, 0.125);
    setMockValue(bpm.y, -0.5);
    setMockValue(bpm.sum, 3.2);
    setMockValue(bpm.mode, "FA");
    await assertReading(bpm, { "bpm1-x": { value: 0.125 }, "bpm1-y": { value: -0.5 }, "bpm1-sum": { value: 3.2 } });
    await assertConfiguration(bpm, { "bpm1-gain": { value: 1 }, "bpm1-mode": { value: "FA", alarm_severity: 0 } });
    expect(bpm.hints).toEqual({ fields: ["bpm1-x", "bpm1-y"] });
    const keys = await bpm.describe();
    expect(Object.keys(keys)).toEqual(["bpm1-x", "bpm1-y", "bpm1-sum"]);
    expect(keys["bpm1-x"]).toEqual({ source: "mock://bpm1-x", dtype: "number", shape: [], dtype_numpy: "<f8", units: "mm", precision: 4 });
    expect((await bpm.describeConfiguration())["bpm1-mode"]).toMatchObject({ dtype: "string", choices: ["TbT", "FA", "SA"] });
    await assertDescribeMatchesRead(bpm);
  });

  it("nests: a hinted child device brings its readings, configuration and hints", async () => {
    const g = new Girder("g1");
    await g.connect({ mock: true });
    setMockValue(g.downstream.x, 2);
    const reading = await g.read();
    expect(Object.keys(reading)).toEqual([
      "g1-upstream-x", "g1-upstream-y", "g1-upstream-sum",
      "g1-downstream-x", "g1-downstream-y", "g1-downstream-sum",
    ]);
    expect(reading["g1-downstream-x"]!.value).toBe(2);
    expect(g.hints).toEqual({ fields: ["g1-upstream-x", "g1-upstream-y"] });
    expect(Object.keys(await g.readConfiguration())).toEqual([
      "g1-upstream-gain", "g1-upstream-mode", "g1-downstream-gain", "g1-downstream-mode", "g1-temperature",
    ]);
    await assertDescribeMatchesRead(g);
  });

  it("configure() sets config signals by attribute name and returns before and after", async () => {
    const bpm = new Bpm("SR01:BPM2", "bpm2");
    await bpm.connect({ mock: true });
    const [before, after] = await bpm.configure({ gain: 4, mode: "SA" });
    expect(before["bpm2-gain"]!.value).toBe(1);
    expect(after["bpm2-gain"]!.value).toBe(4);
    expect(after["bpm2-mode"]!.value).toBe("SA");
    expect(getMockPuts(bpm.gain)).toEqual([{ value: 4, wait: true }]);
    await expect(bpm.configure({ x: 1 })).rejects.toThrow(InvalidArgumentError);
    await expect(bpm.configure({ x: 1, gain: 2 })).rejects.toThrow(
      'bpm2: "x" is not a writable configuration signal (writable: gain, mode)',
    );
    expect(getMockPuts(bpm.gain)).toHaveLength(1);
  });

  it("mock puts can block, and a callback can fake the device reacting", async () => {
    const bpm = new Bpm("SR01:BPM3", "bpm3");
    await bpm.connect({ mock: true });
    callbackOnMockPut(bpm.gain, (v) => setMockValue(bpm.sum, 10 * (v as number)));
    setMockPutProceeds(bpm.gain, false);
    const st = bpm.gain.set(3);
    await new Promise((r) => setTimeout(r, 5));
    expect(st.done).toBe(false);
    expect(await bpm.sum.getValue()).toBe(30);
    setMockPutProceeds(bpm.gain, true);
    await st;
    expect(st.success).toBe(true);
  });

  it("stage() keeps monitors on the read signals, unstage() releases them", async () => {
    const bpm = new Bpm("SR01:BPM4", "bpm4");
    await bpm.connect({ mock: true });
    await bpm.stage();
    setMockValue(bpm.x, 1.5);
    expect((await bpm.x.read({ cached: true }))["bpm4-x"]!.value).toBe(1.5);
    await expect(bpm.raw.read({ cached: true })).rejects.toThrow("bpm4-raw: no cached reading");
    await bpm.unstage();
    await expect(bpm.x.read({ cached: true })).rejects.toThrow("bpm4-x: no cached reading");
  });

  it("refuses unknown kinds and non-readable children", () => {
    const r = new StandardReadable("r");
    expect(() => r.addReadables("loud" as Kind, [])).toThrow('unknown readable kind "loud": use one of hinted, normal, config, omitted');
    expect(() => r.addReadables(Kind.normal, [{} as never])).toThrow(InvalidArgumentError);
  });
});
