/**
 * The beamline simulator as a PV table (names in README.md): motor records for the mirror, the
 * monochromator's Bragg axis, the undulator gap, the slit blades and the focus; undulator energy and harmonic;
 * valves and the shutter with their interlocks; the I0/It/If counters; an areaDetector-like camera with a
 * stats plugin. `speedUp` shortens every wall-clock duration (moves, valve travel, counting, exposures) by that
 * factor, which tests use; counts still integrate the nominal acquire time.
 */
import { InvalidArgumentError } from "../../engine/errors.ts";
import type { BeamlineSimulator } from "../beamline/simulator.ts";
import type { FaultSpec } from "./faults.ts";
import { MotorRecord, type MotorRecordOptions, type SimAxis } from "./motor_record.ts";
import { addPgmPvs, PGM_MOTORS } from "./pgm.ts";
import { AlarmSeverity, type SimPv } from "./pv.ts";
import { SimPvTable, type SimPvTableOptions } from "./table.ts";

export interface BeamlinePvTableOptions extends SimPvTableOptions {
  /** Prepended to every PV name. @default DEFAULT_BEAMLINE_PREFIX */
  prefix?: string;
  /** Divide every wall-clock duration by this (tests: 100 or more). @default 1 */
  speedUp?: number;
  /** Seconds a valve takes to open or close. @default 0.5 */
  valveTravelS?: number;
  /** Seconds the shutter takes. @default 0.05 */
  shutterTravelS?: number;
  /** Per-motor overrides, keyed by the record name without the prefix (`MONO:BRAGG`). @default {} */
  motors?: Readonly<Record<string, MotorRecordOptions>>;
  /** Faults to apply once the table is built. @default [] */
  faults?: readonly FaultSpec[];
}

export const DEFAULT_BEAMLINE_PREFIX = "BL:";

export const DEFAULT_BEAMLINE_PV_OPTIONS = {
  prefix: DEFAULT_BEAMLINE_PREFIX,
  speedUp: 1,
  valveTravelS: 0.5,
  shutterTravelS: 0.05,
} as const;

/** The motor records of the beamline: name (after the prefix) and defaults. */
export const BEAMLINE_MOTORS: Readonly<Record<string, Required<MotorRecordOptions>>> = {
  "M1:PITCH": { units: "mrad", precision: 4, velocity: 0.1, accelerationTime: 0.1, limits: [2.5, 4.5] },
  "M1:X": { units: "mm", precision: 3, velocity: 1, accelerationTime: 0.1, limits: [-5, 5] },
  "M1:Y": { units: "mm", precision: 3, velocity: 1, accelerationTime: 0.1, limits: [-5, 5] },
  "MONO:BRAGG": { units: "deg", precision: 5, velocity: 0.5, accelerationTime: 0.1, limits: [3.5, 80] },
  "ID:GAP": { units: "mm", precision: 3, velocity: 2, accelerationTime: 0.2, limits: [5, 25] },
  "SLIT1:TOP": { units: "mm", precision: 3, velocity: 1, accelerationTime: 0.1, limits: [-10, 10] },
  "SLIT1:BOT": { units: "mm", precision: 3, velocity: 1, accelerationTime: 0.1, limits: [-10, 10] },
  "SLIT1:INB": { units: "mm", precision: 3, velocity: 1, accelerationTime: 0.1, limits: [-10, 10] },
  "SLIT1:OUTB": { units: "mm", precision: 3, velocity: 1, accelerationTime: 0.1, limits: [-10, 10] },
  "FOCUS:Z": { units: "um", precision: 1, velocity: 50, accelerationTime: 0.1, limits: [-1400, -900] },
};

export const GATE_STATES = ["Closed", "Open", "Moving"] as const;
export const INTERLOCK_STATES = ["OK", "Interlocked"] as const;
export const DETECTOR_STATES = ["Idle", "Acquire"] as const;
export const OFF_ON = ["Off", "On"] as const;

/** Build the PV table of `beamline`. */
export function beamlinePvTable(beamline: BeamlineSimulator, options: BeamlinePvTableOptions = {}): SimPvTable {
  const o = { ...DEFAULT_BEAMLINE_PV_OPTIONS, ...options };
  if (!(o.speedUp > 0)) throw new InvalidArgumentError(`speedUp must be > 0, got ${o.speedUp}`, o.speedUp);
  const P = o.prefix;
  const table = new SimPvTable({ name: "beamline", ...options });
  const wallMs = (seconds: number) => (seconds * 1000) / o.speedUp;

  for (const key of Object.keys(o.motors ?? {}))
    if (!(key in BEAMLINE_MOTORS) && !(beamline.pgm && key in PGM_MOTORS))
      throw new InvalidArgumentError(`no beamline motor ${JSON.stringify(key)} to override (have ${Object.keys(BEAMLINE_MOTORS).join(", ")})`, key);
  const motor = (key: string, axis: SimAxis): MotorRecord => {
    const base = { ...BEAMLINE_MOTORS[key]!, ...o.motors?.[key] };
    return new MotorRecord(table, `${P}${key}`, axis, {
      ...base,
      velocity: base.velocity * o.speedUp,
      accelerationTime: base.accelerationTime / o.speedUp,
    });
  };
  const mirrorXY = { x: 0, y: 0 };
  const { slits, undulator, monochromator, vacuum } = beamline;
  const blade = (plane: "x" | "y", edge: "lo" | "hi"): SimAxis => ({
    get: () => slits.blades(plane)[edge],
    set: (v) => {
      const b = slits.blades(plane);
      if (edge === "lo") slits.setBlades(plane, v, b.hi);
      else slits.setBlades(plane, b.lo, v);
    },
  });

  /* ---- undulator ---- */
  const harmonic = table.create(`${P}ID:HARMONIC`, "long", {
    writable: true,
    value: undulator.harmonicFor(beamline.energyEv),
    onPut: (v) => {
      const n = v as number;
      if (!(n >= 1 && n <= undulator.options.maxHarmonic && n % 2 === 1))
        throw new InvalidArgumentError(`${P}ID:HARMONIC must be an odd harmonic 1..${undulator.options.maxHarmonic}, got ${n}`, n);
    },
  });
  const track = table.create(`${P}ID:TRACK`, "enum", { writable: true, value: 1, metadata: { enumStrings: OFF_ON }, recordType: "bo" });
  const gap = motor("ID:GAP", { get: () => beamline.gapMm, set: (g) => beamline.setGapMm(g) });
  const idEnergy = table.create(`${P}ID:ENERGY`, "double", { metadata: { units: "eV", precision: 1 } });
  table.create(`${P}ID:ENERGY:SP`, "double", {
    writable: true,
    value: undulator.harmonicEnergyEv(harmonic.value as number, beamline.gapMm),
    metadata: { units: "eV", precision: 1 },
    onPut: (v) => gap.moveTo(undulator.gapForEnergy(v as number, harmonic.value as number)),
  });

  /* ---- optics ---- */
  motor("M1:PITCH", { get: () => beamline.mirror.pitchMrad, set: (p) => (beamline.mirror.pitchMrad = p) });
  motor("M1:X", { get: () => mirrorXY.x, set: (v) => (mirrorXY.x = v) });
  motor("M1:Y", { get: () => mirrorXY.y, set: (v) => (mirrorXY.y = v) });
  const trackGap = (energyEv: number) => {
    if (track.value !== 1 || gap.moving) return;
    // The ID follows the monochromator on the selected harmonic, where that harmonic reaches the energy.
    try {
      gap.follow(undulator.gapForEnergy(energyEv, harmonic.value as number));
    } catch {
      /* out of the harmonic's range: the gap stays */
    }
  };
  if (beamline.pgm) {
    addPgmPvs(table, beamline.pgm, { prefix: P, speedUp: o.speedUp, energyMotor: o.motors?.["PGM:ENERGY"] ?? {}, follow: trackGap });
  } else {
    motor("MONO:BRAGG", {
      get: () => monochromator.braggDeg,
      set: (theta) => {
        monochromator.setBraggDeg(theta);
        trackGap(monochromator.energyEv);
      },
    });
    table.create(`${P}MONO:DSPACING`, "double", { value: monochromator.options.dSpacingA, metadata: { units: "Å", precision: 5 } });
  }
  motor("SLIT1:TOP", blade("y", "hi"));
  motor("SLIT1:BOT", blade("y", "lo"));
  motor("SLIT1:OUTB", blade("x", "hi"));
  motor("SLIT1:INB", blade("x", "lo"));
  motor("FOCUS:Z", { get: () => beamline.focus.position, set: (z) => (beamline.focus.position = z) });

  /* ---- valves and shutter ---- */
  const gates: { name: string; state: SimPv; interlock: SimPv; travelUntil: number }[] = [];
  for (const name of vacuum.names) {
    const G = `${P}${name}:`;
    const travelS = vacuum.kind(name) === "valve" ? o.valveTravelS : o.shutterTravelS;
    const state = table.create(`${G}STATE`, "enum", { value: vacuum.isOpen(name) ? 1 : 0, metadata: { enumStrings: GATE_STATES }, recordType: "mbbi" });
    const interlock = table.create(`${G}INTLK`, "enum", { metadata: { enumStrings: INTERLOCK_STATES }, recordType: "bi" });
    const message = table.create(`${G}INTLK:MSG`, "string");
    const gate = { name, state, interlock, travelUntil: 0 };
    gates.push(gate);
    const command = (open: boolean) => (): Promise<void> => {
      table.refresh();
      if (vacuum.isOpen(name) === open && gate.travelUntil <= table.now()) return Promise.resolve();
      try {
        if (open) vacuum.open(name);
        else vacuum.close(name);
      } catch (err) {
        message.set((err as { reason?: string }).reason ?? (err as Error).message, { severity: AlarmSeverity.major });
        return Promise.reject(err);
      }
      message.set("");
      gate.travelUntil = table.now() + wallMs(travelS);
      state.set(2);
      const release = table.hold();
      return new Promise<void>((resolve) =>
        table.at(gate.travelUntil, () => {
          release();
          table.refreshNow();
          resolve();
        }),
      );
    };
    table.create(`${G}OPEN`, "long", { writable: true, recordType: "bo", onPut: command(true) });
    table.create(`${G}CLOSE`, "long", { writable: true, recordType: "bo", onPut: command(false) });
  }
  for (let s = 0; s < vacuum.sectionCount; s++) {
    table.create(`${P}VAC:SEC${s}:PRESS`, "double", {
      writable: true,
      value: vacuum.pressureMbar(s),
      metadata: { units: "mbar", precision: 2 },
      onPut: (v) => {
        vacuum.setPressure(s, v as number);
        table.refreshNow();
      },
    });
  }

  /* ---- I0 / It / If counters ---- */
  const C = `${P}IC:`;
  const acquireTime = table.create(`${C}ACQUIRE_TIME`, "double", { writable: true, value: 1, metadata: { units: "s", precision: 3, controlLimits: [0, 3600] } });
  const busy = table.create(`${C}BUSY`, "long");
  const counts = (["I0", "IT", "IF"] as const).map((k) => table.create(`${C}${k}`, "double", { metadata: { units: "counts", precision: 0 } }));
  let counting: Promise<void> | undefined;
  table.create(`${C}ACQUIRE`, "long", {
    writable: true,
    recordType: "bo",
    onPut: () => {
      if (counting) return counting;
      const timeS = acquireTime.value as number;
      if (!(timeS >= 0)) return Promise.reject(new InvalidArgumentError(`${C}ACQUIRE_TIME must be >= 0 s, got ${timeS}`, timeS));
      busy.set(1);
      const release = table.hold();
      counting = new Promise<void>((resolve) =>
        table.at(table.now() + wallMs(timeS), () => {
          const c = beamline.acquire(timeS);
          counts[0]!.set(c.i0, { force: true });
          counts[1]!.set(c.it, { force: true });
          counts[2]!.set(c.if, { force: true });
          busy.set(0);
          counting = undefined;
          release();
          resolve();
        }),
      );
      return counting;
    },
  });

  /* ---- camera (areaDetector names) ---- */
  const D = `${P}CAM1:`;
  const { width, height } = beamline.camera.options;
  const exposure = table.create(`${D}cam1:AcquireTime_RBV`, "double", { value: 0.1, metadata: { units: "s", precision: 3 } });
  table.create(`${D}cam1:AcquireTime`, "double", {
    writable: true,
    value: 0.1,
    metadata: { units: "s", precision: 3, controlLimits: [0, 60] },
    onPut: (v) => {
      if (!((v as number) >= 0)) throw new InvalidArgumentError(`${D}cam1:AcquireTime must be >= 0 s, got ${v}`, v);
      exposure.set(v as number);
    },
  });
  table.create(`${D}cam1:ArraySizeX_RBV`, "long", { value: width });
  table.create(`${D}cam1:ArraySizeY_RBV`, "long", { value: height });
  const counter = table.create(`${D}cam1:ArrayCounter_RBV`, "long");
  const detState = table.create(`${D}cam1:DetectorState_RBV`, "enum", { metadata: { enumStrings: DETECTOR_STATES }, recordType: "mbbi" });
  const image = table.create(`${D}image1:ArrayData`, "long", { count: width * height, value: new Array<number>(width * height).fill(0), recordType: "waveform" });
  const statNames = ["CentroidX", "CentroidY", "SigmaX", "SigmaY", "Total", "MaxValue"] as const;
  const stats = Object.fromEntries(
    statNames.map((s) => [s, table.create(`${D}Stats1:${s}_RBV`, "double", { metadata: { units: s.startsWith("C") || s.startsWith("S") ? "px" : "counts", precision: 3 } })]),
  ) as Record<(typeof statNames)[number], SimPv>;
  let exposing: Promise<void> | undefined;
  table.create(`${D}cam1:Acquire`, "long", {
    writable: true,
    recordType: "busy",
    onPut: () => {
      if (exposing) return exposing;
      const timeS = exposure.value as number;
      detState.set(1);
      const release = table.hold();
      exposing = new Promise<void>((resolve) =>
        table.at(table.now() + wallMs(timeS), () => {
          const frame = beamline.acquireImage(timeS);
          image.set(Array.from(frame.image.data), { force: true });
          const s = frame.stats;
          const values = { CentroidX: s.centroidX, CentroidY: s.centroidY, SigmaX: s.sigmaX, SigmaY: s.sigmaY, Total: s.total, MaxValue: s.max };
          for (const k of statNames) {
            const v = values[k];
            // No pixel above the threshold: EPICS keeps a number, flagged invalid.
            if (Number.isFinite(v)) stats[k].set(v, { force: true });
            else stats[k].set(0, { force: true, severity: AlarmSeverity.invalid, message: "no pixel above the threshold" });
          }
          counter.set((counter.value as number) + 1);
          detState.set(0);
          exposing = undefined;
          release();
          resolve();
        }),
      );
      return exposing;
    },
  });

  /* ---- every refresh: mirror what the simulator changed on its own ---- */
  table.addUpdater(() => {
    const now = table.now();
    for (const g of gates) {
      if (g.travelUntil <= now) g.state.set(vacuum.isOpen(g.name) ? 1 : 0);
      const locked = vacuum.isInterlocked(g.name);
      g.interlock.set(locked ? 1 : 0, { severity: locked ? AlarmSeverity.major : AlarmSeverity.none });
    }
    let e = Number.NaN;
    try {
      e = undulator.harmonicEnergyEv(harmonic.value as number, beamline.gapMm);
    } catch {
      /* a gap outside the undulator's range has no harmonic energy */
    }
    if (Number.isFinite(e)) idEnergy.set(e);
    else idEnergy.set(0, { severity: AlarmSeverity.invalid });
  });

  for (const fault of o.faults ?? []) table.applyFault(fault);
  table.refreshNow();
  return table;
}
