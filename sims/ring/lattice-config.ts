import { ConfigError, InvalidArgumentError } from "../../engine/errors.ts";
import type { Lattice, OpticsPoint } from "./lattice.ts";
import { DEFAULT_RING_LATTICE, generateLattice, SMALL_RING_LATTICE, type LatticeGeneratorOptions } from "./lattice-generator.ts";

/** Named generator presets usable from configuration files. */
export const LATTICE_PRESETS = { default: DEFAULT_RING_LATTICE, small: SMALL_RING_LATTICE } as const;
export type LatticePreset = keyof typeof LATTICE_PRESETS;

type Obj = Record<string, unknown>;

function isObject(x: unknown): x is Obj {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

function quote(x: unknown): string {
  return x === undefined ? "nothing" : JSON.stringify(x);
}

class Reader {
  constructor(readonly source: string) {}

  fail(path: string, message: string, cause?: unknown): never {
    throw new ConfigError(this.source, `${path}: ${message}`, cause === undefined ? undefined : { cause });
  }

  number(obj: Obj, key: string, path: string, check: (x: number) => boolean, want: string): number {
    const x = obj[key];
    if (typeof x !== "number" || !Number.isFinite(x) || !check(x)) this.fail(`${path}${key}`, `must be ${want}, got ${quote(x)}`);
    return x;
  }

  optionalNumber(obj: Obj, key: string, path: string): number | undefined {
    return obj[key] === undefined ? undefined : this.number(obj, key, path, () => true, "a finite number");
  }

  point(x: unknown, path: string, circumference: number): OpticsPoint {
    if (!isObject(x)) this.fail(path, `must be an object with name, s, betaX, betaY, phaseX, phaseY, got ${quote(x)}`);
    const name = x.name;
    if (typeof name !== "string" || name.length === 0) this.fail(`${path}.name`, `must be a non-empty string, got ${quote(name)}`);
    const p = `${path}.`;
    const positive = (v: number): boolean => v > 0;
    const point: OpticsPoint = {
      name,
      s: this.number(x, "s", p, (v) => v >= 0 && v < circumference, `a position in [0, ${circumference}) m`),
      betaX: this.number(x, "betaX", p, positive, "a positive finite number (m)"),
      betaY: this.number(x, "betaY", p, positive, "a positive finite number (m)"),
      phaseX: this.number(x, "phaseX", p, (v) => v >= 0, "a finite phase >= 0 (rad)"),
      phaseY: this.number(x, "phaseY", p, (v) => v >= 0, "a finite phase >= 0 (rad)"),
    };
    const etaX = this.optionalNumber(x, "etaX", p);
    return etaX === undefined ? point : { ...point, etaX };
  }

  points(obj: Obj, key: string, circumference: number, maxPhase: { x: number; y: number }): OpticsPoint[] {
    const list = obj[key];
    if (!Array.isArray(list) || list.length === 0) this.fail(key, `must be a non-empty list of elements, got ${quote(list)}`);
    const seen = new Set<string>();
    return list.map((item, i) => {
      const pt = this.point(item, `${key}[${i}]`, circumference);
      if (seen.has(pt.name)) this.fail(`${key}[${i}].name`, `duplicate element name ${quote(pt.name)}`);
      seen.add(pt.name);
      if (pt.phaseX > maxPhase.x) this.fail(`${key}[${i}].phaseX`, `${pt.phaseX} exceeds one turn (2π·tuneX = ${maxPhase.x.toFixed(4)})`);
      if (pt.phaseY > maxPhase.y) this.fail(`${key}[${i}].phaseY`, `${pt.phaseY} exceeds one turn (2π·tuneY = ${maxPhase.y.toFixed(4)})`);
      return pt;
    });
  }
}

/**
 * A lattice from plain data (a parsed YAML or JSON file). Either explicit optics
 * `{name?, circumference, tuneX, tuneY, bpms, hCorrectors, vCorrectors}` or a generated ring
 * `{preset?: "default" | "small", generate?: {...LatticeGeneratorOptions overrides}}`.
 * Errors are ConfigErrors naming `source` and the offending field, e.g. `bpms[3].betaX`.
 */
export function latticeFromObject(data: unknown, source = "lattice"): Lattice {
  const r: Reader = new Reader(source);
  if (!isObject(data)) r.fail("(root)", `must be an object, got ${quote(data)}`);
  if (data.preset !== undefined || data.generate !== undefined) return generatedLattice(r, data);

  const name = data.name ?? "lattice";
  if (typeof name !== "string") r.fail("name", `must be a string, got ${quote(name)}`);
  const circumference = r.number(data, "circumference", "", (v) => v > 0, "a positive finite number (m)");
  const notInteger = (v: number): boolean => v > 0 && !Number.isInteger(v);
  const tuneX = r.number(data, "tuneX", "", notInteger, "a positive non-integer tune");
  const tuneY = r.number(data, "tuneY", "", notInteger, "a positive non-integer tune");
  const maxPhase = { x: 2 * Math.PI * tuneX + 1e-9, y: 2 * Math.PI * tuneY + 1e-9 };
  return {
    name,
    circumference,
    tuneX,
    tuneY,
    bpms: r.points(data, "bpms", circumference, maxPhase),
    hCorrectors: r.points(data, "hCorrectors", circumference, maxPhase),
    vCorrectors: r.points(data, "vCorrectors", circumference, maxPhase),
  };
}

function generatedLattice(r: Reader, data: Obj): Lattice {
  const preset = data.preset ?? "default";
  if (typeof preset !== "string" || !(preset in LATTICE_PRESETS)) {
    r.fail("preset", `must be one of ${Object.keys(LATTICE_PRESETS).join(", ")}, got ${quote(preset)}`);
  }
  const overrides = data.generate ?? {};
  if (!isObject(overrides)) r.fail("generate", `must be an object of generator options, got ${quote(overrides)}`);
  const known = new Set(Object.keys(DEFAULT_RING_LATTICE));
  for (const key of Object.keys(overrides)) {
    if (!known.has(key)) r.fail(`generate.${key}`, `unknown generator option (known: ${[...known].join(", ")})`);
  }
  try {
    return generateLattice({ ...LATTICE_PRESETS[preset as LatticePreset], ...(overrides as Partial<LatticeGeneratorOptions>) });
  } catch (err) {
    if (err instanceof InvalidArgumentError) r.fail("generate", err.message, err);
    throw err;
  }
}

/** Plain data for a lattice (round-trips through `latticeFromObject`). */
export function latticeToObject(lattice: Lattice): Obj {
  return JSON.parse(JSON.stringify(lattice)) as Obj;
}
