/**
 * `skyloop hwtest --profile <instrument.yaml> --target sim|ioc|ca`: the hardware conformance suite (see
 * hwtests/README.md). Exits 1 when any check fails, 130 after Ctrl-C.
 */
import type { Command } from "commander";
import { InvalidArgumentError } from "../../engine/errors.ts";
import { hwtestCommand } from "../../hwtests/command.ts";

interface HwtestCliOptions {
  profile: string;
  target: string;
  only: string[];
  json?: boolean;
  junit?: string;
  dryRun?: boolean;
  yes?: boolean;
  fault: string[];
  specs: string[];
  param: string[];
  speedUp?: string;
  prefix?: string;
  timeout?: string;
  connectTimeout?: string;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function number(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!(Number.isFinite(n) && n > 0)) throw new InvalidArgumentError(`${name} must be a number > 0, got ${JSON.stringify(text)}`, text);
  return n;
}

export function registerHwtestCommand(program: Command): void {
  program
    .command("hwtest")
    .description("hardware conformance suite: check an instrument's devices against their protocols and families")
    // Commander enforces a required option but does not say so in --help: the usage line and text do.
    .usage("--profile <file> [options]")
    .requiredOption("--profile <file>", "instrument profile (YAML), required, e.g. profiles/sim-beamline.yaml")
    .option("--target <sim|ioc|ca>", "sim: in-process simulator; ioc: soft IOC over Channel Access; ca: the real PVs", "sim")
    .option("--only <names>", "device names, class names or tags to run (comma-separated, repeatable)", collect, [] as string[])
    .option("--json", "print a JSON summary as the last line")
    .option("--junit <file>", "write JUnit XML for CI systems")
    .option("--dry-run", "list the checks and what would move; move nothing")
    .option("--yes", "move real devices without asking")
    .option("--fault <kind:target[=value]>", "rehearse a fault on the sim or ioc target (repeatable)", collect, [] as string[])
    .option("--specs <file or dir>", "extra spec files (repeatable)", collect, [] as string[])
    .option("--param <key=value>", "tune a check, e.g. bpm.maxNoiseMm=0.05 (repeatable)", collect, [] as string[])
    .option("--speed-up <n>", "divide the simulated beamline's move and count times by n (sim, ioc)")
    .option("--prefix <P>", "prepended to every PV name")
    .option("--timeout <ms>", "limit of each check")
    .option("--connect-timeout <ms>", "limit of each device's connect")
    .action(async (opts: HwtestCliOptions) => {
      const speedUp = number("--speed-up", opts.speedUp);
      const timeoutMs = number("--timeout", opts.timeout);
      const connectTimeoutMs = number("--connect-timeout", opts.connectTimeout);
      const code = await hwtestCommand({
        profile: opts.profile,
        target: opts.target,
        only: opts.only,
        json: opts.json ?? false,
        ...(opts.junit === undefined ? {} : { junit: opts.junit }),
        dryRun: opts.dryRun ?? false,
        yes: opts.yes ?? false,
        fault: opts.fault,
        specs: opts.specs,
        param: opts.param,
        ...(speedUp === undefined ? {} : { speedUp }),
        ...(opts.prefix === undefined ? {} : { prefix: opts.prefix }),
        ...(timeoutMs === undefined ? {} : { timeoutMs }),
        ...(connectTimeoutMs === undefined ? {} : { connectTimeoutMs }),
      });
      process.exitCode = code;
    });
}
