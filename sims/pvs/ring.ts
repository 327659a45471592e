/**
 * The storage-ring simulator as a PV table (names in README.md): per-element BPMs and corrector power
 * supplies named after the lattice elements, orbit and corrector waveforms for the whole ring, the DCCT, the
 * tune monitor, the RF and the injection kicker. Each refresh steps the ring to the table's clock.
 */
import { InvalidArgumentError } from "../../engine/errors.ts";
import { Rng } from "../math/rng.ts";
import type { RingSimulator } from "../ring/simulator.ts";
import { FaultKind, type FaultSpec } from "./faults.ts";
import { AlarmSeverity, type SimPv } from "./pv.ts";
import { SimPvTable, type SimPvTableOptions } from "./table.ts";

export interface RingPvTableOptions extends SimPvTableOptions {
  /** Prepended to every PV name. @default DEFAULT_RING_PREFIX */
  prefix?: string;
  /** Faults to apply once the table is built. @default [] */
  faults?: readonly FaultSpec[];
  /** Seed of the noise faults add. @default 1 */
  seed?: number;
  /** RF frequency at zero momentum offset, MHz. @default 499.654 */
  rfFrequencyMHz?: number;
  /** @default 1.6 */
  rfVoltageMV?: number;
  /** Momentum compaction factor: an RF change Δf/f shifts the momentum by δ = −(Δf/f)/α. @default 3e-4 */
  momentumCompaction?: number;
  /** Beam lifetime shown until it has been measured, h. @default 10 */
  nominalLifetimeH?: number;
  /** Kicker amplitude needed for a shot to inject, kV. @default 5 */
  kickerInjectKv?: number;
}

export const DEFAULT_RING_PREFIX = "SR:";

export const DEFAULT_RING_PV_OPTIONS = {
  prefix: DEFAULT_RING_PREFIX,
  seed: 1,
  rfFrequencyMHz: 499.654,
  rfVoltageMV: 1.6,
  momentumCompaction: 3e-4,
  nominalLifetimeH: 10,
  kickerInjectKv: 5,
} as const;

/** States of a BPM's STATUS PV. */
export const BPM_STATUS = ["OK", "NO BEAM"] as const;
export const OFF_ON = ["Off", "On"] as const;

const frac = (x: number): number => x - Math.floor(x);

function rms(values: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i]! * values[i]!;
  return values.length === 0 ? 0 : Math.sqrt(s / values.length);
}

/** Build the PV table of `ring`. */
export function ringPvTable(ring: RingSimulator, options: RingPvTableOptions = {}): SimPvTable {
  const o = { ...DEFAULT_RING_PV_OPTIONS, ...options };
  const P = o.prefix;
  const table = new SimPvTable({ name: "ring", ...options });
  const nB = ring.nBpm;
  const nH = ring.nH;
  const nV = ring.nV;
  const limit = ring.correctorLimitA;
  const mm = { units: "mm", precision: 4 };
  const amps = { units: "A", precision: 4 };
  const severityOf = (lost: boolean) => (lost ? AlarmSeverity.invalid : AlarmSeverity.none);

  /* ---- BPMs ---- */
  const bpmX: SimPv[] = [];
  const bpmY: SimPv[] = [];
  const bpmSum: SimPv[] = [];
  const bpmStatus: SimPv[] = [];
  ring.bpmNames.forEach((name) => {
    bpmX.push(table.create(`${P}${name}:X`, "double", { metadata: mm }));
    bpmY.push(table.create(`${P}${name}:Y`, "double", { metadata: mm }));
    bpmSum.push(table.create(`${P}${name}:SUM`, "double", { metadata: { units: "mA", precision: 3 } }));
    bpmStatus.push(table.create(`${P}${name}:STATUS`, "enum", { metadata: { enumStrings: BPM_STATUS }, recordType: "mbbi" }));
  });

  /* ---- corrector power supplies ---- */
  const setpointPvs: SimPv[] = [];
  const readbackPvs: SimPv[] = [];
  const saturatedPvs: SimPv[] = [];
  ring.correctorNames.forEach((name, j) => {
    setpointPvs.push(
      table.create(`${P}${name}:SP`, "double", {
        writable: true,
        value: ring.correctorSetpoint(j),
        metadata: { ...amps, controlLimits: [-limit, limit] },
        onPut: (v) => {
          ring.setCorrector(j, v as number);
        },
      }),
    );
    readbackPvs.push(table.create(`${P}${name}:RB`, "double", { value: ring.correctorCurrent(j), metadata: amps }));
    table.create(`${P}${name}:DRVH`, "double", { value: limit, metadata: amps });
    table.create(`${P}${name}:DRVL`, "double", { value: -limit, metadata: amps });
    saturatedPvs.push(table.create(`${P}${name}:SAT`, "long", { recordType: "bi" }));
  });

  /* ---- orbit system: whole-ring waveforms ---- */
  const O = `${P}ORBIT:`;
  const orbitX = table.create(`${O}X`, "double", { count: nB, metadata: mm, recordType: "waveform" });
  const orbitY = table.create(`${O}Y`, "double", { count: nB, metadata: mm, recordType: "waveform" });
  const rmsX = table.create(`${O}RMS:X`, "double", { metadata: mm });
  const rmsY = table.create(`${O}RMS:Y`, "double", { metadata: mm });
  table.create(`${O}BPM:NAMES`, "string", { count: nB, value: ring.bpmNames, recordType: "waveform" });
  const planes = [
    { key: "H", offset: 0, n: nH },
    { key: "V", offset: nH, n: nV },
  ] as const;
  const planeSp: SimPv[] = [];
  const planeRb: SimPv[] = [];
  for (const plane of planes) {
    const { key, offset, n } = plane;
    const names = ring.correctorNames.slice(offset, offset + n);
    planeSp.push(
      table.create(`${O}${key}:SP`, "double", {
        count: n,
        writable: true,
        value: Array.from({ length: n }, (_, k) => ring.correctorSetpoint(offset + k)),
        metadata: { ...amps, controlLimits: [-limit, limit] },
        recordType: "waveform",
        onPut: (v) => {
          const values = v as readonly number[];
          if (values.length !== n)
            throw new InvalidArgumentError(`${O}${key}:SP needs ${n} set-points (one per corrector), got ${values.length}`, values.length);
          const bad = values.findIndex((x) => !Number.isFinite(x));
          if (bad >= 0) throw new InvalidArgumentError(`${O}${key}:SP[${bad}] (${names[bad]}) must be finite, got ${values[bad]}`, values[bad]);
          values.forEach((x, k) => ring.setCorrector(offset + k, x));
        },
      }),
    );
    planeRb.push(table.create(`${O}${key}:RB`, "double", { count: n, metadata: amps, recordType: "waveform" }));
    table.create(`${O}${key}:DRVH`, "double", { count: n, value: new Array<number>(n).fill(limit), metadata: amps, recordType: "waveform" });
    table.create(`${O}${key}:DRVL`, "double", { count: n, value: new Array<number>(n).fill(-limit), metadata: amps, recordType: "waveform" });
    table.create(`${O}${key}:NAMES`, "string", { count: n, value: names, recordType: "waveform" });
  }

  /* ---- DCCT, tune ---- */
  const current = table.create(`${P}DCCT:CURRENT`, "double", { value: ring.beamCurrentMa, metadata: { units: "mA", precision: 3 } });
  const lifetime = table.create(`${P}DCCT:LIFETIME`, "double", { value: o.nominalLifetimeH, metadata: { units: "h", precision: 2 } });
  const tuneX = table.create(`${P}TUNE:X`, "double", { value: frac(ring.tuneX), metadata: { precision: 4 } });
  const tuneY = table.create(`${P}TUNE:Y`, "double", { value: frac(ring.tuneY), metadata: { precision: 4 } });

  /* ---- RF ---- */
  const f0 = o.rfFrequencyMHz;
  const freqRb = table.create(`${P}RF:FREQ:RB`, "double", { value: f0, metadata: { units: "MHz", precision: 6 } });
  table.create(`${P}RF:FREQ`, "double", {
    writable: true,
    value: f0,
    metadata: { units: "MHz", precision: 6, controlLimits: [f0 * 0.999, f0 * 1.001] },
    onPut: (v) => {
      const f = v as number;
      if (!(Math.abs(f / f0 - 1) <= 1e-3)) throw new InvalidArgumentError(`${P}RF:FREQ ${f} MHz is more than 0.1 % from ${f0} MHz`, f);
      ring.setEnergyOffset(-(f - f0) / f0 / o.momentumCompaction);
      freqRb.set(f);
    },
  });
  const voltRb = table.create(`${P}RF:VOLT:RB`, "double", { value: o.rfVoltageMV, metadata: { units: "MV", precision: 3 } });
  table.create(`${P}RF:VOLT`, "double", {
    writable: true,
    value: o.rfVoltageMV,
    metadata: { units: "MV", precision: 3, controlLimits: [0, 5] },
    onPut: (v) => voltRb.set(v as number),
  });

  /* ---- injection kicker ---- */
  const K = `${P}KICKER:`;
  const amplRb = table.create(`${K}AMPL:RB`, "double", { metadata: { units: "kV", precision: 2 } });
  table.create(`${K}AMPL`, "double", {
    writable: true,
    metadata: { units: "kV", precision: 2, controlLimits: [0, 10] },
    onPut: (v) => amplRb.set(v as number),
  });
  const enable = table.create(`${K}ENABLE`, "enum", { writable: true, metadata: { enumStrings: OFF_ON }, recordType: "bo" });
  const shots = table.create(`${K}SHOTS`, "long");
  table.create(`${K}FIRE`, "long", {
    writable: true,
    recordType: "bo",
    onPut: () => {
      if (enable.value !== 1) throw new InvalidArgumentError(`${K}FIRE refused: the kicker is disabled (${K}ENABLE is Off)`, enable.value);
      shots.set((shots.value as number) + 1);
      if ((amplRb.value as number) >= o.kickerInjectKv) ring.refill();
      table.refreshNow();
    },
  });

  /* ---- faults: extra noise on chosen BPMs ---- */
  const extraNoise = new Float64Array(nB);
  const rng = new Rng(o.seed).derive("faults");
  table.addFaultHandler((fault) => {
    if (fault.kind !== FaultKind.noisyBpm) return false;
    const i = ring.bpmNames.indexOf(fault.bpm);
    if (i < 0) return false;
    extraNoise[i] = Math.hypot(extraNoise[i]!, fault.sigmaMm);
    return true;
  });

  /* ---- every refresh: step the ring to now and mirror it ---- */
  let lastT = 0;
  let lastCurrent = ring.beamCurrentMa;
  const orbit = new Float64Array(2 * nB);
  const sp = new Float64Array(ring.nCorrectors);
  const rb = new Float64Array(ring.nCorrectors);
  table.addUpdater((t) => {
    const dt = t - lastT;
    if (dt > 0) ring.step(dt);
    lastT = t;
    ring.readOrbit(orbit);
    for (let i = 0; i < nB; i++) {
      if (extraNoise[i]! > 0) {
        orbit[i] += extraNoise[i]! * rng.gaussian();
        orbit[nB + i] += extraNoise[i]! * rng.gaussian();
      }
    }
    const lost = ring.beamLost;
    const severity = severityOf(lost);
    for (let i = 0; i < nB; i++) {
      bpmX[i]!.set(orbit[i]!, { severity });
      bpmY[i]!.set(orbit[nB + i]!, { severity });
      bpmSum[i]!.set(ring.beamCurrentMa, { severity });
      bpmStatus[i]!.set(lost ? 1 : 0, { severity: lost ? AlarmSeverity.major : AlarmSeverity.none });
    }
    const xs = Array.from(orbit.subarray(0, nB));
    const ys = Array.from(orbit.subarray(nB));
    orbitX.set(xs, { severity });
    orbitY.set(ys, { severity });
    rmsX.set(rms(xs), { severity });
    rmsY.set(rms(ys), { severity });

    ring.correctorSetpoints(sp);
    ring.correctorCurrents(rb);
    for (let j = 0; j < ring.nCorrectors; j++) {
      setpointPvs[j]!.set(sp[j]!);
      readbackPvs[j]!.set(rb[j]!);
      saturatedPvs[j]!.set(ring.correctorSaturated(j) ? 1 : 0, { severity: ring.correctorSaturated(j) ? AlarmSeverity.minor : AlarmSeverity.none });
    }
    planes.forEach(({ offset, n }, k) => {
      planeSp[k]!.set(Array.from(sp.subarray(offset, offset + n)));
      planeRb[k]!.set(Array.from(rb.subarray(offset, offset + n)));
    });

    const now = ring.beamCurrentMa;
    current.set(now, { severity: lost ? AlarmSeverity.major : AlarmSeverity.none });
    if (lost) lifetime.set(0, { severity: AlarmSeverity.invalid });
    else if (dt > 0 && now < lastCurrent && lastCurrent > 0) lifetime.set(dt / Math.log(lastCurrent / now) / 3600);
    else if (lifetime.state.severity !== AlarmSeverity.none) lifetime.set(o.nominalLifetimeH);
    lastCurrent = now;
    tuneX.set(frac(ring.tuneX));
    tuneY.set(frac(ring.tuneY));
  });

  for (const fault of o.faults ?? []) table.applyFault(fault);
  table.refreshNow();
  return table;
}
