/** JUnit XML for CI systems: one test suite per device, one test case per check. */
import type { HwtestReport } from "../result.ts";

function escape(text: string): string {
  return text
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, "")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;");
}

const seconds = (ms: number) => (ms / 1000).toFixed(3);

export function formatJunit(report: HwtestReport): string {
  const devices = [...new Set(report.results.map((r) => r.device))];
  const lines = [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<testsuites name="${escape(`skyloop hwtest ${report.instrument} (${report.target})`)}" tests="${report.results.length}" failures="${report.failed}" skipped="${report.skipped}" time="${seconds(report.durationMs)}" timestamp="${report.startedAt}">`,
  ];
  for (const device of devices) {
    const rows = report.results.filter((r) => r.device === device);
    const failed = rows.filter((r) => r.outcome === "fail").length;
    const skipped = rows.filter((r) => r.outcome === "skip").length;
    const time = rows.reduce((a, r) => a + r.durationMs, 0);
    lines.push(`  <testsuite name="${escape(device)}" tests="${rows.length}" failures="${failed}" errors="0" skipped="${skipped}" time="${seconds(time)}">`);
    for (const r of rows) {
      const open = `    <testcase classname="${escape(`${report.instrument}.${device}`)}" name="${escape(r.check)}" time="${seconds(r.durationMs)}"`;
      if (r.outcome === "pass") lines.push(`${open}/>`);
      else if (r.outcome === "skip") lines.push(`${open}>`, `      <skipped message="${escape(r.message)}"/>`, `    </testcase>`);
      else lines.push(`${open}>`, `      <failure message="${escape(r.message)}" type="CheckFailed">${escape(r.message)}</failure>`, `    </testcase>`);
    }
    lines.push(`  </testsuite>`);
  }
  lines.push(`</testsuites>`, "");
  return lines.join("\n");
}
