import { describe, expect, it } from "vitest";
import { InvalidArgumentError } from "../../engine/errors.ts";
import { datakeyMismatch, defaultValue, inferDatatype, makeDatakey, valueMismatch } from "./datakey.ts";

describe("datatypes and data keys", () => {
  it("infers the datatype from a value", () => {
    expect(inferDatatype(1.5)).toBe("number");
    expect(inferDatatype("a")).toBe("string");
    expect(inferDatatype(true)).toBe("boolean");
    expect(inferDatatype([1, 2])).toBe("array");
    expect(inferDatatype(new Float32Array(3))).toBe("array");
    expect(inferDatatype("Open", ["Open", "Closed"])).toBe("enum");
    expect(() => inferDatatype({ a: 1 })).toThrow(InvalidArgumentError);
    expect(() => inferDatatype({ a: 1 })).toThrow(
      "cannot infer a signal datatype from an object (Object): use a number, integer, string, boolean, array or enum",
    );
  });

  it("builds data keys with dtype, shape, numpy dtype and metadata", () => {
    expect(makeDatakey("soft://x", "number", 1, { units: "mm", precision: 3, limits: [-1, 1] })).toEqual({
      source: "soft://x",
      dtype: "number",
      shape: [],
      dtype_numpy: "<f8",
      units: "mm",
      precision: 3,
      limits: { control: { low: -1, high: 1 } },
    });
    expect(makeDatakey("s", "integer", 3)).toMatchObject({ dtype: "integer", dtype_numpy: "<i8" });
    expect(makeDatakey("s", "boolean", true)).toMatchObject({ dtype: "boolean", dtype_numpy: "|b1" });
    expect(makeDatakey("s", "enum", "Open", { choices: ["Open", "Closed"] })).toEqual({
      source: "s",
      dtype: "string",
      shape: [],
      dtype_numpy: "|S40",
      choices: ["Open", "Closed"],
    });
    expect(makeDatakey("s", "array", new Int32Array(4))).toMatchObject({ dtype: "array", shape: [4], dtype_numpy: "<i4" });
    expect(makeDatakey("s", "array", [[1, 2, 3], [4, 5, 6]])).toMatchObject({ shape: [2, 3], dtype_numpy: "<f8" });
  });

  it("explains values that do not fit a datatype", () => {
    expect(valueMismatch("number", 1)).toBeUndefined();
    expect(valueMismatch("number", "1")).toBe('expected a number, got "1"');
    expect(valueMismatch("integer", 1.5)).toBe("expected an integer, got number 1.5");
    expect(valueMismatch("enum", "Half", ["Open", "Closed"])).toBe('"Half" is not one of ["Open","Closed"]');
    expect(valueMismatch("array", 3)).toBe("expected an array, got number 3");
    expect(defaultValue("enum", ["A", "B"])).toBe("A");
  });

  it("checks that a value matches its data key", () => {
    expect(datakeyMismatch(makeDatakey("s", "array", [1, 2]), [3, 4])).toBeUndefined();
    expect(datakeyMismatch(makeDatakey("s", "array", [1, 2]), [3])).toBe("shape [2] but the value has shape [1]");
    expect(datakeyMismatch({ source: "s", dtype: "array", shape: [null] }, [1, 2, 3])).toBeUndefined();
    expect(datakeyMismatch(makeDatakey("s", "number", 1), "x")).toBe('dtype "number" but the value is "x"');
    expect(datakeyMismatch({ source: "s", dtype: "number", shape: [1] }, 1)).toBe(
      'a scalar dtype "number" needs shape [], got [1]',
    );
    expect(datakeyMismatch(makeDatakey("s", "enum", "A", { choices: ["A"] }), "B")).toBe(
      '"B" is not one of the choices ["A"]',
    );
  });
});
