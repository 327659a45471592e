import { describe, expect, it } from "vitest";
import { InvalidArgumentError } from "../../engine/errors.ts";
import { Rng } from "./rng.ts";
import {
  createMatrix,
  frobeniusNorm,
  identity,
  matMul,
  matrixFromRows,
  matrixToRows,
  matSub,
  matTVec,
  matVec,
  subMatrix,
  transpose,
  type Matrix,
} from "./matrix.ts";
import { pseudoInverse, svd } from "./svd.ts";

function randomMatrix(rows: number, cols: number, seed: number): Matrix {
  const rng = new Rng(seed);
  const a = createMatrix(rows, cols);
  for (let i = 0; i < a.data.length; i++) a.data[i] = rng.gaussian();
  return a;
}

function diag(s: Float64Array): Matrix {
  const d = createMatrix(s.length, s.length);
  s.forEach((x, i) => (d.data[i * s.length + i] = x));
  return d;
}

describe("dense matrices", () => {
  it("multiplies matrices and vectors as by hand", () => {
    const a = matrixFromRows([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(Array.from(matVec(a, [1, 0, -1]))).toEqual([-2, -2]);
    expect(Array.from(matTVec(a, [1, 1]))).toEqual([5, 7, 9]);
    expect(matrixToRows(matMul(a, transpose(a)))).toEqual([
      [14, 32],
      [32, 77],
    ]);
    expect(matrixToRows(subMatrix(a, 0, 2, 1, 3))).toEqual([
      [2, 3],
      [5, 6],
    ]);
  });

  it("rejects shapes that do not fit, naming both", () => {
    const a = createMatrix(2, 3);
    expect(() => matMul(a, a)).toThrow(InvalidArgumentError);
    expect(() => matMul(a, a)).toThrow("matMul: 2x3 times 2x3 does not fit");
    expect(() => matVec(a, [1, 2])).toThrow("matVec: vector has 2 elements, the matrix has 3 columns");
  });
});

describe("svd", () => {
  it.each([
    [6, 4],
    [4, 6],
    [5, 5],
  ])("reconstructs a random %dx%d matrix with orthonormal factors", (m, n) => {
    const a = randomMatrix(m, n, m * 10 + n);
    const { u, s, v } = svd(a);
    const k = Math.min(m, n);
    expect(s.length).toBe(k);
    for (let i = 1; i < k; i++) expect(s[i]!).toBeLessThanOrEqual(s[i - 1]!);
    const back = matMul(matMul(u, diag(s)), transpose(v));
    expect(frobeniusNorm(matSub(back, a))).toBeLessThan(1e-12);
    expect(frobeniusNorm(matSub(matMul(transpose(u), u), identity(k)))).toBeLessThan(1e-12);
    expect(frobeniusNorm(matSub(matMul(transpose(v), v), identity(k)))).toBeLessThan(1e-12);
  });

  it("finds the singular values of a known matrix", () => {
    // [[3, 0], [4, 5]] has singular values √45 and √5.
    const { s } = svd(matrixFromRows([
      [3, 0],
      [4, 5],
    ]));
    expect(s[0]).toBeCloseTo(Math.sqrt(45), 12);
    expect(s[1]).toBeCloseTo(Math.sqrt(5), 12);
  });
});

describe("pseudoInverse", () => {
  it("is the inverse of a square well-conditioned matrix", () => {
    const a = randomMatrix(5, 5, 3);
    expect(frobeniusNorm(matSub(matMul(pseudoInverse(a), a), identity(5)))).toBeLessThan(1e-10);
  });

  it("solves least squares for a tall matrix (A⁺A = I)", () => {
    const a = randomMatrix(8, 3, 4);
    expect(frobeniusNorm(matSub(matMul(pseudoInverse(a), a), identity(3)))).toBeLessThan(1e-12);
  });

  it("drops truncated singular values and damps with Tikhonov", () => {
    const a = matrixFromRows([
      [2, 0],
      [0, 0.1],
    ]);
    expect(matrixToRows(pseudoInverse(a, { keep: 1 }))).toEqual([
      [0.5, 0],
      [0, 0],
    ]);
    const damped = pseudoInverse(a, { tikhonov: 0.1 });
    expect(damped.data[0]).toBeCloseTo(2 / (4 + 0.01), 12);
    expect(damped.data[3]).toBeCloseTo(0.1 / (0.01 + 0.01), 12);
    expect(pseudoInverse(a, { rcond: 0.1 }).data[3]).toBe(0);
  });
});
