import { MAX_ENUM_STATES, MAX_ENUM_STRING_SIZE, MAX_STRING_SIZE, MAX_UNITS_SIZE } from "./constants.ts";
import { CaInvalidArgumentError } from "./errors.ts";

/** DBR type codes as db_access.h numbers them. */
export const DbrType = {
  STRING: 0,
  SHORT: 1,
  INT: 1,
  FLOAT: 2,
  ENUM: 3,
  CHAR: 4,
  LONG: 5,
  DOUBLE: 6,
  STS_STRING: 7,
  STS_SHORT: 8,
  STS_INT: 8,
  STS_FLOAT: 9,
  STS_ENUM: 10,
  STS_CHAR: 11,
  STS_LONG: 12,
  STS_DOUBLE: 13,
  TIME_STRING: 14,
  TIME_SHORT: 15,
  TIME_INT: 15,
  TIME_FLOAT: 16,
  TIME_ENUM: 17,
  TIME_CHAR: 18,
  TIME_LONG: 19,
  TIME_DOUBLE: 20,
  GR_STRING: 21,
  GR_SHORT: 22,
  GR_INT: 22,
  GR_FLOAT: 23,
  GR_ENUM: 24,
  GR_CHAR: 25,
  GR_LONG: 26,
  GR_DOUBLE: 27,
  CTRL_STRING: 28,
  CTRL_SHORT: 29,
  CTRL_INT: 29,
  CTRL_FLOAT: 30,
  CTRL_ENUM: 31,
  CTRL_CHAR: 32,
  CTRL_LONG: 33,
  CTRL_DOUBLE: 34,
  PUT_ACKT: 35,
  PUT_ACKS: 36,
  STSACK_STRING: 37,
  CLASS_NAME: 38,
} as const;
export type DbrTypeCode = number;
export const LAST_DBR_TYPE = 38;

/** The seven native (DBF) types a channel can have. */
export const NativeType = { STRING: 0, SHORT: 1, FLOAT: 2, ENUM: 3, CHAR: 4, LONG: 5, DOUBLE: 6 } as const;
export type NativeType = (typeof NativeType)[keyof typeof NativeType];

/** Which metadata a DBR type carries. SPECIAL covers the alarm-acknowledge and class-name types (35..38). */
export const DbrForm = { PLAIN: 0, STS: 1, TIME: 2, GR: 3, CTRL: 4, SPECIAL: 5 } as const;
export type DbrForm = (typeof DbrForm)[keyof typeof DbrForm];

const NATIVE_NAMES = ["STRING", "SHORT", "FLOAT", "ENUM", "CHAR", "LONG", "DOUBLE"];
const FORM_PREFIX = ["", "STS_", "TIME_", "GR_", "CTRL_"];
const SPECIAL_NAMES: Record<number, string> = {
  35: "PUT_ACKT",
  36: "PUT_ACKS",
  37: "STSACK_STRING",
  38: "CLASS_NAME",
};

/** Element size on the wire for each native type. */
export const ELEMENT_SIZE: readonly number[] = [MAX_STRING_SIZE, 2, 4, 2, 1, 4, 8];

/** Where the value (first element) starts inside each form's struct, per native type (C layout with padding). */
const VALUE_OFFSET: readonly (readonly number[])[] = [
  /* plain */ [0, 0, 0, 0, 0, 0, 0],
  /* sts   */ [4, 4, 4, 4, 5, 4, 8],
  /* time  */ [12, 14, 12, 14, 15, 12, 16],
  /* gr    */ [4, 24, 40, 422, 19, 36, 64],
  /* ctrl  */ [4, 28, 48, 422, 21, 44, 80],
];

/** Everything needed to lay out one DBR type on the wire. */
export interface DbrLayout {
  readonly type: DbrTypeCode;
  readonly name: string;
  /** Element kind of the value array (PUT_ACKT/ACKS use ENUM's 16-bit unsigned; the string types STRING). */
  readonly native: NativeType;
  readonly form: DbrForm;
  readonly valueOffset: number;
  readonly elementSize: number;
}

const LAYOUTS: DbrLayout[] = [];
for (let type = 0; type <= 34; type++) {
  const native = (type % 7) as NativeType;
  const form = Math.floor(type / 7) as DbrForm;
  LAYOUTS.push(
    Object.freeze({
      type,
      name: `DBR_${FORM_PREFIX[form]}${NATIVE_NAMES[native]}`,
      native,
      form,
      valueOffset: VALUE_OFFSET[form]![native]!,
      elementSize: ELEMENT_SIZE[native]!,
    }),
  );
}
LAYOUTS.push(
  Object.freeze({ type: 35, name: "DBR_PUT_ACKT", native: NativeType.ENUM, form: DbrForm.SPECIAL, valueOffset: 0, elementSize: 2 }),
  Object.freeze({ type: 36, name: "DBR_PUT_ACKS", native: NativeType.ENUM, form: DbrForm.SPECIAL, valueOffset: 0, elementSize: 2 }),
  Object.freeze({
    type: 37,
    name: "DBR_STSACK_STRING",
    native: NativeType.STRING,
    form: DbrForm.SPECIAL,
    valueOffset: 8,
    elementSize: MAX_STRING_SIZE,
  }),
  Object.freeze({
    type: 38,
    name: "DBR_CLASS_NAME",
    native: NativeType.STRING,
    form: DbrForm.SPECIAL,
    valueOffset: 0,
    elementSize: MAX_STRING_SIZE,
  }),
);

export function isValidDbrType(type: number): boolean {
  return Number.isInteger(type) && type >= 0 && type <= LAST_DBR_TYPE;
}

/** The layout of a DBR type; throws CaInvalidArgumentError naming the code when it is not one. */
export function dbrLayout(type: number): DbrLayout {
  const layout = LAYOUTS[type];
  if (layout === undefined || !Number.isInteger(type)) {
    throw new CaInvalidArgumentError(`unknown DBR type ${type} (valid: 0..${LAST_DBR_TYPE})`, type);
  }
  return layout;
}

export function dbrTypeName(type: number): string {
  return LAYOUTS[type]?.name ?? SPECIAL_NAMES[type] ?? `DBR_${type}`;
}

/** The DBR type carrying `native` values in `form` (e.g. DOUBLE + TIME -> DBR_TIME_DOUBLE). */
export function dbrTypeFor(native: NativeType, form: DbrForm): DbrTypeCode {
  if (form === DbrForm.SPECIAL) throw new CaInvalidArgumentError("the SPECIAL form has no per-native DBR type", form);
  return form * 7 + native;
}

/** Looks up a type by its name, with or without the DBR_ prefix ("TIME_DOUBLE", "dbr_ctrl_enum"). */
export function dbrTypeFromName(name: string): DbrTypeCode {
  const wanted = name.toUpperCase().replace(/^DBR_/, "");
  const key = wanted as keyof typeof DbrType;
  const code = DbrType[key];
  if (code === undefined) throw new CaInvalidArgumentError(`unknown DBR type name '${name}'`, name);
  return code;
}

/** Unpadded payload bytes for `count` elements of a type (struct up to the value, then the elements). */
export function dbrPayloadSize(type: number, count: number): number {
  const layout = dbrLayout(type);
  return layout.valueOffset + count * layout.elementSize;
}

export const GR_ENUM_STRINGS_SIZE = MAX_ENUM_STATES * MAX_ENUM_STRING_SIZE;
export { MAX_UNITS_SIZE };
