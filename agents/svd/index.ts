export { SVD_ORBIT_KIND, SvdOrbitAgent, svdOrbitOptionsFromSettings, type SvdOrbitOptions } from "./agent.ts";
export { responseFromMeasurements, type MeasuredResponse, type ResponseMeasurement } from "./response.ts";
export { DEFAULT_ORBIT_SOLVER, OrbitSolver, StepLimitMode, type CorrectionStep, type OrbitSolverOptions } from "./solver.ts";
