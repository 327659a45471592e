import { describe, expect, it } from "vitest";
import { expectThrows } from "../test-helpers.ts";
import { charArrayToString, convertValues, stringToCharArray, valuesFromInput } from "./convert.ts";
import { NativeType } from "./dbr-types.ts";
import { CaConversionError } from "./errors.ts";

describe("value conversion", () => {
  it("formats numbers as strings with the channel precision", () => {
    expect(convertValues(Float64Array.of(1.23456, 2), NativeType.DOUBLE, NativeType.STRING, { precision: 2 })).toEqual(["1.23", "2.00"]);
    expect(convertValues(Int32Array.of(-7), NativeType.LONG, NativeType.STRING)).toEqual(["-7"]);
  });

  it("maps enum indices to state strings and back", () => {
    const enumStrings = ["Off", "On"];
    expect(convertValues(Uint16Array.of(1, 0, 5), NativeType.ENUM, NativeType.STRING, { enumStrings })).toEqual(["On", "Off", "5"]);
    expect(convertValues(["On", "0"], NativeType.STRING, NativeType.ENUM, { enumStrings })).toEqual(Uint16Array.of(1, 0));
    expectThrows(
      () => convertValues(["Maybe"], NativeType.STRING, NativeType.ENUM, { enumStrings }),
      CaConversionError,
      "cannot convert 'Maybe' to an enum state or index",
    );
    expectThrows(
      () => convertValues(["7"], NativeType.STRING, NativeType.ENUM, { enumStrings }),
      CaConversionError,
      "enum index '7' is out of range 0..1",
    );
  });

  it("parses strings to numbers and rejects what is not one", () => {
    expect(convertValues([" 2.5 ", ""], NativeType.STRING, NativeType.DOUBLE)).toEqual(Float64Array.of(2.5, 0));
    expectThrows(() => convertValues(["abc"], NativeType.STRING, NativeType.DOUBLE), CaConversionError, "cannot convert 'abc' to a number");
  });

  it("truncates toward zero and wraps like a C cast between numeric types", () => {
    expect(convertValues(Float64Array.of(2.9, -2.9, 70000), NativeType.DOUBLE, NativeType.SHORT)).toEqual(Int16Array.of(2, -2, 4464));
    expect(convertValues(Int16Array.of(-1), NativeType.SHORT, NativeType.DOUBLE)).toEqual(Float64Array.of(-1));
  });

  it("carries long strings as NUL-terminated CHAR arrays", () => {
    const text = "a path longer than forty characters: /data/2024/run-0001/scan.h5";
    const chars = stringToCharArray(text);
    expect(chars[chars.length - 1]).toBe(0);
    expect(charArrayToString(chars)).toBe(text);
    expect(valuesFromInput(text, NativeType.CHAR)).toEqual(chars);
  });

  it("turns caller input into wire values", () => {
    expect(valuesFromInput(3.7, NativeType.LONG)).toEqual(Int32Array.of(3));
    expect(valuesFromInput(true, NativeType.SHORT)).toEqual(Int16Array.of(1));
    expect(valuesFromInput([1, "2"], NativeType.DOUBLE)).toEqual(Float64Array.of(1, 2));
    expect(valuesFromInput("On", NativeType.ENUM, { enumStrings: ["Off", "On"] })).toEqual(Uint16Array.of(1));
    expect(valuesFromInput(5, NativeType.STRING)).toEqual(["5"]);
    expectThrows(
      () => valuesFromInput("x".repeat(40), NativeType.STRING),
      CaConversionError,
      `string '${"x".repeat(40)}' is 40 bytes; DBR_STRING holds at most 39 (use a CHAR array for long strings)`,
    );
    expectThrows(
      () => valuesFromInput({ a: 1 }, NativeType.DOUBLE),
      CaConversionError,
      "cannot write an object ([object Object]): expected a number, string, boolean or an array of them",
    );
  });
});
