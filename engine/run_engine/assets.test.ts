import { describe, expect, it } from "vitest";
import type { DataKey, StreamDatum } from "../documents/types.ts";
import { IllegalMessageSequenceError, InvalidArgumentError } from "../errors.ts";
import { msg } from "../msg.ts";
import type { Asset, Reading } from "../protocols.ts";
import { docsNamed, testEngine } from "./testing.test-helpers.ts";

/** A detector writing external data: `docs` is what its next collectAssetDocs() yields. */
class AssetDetector {
  docs: Asset[] = [];
  constructor(
    readonly name: string,
    private readonly keys: Record<string, DataKey>,
    private readonly reading: () => Record<string, Reading>,
  ) {}
  async describe(): Promise<Record<string, DataKey>> {
    return this.keys;
  }
  async read(): Promise<Record<string, Reading>> {
    return this.reading();
  }
  async *collectAssetDocs(): AsyncIterable<Asset> {
    yield* this.docs.splice(0);
  }
}

const streamKey: DataKey = { dtype: "array", shape: [2, 2], source: "sim", external: "STREAM:" };
const point = (det: unknown) => [msg("create", undefined, [], { name: "primary" }), msg("read", det), msg("save")];
const streamDatum = (uid: string, sr: string, start: number): StreamDatum => ({
  uid,
  stream_resource: sr,
  descriptor: "",
  indices: { start, stop: start + 1 },
  seq_nums: { start: 0, stop: 0 },
});

describe("external assets at save", () => {
  it("emits stream documents after the descriptor and before their event, filling descriptor, seq_nums and run_start", async () => {
    const det = new AssetDetector("cam", { cam: streamKey, "cam-sum": { dtype: "number", shape: [], source: "sim" } }, () => ({
      "cam-sum": { value: 4, timestamp: 1 },
    }));
    det.docs = [
      ["stream_resource", { uid: "sr1", data_key: "cam", mimetype: "x/raw", uri: "file:///f", parameters: {} }],
      ["stream_datum", streamDatum("sd0", "sr1", 0)],
    ];
    const { RE, docs } = testEngine();
    const plan = [msg("open_run"), ...point(det), msg("null")];
    const second = function* () {
      yield* plan;
      det.docs = [["stream_datum", streamDatum("sd1", "sr1", 1)]];
      yield* point(det);
      yield msg("close_run");
    };
    await RE.run(second());
    expect(docs.map(([n]) => n)).toEqual(["start", "descriptor", "stream_resource", "stream_datum", "event", "stream_datum", "event", "stop"]);
    const [start] = docsNamed<{ uid: string }>(docs, "start");
    const [descriptor] = docsNamed<{ uid: string }>(docs, "descriptor");
    expect(docsNamed<{ run_start: string }>(docs, "stream_resource")[0]!.run_start).toBe(start!.uid);
    const datums = docsNamed<StreamDatum>(docs, "stream_datum");
    expect(datums.map((d) => [d.descriptor, d.seq_nums])).toEqual([
      [descriptor!.uid, { start: 1, stop: 2 }],
      [descriptor!.uid, { start: 2, stop: 3 }],
    ]);
    expect(docsNamed<{ data: object; filled: object }>(docs, "event")[0]).toMatchObject({ data: { "cam-sum": 4 }, filled: {} });
  });

  it("emits resource and datum before the event whose FILESTORE: key holds the datum id, marked unfilled", async () => {
    const det = new AssetDetector("img", { img: { dtype: "array", shape: [3], source: "sim", external: "FILESTORE:" } }, () => ({
      img: { value: "res1/0", timestamp: 1 },
    }));
    det.docs = [
      ["resource", { uid: "res1", spec: "RAW", root: "/d", resource_path: "f.raw", resource_kwargs: {} }],
      ["datum", { datum_id: "res1/0", resource: "res1", datum_kwargs: { frame: 0 } }],
    ];
    const { RE, docs } = testEngine();
    await RE.run([msg("open_run"), ...point(det), msg("close_run")]);
    expect(docs.map(([n]) => n)).toEqual(["start", "descriptor", "resource", "datum", "event", "stop"]);
    expect(docsNamed<{ run_start: string }>(docs, "resource")[0]!.run_start).toBe(docsNamed<{ uid: string }>(docs, "start")[0]!.uid);
    expect(docsNamed(docs, "event")[0]).toMatchObject({ data: { img: "res1/0" }, filled: { img: false } });
  });

  it("refuses a stream resource for a key no descriptor has, and a stream datum of an unknown resource", async () => {
    const det = new AssetDetector("cam", { cam: streamKey }, () => ({}));
    det.docs = [["stream_resource", { uid: "sr1", data_key: "other", mimetype: "x/raw", uri: "file:///f", parameters: {} }]];
    const a = testEngine();
    const run = a.RE.run([msg("open_run"), ...point(det), msg("close_run")]);
    await expect(run).rejects.toThrow(InvalidArgumentError);
    await expect(run).rejects.toThrow("cam: stream resource for data key 'other', which no descriptor of [primary] has");
    det.docs = [["stream_datum", streamDatum("sd0", "nope", 0)]];
    const b = testEngine();
    const run2 = b.RE.run([msg("open_run"), ...point(det), msg("close_run")]);
    await expect(run2).rejects.toThrow(IllegalMessageSequenceError);
    await expect(run2).rejects.toThrow("cam: stream datum sd0 refers to stream resource nope, not emitted before it in this run");
    expect(docsNamed<{ exit_status: string }>(b.docs, "stop")[0]!.exit_status).toBe("fail");
  });

  it("refuses a document kind that is not external data", async () => {
    const det = new AssetDetector("cam", { cam: streamKey }, () => ({}));
    det.docs = [["event", {}] as unknown as Asset];
    const { RE } = testEngine();
    const run = RE.run([msg("open_run"), ...point(det), msg("close_run")]);
    await expect(run).rejects.toThrow(InvalidArgumentError);
    await expect(run).rejects.toThrow("cam: collectAssetDocs() yielded a 'event' document; expected resource, datum, stream_resource or stream_datum");
  });
});
