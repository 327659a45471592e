/**
 * A `--fault` whose target the simulators do not have: one sentence naming the fault and the closest names the
 * profile's own simulators do have, instead of each simulator's refusal in turn.
 */
import { InvalidArgumentError } from "../engine/errors.ts";
import type { InstrumentProfile } from "../devices/profile.ts";
import { buildSimulators } from "../sims/instrument.ts";
import { type FaultSpec, FaultKind } from "../sims/pvs/faults.ts";

/** How many close names a refusal offers. */
export const MAX_FAULT_SUGGESTIONS = 3;

/** A fault names a motor, PV or BPM that none of the profile's simulators has. */
export class FaultTargetError extends InvalidArgumentError {
  constructor(
    readonly fault: FaultSpec,
    readonly suggestions: readonly string[],
    message: string,
  ) {
    super(message, fault);
    this.name = "FaultTargetError";
  }
}

/** The fault as the command line writes it: `kind:target[=value]`. */
export function formatFault(fault: FaultSpec): string {
  switch (fault.kind) {
    case FaultKind.stuckMotor:
      return `${fault.kind}:${fault.motor}`;
    case FaultKind.deadPv:
      return `${fault.kind}:${fault.pv}`;
    case FaultKind.readbackOffset:
      return `${fault.kind}:${fault.motor}=${fault.offset}`;
    case FaultKind.noisyBpm:
      return `${fault.kind}:${fault.bpm}=${fault.sigmaMm}`;
  }
}

/** What the fault's target must name, and the names of that sort among the simulators' PVs. */
export function faultCandidates(fault: FaultSpec, pvNames: readonly string[]): { target: string; what: string; names: string[] } {
  switch (fault.kind) {
    case FaultKind.stuckMotor:
    case FaultKind.readbackOffset:
      // A motor record is known by the prefix of its fields.
      return { target: fault.motor, what: "motor record", names: unique(pvNames.filter((n) => n.endsWith(".RBV")).map((n) => n.slice(0, -4))) };
    case FaultKind.deadPv:
      return { target: fault.pv.replace(/\*$/, ""), what: "PV", names: [...pvNames] };
    case FaultKind.noisyBpm:
      return { target: fault.bpm, what: "BPM", names: unique(pvNames.flatMap((n) => n.split(":").filter((part) => /^bpm\w*\d/i.test(part)))) };
  }
}

function unique(names: readonly string[]): string[] {
  return [...new Set(names)];
}

/** Up to `max` names within a few edits of `target`, closest first. */
export function closestNames(target: string, names: readonly string[], max = MAX_FAULT_SUGGESTIONS): string[] {
  const limit = Math.max(3, Math.floor(target.length / 3));
  return names
    .map((n) => [n, editDistance(n.toUpperCase(), target.toUpperCase())] as const)
    .filter(([, d]) => d <= limit)
    .sort((a, b) => a[1] - b[1] || a[0].localeCompare(b[0]))
    .slice(0, max)
    .map(([n]) => n);
}

/** A few names, those sharing the most of the target's beginning first (its prefix is usually right). */
function examples(target: string, names: readonly string[]): string[] {
  const shared = (n: string) => {
    let i = 0;
    while (i < n.length && i < target.length && n[i]!.toUpperCase() === target[i]!.toUpperCase()) i++;
    return i;
  };
  return [...names].sort((a, b) => shared(b) - shared(a)).slice(0, MAX_FAULT_SUGGESTIONS);
}

function orList(names: readonly string[]): string {
  return names.length <= 1 ? names.join("") : `${names.slice(0, -1).join(", ")} or ${names.at(-1)}`;
}

/** The refusal of `fault` on an instrument whose simulators serve `pvNames`. */
export function unmatchedFault(fault: FaultSpec, instrument: string, pvNames: readonly string[]): FaultTargetError {
  const { target, what, names } = faultCandidates(fault, pvNames);
  const close = closestNames(target, names);
  const where = `the simulated ${instrument}`;
  const hint =
    close.length > 0
      ? `; did you mean ${orList(close)}?`
      : names.length > 0
        ? ` (it has ${names.length} ${what}${names.length === 1 ? "" : "s"}, e.g. ${examples(target, names).join(", ")})`
        : ` (it has no ${what}s)`;
  return new FaultTargetError(fault, close, `--fault ${formatFault(fault)}: no ${what} ${JSON.stringify(target)} in ${where}${hint}`);
}

/**
 * When `err` is a simulator's refusal of one of `faults`, the same refusal as one clear sentence with close
 * names from this profile's simulators; otherwise `err` as it was.
 */
export function explainFaultError(err: unknown, profile: InstrumentProfile, faults: readonly FaultSpec[], pvPrefix = ""): unknown {
  if (!(err instanceof InvalidArgumentError) || err instanceof FaultTargetError) return err;
  const fault = faults.find((f) => f === err.value);
  if (!fault) return err;
  const { tables } = buildSimulators(profile, { pvPrefix });
  try {
    return unmatchedFault(fault, profile.instrument, tables.flatMap((t) => t.names));
  } finally {
    for (const t of tables) t.dispose();
  }
}

function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = prev[j]!;
      prev[j] = Math.min(above + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = above;
    }
  }
  return prev[b.length]!;
}
