import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { sampleRun } from "../documents/sample-run.ts";
import type { NamedDocument, RunStart } from "../documents/types.ts";
import { SvgPlot } from "./svg-plot.ts";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "skyloop-svg-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function run(points = 5): NamedDocument[] {
  return sampleRun({
    motor: { name: "motor", value: (i) => i - 2 },
    detectors: [
      { name: "det", value: (_i, x) => 100 * Math.exp(-x * x) },
      { name: "i0", value: () => 50 },
    ],
    points,
    scanId: 12,
    planName: "rel_scan",
  });
}

function feed(plot: SvgPlot, docs: NamedDocument[]): void {
  for (const [name, doc] of docs) plot.callback(name, doc);
}

describe("SvgPlot", () => {
  it("writes hinted detectors against the scanned motor when the run stops", () => {
    const written: string[] = [];
    const plot = new SvgPlot({ directory: join(dir, "plots"), onWritten: (p) => written.push(p) });
    const docs = run();
    const uid = (docs[0]![1] as RunStart).uid;
    feed(plot, docs.slice(0, -1));
    expect(plot.files).toEqual([]);
    feed(plot, docs.slice(-1));
    const path = join(dir, "plots", `12-${uid.slice(0, 8)}.svg`);
    expect(plot.files).toEqual([path]);
    expect(written).toEqual([path]);
    const svg = readFileSync(path, "utf8");
    expect(svg).toContain(`>rel_scan · scan 12 · ${uid.slice(0, 8)}</text>`);
    expect(svg).toContain(">motor</text>"); // x label
    expect(svg).toContain(">det</text>"); // legend
    expect(svg).toContain(">i0</text>");
    expect(svg.match(/<path d=/g)).toHaveLength(2);
    for (const tick of ["-2", "-1", "0", "1", "2"]) expect(svg).toContain(`>${tick}</text>`);
  });

  it("plots the chosen fields and labels a single y with its name", () => {
    const plot = new SvgPlot({ directory: dir, x: "motor", y: ["i0"], fileName: () => "i0.svg" });
    feed(plot, run());
    const svg = readFileSync(join(dir, "i0.svg"), "utf8");
    expect(svg.match(/<path d=/g)).toHaveLength(1);
    expect(svg).toMatch(/rotate\(-90\)[^>]*>i0<\/text>/);
  });

  it("falls back to seq_num on x when the run names no dimension", () => {
    const docs = run(3);
    (docs[0]![1] as RunStart).hints = {};
    const plot = new SvgPlot({ directory: dir, fileName: () => "p.svg" });
    feed(plot, docs);
    const svg = readFileSync(join(dir, "p.svg"), "utf8");
    expect(svg).toContain(">seq_num</text>");
    // motor becomes a y series too, since it is a hinted numeric field.
    expect(svg.match(/<path d=/g)).toHaveLength(3);
  });

  it("writes a 'no data' plot for a run without events", () => {
    const plot = new SvgPlot({ directory: dir, fileName: () => "empty.svg" });
    feed(plot, run(0));
    expect(readFileSync(join(dir, "empty.svg"), "utf8")).toContain(">no data</text>");
  });
});
