/** The one-line JSON summary `--json` prints last: totals and every failure with device, check and message. */
import type { HwtestReport } from "../result.ts";

export interface HwtestSummary {
  readonly instrument: string;
  readonly target: string;
  readonly dryRun: boolean;
  readonly interrupted: boolean;
  readonly durationMs: number;
  readonly passed: number;
  readonly failed: number;
  readonly skipped: number;
  readonly failures: readonly { device: string; check: string; message: string }[];
}

export function summaryOf(report: HwtestReport): HwtestSummary {
  return {
    instrument: report.instrument,
    target: report.target,
    dryRun: report.dryRun,
    interrupted: report.interrupted,
    durationMs: Math.round(report.durationMs),
    passed: report.passed,
    failed: report.failed,
    skipped: report.skipped,
    failures: report.failures.map((f) => ({ device: f.device, check: f.check, message: f.message })),
  };
}

export function formatJson(report: HwtestReport): string {
  return JSON.stringify(summaryOf(report));
}
