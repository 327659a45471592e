import { InvalidArgumentError } from "../../engine/errors.ts";

/** One dense layer: kernel [in × out] row-major, as TensorFlow.js stores it. */
export interface DenseWeights {
  inputSize: number;
  outputSize: number;
  kernel: Float32Array;
  bias: Float32Array;
}

/**
 * The trained actor evaluated in plain JavaScript: ReLU hidden layers and a tanh output over the weights taken
 * out of the TensorFlow.js model. One decision of a 64-64 network is about 9 000 multiply-adds, a few µs here;
 * through tf.js the same forward pass costs tens of µs per op in dispatch alone, so deployment skips tf.js.
 */
export class JsActor {
  readonly inputSize: number;
  readonly outputSize: number;
  private readonly buffers: Float32Array[];

  constructor(readonly layers: readonly DenseWeights[]) {
    if (layers.length === 0) throw new InvalidArgumentError("an actor needs at least one layer", 0);
    layers.forEach((l, i) => {
      if (l.kernel.length !== l.inputSize * l.outputSize || l.bias.length !== l.outputSize) {
        throw new InvalidArgumentError(`actor layer ${i}: kernel ${l.kernel.length} / bias ${l.bias.length} values do not fit ${l.inputSize}x${l.outputSize}`, i);
      }
      if (i > 0 && l.inputSize !== layers[i - 1]!.outputSize) {
        throw new InvalidArgumentError(`actor layer ${i} takes ${l.inputSize} inputs, layer ${i - 1} gives ${layers[i - 1]!.outputSize}`, i);
      }
    });
    this.inputSize = layers[0]!.inputSize;
    this.outputSize = layers.at(-1)!.outputSize;
    this.buffers = layers.map((l) => new Float32Array(l.outputSize));
  }

  /** From kernels and biases in layer order (kernel, bias, kernel, bias, ...), with their shapes. */
  static fromTensors(values: readonly { shape: readonly number[]; data: Float32Array }[]): JsActor {
    if (values.length % 2 !== 0) throw new InvalidArgumentError(`expected kernel/bias pairs, got ${values.length} arrays`, values.length);
    const layers: DenseWeights[] = [];
    for (let i = 0; i < values.length; i += 2) {
      const k = values[i]!;
      const b = values[i + 1]!;
      if (k.shape.length !== 2 || b.shape.length !== 1) {
        throw new InvalidArgumentError(`weights ${i} and ${i + 1} must be a 2-D kernel and a 1-D bias, got shapes ${JSON.stringify(k.shape)} and ${JSON.stringify(b.shape)}`, i);
      }
      layers.push({ inputSize: k.shape[0]!, outputSize: k.shape[1]!, kernel: k.data, bias: b.data });
    }
    return new JsActor(layers);
  }

  /** a = tanh(W_L relu(... relu(W_1 x + b_1) ...) + b_L), into `out`. */
  act(x: ArrayLike<number>, out: Float32Array = new Float32Array(this.outputSize)): Float32Array {
    if (x.length !== this.inputSize) throw new InvalidArgumentError(`actor input has ${x.length} values, needs ${this.inputSize}`, x.length);
    let input: ArrayLike<number> = x;
    const last = this.layers.length - 1;
    for (let l = 0; l <= last; l++) {
      const { inputSize, outputSize, kernel, bias } = this.layers[l]!;
      const y = l === last ? out : this.buffers[l]!;
      y.set(bias);
      for (let i = 0; i < inputSize; i++) {
        const xi = input[i]!;
        if (xi === 0) continue;
        const row = i * outputSize;
        for (let j = 0; j < outputSize; j++) y[j] += xi * kernel[row + j]!;
      }
      if (l === last) for (let j = 0; j < outputSize; j++) y[j] = Math.tanh(y[j]!);
      else for (let j = 0; j < outputSize; j++) if (y[j]! < 0) y[j] = 0;
      input = y;
    }
    return out;
  }
}
