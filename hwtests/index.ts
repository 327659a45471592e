/** The hardware conformance suite: spec API, registry, runner, reports, targets and the hwtest command. */
export { CheckFailedError, CheckSkippedError, NotConfirmedError, show, SpecLoadError } from "./errors.ts";
export { type Expectation, expect, fail } from "./expect.ts";
export {
  type CheckContext,
  type CheckFn,
  type CheckOptions,
  type CollectedCheck,
  type DescribeContext,
  type DescribeOptions,
  type DeviceInfo,
  type HwtestApi,
  type MoveOptions,
  type Rehearsal,
  Scope,
  type Selector,
  type SpecModule,
  SpecRegistry,
  type Subject,
  Target,
  type WaitOptions,
} from "./spec.ts";
export { classChain, isMovableDevice, subjectsOf } from "./subjects.ts";
export { registerRestorer, type Restorer, type RestoreProblem, RestoreLedger, restorerFor, type Saved } from "./restore.ts";
export { countSignals, describeMissing, type MissingPv, missingPvs, pvsOf } from "./connection.ts";
export { lookupParam, parseParams } from "./params.ts";
export { type CheckResult, countResults, type Failure, type HwtestReport, Outcome, RESTORE_SPEC, type RunCounts, summarize } from "./result.ts";
export {
  CONNECT_CHECK,
  DEFAULT_TIMEOUTS,
  HwtestRun,
  type HwtestRunOptions,
  type PlannedMove,
  plannedCounts,
  type ProgressEvent,
  RESTORE_CHECK,
  runHwtests,
  select,
} from "./runner.ts";
export { InterruptedError } from "./context.ts";
export { buildRegistry, loadSpecFile, specFiles } from "./loader.ts";
export { type OpenedTarget, openTarget, type OpenTargetOptions, simulatorRehearsal } from "./targets.ts";
export { closestNames, explainFaultError, faultCandidates, FaultTargetError, formatFault, MAX_FAULT_SUGGESTIONS, unmatchedFault } from "./fault_names.ts";
export {
  type Column,
  formatColumns,
  formatCounts,
  formatDuration,
  formatJson,
  formatJunit,
  formatLine,
  formatTable,
  type HwtestSummary,
  summaryOf,
  type TableOptions,
  visibleLength,
} from "./report/index.ts";
export { HwtestExit, hwtestCommand, type HwtestCommandOptions } from "./command.ts";
export { BUILTIN_SPECS } from "./specs/index.ts";
