export { Rng, type RngState } from "./rng.ts";
export { besselJ, erf, erfc, lnGamma, normalCdf } from "./special.ts";
export {
  cloneMatrix,
  createMatrix,
  frobeniusNorm,
  identity,
  matGet,
  matMul,
  matrixFromRows,
  matrixToRows,
  matSub,
  matTVec,
  matVec,
  norm2,
  rms,
  subMatrix,
  transpose,
  type Matrix,
} from "./matrix.ts";
export { DEFAULT_PSEUDO_INVERSE, inverseSingularValues, pseudoInverse, svd, type PseudoInverseOptions, type Svd } from "./svd.ts";
