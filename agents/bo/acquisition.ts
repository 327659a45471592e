import { normalCdf } from "../../sims/math/index.ts";

export const AcquisitionKind = {
  /** Expected improvement over the best: balances the mean and the uncertainty by itself. */
  ExpectedImprovement: "ei",
  /** Upper confidence bound μ + κσ: κ sets exploration outright. */
  UpperConfidenceBound: "ucb",
  /** Probability of improvement: greedy, for polishing a known optimum. */
  ProbabilityOfImprovement: "pi",
} as const;
export type AcquisitionKind = (typeof AcquisitionKind)[keyof typeof AcquisitionKind];

export interface AcquisitionParams {
  kind: AcquisitionKind;
  /** Improvement margin of EI and PI, in the objective's units. */
  xi: number;
  /** Exploration weight of UCB. */
  kappa: number;
}

const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

/**
 * The acquisition value of a prediction (mean, sd) for maximisation, against the incumbent `best`. Higher is
 * better for every kind.
 */
export function acquisitionValue(p: AcquisitionParams, mean: number, sd: number, best: number): number {
  if (p.kind === AcquisitionKind.UpperConfidenceBound) return mean + p.kappa * sd;
  const gain = mean - best - p.xi;
  if (!(sd > 0)) return p.kind === AcquisitionKind.ExpectedImprovement ? Math.max(gain, 0) : gain > 0 ? 1 : 0;
  const z = gain / sd;
  if (p.kind === AcquisitionKind.ProbabilityOfImprovement) return normalCdf(z);
  return gain * normalCdf(z) + sd * INV_SQRT_2PI * Math.exp(-0.5 * z * z);
}
