/**
 * A campaign file: which instrument, which plan, which agent, when to stop, and over which bus. Read and
 * checked in one place; every problem is a ConfigError naming the file and the field (`plan.movables[2]`).
 *
 * ```yaml
 * name: orbit-svd
 * instrument: { profile: ../profiles/sim-ring.yaml, target: sim }   # sim | ioc | ca
 * plan: { mode: per_event, detectors: [orbit], movables: [hcm01a, ...], settle: 0.05, timeout: 10 }
 * agent: { kind: svd-orbit, settings: { bpms: [orbit-x, orbit-y], response: model } }
 * stop: { max_points: 30, objective: { rms: [orbit-x, orbit-y] }, target: { below: 0.002 } }
 * bus: { nats: nats://127.0.0.1:4222, suggestions: tcp://127.0.0.1:5557 }   # absent: everything in-process
 * ```
 */
import { readFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { parse as parseYaml } from "yaml";
import { ConfigError } from "../../engine/errors.ts";

export const CampaignMode = { PerEvent: "per_event", PerRun: "per_run" } as const;

/**
 * Where the devices live: the profile's simulators in this process (`sim`), the same simulators served by a
 * soft IOC in this process and driven over Channel Access (`ioc`), or the real PVs the profile names, found
 * through the EPICS environment variables (`ca`).
 */
export const CampaignTarget = { Sim: "sim", Ioc: "ioc", Ca: "ca" } as const;
export type CampaignTarget = (typeof CampaignTarget)[keyof typeof CampaignTarget];
export type CampaignMode = (typeof CampaignMode)[keyof typeof CampaignMode];

export const DEFAULT_CAMPAIGN = {
  target: "sim",
  mode: CampaignMode.PerEvent,
  timeout: 10,
  settle: 0,
  goal: "minimize",
  output: "data",
  batch: 1,
  deliver: "new",
} as const;

export interface SimulationSetup {
  /** Corrector currents drawn uniformly in ±this many A before the campaign starts (a distorted orbit). */
  correctorSpread?: number;
  /** @default 1 */
  seed?: number;
  /** Devices or signals set, in order, before the campaign starts (a misaligned mirror, a counting time). */
  positions?: [string, number][];
}

export interface ResponseMeasurementConfig {
  kick: number;
  settle: number;
  bipolar: boolean;
}

export type ObjectiveConfig = { kind: "rms"; fields: string[] } | { kind: "field"; field: string };

export interface CurveConfig {
  /** Engine side: the engine's secret certificate (`<name>.key_secret`). */
  serverSecretFile?: string;
  /** Agent side: the engine's public key (`<name>.key`). */
  serverKeyFile?: string;
  /** Agent side: the agent's secret certificate. */
  clientKeyFile?: string;
  /** Engine side: the agents' public keys (a directory of `*.key` or a file of keys). */
  allowedClientsFile?: string;
}

export interface BusConfig {
  nats: string[];
  suggestions: string;
  curve?: CurveConfig;
  /** Where a new durable consumer starts. */
  deliver: "all" | "new";
  /** Subject token for documents and decisions. @default the profile's instrument */
  instrument?: string;
}

export interface CampaignConfig {
  file: string;
  name: string;
  instrument: {
    profile: string;
    target: CampaignTarget;
    simulation?: Record<string, unknown>;
    setup?: SimulationSetup;
  };
  plan: {
    mode: CampaignMode;
    detectors: string[];
    movables: string[];
    settle: number;
    timeout: number;
    response?: ResponseMeasurementConfig;
    /** Narrower ranges than the devices' own, by device name: suggestions outside are refused. */
    limits?: Map<string, readonly [number, number]>;
  };
  agent: {
    kind?: string;
    module?: string;
    export?: string;
    name: string;
    settings: Record<string, unknown>;
    batch: number;
  };
  stop: {
    maxPoints: number;
    objective?: ObjectiveConfig;
    goal: "minimize" | "maximize";
    target?: { below?: number; above?: number };
  };
  bus?: BusConfig;
  /** Folder for documents, plots and the summary, relative to the working directory. */
  output: string;
}

type Obj = Record<string, unknown>;
const isObject = (x: unknown): x is Obj => typeof x === "object" && x !== null && !Array.isArray(x);
const quote = (x: unknown): string => (x === undefined ? "nothing" : (JSON.stringify(x) ?? String(x)));
const TOKEN = /^[A-Za-z0-9_-]+$/;

/** Field-by-field reading of one mapping, failing with the file and the dotted path. */
class Section {
  private readonly seen = new Set<string>();
  constructor(
    readonly file: string,
    readonly path: string,
    readonly obj: Obj,
  ) {}

  static of(file: string, path: string, value: unknown): Section {
    if (!isObject(value)) throw new ConfigError(file, `field "${path}": must be a mapping, got ${quote(value)}`);
    return new Section(file, path, value);
  }

  at(key: string): string {
    return this.path === "" ? key : `${this.path}.${key}`;
  }

  fail(key: string, problem: string): never {
    throw new ConfigError(this.file, `field "${this.at(key)}": ${problem}, got ${quote(this.obj[key])}`);
  }

  raw(key: string): unknown {
    this.seen.add(key);
    return this.obj[key];
  }

  has(key: string): boolean {
    return this.obj[key] !== undefined;
  }

  section(key: string): Section {
    if (!this.has(key)) throw new ConfigError(this.file, `field "${this.at(key)}": is required`);
    return Section.of(this.file, this.at(key), this.raw(key));
  }

  optionalSection(key: string): Section | undefined {
    this.seen.add(key);
    return this.has(key) ? this.section(key) : undefined;
  }

  string(key: string): string | undefined {
    const v = this.raw(key);
    if (v === undefined) return undefined;
    if (typeof v !== "string" || v.length === 0) this.fail(key, "must be a non-empty string");
    return v;
  }

  requiredString(key: string): string {
    if (!this.has(key)) throw new ConfigError(this.file, `field "${this.at(key)}": is required`);
    return this.string(key)!;
  }

  number(key: string, rule: { min?: number; exclusive?: boolean; integer?: boolean } = {}): number | undefined {
    const v = this.raw(key);
    if (v === undefined) return undefined;
    const ok =
      typeof v === "number" &&
      Number.isFinite(v) &&
      (!rule.integer || Number.isInteger(v)) &&
      (rule.min === undefined || (rule.exclusive ? v > rule.min : v >= rule.min));
    if (!ok) {
      const what = rule.integer ? "an integer" : "a finite number";
      this.fail(key, `must be ${what}${rule.min === undefined ? "" : ` ${rule.exclusive ? ">" : ">="} ${rule.min}`}`);
    }
    return v as number;
  }

  boolean(key: string): boolean | undefined {
    const v = this.raw(key);
    if (v !== undefined && typeof v !== "boolean") this.fail(key, "must be true or false");
    return v as boolean | undefined;
  }

  choice<T extends string>(key: string, choices: readonly T[]): T | undefined {
    const v = this.raw(key);
    if (v !== undefined && !(choices as readonly unknown[]).includes(v)) this.fail(key, `must be one of ${choices.join(", ")}`);
    return v as T | undefined;
  }

  names(key: string, required = true): string[] | undefined {
    const v = this.raw(key);
    if (v === undefined) {
      if (required) throw new ConfigError(this.file, `field "${this.at(key)}": is required (a list of names)`);
      return undefined;
    }
    if (!Array.isArray(v) || v.length === 0) this.fail(key, "must be a non-empty list of names");
    const out: string[] = [];
    (v as unknown[]).forEach((name, i) => {
      if (typeof name !== "string" || name.length === 0) {
        throw new ConfigError(this.file, `field "${this.at(key)}[${i}]": must be a non-empty string, got ${quote(name)}`);
      }
      if (out.includes(name)) throw new ConfigError(this.file, `field "${this.at(key)}[${i}]": names "${name}" twice`);
      out.push(name);
    });
    return out;
  }

  /** Refuses keys nobody read: a misspelt field is an error, not silently ignored. */
  finish(): void {
    for (const key of Object.keys(this.obj)) {
      if (!this.seen.has(key)) {
        const known = [...this.seen].join(", ");
        throw new ConfigError(this.file, `field "${this.at(key)}": unknown field (known here: ${known})`);
      }
    }
  }
}

function readInstrument(root: Section, dir: string): CampaignConfig["instrument"] {
  const s = root.section("instrument");
  const profile = resolve(dir, s.requiredString("profile"));
  const target = s.choice("target", Object.values(CampaignTarget)) ?? DEFAULT_CAMPAIGN.target;
  const simulation = s.raw("simulation");
  if (simulation !== undefined && !isObject(simulation)) s.fail("simulation", "must be a mapping of simulator -> settings");
  if (simulation !== undefined && target === CampaignTarget.Ca) s.fail("simulation", `applies to the simulated targets (sim, ioc), not to real PVs (target "ca")`);
  const out: CampaignConfig["instrument"] = { profile, target };
  if (simulation !== undefined) out.simulation = simulation as Obj;
  const setup = s.optionalSection("setup");
  if (setup !== undefined) {
    const spread = setup.number("corrector_spread", { min: 0 });
    const seed = setup.number("seed", { integer: true });
    const positions = setup.optionalSection("positions");
    const pairs: [string, number][] = [];
    if (positions !== undefined) for (const key of Object.keys(positions.obj)) pairs.push([key, positions.number(key)!]);
    setup.finish();
    out.setup = {
      ...(spread !== undefined ? { correctorSpread: spread } : {}),
      ...(seed !== undefined ? { seed } : {}),
      ...(pairs.length > 0 ? { positions: pairs } : {}),
    };
  }
  s.finish();
  return out;
}

function readPlan(root: Section): CampaignConfig["plan"] {
  const s = root.section("plan");
  const plan: CampaignConfig["plan"] = {
    mode: s.choice("mode", Object.values(CampaignMode)) ?? DEFAULT_CAMPAIGN.mode,
    detectors: s.names("detectors")!,
    movables: s.names("movables")!,
    settle: s.number("settle", { min: 0 }) ?? DEFAULT_CAMPAIGN.settle,
    timeout: s.number("timeout", { min: 0, exclusive: true }) ?? DEFAULT_CAMPAIGN.timeout,
  };
  const l = s.optionalSection("limits");
  if (l !== undefined) {
    plan.limits = new Map();
    for (const [name, value] of Object.entries(l.obj)) {
      l.raw(name);
      const range = value as number[];
      if (!Array.isArray(range) || range.length !== 2 || !range.every((v) => typeof v === "number" && Number.isFinite(v)) || !(range[0] < range[1])) {
        l.fail(name, "must be [low, high] with finite low < high");
      }
      if (!plan.movables.includes(name)) l.fail(name, `names a device that is not one of plan.movables (${plan.movables.join(", ")})`);
      plan.limits.set(name, [range[0], range[1]]);
    }
  }
  const r = s.optionalSection("response");
  if (r !== undefined) {
    if (!r.has("kick")) throw new ConfigError(root.file, `field "plan.response.kick": is required (the change of set-point per kick)`);
    plan.response = { kick: r.number("kick", { min: 0, exclusive: true })!, settle: r.number("settle", { min: 0 }) ?? plan.settle, bipolar: r.boolean("bipolar") ?? true };
    r.finish();
  }
  s.finish();
  return plan;
}

function readAgent(root: Section): CampaignConfig["agent"] {
  const s = root.section("agent");
  const kind = s.string("kind");
  const module = s.string("module");
  if ((kind === undefined) === (module === undefined)) {
    throw new ConfigError(root.file, `field "agent": give exactly one of "kind" (a registered agent) and "module" (a file of your own), got ${kind === undefined ? "neither" : "both"}`);
  }
  const exportName = s.string("export");
  const name = s.string("name") ?? kind ?? (exportName && exportName !== "default" ? exportName : "agent");
  if (!TOKEN.test(name)) s.fail("name", "may only hold letters, digits, '_' and '-' (it names NATS subjects)");
  const settings = s.raw("settings") ?? {};
  if (!isObject(settings)) s.fail("settings", "must be a mapping");
  const batch = s.number("batch", { min: 1, integer: true }) ?? DEFAULT_CAMPAIGN.batch;
  s.finish();
  return { ...(kind ? { kind } : {}), ...(module ? { module } : {}), ...(exportName ? { export: exportName } : {}), name, settings: settings as Obj, batch };
}

function readObjective(s: Section): ObjectiveConfig | undefined {
  const value = s.raw("objective");
  if (value === undefined) return undefined;
  if (typeof value === "string" && value.length > 0) return { kind: "field", field: value };
  const o = Section.of(s.file, s.at("objective"), value);
  const rms = o.names("rms", false);
  const field = o.string("field");
  o.finish();
  if ((rms === undefined) === (field === undefined)) {
    throw new ConfigError(s.file, `field "${s.at("objective")}": give exactly one of "rms" (a list of reading fields) and "field" (one reading), got ${quote(value)}`);
  }
  return rms !== undefined ? { kind: "rms", fields: rms } : { kind: "field", field: field! };
}

function readStop(root: Section): CampaignConfig["stop"] {
  const s = root.section("stop");
  if (!s.has("max_points")) throw new ConfigError(root.file, `field "stop.max_points": is required (the budget of points)`);
  const stop: CampaignConfig["stop"] = {
    maxPoints: s.number("max_points", { min: 1, integer: true })!,
    goal: s.choice("goal", ["minimize", "maximize"] as const) ?? DEFAULT_CAMPAIGN.goal,
  };
  const objective = readObjective(s);
  if (objective !== undefined) stop.objective = objective;
  const t = s.optionalSection("target");
  if (t !== undefined) {
    const below = t.number("below");
    const above = t.number("above");
    t.finish();
    if (below === undefined && above === undefined) throw new ConfigError(root.file, `field "stop.target": give "below" or "above"`);
    if (objective === undefined) throw new ConfigError(root.file, `field "stop.target": needs "stop.objective" to compare with`);
    stop.target = { ...(below !== undefined ? { below } : {}), ...(above !== undefined ? { above } : {}) };
  }
  s.finish();
  return stop;
}

function readBus(root: Section, dir: string): BusConfig | undefined {
  const s = root.optionalSection("bus");
  if (s === undefined) return undefined;
  const nats = s.raw("nats");
  const urls = typeof nats === "string" ? [nats] : nats;
  if (!Array.isArray(urls) || urls.length === 0 || !urls.every((u) => typeof u === "string" && /^(nats|tls):\/\/\S+$/.test(u))) {
    s.fail("nats", "must be a NATS URL (nats://host:port) or a list of them");
  }
  const suggestions = s.requiredString("suggestions");
  if (!/^(tcp:\/\/\S+:\d+|ipc:\/\/\S+|inproc:\/\/\S+)$/.test(suggestions)) s.fail("suggestions", "must be a ZeroMQ endpoint with a port, e.g. tcp://127.0.0.1:5557");
  const bus: BusConfig = { nats: urls as string[], suggestions, deliver: s.choice("deliver", ["all", "new"] as const) ?? DEFAULT_CAMPAIGN.deliver };
  const instrument = s.string("instrument");
  if (instrument !== undefined) {
    if (!TOKEN.test(instrument)) s.fail("instrument", "may only hold letters, digits, '_' and '-'");
    bus.instrument = instrument;
  }
  const c = s.optionalSection("curve");
  if (c !== undefined) {
    const file = (key: string): string | undefined => {
      const v = c.string(key);
      return v === undefined ? undefined : resolve(dir, v);
    };
    const curve: CurveConfig = {};
    const entries: [keyof CurveConfig, string][] = [
      ["serverSecretFile", "server_secret"],
      ["serverKeyFile", "server_key"],
      ["clientKeyFile", "client_key"],
      ["allowedClientsFile", "allowed_clients"],
    ];
    for (const [field, key] of entries) {
      const v = file(key);
      if (v !== undefined) curve[field] = v;
    }
    c.finish();
    if (curve.serverSecretFile === undefined && curve.serverKeyFile === undefined) {
      throw new ConfigError(root.file, `field "bus.curve": give "server_secret" (the engine's secret certificate) and/or "server_key" (its public key, for agents)`);
    }
    bus.curve = curve;
  }
  s.finish();
  return bus;
}

/** Checks a parsed campaign document; `file` names it in every error and anchors relative paths. */
export function parseCampaign(data: unknown, file: string): CampaignConfig {
  const root = Section.of(file, "", data);
  const dir = dirname(resolve(file));
  const name = root.requiredString("name");
  if (!TOKEN.test(name)) root.fail("name", "may only hold letters, digits, '_' and '-' (it names consumers and files)");
  const config: CampaignConfig = {
    file,
    name,
    instrument: readInstrument(root, dir),
    plan: readPlan(root),
    agent: readAgent(root),
    stop: readStop(root),
    output: root.string("output") ?? DEFAULT_CAMPAIGN.output,
  };
  const bus = readBus(root, dir);
  if (bus !== undefined) config.bus = bus;
  root.string("description");
  root.finish();
  return config;
}

/** Reads and checks a campaign file. */
export async function loadCampaign(path: string): Promise<CampaignConfig> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (cause) {
    throw new ConfigError(path, `cannot read the campaign file: ${(cause as Error).message}`, { cause });
  }
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch (cause) {
    throw new ConfigError(path, `not valid YAML: ${(cause as Error).message.split("\n")[0]}`, { cause });
  }
  return parseCampaign(data, path);
}
