/**
 * Build an instrument from its profile for a target: over Channel Access (`ca`: the devices only, their PVs
 * served by real or soft IOCs), or in-process on the simulators (`sim`: the simulators the profile's
 * `simulation` section describes are created, their PV tables registered under the `sim` scheme, and the same
 * device classes built on `sim://` PVs).
 *
 * ```yaml
 * simulation:
 *   ring:     { lattice: small, seed: 1, machineSeed: 1, prefix: "SR:", imperfections: typical, disturbances: typical }
 *   beamline: { seed: 1, prefix: "BL:", energyEv: 9000, preset: hard-xray }   # fed by the ring's current when there is a ring
 * ```
 * `preset: soft-xray` builds the soft X-ray beamline (plane-grating monochromator, `SOFT_XRAY_BEAMLINE`).
 */
import { ConfigError, InvalidArgumentError, NotConnectedError } from "../engine/errors.ts";
import type { Device } from "../devices/core/device.ts";
import { buildDevices, type InstrumentProfile, loadProfile } from "../devices/profile.ts";
import { BeamlineSimulator } from "./beamline/simulator.ts";
import { SOFT_XRAY_BEAMLINE } from "./beamline/softxray.ts";
import { registerSimBackend } from "./pvs/backend.ts";
import { beamlinePvTable, DEFAULT_BEAMLINE_PREFIX } from "./pvs/beamline.ts";
import type { FaultSpec } from "./pvs/faults.ts";
import { DEFAULT_RING_PREFIX, ringPvTable } from "./pvs/ring.ts";
import type { SimPvTable } from "./pvs/table.ts";
import { TYPICAL_DISTURBANCES } from "./ring/disturbances.ts";
import { latticeFromObject } from "./ring/lattice-config.ts";
import { RingSimulator, type RingSimulatorOptions, TYPICAL_IMPERFECTIONS } from "./ring/simulator.ts";

export const InstrumentTarget = { sim: "sim", ca: "ca" } as const;
export type InstrumentTarget = (typeof InstrumentTarget)[keyof typeof InstrumentTarget];

export interface BuildInstrumentOptions {
  target: InstrumentTarget;
  /** Prepended to every PV name (device prefixes and simulated tables alike). @default "" */
  pvPrefix?: string;
  /** Connect every device before returning. @default false */
  connect?: boolean;
  /** Limit of that connect, ms. @default the devices' own (DEFAULT_TIMEOUT_MS) */
  connectTimeoutMs?: number;
  /** Faults for the simulated tables (`sim` only). @default [] */
  faults?: readonly FaultSpec[];
  /** Divide the beamline's wall-clock durations by this (tests). @default 1 */
  speedUp?: number;
  /** The simulated tables' clock, ms. @default performance.now */
  clock?: () => number;
  /** How often the tables refresh monitors, ms. @default DEFAULT_TICK_MS */
  tickMs?: number;
}

export interface Instrument {
  readonly name: string;
  readonly target: InstrumentTarget;
  readonly devices: Readonly<Record<string, Device>>;
  /** The simulators and their PV tables (`sim` only). */
  readonly ring: RingSimulator | undefined;
  readonly beamline: BeamlineSimulator | undefined;
  readonly tables: readonly SimPvTable[];
  /** Stop the tables and take them off the `sim` scheme. */
  dispose(): void;
}

type Obj = Record<string, unknown>;
const isObject = (x: unknown): x is Obj => typeof x === "object" && x !== null && !Array.isArray(x);
const quote = (x: unknown): string => JSON.stringify(x) ?? String(x);

const RING_FIELDS = ["lattice", "seed", "machineSeed", "prefix", "imperfections", "disturbances"];
const BEAMLINE_FIELDS = ["seed", "prefix", "energyEv", "preset"];
/** The beamline presets a profile may name: the hard X-ray (DCM) default and the soft X-ray (PGM) one. */
export const BEAMLINE_PRESETS = { "hard-xray": {}, "soft-xray": SOFT_XRAY_BEAMLINE } as const;

function reader(file: string, section: string, data: unknown, fields: readonly string[]) {
  const fail = (field: string, message: string): never => {
    throw new ConfigError(file, `field "simulation.${section}${field ? `.${field}` : ""}": ${message}`);
  };
  if (!isObject(data)) fail("", `must be a mapping, got ${quote(data)}`);
  const obj = data as Obj;
  for (const key of Object.keys(obj)) if (!fields.includes(key)) fail(key, `unknown field (known: ${fields.join(", ")})`);
  return {
    obj,
    fail,
    integer(key: string): number | undefined {
      const v = obj[key];
      if (v !== undefined && !(typeof v === "number" && Number.isInteger(v))) fail(key, `must be an integer, got ${quote(v)}`);
      return v as number | undefined;
    },
    number(key: string): number | undefined {
      const v = obj[key];
      if (v !== undefined && !(typeof v === "number" && Number.isFinite(v))) fail(key, `must be a finite number, got ${quote(v)}`);
      return v as number | undefined;
    },
    string(key: string): string | undefined {
      const v = obj[key];
      if (v !== undefined && typeof v !== "string") fail(key, `must be a string, got ${quote(v)}`);
      return v as string | undefined;
    },
    choice(key: string, choices: readonly string[]): string | undefined {
      const v = obj[key];
      if (v !== undefined && !choices.includes(v as string)) fail(key, `must be one of ${choices.join(", ")}, got ${quote(v)}`);
      return v as string | undefined;
    },
  };
}

function ringOptions(file: string, data: unknown): { options: RingSimulatorOptions; prefix: string | undefined } {
  const r = reader(file, "ring", data, RING_FIELDS);
  const options: RingSimulatorOptions = {};
  const lattice = r.obj.lattice;
  if (lattice !== undefined) {
    try {
      options.lattice = latticeFromObject(typeof lattice === "string" ? { preset: lattice } : lattice, `${file}: simulation.ring.lattice`);
    } catch (err) {
      r.fail("lattice", (err as Error).message);
    }
  }
  const seed = r.integer("seed");
  const machineSeed = r.integer("machineSeed");
  if (seed !== undefined) options.seed = seed;
  if (machineSeed !== undefined) options.machineSeed = machineSeed;
  if (r.choice("imperfections", ["typical", "none"]) === "typical") Object.assign(options, TYPICAL_IMPERFECTIONS);
  if (r.choice("disturbances", ["typical", "none"]) === "typical") options.disturbances = TYPICAL_DISTURBANCES;
  return { options, prefix: r.string("prefix") };
}

/** Build the instrument a profile (or a profile file) describes, for `target`. */
export async function buildInstrument(profile: InstrumentProfile | string, options: BuildInstrumentOptions): Promise<Instrument> {
  const p = typeof profile === "string" ? await loadProfile(profile) : profile;
  const pvPrefix = options.pvPrefix ?? "";
  if (options.target !== "sim" && options.target !== "ca")
    throw new InvalidArgumentError(`unknown target ${quote(options.target)}: use "sim" or "ca"`, options.target);
  if (options.target === "ca") {
    if ((options.faults?.length ?? 0) > 0) throw new InvalidArgumentError(`faults apply to simulated targets only, not "ca"`, options.faults);
    const devices = buildDevices(p, { scheme: "ca", pvPrefix });
    await connectAll(devices, options);
    return { name: p.instrument, target: "ca", devices, ring: undefined, beamline: undefined, tables: [], dispose: () => {} };
  }

  const { ring, beamline, tables } = buildSimulators(p, options);
  const unregister = registerSimBackend(...tables);
  const dispose = () => {
    unregister();
    for (const t of tables) t.dispose();
  };
  try {
    const devices = buildDevices(p, { scheme: "sim", pvPrefix });
    await connectAll(devices, options);
    return { name: p.instrument, target: "sim", devices, ring, beamline, tables, dispose };
  } catch (err) {
    dispose();
    throw err;
  }
}

/** The simulators of a profile's `simulation` section and their PV tables (faults applied), registered nowhere. */
export interface SimulatedMachine {
  readonly ring: RingSimulator | undefined;
  readonly beamline: BeamlineSimulator | undefined;
  readonly tables: readonly SimPvTable[];
}

/** Build the simulators a profile describes, with their PV tables; the caller serves them (sim://, a soft IOC). */
export function buildSimulators(p: InstrumentProfile, options: Omit<BuildInstrumentOptions, "target" | "connect" | "connectTimeoutMs"> = {}): SimulatedMachine {
  const pvPrefix = options.pvPrefix ?? "";
  const sim = p.simulation;
  for (const key of Object.keys(sim))
    if (key !== "ring" && key !== "beamline") throw new ConfigError(p.file, `field "simulation.${key}": unknown simulator (known: ring, beamline)`);
  if (sim.ring === undefined && sim.beamline === undefined)
    throw new ConfigError(p.file, `field "simulation": name at least one simulator (ring or beamline) to build for the "sim" target`);
  const table = { clock: options.clock, tickMs: options.tickMs };
  const common = Object.fromEntries(Object.entries(table).filter(([, v]) => v !== undefined));
  const tables: SimPvTable[] = [];
  let ring: RingSimulator | undefined;
  let beamline: BeamlineSimulator | undefined;
  if (sim.ring !== undefined) {
    const r = ringOptions(p.file, sim.ring);
    ring = new RingSimulator(r.options);
    tables.push(ringPvTable(ring, { ...common, prefix: `${pvPrefix}${r.prefix ?? DEFAULT_RING_PREFIX}` }));
  }
  if (sim.beamline !== undefined) {
    const b = reader(p.file, "beamline", sim.beamline, BEAMLINE_FIELDS);
    const seed = b.integer("seed");
    const energyEv = b.number("energyEv");
    const preset = b.choice("preset", Object.keys(BEAMLINE_PRESETS)) as keyof typeof BEAMLINE_PRESETS | undefined;
    beamline = new BeamlineSimulator({
      ...BEAMLINE_PRESETS[preset ?? "hard-xray"],
      ...(seed === undefined ? {} : { seed }),
      ...(energyEv === undefined ? {} : { energyEv }),
      ...(ring ? { beamCurrent: ring } : {}),
    });
    tables.push(
      beamlinePvTable(beamline, { ...common, prefix: `${pvPrefix}${b.string("prefix") ?? DEFAULT_BEAMLINE_PREFIX}`, speedUp: options.speedUp ?? 1 }),
    );
  }
  // The beamline's source follows the ring's current, so bring the ring up to time whenever the beamline is.
  if (tables.length === 2) {
    const [ringTable, beamlineTable] = tables as [SimPvTable, SimPvTable];
    beamlineTable.addUpdater(() => ringTable.refresh());
  }
  try {
    for (const fault of options.faults ?? []) applyToSomeTable(tables, fault);
  } catch (err) {
    for (const t of tables) t.dispose();
    throw err;
  }
  return { ring, beamline, tables };
}

function applyToSomeTable(tables: readonly SimPvTable[], fault: FaultSpec): void {
  const reasons: string[] = [];
  for (const t of tables) {
    try {
      t.applyFault(fault);
      return;
    } catch (err) {
      reasons.push(`${t.name}: ${(err as Error).message}`);
    }
  }
  throw new InvalidArgumentError(`fault ${quote(fault)} matches nothing in the simulated instrument (${reasons.join("; ")})`, fault);
}

async function connectAll(devices: Record<string, Device>, options: BuildInstrumentOptions): Promise<void> {
  if (!options.connect) return;
  const entries = Object.entries(devices);
  const results = await Promise.allSettled(
    entries.map(([, d]) => d.connect(options.connectTimeoutMs === undefined ? {} : { timeoutMs: options.connectTimeoutMs })),
  );
  const errors = new Map<string, Error>();
  results.forEach((r, i) => {
    if (r.status === "rejected") errors.set(entries[i]![0], r.reason instanceof Error ? r.reason : new InvalidArgumentError(String(r.reason)));
  });
  if (errors.size > 0) throw new NotConnectedError(errors);
}
