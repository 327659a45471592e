import type { LayersModel, Sequential } from "@tensorflow/tfjs";
import { tf } from "./tf.ts";

export interface MlpOptions {
  inputSize: number;
  outputSize: number;
  hidden: readonly number[];
  /** "tanh" bounds an actor's output to [−1, 1]; "linear" for a critic's value. */
  output: "tanh" | "linear";
  /** Seed of the weight initialisation. */
  seed: number;
  /** Start the output layer at zero: an actor then begins as the model-based controller alone. */
  zeroOutput?: boolean;
  name: string;
}

/** A fully connected network: ReLU hidden layers, then a tanh or linear output. */
export function mlp(o: MlpOptions): Sequential {
  const model = tf.sequential({ name: o.name });
  o.hidden.forEach((units, i) => {
    model.add(
      tf.layers.dense({
        units,
        activation: "relu",
        inputShape: i === 0 ? [o.inputSize] : undefined,
        kernelInitializer: tf.initializers.heUniform({ seed: o.seed * 16 + i }),
        name: `${o.name}_h${i}`,
      }),
    );
  });
  model.add(
    tf.layers.dense({
      units: o.outputSize,
      activation: o.output,
      inputShape: o.hidden.length === 0 ? [o.inputSize] : undefined,
      kernelInitializer: o.zeroOutput ? tf.initializers.zeros() : tf.initializers.glorotUniform({ seed: o.seed * 16 + 15 }),
      name: `${o.name}_out`,
    }),
  );
  return model;
}

/** Copies every weight of `from` into `to` (same architecture). */
export function copyWeights(from: LayersModel, to: LayersModel): void {
  const src = from.trainableWeights;
  to.trainableWeights.forEach((w, i) => w.write(src[i]!.read()));
}
