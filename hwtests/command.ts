/**
 * `skyloop hwtest`: the conformance suite against an instrument profile's devices, on the in-process simulator
 * (`sim`), on a soft IOC over Channel Access (`ioc`) or on the real PVs (`ca`). Prints progress while it runs,
 * a table of every device and check, optionally JUnit XML and a last-line JSON summary; asks before moving
 * real devices; on Ctrl-C stops, puts every device back as it was found, and exits.
 */
import { writeFile } from "node:fs/promises";
import { createInterface } from "node:readline/promises";
import { InvalidArgumentError } from "../engine/errors.ts";
import { loadProfile } from "../devices/profile.ts";
import { buildRegistry } from "./loader.ts";
import { parseParams } from "./params.ts";
import { formatCounts, formatJson, formatJunit, formatLine, formatTable } from "./report/index.ts";
import type { HwtestReport } from "./result.ts";
import { HwtestRun, type PlannedMove, type ProgressEvent } from "./runner.ts";
import { Target } from "./spec.ts";
import { openTarget } from "./targets.ts";

export interface HwtestCommandOptions {
  /** The instrument profile (YAML). */
  profile: string;
  /** sim, ioc or ca. @default "sim" */
  target?: string;
  /** Device names, class names or tags (comma-separated or repeated). @default [] */
  only?: readonly string[];
  /** Print the JSON summary as the last line of stdout. @default false */
  json?: boolean;
  /** Write JUnit XML here. @default undefined */
  junit?: string;
  /** List the checks and what would move; move nothing. @default false */
  dryRun?: boolean;
  /** Move real devices without asking. @default false */
  yes?: boolean;
  /** Faults for the sim and ioc targets, `kind:target[=value]`. @default [] */
  fault?: readonly string[];
  /** Extra spec files or directories. @default [] */
  specs?: readonly string[];
  /** `key=value` tunables of the checks. @default [] */
  param?: readonly string[];
  /** Divide the simulated beamline's durations by this (sim, ioc). @default 1 */
  speedUp?: number;
  /** Prepended to every PV name. @default "" */
  prefix?: string;
  /** Per-check limit, ms. @default by target (DEFAULT_TIMEOUTS) */
  timeoutMs?: number;
  /** Per-device connect limit, ms. @default by target */
  connectTimeoutMs?: number;

  /** Where the table, progress and prompts go (tests replace them). @default process.stdout / process.stderr */
  stdout?: (text: string) => void;
  stderr?: (text: string) => void;
  /** Progress as a rewritten line (a terminal) rather than a line per check. @default process.stderr.isTTY */
  tty?: boolean;
  /** Colour the table's outcomes. @default process.stdout.isTTY, unless NO_COLOR is set */
  colour?: boolean;
  /** Ask a yes/no question; resolves with the answer. @default readline on stdin when it is a terminal, else "" */
  ask?: (question: string) => Promise<string>;
  /** Install a Ctrl-C handler for the run. @default true */
  handleSigint?: boolean;
  /** Called with the exit code after Ctrl-C, once everything is put back. @default process.exit */
  exit?: (code: number) => void;
  /** Told the run as soon as it exists (tests interrupt it). @default undefined */
  onRun?: (run: HwtestRun) => void;
}

/** Exit codes: everything passed (skips allowed); something failed; interrupted by Ctrl-C. */
export const HwtestExit = { ok: 0, failed: 1, interrupted: 130 } as const;

function parseTarget(text: string): Target {
  if (!(Object.values(Target) as string[]).includes(text))
    throw new InvalidArgumentError(`--target must be sim, ioc or ca, got ${JSON.stringify(text)}`, text);
  return text as Target;
}

async function askOnTerminal(question: string): Promise<string> {
  if (!process.stdin.isTTY) return "";
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return await rl.question(question);
  } finally {
    rl.close();
  }
}

function listMoves(moves: readonly PlannedMove[]): string[] {
  return moves.map((m) => `  ${m.device}: ${m.check} — ${m.what}`);
}

/** Run the suite as the command line asks; returns the exit code. */
export async function hwtestCommand(opts: HwtestCommandOptions): Promise<number> {
  const out = opts.stdout ?? ((t: string) => void process.stdout.write(t));
  const err = opts.stderr ?? ((t: string) => void process.stderr.write(t));
  const target = parseTarget(opts.target ?? "sim");
  const tty = opts.tty ?? !!process.stderr.isTTY;
  const params = parseParams(opts.param ?? []);
  if (opts.speedUp !== undefined && !(opts.speedUp > 0 && Number.isFinite(opts.speedUp)))
    throw new InvalidArgumentError(`--speed-up must be a finite number > 0, got ${opts.speedUp}`, opts.speedUp);
  for (const [name, v] of [["--timeout", opts.timeoutMs], ["--connect-timeout", opts.connectTimeoutMs]] as const)
    if (v !== undefined && !(v > 0 && Number.isFinite(v))) throw new InvalidArgumentError(`${name} must be a number of ms > 0, got ${v}`, v);

  const profile = await loadProfile(opts.profile);
  const registry = await buildRegistry(opts.specs ?? []);
  const opened = await openTarget(profile, {
    target,
    faults: opts.fault ?? [],
    ...(opts.speedUp === undefined ? {} : { speedUp: opts.speedUp }),
    ...(opts.prefix === undefined ? {} : { pvPrefix: opts.prefix }),
  });
  err(`skyloop hwtest: ${profile.instrument} (${profile.file}) on ${target}: ${opened.description}${opts.dryRun ? " — dry run, nothing moves" : ""}\n`);

  let width = { device: 12, check: 36 };
  let total = 0;
  let progressShown = false;
  const progress = (e: ProgressEvent) => {
    if (e.kind === "planned") {
      width = { ...e.widths };
      total = e.counts.checks;
      err(`${formatCounts(e.counts)}\n`);
      return;
    }
    if (e.kind === "restoring") {
      if (progressShown && tty) err("\r\x1b[2K");
      progressShown = false;
      err("putting devices back as they were found…\n");
      return;
    }
    const r = e.result;
    // Put-back problems come after the planned checks, under names the plan may not have had.
    width = { device: Math.max(width.device, r.device.length), check: Math.max(width.check, r.check.length) };
    const count = `[${String(e.done).padStart(String(Math.max(total, e.total)).length)}/${e.total}]`;
    if (tty) {
      err(`\r\x1b[2K${count} ${formatLine(r, width).slice(0, (process.stderr.columns || 120) - count.length - 1)}`);
      progressShown = true;
    } else err(`${count} ${formatLine(r, width)}\n`);
  };

  const ask = opts.ask ?? askOnTerminal;
  const confirm =
    target === Target.ca && !opts.yes
      ? async (moves: readonly PlannedMove[]) => {
          if (progressShown && tty) err("\r\x1b[2K");
          err(`These checks move real devices of ${profile.instrument} (each put back afterwards):\n${listMoves(moves).join("\n")}\n`);
          const answer = (await ask(`Move ${new Set(moves.map((m) => m.device)).size} devices? [y/N] `)).trim().toLowerCase();
          const yes = answer === "y" || answer === "yes";
          err(yes ? "moving.\n" : "not moving anything: the moving checks are skipped (pass --yes to move without asking).\n");
          return yes;
        }
      : undefined;

  const run = new HwtestRun({
    instrument: profile.instrument,
    target,
    devices: opened.devices,
    registry,
    only: opts.only ?? [],
    dryRun: opts.dryRun ?? false,
    ...(confirm ? { confirm } : {}),
    params,
    ...(opened.rehearsal ? { rehearsal: opened.rehearsal } : {}),
    ...(opts.timeoutMs === undefined ? {} : { checkTimeoutMs: opts.timeoutMs }),
    ...(opts.connectTimeoutMs === undefined ? {} : { connectTimeoutMs: opts.connectTimeoutMs }),
    onProgress: progress,
  });
  opts.onRun?.(run);

  const exit = opts.exit ?? ((code: number) => process.exit(code));
  let sigints = 0;
  const onSigint = () => {
    sigints++;
    if (sigints === 1) {
      err("\ninterrupted: stopping what moves and putting every device back (Ctrl-C again to quit at once)\n");
      run.interrupt("interrupted by Ctrl-C");
    } else exit(HwtestExit.interrupted);
  };
  const handleSigint = opts.handleSigint ?? true;
  if (handleSigint) process.on("SIGINT", onSigint);

  let report: HwtestReport;
  try {
    report = await run.run();
  } finally {
    if (handleSigint) process.off("SIGINT", onSigint);
    await opened.close();
  }
  if (progressShown && tty) err("\r\x1b[2K");

  if (report.dryRun) {
    const moving = report.results.filter((r) => r.moves);
    err(`dry run: ${moving.length} checks would move devices:\n${moving.map((r) => `  ${r.device}: ${r.check} — ${r.message.replace(/^dry run: would move /, "")}`).join("\n")}\n`);
  }
  const colour = opts.colour ?? (!!process.stdout.isTTY && !process.env.NO_COLOR);
  out(`${formatTable(report, { colour })}\n`);
  if (opts.junit) {
    await writeFile(opts.junit, formatJunit(report));
    err(`JUnit XML written to ${opts.junit}\n`);
  }
  if (opts.json) out(`${formatJson(report)}\n`);
  const code = report.interrupted ? HwtestExit.interrupted : report.failed > 0 ? HwtestExit.failed : HwtestExit.ok;
  if (report.interrupted && handleSigint) exit(code);
  return code;
}
