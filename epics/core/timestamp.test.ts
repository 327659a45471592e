import { describe, expect, it } from "vitest";
import { expectThrows } from "../test-helpers.ts";
import { CaInvalidArgumentError } from "./errors.ts";
import { timestampFromDate, timestampFromPosixSeconds, timestampNow, timestampToDate, timestampToPosixSeconds } from "./timestamp.ts";
import { EcaStatus, ecaIsSuccess, ecaMessage } from "./status.ts";
import { AlarmSeverity, AlarmStatus, alarmSeverityName, alarmStatusName } from "./alarm.ts";

describe("EPICS time stamps", () => {
  it("count from 1990-01-01 UTC", () => {
    expect(timestampFromDate(new Date("1990-01-01T00:00:00Z"))).toEqual({ secondsPastEpoch: 0, nanoseconds: 0 });
    expect(timestampFromDate(new Date("2000-01-01T00:00:01.250Z"))).toEqual({ secondsPastEpoch: 315_532_801, nanoseconds: 250_000_000 });
    expect(timestampToDate({ secondsPastEpoch: 315_532_801, nanoseconds: 250_000_000 }).toISOString()).toBe("2000-01-01T00:00:01.250Z");
  });

  it("round-trip POSIX seconds and follow the clock", () => {
    const ts = timestampFromPosixSeconds(1_700_000_000.5);
    expect(timestampToPosixSeconds(ts)).toBe(1_700_000_000.5);
    expect(Math.abs(timestampToPosixSeconds(timestampNow()) - Date.now() / 1000)).toBeLessThan(1);
  });

  it("reject times before the EPICS epoch", () => {
    expectThrows(
      () => timestampFromPosixSeconds(0),
      CaInvalidArgumentError,
      "time 0 s is before the EPICS epoch (1990-01-01) or not finite",
    );
  });
});

describe("status and alarm numbers", () => {
  it("match caerr.h and alarm.h", () => {
    expect([EcaStatus.NORMAL, EcaStatus.TIMEOUT, EcaStatus.BADTYPE, EcaStatus.PUTFAIL, EcaStatus.NORDACCESS, EcaStatus.NOWTACCESS]).toEqual([
      1, 80, 114, 160, 368, 376,
    ]);
    expect(ecaIsSuccess(EcaStatus.NORMAL)).toBe(true);
    expect(ecaIsSuccess(EcaStatus.PUTFAIL)).toBe(false);
    expect(ecaMessage(EcaStatus.NOWTACCESS)).toBe("ECA_NOWTACCESS: Write access denied");
    expect([AlarmStatus.HIHI, AlarmStatus.LOLO, AlarmStatus.UDF, AlarmSeverity.INVALID]).toEqual([3, 5, 17, 3]);
    expect([alarmStatusName(6), alarmSeverityName(2)]).toEqual(["LOW", "MAJOR"]);
  });
});
