import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readJsonl } from "../../engine/callbacks/jsonl.ts";
import { edgePosition, energyFlyscan, focusScan, ormRing, parabolaVertex, xafsCu } from "./index.ts";

const out = mkdtempSync(join(tmpdir(), "skyloop-examples-"));
afterAll(() => rmSync(out, { recursive: true, force: true }));
const quiet = { out, quick: true, log: () => {} };

function checkFiles(result: { documents: readonly string[]; plots: readonly string[] }): void {
  expect(result.documents.length).toBeGreaterThan(0);
  for (const f of result.documents) {
    const docs = readJsonl(f, { validate: true });
    expect(docs[0]![0]).toBe("start");
    expect(docs[docs.length - 1]![0]).toBe("stop");
  }
  for (const p of result.plots) expect(readFileSync(p, "utf8")).toMatch(/^<svg /);
}

describe("scientist examples (quick mode, same code)", () => {
  it("focus scan: the smallest spot, and the σ² parabola, sit at the best focus near −1150 µm", async () => {
    const r = await focusScan(quiet);
    checkFiles(r);
    expect(r.summary.points).toBe(6);
    expect(Math.abs((r.summary.best_focus as number) + 1150)).toBeLessThanOrEqual(10);
    expect(Math.abs((r.summary.best_focus_fit as number) + 1150)).toBeLessThan(3);
  }, 30_000);

  it("energy flyscan: samples cover 370–470 eV about every 0.1 s, in increasing energy", async () => {
    const r = await energyFlyscan(quiet);
    checkFiles(r);
    expect(r.summary.first_energy as number).toBeLessThan(372);
    expect(r.summary.last_energy).toBeCloseTo(470, 6);
    expect(r.summary.samples as number).toBeGreaterThanOrEqual(15);
    expect(r.summary.mean_interval_s as number).toBeGreaterThan(0.09);
    expect(r.summary.mean_interval_s as number).toBeLessThan(0.14);
    const events = readJsonl(r.documents[0]!).filter(([n]) => n === "event").map(([, d]) => d as { data: Record<string, number> });
    const energies = events.map((e) => e.data.pgm!);
    expect([...energies].sort((a, b) => a - b)).toEqual(energies);
  }, 30_000);

  it("XAFS of Cu: μ(E) jumps by about the edge step, with the edge near 8979 eV", async () => {
    const r = await xafsCu(quiet);
    checkFiles(r);
    expect(r.summary.points as number).toBeGreaterThan(80);
    // the DCM's backlash makes the read-back energy run ≈1.4 eV ahead of the true one on an upward scan
    expect(Math.abs((r.summary.edge_ev as number) - 8979)).toBeLessThan(3);
    expect(r.summary.edge_jump as number).toBeGreaterThan(0.8);
    expect(r.summary.edge_jump as number).toBeLessThan(1.2);
  }, 30_000);

  it("ORM: the measured matrix differs from the model by the mismatch setting, and from the machine by noise only", async () => {
    const r = await ormRing(quiet);
    checkFiles(r);
    expect([r.summary.rows, r.summary.columns]).toEqual([24, 12]);
    expect(Math.abs((r.summary.relative_difference_vs_model as number) - 0.05)).toBeLessThan(0.015);
    expect(r.summary.relative_difference_vs_machine as number).toBeLessThan(0.02);
    expect(existsSync(join(out, "orm-ring", "orm-ring.json"))).toBe(true);
  }, 30_000);
});

describe("example analysis helpers", () => {
  it("parabolaVertex finds the vertex of a sampled parabola, and nothing for one opening downward", () => {
    const x = [-1170, -1160, -1150, -1140, -1130];
    expect(parabolaVertex(x, x.map((v) => 2 + 0.01 * (v + 1147.5) ** 2))).toBeCloseTo(-1147.5, 8);
    expect(parabolaVertex(x, x.map((v) => -((v + 1150) ** 2)))).toBeUndefined();
  });

  it("edgePosition finds the steepest rise within the window", () => {
    const e = Array.from({ length: 101 }, (_, i) => 8950 + i * 0.5);
    const mu = e.map((v) => Math.atan((v - 8981) / 1.5));
    expect(edgePosition(e, mu, 8979)).toBe(8981);
    expect(edgePosition(e, mu, 8900)).toBeUndefined();
  });
});
