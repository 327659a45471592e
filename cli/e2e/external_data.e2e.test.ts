/**
 * External data end to end: a camera writing frame files, described by stream_resource/stream_datum
 * (ophyd-async) or resource/datum (older ophyd), in step scans and fly scans; every document kind in one run.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { Datum, DocumentName, Event, Resource, StreamDatum, StreamResource } from "../../engine/documents/types.ts";
import type { Plan } from "../../engine/msg.ts";
import * as plans from "../../engine/plans/index.ts";
import { SimCameraWriter, readRawFrame } from "../../devices/index.ts";
import { checkedEngine, instrument, tempDir } from "./instrument.ts";

/** The column of the brightest pixel of a frame. */
function spotColumn(frame: Float32Array, width: number): number {
  let best = 0;
  for (let i = 1; i < frame.length; i++) if (frame[i]! > frame[best]!) best = i;
  return best % width;
}

describe("stream assets in a step scan", () => {
  it("one stream_resource per staging, one stream_datum per point before its event; frames on disk follow the motor", async () => {
    const d = instrument();
    const dir = tempDir("stream");
    const cam = new SimCameraWriter({ name: "cam", directory: dir, width: 16, height: 6, motor: d.fast, pixelsPerUnit: 2, acquireTime: 0.001 });
    const { RE, docs } = checkedEngine();
    await RE.run(plans.scan([cam, d.fastDet], d.fast, -3, 3, 4));
    expect(docs.finish()).toEqual([]);
    const [sr] = docs.of("stream_resource") as StreamResource[];
    expect(docs.of("stream_resource")).toHaveLength(1);
    expect(sr!.data_key).toBe("cam");
    expect(sr!.run_start).toBe(docs.starts[0]!.uid);
    const datums = docs.of("stream_datum") as StreamDatum[];
    expect(datums.map((x) => x.indices)).toEqual([0, 1, 2, 3].map((i) => ({ start: i, stop: i + 1 })));
    expect(datums.map((x) => x.seq_nums)).toEqual([1, 2, 3, 4].map((i) => ({ start: i, stop: i + 1 })));
    // Each stream datum comes right before the event it belongs to.
    const names = docs.docs.map(([n]) => n).filter((n) => n === "stream_datum" || n === "event");
    expect(names).toEqual(["stream_datum", "event", "stream_datum", "event", "stream_datum", "event", "stream_datum", "event"]);
    const [desc] = docs.descriptorDocs;
    expect(desc!.data_keys["cam"]).toMatchObject({ external: "STREAM:", shape: [6, 16], dtype: "array", dtype_numpy: "<f4" });
    expect(Object.keys(docs.events[0]!.data).sort()).toEqual(["cam-sum", "fast", "fast-user_setpoint", "fast_det"]);
    expect(docs.events[0]!.filled).toEqual({});
    const path = fileURLToPath(sr!.uri);
    const cols = [];
    for (let i = 0; i < 4; i++) cols.push(spotColumn(await readRawFrame(path, i, 16, 6), 16));
    // x = -3, -1, 1, 3 at 2 px/unit around column 8.
    expect(cols).toEqual([2, 6, 10, 14]);
    const sidecar = JSON.parse(readFileSync(String(sr!.parameters["sidecar"]), "utf8"));
    expect(sidecar).toEqual({ dtype_numpy: "<f4", frame_shape: [6, 16], frames: 4, order: "C" });
  });
});

describe("filestore assets (resource/datum)", () => {
  it("the event holds datum ids of datums emitted before it, marked filled: false", async () => {
    const d = instrument();
    const cam = new SimCameraWriter({ name: "cam", directory: tempDir("fs"), assets: "filestore", acquireTime: 0.001 });
    const { RE, docs } = checkedEngine();
    await RE.run(plans.count([cam, d.det1], 3));
    expect(docs.finish()).toEqual([]);
    const [res] = docs.of("resource") as Resource[];
    expect(docs.of("resource")).toHaveLength(1);
    expect(res).toMatchObject({ spec: "SKYLOOP_RAW_FLOAT32", path_semantics: "posix", run_start: docs.starts[0]!.uid });
    const datums = docs.of("datum") as Datum[];
    expect(datums.map((x) => x.datum_kwargs)).toEqual([{ frame: 0 }, { frame: 1 }, { frame: 2 }]);
    const events = docs.events as Event[];
    expect(events.map((e) => e.data["cam"])).toEqual(datums.map((x) => x.datum_id));
    for (const e of events) expect(e.filled).toEqual({ cam: false });
    expect(docs.descriptorDocs[0]!.data_keys["cam"]!.external).toBe("FILESTORE:");
  });
});

describe("every document kind in one run", () => {
  it("start, descriptor, event, event_page, stop, resource, datum, stream_resource, stream_datum all validate", async () => {
    const d = instrument();
    const dir = tempDir("all");
    const fsCam = new SimCameraWriter({ name: "fs_cam", directory: dir, assets: "filestore", acquireTime: 0.001 });
    const stepCam = new SimCameraWriter({ name: "step_cam", directory: dir, acquireTime: 0.001 });
    const flyCam = new SimCameraWriter({ name: "fly_cam", directory: dir, acquireTime: 0.001 });
    function* inner(): Plan<void> {
      for (let i = 0; i < 2; i++) {
        yield* plans.checkpoint();
        yield* plans.triggerAndRead([fsCam, stepCam, d.det1]);
      }
      yield* plans.prepare(flyCam, 3, { wait: true });
      yield* plans.kickoff(flyCam, { wait: true });
      yield* plans.complete(flyCam, { wait: true });
      yield* plans.collect(flyCam);
    }
    const plan = plans.withStage(plans.withRun(inner(), { plan_name: "all_kinds", plan_args: {} }), [fsCam, stepCam, d.det1]);
    const { RE, docs } = checkedEngine();
    await RE.run(plan);
    expect(docs.finish()).toEqual([]);
    const kinds = new Set<DocumentName>(docs.docs.map(([n]) => n));
    expect([...kinds].sort()).toEqual(
      ["datum", "descriptor", "event", "event_page", "resource", "start", "stop", "stream_datum", "stream_resource"].sort(),
    );
    expect(docs.stops[0]!.num_events).toEqual({ primary: 2, fly_cam: 3 });
  });
});
