// A trained picture classifier in the pictures worker: predictions, the loss for a label (the
// tutorial's 1 − p and the cross-entropy), one gradient step on one picture, scoring a set, and the
// model file shared with the CLI (core's encodeModelFile / loadModel). No DOM.
import {
  buildModel,
  crossEntropy,
  encodeModelFile,
  Generator,
  loadModel,
  noGrad,
  SGD,
  Tensor,
  type ModelSpec,
  type Module,
  type StateDict,
} from '@backprop/core';

/** What a picture model needs to know besides its weights. */
export interface PictureModelInfo {
  spec: ModelSpec;
  /** Class names in label order. */
  classNames: string[];
  /** One sample: [channels (1 grey or 3 RGB), size, size]. */
  sampleShape: [number, number, number];
  /** Where its pictures came from (saved in the file's metadata). */
  data: string;
}

/** A set's scores: accuracy overall and per class (NaN for a class without samples), mean cross-entropy. */
export interface SetScore {
  accuracy: number;
  perClass: number[];
  loss: number;
}

/** The loss of one prediction for one label, as the tutorial writes it and as training uses it. */
export interface LabelLoss {
  /** P(label). */
  probability: number;
  /** 1 − P(label): the tutorial's "1 − 0.32 = 0.68". */
  tutorial: number;
  /** −log P(label): the cross-entropy that training minimises. */
  crossEntropy: number;
}

/**
 * A classifier of pictures [C, S, S].
 *
 * @example
 * ```ts
 * const model = PictureModel.fromFile(bytes, 'model.safetensors');
 * model.predict(sample); // Float32Array of class probabilities
 * ```
 */
export class PictureModel {
  readonly model: Module;
  readonly info: PictureModelInfo;
  /** Training steps behind these weights (the trainer's, then one per "learn from this one"). */
  steps: number;

  constructor(info: PictureModelInfo, weights: StateDict | null, steps = 0) {
    this.info = info;
    this.model = buildModel(info.spec, { generator: new Generator(0) });
    if (weights !== null) this.model.loadStateDict(weights);
    this.model.eval();
    this.steps = steps;
  }

  /**
   * Reads a model file written by `backprop train --data FOLDER` or by this page. Throws an Error
   * naming `name` when it is not a model file or not a model of square grey or RGB pictures.
   */
  static fromFile(bytes: Uint8Array, name: string): PictureModel {
    let loaded;
    try {
      loaded = loadModel(bytes);
    } catch (error) {
      throw new Error(
        `${name} is not a Backprop model file: ${String((error as Error).message)
          .split('\n', 1)[0]!
          .slice(0, 300)}`,
      );
    }
    const [channels, height, width] = loaded.info.sampleShape;
    if (
      loaded.info.sampleShape.length !== 3 ||
      (channels !== 1 && channels !== 3) ||
      height !== width ||
      height! < 8 ||
      height! > 512
    ) {
      throw new Error(
        `${name} holds a model for samples of shape [${loaded.info.sampleShape.join(', ')}], not square grey or RGB pictures of 8 to 512 pixels; train it on a folder of pictures (backprop train --data pictures)`,
      );
    }
    const classNames = loaded.info.classNames ?? Array.from({ length: loaded.info.classes }, (_, i) => `class ${i}`);
    const info = {
      spec: loaded.spec,
      classNames,
      sampleShape: [channels, height, width] as [number, number, number],
      data: loaded.info.data,
    };
    return new PictureModel(info, loaded.weights, loaded.step ?? 0);
  }

  /** Side of the square pictures it takes. */
  get size(): number {
    return this.info.sampleShape[1];
  }

  /** Class probabilities (softmax of the scores) for one sample. */
  predict(sample: Float32Array): Float32Array {
    this.model.eval();
    return noGrad(() => this.model.forward(this.#batch(sample)).softmax(1).data.slice());
  }

  /** The loss of this model's prediction on `sample` if its class is `label`. */
  lossFor(sample: Float32Array, label: number): LabelLoss {
    this.#checkLabel(label);
    this.model.eval();
    return noGrad(() => {
      const scores = this.model.forward(this.#batch(sample));
      const probability = scores.softmax(1).data[label]!;
      return {
        probability,
        tutorial: 1 - probability,
        crossEntropy: crossEntropy(scores, new Tensor(new Float32Array([label]), [1])).item(),
      };
    });
  }

  /**
   * One gradient-descent step on one picture: forward, cross-entropy for `label`, backward, and
   * plain SGD (w ← w − rate · ∂loss/∂w) on every weight. BatchNorm stays in evaluation mode, so the
   * gradient is exactly that of the loss shown for the picture.
   */
  learnFrom(sample: Float32Array, label: number, learningRate: number): { before: LabelLoss; after: LabelLoss } {
    if (!(learningRate > 0 && learningRate <= 10))
      throw new Error(`learnFrom: the learning rate must be in (0, 10], got ${learningRate}`);
    const before = this.lossFor(sample, label);
    this.model.eval();
    const optimizer = new SGD(this.model.parameters(), { lr: learningRate });
    optimizer.zeroGrad();
    crossEntropy(this.model.forward(this.#batch(sample)), new Tensor(new Float32Array([label]), [1])).backward();
    optimizer.step();
    optimizer.zeroGrad();
    this.steps++;
    return { before, after: this.lossFor(sample, label) };
  }

  /** Accuracy (overall and per class) and mean cross-entropy on `images` [N, C, S, S] with `labels` [N]. */
  score(images: Tensor, labels: Tensor): SetScore {
    this.model.eval();
    return noGrad(() => {
      const scores = this.model.forward(images);
      const classes = this.info.classNames.length;
      const [seen, right] = [new Array<number>(classes).fill(0), new Array<number>(classes).fill(0)];
      for (let row = 0; row < labels.size; row++) {
        const label = labels.data[row]!;
        let best = 0;
        for (let c = 1; c < classes; c++)
          if (scores.data[row * classes + c]! > scores.data[row * classes + best]!) best = c;
        seen[label]!++;
        if (best === label) right[label]!++;
      }
      return {
        accuracy: right.reduce((a, b) => a + b, 0) / labels.size,
        perClass: seen.map((count, c) => (count === 0 ? Number.NaN : right[c]! / count)),
        loss: crossEntropy(scores, labels).item(),
      };
    });
  }

  /** The model file: the CLI's `backprop predict` and `eval` read it as one of their runs' model.safetensors. */
  encode(): Uint8Array {
    const [, size] = this.info.sampleShape;
    return encodeModelFile({
      weights: this.model.stateDict(),
      spec: this.info.spec,
      info: {
        data: this.info.data,
        sampleShape: [...this.info.sampleShape],
        classes: this.info.classNames.length,
        classNames: [...this.info.classNames],
        pictures: { imageSize: size, grayscale: this.info.sampleShape[0] === 1, valSplit: 0.2, skipBad: false },
      },
      step: this.steps,
    });
  }

  #batch(sample: Float32Array): Tensor {
    const shape = this.info.sampleShape;
    const expected = shape[0] * shape[1] * shape[2];
    if (sample.length !== expected)
      throw new Error(
        `PictureModel: a sample of ${sample.length} values; this model takes [${shape.join(', ')}] = ${expected}`,
      );
    return new Tensor(sample, [1, ...shape]);
  }

  #checkLabel(label: number): void {
    if (!Number.isInteger(label) || label < 0 || label >= this.info.classNames.length) {
      throw new Error(`PictureModel: label ${label} is not one of the ${this.info.classNames.length} classes`);
    }
  }
}
