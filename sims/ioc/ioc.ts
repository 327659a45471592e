/**
 * A soft IOC: the simulators an instrument profile describes, served over Channel Access with the names
 * sims/pvs gives them, so the same profiles that run in-process (`sim://`) connect to it (`ca://`). Faults
 * (`kind:target[=value]`) make it misbehave on purpose for the hardware suite.
 */
import { fileURLToPath } from "node:url";
import { CaServer, DEFAULT_MAX_ARRAY_BYTES, type EpicsEnv } from "../../epics/index.ts";
import { ConfigError, InvalidArgumentError } from "../../engine/errors.ts";
import { type InstrumentProfile, loadProfile } from "../../devices/profile.ts";
import { buildSimulators, type SimulatedMachine } from "../instrument.ts";
import { type FaultSpec, parseFault } from "../pvs/faults.ts";
import type { SimPvTable } from "../pvs/table.ts";
import { SimTableProvider } from "./provider.ts";

/** The simulators an IOC can serve. */
export const IocSim = { ring: "ring", beamline: "beamline" } as const;
export type IocSim = (typeof IocSim)[keyof typeof IocSim];

/** The profile each simulator is served from when none is given. */
export const DEFAULT_IOC_PROFILES: Readonly<Record<IocSim, string>> = {
  ring: fileURLToPath(new URL("../../profiles/sim-ring.yaml", import.meta.url)),
  beamline: fileURLToPath(new URL("../../profiles/sim-beamline.yaml", import.meta.url)),
};

export interface StartIocOptions {
  sim: IocSim;
  /** The instrument profile whose `simulation` section builds the simulators. @default DEFAULT_IOC_PROFILES[sim] */
  profile?: string | InstrumentProfile;
  /** Prepended to every PV name. @default "" */
  prefix?: string;
  /** TCP and UDP port; 0 picks a free one. @default 0 */
  port?: number;
  /** Interface addresses to listen on. @default DEFAULT_IOC_INTERFACES */
  interfaces?: readonly string[];
  /** Faults as `kind:target[=value]` (see sims/pvs/faults.ts) or parsed. @default [] */
  faults?: readonly (string | FaultSpec)[];
  /** Divide the beamline's wall-clock durations (moves, counting, exposures) by this. @default 1 */
  speedUp?: number;
  /** Longest interval between beacons, ms; 0 sends none. @default the server's (EPICS_CAS_BEACON_PERIOD) */
  beaconPeriodMs?: number;
  /** Where EPICS variables are read from. @default process.env */
  env?: EpicsEnv;
}

/** Only this host can reach the IOC unless told otherwise. */
export const DEFAULT_IOC_INTERFACES: readonly string[] = ["127.0.0.1"];

export interface Ioc {
  readonly server: CaServer;
  /** The table of the simulator asked for. */
  readonly table: SimPvTable;
  /** Every table served (a beamline profile's ring feeds the beamline and serves the DCCT). */
  readonly tables: readonly SimPvTable[];
  readonly machine: SimulatedMachine;
  readonly profile: InstrumentProfile;
  readonly faults: readonly FaultSpec[];
  /** The interface addresses it listens on. */
  readonly interfaces: readonly string[];
  /** PVs served (dead ones included: they exist but never answer). */
  readonly pvCount: number;
  /** The largest payload a PV needs, bytes; clients need EPICS_CA_MAX_ARRAY_BYTES at least this. */
  readonly maxArrayBytes: number;
  close(): Promise<void>;
}

/** Build the simulators of a profile and serve their tables over Channel Access. */
export async function startIoc(options: StartIocOptions): Promise<Ioc> {
  const sim = options.sim;
  if (sim !== IocSim.ring && sim !== IocSim.beamline)
    throw new InvalidArgumentError(`unknown simulator ${JSON.stringify(sim)}: use "ring" or "beamline"`, sim);
  const profile = typeof options.profile === "object" ? options.profile : await loadProfile(options.profile ?? DEFAULT_IOC_PROFILES[sim]);
  if (profile.simulation[sim] === undefined)
    throw new ConfigError(profile.file, `field "simulation.${sim}": the profile simulates no ${sim} to serve (it has ${Object.keys(profile.simulation).join(", ") || "none"})`);
  const faults = (options.faults ?? []).map((f) => (typeof f === "string" ? parseFault(f) : f));
  const machine = buildSimulators(profile, {
    pvPrefix: options.prefix ?? "",
    faults,
    ...(options.speedUp === undefined ? {} : { speedUp: options.speedUp }),
  });
  const dispose = () => {
    for (const t of machine.tables) t.dispose();
  };
  const provider = new SimTableProvider(machine.tables);
  const maxArrayBytes = provider.largestPayloadBytes();
  const interfaces = options.interfaces ?? DEFAULT_IOC_INTERFACES;
  let server: CaServer;
  try {
    server = await CaServer.start({
      pvs: provider,
      tcpPort: options.port ?? 0,
      interfaces,
      maxArrayBytes: Math.max(DEFAULT_MAX_ARRAY_BYTES, maxArrayBytes),
      ...(options.beaconPeriodMs === undefined ? {} : { beaconPeriodMs: options.beaconPeriodMs }),
      ...(options.env === undefined ? {} : { env: options.env }),
    });
  } catch (err) {
    dispose();
    throw err;
  }
  const table = machine.tables.find((t) => t.name === sim)!;
  let closed: Promise<void> | undefined;
  return {
    server,
    table,
    tables: machine.tables,
    machine,
    profile,
    faults,
    interfaces,
    pvCount: provider.size,
    maxArrayBytes,
    close: () => (closed ??= server.close().finally(dispose)),
  };
}
