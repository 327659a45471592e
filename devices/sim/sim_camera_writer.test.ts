import { existsSync, readFileSync } from "node:fs";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { IllegalMessageSequenceError, InvalidArgumentError } from "../../engine/errors.ts";
import type { Asset } from "../../engine/protocols.ts";
import { SimCameraWriter, readRawFrame } from "./sim_camera_writer.ts";
import { SimMotor } from "./sim_motor.ts";

const dir = () => mkdtempSync(join(tmpdir(), "skyloop-cam-"));
const docs = (cam: SimCameraWriter): Asset[] => [...(cam.collectAssetDocs() as Iterable<Asset>)];

describe("SimCameraWriter", () => {
  it("writes each triggered frame to the staged file and announces new frames once", async () => {
    const motor = new SimMotor({ name: "m", instant: true });
    const cam = new SimCameraWriter({ name: "cam", directory: dir(), width: 10, height: 4, motor, pixelsPerUnit: 1, timeScale: 0 });
    await cam.stage();
    await motor.set(-2);
    await cam.trigger();
    await motor.set(3);
    await cam.trigger();
    const first = docs(cam);
    expect(first.map(([n]) => n)).toEqual(["stream_resource", "stream_datum"]);
    const [, sr] = first[0] as ["stream_resource", { uid: string; uri: string; data_key: string }];
    expect(sr.data_key).toBe("cam");
    expect(first[1]![1]).toMatchObject({ stream_resource: sr.uid, indices: { start: 0, stop: 2 }, descriptor: "", seq_nums: { start: 0, stop: 0 } });
    expect(docs(cam)).toEqual([]);
    await cam.trigger();
    expect(docs(cam)).toEqual([["stream_datum", expect.objectContaining({ indices: { start: 2, stop: 3 } })]]);
    const path = fileURLToPath(sr.uri);
    const f0 = await readRawFrame(path, 0, 10, 4);
    const f1 = await readRawFrame(path, 1, 10, 4);
    const peakCol = (f: Float32Array) => f.indexOf(Math.max(...f)) % 10;
    expect([peakCol(f0), peakCol(f1)]).toEqual([3, 8]);
    const sum = (await cam.read())["cam-sum"]!.value as number;
    expect(sum).toBeCloseTo(Array.from(await readRawFrame(path, 2, 10, 4)).reduce((a, b) => a + b, 0), 2);
    await cam.unstage();
    expect(JSON.parse(readFileSync(path.replace(/\.raw$/, ".json"), "utf8")).frames).toBe(3);
  });

  it("describes the image as STREAM: and reads only the sum in stream mode", async () => {
    const cam = new SimCameraWriter({ name: "cam", directory: dir(), width: 3, height: 2 });
    const keys = await cam.describe();
    expect(keys["cam"]).toMatchObject({ dtype: "array", shape: [2, 3], dtype_numpy: "<f4", external: "STREAM:" });
    expect(Object.keys(await cam.read())).toEqual(["cam-sum"]);
  });

  it("in filestore mode reads the datum id of the latest frame and yields a resource and a datum per frame", async () => {
    const d = dir();
    const cam = new SimCameraWriter({ name: "cam", directory: d, assets: "filestore", timeScale: 0 });
    await cam.stage();
    await cam.trigger();
    await cam.trigger();
    const reading = await cam.read();
    const assets = docs(cam);
    expect(assets.map(([n]) => n)).toEqual(["resource", "datum", "datum"]);
    const res = assets[0]![1] as { uid: string; root: string; resource_path: string };
    expect(res.root).toBe(d);
    expect(existsSync(join(res.root, res.resource_path))).toBe(true);
    expect(reading["cam"]!.value).toBe((assets[2]![1] as { datum_id: string }).datum_id);
    expect((await cam.describe())["cam"]!.external).toBe("FILESTORE:");
    await cam.unstage();
  });

  it("flies: prepare, kickoff, complete, then one page row per frame", async () => {
    const cam = new SimCameraWriter({ name: "cam", directory: dir(), acquireTime: 0.001 });
    await cam.prepare(4);
    await cam.kickoff();
    await cam.complete();
    const pages = [];
    for await (const p of cam.collectPages()) pages.push(p);
    expect(pages).toHaveLength(1);
    expect(pages[0]!.data["cam-sum"]).toHaveLength(4);
    expect(pages[0]!.time).toHaveLength(4);
    expect(docs(cam).map(([n, doc]) => [n, n === "stream_datum" ? (doc as { indices: unknown }).indices : undefined])).toEqual([
      ["stream_resource", undefined],
      ["stream_datum", { start: 0, stop: 4 }],
    ]);
  });

  it("refuses bad use with errors that say what to do", async () => {
    expect(() => new SimCameraWriter({ name: "cam", directory: "" })).toThrow(InvalidArgumentError);
    expect(() => new SimCameraWriter({ name: "cam", directory: "" })).toThrow("a camera needs a directory for its frames, got \"\"");
    expect(() => new SimCameraWriter({ name: "cam", directory: dir(), assets: "hdf" as never })).toThrow('unknown assets "hdf": use stream or filestore');
    const cam = new SimCameraWriter({ name: "cam", directory: dir(), timeScale: 0 });
    await expect(cam.trigger()).rejects.toThrow(IllegalMessageSequenceError);
    await expect(cam.trigger()).rejects.toThrow("cam: triggered while not staged: stage it first");
    await expect(cam.kickoff()).rejects.toThrow("cam: kickoff before prepare(frames)");
    await expect(cam.prepare(0)).rejects.toThrow("cam: prepare needs a positive whole number of frames, got 0");
    await expect(cam.complete()).rejects.toThrow("cam: complete without kickoff");
    const fs = new SimCameraWriter({ name: "fs", directory: dir(), assets: "filestore" });
    await expect(fs.read()).rejects.toThrow("fs: read() before any frame was taken: trigger it first");
  });
});
