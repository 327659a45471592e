import { describe, expect, it } from "vitest";
import type { HwtestReport } from "../result.ts";
import { summarize } from "../result.ts";
import { formatJson } from "./json.ts";
import { formatJunit } from "./junit.ts";
import { formatColumns, formatCounts, formatTable, visibleLength } from "./table.ts";

const results = [
  { device: "mono", profileDevice: "mono", check: "connects", outcome: "pass", durationMs: 3, message: "", tags: ["connection"], moves: false, spec: "builtin:connection" },
  { device: "mono", profileDevice: "mono", check: "readback arrives within tolerance", outcome: "fail", durationMs: 2012.4, message: 'mono readback (eV): expected 9001 ± 0.02, saw 9000 <"stuck"> & co', tags: ["movable"], moves: true, spec: "builtin:protocols/movable" },
  { device: "cam", profileDevice: "cam", check: "stats follow the beam", outcome: "skip", durationMs: 0, message: "no steering axis", tags: ["camera"], moves: true, spec: "builtin:families/camera" },
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

  it("table: headers over their columns, one line per device and check, then the totals", () => {
    const lines = formatTable(report).split("\n");
    expect(lines.slice(0, 4)).toEqual([
      "device  check                              result     time  message",
      "-".repeat(67),
      "mono    connects                           pass       3 ms",
      'mono    readback arrives within tolerance  FAIL    2012 ms  mono readback (eV): expected 9001 ± 0.02, saw 9000 <"stuck"> & co',
    ]);
    expect(lines.at(-1)).toBe("sim-beamline on sim: 1 passed, 1 failed, 1 skipped; 2 devices, 3 checks in 2100 ms");
  });

  it("table: colour codes take no width, so coloured rows line up with the headers as plain ones do", () => {
    const plain = formatTable(report).split("\n");
    const coloured = formatTable(report, { colour: true }).split("\n");
    expect(coloured[3]).toContain("\x1b[31mFAIL\x1b[0m");
    expect(coloured.map((l) => l.replace(/\x1b\[[0-9;]*m/g, ""))).toEqual(plain);
    const timeEnd = plain[0]!.indexOf("time") + 4;
    for (const line of coloured.slice(2, 5)) expect(line.replace(/\x1b\[[0-9;]*m/g, "").indexOf(" ms") + 3).toBe(timeEnd);
  });

  it("table: totals count profile devices, those with their parts, and checks; put-back problems apart", () => {
    const row = (device: string, profileDevice: string, check: string, spec = "builtin:protocols/movable") =>
      ({ device, profileDevice, check, outcome: "pass", durationMs: 1, message: "", tags: [], moves: false, spec }) as const;
    const rows = [
      row("mirror", "mirror", "connects", "builtin:connection"),
      row("slits", "slits", "connects", "builtin:connection"),
      row("mirror-pitch", "mirror", "stops"),
      row("mirror-x", "mirror", "stops"),
      row("slits-top", "slits", "stops"),
      { ...row("mirror", "mirror", "put back as found", "builtin:restore"), outcome: "fail", message: "not back" } as const,
    ];
    const last = formatTable({ ...report, results: rows, ...summarize(rows) }).split("\n").at(-1);
    expect(last).toBe(
      "sim-beamline on sim: 5 passed, 1 failed, 0 skipped; 2 devices (5 with their parts), 5 checks, 1 problem putting devices back in 2100 ms",
    );
  });

  it("counts read the same in heading and totals, in the singular too", () => {
    expect(formatCounts({ devices: 12, withParts: 23, checks: 140 })).toBe("12 devices (23 with their parts), 140 checks");
    expect(formatCounts({ devices: 1, withParts: 4, checks: 1 })).toBe("1 device (4 with its parts), 1 check");
    expect(formatCounts({ devices: 3, withParts: 3, checks: 9 })).toBe("3 devices, 9 checks");
  });

  it("columns: each as wide as its widest cell or header, a right-aligned column padded on the left", () => {
    const lines = formatColumns([{ header: "name" }, { header: "n", align: "right" }, { header: "note" }], [
      ["a", "100", "x"],
      ["\x1b[31mlonger\x1b[0m", "2", ""],
    ]);
    expect(lines).toEqual(["name      n  note", "-".repeat(17), "a       100  x", "\x1b[31mlonger\x1b[0m    2"]);
    expect(visibleLength(lines[3]!)).toBe(11);
  });
});
