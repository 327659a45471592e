import { describe, expect, it } from "vitest";
import { WIRE_VERSION } from "../bridge/wire.ts";
import { WireFormatError } from "../bridge/errors.ts";
import { orbitRun } from "./test/documents.ts";
import { parseTrainingProgress, trainingSubject } from "../bridge/training.ts";
import { WatchTui, formatLatency } from "./tui.ts";

class StringSink {
  text = "";
  write(chunk: string): void {
    this.text += chunk;
  }
}

describe("WatchTui", () => {
  it("prints runs as a LiveTable with a banner, decisions, engine states and training rows between them", () => {
    const out = new StringSink();
    const tui = new WatchTui({ out, color: false, utc: true });
    tui.apply({ kind: "status", status: { v: 1, state: "running", time: 1_700_000_000, campaign: "c1" } });
    const [start, descriptor, e1, e2, stop] = orbitRun("0123456789", 2, { stop: "success" });
    for (const doc of [start!, descriptor!, e1!]) tui.apply({ kind: "document", doc });
    tui.apply({
      kind: "decision",
      record: { v: WIRE_VERSION, agent: "svd-orbit", run: "0123456789", time: 1_700_000_001, inputs: {}, suggestion: { h1: 0.5, h2: -0.25, h3: 1, h4: 2 }, score: 0.00123, reason: "predicted RMS 0.0012", latency_us: 1530 },
    });
    tui.apply({ kind: "status", status: { v: 1, state: "paused", time: 1_700_000_002 } });
    tui.apply({ kind: "status", status: { v: 1, state: "paused", time: 1_700_000_003 } });
    for (const doc of [e2!, stop!]) tui.apply({ kind: "document", doc });
    const progress = { v: WIRE_VERSION, agent: "rl", session: "s1", time: 1, rms: 0.05, steps_per_s: 1234.5 } as const;
    tui.apply({ kind: "training", progress: { ...progress, episode: 1, reward: -2.5, steps: 200 } });
    tui.apply({ kind: "training", progress: { ...progress, episode: 2, reward: -1.25, loss: 0.01, done: true } });

    expect(out.text.split("\n")).toEqual([
      "── engine running (campaign c1) at 22:13:20",
      "▶ orbit_correction · campaign c1 · scan 1 · uid 01234567 · 2 points · agent svd-orbit",
      "+-----------+------------+-------------+-------------+",
      "|   seq_num |       time | orbit-rms_x | orbit-rms_y |",
      "+-----------+------------+-------------+-------------+",
      expect.stringMatching(/^\|         1 \| \d\d:\d\d:\d\d\.0 \|      0\.5000 \|      1\.0000 \|$/),
      "  ◆ 22:13:21  svd-orbit  score 0.00123  latency 1.53 ms  4 targets (h1=0.5, h2=-0.25, h3=1, …)",
      "    predicted RMS 0.0012",
      "── engine paused at 22:13:22",
      expect.stringMatching(/^\|         2 \| \d\d:\d\d:\d\d\.0 \|      0\.2500 \|      0\.5000 \|$/),
      "+-----------+------------+-------------+-------------+",
      "orbit_correction ['01234567'] (scan num: 1): success, 2 events in 3.00 s",
      "▶ training rl session s1",
      "   episode      reward         rms   steps/s     steps       loss",
      "         1        -2.5        0.05      1235       200          -",
      "         2       -1.25        0.05      1235         -       0.01",
      "  training rl done after 2 episodes",
      "",
    ]);
  });

  it("colours with plain ANSI when asked, and formats latencies by size", () => {
    const out = new StringSink();
    new WatchTui({ out, color: true }).apply({ kind: "status", status: { v: 1, state: "paused", time: 0 } });
    expect(out.text).toContain("\x1b[33mpaused\x1b[0m");
    expect([formatLatency(12), formatLatency(4_560), formatLatency(2_500_000)]).toEqual(["12 µs", "4.56 ms", "2.50 s"]);
  });
});

describe("training progress messages", () => {
  it("parses an episode and refuses what does not fit", () => {
    const good = { v: 1, agent: "rl", session: "s", time: 1, episode: 3, reward: -1, rms: 0.1, steps_per_s: 100, evaluation: true };
    expect(parseTrainingProgress(JSON.stringify(good))).toEqual(good);
    expect(trainingSubject("sr", "rl-orbit")).toBe("skyloop.sr.training.rl-orbit");
    for (const [bad, message] of [
      [{ ...good, episode: 1.5 }, "episode: expected an integer >= 0, got 1.5"],
      [{ ...good, reward: null }, "reward: expected a finite number, got null (NaN and Infinity travel as null in JSON)"],
      [{ ...good, session: "" }, 'session: expected a non-empty string, got string ""'],
      [{ ...good, done: "yes" }, 'done: expected a boolean, got string "yes"'],
      [{ ...good, v: 0 }, "v: unsupported protocol version 0; this side speaks 1"],
    ] as const) {
      expect(() => parseTrainingProgress(JSON.stringify(bad))).toThrow(WireFormatError);
      expect(() => parseTrainingProgress(JSON.stringify(bad))).toThrow(message);
    }
  });
});
