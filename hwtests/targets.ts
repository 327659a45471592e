/**
 * Where the suite's devices live: `sim` builds the profile's simulators in-process (`sim://` PVs); `ioc`
 * serves the same simulators from a soft IOC in this process and connects to it over Channel Access
 * (`ca://`), as `skyloop ioc` would; `ca` connects to the real PVs the profile names. Faults rehearse on the
 * two simulated targets.
 */
import { InvalidArgumentError } from "../engine/errors.ts";
import type { Device } from "../devices/core/device.ts";
import { backendSchemes } from "../devices/core/signal_backend.ts";
import { closeSharedCaContext } from "../devices/ca/context.ts";
import { registerCaBackend } from "../devices/ca/register.ts";
import type { InstrumentProfile } from "../devices/profile.ts";
import { CaClientContext } from "../epics/index.ts";
import type { BeamlineSimulator } from "../sims/beamline/simulator.ts";
import { buildInstrument } from "../sims/instrument.ts";
import { startIoc } from "../sims/ioc/ioc.ts";
import { type FaultSpec, parseFault } from "../sims/pvs/faults.ts";
import type { SimPvTable } from "../sims/pvs/table.ts";
import { show } from "./errors.ts";
import { explainFaultError } from "./fault_names.ts";
import { type Rehearsal, Target } from "./spec.ts";

export interface OpenTargetOptions {
  target: Target;
  /** Faults for the simulated targets, `kind:target[=value]`. @default [] */
  faults?: readonly (string | FaultSpec)[];
  /** Divide the simulated beamline's durations by this (sim and ioc). @default 1 */
  speedUp?: number;
  /** Prepended to every PV name (device prefixes and the IOC's names). @default "" */
  pvPrefix?: string;
}

export interface OpenedTarget {
  readonly target: Target;
  readonly devices: Readonly<Record<string, Device>>;
  /** Simulator handles (sim and ioc). */
  readonly rehearsal: Rehearsal | undefined;
  /** One line for the report's heading: what the devices talk to. */
  readonly description: string;
  close(): Promise<void>;
}

/** Engage interlocks through the beamline simulator, finding a gate's element from its state PV's name. */
export function simulatorRehearsal(beamline: BeamlineSimulator | undefined, tables: readonly SimPvTable[]): Rehearsal {
  return {
    setInterlock: async (gate, engaged) => {
      if (!beamline) throw new InvalidArgumentError(`the simulated instrument has no beamline, so no interlocks to engage`, gate);
      const source = (gate as { state?: { source?: string } }).state?.source ?? "";
      const element = beamline.vacuum.names.find((n) => source.endsWith(`${n}:STATE`));
      if (!element)
        throw new InvalidArgumentError(
          `${(gate as { name?: string }).name ?? "gate"}: its state PV ${show(source)} matches no valve or shutter of the simulator (${beamline.vacuum.names.join(", ")})`,
          source,
        );
      beamline.vacuum.setInterlock(element, engaged);
      for (const t of tables) t.refreshNow();
    },
  };
}

/** Build the simulators; a fault they refuse is reported as one sentence with close names (see fault_names.ts). */
async function withFaultNames<T>(profile: InstrumentProfile, faults: readonly FaultSpec[], pvPrefix: string, build: () => Promise<T>): Promise<T> {
  try {
    return await build();
  } catch (err) {
    throw explainFaultError(err, profile, faults, pvPrefix);
  }
}

export async function openTarget(profile: InstrumentProfile, options: OpenTargetOptions): Promise<OpenedTarget> {
  const faults = (options.faults ?? []).map((f) => (typeof f === "string" ? parseFault(f) : f));
  const speedUp = options.speedUp ?? 1;
  const pvPrefix = options.pvPrefix ?? "";
  switch (options.target) {
    case Target.sim: {
      const inst = await withFaultNames(profile, faults, pvPrefix, () => buildInstrument(profile, { target: "sim", faults, speedUp, pvPrefix }));
      return {
        target: Target.sim,
        devices: inst.devices,
        rehearsal: simulatorRehearsal(inst.beamline, inst.tables),
        description: `in-process simulator${faults.length ? ` with ${faults.length} fault${faults.length > 1 ? "s" : ""}` : ""}`,
        close: async () => inst.dispose(),
      };
    }
    case Target.ioc: {
      const sim = profile.simulation.beamline !== undefined ? "beamline" : "ring";
      const ioc = await withFaultNames(profile, faults, pvPrefix, () =>
        startIoc({ sim, profile, faults, speedUp, prefix: pvPrefix, port: 0, beaconPeriodMs: 0, env: {} }),
      );
      const context = new CaClientContext({
        env: {},
        addrList: [`127.0.0.1:${ioc.server.udpPort}`],
        autoAddrList: false,
        maxArrayBytes: ioc.maxArrayBytes + 64,
      });
      const unregister = registerCaBackend({ context });
      try {
        const inst = await buildInstrument(profile, { target: "ca", pvPrefix });
        return {
          target: Target.ioc,
          devices: inst.devices,
          rehearsal: simulatorRehearsal(ioc.machine.beamline, ioc.tables),
          description: `soft IOC on 127.0.0.1:${ioc.server.tcpPort} (${ioc.pvCount} PVs${faults.length ? `, ${faults.length} fault${faults.length > 1 ? "s" : ""}` : ""}) over Channel Access`,
          close: async () => {
            unregister();
            context.close();
            await ioc.close();
          },
        };
      } catch (err) {
        unregister();
        context.close();
        await ioc.close();
        throw err;
      }
    }
    case Target.ca: {
      if (faults.length > 0)
        throw new InvalidArgumentError(`--fault rehearses on the sim and ioc targets only; real devices have their own faults`, faults);
      const registered = backendSchemes().includes("ca");
      const unregister = registered ? () => {} : registerCaBackend();
      const inst = await buildInstrument(profile, { target: "ca", pvPrefix });
      return {
        target: Target.ca,
        devices: inst.devices,
        rehearsal: undefined,
        description: "real PVs over Channel Access (EPICS_CA_ADDR_LIST and friends)",
        close: async () => {
          unregister();
          if (!registered) closeSharedCaContext();
        },
      };
    }
    default:
      throw new InvalidArgumentError(`unknown target ${show(options.target)}: use sim, ioc or ca`, options.target);
  }
}
