/**
 * The campaign's instrument: the profile (with the campaign's simulation overrides), built on the `sim`
 * target, its devices found by the names the campaign uses, and the set-up that gives an agent something to
 * do (a distorted orbit).
 */
import { ConfigError } from "../../engine/errors.ts";
import { hasLimits, isMovable, isReadable } from "../../engine/protocols.ts";
import type { Movable, Readable } from "../../engine/protocols.ts";
import type { Device } from "../../devices/core/device.ts";
import { loadProfile } from "../../devices/profile.ts";
import type { InstrumentProfile } from "../../devices/profile.ts";
import { Rng } from "../../sims/math/index.ts";
import { buildInstrument } from "../../sims/instrument.ts";
import type { Instrument } from "../../sims/instrument.ts";
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

export async function buildCampaignInstrument(config: CampaignConfig, options: { connect?: boolean } = {}): Promise<Instrument> {
  const profile = await campaignProfile(config);
  return buildInstrument(profile, { target: "sim", connect: options.connect ?? true });
}

/**
 * The start the campaign asks for: random corrector currents drawn from the set-up's seed (a distorted
 * orbit), then each listed device or signal set and waited for.
 */
export async function applySetup(config: CampaignConfig, instrument: Instrument): Promise<void> {
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
