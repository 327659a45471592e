/**
 * Text output of the `skyloop ca` commands, laid out as EPICS's caget/caput/camonitor/cainfo print it: the PV
 * name padded to 30 columns, arrays as their element count then the elements, `%g`-style numbers unless a
 * format is chosen, and the full DBR structure when a DBR type is asked for.
 */
import {
  alarmSeverityName,
  alarmStatusName,
  type CaValue,
  type ChannelInfo,
  charArrayToString,
  DbrForm,
  dbrLayout,
  dbrTypeName,
  NativeType,
  timestampToPosixSeconds,
} from "../../epics/index.ts";
import { InvalidArgumentError } from "../../engine/errors.ts";

/** How numbers are printed: C's %g (default precision 6), %f or %e with the given digits. */
export const NumberFormat = { g: "g", f: "f", e: "e" } as const;
export type NumberFormat = (typeof NumberFormat)[keyof typeof NumberFormat];

export interface FormatOptions {
  /** Only the value (caget -t). @default false */
  terse?: boolean;
  /** Enums as their index (caget -n). @default false */
  enumAsNumber?: boolean;
  /** CHAR arrays as a string (caget -S). @default false */
  charAsString?: boolean;
  /** @default { kind: "g", digits: 6 } */
  number?: { kind: NumberFormat; digits: number };
}

export const DEFAULT_NUMBER_FORMAT = { kind: NumberFormat.g, digits: 6 } as const;

/** The name column: padded to 30 characters plus a space, as the EPICS tools print it. */
export function nameColumn(name: string): string {
  return `${name.padEnd(30)} `;
}

/** C printf's %.<p>g: shortest of fixed and exponent form, trailing zeros removed. */
export function formatG(v: number, digits: number): string {
  if (!Number.isFinite(v)) return Number.isNaN(v) ? "nan" : v > 0 ? "inf" : "-inf";
  if (v === 0) return Object.is(v, -0) ? "-0" : "0";
  const p = Math.max(1, digits);
  const exp = Math.floor(Math.log10(Math.abs(Number(v.toPrecision(p)))));
  if (exp < -4 || exp >= p) return trimExponent(stripZeros(v.toExponential(p - 1)));
  return stripZeros(v.toFixed(Math.max(0, p - 1 - exp)));
}

function stripZeros(s: string): string {
  const [mantissa, exponent] = s.split("e") as [string, string | undefined];
  const m = mantissa.includes(".") ? mantissa.replace(/\.?0+$/, "") : mantissa;
  return exponent === undefined ? m : `${m}e${exponent}`;
}

/** JavaScript writes 1e+5; C writes 1e+05. */
function trimExponent(s: string): string {
  return s.replace(/e([+-])(\d)$/, "e$10$2");
}

export function formatNumber(v: number, format: { kind: NumberFormat; digits: number } = DEFAULT_NUMBER_FORMAT): string {
  if (!Number.isFinite(v)) return formatG(v, 6);
  switch (format.kind) {
    case "f":
      return v.toFixed(Math.min(format.digits, 100));
    case "e":
      return trimExponent(v.toExponential(Math.min(format.digits, 100)));
    default:
      return formatG(v, format.digits);
  }
}

/** The elements of a value as text, one string per element. */
export function elementTexts(v: CaValue, options: FormatOptions): string[] {
  const native = dbrLayout(v.dbrType).native;
  const values = v.values;
  if (native === NativeType.STRING) return [...(values as string[])];
  const nums = Array.from(values as ArrayLike<number>);
  if (native === NativeType.ENUM && !options.enumAsNumber && v.enumStrings.length > 0)
    return nums.map((n) => v.enumStrings[n] ?? String(n));
  if (native === NativeType.FLOAT || native === NativeType.DOUBLE) return nums.map((n) => formatNumber(n, options.number));
  return nums.map(String);
}

/** The value column: a scalar as itself, an array as "count e1 e2 ...", a CHAR array with -S as a string. */
export function valueText(v: CaValue, options: FormatOptions): string {
  const native = dbrLayout(v.dbrType).native;
  if (options.charAsString && native === NativeType.CHAR) return charArrayToString(v.values as Uint8Array);
  const elements = elementTexts(v, options);
  return elements.length === 1 ? elements[0]! : [String(elements.length), ...elements].join(" ");
}

/** Local date and time with microseconds, as the EPICS tools print time stamps. */
export function timestampText(v: CaValue): string {
  const posix = timestampToPosixSeconds(v.timestamp);
  const d = new Date(Math.floor(posix) * 1000);
  const two = (n: number) => String(n).padStart(2, "0");
  const micro = String(Math.floor(v.timestamp.nanoseconds / 1000)).padStart(6, "0");
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.${micro}`;
}

/** Alarm columns, printed only while there is an alarm. */
function alarmText(v: CaValue): string {
  return v.status === 0 && v.severity === 0 ? "" : ` ${alarmStatusName(v.status)} ${alarmSeverityName(v.severity)}`;
}

/** caget's line: `name value`, `value` (terse), or `name time value [stat sevr]` (wide, -a). */
export function getLine(v: CaValue, options: FormatOptions & { wide?: boolean }): string {
  const value = valueText(v, options);
  if (options.wide) return `${nameColumn(v.pvName)}${timestampText(v)} ${value}${alarmText(v)}`;
  return options.terse ? value : `${nameColumn(v.pvName)}${value}`;
}

/** camonitor's line: `name time value [stat sevr]` (terse: `time value`). */
export function monitorLine(v: CaValue, options: FormatOptions): string {
  const body = `${timestampText(v)} ${valueText(v, options)}${alarmText(v)}`;
  return options.terse ? body : `${nameColumn(v.pvName)}${body}`;
}

const LIMIT_ROWS: [string, keyof CaValue["limits"]][] = [
  ["Lo disp limit", "lowerDisp"],
  ["Hi disp limit", "upperDisp"],
  ["Lo alarm limit", "lowerAlarm"],
  ["Lo warn limit", "lowerWarning"],
  ["Hi warn limit", "upperWarning"],
  ["Hi alarm limit", "upperAlarm"],
];

/** caget -d: the whole DBR structure, one field a line. */
export function structureText(v: CaValue, info: ChannelInfo, options: FormatOptions): string {
  const layout = dbrLayout(v.dbrType);
  const row = (label: string, text: string) => `    ${`${label}:`.padEnd(18)}${text}`;
  const lines = [v.pvName, row("Native data type", info.nativeType), row("Request type", dbrTypeName(v.dbrType)), row("Element count", String(v.count))];
  lines.push(row("Value", layout.native === NativeType.CHAR && options.charAsString ? charArrayToString(v.values as Uint8Array) : elementTexts(v, options).join(" ")));
  if (layout.form === DbrForm.PLAIN || layout.form === DbrForm.SPECIAL) return lines.join("\n");
  lines.push(row("Status", alarmStatusName(v.status)), row("Severity", alarmSeverityName(v.severity)));
  if (layout.form === DbrForm.TIME) lines.push(row("Timestamp", timestampText(v)));
  if (layout.form === DbrForm.GR || layout.form === DbrForm.CTRL) {
    if (layout.native === NativeType.ENUM) {
      lines.push(row("Enums", `(${String(v.enumStrings.length).padStart(2)})`));
      v.enumStrings.forEach((s, i) => lines.push(`                  [${String(i).padStart(2)}] ${s}`));
    } else if (layout.native !== NativeType.STRING) {
      lines.push(row("Units", v.units));
      if (layout.native === NativeType.FLOAT || layout.native === NativeType.DOUBLE) lines.push(row("Precision", String(v.precision)));
      const num = (n: number) => (layout.native === NativeType.FLOAT || layout.native === NativeType.DOUBLE ? formatNumber(n, options.number) : String(n));
      for (const [label, key] of LIMIT_ROWS) lines.push(row(label, num(v.limits[key])));
      if (layout.form === DbrForm.CTRL) lines.push(row("Lo ctrl limit", num(v.limits.lowerCtrl)), row("Hi ctrl limit", num(v.limits.upperCtrl)));
    }
  }
  return lines.join("\n");
}

/** cainfo's block. */
export function infoText(info: ChannelInfo): string {
  const row = (label: string, text: string) => `    ${`${label}:`.padEnd(18)}${text}`;
  const access = { "no access": "none", "read only": "read, no write", "write only": "no read, write", "read/write": "read, write" }[info.access];
  return [
    info.name,
    row("State", info.state),
    row("Host", info.server),
    row("Access", access),
    row("Native data type", info.nativeType),
    row("Request type", info.nativeType.replace("DBF_", "DBR_")),
    row("Element count", String(info.elementCount)),
  ].join("\n");
}

/** A DBR type from `-d`: a number (20) or a name with or without its DBR_ prefix (DBR_TIME_DOUBLE, time_double). */
export function parseDbrType(text: string): number {
  const t = text.trim();
  if (/^\d+$/.test(t)) {
    const n = Number(t);
    try {
      dbrLayout(n);
    } catch {
      throw new InvalidArgumentError(`unknown DBR type ${JSON.stringify(text)}: use a number 0..38 or a name such as DBR_TIME_DOUBLE`, text);
    }
    return n;
  }
  // DBR_INT is another name of DBR_SHORT.
  const wanted = t.toUpperCase().replace(/^DBR_/, "").replace(/(^|_)INT$/, "$1SHORT");
  for (let n = 0; n <= 38; n++) if (dbrTypeName(n).replace(/^DBR_/, "") === wanted) return n;
  throw new InvalidArgumentError(`unknown DBR type ${JSON.stringify(text)}: use a number 0..38 or a name such as DBR_TIME_DOUBLE`, text);
}
