// The tour's engine side: the line y = a·x + b, a small "is it a 3?" network trained on the embedded
// digits, its loss, finite differences against backward, and gradient descent on one digit. No DOM.
import {
  Adam,
  binaryCrossEntropy,
  buildModel,
  DataLoader,
  Generator,
  noGrad,
  SGD,
  synthetic,
  Tensor,
  TensorDataset,
  type LayerSpec,
  type Module,
} from '@backprop/core';
import { fit, type FitTrainer } from '@backprop/parallel';

/** The digits the tour uses: pixel rows of 784 values in 0..1 and their digit labels. */
export interface TourDigits {
  images: Float32Array;
  digits: Float32Array;
}

/** The "is it a 3?" network: 784 pixels → 16 relu → 1 sigmoid. */
export const IS_THREE_SPEC: LayerSpec = {
  type: 'sequential',
  layers: [
    { type: 'linear', in: 784, out: 16 },
    { type: 'relu' },
    { type: 'linear', in: 16, out: 1 },
    { type: 'sigmoid' },
  ],
};
const PIXELS = 784;
/** The line the tour's gradient check fits: 20 noisy points of y = 2x + 1. */
const LINE = synthetic.line({ a: 2, b: 1, samples: 20, noise: 0.3, seed: 5 });

/**
 * Section 1: y = a·x + b at each x, as a one-neuron network (a tensor expression) computes it.
 *
 * @example
 * ```ts
 * lineThrough(2, 1, Float32Array.of(0, 1)); // Float32Array [1, 3]
 * ```
 */
export function lineThrough(a: number, b: number, xs: Float32Array): Float32Array {
  return noGrad(() => new Tensor(xs.slice(), [xs.length]).mul(a).add(b).data);
}

/** One digit through the network: its pixels, its label (1 = a 3), the prediction and both losses. */
export interface DigitForward {
  /** Index in the tour's digits, or −1 for a drawn one. */
  index: number;
  pixels: Float32Array;
  /** The digit it shows (null when drawn: the reader says whether it is a 3). */
  digit: number | null;
  label: number;
  p: number;
  /** The tutorial's loss: how far p is from the label, |label − p|. */
  simpleLoss: number;
  /** Binary cross-entropy, −log p for a 3 and −log(1 − p) otherwise, computed by core. */
  crossEntropy: number;
}

/** Finite differences against one backward pass, on the line and projected onto the digits network. */
export interface GradientComparison {
  a: number;
  b: number;
  loss: number;
  finiteDifference: [number, number];
  backward: [number, number];
  /** Forward passes the finite differences took (2 per parameter). */
  forwardPasses: number;
  /** Milliseconds per evaluation of each method, averaged over `repeats` runs. */
  finiteDifferenceMs: number;
  backwardMs: number;
  repeats: number;
  digits: { parameters: number; forwardMs: number; projectedFiniteDifferenceMs: number; backwardMs: number };
}

/**
 * The tour's numbers, all from @backprop/core. The network is trained once, seeded, when the
 * session is made (about a second).
 *
 * @example
 * ```ts
 * const tour = await TourSession.create(digits);
 * tour.forwardDigit(0).p; // P(it is a 3)
 * ```
 */
export class TourSession {
  readonly #digits: TourDigits;
  #model: Module;
  readonly count: number;

  private constructor(digits: TourDigits, model: Module) {
    this.#digits = digits;
    this.count = digits.digits.length;
    this.#model = model;
  }

  /** Trains the network (`trainingSteps`, default 120, seeded by `seed`, default 1) and makes the session. */
  static async create(
    digits: TourDigits,
    options: { seed?: number; trainingSteps?: number } = {},
  ): Promise<TourSession> {
    const { seed = 1, trainingSteps = 120 } = options;
    return new TourSession(digits, await trainIsThree(digits, seed, trainingSteps));
  }

  /** Sections 2 and 3: digit `index` forward through the network, and its two losses. */
  forwardDigit(index: number): DigitForward {
    const i = ((index % this.count) + this.count) % this.count;
    const digit = this.#digits.digits[i]!;
    return this.#forward(this.#digits.images.slice(i * PIXELS, (i + 1) * PIXELS), {
      index: i,
      digit,
      label: digit === 3 ? 1 : 0,
    });
  }

  /** The same for a drawn digit (784 pixels in 0..1) that the reader says is a 3 (label 1) or not (0). */
  forwardDrawn(pixels: Float32Array, label: 0 | 1): DigitForward {
    if (pixels.length !== PIXELS)
      throw new Error(`forwardDrawn: a drawing must be 28×28 = 784 pixels, got ${pixels.length}`);
    return this.#forward(pixels.slice(), { index: -1, digit: null, label });
  }

  #forward(pixels: Float32Array, about: { index: number; digit: number | null; label: number }): DigitForward {
    return noGrad(() => {
      const p = this.#model.forward(new Tensor(pixels, [1, PIXELS]));
      const crossEntropy = binaryCrossEntropy(p, new Tensor(Float32Array.of(about.label), [1, 1])).item();
      return { ...about, pixels, p: p.item(), simpleLoss: Math.abs(about.label - p.item()), crossEntropy };
    });
  }

  /** P(it is a 3) for any 784 pixels in 0..1 (a drawn digit, a held-out one). */
  predict(pixels: Float32Array): number {
    return noGrad(() => this.#model.forward(new Tensor(pixels.slice(), [1, PIXELS])).item());
  }

  /** The first digit at or after `from` for which the network's answer is wrong-ish (a 3 with p < 0.5, or the reverse). */
  findUnsure(from: number, wantThree = true): number {
    for (let k = 0; k < this.count; k++) {
      const candidate = this.forwardDigit(from + k);
      if ((candidate.label === 1) === wantThree && Math.abs(candidate.label - candidate.p) > 0.4)
        return candidate.index;
    }
    return from;
  }

  /**
   * Section 6: one gradient-descent step (SGD, rate `learningRate`) on one digit alone — digit
   * `target` of the tour's set, or a drawing with its label; returns the digit after the step.
   */
  descend(
    target: number | { pixels: Float32Array; label: 0 | 1 },
    learningRate: number,
  ): DigitForward & { before: number } {
    const again = () =>
      typeof target === 'number' ? this.forwardDigit(target) : this.forwardDrawn(target.pixels, target.label);
    const before = again();
    const optimizer = new SGD(this.#model.parameters(), { lr: learningRate });
    optimizer.zeroGrad();
    binaryCrossEntropy(
      this.#model.forward(new Tensor(before.pixels, [1, PIXELS])),
      new Tensor(Float32Array.of(before.label), [1, 1]),
    ).backward();
    optimizer.step();
    return { ...again(), before: before.p };
  }

  /**
   * Section 5: the gradient of the line's mean squared error at (a, b), by nudging each parameter up
   * and down (central differences, 2 forward passes per parameter) and by one backward pass, both
   * timed; then the digits network's cost of each, from one measured forward and backward pass.
   */
  compareGradients(a: number, b: number, options: { repeats?: number; epsilon?: number } = {}): GradientComparison {
    const { repeats = 200, epsilon = 1e-2 } = options;
    const loss = (pa: Tensor | number, pb: Tensor | number) => LINE.x.mul(pa).add(pb).sub(LINE.y).square().mean();
    const finiteDifference = (): [number, number] =>
      noGrad(() => [
        (loss(a + epsilon, b).item() - loss(a - epsilon, b).item()) / (2 * epsilon),
        (loss(a, b + epsilon).item() - loss(a, b - epsilon).item()) / (2 * epsilon),
      ]);
    const backward = (): [number, number] => {
      const pa = new Tensor(Float32Array.of(a), [], true);
      const pb = new Tensor(Float32Array.of(b), [], true);
      loss(pa, pb).backward();
      return [pa.grad!.item(), pb.grad!.item()];
    };
    const fd = timed(finiteDifference, repeats);
    const bw = timed(backward, repeats);
    const image = new Tensor(this.#digits.images.slice(0, PIXELS), [1, PIXELS]);
    const target = new Tensor(Float32Array.of(0), [1, 1]);
    const parameters = this.#model.parameters().reduce((sum, p) => sum + p.size, 0);
    const forward = timed(() => noGrad(() => binaryCrossEntropy(this.#model.forward(image), target).item()), 50);
    const digitBackward = timed(() => {
      this.#model.zeroGrad();
      binaryCrossEntropy(this.#model.forward(image), target).backward();
    }, 50);
    this.#model.zeroGrad();
    return {
      a,
      b,
      loss: noGrad(() => loss(a, b).item()),
      finiteDifference: fd.value,
      backward: bw.value,
      forwardPasses: 4,
      finiteDifferenceMs: fd.ms,
      backwardMs: bw.ms,
      repeats,
      digits: {
        parameters,
        forwardMs: forward.ms,
        projectedFiniteDifferenceMs: 2 * parameters * forward.ms,
        backwardMs: digitBackward.ms,
      },
    };
  }
}

/**
 * The "is it a 3?" network trained for `steps` Adam steps of 64 digits (shuffled per epoch, seeded),
 * through parallel's `fit`.
 */
async function trainIsThree(digits: TourDigits, seed: number, steps: number): Promise<Module> {
  const model = buildModel(IS_THREE_SPEC, { generator: new Generator(seed) });
  if (steps === 0) return model;
  const count = digits.digits.length;
  const labels = Float32Array.from(digits.digits, (d) => (d === 3 ? 1 : 0));
  const dataset = new TensorDataset(new Tensor(digits.images, [count, PIXELS]), new Tensor(labels, [count, 1]));
  const loader = new DataLoader(dataset, { batchSize: 64, shuffle: true, seed }) as unknown as DataLoader<
    unknown,
    [Tensor, Tensor]
  >;
  const optimizer = new Adam(model.parameters(), { lr: 3e-3 });
  // The network ends in a sigmoid and learns with binary cross-entropy, a loss the trainers do not
  // name: fit drives this four-line FitTrainer instead.
  let taken = 0;
  const trainer: FitTrainer<null> = {
    get steps() {
      return taken;
    },
    step(inputs, targets) {
      optimizer.zeroGrad();
      const loss = binaryCrossEntropy(model.forward(inputs), targets);
      loss.backward();
      optimizer.step();
      taken++;
      return loss.item();
    },
    evaluate: () => null,
  };
  const enough = new AbortController();
  await fit(trainer, loader, {
    epochs: Math.ceil(steps / loader.length),
    signal: enough.signal,
    onBatchEnd: ({ step }) => (step >= steps ? enough.abort() : undefined),
  });
  return model;
}

/** Runs `fn` `repeats` times; its last value and the mean milliseconds per run. */
function timed<T>(fn: () => T, repeats: number): { value: T; ms: number } {
  const start = performance.now();
  let value = fn();
  for (let i = 1; i < repeats; i++) value = fn();
  return { value, ms: (performance.now() - start) / repeats };
}
