/**
 * `skyloop ca get|put|monitor|info <pv...>`: the EPICS command-line tools (caget, caput, camonitor, cainfo)
 * over skyloop's Channel Access client, with their options. EPICS_CA_ADDR_LIST, EPICS_CA_AUTO_ADDR_LIST and
 * EPICS_CA_SERVER_PORT say where to search. A PV that fails prints one line on stderr and the exit code is 1.
 */
import type { Command } from "commander";
import { InvalidArgumentError } from "../../engine/errors.ts";
import { parseDbrType, type FormatOptions, type NumberFormat } from "../ca/format.ts";
import { caget, cainfo, camonitor, caput, type ToolOptions, type ToolOutput } from "../ca/tools.ts";

interface CommonFlags {
  w?: string;
  d?: string;
  t?: boolean;
  n?: boolean;
  count?: string;
  f?: string;
  e?: string;
  g?: string;
  S?: boolean;
}

function nonNegative(text: string, what: string): number {
  const n = Number(text);
  if (text.trim() === "" || !Number.isFinite(n) || n < 0) throw new InvalidArgumentError(`${what} must be a non-negative number, got ${JSON.stringify(text)}`, text);
  return n;
}

function integer(text: string, what: string): number {
  const n = nonNegative(text, what);
  if (!Number.isInteger(n)) throw new InvalidArgumentError(`${what} must be a whole number, got ${JSON.stringify(text)}`, text);
  return n;
}

/** Turns the flags every tool shares into tool options. */
function toolOptions(flags: CommonFlags): ToolOptions {
  const formats = (["f", "e", "g"] as const).filter((k) => flags[k] !== undefined);
  if (formats.length > 1) throw new InvalidArgumentError(`choose one number format of -f, -e and -g, got ${formats.map((k) => `-${k}`).join(" ")}`, formats);
  const number: FormatOptions["number"] =
    formats.length === 1 ? { kind: formats[0] as NumberFormat, digits: integer(flags[formats[0]!]!, `-${formats[0]} digits`) } : undefined;
  return {
    ...(flags.w === undefined ? {} : { timeoutMs: nonNegative(flags.w, "-w seconds") * 1000 }),
    ...(flags.d === undefined ? {} : { dbrType: parseDbrType(flags.d) }),
    ...(flags.count === undefined ? {} : { count: integer(flags.count, "-# count") }),
    ...(number === undefined ? {} : { number }),
    terse: flags.t ?? false,
    enumAsNumber: flags.n ?? false,
    charAsString: flags.S ?? false,
  };
}

const io: ToolOutput = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`skyloop ca: ${line}\n`),
};

function formatFlags(cmd: Command): Command {
  return cmd
    .option("-n", "enums as numbers")
    .option("-#, --count <n>", "number of elements to read (0: all)")
    .option("-f <digits>", "numbers in %f format with this many decimals")
    .option("-e <digits>", "numbers in %e format with this many decimals")
    .option("-g <digits>", "numbers in %g format with this many significant digits")
    .option("-S", "CHAR arrays as strings")
    .option("-w <seconds>", "time limit of connect, read and completion", "1");
}

export function registerCaCommand(program: Command): void {
  const ca = program.command("ca").description("Channel Access tools, as caget, caput, camonitor and cainfo");

  formatFlags(
    ca
      .command("get")
      .description("read PVs (caget)")
      .argument("<pv...>", "PV names")
      .option("-t", "terse: the value only")
      .option("-a", "wide: name, time stamp, value and alarm")
      .option("-d <type>", "DBR type to read, by name (DBR_CTRL_DOUBLE) or number (34); prints the whole structure"),
  ).action(async (pvs: string[], flags: CommonFlags & { a?: boolean }) => {
    process.exitCode = await caget(pvs, { ...toolOptions(flags), wide: flags.a ?? false }, io);
  });

  formatFlags(
    ca
      .command("put")
      .description("write a PV (caput) and show its old and new value")
      .argument("<pv>", "PV name")
      .argument("<value...>", "the value; with -a the element count then the elements")
      .option("-c", "wait for completion (put-callback)")
      .option("-t", "terse: the new value only")
      .option("-a", "array: the element count then the elements"),
  ).action(async (pv: string, values: string[], flags: CommonFlags & { c?: boolean; a?: boolean }) => {
    process.exitCode = await caput(pv, values, { ...toolOptions(flags), completion: flags.c ?? false, array: flags.a ?? false }, io);
  });

  formatFlags(
    ca
      .command("monitor")
      .description("print PV updates until interrupted (camonitor)")
      .argument("<pv...>", "PV names")
      .option("-m <mask>", "events: v(alue), l(og), a(larm), p(roperty)", "va")
      .option("--updates <n>", "stop after this many updates"),
  ).action(async (pvs: string[], flags: CommonFlags & { m: string; updates?: string }) => {
    const stop = new Promise<void>((resolve) => process.once("SIGINT", () => resolve()));
    process.exitCode = await camonitor(
      pvs,
      { ...toolOptions(flags), mask: flags.m, stop, ...(flags.updates === undefined ? {} : { updates: integer(flags.updates, "--updates") }) },
      io,
    );
  });

  ca.command("info")
    .description("show where PVs live, their type, size and access (cainfo)")
    .argument("<pv...>", "PV names")
    .option("-w <seconds>", "time limit of connect", "1")
    .action(async (pvs: string[], flags: CommonFlags) => {
      process.exitCode = await cainfo(pvs, toolOptions(flags), io);
    });
}
