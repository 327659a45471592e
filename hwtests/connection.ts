/**
 * Connecting a profile's devices, each on its own, so that one missing PV fails only its device and the
 * failure names the PV, the signal it feeds and the device.
 */
import { NotConnectedError } from "../engine/errors.ts";
import { Device } from "../devices/core/device.ts";
import { Signal } from "../devices/core/signal.ts";
import { show } from "./errors.ts";

/** One PV (or part) that did not connect. */
export interface MissingPv {
  /** The signal's name, `dcct-current`. */
  readonly signal: string;
  /** Where it lives, `ca://SR:DCCT:CURRENT` (or the child's name when it is not a signal). */
  readonly source: string;
  readonly reason: string;
}

/** The leaves of a connect failure, resolved to the signals (and PVs) that failed. */
export function missingPvs(device: Device, err: unknown): MissingPv[] {
  if (!(err instanceof NotConnectedError)) {
    const source = device instanceof Signal ? device.source : device.name;
    return [{ signal: device.name, source, reason: show(err) }];
  }
  const children = new Map(device.children());
  const out: MissingPv[] = [];
  for (const [key, childErr] of err.errors) {
    const child = children.get(key);
    if (child) out.push(...missingPvs(child, childErr));
    else out.push({ signal: `${device.name}-${key}`, source: key, reason: show(childErr) });
  }
  return out;
}

/** Strip what the message already says: `sim://X connect timed out after 40 ms` -> `connect timed out after 40 ms`. */
function reasonText(pv: MissingPv): string {
  const reason = pv.reason.replace(/^TimeoutError: /, "");
  return reason.startsWith(`${pv.source} `) ? reason.slice(pv.source.length + 1) : reason;
}

/** A one-line account of what did not connect: `2 of 4 PVs did not connect: SR:DCCT:CURRENT (dcct-current): ...`. */
export function describeMissing(device: Device, missing: readonly MissingPv[]): string {
  const total = countSignals(device);
  const list = missing.map((m) => `${m.source.replace(/^[a-z][a-z0-9+.-]*:\/\//, "")} (${m.signal}): ${reasonText(m)}`);
  return `${missing.length} of ${total} PV${total === 1 ? "" : "s"} did not connect: ${list.join("; ")}`;
}

export function countSignals(device: Device): number {
  if (device instanceof Signal) return 1;
  let n = 0;
  for (const [, child] of device.children()) n += countSignals(child);
  return n;
}

/** Every PV a device reads or writes, by signal name (for listings). */
export function pvsOf(device: Device): { signal: string; source: string }[] {
  if (device instanceof Signal) return [{ signal: device.name, source: device.source }];
  return [...device.children()].flatMap(([, child]) => pvsOf(child));
}
