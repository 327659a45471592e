/**
 * Faults a simulated IOC can be given on purpose, so the hardware suite can prove it catches them:
 * - `stuck-motor`: the motor record accepts a move, goes busy for the time the move would take, then reports
 *   done without having moved (RBV unchanged);
 * - `dead-pv`: the PV exists in the table but never connects (a name ending in `*` kills every PV it
 *   prefixes);
 * - `readback-offset`: the motor's RBV reads its true position plus an offset;
 * - `noisy-bpm`: one BPM's readings get extra Gaussian noise (sigma in mm).
 *
 * On a command line a fault is written `kind:target` or `kind:target=value`, e.g. `stuck-motor:BL:MONO:BRAGG`,
 * `readback-offset:BL:M1:PITCH=0.05`, `noisy-bpm:BPM03A=0.2`, `dead-pv:SR:DCCT:CURRENT`.
 */
import { InvalidArgumentError } from "../../engine/errors.ts";

export const FaultKind = {
  stuckMotor: "stuck-motor",
  deadPv: "dead-pv",
  readbackOffset: "readback-offset",
  noisyBpm: "noisy-bpm",
} as const;
export type FaultKind = (typeof FaultKind)[keyof typeof FaultKind];

export type FaultSpec =
  | { readonly kind: "stuck-motor"; /** The motor record's name (its prefix, e.g. `BL:MONO:BRAGG`). */ readonly motor: string }
  | { readonly kind: "dead-pv"; readonly pv: string }
  | { readonly kind: "readback-offset"; readonly motor: string; /** In the motor's units. */ readonly offset: number }
  | { readonly kind: "noisy-bpm"; /** The BPM's lattice name, e.g. `BPM03A`. */ readonly bpm: string; readonly sigmaMm: number };

/** The noise a `noisy-bpm` fault adds when no value is given, mm. */
export const DEFAULT_NOISY_BPM_SIGMA_MM = 0.1;

/** Parse `kind:target[=value]` as the IOC's `--fault` option takes it. */
export function parseFault(text: string): FaultSpec {
  const colon = text.indexOf(":");
  const kind = colon > 0 ? text.slice(0, colon) : text;
  const rest = colon > 0 ? text.slice(colon + 1) : "";
  const eq = rest.lastIndexOf("=");
  const target = eq >= 0 ? rest.slice(0, eq) : rest;
  const valueText = eq >= 0 ? rest.slice(eq + 1) : undefined;
  const kinds = Object.values(FaultKind) as string[];
  if (!kinds.includes(kind))
    throw new InvalidArgumentError(`unknown fault ${JSON.stringify(text)}: the kind must be one of ${kinds.join(", ")} (write kind:target[=value])`, text);
  if (target.length === 0) throw new InvalidArgumentError(`fault ${JSON.stringify(text)} names no target (write ${kind}:target)`, text);
  const number = (what: string): number => {
    const v = valueText === undefined ? Number.NaN : Number(valueText);
    if (valueText === undefined || valueText.trim() === "" || !Number.isFinite(v))
      throw new InvalidArgumentError(`fault ${JSON.stringify(text)} needs a finite ${what} after '=', got ${JSON.stringify(valueText ?? "")}`, text);
    return v;
  };
  switch (kind) {
    case FaultKind.stuckMotor:
      return { kind, motor: target };
    case FaultKind.deadPv:
      return { kind, pv: target };
    case FaultKind.readbackOffset:
      return { kind, motor: target, offset: number("offset") };
    default:
      return { kind: "noisy-bpm", bpm: target, sigmaMm: valueText === undefined ? DEFAULT_NOISY_BPM_SIGMA_MM : number("noise sigma (mm)") };
  }
}
