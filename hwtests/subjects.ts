/**
 * The devices under test: every device of the profile, and the movable parts of those that do not move as a
 * whole (a mirror's pitch, x and y motors; the blades and gaps of slits), each tested under its own name.
 */
import { Device } from "../devices/core/device.ts";
import { Signal } from "../devices/core/signal.ts";
import { isMovable } from "../engine/protocols.ts";
import type { DeviceInfo, Subject } from "./spec.ts";

/** The class of `obj` and every class it extends, most specific first (`Object` left out). */
export function classChain(obj: object): string[] {
  const names: string[] = [];
  for (let p = Object.getPrototypeOf(obj); p && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
    const name = (p.constructor as { name?: string } | undefined)?.name;
    if (name) names.push(name);
  }
  return names;
}

/** A device that moves and is not a bare signal. */
export function isMovableDevice(d: unknown): boolean {
  return d instanceof Device && !(d instanceof Signal) && isMovable(d);
}

/** The profile's devices (in profile order), each followed by its movable parts when it is not movable itself. */
export function subjectsOf(devices: Readonly<Record<string, object>>, profileClasses: Readonly<Record<string, string>> = {}): Subject[] {
  const out: Subject[] = [];
  for (const [name, device] of Object.entries(devices)) {
    const classes = classChain(device);
    const profileClass = profileClasses[name] ?? classes[0] ?? "Object";
    out.push({ device, info: { name, classes, profileDevice: name, profileClass, isPart: false } });
    if (isMovableDevice(device) || !(device instanceof Device)) continue;
    for (const [, child] of device.children()) {
      if (!isMovableDevice(child)) continue;
      const info: DeviceInfo = { name: child.name || `${name}-part`, classes: classChain(child), profileDevice: name, profileClass, isPart: true };
      out.push({ device: child, info });
    }
  }
  return out;
}
