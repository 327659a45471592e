import { convertValues } from "../core/convert.ts";
import { emptyValues, makeDbrData, type DbrData, type DbrLimits, type DbrValues } from "../core/dbr-data.ts";
import { DbrForm, DbrType, dbrLayout, NativeType } from "../core/dbr-types.ts";
import { ZERO_LIMITS } from "../core/dbr-data.ts";
import type { CaPv, PvSnapshot } from "./pv.ts";

/** Limits converted to the requested element type (integers are truncated, as the C structs hold them). */
function convertLimits(limits: DbrLimits, target: NativeType): DbrLimits {
  if (target === NativeType.FLOAT || target === NativeType.DOUBLE || limits === ZERO_LIMITS) return limits;
  const t = (v: number): number => (Number.isFinite(v) ? Math.trunc(v) : 0);
  return {
    upperDisp: t(limits.upperDisp),
    lowerDisp: t(limits.lowerDisp),
    upperAlarm: t(limits.upperAlarm),
    upperWarning: t(limits.upperWarning),
    lowerWarning: t(limits.lowerWarning),
    lowerAlarm: t(limits.lowerAlarm),
    upperCtrl: t(limits.upperCtrl),
    lowerCtrl: t(limits.lowerCtrl),
  };
}

/**
 * Builds the payload a client asked for from a PV snapshot: the values converted to the requested type
 * and the metadata the type's form carries. `count` 0 means the current length.
 */
export function snapshotToDbr(pv: CaPv, snap: PvSnapshot, dbrType: number): DbrData {
  const layout = dbrLayout(dbrType);
  if (dbrType === DbrType.CLASS_NAME) return makeDbrData(dbrType, [pv.className]);
  if (dbrType === DbrType.PUT_ACKT || dbrType === DbrType.PUT_ACKS) return makeDbrData(dbrType, new Uint16Array(1));
  const values: DbrValues = convertValues(snap.values, pv.nativeType, layout.native, {
    enumStrings: snap.enumStrings,
    precision: snap.precision,
  });
  switch (layout.form) {
    case DbrForm.PLAIN:
      return makeDbrData(dbrType, values);
    case DbrForm.STS:
    case DbrForm.SPECIAL:
      return makeDbrData(dbrType, values, { status: snap.status, severity: snap.severity });
    case DbrForm.TIME:
      return makeDbrData(dbrType, values, { status: snap.status, severity: snap.severity, timestamp: snap.timestamp });
    default:
      return makeDbrData(dbrType, values, {
        status: snap.status,
        severity: snap.severity,
        units: snap.units,
        precision: snap.precision,
        limits: convertLimits(snap.limits, layout.native),
        enumStrings: snap.enumStrings,
      });
  }
}

/** A zero payload for error replies that must still carry a body. */
export function emptyDbr(dbrType: number, count: number): DbrData {
  return makeDbrData(dbrType, emptyValues(dbrLayout(dbrType).native, count));
}
