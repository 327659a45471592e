/**
 * Spec files: a module whose default export (or `spec` export) is a SpecModule, loaded from a file or from
 * every `.ts`/`.mts`/`.js`/`.mjs` file of a directory (tests and declaration files left out), in name order.
 */
import { readdir, stat } from "node:fs/promises";
import { extname, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { SpecLoadError } from "./errors.ts";
import { BUILTIN_SPECS } from "./specs/index.ts";
import { type SpecModule, SpecRegistry } from "./spec.ts";

const SPEC_EXT = new Set([".ts", ".mts", ".js", ".mjs"]);
const isSpecFile = (name: string) => SPEC_EXT.has(extname(name)) && !/\.(test|d)\.[cm]?[tj]s$/.test(name);

/** The files `path` names: itself, or the spec files in it. */
export async function specFiles(path: string): Promise<string[]> {
  const abs = resolve(path);
  let info;
  try {
    info = await stat(abs);
  } catch (err) {
    throw new SpecLoadError(path, `cannot read it: ${(err as Error).message}`, { cause: err });
  }
  if (!info.isDirectory()) return [abs];
  const names = (await readdir(abs)).filter(isSpecFile).sort();
  if (names.length === 0) throw new SpecLoadError(path, `the directory holds no spec files (*.ts, *.mts, *.js, *.mjs)`);
  return names.map((n) => join(abs, n));
}

/** Import one spec file and register it. */
export async function loadSpecFile(file: string, registry: SpecRegistry): Promise<void> {
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (err) {
    throw new SpecLoadError(file, `cannot load it: ${(err as Error).message}`, { cause: err });
  }
  const spec = mod.default ?? mod.spec;
  if (typeof spec !== "function")
    throw new SpecLoadError(file, `a spec file must export default a function taking the hwtest API, e.g. export default ({ describeDevice, check, expect }) => { ... }`);
  const before = registry.size;
  try {
    registry.load(spec as SpecModule, file);
  } catch (err) {
    throw new SpecLoadError(file, (err as Error).message, { cause: err });
  }
  if (registry.size === before) throw new SpecLoadError(file, `it describes no devices (call describeDevice at least once)`);
}

/** The built-in specs (unless `builtin` is false) and the spec files under `paths`. */
export async function buildRegistry(paths: readonly string[] = [], options: { builtin?: boolean } = {}): Promise<SpecRegistry> {
  const registry = new SpecRegistry();
  if (options.builtin ?? true) for (const [name, spec] of BUILTIN_SPECS) registry.load(spec, `builtin:${name}`);
  for (const p of paths) for (const file of await specFiles(p)) await loadSpecFile(file, registry);
  return registry;
}
