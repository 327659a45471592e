export { AcquisitionKind, acquisitionValue, type AcquisitionParams } from "./acquisition.ts";
export { BAYES_OPT_KIND, BayesOptAgent, bayesOptOptionsFromSettings, DEFAULT_BAYES_OPT, Direction, type BayesOptOptions, type BestPoint } from "./agent.ts";
export { cholesky, choleskySolve, NotPositiveDefiniteError, solveLower, solveUpper, type Cholesky } from "./cholesky.ts";
export { ShiftedHalton } from "./design.ts";
export { DEFAULT_GP_FIT, fitGaussianProcess, GaussianProcess, standardise, type GpFitOptions, type GpHyperparameters, type Prediction, type Standardisation } from "./gp.ts";
export { kernelValue, KernelKind, type KernelParams } from "./kernel.ts";
export { nelderMead, type Minimum, type NelderMeadOptions } from "./nelder_mead.ts";
