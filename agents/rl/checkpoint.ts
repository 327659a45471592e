import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { io, LayersModel } from "@tensorflow/tfjs";
import {
  CHECKPOINT_FORMAT,
  CHECKPOINT_VERSION,
  CheckpointError,
  META_JSON,
  MODEL_JSON,
  readCheckpointMeta,
  readModelFiles,
  WEIGHTS_BIN,
  type CheckpointMeta,
} from "./policy-file.ts";
import { Td3, TD3_NETWORKS } from "./td3.ts";
import { tf } from "./tf.ts";

/**
 * A TensorFlow.js IOHandler over a directory of the local file system, writing and reading the same two files
 * as tfjs-node's `file://` handler (model.json with the topology and weights manifest, weights.bin), which is
 * absent without the native backend.
 */
export function fileHandler(dir: string): io.IOHandler {
  const root = resolve(dir);
  return {
    async save(artifacts: io.ModelArtifacts): Promise<io.SaveResult> {
      mkdirSync(root, { recursive: true });
      const data = artifacts.weightData === undefined ? new ArrayBuffer(0) : tf.io.CompositeArrayBuffer.join(artifacts.weightData);
      const manifest: io.WeightsManifestConfig = [{ paths: [`./${WEIGHTS_BIN}`], weights: artifacts.weightSpecs ?? [] }];
      const json = {
        modelTopology: artifacts.modelTopology,
        format: artifacts.format ?? "layers-model",
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy ?? null,
        weightsManifest: manifest,
      };
      writeFileSync(join(root, WEIGHTS_BIN), new Uint8Array(data));
      writeFileSync(join(root, MODEL_JSON), JSON.stringify(json));
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON({ ...artifacts, weightData: data }) };
    },
    async load(): Promise<io.ModelArtifacts> {
      const { json, weights } = readModelFiles(root);
      return {
        modelTopology: json.modelTopology,
        format: json.format,
        generatedBy: json.generatedBy,
        convertedBy: json.convertedBy,
        weightSpecs: json.weightsManifest.flatMap((g) => g.weights),
        weightData: weights,
      };
    },
  };
}

/** Writes all six networks (one subfolder each) and checkpoint.json. */
export async function saveCheckpoint(dir: string, agent: Td3, meta: Omit<CheckpointMeta, "format" | "version" | "td3">): Promise<void> {
  mkdirSync(dir, { recursive: true });
  for (const name of TD3_NETWORKS) await agent.network(name).save(fileHandler(join(dir, name)));
  const full: CheckpointMeta = { format: CHECKPOINT_FORMAT, version: CHECKPOINT_VERSION, td3: agent.options, ...meta };
  writeFileSync(join(dir, META_JSON), JSON.stringify(full, (_k, v: unknown) => (typeof v === "number" && !Number.isFinite(v) ? null : v), 1));
}

/** A TD3 learner with every network's weights from the checkpoint (optimiser moments start afresh). */
export async function loadTd3(dir: string): Promise<{ td3: Td3; meta: CheckpointMeta }> {
  const meta = readCheckpointMeta(dir);
  const td3 = new Td3(meta.td3);
  for (const name of TD3_NETWORKS) {
    let loaded: LayersModel;
    try {
      loaded = await tf.loadLayersModel(fileHandler(join(dir, name)));
    } catch (cause) {
      if (cause instanceof CheckpointError) throw cause;
      throw new CheckpointError(dir, `cannot load network "${name}": ${(cause as Error).message}`, { cause });
    }
    const target = td3.network(name);
    const weights = loaded.getWeights();
    if (weights.length !== target.weights.length) throw new CheckpointError(dir, `network "${name}" has ${weights.length} weights, expected ${target.weights.length}`);
    target.setWeights(weights);
    loaded.dispose();
  }
  return { td3, meta };
}

