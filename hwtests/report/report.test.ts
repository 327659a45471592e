import { describe, expect, it } from "vitest";
import type { HwtestReport } from "../result.ts";
import { summarize } from "../result.ts";
import { formatJson } from "./json.ts";
import { formatJunit } from "./junit.ts";
import { formatTable } from "./table.ts";

const results = [
  { device: "mono", check: "connects", outcome: "pass", durationMs: 3, message: "", tags: ["connection"], moves: false, spec: "builtin:connection" },
  { device: "mono", check: "readback arrives within tolerance", outcome: "fail", durationMs: 2012.4, message: 'mono readback (eV): expected 9001 ± 0.02, saw 9000 <"stuck"> & co', tags: ["movable"], moves: true, spec: "builtin:protocols/movable" },
  { device: "cam", check: "stats follow the beam", outcome: "skip", durationMs: 0, message: "no steering axis", tags: ["camera"], moves: true, spec: "builtin:families/camera" },
] as const;
const report: HwtestReport = {
  instrument: "sim-beamline",
  target: "sim",
  dryRun: false,
  interrupted: false,
  startedAt: "2026-01-01T00:00:00.000Z",
  durationMs: 2100,
  results,
  ...summarize(results),
};

describe("reports", () => {
  it("JUnit: a suite per device, a case per check, failures and skips with escaped messages", () => {
    const xml = formatJunit(report);
    expect(xml).toContain('<testsuites name="skyloop hwtest sim-beamline (sim)" tests="3" failures="1" skipped="1" time="2.100" timestamp="2026-01-01T00:00:00.000Z">');
    expect(xml).toContain('<testsuite name="mono" tests="2" failures="1" errors="0" skipped="0" time="2.015">');
    expect(xml).toContain(
      '<failure message="mono readback (eV): expected 9001 ± 0.02, saw 9000 &lt;&quot;stuck&quot;&gt; &amp; co" type="CheckFailed">',
    );
    expect(xml).toContain('<testcase classname="sim-beamline.cam" name="stats follow the beam" time="0.000">\n      <skipped message="no steering axis"/>');
  });

  it("JSON: totals and each failure with device, check and message, on one line", () => {
    const line = formatJson(report);
    expect(line).not.toContain("\n");
    expect(JSON.parse(line)).toEqual({
      instrument: "sim-beamline",
      target: "sim",
      dryRun: false,
      interrupted: false,
      durationMs: 2100,
      passed: 1,
      failed: 1,
      skipped: 1,
      failures: [{ device: "mono", check: "readback arrives within tolerance", message: 'mono readback (eV): expected 9001 ± 0.02, saw 9000 <"stuck"> & co' }],
    });
  });

  it("table: one line per device and check, then the totals", () => {
    const lines = formatTable(report).split("\n");
    expect(lines[2]).toBe("mono    connects                           pass      3 ms");
    expect(lines[3]).toMatch(/^mono    readback arrives within tolerance  FAIL   2012 ms  mono readback/);
    expect(lines.at(-1)).toBe("sim-beamline on sim: 1 passed, 1 failed, 1 skipped; 2 devices, 3 checks in 2100 ms");
  });
});
