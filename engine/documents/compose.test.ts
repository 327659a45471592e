import { describe, expect, it } from "vitest";
import { InvalidArgumentError } from "../errors.ts";
import {
  composeDatum,
  composeDescriptor,
  composeEvent,
  composeResource,
  composeRunStart,
  composeRunStop,
  composeStreamDatum,
  composeStreamResource,
  newUid,
  nowSeconds,
  packDatumPage,
  packEventPage,
  unpackDatumPage,
  unpackEventPage,
} from "./compose.ts";
import type { DocumentName, Event } from "./types.ts";
import { documentProblems } from "./validate.ts";

function expectValid(name: DocumentName, doc: unknown): void {
  expect(documentProblems(name, doc)).toEqual([]);
}

function expectInvalidArgument(fn: () => unknown, message: string): void {
  expect(fn).toThrow(InvalidArgumentError);
  expect(fn).toThrow(message);
}

const start = composeRunStart({ plan_name: "scan", scan_id: 7, hints: { dimensions: [[["motor"], "primary"]] } });
const descriptor = composeDescriptor({
  runStart: start,
  dataKeys: {
    motor: { dtype: "number", shape: [], source: "sim:motor", precision: 3 },
    det: { dtype: "integer", shape: [], source: "sim:det" },
  },
  hints: { motor: { fields: ["motor"] }, det: { fields: ["det"] } },
  objectKeys: { motor: ["motor"], det: ["det"] },
});

function events(n: number): Event[] {
  return Array.from({ length: n }, (_, i) =>
    composeEvent({ descriptor, seqNum: i + 1, time: 100 + i, data: { motor: i / 2, det: 10 * i } }),
  );
}

describe("uids and times", () => {
  it("newUid gives distinct RFC 4122 v4 uids", () => {
    const uids = new Set(Array.from({ length: 1000 }, newUid));
    expect(uids.size).toBe(1000);
    for (const uid of uids) expect(uid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it("nowSeconds is epoch seconds", () => {
    const before = Date.now();
    const now = nowSeconds();
    expect(now * 1000).toBeGreaterThanOrEqual(before);
    expect(now * 1000).toBeLessThanOrEqual(Date.now());
  });
});

describe("run documents", () => {
  it("compose valid start, descriptor, event and stop documents that link to each other", () => {
    expectValid("start", start);
    expect(start.plan_name).toBe("scan");
    expectValid("descriptor", descriptor);
    expect(descriptor.run_start).toBe(start.uid);
    expect(descriptor.name).toBe("primary");
    const [event] = events(1);
    expectValid("event", event);
    expect(event!.descriptor).toBe(descriptor.uid);
    expect(event!.timestamps).toEqual({ motor: 100, det: 100 });
    const stop = composeRunStop({ runStart: start, numEvents: { primary: 1 } });
    expectValid("stop", stop);
    expect(stop).toMatchObject({ run_start: start.uid, exit_status: "success", reason: "" });
  });

  it("keeps given uids and times", () => {
    expect(composeRunStart({ uid: "u", time: 5 })).toEqual({ uid: "u", time: 5 });
    expect(composeRunStop({ runStart: "u", uid: "s", time: 6, exitStatus: "abort", reason: "user" })).toEqual({
      uid: "s",
      run_start: "u",
      time: 6,
      exit_status: "abort",
      reason: "user",
      num_events: {},
    });
  });
});

describe("resource and datum", () => {
  const resource = composeResource({
    spec: "AD_HDF5",
    root: "/data",
    resourcePath: "2024/cam_001.h5",
    resourceKwargs: { frame_per_point: 1 },
    runStart: start,
  });

  it("compose valid documents with event-model's datum ids", () => {
    expectValid("resource", resource);
    expect(resource).toMatchObject({ path_semantics: "posix", run_start: start.uid });
    const datum = composeDatum(resource, 3, { point_number: 3 });
    expectValid("datum", datum);
    expect(datum).toEqual({ datum_id: `${resource.uid}/3`, resource: resource.uid, datum_kwargs: { point_number: 3 } });
  });

  it("leaves run_start out when not given", () => {
    const r = composeResource({ spec: "AD_TIFF", root: "/", resourcePath: "a.tiff" });
    expectValid("resource", r);
    expect("run_start" in r).toBe(false);
  });

  it("rejects a negative or fractional datum index", () => {
    expectInvalidArgument(() => composeDatum(resource, -1, {}), "datum index must be a non-negative integer, got -1");
    expectInvalidArgument(() => composeDatum(resource, 1.5, {}), "datum index must be a non-negative integer, got 1.5");
  });

  it("packs datums into a valid page and back", () => {
    const datums = [0, 1, 2].map((i) => composeDatum(resource, i, { point_number: i }));
    const page = packDatumPage(datums);
    expectValid("datum_page", page);
    expect(page).toEqual({
      datum_id: datums.map((d) => d.datum_id),
      resource: resource.uid,
      datum_kwargs: { point_number: [0, 1, 2] },
    });
    expect(unpackDatumPage(page)).toEqual(datums);
  });

  it("refuses to pack datums of different resources or kwargs", () => {
    expectInvalidArgument(
      () => packDatumPage([composeDatum("r1", 0, {}), composeDatum("r2", 0, {})]),
      "cannot pack datums of different resources into one page: 'r1' and 'r2'",
    );
    expectInvalidArgument(
      () => packDatumPage([composeDatum("r1", 0, { a: 1 }), composeDatum("r1", 1, { b: 1 })]),
      "cannot pack: datum_kwargs of item 1 has keys [b] but item 0 has [a]",
    );
    expectInvalidArgument(() => packDatumPage([]), "cannot pack an empty list of datums: a page needs a resource");
  });

  it("refuses to unpack a page with a short column", () => {
    expectInvalidArgument(
      () => unpackDatumPage({ datum_id: ["r/0", "r/1"], resource: "r", datum_kwargs: { point_number: [0] } }),
      "cannot unpack: datum page datum_kwargs column 'point_number' has 1 entries, expected 2",
    );
  });
});

describe("stream_resource and stream_datum", () => {
  const streamResource = composeStreamResource({
    dataKey: "cam_image",
    mimetype: "application/x-hdf5",
    uri: "file://localhost/data/cam.h5",
    parameters: { dataset: "/entry/data/data", chunk_shape: [1, 480, 640] },
    runStart: start,
  });

  it("compose valid documents", () => {
    expectValid("stream_resource", streamResource);
    const datum = composeStreamDatum({ streamResource, descriptor, indices: { start: 0, stop: 5 }, index: 0 });
    expectValid("stream_datum", datum);
    expect(datum).toEqual({
      uid: `${streamResource.uid}/0`,
      stream_resource: streamResource.uid,
      descriptor: descriptor.uid,
      indices: { start: 0, stop: 5 },
      seq_nums: { start: 1, stop: 6 },
    });
  });

  it("takes explicit seq_nums", () => {
    const datum = composeStreamDatum({
      streamResource,
      descriptor,
      indices: { start: 5, stop: 7 },
      seqNums: { start: 3, stop: 5 },
      index: 1,
    });
    expectValid("stream_datum", datum);
    expect(datum.seq_nums).toEqual({ start: 3, stop: 5 });
  });

  it("rejects reversed ranges and ranges of different lengths", () => {
    expectInvalidArgument(
      () => composeStreamDatum({ streamResource, descriptor, indices: { start: 4, stop: 2 }, index: 0 }),
      "indices must be integers with 0 <= start <= stop, got {start: 4, stop: 2}",
    );
    expectInvalidArgument(
      () =>
        composeStreamDatum({
          streamResource,
          descriptor,
          indices: { start: 0, stop: 2 },
          seqNums: { start: 1, stop: 2 },
          index: 0,
        }),
      "seq_nums {start: 1, stop: 2} and indices {start: 0, stop: 2} must cover the same number of rows",
    );
  });
});

describe("event pages", () => {
  it("pack events into a valid page, column by column", () => {
    const evs = events(3);
    const page = packEventPage(evs);
    expectValid("event_page", page);
    expect(page).toEqual({
      uid: evs.map((e) => e.uid),
      descriptor: descriptor.uid,
      seq_num: [1, 2, 3],
      time: [100, 101, 102],
      data: { motor: [0, 0.5, 1], det: [0, 10, 20] },
      timestamps: { motor: [100, 101, 102], det: [100, 101, 102] },
      filled: {},
    });
  });

  it("unpack to valid events equal to the originals (with an empty filled)", () => {
    const evs = events(3);
    const back = unpackEventPage(packEventPage(evs));
    for (const ev of back) expectValid("event", ev);
    expect(back).toEqual(evs.map((e) => ({ ...e, filled: {} })));
  });

  it("carry filled through a round trip", () => {
    const evs = [0, 1].map((i) =>
      composeEvent({ descriptor, seqNum: i + 1, time: i, data: { img: `d/${i}` }, filled: { img: false } }),
    );
    const page = packEventPage(evs);
    expect(page.filled).toEqual({ img: [false, false] });
    expect(unpackEventPage(page)).toEqual(evs);
  });

  it("refuse to pack an empty list, mixed descriptors or mismatched keys", () => {
    expectInvalidArgument(() => packEventPage([]), "cannot pack an empty list of events: a page needs a descriptor");
    const other = composeEvent({ descriptor: "other", seqNum: 1, data: { motor: 1, det: 2 } });
    expectInvalidArgument(
      () => packEventPage([...events(1), other]),
      `cannot pack events of different descriptors into one page: '${descriptor.uid}' and 'other'`,
    );
    const odd = composeEvent({ descriptor, seqNum: 2, data: { motor: 1 } });
    expectInvalidArgument(
      () => packEventPage([...events(1), odd]),
      "cannot pack: data of item 1 has keys [motor] but item 0 has [det, motor]",
    );
  });

  it("refuse to unpack a page whose columns disagree in length", () => {
    const page = packEventPage(events(2));
    page.data.det = [1];
    expectInvalidArgument(
      () => unpackEventPage(page),
      "cannot unpack: event page data column 'det' has 1 entries, expected 2",
    );
  });
});
