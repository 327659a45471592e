/**
 * `skyloop ioc --sim ring|beamline`: serves a simulator over Channel Access until Ctrl-C, printing how many
 * PVs it serves, where, and the environment a client needs to reach it.
 */
import type { Command } from "commander";
import { InvalidArgumentError } from "../../engine/errors.ts";
import { DEFAULT_MAX_ARRAY_BYTES } from "../../epics/index.ts";
import { DEFAULT_IOC_INTERFACES, type Ioc, IocSim, startIoc } from "../../sims/ioc/index.ts";

interface IocCommandOptions {
  sim: string;
  profile?: string;
  prefix: string;
  port: string;
  interface: string[];
  fault: string[];
  speedUp: string;
}

export function registerIocCommand(program: Command): void {
  program
    .command("ioc")
    .description("serve a simulator (storage ring or beamline) over Channel Access as a soft IOC")
    .requiredOption("--sim <ring|beamline>", "the simulator to serve")
    .option("--profile <file>", "instrument profile whose simulation section builds it (default: profiles/sim-<sim>.yaml)")
    .option("--prefix <P>", "prepended to every PV name", "")
    .option("--port <N>", "TCP and UDP port (0: a free one)", "5064")
    .option("--interface <address>", "interface to listen on (repeatable)", collect, [] as string[])
    .option("--fault <kind:target[=value]>", "inject a fault: stuck-motor, dead-pv, readback-offset, noisy-bpm (repeatable)", collect, [] as string[])
    .option("--speed-up <n>", "divide the beamline's move, count and exposure times by n", "1")
    .action(async (opts: IocCommandOptions) => {
      const ioc = await startIoc({
        sim: parseSim(opts.sim),
        ...(opts.profile === undefined ? {} : { profile: opts.profile }),
        prefix: opts.prefix,
        port: parsePort(opts.port),
        interfaces: opts.interface.length > 0 ? opts.interface : DEFAULT_IOC_INTERFACES,
        faults: opts.fault,
        speedUp: parseSpeedUp(opts.speedUp),
      });
      for (const line of describeIoc(ioc)) console.log(line);
      await untilInterrupted();
      await ioc.close();
      console.log("skyloop ioc: stopped");
    });
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function parseSim(text: string): IocSim {
  if (text !== IocSim.ring && text !== IocSim.beamline)
    throw new InvalidArgumentError(`--sim must be ring or beamline, got ${JSON.stringify(text)}`, text);
  return text;
}

function parsePort(text: string): number {
  const port = Number(text);
  if (!(Number.isInteger(port) && port >= 0 && port <= 65535))
    throw new InvalidArgumentError(`--port must be an integer 0..65535, got ${JSON.stringify(text)}`, text);
  return port;
}

function parseSpeedUp(text: string): number {
  const n = Number(text);
  if (!(n > 0 && Number.isFinite(n))) throw new InvalidArgumentError(`--speed-up must be a finite number > 0, got ${JSON.stringify(text)}`, text);
  return n;
}

/** What the IOC serves and the environment a client needs to reach it. */
export function describeIoc(ioc: Ioc): string[] {
  const server = ioc.server;
  const hosts = [...new Set(ioc.interfaces)];
  const addrList = hosts.map((h) => (h === "0.0.0.0" ? "127.0.0.1" : h)).join(" ");
  const example = firstName(ioc);
  const env = [`EPICS_CA_ADDR_LIST="${addrList}"`, "EPICS_CA_AUTO_ADDR_LIST=NO", `EPICS_CA_SERVER_PORT=${server.tcpPort}`];
  if (ioc.maxArrayBytes > DEFAULT_MAX_ARRAY_BYTES) env.push(`EPICS_CA_MAX_ARRAY_BYTES=${ioc.maxArrayBytes + 64}`);
  return [
    `skyloop ioc: serving ${ioc.profile.instrument} (${ioc.table.name} simulator, profile ${ioc.profile.file}): ${ioc.pvCount} PVs on ${hosts.join(", ")} port ${server.tcpPort} (TCP and UDP)`,
    ...(ioc.faults.length > 0 ? [`faults: ${ioc.faults.map((f) => JSON.stringify(f)).join(", ")}`] : []),
    "reach it with:",
    `  export ${env.join(" ")}`,
    `  caget ${example}`,
    "Ctrl-C to stop.",
  ];
}

function firstName(ioc: Ioc): string {
  const preferred = ioc.table.names.find((n) => n.endsWith(":DCCT:CURRENT") || n.endsWith("FOCUS:Z.RBV"));
  return preferred ?? ioc.table.names[0] ?? "";
}

function untilInterrupted(): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      process.off("SIGINT", done);
      process.off("SIGTERM", done);
      resolve();
    };
    process.on("SIGINT", done);
    process.on("SIGTERM", done);
  });
}
