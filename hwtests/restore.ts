/**
 * Putting devices back. Before a check moves a device the suite saves where it is (a motor's set-point, a
 * valve's state); after the check it puts it back, and at the end of the run (also after a failure or Ctrl-C)
 * it puts back every device as it found it at the start, upstream first, since moving one device can move
 * another (closing a valve closes the shutter behind it).
 *
 * A restorer knows how to save and restore one kind of device. Sites register their own for their classes.
 */
import { InvalidArgumentError } from "../engine/errors.ts";
import { isLocatable, type Locatable, type Movable } from "../engine/protocols.ts";
import { OrbitSystem } from "../devices/accelerator/orbit_system.ts";
import { Shutter, Valve } from "../devices/beamline/gate.ts";
import { Device } from "../devices/core/device.ts";
import { Signal } from "../devices/core/signal.ts";
import { withTimeout } from "../devices/core/status.ts";
import { EpicsMotor } from "../devices/motors/epics_motor.ts";
import { PvPositioner } from "../devices/motors/pv_positioner.ts";
import { show } from "./errors.ts";

/** Where one device was, and how to put it back. */
export interface Saved {
  /** The device's name and what was saved (`mono-bragg at 12.3457`). */
  readonly label: string;
  /** Put it back; rejects when that fails or takes longer than `timeoutMs`. */
  restore(timeoutMs: number): Promise<void>;
  /** Undefined when it is where it was, else what differs. */
  differs(): Promise<string | undefined>;
}

export interface Restorer {
  readonly name: string;
  matches(device: object): boolean;
  capture(device: object): Promise<Saved>;
}

const close = (a: number, b: number, tol: number) => Math.abs(a - b) <= tol;
const relTol = (v: number) => 1e-9 * Math.max(1, Math.abs(v));

function numberSaved(name: string, read: () => Promise<number>, saved: number, move: (v: number) => PromiseLike<void>, tol: number): Saved {
  return {
    label: `${name} at ${show(saved)}`,
    restore: async (timeoutMs) => {
      if (close(await read(), saved, tol)) return;
      await withTimeout(move(saved), timeoutMs, `putting ${name} back to ${show(saved)}`);
    },
    differs: async () => {
      const now = await read();
      return close(now, saved, tol) ? undefined : `${name} is at ${show(now)} instead of ${show(saved)}`;
    },
  };
}

const motorRestorer: Restorer = {
  name: "EpicsMotor (VAL)",
  matches: (d) => d instanceof EpicsMotor,
  capture: async (d) => {
    const m = d as EpicsMotor;
    const saved = await m.user_setpoint.getValue();
    return numberSaved(m.name, () => m.user_setpoint.getValue(), saved, (v) => m.set(v), relTol(saved));
  },
};

const positionerRestorer: Restorer = {
  name: "PvPositioner (set-point)",
  matches: (d) => d instanceof PvPositioner,
  capture: async (d) => {
    const p = d as PvPositioner;
    const saved = await p.setpoint.getValue();
    return numberSaved(p.name, () => p.setpoint.getValue(), saved, (v) => p.set(v), relTol(saved));
  },
};

const orbitRestorer: Restorer = {
  name: "OrbitSystem (corrector set-points)",
  matches: (d) => d instanceof OrbitSystem,
  capture: async (d) => {
    const o = d as OrbitSystem;
    const read = async () => [...(await o.h_setpoints.getValue()), ...(await o.v_setpoints.getValue())];
    const saved = await read();
    const same = (now: number[]) => now.length === saved.length && now.every((v, i) => close(v, saved[i]!, relTol(saved[i]!)));
    return {
      label: `${o.name} corrector set-points`,
      restore: async (timeoutMs) => {
        if (same(await read())) return;
        await withTimeout(o.set(saved), timeoutMs, `putting ${o.name}'s corrector set-points back`);
      },
      differs: async () => (same(await read()) ? undefined : `${o.name}'s corrector set-points differ from the saved ones`),
    };
  },
};

const gateRestorer: Restorer = {
  name: "Valve/Shutter (state)",
  matches: (d) => d instanceof Valve || d instanceof Shutter,
  capture: async (d) => {
    const g = d as Valve;
    const saved = await g.state.getValue();
    return {
      label: `${g.name} ${saved}`,
      restore: async (timeoutMs) => {
        if (saved !== "Open" && saved !== "Closed") return;
        if ((await g.state.getValue()) === saved) return;
        await withTimeout(g.set(saved === "Open" ? "open" : "close", { timeoutMs }), timeoutMs, `putting ${g.name} back to ${saved}`);
      },
      differs: async () => {
        const now = await g.state.getValue();
        return now === saved || (saved !== "Open" && saved !== "Closed") ? undefined : `${g.name} is ${now} instead of ${saved}`;
      },
    };
  },
};

/** A device made of restorable parts (a monochromator's Bragg motor, slit blades): saves each part. */
const compositeRestorer: Restorer = {
  name: "parts",
  matches: (d) => d instanceof Device && !(d instanceof Signal) && partsOf(d).length > 0,
  capture: async (d) => {
    const parts = await Promise.all(partsOf(d as Device).map(([part, r]) => r.capture(part)));
    return {
      label: parts.map((p) => p.label).join(", "),
      restore: async (timeoutMs) => {
        for (const p of parts) await p.restore(timeoutMs);
      },
      differs: async () => {
        const found = (await Promise.all(parts.map((p) => p.differs()))).filter((x): x is string => x !== undefined);
        return found.length > 0 ? found.join("; ") : undefined;
      },
    };
  },
};

/** Anything that can say where it is: put back to its readback. */
const locatableRestorer: Restorer = {
  name: "Locatable (readback)",
  matches: (d) => isLocatable(d),
  capture: async (d) => {
    const l = d as Locatable<unknown>;
    const saved = (await l.locate()).readback;
    const name = (d as { name?: string }).name ?? "device";
    if (typeof saved !== "number") {
      return {
        label: `${name} at ${show(saved)}`,
        restore: async (timeoutMs) => {
          await withTimeout(l.set(saved), timeoutMs, `putting ${name} back to ${show(saved)}`);
        },
        differs: async () => {
          const now = (await l.locate()).readback;
          return JSON.stringify(now) === JSON.stringify(saved) ? undefined : `${name} is at ${show(now)} instead of ${show(saved)}`;
        },
      };
    }
    const precision = await precisionOf(d, name);
    const tol = precision === undefined ? 1e-6 * Math.max(1, Math.abs(saved)) : 10 ** -precision;
    return numberSaved(name, async () => (await l.locate()).readback as number, saved, (v) => (l as Movable<number>).set(v), tol);
  },
};

async function precisionOf(d: object, name: string): Promise<number | undefined> {
  const describe = (d as { describe?: () => Promise<Record<string, { precision?: number | null }>> }).describe;
  if (typeof describe !== "function") return undefined;
  try {
    const p = (await describe.call(d))[name]?.precision;
    return typeof p === "number" ? p : undefined;
  } catch {
    return undefined;
  }
}

const builtin: readonly Restorer[] = [motorRestorer, positionerRestorer, orbitRestorer, gateRestorer];
const registered: Restorer[] = [];
const fallbacks: readonly Restorer[] = [compositeRestorer, locatableRestorer];

/** Teach the suite to save and restore a site's own device class; tried before the built-in ones. */
export function registerRestorer(restorer: Restorer): () => void {
  if (!restorer || typeof restorer.matches !== "function" || typeof restorer.capture !== "function")
    throw new InvalidArgumentError(`a restorer needs a name, matches(device) and capture(device)`, restorer);
  registered.unshift(restorer);
  return () => {
    const i = registered.indexOf(restorer);
    if (i >= 0) registered.splice(i, 1);
  };
}

function direct(device: object): Restorer | undefined {
  return [...registered, ...builtin].find((r) => r.matches(device));
}

function partsOf(device: Device): [Device, Restorer][] {
  const out: [Device, Restorer][] = [];
  for (const [, child] of device.children()) {
    if (child instanceof Signal) continue;
    const r = direct(child);
    if (r) out.push([child, r]);
    else out.push(...partsOf(child));
  }
  return out;
}

/** The restorer for `device`, or undefined when the suite cannot put it back. */
export function restorerFor(device: object): Restorer | undefined {
  return direct(device) ?? fallbacks.find((r) => r.matches(device));
}

export interface RestoreProblem {
  readonly device: string;
  readonly message: string;
}

/**
 * What was saved: per check (put back after each check, last moved first) and for the session (put back at
 * the end, in profile order).
 */
export class RestoreLedger {
  #check: { device: object; saved: Saved; name: string }[] = [];
  #session: { name: string; saved: Saved }[] = [];

  /** Save `device` before a check moves it (once per check). Refuses devices that cannot be put back. */
  async remember(device: object): Promise<void> {
    if (this.#check.some((e) => e.device === device)) return;
    const name = (device as { name?: string }).name || "device";
    const r = restorerFor(device);
    if (!r)
      throw new InvalidArgumentError(
        `${name}: the suite cannot put a ${device.constructor?.name ?? "device"} back after moving it, so it will not move it (register a restorer for its class)`,
        name,
      );
    this.#check.push({ device, saved: await r.capture(device), name });
  }

  /** Whether the current check moved anything. */
  get checkMoved(): boolean {
    return this.#check.length > 0;
  }

  /** Put back what the current check moved, last first; returns what could not be put back. */
  async restoreCheck(timeoutMs: number): Promise<RestoreProblem[]> {
    const entries = this.#check;
    this.#check = [];
    const errors = new Map<string, string>();
    for (const p of await restoreAll([...entries].reverse(), timeoutMs)) errors.set(p.device, p.message);
    // Last moved first undoes most moves; what that order could not put back (a shutter behind a valve not
    // yet reopened) gets a second pass in the order saved.
    const todo: typeof entries = [];
    for (const e of entries) if ((await differsSafely(e.saved)) !== undefined) todo.push(e);
    for (const p of await restoreAll(todo, timeoutMs)) errors.set(p.device, p.message);
    const problems: RestoreProblem[] = [];
    for (const e of entries) {
      const d = await differsSafely(e.saved);
      if (d !== undefined) problems.push({ device: e.name, message: errors.get(e.name) ?? `not back where it was: ${d}` });
    }
    return problems;
  }

  /** Save every device that can be saved (before any check moves anything). */
  async snapshot(devices: Readonly<Record<string, object>>): Promise<RestoreProblem[]> {
    const problems: RestoreProblem[] = [];
    for (const [name, device] of Object.entries(devices)) {
      const r = restorerFor(device);
      if (!r) continue;
      try {
        this.#session.push({ name, saved: await r.capture(device) });
      } catch (err) {
        problems.push({ device: name, message: `could not save its position before testing: ${show(err)}` });
      }
    }
    return problems;
  }

  /** What the session saved, in order (for the dry run and the report). */
  get saved(): readonly { name: string; label: string }[] {
    return this.#session.map((e) => ({ name: e.name, label: e.saved.label }));
  }

  /** Put every saved device back as found at the start, in profile order, and check that it is. */
  async restoreSession(timeoutMs: number): Promise<RestoreProblem[]> {
    const check = this.#check.reverse();
    this.#check = [];
    const errors = new Map<string, string>();
    const covered = (name: string) => this.#session.some((e) => name === e.name || name.startsWith(`${e.name}-`));
    const problems: RestoreProblem[] = (await restoreAll(check, timeoutMs)).filter((p) => !covered(p.device));
    // Putting one device back can move another (reopening a valve leaves the shutter behind it closed): a
    // second pass settles what the first one disturbed.
    for (let pass = 0; pass < 2; pass++) {
      const todo: { name: string; saved: Saved }[] = [];
      for (const e of this.#session) if ((await differsSafely(e.saved)) !== undefined) todo.push(e);
      if (todo.length === 0) break;
      for (const p of await restoreAll(todo, timeoutMs)) errors.set(p.device, p.message);
    }
    for (const e of this.#session) {
      const d = await differsSafely(e.saved);
      if (d !== undefined) problems.push({ device: e.name, message: errors.get(e.name) ?? `not back where it was: ${d}` });
    }
    return problems;
  }
}

async function differsSafely(saved: Saved): Promise<string | undefined> {
  try {
    return await saved.differs();
  } catch (err) {
    return `cannot tell where it is: ${show(err)}`;
  }
}

async function restoreAll(entries: readonly { name: string; saved: Saved }[], timeoutMs: number): Promise<RestoreProblem[]> {
  const problems: RestoreProblem[] = [];
  for (const e of entries) {
    try {
      await e.saved.restore(timeoutMs);
    } catch (err) {
      problems.push({ device: e.name, message: `could not be put back (${e.saved.label}): ${show(err)}` });
    }
  }
  return problems;
}
