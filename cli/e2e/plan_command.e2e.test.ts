/** `skyloop plan run` as a user runs it: a real process, the demo instrument, the --json summary. */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readJsonl } from "../../engine/callbacks/index.ts";
import { DocumentChecker, REPO_ROOT } from "./documents.ts";
import { REFERENCE, tempDir } from "./instrument.ts";

/** Where the demo instrument puts det1's peak (cli/demo_instrument.ts). */
const DEMO_DET1_CENTER = 0.7;

describe("skyloop plan run --json", () => {
  it("scans the simulated instrument and reports PeakStats cen near the peak centre", () => {
    const dir = tempDir("cli");
    const r = spawnSync(
      process.execPath,
      [join(REPO_ROOT, "bin/skyloop.mjs"), "plan", "run", "scan", "det1", "motor1", "-3", "3", "41", "--json", "--no-table", "--no-plot",
        "--velocity", "inf", "-o", join(dir, "data"), "--metadata-file", join(dir, "md.json")],
      { cwd: dir, encoding: "utf8", timeout: 30_000 },
    );
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split("\n");
    const summary = JSON.parse(lines.at(-1)!);
    expect(summary).toMatchObject({ plan: "scan", exit_status: "success" });
    expect(summary.uids).toHaveLength(1);
    const stats = summary.peak_stats.det1;
    expect(Math.abs(stats.cen - DEMO_DET1_CENTER)).toBeLessThan(0.1);
    expect(Math.abs(stats.max[0] - DEMO_DET1_CENTER)).toBeLessThan(0.3);
    expect(stats.fwhm).toBeGreaterThan(1.5);
    expect(stats.fwhm).toBeLessThan(2.3);
    expect(lines.some((l) => l.startsWith("PeakStats det1: cen="))).toBe(true);
    // The JSON-lines file it wrote holds a valid run.
    const docs = new DocumentChecker("validators" in REFERENCE ? REFERENCE.validators : undefined);
    for (const [name, doc] of readJsonl(summary.files[0])) docs.callback(name, doc);
    expect(docs.finish()).toEqual([]);
    expect(docs.events).toHaveLength(41);
    expect(docs.starts[0]).toMatchObject({ plan_name: "scan", scan_id: 1 });
  });
});
