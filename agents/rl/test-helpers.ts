import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { saveCheckpoint } from "./checkpoint.ts";
import { RingEnv, type RingEnvOptions } from "./env.ts";
import { Td3, type Td3Options } from "./td3.ts";

/** A small environment for tests: the small ring, short episodes, no harmonic unless asked. */
export function testEnv(options: RingEnvOptions = {}): RingEnv {
  return new RingEnv({ maxSteps: 10, ...options, scenarios: { harmonicProbability: 0, ...options.scenarios } });
}

/** A tiny TD3 learner for `env`. */
export function tinyTd3(env: RingEnv, options: Partial<Td3Options> = {}): Td3 {
  return new Td3({ obsSize: env.obsSize, actionSize: env.actionSize, hidden: [8], actorWarmupUpdates: 0, ...options });
}

/** Writes a checkpoint of `td3` for `env` into a fresh temporary directory and returns it. */
export async function tempCheckpoint(env: RingEnv, td3: Td3): Promise<string> {
  const dir = join(mkdtempSync(join(tmpdir(), "skyloop-rl-")), "ckpt");
  await saveCheckpoint(dir, td3, { step: 0, episode: 0, trainSeconds: 0, backend: "test", policy: env.policy.toData(), config: {}, curve: [] });
  return dir;
}
