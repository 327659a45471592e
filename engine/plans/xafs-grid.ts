/**
 * The energy grid of an XAFS step scan: regions relative to the edge energy e0, each with its own step and
 * dwell time, in eV or in photo-electron wavenumber k (Å⁻¹). A value with the suffix "k" is a wavenumber:
 * a boundary "15k" is e0 + ħ²k²/2mₑ = e0 + 3.80998·15² eV; a step "0.05k" steps k by 0.05 Å⁻¹; a time
 * "0.25k" dwells 0.25·k seconds at each point (k-weighted counting for the weak high-k oscillations).
 */
import { InvalidArgumentError } from "../errors.ts";
import { quote } from "./devices.ts";

/** ħ²/2mₑ in eV·Å²: E - e0 = EV_PER_K2 · k². */
export const EV_PER_K2 = 3.80998;

/** Energy above the edge (eV) of wavenumber k (Å⁻¹). */
export const kToE = (k: number): number => EV_PER_K2 * k * k;

/** Wavenumber (Å⁻¹) of an energy `e` eV above the edge (e >= 0). */
export const eToK = (e: number): number => Math.sqrt(e / EV_PER_K2);

/** A region value: a number (eV, eV step, seconds) or a string such as "-200", "15k", "0.05k". */
export type XafsValue = number | string;

interface Parsed {
  readonly value: number;
  readonly k: boolean;
}

function parseValue(v: XafsValue, what: string): Parsed {
  if (typeof v === "number") {
    if (!Number.isFinite(v)) throw new InvalidArgumentError(`${what} must be finite, got ${quote(v)}`, v);
    return { value: v, k: false };
  }
  const m = /^\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*([kK]?)\s*$/.exec(String(v));
  if (!m) throw new InvalidArgumentError(`${what} must be a number, optionally with suffix "k", got ${quote(v)}`, v);
  return { value: Number(m[1]), k: m[2] !== "" };
}

/** Split "a b c" or accept a list. */
function list(v: readonly XafsValue[] | string, what: string): XafsValue[] {
  if (typeof v === "string") return v.trim().split(/[\s,]+/).filter(Boolean);
  if (!Array.isArray(v)) throw new InvalidArgumentError(`${what} must be a list or a space-separated string, got ${quote(v)}`, v);
  return [...v];
}

export interface XafsRegions {
  /** Region boundaries relative to e0: N+1 values, increasing. */
  regions: readonly XafsValue[] | string;
  /** N steps, eV or "…k". */
  steps: readonly XafsValue[] | string;
  /** N dwell times, seconds or "…k" (seconds per Å⁻¹). */
  times: readonly XafsValue[] | string;
}

export interface XafsGrid {
  /** Absolute energies, eV, increasing. */
  energies: number[];
  /** Dwell time at each energy, seconds. */
  times: number[];
  /** The region index of each point. */
  region: number[];
  /** Points per region. */
  pointsPerRegion: number[];
}

/**
 * The points of an XAFS scan. Each region runs from its lower boundary (included) up to its upper boundary
 * (excluded, it starts the next region); the scan's last boundary is included as the final point.
 */
export function xafsGrid(e0: number, spec: XafsRegions): XafsGrid {
  if (typeof e0 !== "number" || !Number.isFinite(e0) || e0 <= 0)
    throw new InvalidArgumentError(`e0 must be a positive edge energy in eV, got ${quote(e0)}`, e0);
  const bounds = list(spec.regions, "regions").map((b, i) => parseValue(b, `regions[${i}]`));
  const steps = list(spec.steps, "steps").map((s, i) => parseValue(s, `steps[${i}]`));
  const times = list(spec.times, "times").map((t, i) => parseValue(t, `times[${i}]`));
  if (bounds.length < 2)
    throw new InvalidArgumentError(`regions needs at least 2 boundaries, got ${bounds.length}`, spec.regions);
  if (steps.length !== bounds.length - 1)
    throw new InvalidArgumentError(
      `steps must give one step per region (${bounds.length - 1}), got ${steps.length}: ${quote(spec.steps)}`,
      spec.steps,
    );
  if (times.length !== bounds.length - 1)
    throw new InvalidArgumentError(
      `times must give one time per region (${bounds.length - 1}), got ${times.length}: ${quote(spec.times)}`,
      spec.times,
    );
  const edges = bounds.map((b, i) => {
    if (b.k && b.value < 0) throw new InvalidArgumentError(`regions[${i}] is a wavenumber and cannot be negative, got ${b.value}k`, b);
    return b.k ? kToE(b.value) : b.value;
  });
  for (let i = 1; i < edges.length; i++)
    if (!(edges[i]! > edges[i - 1]!))
      throw new InvalidArgumentError(
        `regions must increase: regions[${i}] (${edges[i]!.toFixed(3)} eV) is not above regions[${i - 1}] ` +
          `(${edges[i - 1]!.toFixed(3)} eV)`,
        spec.regions,
      );
  steps.forEach((s, i) => {
    if (!(s.value > 0)) throw new InvalidArgumentError(`steps[${i}] must be > 0, got ${s.value}${s.k ? "k" : ""}`, s);
    if (s.k && edges[i]! < 0)
      throw new InvalidArgumentError(
        `steps[${i}] is a wavenumber step but region ${i} starts below e0 (${edges[i]} eV); k is defined only above e0`,
        s,
      );
  });
  times.forEach((t, i) => {
    if (!(t.value > 0)) throw new InvalidArgumentError(`times[${i}] must be > 0, got ${t.value}${t.k ? "k" : ""}`, t);
    if (t.k && edges[i]! < 0)
      throw new InvalidArgumentError(
        `times[${i}] is k-weighted but region ${i} starts below e0 (${edges[i]} eV); k is defined only above e0`,
        t,
      );
  });

  const grid: XafsGrid = { energies: [], times: [], region: [], pointsPerRegion: [] };
  const push = (rel: number, r: number) => {
    const t = times[r]!;
    grid.energies.push(e0 + rel);
    grid.times.push(t.k ? t.value * eToK(Math.max(rel, 0)) : t.value);
    grid.region.push(r);
  };
  for (let r = 0; r < steps.length; r++) {
    const from = edges[r]!;
    const to = edges[r + 1]!;
    const step = steps[r]!;
    const before = grid.energies.length;
    if (step.k) {
      const k0 = eToK(from);
      const n = Math.ceil((eToK(to) - k0) / step.value - 1e-9);
      for (let j = 0; j < n; j++) push(kToE(k0 + j * step.value), r);
    } else {
      const n = Math.ceil((to - from) / step.value - 1e-9);
      for (let j = 0; j < n; j++) push(from + j * step.value, r);
    }
    if (r === steps.length - 1) push(to, r);
    grid.pointsPerRegion.push(grid.energies.length - before);
  }
  return grid;
}
