import { describe, expect, it } from "vitest";
import { composeDescriptor, composeEvent } from "../documents/compose.ts";
import { sampleRun } from "../documents/sample-run.ts";
import type { NamedDocument, RunStart } from "../documents/types.ts";
import { InvalidArgumentError } from "../errors.ts";
import { LiveTable } from "./live-table.ts";
import type { LiveTableOptions } from "./live-table.ts";

const UID = "0a1b2c3d-0000-4000-8000-000000000000";

function run(overrides: Partial<Parameters<typeof sampleRun>[0]> = {}): NamedDocument[] {
  return sampleRun({
    motor: { name: "motor", value: (i) => i - 1 },
    detectors: [
      { name: "det", value: (_i, x) => Math.exp((-x * x) / 2) },
      { name: "counts", value: (i) => 100 * i, dtype: "integer" },
    ],
    points: 3,
    scanId: 7,
    metadata: { uid: UID },
    ...overrides,
  });
}

/** Runs the table over `docs` and returns the lines it printed. */
function print(docs: NamedDocument[], options: LiveTableOptions = {}): string[] {
  let text = "";
  const table = new LiveTable({ utc: true, ...options, out: { write: (s) => (text += s) } });
  for (const [name, doc] of docs) table.callback(name, doc);
  expect(text.endsWith("\n")).toBe(true);
  return text.slice(0, -1).split("\n");
}

const BORDER = "+-----------+------------+------------+------------+------------+";
const HEADER = "|   seq_num |       time |      motor |        det |     counts |";

describe("LiveTable", () => {
  it("prints a header, one row per event and a summary with hinted fields", () => {
    expect(print(run())).toEqual([
      BORDER,
      HEADER,
      BORDER,
      "|         1 | 22:13:20.5 |     -1.000 |      0.607 |          0 |",
      "|         2 | 22:13:21.0 |      0.000 |      1.000 |        100 |",
      "|         3 | 22:13:21.5 |      1.000 |      0.607 |        200 |",
      BORDER,
      "scan ['0a1b2c3d'] (scan num: 7): success, 3 events in 2.00 s",
    ]);
  });

  it("prints the same table for events that arrive as a page", () => {
    expect(print(run({ asPage: true }))).toEqual(print(run()));
  });

  it("shows the given fields in the given order, with each data key's precision", () => {
    const docs = run({
      motor: { name: "motor", value: (i) => i - 1, precision: 1 },
    });
    expect(print(docs, { fields: ["det", "motor", "not_in_stream"] })).toEqual([
      "+-----------+------------+------------+------------+",
      "|   seq_num |       time |        det |      motor |",
      "+-----------+------------+------------+------------+",
      "|         1 | 22:13:20.5 |      0.607 |       -1.0 |",
      "|         2 | 22:13:21.0 |      1.000 |        0.0 |",
      "|         3 | 22:13:21.5 |      0.607 |        1.0 |",
      "+-----------+------------+------------+------------+",
      "scan ['0a1b2c3d'] (scan num: 7): success, 3 events in 2.00 s",
    ]);
  });

  it("repeats the header every printHeaderInterval rows", () => {
    const lines = print(run(), { printHeaderInterval: 2, fields: ["motor"] });
    expect(lines).toEqual([
      "+-----------+------------+------------+",
      "|   seq_num |       time |      motor |",
      "+-----------+------------+------------+",
      "|         1 | 22:13:20.5 |     -1.000 |",
      "|         2 | 22:13:21.0 |      0.000 |",
      "+-----------+------------+------------+",
      "|   seq_num |       time |      motor |",
      "+-----------+------------+------------+",
      "|         3 | 22:13:21.5 |      1.000 |",
      "+-----------+------------+------------+",
      "scan ['0a1b2c3d'] (scan num: 7): success, 3 events in 2.00 s",
    ]);
  });

  it("ignores other streams and widens columns for long names", () => {
    const docs = run({ detectors: [{ name: "beam_current_monitor", value: () => 401.25, precision: 2 }], points: 1 });
    const start = docs[0]![1] as RunStart;
    const baseline = composeDescriptor({
      runStart: start.uid,
      name: "baseline",
      dataKeys: { ring_current: { dtype: "number", shape: [], source: "sim:ring" } },
    });
    const stop = docs.pop()!;
    docs.push(["descriptor", baseline], ["event", composeEvent({ descriptor: baseline, seqNum: 1, data: { ring_current: 400 } })], stop);
    expect(print(docs)).toEqual([
      "+-----------+------------+------------+----------------------+",
      "|   seq_num |       time |      motor | beam_current_monitor |",
      "+-----------+------------+------------+----------------------+",
      "|         1 | 22:13:20.5 |     -1.000 |               401.25 |",
      "+-----------+------------+------------+----------------------+",
      "scan ['0a1b2c3d'] (scan num: 7): success, 1 event in 1.00 s",
    ]);
  });

  it("reports a failed run with its reason, even with no events", () => {
    expect(print(run({ points: 0, exitStatus: "fail" }))).toEqual([
      "scan ['0a1b2c3d'] (scan num: 7): fail (run ended with fail), 0 events in 0.50 s",
    ]);
  });

  it("shows missing, non-finite and oversized values without breaking the layout", () => {
    const docs = run({
      detectors: [{ name: "det", value: (i) => [Number.NaN, 1e12, 0][i]! }],
    });
    const [, event] = docs[4] as ["event", { data: Record<string, unknown> }];
    delete event.data.det;
    expect(print(docs, { fields: ["det"] }).slice(3, 6)).toEqual([
      "|         1 | 22:13:20.5 |        NaN |",
      "|         2 | 22:13:21.0 |  1.000e+12 |",
      "|         3 | 22:13:21.5 |            |",
    ]);
  });

  it("starts afresh for each run", () => {
    const lines = print([...run({ points: 1 }), ...run({ points: 1, scanId: 8 })], { fields: ["motor"] });
    expect(lines.filter((l) => l.startsWith("|         1 "))).toHaveLength(2);
    expect(lines.at(-1)).toBe("scan ['0a1b2c3d'] (scan num: 8): success, 1 event in 1.00 s");
  });

  it("rejects a printHeaderInterval that is not a positive integer", () => {
    const make = () => new LiveTable({ printHeaderInterval: 0 });
    expect(make).toThrow(InvalidArgumentError);
    expect(make).toThrow("printHeaderInterval must be a positive integer, got 0");
  });
});
