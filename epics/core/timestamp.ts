import { EPICS_EPOCH_OFFSET_S } from "./constants.ts";
import { CaInvalidArgumentError } from "./errors.ts";

/** An EPICS time stamp: seconds since 1990-01-01 00:00:00 UTC and nanoseconds within the second. */
export interface EpicsTimestamp {
  readonly secondsPastEpoch: number;
  readonly nanoseconds: number;
}

export const ZERO_TIMESTAMP: EpicsTimestamp = Object.freeze({ secondsPastEpoch: 0, nanoseconds: 0 });

/** Converts POSIX seconds (fractional) to an EPICS time stamp; times before 1990 are rejected. */
export function timestampFromPosixSeconds(posixSeconds: number): EpicsTimestamp {
  if (!Number.isFinite(posixSeconds) || posixSeconds < EPICS_EPOCH_OFFSET_S) {
    throw new CaInvalidArgumentError(
      `time ${posixSeconds} s is before the EPICS epoch (1990-01-01) or not finite`,
      posixSeconds,
    );
  }
  const whole = Math.floor(posixSeconds);
  const nanoseconds = Math.min(999_999_999, Math.round((posixSeconds - whole) * 1e9));
  return { secondsPastEpoch: whole - EPICS_EPOCH_OFFSET_S, nanoseconds };
}

/** POSIX seconds (fractional) of an EPICS time stamp. */
export function timestampToPosixSeconds(ts: EpicsTimestamp): number {
  return ts.secondsPastEpoch + EPICS_EPOCH_OFFSET_S + ts.nanoseconds / 1e9;
}

export function timestampFromDate(date: Date): EpicsTimestamp {
  return timestampFromPosixSeconds(date.getTime() / 1000);
}

export function timestampToDate(ts: EpicsTimestamp): Date {
  return new Date((ts.secondsPastEpoch + EPICS_EPOCH_OFFSET_S) * 1000 + Math.floor(ts.nanoseconds / 1e6));
}

/** The current time as an EPICS time stamp (microsecond resolution from the high-resolution clock). */
export function timestampNow(): EpicsTimestamp {
  const us = Math.floor((performance.timeOrigin + performance.now()) * 1000);
  const secs = Math.floor(us / 1e6);
  return { secondsPastEpoch: secs - EPICS_EPOCH_OFFSET_S, nanoseconds: (us - secs * 1e6) * 1000 };
}
