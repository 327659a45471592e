import { InvalidArgumentError, SkyloopError } from "../../engine/errors.ts";

/** An interlock refused an operation; nothing changed. Names the device and the reason. */
export class InterlockError extends SkyloopError {
  constructor(
    readonly device: string,
    readonly reason: string,
  ) {
    super(`${device}: ${reason}`);
  }
}

export const VacuumElementKind = { Valve: "valve", Shutter: "shutter" } as const;
export type VacuumElementKind = (typeof VacuumElementKind)[keyof typeof VacuumElementKind];

/** An element along the beam, in beam order. Valves separate vacuum sections; shutters do not. */
export interface VacuumElementSpec {
  kind: VacuumElementKind;
  name: string;
  /** @default true */
  open?: boolean;
}

export interface VacuumOptions {
  /** @default front-end valve, photon shutter, beamline valve, end-station valve */
  elements?: readonly VacuumElementSpec[];
  /** Pressure per section (one more than valves), mbar. @default all 1e-9 */
  pressuresMbar?: readonly number[];
  /** A valve refuses to open (and closes) across a larger pressure difference, mbar. @default 1e-5 */
  maxPressureDifferenceMbar?: number;
}

export const DEFAULT_VACUUM_ELEMENTS: readonly VacuumElementSpec[] = [
  { kind: "valve", name: "FE-VALVE" },
  { kind: "shutter", name: "PSHUTTER" },
  { kind: "valve", name: "BL-VALVE" },
  { kind: "valve", name: "ES-VALVE" },
];

interface Element {
  readonly kind: VacuumElementKind;
  readonly name: string;
  open: boolean;
  interlocked: boolean;
  /** Index of the vacuum section upstream of this element. */
  readonly section: number;
}

/** A recorded automatic action of the protection system (a valve or shutter closed by an interlock). */
export interface InterlockTrip {
  readonly device: string;
  readonly reason: string;
}

/**
 * Valves and shutters with the equipment-protection rules of a beamline: no beam through a closed valve or
 * shutter; a valve refuses to open across a pressure difference or while its interlock is set; the shutter
 * refuses to open while any valve upstream is closed. Faults close things on their own (fail-safe): venting a
 * section closes its valves, closing an upstream valve closes the shutter.
 */
export class VacuumSystem {
  private readonly elements: Element[];
  private readonly pressures: number[];
  private readonly maxDiff: number;
  private readonly tripLog: InterlockTrip[] = [];

  constructor(options: VacuumOptions = {}) {
    const specs = options.elements ?? DEFAULT_VACUUM_ELEMENTS;
    const names = new Set<string>();
    let section = 0;
    this.elements = specs.map((spec) => {
      if (spec.kind !== "valve" && spec.kind !== "shutter") {
        throw new InvalidArgumentError(`vacuum element ${JSON.stringify(spec.name)} has unknown kind ${JSON.stringify(spec.kind)}`, spec.kind);
      }
      if (names.has(spec.name)) throw new InvalidArgumentError(`duplicate vacuum element name ${JSON.stringify(spec.name)}`, spec.name);
      names.add(spec.name);
      const el: Element = { kind: spec.kind, name: spec.name, open: spec.open ?? true, interlocked: false, section };
      if (spec.kind === "valve") section++;
      return el;
    });
    const sections = section + 1;
    this.pressures = options.pressuresMbar ? [...options.pressuresMbar] : new Array<number>(sections).fill(1e-9);
    if (this.pressures.length !== sections) {
      throw new InvalidArgumentError(`pressuresMbar has ${this.pressures.length} values, the layout has ${sections} vacuum sections`, this.pressures.length);
    }
    this.maxDiff = options.maxPressureDifferenceMbar ?? 1e-5;
  }

  get names(): readonly string[] {
    return this.elements.map((e) => e.name);
  }

  get sectionCount(): number {
    return this.pressures.length;
  }

  /** Automatic closures so far, oldest first. */
  get trips(): readonly InterlockTrip[] {
    return this.tripLog;
  }

  private find(name: string): Element {
    const el = this.elements.find((e) => e.name === name);
    if (!el) throw new InvalidArgumentError(`no valve or shutter named ${JSON.stringify(name)} (have ${this.names.join(", ")})`, name);
    return el;
  }

  isOpen(name: string): boolean {
    return this.find(name).open;
  }

  isInterlocked(name: string): boolean {
    return this.find(name).interlocked;
  }

  kind(name: string): VacuumElementKind {
    return this.find(name).kind;
  }

  pressureMbar(section: number): number {
    this.checkSection(section);
    return this.pressures[section]!;
  }

  /** True when every valve and shutter is open: the beam reaches the end station. */
  beamPasses(): boolean {
    return this.elements.every((e) => e.open);
  }

  /** Opens a valve or shutter, or throws InterlockError saying why it refuses. */
  open(name: string): void {
    const el = this.find(name);
    if (el.open) return;
    const refusal = this.refusal(el);
    if (refusal !== null) throw new InterlockError(name, refusal);
    el.open = true;
  }

  close(name: string): void {
    this.closeElement(this.find(name), null);
  }

  /** Sets or clears the interlock input of a device (e.g. the personnel-safety permit of a shutter). */
  setInterlock(name: string, active: boolean): void {
    const el = this.find(name);
    el.interlocked = active;
    if (active && el.open) this.closeElement(el, "interlock set");
  }

  /** Changes a section's pressure (venting, pumping); valves bordering a bad difference close. */
  setPressure(section: number, mbar: number): void {
    this.checkSection(section);
    if (!(mbar > 0) || !Number.isFinite(mbar)) throw new InvalidArgumentError(`pressure must be a finite number > 0 mbar, got ${mbar}`, mbar);
    this.pressures[section] = mbar;
    for (const el of this.elements) {
      if (el.kind === "valve" && el.open && this.pressureDifference(el) > this.maxDiff) {
        this.closeElement(el, `pressure difference ${this.pressureDifference(el).toExponential(1)} mbar`);
      }
    }
  }

  private checkSection(section: number): void {
    if (!Number.isInteger(section) || section < 0 || section >= this.pressures.length) {
      throw new InvalidArgumentError(`vacuum section ${section} does not exist (0..${this.pressures.length - 1})`, section);
    }
  }

  private pressureDifference(valve: Element): number {
    return Math.abs(this.pressures[valve.section]! - this.pressures[valve.section + 1]!);
  }

  private refusal(el: Element): string | null {
    if (el.interlocked) return `cannot open ${el.kind} while its interlock is set`;
    if (el.kind === "valve") {
      const diff = this.pressureDifference(el);
      if (diff > this.maxDiff) {
        return `valve refuses to open: pressure difference ${diff.toExponential(1)} mbar across it exceeds ${this.maxDiff.toExponential(1)} mbar`;
      }
      return null;
    }
    const index = this.elements.indexOf(el);
    const closed = this.elements.slice(0, index).find((e) => e.kind === "valve" && !e.open);
    return closed ? `shutter cannot open while valve ${closed.name} upstream is closed` : null;
  }

  private closeElement(el: Element, reason: string | null): void {
    if (!el.open) return;
    el.open = false;
    if (reason !== null) this.tripLog.push({ device: el.name, reason });
    if (el.kind !== "valve") return;
    // The protection system never leaves a shutter open behind a closed valve.
    const index = this.elements.indexOf(el);
    for (const downstream of this.elements.slice(index + 1)) {
      if (downstream.kind === "shutter" && downstream.open) {
        downstream.open = false;
        this.tripLog.push({ device: downstream.name, reason: `valve ${el.name} upstream closed` });
      }
    }
  }
}
