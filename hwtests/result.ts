/** What a run of the suite found: one result per device and check, and the totals. */
import type { Target } from "./spec.ts";

export const Outcome = { pass: "pass", fail: "fail", skip: "skip" } as const;
export type Outcome = (typeof Outcome)[keyof typeof Outcome];

export interface CheckResult {
  /** The device or part checked (`mirror`, `mirror-pitch`). */
  readonly device: string;
  /** The profile device it is or belongs to (`mirror` for `mirror-pitch`). */
  readonly profileDevice: string;
  readonly check: string;
  readonly outcome: Outcome;
  readonly durationMs: number;
  /** Why it failed or was skipped; for a pass, the check's last note (may be empty). */
  readonly message: string;
  readonly tags: readonly string[];
  /** Whether the check moves devices. */
  readonly moves: boolean;
  /** The spec module it came from. */
  readonly spec: string;
}

export interface Failure {
  readonly device: string;
  readonly check: string;
  readonly message: string;
}

export interface HwtestReport {
  readonly instrument: string;
  readonly target: Target;
  readonly dryRun: boolean;
  /** Ctrl-C (or `interrupt()`) ended the run early. */
  readonly interrupted: boolean;
  /** ISO time the run started. */
  readonly startedAt: string;
  readonly durationMs: number;
  readonly results: readonly CheckResult[];
  readonly passed: number;
  readonly failed: number;
  readonly skipped: number;
  readonly failures: readonly Failure[];
}

/** The totals of a list of results. */
export function summarize(results: readonly CheckResult[]): Pick<HwtestReport, "passed" | "failed" | "skipped" | "failures"> {
  return {
    passed: results.filter((r) => r.outcome === "pass").length,
    failed: results.filter((r) => r.outcome === "fail").length,
    skipped: results.filter((r) => r.outcome === "skip").length,
    failures: results.filter((r) => r.outcome === "fail").map((r) => ({ device: r.device, check: r.check, message: r.message })),
  };
}

/** The spec of the results the final put-back adds when a device could not be saved or put back. */
export const RESTORE_SPEC = "builtin:restore";

/**
 * What a run covers, as its heading announces it and its totals repeat it: the profile's devices, those and
 * their parts (each part is tested under its own name), and every check, the per-device connection checks
 * included. Put-back problems are not checks: they are counted apart.
 */
export interface RunCounts {
  readonly devices: number;
  readonly withParts: number;
  readonly checks: number;
}

/** The counts of a finished run, by the same definitions as the runner's plan. */
export function countResults(results: readonly CheckResult[]): RunCounts & { readonly restoreProblems: number } {
  const checks = results.filter((r) => r.spec !== RESTORE_SPEC);
  return {
    devices: new Set(checks.map((r) => r.profileDevice)).size,
    withParts: new Set(checks.map((r) => r.device)).size,
    checks: checks.length,
    restoreProblems: results.length - checks.length,
  };
}
