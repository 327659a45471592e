export { JsActor, type DenseWeights } from "./actor-js.ts";
export { DEFAULT_RL_CHECKPOINT, registerRlAgent, RL_ORBIT_KIND, RlOrbitAgent, rlOrbitFactory, type RlOrbitOptions } from "./agent.ts";
export { benchRl, type RlBenchResult } from "./bench.ts";
export { fileHandler, loadTd3, saveCheckpoint } from "./checkpoint.ts";
export { evalCommand, formatProgress, trainCommand } from "./commands.ts";
export { DEFAULT_EVAL, DEFAULT_TRAIN, readEvalConfig, readTrainConfig, type EvalConfig, type TrainConfig } from "./config.ts";
export {
  DEFAULT_REWARD,
  DEFAULT_RING_ENV,
  DEFAULT_SCENARIO_DISTRIBUTION,
  EpisodeEnd,
  RewardKind,
  RingEnv,
  TRAINING_SEED_BASE,
  type Range,
  type RewardOptions,
  type RingEnvOptions,
  type ScenarioDistribution,
  type StepResult,
} from "./env.ts";
export { evaluate, formatEvalTable, runEpisode, type AgentFigures, type EvalGoals, type EvalResult, type ScenarioFigures } from "./eval.ts";
export { heldOutScenarios, scoreHeldOut } from "./held-out.ts";
export { copyWeights, mlp, type MlpOptions } from "./networks.ts";
export {
  CHECKPOINT_FORMAT,
  CHECKPOINT_VERSION,
  CheckpointError,
  loadPolicy,
  readCheckpointMeta,
  type CheckpointMeta,
  type EpisodeRecord,
  type HeldOutRecord,
} from "./policy-file.ts";
export { DEFAULT_POLICY_MAP, ObservationKind, PolicyMap, type PolicyMapData, type PolicyMapOptions } from "./policy-map.ts";
export { ReplayBuffer, type Batch } from "./replay.ts";
export { DEFAULT_RING_SETUP, harmonicDisturbances, presetLattice, scenarioSimulator, type HarmonicScenario, type RingSetup, type Scenario } from "./scenario.ts";
export { CriticHead, DEFAULT_TD3, Td3, TD3_NETWORKS, type ResolvedTd3Options, type Td3Network, type Td3Options, type UpdateResult } from "./td3.ts";
export { DEFAULT_TF_PREFERENCE, describeBackend, loadTf, parseBackend, tf, TF_BACKEND_ORDER, TfBackend, TfBackendError, wasmBinaryDir, type LoadedTf, type Tf, type TfBackendAttempt } from "./tf.ts";
export { envFor, train, writeCurve, type TrainOptions, type TrainProgress, type TrainResult } from "./train.ts";
