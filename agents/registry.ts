import { basename, isAbsolute, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { Container, type ServiceIdentifier } from "inversify";
import { ConfigError, InvalidArgumentError, SkyloopError } from "../engine/errors.ts";
import { BAYES_OPT_KIND, BayesOptAgent } from "./bo/agent.ts";
import { isAgent, type Agent, type AgentSpec, type ModuleAgentSpec } from "./core/agent.ts";
import { AgentLoadError } from "./core/errors.ts";
import { GRID_KIND, GridSearchAgent } from "./search/grid.ts";
import { RL_ORBIT_KIND, rlOrbitFactory } from "./rl/agent.ts";
import { PEAK_KIND, PeakSearchAgent } from "./search/peak.ts";
import { RANDOM_KIND, RandomSearchAgent } from "./search/random.ts";
import { SVD_ORBIT_KIND, SvdOrbitAgent } from "./svd/agent.ts";

/** What a factory is told besides the settings. */
export interface AgentContext {
  /** The instance name the agent should take. */
  readonly name: string;
  /** The registered kind, or the module reference for a module agent. */
  readonly kind: string;
}

/** Builds an agent from its (unvalidated) settings; throws `InvalidArgumentError` naming a bad setting. */
export type AgentFactory = (settings: Record<string, unknown>, context: AgentContext) => Agent;

/** Where a module agent comes from. */
export interface AgentModuleRef {
  module: string;
  /** @default "default" */
  export?: string;
}

/** The registry itself, for a composition root that resolves it from its container. */
export const AGENT_REGISTRY: ServiceIdentifier<AgentRegistry> = Symbol.for("skyloop.agents.AgentRegistry");

/** The container token of one kind's factory. */
export function agentFactoryToken(kind: string): ServiceIdentifier<AgentFactory> {
  return Symbol.for(`skyloop.agents.factory.${kind}`);
}

export const BUILTIN_AGENTS: Readonly<Record<string, AgentFactory>> = {
  [SVD_ORBIT_KIND]: (settings, c) => SvdOrbitAgent.fromSettings(settings, c.name),
  [BAYES_OPT_KIND]: (settings, c) => BayesOptAgent.fromSettings(settings, c.name),
  [GRID_KIND]: (settings, c) => GridSearchAgent.fromSettings(settings, c.name),
  [RANDOM_KIND]: (settings, c) => RandomSearchAgent.fromSettings(settings, c.name),
  [PEAK_KIND]: (settings, c) => PeakSearchAgent.fromSettings(settings, c.name),
  // The trained policy runs in plain JavaScript: building this agent loads no TensorFlow.js.
  [RL_ORBIT_KIND]: rlOrbitFactory,
};

export interface AgentRegistryOptions {
  /** The container to bind factories in (the composition root's). @default a new container */
  container?: Container;
  /** Register the built-in agents. @default true */
  builtins?: boolean;
}

export interface CreateAgentOptions {
  /** The campaign file the spec came from: errors then become `ConfigError`s naming it. */
  file?: string;
  /** Folder that relative module paths start from. @default the file's folder, else the working directory */
  baseDir?: string;
}

const KIND_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

function isClass(value: unknown): value is new (...args: unknown[]) => unknown {
  return typeof value === "function" && /^class[\s{]/.test(Function.prototype.toString.call(value));
}

/**
 * Agents by name. Each kind's factory is bound in an inversify container under its own token with
 * `toDynamicValue`, so the composition root can swap or decorate one without touching the others. A spec from
 * a campaign file names either a registered kind or a module of the user's own, loaded with a dynamic import
 * (a factory function or a class taking `(settings, context)`), without any change to skyloop.
 */
export class AgentRegistry {
  readonly container: Container;
  private readonly known = new Set<string>();
  private readonly modules = new Map<string, Promise<AgentFactory>>();

  constructor(options: AgentRegistryOptions = {}) {
    this.container = options.container ?? new Container();
    if (options.builtins ?? true) for (const [kind, factory] of Object.entries(BUILTIN_AGENTS)) this.register(kind, factory);
  }

  /**
   * Adds a kind; `replace` allows overriding an existing one (a built-in included). Registering a kind again
   * with the very factory it already has changes nothing (a module's own `register...` helper next to the
   * built-in).
   */
  register(kind: string, factory: AgentFactory, options: { replace?: boolean } = {}): void {
    if (!KIND_PATTERN.test(kind)) throw new InvalidArgumentError(`agent kind ${JSON.stringify(kind)} may hold only letters, digits, '_', '.' and '-'`, kind);
    if (typeof factory !== "function") throw new InvalidArgumentError(`the factory of agent kind "${kind}" must be a function`, factory);
    const token = agentFactoryToken(kind);
    if (this.container.isBound(token)) {
      if (!options.replace && this.known.has(kind) && this.container.get(token) === factory) return;
      if (!options.replace) throw new InvalidArgumentError(`agent kind "${kind}" is already registered; pass {replace: true} to override it`, kind);
      this.container.unbind(token);
    }
    this.container.bind(token).toDynamicValue(() => factory).inSingletonScope();
    this.known.add(kind);
  }

  has(kind: string): boolean {
    return this.known.has(kind);
  }

  /** Registered kinds, sorted. */
  kinds(): string[] {
    return [...this.known].sort();
  }

  /** An agent of a registered kind; settings are validated by the kind's factory. */
  createRegistered(kind: string, settings: Record<string, unknown> = {}, name = kind): Agent {
    if (!this.known.has(kind)) {
      throw new InvalidArgumentError(`unknown agent kind ${JSON.stringify(kind)}; registered kinds: ${this.kinds().join(", ")}`, kind);
    }
    const factory = this.container.get(agentFactoryToken(kind));
    return checked(factory(settings, { name, kind }), kind);
  }

  /** The factory exported by a module; loaded once per resolved module and export. */
  loadModule(ref: AgentModuleRef, baseDir = process.cwd()): Promise<AgentFactory> {
    const exportName = ref.export ?? "default";
    const specifier = ref.module.startsWith(".") || isAbsolute(ref.module) ? pathToFileURL(resolve(baseDir, ref.module)).href : ref.module;
    const key = `${specifier}#${exportName}`;
    let loading = this.modules.get(key);
    if (loading === undefined) {
      loading = importFactory(ref.module, specifier, exportName);
      // A failed import is not cached: the user may fix the file and try again.
      loading.catch(() => this.modules.delete(key));
      this.modules.set(key, loading);
    }
    return loading;
  }

  /** Registers a module's agent under a kind, so specs can name it like a built-in. */
  async registerModule(kind: string, ref: AgentModuleRef, options: { baseDir?: string; replace?: boolean } = {}): Promise<void> {
    this.register(kind, await this.loadModule(ref, options.baseDir), { replace: options.replace });
  }

  /**
   * The agent a campaign file's spec describes. With `file`, every failure becomes a `ConfigError` naming the
   * file, the agent and the setting.
   */
  async create(spec: AgentSpec, options: CreateAgentOptions = {}): Promise<Agent> {
    const baseDir = options.baseDir ?? (options.file === undefined ? process.cwd() : resolve(options.file, ".."));
    try {
      if (typeof spec !== "object" || spec === null) throw new InvalidArgumentError(`an agent spec must be an object, got ${JSON.stringify(spec)}`, spec);
      const settings = spec.settings ?? {};
      if (typeof settings !== "object" || Array.isArray(settings)) {
        throw new InvalidArgumentError(`agent "${spec.name ?? ("kind" in spec ? spec.kind : "?")}": settings must be an object, got ${JSON.stringify(settings)}`, settings);
      }
      if ("module" in spec && typeof spec.module === "string") return await this.createFromModule(spec, settings, baseDir);
      if (!("kind" in spec) || typeof spec.kind !== "string") {
        throw new InvalidArgumentError(`an agent spec needs "kind" (one of ${this.kinds().join(", ")}) or "module", got ${JSON.stringify(spec)}`, spec);
      }
      return this.createRegistered(spec.kind, settings, spec.name ?? spec.kind);
    } catch (err) {
      if (options.file !== undefined && err instanceof SkyloopError && !(err instanceof ConfigError)) {
        throw new ConfigError(options.file, err.message, { cause: err });
      }
      throw err;
    }
  }

  private async createFromModule(spec: ModuleAgentSpec, settings: Record<string, unknown>, baseDir: string): Promise<Agent> {
    const exportName = spec.export ?? "default";
    const factory = await this.loadModule({ module: spec.module, export: exportName }, baseDir);
    const name = spec.name ?? (exportName === "default" ? basename(spec.module).replace(/\.[^.]*$/, "") : exportName);
    const kind = `${spec.module}#${exportName}`;
    return checked(factory(settings, { name, kind }), kind);
  }
}

function checked(agent: unknown, kind: string): Agent {
  if (!isAgent(agent)) {
    throw new InvalidArgumentError(`agent kind "${kind}" did not produce an agent (one needs name, fields {independent, dependent}, tell, ask, report and reset)`, kind);
  }
  return agent;
}

async function importFactory(module: string, specifier: string, exportName: string): Promise<AgentFactory> {
  let mod: Record<string, unknown>;
  try {
    mod = (await import(specifier)) as Record<string, unknown>;
  } catch (cause) {
    // A TypeScript file outside an ES-module package is taken for CommonJS by the default loader; tsx's
    // scoped import reads it as the ES module it is.
    if (!/\.[cm]?ts$/.test(module)) throw new AgentLoadError(module, exportName, `import failed: ${(cause as Error).message}`, { cause });
    try {
      const { tsImport } = await import("tsx/esm/api");
      mod = (await tsImport(specifier, import.meta.url)) as Record<string, unknown>;
      // Compiled as CommonJS, the module's own exports sit under `default`.
      const inner = mod.default;
      if (inner !== null && typeof inner === "object" && !(exportName in mod && typeof mod[exportName] === "function")) mod = inner as Record<string, unknown>;
    } catch (retry) {
      throw new AgentLoadError(module, exportName, `import failed: ${(retry as Error).message}`, { cause: retry });
    }
  }
  const value = mod[exportName];
  if (value === undefined) {
    const available = Object.keys(mod).filter((k) => typeof mod[k] === "function").sort();
    throw new AgentLoadError(module, exportName, `the module has no export "${exportName}" (it exports ${available.length > 0 ? available.join(", ") : "no functions or classes"})`);
  }
  if (isClass(value)) {
    const Ctor = value;
    return (settings, context) => new Ctor(settings, context) as Agent;
  }
  if (typeof value === "function") return value as AgentFactory;
  throw new AgentLoadError(module, exportName, `the export is ${typeof value}, not a factory function or a class`);
}

/** Binds one registry, over the given container, as a singleton under `AGENT_REGISTRY`. */
export function bindAgentRegistry(container: Container, options: Omit<AgentRegistryOptions, "container"> = {}): void {
  container
    .bind(AGENT_REGISTRY)
    .toDynamicValue(() => new AgentRegistry({ ...options, container }))
    .inSingletonScope();
}
