import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Container } from "inversify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError, InvalidArgumentError } from "../engine/errors.ts";
import { matrixToRows } from "../sims/math/index.ts";
import { RingSimulator, smallRingLattice } from "../sims/ring/index.ts";
import { BayesOptAgent } from "./bo/agent.ts";
import { AgentLoadError } from "./core/errors.ts";
import { AGENT_REGISTRY, agentFactoryToken, AgentRegistry, bindAgentRegistry } from "./registry.ts";
import { GridSearchAgent } from "./search/grid.ts";
import { RandomSearchAgent } from "./search/random.ts";
import { SvdOrbitAgent } from "./svd/agent.ts";

/** A user's agent: imports nothing from skyloop, only follows the interface. */
const USER_AGENT = `
export class MyAgent {
  constructor(settings, context) {
    if (typeof settings.step !== "number") throw new TypeError("MyAgent needs a numeric step");
    this.name = context.name;
    this.fields = { independent: ["m"], dependent: ["d"] };
    this.step = settings.step;
    this.position = 0;
    this.count = 0;
  }
  tell(x, y) { this.position = x.m; this.count++; return { seen: y.d }; }
  ask(n) { return [{ points: { m: this.position + this.step }, rationale: "one step on" }]; }
  report() { return { agent: this.name, kind: "my-agent", observations: this.count, done: false }; }
  reset() { this.position = 0; this.count = 0; }
}
export function makeTyped(settings: { offset: number }, context: { name: string }) {
  const offset: number = settings.offset;
  return { name: context.name, fields: { independent: ["a"], dependent: [] },
    tell: () => ({}), ask: () => [{ points: { a: offset } }], report: () => ({ agent: context.name, kind: "typed", observations: 0, done: false }), reset: () => {} };
}
export const notAnAgent = () => ({ hello: 1 });
export default MyAgent;
`;

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "skyloop-agents-"));
  writeFileSync(join(dir, "my_agent.ts"), USER_AGENT);
  writeFileSync(join(dir, "plain.mjs"), USER_AGENT.replace(/export function makeTyped[\s\S]*?\n}\n/, ""));
  writeFileSync(join(dir, "broken.ts"), "export const x = ;");
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("AgentRegistry built-ins", () => {
  const sim = new RingSimulator({ lattice: smallRingLattice() });

  it("registers svd-orbit, rl-orbit, bayes-opt, grid, random and peak by default", async () => {
    const registry = new AgentRegistry();
    expect(registry.kinds()).toEqual(["bayes-opt", "grid", "peak", "random", "rl-orbit", "svd-orbit"]);
    const svd = await registry.create({ kind: "svd-orbit", name: "orbit-x", settings: { correctors: sim.correctorNames, bpms: ["orbit"], response: matrixToRows(sim.nominalResponse()) } });
    expect(svd).toBeInstanceOf(SvdOrbitAgent);
    expect(svd.name).toBe("orbit-x");
    expect(svd.fields.independent).toEqual(sim.correctorNames);
    expect(await registry.create({ kind: "bayes-opt", settings: { bounds: { pitch: [3.4, 3.6] }, objective: "flux" } })).toBeInstanceOf(BayesOptAgent);
    expect(await registry.create({ kind: "grid", settings: { bounds: { x: [0, 1] }, points: 3 } })).toBeInstanceOf(GridSearchAgent);
    const random = await registry.create({ kind: "random", settings: { bounds: { x: [0, 1] } } });
    expect(random).toBeInstanceOf(RandomSearchAgent);
    expect(random.name).toBe("random");
  });

  it("names the agent and the setting when settings are bad", async () => {
    const registry = new AgentRegistry();
    const spec = { kind: "grid", name: "scan", settings: { bounds: { x: [0, 1] }, points: 3, snak: true } };
    await expect(registry.create(spec)).rejects.toThrow(InvalidArgumentError);
    await expect(registry.create(spec)).rejects.toThrow('agent "scan": setting "snak" is not a setting of this agent (misspelt?), got true');
    // From a campaign file, the same failure names the file as well.
    await expect(registry.create(spec, { file: "/campaigns/scan.yaml" })).rejects.toThrow(ConfigError);
    await expect(registry.create(spec, { file: "/campaigns/scan.yaml" })).rejects.toThrow('/campaigns/scan.yaml: agent "scan": setting "snak" is not a setting of this agent (misspelt?), got true');
  });

  it("refuses an unknown kind, listing the known ones", async () => {
    const registry = new AgentRegistry();
    await expect(registry.create({ kind: "svd-orbt" })).rejects.toThrow(InvalidArgumentError);
    await expect(registry.create({ kind: "svd-orbt" })).rejects.toThrow('unknown agent kind "svd-orbt"; registered kinds: bayes-opt, grid, peak, random, rl-orbit, svd-orbit');
    await expect(registry.create({ settings: {} } as never)).rejects.toThrow('an agent spec needs "kind" (one of bayes-opt, grid, peak, random, rl-orbit, svd-orbit) or "module", got {"settings":{}}');
  });

  it("binds factories in the given container, one token per kind, and can replace one", () => {
    const container = new Container();
    bindAgentRegistry(container);
    const registry = container.get(AGENT_REGISTRY);
    expect(container.get(AGENT_REGISTRY)).toBe(registry);
    expect(container.isBound(agentFactoryToken("svd-orbit"))).toBe(true);
    const grid = registry.createRegistered("grid", { bounds: { x: [0, 1] }, points: 2 });
    expect(() => registry.register("grid", () => grid)).toThrow('agent kind "grid" is already registered; pass {replace: true} to override it');
    registry.register("grid", () => grid, { replace: true });
    expect(registry.createRegistered("grid", {})).toBe(grid);
    // The same factory again (a module's own register helper beside the built-in) changes nothing.
    const factory = container.get(agentFactoryToken("grid"));
    registry.register("grid", factory);
    expect(registry.createRegistered("grid", {})).toBe(grid);
    expect(() => registry.register("grid", () => grid)).toThrow('agent kind "grid" is already registered; pass {replace: true} to override it');
    expect(() => registry.register("my agent", () => grid)).toThrow(`agent kind "my agent" may hold only letters, digits, '_', '.' and '-'`);
  });

  it("refuses a factory that does not return an agent", () => {
    const registry = new AgentRegistry({ builtins: false });
    expect(registry.kinds()).toEqual([]);
    registry.register("fake", () => ({ name: "fake" }) as never);
    expect(() => registry.createRegistered("fake")).toThrow(
      'agent kind "fake" did not produce an agent (one needs name, fields {independent, dependent}, tell, ask, report and reset)',
    );
  });
});

describe("AgentRegistry module agents", () => {
  it("loads a class from a TypeScript module relative to the campaign file and runs it", async () => {
    const registry = new AgentRegistry();
    const agent = await registry.create({ module: "./my_agent.ts", export: "MyAgent", settings: { step: 0.5 } }, { file: join(dir, "campaign.yaml") });
    expect(agent.name).toBe("MyAgent");
    expect(agent.tell({ m: 2 }, { d: 7 })).toEqual({ seen: 7 });
    expect(await agent.ask(1)).toEqual([{ points: { m: 2.5 }, rationale: "one step on" }]);
    expect(agent.report()).toEqual({ agent: "MyAgent", kind: "my-agent", observations: 1, done: false });
  });

  it("takes the default export, a factory function, plain JavaScript, and registers a module under a kind", async () => {
    const registry = new AgentRegistry();
    const byDefault = await registry.create({ module: join(dir, "my_agent.ts"), settings: { step: 1 } });
    expect(byDefault.name).toBe("my_agent");
    const typed = await registry.create({ module: "./my_agent.ts", export: "makeTyped", name: "t", settings: { offset: 4 } }, { baseDir: dir });
    expect(await typed.ask(1)).toEqual([{ points: { a: 4 } }]);
    await registry.registerModule("stepper", { module: "./plain.mjs", export: "MyAgent" }, { baseDir: dir });
    expect(registry.kinds()).toContain("stepper");
    expect((await registry.create({ kind: "stepper", name: "s1", settings: { step: 2 } })).name).toBe("s1");
  });

  it("says what is wrong with a module that does not provide an agent", async () => {
    const registry = new AgentRegistry();
    const missing = registry.create({ module: "./my_agent.ts", export: "Nope", settings: {} }, { baseDir: dir });
    await expect(missing).rejects.toThrow(AgentLoadError);
    await expect(registry.create({ module: "./my_agent.ts", export: "Nope" }, { baseDir: dir })).rejects.toThrow(
      'cannot load agent "Nope" from ./my_agent.ts: the module has no export "Nope" (it exports MyAgent, default, makeTyped, notAnAgent)',
    );
    await expect(registry.create({ module: "./my_agent.ts", export: "notAnAgent" }, { baseDir: dir })).rejects.toThrow(
      'agent kind "./my_agent.ts#notAnAgent" did not produce an agent',
    );
    await expect(registry.create({ module: "./absent.ts" }, { baseDir: dir })).rejects.toThrow(/^cannot load agent "default" from \.\/absent\.ts: import failed: /);
    await expect(registry.create({ module: "./broken.ts" }, { file: join(dir, "c.yaml") })).rejects.toThrow(ConfigError);
    // The user's own settings check surfaces as it is.
    await expect(registry.create({ module: "./my_agent.ts", export: "MyAgent", settings: {} }, { baseDir: dir })).rejects.toThrow("MyAgent needs a numeric step");
  });
});
