import { describe, expect, it } from "vitest";
import { sampleRun } from "./sample-run.ts";
import type { RunStart } from "./types.ts";
import { documentProblems } from "./validate.ts";

describe("sampleRun", () => {
  it.each([false, true])("builds a complete run of valid, linked documents (asPage: %s)", (asPage) => {
    const docs = sampleRun({
      motor: { name: "motor", value: (i) => i },
      detectors: [{ name: "det", value: (_i, x) => 2 * x }],
      points: 4,
      asPage,
      exitStatus: "abort",
    });
    for (const [name, doc] of docs) expect(documentProblems(name, doc), name).toEqual([]);
    expect(docs.map(([n]) => n)).toEqual(
      asPage ? ["start", "descriptor", "event_page", "stop"] : ["start", "descriptor", "event", "event", "event", "event", "stop"],
    );
    const start = docs[0]![1] as RunStart;
    const [, stop] = docs[docs.length - 1]!;
    expect(stop).toMatchObject({ run_start: start.uid, exit_status: "abort", num_events: { primary: 4 } });
  });
});
