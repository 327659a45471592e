/** The terminal report: one line per device and check, then the totals. */
import type { CheckResult, HwtestReport } from "../result.ts";

const LABEL = { pass: "pass", fail: "FAIL", skip: "skip" } as const;

export function formatDuration(ms: number): string {
  if (ms < 1) return "<1 ms";
  if (ms < 10_000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(1)} s`;
}

/** One result as a table line (also used for progress). */
export function formatLine(r: CheckResult, widths: { device: number; check: number }): string {
  return `${r.device.padEnd(widths.device)}  ${r.check.padEnd(widths.check)}  ${LABEL[r.outcome]}  ${formatDuration(r.durationMs).padStart(8)}  ${r.message}`.trimEnd();
}

export function formatTable(report: HwtestReport): string {
  const rows = report.results;
  const widths = {
    device: Math.max(6, ...rows.map((r) => r.device.length)),
    check: Math.max(5, ...rows.map((r) => r.check.length)),
  };
  const head = `${"device".padEnd(widths.device)}  ${"check".padEnd(widths.check)}  ${"    "}  ${"time".padStart(8)}  message`;
  const lines = [head, "-".repeat(head.length), ...rows.map((r) => formatLine(r, widths))];
  const devices = new Set(rows.map((r) => r.device)).size;
  lines.push(
    "",
    `${report.instrument} on ${report.target}${report.dryRun ? " (dry run)" : ""}${report.interrupted ? " (interrupted)" : ""}: ` +
      `${report.passed} passed, ${report.failed} failed, ${report.skipped} skipped; ${devices} devices, ${rows.length} checks in ${formatDuration(report.durationMs)}`,
  );
  return lines.join("\n");
}
