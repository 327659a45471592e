/** Parsing Bluesky-style flat argument lists (`motor1, start1, stop1, motor2, ...`) with trailing options. */
import { InvalidArgumentError } from "../errors.ts";
import type { Movable } from "../protocols.ts";
import { isOptionsObject, quote, requireFinite, requireMovable } from "./devices.ts";

/** Split off a trailing options object. */
export function splitOptions<O extends object>(args: readonly unknown[]): [unknown[], O] {
  const list = [...args];
  if (list.length && isOptionsObject(list[list.length - 1])) return [list.slice(0, -1), list[list.length - 1] as O];
  return [list, {} as O];
}

/** Chunks of `size` starting with a Movable; `who` and `pattern` name the plan and its argument pattern. */
export function chunk(args: readonly unknown[], size: number, who: string, pattern: string): unknown[][] {
  if (args.length === 0 || args.length % size !== 0)
    throw new InvalidArgumentError(
      `${who} takes arguments patterned like (${pattern}); got ${args.length} arguments, not a multiple of ${size}`,
      args.length,
    );
  const out: unknown[][] = [];
  for (let i = 0; i < args.length; i += size) {
    const c = args.slice(i, i + size);
    requireMovable(c[0], `${who} argument ${i} (motor)`);
    out.push(c);
  }
  const motors = out.map((c) => c[0]);
  const dup = motors.find((m, i) => motors.indexOf(m) !== i);
  if (dup) throw new InvalidArgumentError(`${who}: motor ${quote(dup)} is listed more than once`, dup);
  return out;
}

/** `[motor, start, stop]` triples with finite numbers. */
export function startStopChunks(args: readonly unknown[], who: string): Array<[Movable, number, number]> {
  return chunk(args, 3, who, "motor1, start1, stop1, ..., motorN, startN, stopN").map((c, i) => [
    c[0] as Movable,
    requireFinite(c[1], `${who} start${i + 1}`),
    requireFinite(c[2], `${who} stop${i + 1}`),
  ]);
}

/** `[motor, points]` pairs where every points list is a non-empty array of finite numbers or values. */
export function listChunks(args: readonly unknown[], who: string): Array<[Movable, unknown[]]> {
  return chunk(args, 2, who, "motor1, [points1], ..., motorN, [pointsN]").map((c, i) => {
    if (!Array.isArray(c[1]) || c[1].length === 0)
      throw new InvalidArgumentError(`${who} points${i + 1} must be a non-empty list, got ${quote(c[1])}`, c[1]);
    (c[1] as unknown[]).forEach((v, j) => {
      if (typeof v === "number" && !Number.isFinite(v))
        throw new InvalidArgumentError(`${who} points${i + 1}[${j}] must be finite, got ${quote(v)}`, v);
    });
    return [c[0] as Movable, [...(c[1] as unknown[])]];
  });
}
