import { describe, expect, it } from "vitest";
import { WIRE_VERSION } from "../bridge/wire.ts";
import type { DecisionRecord } from "../bridge/wire.ts";
import { InvalidArgumentError } from "../engine/errors.ts";
import type { WatchInput } from "./feed.ts";
import { WatchState } from "./state.ts";
import type { WatchUpdate } from "./state.ts";
import { orbitRun } from "./test/documents.ts";

const docs = (list: ReturnType<typeof orbitRun>): WatchInput[] => list.map((doc) => ({ kind: "document", doc }));

function decision(i: number): DecisionRecord {
  return { v: WIRE_VERSION, agent: "svd-orbit", run: "r1", time: 1_700_000_000 + i, inputs: { i }, suggestion: { h1: i }, score: i, latency_us: 100 };
}

describe("WatchState", () => {
  it("picks the objective and orbit fields, keeps the orbit before and after the latest correction, and finishes the run", () => {
    const state = new WatchState({ instrument: "sr", source: "test" });
    const updates: WatchUpdate[] = [];
    state.updates$.subscribe((u) => updates.push(u));
    for (const input of docs(orbitRun("r1", 3, { stop: "success" }))) state.apply(input);
    const s = state.snapshot();
    expect(s.current!.summary).toMatchObject({
      uid: "r1",
      plan_name: "orbit_correction",
      campaign: "c1",
      agent: "svd-orbit",
      num_points: 3,
      events: 3,
      exit_status: "success",
      objective: ["orbit-rms_x", "orbit-rms_y"],
      orbit: ["orbit-x", "orbit-y"],
      bpm_names: ["B1", "B2", "B3"],
    });
    expect(s.current!.seq).toEqual([1, 2, 3]);
    expect(s.current!.objective["orbit-rms_y"]).toEqual([1, 0.5, 0.25]);
    expect(s.current!.orbit.initial!.seq).toBe(1);
    expect(s.current!.orbit.before).toEqual({ seq: 2, values: { "orbit-x": [0.25, -0.25, 0], "orbit-y": [0, 0.25, -0.25] } });
    expect(s.current!.orbit.after!.seq).toBe(3);
    expect(s.engine).toEqual({ state: "idle", from: "documents", campaign: "c1", time: 1_700_000_004 });
    expect(updates.map((u) => u.type)).toEqual(["run", "engine", "run", "point", "point", "point", "run", "engine"]);
  });

  it("unpacks event pages and ignores documents of runs it never saw start", () => {
    const state = new WatchState();
    const [start, descriptor, ...events] = orbitRun("r2", 2);
    state.apply({ kind: "document", doc: ["event", events[0]![1] as never] });
    state.apply({ kind: "document", doc: start! });
    state.apply({ kind: "document", doc: descriptor! });
    const e = events.map(([, doc]) => doc as { uid: string; seq_num: number; time: number; data: Record<string, unknown>; timestamps: Record<string, number> });
    state.apply({
      kind: "document",
      doc: ["event_page", { uid: e.map((x) => x.uid), descriptor: "r2-d", seq_num: [1, 2], time: [1, 2], data: { "orbit-rms_x": [0.5, 0.25], "orbit-rms_y": [1, 0.5], "orbit-x": [[1, 2, 3], [4, 5, 6]] }, timestamps: {} }],
    });
    const s = state.snapshot();
    expect(s.current!.objective["orbit-rms_x"]).toEqual([0.5, 0.25]);
    expect(s.current!.orbit.after!.values).toEqual({ "orbit-x": [4, 5, 6] });
    expect(s.runs).toHaveLength(1);
  });

  it("holds bounded memory: runs, points and decisions beyond their limits are dropped oldest first", () => {
    const state = new WatchState({ maxRuns: 2, maxPoints: 4, maxDecisions: 3 });
    for (const [i, uid] of ["a", "b", "c"].entries()) for (const input of docs(orbitRun(uid, 6, { scanId: i + 1, stop: "success" }))) state.apply(input);
    for (let i = 0; i < 5; i++) state.apply({ kind: "decision", record: decision(i) });
    const s = state.snapshot();
    expect(s.runs.map((r) => r.uid)).toEqual(["c", "b"]);
    expect(state.run("a")).toBeUndefined();
    expect(state.run("b")!.seq).toEqual([3, 4, 5, 6]);
    expect(s.current!.summary.events).toBe(6);
    expect(s.decisions.map((d) => d.score)).toEqual([2, 3, 4]);
    const make = () => new WatchState({ maxRuns: 0 });
    expect(make).toThrow(InvalidArgumentError);
    expect(make).toThrow("maxRuns must be a positive integer, got 0");
  });

  it("prefers the engine's published status to what documents suggest, and starts new training curves per session", () => {
    const state = new WatchState();
    state.apply({ kind: "status", status: { v: 1, state: "paused", time: 5, campaign: "c9" } });
    for (const input of docs(orbitRun("r", 1, { stop: "success" }))) state.apply(input);
    expect(state.snapshot().engine).toEqual({ state: "paused", from: "status", campaign: "c9", time: 5 });
    const p = { v: WIRE_VERSION, agent: "rl", time: 1, reward: -1, rms: 0.1, steps_per_s: 10 } as const;
    state.apply({ kind: "training", progress: { ...p, session: "s1", episode: 1 } });
    state.apply({ kind: "training", progress: { ...p, session: "s1", episode: 2, loss: 0.5 } });
    expect(state.snapshot().training).toEqual([expect.objectContaining({ session: "s1", episode: [1, 2], loss: 0.5 })]);
    state.apply({ kind: "training", progress: { ...p, session: "s2", episode: 1 } });
    expect(state.snapshot().training).toEqual([expect.objectContaining({ session: "s2", episode: [1], loss: null })]);
    state.apply({ kind: "invalid", subject: "skyloop.x.decisions.a", reason: "score: bad" });
    expect(state.snapshot().invalid).toEqual({ count: 1, last: "skyloop.x.decisions.a: score: bad" });
  });
});
