/** Alarm status (condition) and severity with the numbers EPICS puts on the wire (alarm.h). */
export const AlarmStatus = {
  NO_ALARM: 0,
  READ: 1,
  WRITE: 2,
  HIHI: 3,
  HIGH: 4,
  LOLO: 5,
  LOW: 6,
  STATE: 7,
  COS: 8,
  COMM: 9,
  TIMEOUT: 10,
  HWLIMIT: 11,
  CALC: 12,
  SCAN: 13,
  LINK: 14,
  SOFT: 15,
  BAD_SUB: 16,
  UDF: 17,
  DISABLE: 18,
  SIMM: 19,
  READ_ACCESS: 20,
  WRITE_ACCESS: 21,
} as const;
export type AlarmStatus = (typeof AlarmStatus)[keyof typeof AlarmStatus];

export const AlarmSeverity = { NO_ALARM: 0, MINOR: 1, MAJOR: 2, INVALID: 3 } as const;
export type AlarmSeverity = (typeof AlarmSeverity)[keyof typeof AlarmSeverity];

const STATUS_NAMES = Object.fromEntries(Object.entries(AlarmStatus).map(([k, v]) => [v, k])) as Record<number, string>;
const SEVERITY_NAMES = Object.fromEntries(Object.entries(AlarmSeverity).map(([k, v]) => [v, k])) as Record<
  number,
  string
>;

export function alarmStatusName(status: number): string {
  return STATUS_NAMES[status] ?? `UNKNOWN(${status})`;
}

export function alarmSeverityName(severity: number): string {
  return SEVERITY_NAMES[severity] ?? `UNKNOWN(${severity})`;
}
