/**
 * Instrument profiles: a YAML file listing an instrument's devices, each with its class, PV prefix and
 * options, from which the devices are built for a target backend scheme (`sim` in-process, `ca` over Channel
 * Access). Every problem is a ConfigError naming the file, the device and the field.
 *
 * ```yaml
 * instrument: sim-ring
 * description: the simulated storage ring
 * simulation: { ring: { lattice: small } }   # read only when the target is the simulator
 * devices:
 *   - { name: dcct, class: BeamCurrent, prefix: "SR:DCCT:" }
 *   - { name: orbit, class: OrbitSystem, prefix: "SR:ORBIT:", options: { tolerance: 0.001 } }
 *   - { for: [BPM01A, BPM01B], name: "{lower}", class: Bpm, prefix: "SR:{}:" }   # one device per item
 * ```
 */
import { readFile } from "node:fs/promises";
import { parse, YAMLParseError } from "yaml";
import { ConfigError, InvalidArgumentError } from "../engine/errors.ts";
import { BeamCurrent } from "./accelerator/beam_current.ts";
import { Bpm } from "./accelerator/bpm.ts";
import { CorrectorPowerSupply } from "./accelerator/corrector.ts";
import { Kicker } from "./accelerator/kicker.ts";
import { OrbitSystem } from "./accelerator/orbit_system.ts";
import { RfSystem } from "./accelerator/rf.ts";
import { Tune } from "./accelerator/tune.ts";
import { Camera } from "./beamline/camera.ts";
import { CurrentMonitor } from "./beamline/current_monitor.ts";
import { Shutter, Valve } from "./beamline/gate.ts";
import { Mirror } from "./beamline/mirror.ts";
import { Monochromator } from "./beamline/monochromator.ts";
import { PlaneGratingMonochromator } from "./beamline/pgm.ts";
import { Slits } from "./beamline/slits.ts";
import { Undulator } from "./beamline/undulator.ts";
import type { Device } from "./core/device.ts";
import { EpicsMotor } from "./motors/epics_motor.ts";
import { PvPositioner } from "./motors/pv_positioner.ts";
import type { PvDeviceOptions } from "./motors/pv_device.ts";

/** One device of a profile, after `for` lists are expanded. */
export interface DeviceSpec {
  readonly name: string;
  readonly class: string;
  readonly prefix: string;
  readonly options: Readonly<Record<string, unknown>>;
  /** Where it was written: `devices[3]` (or `devices[3] (BPM01B)` for an expanded item). */
  readonly at: string;
}

export interface InstrumentProfile {
  /** The file it came from (quoted by errors). */
  readonly file: string;
  readonly instrument: string;
  readonly description: string;
  /** How to simulate the instrument; opaque here, read by the simulator side. @default {} */
  readonly simulation: Readonly<Record<string, unknown>>;
  readonly devices: readonly DeviceSpec[];
}

/** The kinds of value a device option may take. */
export const OptionKind = {
  number: "number",
  nonNegative: "non-negative number",
  integer: "integer",
  boolean: "boolean",
  string: "string",
  range: "[low, high] pair",
} as const;
export type OptionKind = (typeof OptionKind)[keyof typeof OptionKind];

/** How a profile builds one class: its options (besides `timeoutMs`, which every class takes) and a factory. */
export interface DeviceClassSpec {
  readonly options: Readonly<Record<string, OptionKind>>;
  readonly create: (options: PvDeviceOptions & Record<string, unknown>) => Device;
}

const ms = OptionKind.nonNegative;

const classes = new Map<string, DeviceClassSpec>([
  ["EpicsMotor", { options: { extraTimeoutMs: ms }, create: (o) => new EpicsMotor(o) }],
  [
    "PvPositioner",
    {
      options: {
        setpointSuffix: "string",
        readbackSuffix: "string",
        doneSuffix: "string",
        doneValue: "number",
        stopSuffix: "string",
        tolerance: OptionKind.nonNegative,
        lowLimitSuffix: "string",
        highLimitSuffix: "string",
        limits: OptionKind.range,
        putCompletion: "boolean",
        units: "string",
        settleTimeoutMs: ms,
      },
      create: (o) => new PvPositioner(o),
    },
  ],
  ["Bpm", { options: {}, create: (o) => new Bpm(o) }],
  ["CorrectorPowerSupply", { options: { tolerance: OptionKind.nonNegative, settleTimeoutMs: ms }, create: (o) => new CorrectorPowerSupply(o) }],
  ["BeamCurrent", { options: {}, create: (o) => new BeamCurrent(o) }],
  ["Tune", { options: {}, create: (o) => new Tune(o) }],
  ["RfSystem", { options: {}, create: (o) => new RfSystem(o) }],
  ["Kicker", { options: {}, create: (o) => new Kicker(o) }],
  ["OrbitSystem", { options: { tolerance: OptionKind.nonNegative, settleTimeoutMs: ms }, create: (o) => new OrbitSystem(o) }],
  ["Shutter", { options: { travelTimeoutMs: ms }, create: (o) => new Shutter(o) }],
  ["Valve", { options: { travelTimeoutMs: ms }, create: (o) => new Valve(o) }],
  ["Mirror", { options: {}, create: (o) => new Mirror(o) }],
  ["Monochromator", { options: {}, create: (o) => new Monochromator(o) }],
  ["PlaneGratingMonochromator", { options: {}, create: (o) => new PlaneGratingMonochromator(o) }],
  ["Undulator", { options: { moveTimeoutMs: ms }, create: (o) => new Undulator(o) }],
  ["Slits", { options: {}, create: (o) => new Slits(o) }],
  ["CurrentMonitor", { options: { extraTimeoutMs: ms }, create: (o) => new CurrentMonitor(o) }],
  ["Camera", { options: { readImage: "boolean", extraTimeoutMs: ms }, create: (o) => new Camera(o) }],
]);

/** Make `name` usable as a `class` in profiles (a site's own device classes). */
export function registerDeviceClass(name: string, spec: DeviceClassSpec, options: { replace?: boolean } = {}): void {
  if (classes.has(name) && !options.replace)
    throw new InvalidArgumentError(`device class ${JSON.stringify(name)} is already registered (pass { replace: true } to replace it)`, name);
  classes.set(name, spec);
}

/** The class names profiles may use. */
export function deviceClassNames(): string[] {
  return [...classes.keys()];
}

const NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;
const TOP_FIELDS = ["instrument", "description", "simulation", "devices"] as const;
const DEVICE_FIELDS = ["name", "class", "prefix", "options", "for"] as const;

type Obj = Record<string, unknown>;
const isObject = (x: unknown): x is Obj => typeof x === "object" && x !== null && !Array.isArray(x);
const quote = (x: unknown): string => (x === undefined ? "nothing" : JSON.stringify(x));

function checkOption(kind: OptionKind, value: unknown): boolean {
  switch (kind) {
    case "number":
      return typeof value === "number" && Number.isFinite(value);
    case "non-negative number":
      return typeof value === "number" && Number.isFinite(value) && value >= 0;
    case "integer":
      return typeof value === "number" && Number.isInteger(value);
    case "boolean":
      return typeof value === "boolean";
    case "string":
      return typeof value === "string";
    case "[low, high] pair":
      return Array.isArray(value) && value.length === 2 && value.every((v) => typeof v === "number" && Number.isFinite(v));
  }
}

/** Parse and check a profile's text; `file` is what errors quote. */
export function parseProfile(text: string, file = "<profile>"): InstrumentProfile {
  let data: unknown;
  try {
    data = parse(text);
  } catch (err) {
    const where = err instanceof YAMLParseError && err.linePos ? ` at line ${err.linePos[0].line}, column ${err.linePos[0].col}` : "";
    throw new ConfigError(file, `not valid YAML${where}: ${(err as Error).message.split("\n")[0]}`, { cause: err });
  }
  const fail = (message: string): never => {
    throw new ConfigError(file, message);
  };
  if (!isObject(data)) return fail(`the profile must be a mapping with "instrument" and "devices", got ${quote(data)}`);
  for (const key of Object.keys(data))
    if (!(TOP_FIELDS as readonly string[]).includes(key)) fail(`unknown field ${JSON.stringify(key)} (known: ${TOP_FIELDS.join(", ")})`);
  const instrument = data.instrument;
  if (typeof instrument !== "string" || instrument.length === 0) fail(`field "instrument" must be a non-empty string, got ${quote(instrument)}`);
  const description = data.description ?? "";
  if (typeof description !== "string") fail(`field "description" must be a string, got ${quote(description)}`);
  const simulation = data.simulation ?? {};
  if (!isObject(simulation)) fail(`field "simulation" must be a mapping, got ${quote(simulation)}`);
  if (!Array.isArray(data.devices) || data.devices.length === 0) fail(`field "devices" must be a non-empty list, got ${quote(data.devices)}`);

  const devices: DeviceSpec[] = [];
  const seen = new Map<string, string>();
  (data.devices as unknown[]).forEach((entry, i) => {
    for (const spec of expand(entry, `devices[${i}]`, fail)) {
      checkDevice(spec, fail);
      const earlier = seen.get(spec.name);
      if (earlier !== undefined) fail(`device ${JSON.stringify(spec.name)} (${spec.at}): field "name": the name is already used by ${earlier}`);
      seen.set(spec.name, spec.at);
      devices.push(spec);
    }
  });
  return { file, instrument: instrument as string, description: description as string, simulation: simulation as Obj, devices };
}

/** One entry, or one per item of its `for` list with `{}` (the item) and `{lower}` substituted. */
function expand(entry: unknown, at: string, fail: (m: string) => never): DeviceSpec[] {
  if (!isObject(entry)) return fail(`${at}: a device must be a mapping with name, class and prefix, got ${quote(entry)}`);
  const label = typeof entry.name === "string" ? `device ${JSON.stringify(entry.name)} (${at})` : at;
  for (const key of Object.keys(entry))
    if (!(DEVICE_FIELDS as readonly string[]).includes(key)) fail(`${label}: unknown field ${JSON.stringify(key)} (known: ${DEVICE_FIELDS.join(", ")})`);
  for (const field of ["name", "class", "prefix"] as const)
    if (typeof entry[field] !== "string" || (entry[field] as string).length === 0)
      fail(`${label}: field "${field}" must be a non-empty string, got ${quote(entry[field])}`);
  const options = entry.options ?? {};
  if (!isObject(options)) fail(`${label}: field "options" must be a mapping, got ${quote(options)}`);
  const base = { class: entry.class as string, options: options as Obj };
  if (entry.for === undefined) return [{ ...base, name: entry.name as string, prefix: entry.prefix as string, at }];
  if (!Array.isArray(entry.for) || entry.for.length === 0 || !entry.for.every((x) => typeof x === "string" || typeof x === "number"))
    fail(`${label}: field "for" must be a non-empty list of strings, got ${quote(entry.for)}`);
  const fill = (template: string, item: string) => template.replaceAll("{lower}", item.toLowerCase()).replaceAll("{}", item);
  return (entry.for as (string | number)[]).map((raw) => {
    const item = String(raw);
    return { ...base, name: fill(entry.name as string, item), prefix: fill(entry.prefix as string, item), at: `${at} (${item})` };
  });
}

function checkDevice(spec: DeviceSpec, fail: (m: string) => never): void {
  const label = `device ${JSON.stringify(spec.name)} (${spec.at})`;
  if (!NAME_RE.test(spec.name)) fail(`${label}: field "name": ${JSON.stringify(spec.name)} is not a valid device name (letters, digits and '_', not starting with a digit)`);
  const cls = classes.get(spec.class);
  if (!cls) return fail(`${label}: field "class": unknown class ${JSON.stringify(spec.class)} (known: ${deviceClassNames().join(", ")})`);
  const allowed: Record<string, OptionKind> = { timeoutMs: OptionKind.nonNegative, ...cls.options };
  for (const [key, value] of Object.entries(spec.options)) {
    const kind = allowed[key];
    if (kind === undefined)
      fail(`${label}: field "options.${key}": ${spec.class} has no such option (it takes: ${Object.keys(allowed).join(", ")})`);
    else if (!checkOption(kind, value)) fail(`${label}: field "options.${key}": expected a ${kind}, got ${quote(value)}`);
  }
}

/** Read and check a profile file. */
export async function loadProfile(path: string): Promise<InstrumentProfile> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    throw new ConfigError(path, `cannot read the profile: ${(err as Error).message}`, { cause: err });
  }
  return parseProfile(text, path);
}

export interface BuildDevicesOptions {
  /** The backend scheme of every PV: `sim`, `ca`, or another registered one. */
  scheme: string;
  /** Prepended to every device's PV prefix (a test IOC's prefix). @default "" */
  pvPrefix?: string;
}

/** Build the profile's devices for `scheme`, by name, in profile order. Nothing is connected yet. */
export function buildDevices(profile: InstrumentProfile, options: BuildDevicesOptions): Record<string, Device> {
  const out: Record<string, Device> = {};
  for (const spec of profile.devices) {
    const cls = classes.get(spec.class);
    if (!cls) throw new ConfigError(profile.file, `device ${JSON.stringify(spec.name)} (${spec.at}): field "class": unknown class ${JSON.stringify(spec.class)}`);
    try {
      out[spec.name] = cls.create({ ...spec.options, name: spec.name, prefix: `${options.pvPrefix ?? ""}${spec.prefix}`, scheme: options.scheme });
    } catch (err) {
      throw new ConfigError(profile.file, `device ${JSON.stringify(spec.name)} (${spec.at}): ${(err as Error).message}`, { cause: err });
    }
  }
  return out;
}
