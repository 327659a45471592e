/**
 * The campaign's instrument: the profile (with the campaign's simulation overrides) built on the campaign's
 * target (`sim`: the simulators in-process; `ioc`: the same simulators served by a soft IOC in this process on
 * a free port, the devices on `ca://` through a client context pointed at it; `ca`: the real PVs, found as the
 * EPICS variables say), its devices found by the names the campaign uses, and the set-up that gives an agent
 * something to do (a distorted orbit).
 */
import { ConfigError } from "../../engine/errors.ts";
import { hasLimits, isMovable, isReadable } from "../../engine/protocols.ts";
import type { Movable, Readable } from "../../engine/protocols.ts";
import type { Device } from "../../devices/core/device.ts";
import { loadProfile } from "../../devices/profile.ts";
import type { InstrumentProfile } from "../../devices/profile.ts";
import { closeSharedCaContext } from "../../devices/ca/context.ts";
import { registerCaBackend } from "../../devices/ca/register.ts";
import { backendSchemes } from "../../devices/core/signal_backend.ts";
import { CaClientContext } from "../../epics/index.ts";
import { Rng } from "../../sims/math/index.ts";
import { buildInstrument } from "../../sims/instrument.ts";
import { startIoc } from "../../sims/ioc/ioc.ts";
import type { RingSimulator } from "../../sims/ring/simulator.ts";
import { CampaignTarget } from "./config.ts";
import type { CampaignConfig } from "./config.ts";

type Obj = Record<string, unknown>;
const isObject = (x: unknown): x is Obj => typeof x === "object" && x !== null && !Array.isArray(x);

function merge(base: Obj, over: Obj): Obj {
  const out: Obj = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = isObject(v) && isObject(out[k]) ? merge(out[k] as Obj, v) : v;
  return out;
}

/** The profile with the campaign's `instrument.simulation` merged over its own section. */
export async function campaignProfile(config: CampaignConfig): Promise<InstrumentProfile> {
  const p = await loadProfile(config.instrument.profile);
  const over = config.instrument.simulation;
  return over === undefined ? p : { ...p, simulation: merge(p.simulation as Obj, over) };
}

/** Every device and sub-device by its full name (`mirror-pitch`) and by its path (`mirror.pitch`). */
export function deviceIndex(devices: Readonly<Record<string, Device>>): Map<string, Device> {
  const index = new Map<string, Device>(Object.entries(devices));
  // A child may carry its parent's name (a positioner's readback): the parent keeps it.
  const visit = (path: string, d: Device): void => {
    if (!index.has(path)) index.set(path, d);
    if (d.name && !index.has(d.name)) index.set(d.name, d);
    for (const [key, child] of d.children()) visit(`${path}.${key}`, child);
  };
  for (const [name, d] of Object.entries(devices)) for (const [key, child] of d.children()) visit(`${name}.${key}`, child);
  return index;
}

export interface CampaignDevices {
  readonly detectors: Readable[];
  readonly movables: (Movable & Readable)[];
}

/** The plan's detectors and movables, or a ConfigError naming the field and the devices there are. */
export function resolveDevices(config: CampaignConfig, devices: Readonly<Record<string, Device>>): CampaignDevices {
  const index = deviceIndex(devices);
  const known = Object.keys(devices).join(", ");
  const find = (field: string, i: number, name: string): Device => {
    const d = index.get(name);
    if (d === undefined) throw new ConfigError(config.file, `field "${field}[${i}]": no device "${name}" in ${config.instrument.profile} (devices: ${known}; sub-devices as mirror.pitch)`);
    return d;
  };
  const detectors = config.plan.detectors.map((name, i) => {
    const d = find("plan.detectors", i, name);
    if (!isReadable(d)) throw new ConfigError(config.file, `field "plan.detectors[${i}]": device "${name}" cannot be read`);
    return d;
  });
  const movables = config.plan.movables.map((name, i) => {
    const d = find("plan.movables", i, name);
    if (!isMovable(d) || !isReadable(d)) throw new ConfigError(config.file, `field "plan.movables[${i}]": device "${name}" cannot be moved and read`);
    return d as unknown as Movable & Readable;
  });
  return { detectors, movables };
}

/**
 * [low, high] of every movable with active limits, by device name: the device's own, narrowed by the
 * campaign's `plan.limits` (given by the names the campaign uses).
 */
export async function movableLimits(config: CampaignConfig, movables: readonly Movable[]): Promise<Map<string, readonly [number, number]>> {
  const out = new Map<string, readonly [number, number]>();
  for (const [i, m] of movables.entries()) {
    let l: readonly [number, number] | undefined;
    if (hasLimits(m)) {
      const own = await m.limits();
      if (own[0] < own[1]) l = own;
    }
    const narrower = config.plan.limits?.get(config.plan.movables[i]!);
    if (narrower !== undefined) l = l === undefined ? narrower : [Math.max(l[0], narrower[0]), Math.min(l[1], narrower[1])];
    if (l !== undefined) out.set(m.name, l);
  }
  return out;
}

/** The devices of a campaign and what they talk to; `close` releases sockets, contexts and an IOC. */
export interface CampaignInstrument {
  readonly name: string;
  readonly target: CampaignTarget;
  readonly devices: Readonly<Record<string, Device>>;
  /** The simulated ring (sim and ioc): the set-up's distorted orbit and an agent's model response. */
  readonly ring: RingSimulator | undefined;
  /** What the devices talk to, for the log. */
  readonly description: string;
  close(): Promise<void>;
}

export async function buildCampaignInstrument(config: CampaignConfig, options: { connect?: boolean } = {}): Promise<CampaignInstrument> {
  const profile = await campaignProfile(config);
  const connect = options.connect ?? true;
  switch (config.instrument.target) {
    case CampaignTarget.Sim: {
      const inst = await buildInstrument(profile, { target: "sim", connect });
      return { name: inst.name, target: CampaignTarget.Sim, devices: inst.devices, ring: inst.ring, description: "in-process simulator", close: async () => inst.dispose() };
    }
    case CampaignTarget.Ioc:
      return iocInstrument(config, profile, connect);
    case CampaignTarget.Ca: {
      // A composition root that registered the scheme already (with its own context) keeps it.
      const registered = backendSchemes().includes("ca");
      const unregister = registered ? () => {} : registerCaBackend();
      const release = async (): Promise<void> => {
        unregister();
        if (!registered) closeSharedCaContext();
      };
      try {
        const inst = await buildInstrument(profile, { target: "ca", connect });
        return { name: inst.name, target: CampaignTarget.Ca, devices: inst.devices, ring: undefined, description: "real PVs over Channel Access (EPICS_CA_ADDR_LIST and friends)", close: release };
      } catch (err) {
        await release();
        throw err;
      }
    }
  }
}

/** The profile's simulators behind a soft IOC in this process, reached over Channel Access on loopback only. */
async function iocInstrument(config: CampaignConfig, profile: InstrumentProfile, connect: boolean): Promise<CampaignInstrument> {
  const sims = Object.keys(profile.simulation ?? {});
  const sim = sims.includes("beamline") ? "beamline" : sims.includes("ring") ? "ring" : undefined;
  if (sim === undefined) throw new ConfigError(config.file, `field "instrument.target": "ioc" serves the profile's simulators, and ${config.instrument.profile} simulates none`);
  // The campaign's own IOC: no EPICS variables of the shell, no beacons, a free port.
  const ioc = await startIoc({ sim, profile, port: 0, beaconPeriodMs: 0, env: {} });
  const context = new CaClientContext({ env: {}, addrList: [`127.0.0.1:${ioc.server.udpPort}`], autoAddrList: false, maxArrayBytes: ioc.maxArrayBytes + 64 });
  const unregister = registerCaBackend({ context });
  const close = async (): Promise<void> => {
    unregister();
    context.close();
    closeSharedCaContext();
    await ioc.close();
  };
  try {
    const inst = await buildInstrument(profile, { target: "ca", connect });
    return {
      name: inst.name,
      target: CampaignTarget.Ioc,
      devices: inst.devices,
      ring: ioc.machine.ring,
      description: `soft IOC on 127.0.0.1:${ioc.server.tcpPort} (${ioc.pvCount} PVs) over Channel Access`,
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}

/**
 * The start the campaign asks for: random corrector currents drawn from the set-up's seed (a distorted
 * orbit), then each listed device or signal set and waited for.
 */
export async function applySetup(config: CampaignConfig, instrument: Pick<CampaignInstrument, "ring" | "devices">): Promise<void> {
  const setup = config.instrument.setup;
  if (setup === undefined) return;
  if (setup.correctorSpread !== undefined) {
    const ring = instrument.ring;
    if (ring === undefined) throw new ConfigError(config.file, `field "instrument.setup.corrector_spread": the instrument has no simulated ring`);
    const rng = new Rng(setup.seed ?? 1);
    const spread = setup.correctorSpread;
    ring.setCorrectors(Array.from({ length: ring.nCorrectors }, () => rng.uniformIn(-spread, spread)));
  }
  const index = deviceIndex(instrument.devices);
  for (const [name, value] of setup.positions ?? []) {
    const d = index.get(name);
    const field = `instrument.setup.positions.${name}`;
    if (d === undefined || !isMovable(d)) throw new ConfigError(config.file, `field "${field}": no device or signal "${name}" that can be set`);
    try {
      await d.set(value);
    } catch (cause) {
      throw new ConfigError(config.file, `field "${field}": setting ${name} to ${value} failed: ${(cause as Error).message}`, { cause });
    }
  }
}
