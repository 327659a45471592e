import { existsSync, readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { DocumentValidationError } from "../errors.ts";
import { DOCUMENT_NAMES } from "./types.ts";
import type { DocumentName } from "./types.ts";
import { documentProblems, isValidDocument, validateDocument } from "./validate.ts";

const T = 1_700_000_000.5;

/** One valid document of every kind, close to what a RunEngine emits. */
function validDocuments(): Record<DocumentName, Record<string, unknown>> {
  return {
    start: {
      uid: "run-1",
      time: T,
      scan_id: 3,
      plan_name: "scan",
      plan_type: "generator",
      plan_args: { detectors: ["det"], num: 5 },
      detectors: ["det"],
      motors: ["motor"],
      num_points: 5,
      hints: { dimensions: [[["motor"], "primary"]] },
    },
    descriptor: {
      uid: "desc-1",
      run_start: "run-1",
      time: T,
      name: "primary",
      data_keys: {
        motor: { dtype: "number", shape: [], source: "PV:motor", units: "mm", precision: 3, object_name: "motor" },
        det: {
          dtype: "number",
          shape: [],
          source: "PV:det",
          dtype_numpy: "<f8",
          limits: { control: { low: 0, high: 10 }, display: null },
        },
        cam_image: { dtype: "array", shape: [480, 640], source: "PV:cam", external: "STREAM:" },
      },
      configuration: {
        motor: {
          data: { motor_velocity: 1 },
          timestamps: { motor_velocity: T },
          data_keys: { motor_velocity: { dtype: "number", shape: [], source: "PV:motor.VELO" } },
        },
      },
      hints: { motor: { fields: ["motor"] }, det: { fields: ["det"] } },
      object_keys: { motor: ["motor"], det: ["det"], cam: ["cam_image"] },
    },
    event: {
      uid: "ev-1",
      descriptor: "desc-1",
      seq_num: 1,
      time: T,
      data: { motor: 0.5, det: 12 },
      timestamps: { motor: T, det: T },
      filled: { cam_image: false },
    },
    event_page: {
      uid: ["ev-1", "ev-2"],
      descriptor: "desc-1",
      seq_num: [1, 2],
      time: [T, T + 1],
      data: { motor: [0.5, 1.0], det: [12, 13] },
      timestamps: { motor: [T, T + 1], det: [T, T + 1] },
      filled: {},
    },
    stop: { uid: "stop-1", run_start: "run-1", time: T + 10, exit_status: "success", reason: "", num_events: { primary: 5 } },
    resource: {
      uid: "res-1",
      spec: "AD_HDF5",
      root: "/data",
      resource_path: "2024/cam.h5",
      resource_kwargs: { frame_per_point: 1 },
      path_semantics: "posix",
      run_start: "run-1",
    },
    datum: { datum_id: "res-1/0", resource: "res-1", datum_kwargs: { point_number: 0 } },
    datum_page: { datum_id: ["res-1/0", "res-1/1"], resource: "res-1", datum_kwargs: { point_number: [0, 1] } },
    stream_resource: {
      uid: "sres-1",
      data_key: "cam_image",
      mimetype: "application/x-hdf5",
      uri: "file://localhost/data/cam.h5",
      parameters: { dataset: "/entry/data", chunk_shape: [1, 480, 640] },
      run_start: "run-1",
    },
    stream_datum: {
      uid: "sres-1/0",
      stream_resource: "sres-1",
      descriptor: "desc-1",
      indices: { start: 0, stop: 1 },
      seq_nums: { start: 1, stop: 2 },
    },
  };
}

/** Calls validateDocument and returns what it threw. */
function failure(name: DocumentName, doc: unknown): DocumentValidationError {
  try {
    validateDocument(name, doc);
  } catch (e) {
    expect(e).toBeInstanceOf(DocumentValidationError);
    return e as DocumentValidationError;
  }
  return expect.fail(`expected the ${name} document to be rejected`);
}

describe("validateDocument", () => {
  it.each(DOCUMENT_NAMES)("accepts a valid %s document", (name) => {
    const doc = validDocuments()[name];
    expect(() => validateDocument(name, doc)).not.toThrow();
    expect(isValidDocument(name, doc)).toBe(true);
    expect(documentProblems(name, doc)).toEqual([]);
  });

  it("accepts the minimal start document", () => {
    expect(isValidDocument("start", { uid: "u", time: T })).toBe(true);
  });

  it("rejects a start without uid and time, naming both", () => {
    const err = failure("start", { scan_id: 1 });
    expect(err.docName).toBe("start");
    expect(err.problems).toEqual(["/time: is required", "/uid: is required"]);
    expect(err.message).toBe("invalid start document: /time: is required; /uid: is required");
  });

  it("rejects start metadata whose keys contain a dot, at any depth", () => {
    const err = failure("start", { uid: "u", time: T, plan_args: { "motor.velocity": 1 } });
    expect(err.message).toBe(
      "invalid start document: /plan_args/motor.velocity: is not an allowed property (extra keys must match ^([^./]+)$)",
    );
  });

  it("rejects a non-integer scan_id with the value quoted", () => {
    const err = failure("start", { uid: "u", time: T, scan_id: "7" });
    expect(err.message).toBe('invalid start document: /scan_id: must be integer (got "7")');
  });

  it("rejects a descriptor data key with an unknown dtype, wrong units and half-given limits", () => {
    const doc = validDocuments().descriptor;
    doc.data_keys = {
      det: { dtype: "float", shape: [], source: "PV:det", units: 5, limits: { alarm: { low: 1 } } },
    };
    const err = failure("descriptor", doc);
    expect(err.problems).toEqual([
      '/data_keys/det/dtype: must be one of "string", "number", "array", "boolean", "integer" (got "float")',
      `/data_keys/det/limits/alarm: must have 'high' or be null (got {"low":1})`,
      "/data_keys/det/units: must be string or null (got 5)",
    ]);
  });

  it("rejects a descriptor data key without shape and source", () => {
    const doc = validDocuments().descriptor;
    doc.data_keys = { det: { dtype: "number" } };
    expect(failure("descriptor", doc).problems).toEqual([
      "/data_keys/det/shape: is required",
      "/data_keys/det/source: is required",
    ]);
  });

  it("rejects an event with a fractional seq_num, a missing timestamps and an unknown field", () => {
    const { timestamps: _, ...doc } = validDocuments().event;
    const err = failure("event", { ...doc, seq_num: 1.5, stream: "primary" });
    expect(err.problems).toEqual([
      "/timestamps: is required",
      "/seq_num: must be integer (got 1.5)",
      "/stream: is not an allowed property",
    ]);
  });

  it("rejects an event whose time is not finite", () => {
    const err = failure("event", { ...validDocuments().event, time: Number.NaN });
    expect(err.message).toBe("invalid event document: /time: must be number (got NaN)");
  });

  it("rejects an event_page whose columns are not arrays", () => {
    const err = failure("event_page", { ...validDocuments().event_page, data: { det: 12 }, seq_num: 1 });
    expect(err.problems).toEqual(["/data/det: must be array (got 12)", "/seq_num: must be array (got 1)"]);
  });

  it("rejects a stop with an unknown exit_status", () => {
    const err = failure("stop", { ...validDocuments().stop, exit_status: "ok" });
    expect(err.message).toBe(
      'invalid stop document: /exit_status: must be one of "success", "abort", "fail" (got "ok")',
    );
  });

  it("rejects a stop whose num_events counts are not integers", () => {
    const err = failure("stop", { ...validDocuments().stop, num_events: { primary: 2.5 } });
    expect(err.message).toBe("invalid stop document: /num_events/primary: must be integer (got 2.5)");
  });

  it("rejects a resource with windows-ish path_semantics and no spec", () => {
    const { spec: _, ...doc } = validDocuments().resource;
    const err = failure("resource", { ...doc, path_semantics: "nt" });
    expect(err.problems).toEqual(["/spec: is required", '/path_semantics: must be one of "posix", "windows" (got "nt")']);
  });

  it("rejects a datum with a uid instead of datum_id", () => {
    const { datum_id: id, ...doc } = validDocuments().datum;
    const err = failure("datum", { ...doc, uid: id });
    expect(err.problems).toEqual(["/datum_id: is required", "/uid: is not an allowed property"]);
  });

  it("rejects a datum_page with scalar kwargs", () => {
    const err = failure("datum_page", { ...validDocuments().datum_page, datum_kwargs: { point_number: 0 } });
    expect(err.message).toBe("invalid datum_page document: /datum_kwargs/point_number: must be array (got 0)");
  });

  it("rejects a stream_resource without mimetype", () => {
    const { mimetype: _, ...doc } = validDocuments().stream_resource;
    expect(failure("stream_resource", doc).message).toBe("invalid stream_resource document: /mimetype: is required");
  });

  it("rejects a stream_datum with a half-open range missing its stop", () => {
    const err = failure("stream_datum", { ...validDocuments().stream_datum, indices: { start: 0 } });
    expect(err.message).toBe("invalid stream_datum document: /indices/stop: is required");
  });

  it("rejects something that is not an object", () => {
    expect(failure("event", null).message).toBe("invalid event document: /: must be object (got null)");
    expect(isValidDocument("event", "event")).toBe(false);
  });

  it("rejects an unknown document name", () => {
    const err = failure("events" as DocumentName, {});
    expect(err.message).toBe(
      'invalid events document: "events" is not a document name (expected one of start, descriptor, event, ' +
        "event_page, stop, resource, datum, datum_page, stream_resource, stream_datum)",
    );
    expect(isValidDocument("events" as DocumentName, {})).toBe(false);
  });

  it("validates an event in well under 10 µs", () => {
    const events = Array.from({ length: 20_000 }, (_, i) => ({
      uid: `ev-${i}`,
      descriptor: "desc-1",
      seq_num: i + 1,
      time: T + i,
      data: { motor: i, det: 2 * i },
      timestamps: { motor: T + i, det: T + i },
    }));
    validateDocument("event", events[0]);
    const t0 = performance.now();
    for (const ev of events) validateDocument("event", ev);
    const perEventUs = ((performance.now() - t0) * 1000) / events.length;
    // Measured about 0.3 µs; the bound is loose because CI shares two cores.
    expect(perEventUs).toBeLessThan(10);
  });
});

describe("bundled schemas", () => {
  const bundled = new URL("./schemas/", import.meta.url);
  const reference = new URL("../../../shared/event-model-schemas/", import.meta.url);
  const haveReference = existsSync(reference);

  it.skipIf(!haveReference)(
    "are byte-identical to ../shared/event-model-schemas (skipped when that folder is absent)",
    () => {
      const referenceFiles = readdirSync(reference).filter((f) => f.endsWith(".json") || f === "LICENSE");
      expect(referenceFiles.length).toBe(DOCUMENT_NAMES.length + 1);
      expect(readdirSync(bundled).sort()).toEqual(referenceFiles.sort());
      for (const file of referenceFiles) {
        expect(readFileSync(new URL(file, bundled)).equals(readFileSync(new URL(file, reference))), file).toBe(true);
      }
    },
  );
});
