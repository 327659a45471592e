import { AssertionError } from "node:assert";
import { describe, expect, it } from "vitest";
import { InvalidArgumentError } from "../engine/errors.ts";
import type { DataKey, Readable, Reading } from "../engine/protocols.ts";
import { softSignalRW } from "./core/signal_factories.ts";
import { assertDescribeMatchesRead, assertReading, assertValue, setMockValue } from "./testing.ts";

function fakeReadable(reads: Record<string, Reading>, keys: Record<string, DataKey>): Readable {
  return { name: "fake", read: async () => reads, describe: async () => keys };
}

describe("testing helpers", () => {
  it("assertReading reports missing, unexpected and different keys", async () => {
    const s = softSignalRW(1.5, { name: "a" });
    await assertReading(s, { a: { value: 1.5 } });
    await assertReading(s, { a: { value: 1.5000001 } }, { tolerance: 1e-6 });
    const err = await assertReading(s, { a: { value: 2 }, b: { value: 1 } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AssertionError);
    expect((err as Error).message).toBe(
      'read() of a differs from what was expected:\n  missing key "b"\n  a.value: expected 2, got 1.5',
    );
    await expect(assertValue(s, 1)).rejects.toThrow("a: expected 1, got 1.5");
  });

  it("assertDescribeMatchesRead catches keys and dtypes that disagree", async () => {
    const ts = 1;
    const bad = fakeReadable(
      { x: { value: "3", timestamp: ts }, y: { value: [1, 2], timestamp: ts }, z: { value: 1, timestamp: ts } },
      {
        x: { source: "s", dtype: "number", shape: [] },
        y: { source: "s", dtype: "array", shape: [3] },
        w: { source: "s", dtype: "number", shape: [] },
      },
    );
    const err = await assertDescribeMatchesRead(bad).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AssertionError);
    expect((err as Error).message).toBe(
      [
        "fake: describe() does not match read():",
        '  "z" is read but not described',
        '  "w" is described but not read',
        '  x: dtype "number" but the value is "3"',
        "  y: shape [3] but the value has shape [2]",
      ].join("\n"),
    );
    await assertDescribeMatchesRead(softSignalRW([1, 2, 3], { name: "wf" }));
  });

  it("setMockValue refuses signals that are not mocked", () => {
    const s = softSignalRW(0, { name: "v" });
    expect(() => setMockValue(s, 1)).toThrow(InvalidArgumentError);
    expect(() => setMockValue(s, 1)).toThrow("v is not mocked: connect its device with { mock: true } first");
  });
});
