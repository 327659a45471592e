import { describe, expect, it } from "vitest";
import { composeDescriptor, composeEvent, composeResource } from "../documents/compose.ts";
import { sampleRun } from "../documents/sample-run.ts";
import type { NamedDocument, RunStart } from "../documents/types.ts";
import { InvalidArgumentError } from "../errors.ts";
import { DocumentCollector } from "./collector.ts";

function run(scanId: number, asPage = false): NamedDocument[] {
  return sampleRun({
    motor: { name: "motor", value: (i) => i },
    detectors: [{ name: "det", value: (i) => 10 * i }],
    points: 3,
    scanId,
    asPage,
  });
}

describe("DocumentCollector", () => {
  it("groups documents by run with start, descriptors, events, columns and stop", () => {
    const collector = new DocumentCollector();
    const first = run(1);
    const second = run(2, true);
    for (const [name, doc] of [...first, ...second]) collector.callback(name, doc);

    expect(collector.runs.map((r) => r.start.scan_id)).toEqual([1, 2]);
    expect(collector.documents).toEqual([...first, ...second]);
    const r1 = collector.run((first[0]![1] as RunStart).uid);
    expect(r1.documents).toEqual(first);
    expect(r1.descriptors).toHaveLength(1);
    expect(r1.streams).toEqual(["primary"]);
    expect(r1.events().map((e) => e.seq_num)).toEqual([1, 2, 3]);
    expect(r1.column("det")).toEqual([0, 10, 20]);
    expect(r1.stop?.exit_status).toBe("success");

    // The latest run, whose events came as a page, reads the same way.
    const r2 = collector.run();
    expect(r2.start.scan_id).toBe(2);
    expect(r2.byName("event_page")).toHaveLength(1);
    expect(r2.column("motor")).toEqual([0, 1, 2]);
    expect(collector.byName("stop")).toHaveLength(2);
  });

  it("separates streams and follows resources and datums to their run", () => {
    const collector = new DocumentCollector();
    const docs = run(1);
    const start = docs[0]![1] as RunStart;
    const baseline = composeDescriptor({
      runStart: start,
      name: "baseline",
      dataKeys: { ring: { dtype: "number", shape: [], source: "sim:ring" } },
    });
    const resource = composeResource({ spec: "AD_HDF5", root: "/", resourcePath: "a.h5" });
    const extra: NamedDocument[] = [
      ["descriptor", baseline],
      ["event", composeEvent({ descriptor: baseline, seqNum: 1, data: { ring: 400 } })],
      ["resource", resource],
      ["datum", { datum_id: `${resource.uid}/0`, resource: resource.uid, datum_kwargs: {} }],
    ];
    for (const [name, doc] of [...docs.slice(0, -1), ...extra, docs.at(-1)!]) collector.callback(name, doc);
    const r = collector.run();
    expect(r.streams).toEqual(["primary", "baseline"]);
    expect(r.column("ring", "baseline")).toEqual([400]);
    expect(r.events()).toHaveLength(3);
    expect(r.byName("datum")).toHaveLength(1);
    expect(r.documents).toHaveLength(docs.length + extra.length);
  });

  it("names the missing run", () => {
    const collector = new DocumentCollector();
    expect(() => collector.run()).toThrow(InvalidArgumentError);
    expect(() => collector.run()).toThrow("no run has been collected yet");
    for (const [name, doc] of run(1)) collector.callback(name, doc);
    expect(() => collector.run("nope")).toThrow("no run with start uid 'nope' has been collected");
    collector.clear();
    expect(collector.runs).toEqual([]);
    expect(collector.documents).toEqual([]);
  });
});
