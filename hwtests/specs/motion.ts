/**
 * What the movable checks need to know about an axis: where it is, how far a small step is, how close is
 * close enough, its limits and its done flags. Sizes come from the device's own description (display
 * precision, limits) unless `--param step=…`, `tolerance=…` say otherwise.
 */
import { hasLimits, isLocatable, type Readable } from "../../engine/protocols.ts";
import { Device } from "../../devices/core/device.ts";
import type { SignalR } from "../../devices/core/signal.ts";
import { EpicsMotor } from "../../devices/motors/epics_motor.ts";
import { limitsActive } from "../../devices/motors/pv_device.ts";
import { PvPositioner } from "../../devices/motors/pv_positioner.ts";
import { fail } from "../expect.ts";
import type { CheckContext } from "../spec.ts";

export interface Axis {
  readonly name: string;
  readonly units: string;
  /** Active [low, high] limits, or undefined. */
  readonly limits: readonly [number, number] | undefined;
  readonly step: number;
  readonly tolerance: number;
  readonly precision: number | undefined;
}

/** The axis's readback: `locate()`'s, else the reading under the device's name. */
export async function readback(device: object): Promise<number> {
  const name = (device as { name?: string }).name ?? "device";
  let value: unknown;
  if (isLocatable(device)) value = (await device.locate()).readback;
  else value = (await (device as Readable).read())[name]?.value;
  if (typeof value !== "number") fail(`${name} readback`, "a number", JSON.stringify(value) ?? String(value));
  return value;
}

/** Whether the axis is a scalar one (not an orbit system's vector of set-points). */
export async function isScalar(device: object): Promise<boolean> {
  if (!isLocatable(device)) return false;
  return typeof (await device.locate()).readback === "number";
}

export async function axisOf(device: object, t: Pick<CheckContext, "param">): Promise<Axis> {
  const name = (device as { name?: string }).name ?? "device";
  let key: { precision?: number | null; units?: string | null } | undefined;
  const describe = (device as Partial<Readable>).describe;
  if (typeof describe === "function") key = (await describe.call(device))[name];
  const precision = typeof key?.precision === "number" ? key.precision : undefined;
  let limits: readonly [number, number] | undefined;
  if (hasLimits(device)) {
    const l = await device.limits();
    if (limitsActive(l)) limits = l;
  }
  const span = limits ? limits[1] - limits[0] : Number.POSITIVE_INFINITY;
  let step = precision !== undefined ? 100 * 10 ** -precision : Math.min(span / 100, 1);
  if (!Number.isFinite(step)) step = 1;
  step = Math.min(step, span / 100);
  step = t.param("step", step);
  const own = device instanceof PvPositioner ? device.tolerance : undefined;
  let tolerance = own ?? (precision !== undefined ? 2 * 10 ** -precision : step / 10);
  tolerance = t.param("tolerance", tolerance);
  return { name, units: key?.units ?? "", limits, step, tolerance, precision };
}

/** A target `distance` away from `from`, up if that stays inside the limits, else down. */
export function targetFrom(axis: Axis, from: number, distance: number): number {
  const up = from + distance;
  if (!axis.limits || up <= axis.limits[1]) return up;
  return from - distance;
}

export interface DoneFlag {
  readonly what: string;
  readonly signal: SignalR<number>;
  readonly settled: number;
}

/** The flags that say the axis is at rest: DMOV = 1 and MOVN = 0 of its motors, a positioner's done PV. */
export function doneFlags(device: object): DoneFlag[] {
  if (device instanceof EpicsMotor)
    return [
      { what: `${device.name} done flag (DMOV)`, signal: device.motor_done_move, settled: 1 },
      { what: `${device.name} moving flag (MOVN)`, signal: device.motor_is_moving, settled: 0 },
    ];
  if (device instanceof PvPositioner) return device.done ? [{ what: `${device.name} done flag`, signal: device.done, settled: 1 }] : [];
  if (!(device instanceof Device)) return [];
  return [...device.children()].flatMap(([, child]) => doneFlags(child));
}

/** The motor that drives a device: itself, or its only motor (a monochromator's Bragg axis, an undulator's gap). */
export function motorOf(device: object): EpicsMotor | undefined {
  if (device instanceof EpicsMotor) return device;
  if (!(device instanceof Device)) return undefined;
  const motors = [...device.children()].map(([, c]) => c).filter((c): c is EpicsMotor => c instanceof EpicsMotor);
  return motors.length === 1 ? motors[0] : undefined;
}

/** Wait until every done flag shows rest. */
export async function settle(t: CheckContext, flags: readonly DoneFlag[], timeoutMs: number): Promise<void> {
  for (const f of flags)
    await t.waitFor(() => f.signal.getValue(), (v) => v === f.settled, { timeoutMs, what: f.what, expected: String(f.settled) });
}

export const fmt = (v: number, axis: Axis): string => (axis.precision !== undefined ? v.toFixed(axis.precision) : String(Number(v.toPrecision(6))));
