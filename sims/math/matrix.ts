import { InvalidArgumentError } from "../../engine/errors.ts";

/** A dense real matrix stored row-major: element (i, j) is `data[i * cols + j]`. */
export interface Matrix {
  readonly rows: number;
  readonly cols: number;
  readonly data: Float64Array;
}

function checkShape(rows: number, cols: number): void {
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 0 || cols < 0) {
    throw new InvalidArgumentError(`matrix shape must be non-negative integers, got ${rows}x${cols}`, [rows, cols]);
  }
}

/** A rows × cols matrix of zeros, or wrapping `data` (not copied) when given. */
export function createMatrix(rows: number, cols: number, data?: Float64Array): Matrix {
  checkShape(rows, cols);
  if (data !== undefined && data.length !== rows * cols) {
    throw new InvalidArgumentError(`matrix data has ${data.length} elements, a ${rows}x${cols} matrix needs ${rows * cols}`, data.length);
  }
  return { rows, cols, data: data ?? new Float64Array(rows * cols) };
}

export function matrixFromRows(rows: readonly (readonly number[])[]): Matrix {
  const m = rows.length;
  const n = m === 0 ? 0 : rows[0]!.length;
  const out = createMatrix(m, n);
  rows.forEach((row, i) => {
    if (row.length !== n) {
      throw new InvalidArgumentError(`row ${i} has ${row.length} elements, row 0 has ${n}`, row.length);
    }
    out.data.set(row, i * n);
  });
  return out;
}

export function matrixToRows(a: Matrix): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < a.rows; i++) out.push(Array.from(a.data.subarray(i * a.cols, (i + 1) * a.cols)));
  return out;
}

export function identity(n: number): Matrix {
  const out = createMatrix(n, n);
  for (let i = 0; i < n; i++) out.data[i * n + i] = 1;
  return out;
}

export function cloneMatrix(a: Matrix): Matrix {
  return createMatrix(a.rows, a.cols, a.data.slice());
}

export function matGet(a: Matrix, i: number, j: number): number {
  return a.data[i * a.cols + j]!;
}

export function transpose(a: Matrix): Matrix {
  const out = createMatrix(a.cols, a.rows);
  for (let i = 0; i < a.rows; i++) {
    for (let j = 0; j < a.cols; j++) out.data[j * a.rows + i] = a.data[i * a.cols + j]!;
  }
  return out;
}

function checkOut(out: Float64Array | undefined, n: number, what: string): Float64Array {
  if (out === undefined) return new Float64Array(n);
  if (out.length !== n) throw new InvalidArgumentError(`${what}: output has ${out.length} elements, needs ${n}`, out.length);
  return out;
}

/** y = A x (into `out` when given, which must not alias `x`). */
export function matVec(a: Matrix, x: ArrayLike<number>, out?: Float64Array): Float64Array {
  if (x.length !== a.cols) {
    throw new InvalidArgumentError(`matVec: vector has ${x.length} elements, the matrix has ${a.cols} columns`, x.length);
  }
  const y = checkOut(out, a.rows, "matVec");
  const { data, cols } = a;
  for (let i = 0; i < a.rows; i++) {
    let sum = 0;
    const base = i * cols;
    for (let j = 0; j < cols; j++) sum += data[base + j]! * x[j]!;
    y[i] = sum;
  }
  return y;
}

/** y = Aᵀ x without forming the transpose. */
export function matTVec(a: Matrix, x: ArrayLike<number>, out?: Float64Array): Float64Array {
  if (x.length !== a.rows) {
    throw new InvalidArgumentError(`matTVec: vector has ${x.length} elements, the matrix has ${a.rows} rows`, x.length);
  }
  const y = checkOut(out, a.cols, "matTVec");
  y.fill(0);
  const { data, cols } = a;
  for (let i = 0; i < a.rows; i++) {
    const xi = x[i]!;
    if (xi === 0) continue;
    const base = i * cols;
    for (let j = 0; j < cols; j++) y[j] += data[base + j]! * xi;
  }
  return y;
}

/** C = A B. */
export function matMul(a: Matrix, b: Matrix): Matrix {
  if (a.cols !== b.rows) {
    throw new InvalidArgumentError(`matMul: ${a.rows}x${a.cols} times ${b.rows}x${b.cols} does not fit`, [a.cols, b.rows]);
  }
  const out = createMatrix(a.rows, b.cols);
  const n = b.cols;
  for (let i = 0; i < a.rows; i++) {
    const ob = i * n;
    for (let k = 0; k < a.cols; k++) {
      const aik = a.data[i * a.cols + k]!;
      if (aik === 0) continue;
      const bb = k * n;
      for (let j = 0; j < n; j++) out.data[ob + j] += aik * b.data[bb + j]!;
    }
  }
  return out;
}

/** A − B. */
export function matSub(a: Matrix, b: Matrix): Matrix {
  if (a.rows !== b.rows || a.cols !== b.cols) {
    throw new InvalidArgumentError(`matSub: ${a.rows}x${a.cols} and ${b.rows}x${b.cols} differ in shape`, [b.rows, b.cols]);
  }
  const out = createMatrix(a.rows, a.cols);
  for (let i = 0; i < out.data.length; i++) out.data[i] = a.data[i]! - b.data[i]!;
  return out;
}

export function frobeniusNorm(a: Matrix): number {
  let sum = 0;
  for (let i = 0; i < a.data.length; i++) sum += a.data[i]! * a.data[i]!;
  return Math.sqrt(sum);
}

/** The sub-matrix of rows [r0, r1) and columns [c0, c1). */
export function subMatrix(a: Matrix, r0: number, r1: number, c0: number, c1: number): Matrix {
  const out = createMatrix(r1 - r0, c1 - c0);
  for (let i = r0; i < r1; i++) out.data.set(a.data.subarray(i * a.cols + c0, i * a.cols + c1), (i - r0) * (c1 - c0));
  return out;
}

export function norm2(x: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < x.length; i++) sum += x[i]! * x[i]!;
  return Math.sqrt(sum);
}

/** Root mean square of x[from..to). */
export function rms(x: ArrayLike<number>, from = 0, to = x.length): number {
  if (to <= from) return 0;
  let sum = 0;
  for (let i = from; i < to; i++) sum += x[i]! * x[i]!;
  return Math.sqrt(sum / (to - from));
}
