// Training throughput (samples/s of forward + cross-entropy + backward + SGD) of an MLP and a LeNet-5,
// Backprop beside TensorFlow.js in one run: its cpu backend, or with TFJS_BACKEND=wasm its
// WebAssembly backend (XNNPACK, one thread). BATCH=256 and MODELS=mlp change the workload.
// Imports src/index.js and tfjs only.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
// Importing the cpu backend registers it with tfjs-core (tfjs's design); we also print its version.
import { version_cpu as tfjsCpuVersion } from '@tensorflow/tfjs-backend-cpu';
import { setThreadsCount, setWasmPaths, version_wasm as tfjsWasmVersion } from '@tensorflow/tfjs-backend-wasm';
import { dirname } from 'node:path';
import { Generator, Tensor, conv2d, matmulBackend, maxPool2d, noGrad, randint, randn, setMatmulBackend, type MatmulBackend } from '../src/index.js';

// NOTE(tfjs-gradients): tfjs-core's Node bundle registers no gradients (the `@tensorflow/tfjs`
// umbrella package does that). Its ESM file that registers them all uses extensionless imports
// that Node's ESM resolver rejects, so it is loaded through require (tsx compiles it); the
// gradients land in tfjs's global registry, which the bundle shares.
createRequire(import.meta.url)('@tensorflow/tfjs-core/dist/register_all_gradients');

const BATCH = Number(process.env.BATCH ?? 64);
const TFJS_BACKEND = process.env.TFJS_BACKEND === 'wasm' ? 'wasm' : 'cpu';
const CLASSES = 10;
const LEARNING_RATE = 0.01;
const SEED = 0;

type Library = 'backprop' | 'tfjs';

/** How much one library runs a model: warm-up steps, then `repetitions` timed runs of `steps` steps each. */
interface Schedule {
  readonly warmupSteps: number;
  readonly steps: number;
  readonly repetitions: number;
}

/** One parameter as both libraries see it: Backprop's layout and values, TF.js's shape and values. */
interface Parameter {
  readonly shape: readonly number[];
  readonly values: Float32Array;
  readonly tfShape: readonly number[];
  readonly tfValues: Float32Array;
}

/** A model written twice: the same initial weights and the same forward pass in each library. */
interface ModelSpec {
  readonly name: string;
  readonly inputShape: readonly number[]; // per sample, Backprop layout (NCHW for images)
  readonly tfInputShape: readonly number[]; // per sample, TF.js layout (NHWC for images)
  /** Per library: TF.js's cpu Conv2DBackpropFilter is naive (~10 s a LeNet step), so it gets fewer steps. */
  readonly schedule: Record<Library, Schedule>;
  readonly parameters: (generator: Generator) => Parameter[];
  readonly backpropForward: (x: Tensor, p: readonly Tensor[]) => Tensor;
  readonly tfForward: (x: tf.Tensor, p: readonly tf.Variable[]) => tf.Tensor;
}

// ---- shared initial weights ---------------------------------------------------------------

/** He-normal values (std √(2 / fanIn)) drawn from `generator`; zeros when `fanIn` is 0 (biases). */
function heNormal(generator: Generator, size: number, fanIn: number): Float32Array {
  const values = new Float32Array(size);
  if (fanIn === 0) return values;
  const std = Math.sqrt(2 / fanIn);
  for (let i = 0; i < size; i++) values[i] = generator.normal(0, std);
  return values;
}

/** A parameter whose layout is the same in both libraries (linear weights [in, out], biases). */
function sameLayout(generator: Generator, shape: readonly number[], fanIn: number): Parameter {
  const values = heNormal(generator, shape.reduce((a, b) => a * b, 1), fanIn);
  return { shape, values, tfShape: shape, tfValues: values };
}

/** A conv weight: Backprop's [O, C, kH, kW] and the same values as TF.js's [kH, kW, C, O]. */
function convWeight(generator: Generator, shape: readonly [number, number, number, number]): Parameter {
  const [outChannels, channels, kernelHeight, kernelWidth] = shape;
  const values = heNormal(generator, outChannels * channels * kernelHeight * kernelWidth, channels * kernelHeight * kernelWidth);
  const tfValues = new Float32Array(values.length);
  for (let o = 0; o < outChannels; o++) {
    for (let c = 0; c < channels; c++) {
      for (let h = 0; h < kernelHeight; h++) {
        for (let w = 0; w < kernelWidth; w++) {
          tfValues[((h * kernelWidth + w) * channels + c) * outChannels + o] = values[((o * channels + c) * kernelHeight + h) * kernelWidth + w]!;
        }
      }
    }
  }
  return { shape, values, tfShape: [kernelHeight, kernelWidth, channels, outChannels], tfValues };
}

/**
 * The first linear weight after a flatten: Backprop flattens [C, H, W], TF.js [H, W, C], so the
 * rows are reordered for TF.js to compute the same function.
 */
function flattenedLinearWeight(generator: Generator, [channels, height, width]: readonly number[], outFeatures: number): Parameter {
  const inFeatures = channels! * height! * width!;
  const values = heNormal(generator, inFeatures * outFeatures, inFeatures);
  const tfValues = new Float32Array(values.length);
  for (let c = 0; c < channels!; c++) {
    for (let position = 0; position < height! * width!; position++) {
      const from = (c * height! * width! + position) * outFeatures;
      tfValues.set(values.subarray(from, from + outFeatures), (position * channels! + c) * outFeatures);
    }
  }
  return { shape: [inFeatures, outFeatures], values, tfShape: [inFeatures, outFeatures], tfValues };
}

// ---- the two models -------------------------------------------------------------------------

const mlp: ModelSpec = {
  name: 'MLP 784-128-10',
  inputShape: [784],
  tfInputShape: [784],
  schedule: {
    backprop: { warmupSteps: 20, steps: 40, repetitions: 7 },
    tfjs: { warmupSteps: 20, steps: 40, repetitions: 7 },
  },
  parameters: (generator) => [
    sameLayout(generator, [784, 128], 784),
    sameLayout(generator, [128], 0),
    sameLayout(generator, [128, 10], 128),
    sameLayout(generator, [10], 0),
  ],
  backpropForward: (x, [w1, b1, w2, b2]) => x.matmul(w1!).add(b1!).relu().matmul(w2!).add(b2!),
  tfForward: (x, [w1, b1, w2, b2]) => tf.add(tf.matMul(tf.relu(tf.add(tf.matMul(x as tf.Tensor2D, w1 as tf.Tensor2D), b1!)), w2 as tf.Tensor2D), b2!),
};

const lenet: ModelSpec = {
  name: 'LeNet-5 (1×28×28)',
  inputShape: [1, 28, 28],
  tfInputShape: [28, 28, 1],
  schedule: {
    backprop: { warmupSteps: 5, steps: 10, repetitions: 7 },
    tfjs: { warmupSteps: 1, steps: 1, repetitions: 3 }, // ~10 s a step: Conv2DBackpropFilter is naive
  },
  parameters: (generator) => [
    convWeight(generator, [6, 1, 5, 5]),
    sameLayout(generator, [6], 0),
    convWeight(generator, [16, 6, 5, 5]),
    sameLayout(generator, [16], 0),
    flattenedLinearWeight(generator, [16, 5, 5], 120),
    sameLayout(generator, [120], 0),
    sameLayout(generator, [120, 84], 120),
    sameLayout(generator, [84], 0),
    sameLayout(generator, [84, 10], 84),
    sameLayout(generator, [10], 0),
  ],
  backpropForward: (x, [c1, c1Bias, c2, c2Bias, f1, f1Bias, f2, f2Bias, f3, f3Bias]) => {
    let h = maxPool2d(conv2d(x, c1!, { bias: c1Bias!, padding: 2 }).relu(), 2); // [N, 6, 14, 14]
    h = maxPool2d(conv2d(h, c2!, { bias: c2Bias! }).relu(), 2); // [N, 16, 5, 5]
    h = h.flatten(1).matmul(f1!).add(f1Bias!).relu();
    h = h.matmul(f2!).add(f2Bias!).relu();
    return h.matmul(f3!).add(f3Bias!);
  },
  tfForward: (x, [c1, c1Bias, c2, c2Bias, f1, f1Bias, f2, f2Bias, f3, f3Bias]) => {
    let h = tf.maxPool(tf.relu(tf.add(tf.conv2d(x as tf.Tensor4D, c1 as tf.Tensor4D, 1, 2), c1Bias!)) as tf.Tensor4D, 2, 2, 'valid');
    h = tf.maxPool(tf.relu(tf.add(tf.conv2d(h, c2 as tf.Tensor4D, 1, 'valid'), c2Bias!)) as tf.Tensor4D, 2, 2, 'valid');
    let f = tf.relu(tf.add(tf.matMul(tf.reshape(h, [-1, 400]) as tf.Tensor2D, f1 as tf.Tensor2D), f1Bias!));
    f = tf.relu(tf.add(tf.matMul(f, f2 as tf.Tensor2D), f2Bias!));
    return tf.add(tf.matMul(f, f3 as tf.Tensor2D), f3Bias!);
  },
};

// ---- one training step in each library --------------------------------------------------------

/** A training step on the fixed batch; returns the loss before the update. */
type Step = () => number;

function backpropTrainer(model: ModelSpec, parameters: readonly Parameter[], inputs: Float32Array, labels: Tensor): Step {
  const x = new Tensor(inputs, [BATCH, ...model.inputShape]);
  const weights = parameters.map((p) => new Tensor(p.values.slice(), p.shape, true));
  return () => {
    const logits = model.backpropForward(x, weights);
    const loss = logits.logSoftmax(1).gather(1, labels).mean().neg();
    loss.backward();
    noGrad(() => {
      for (const w of weights) {
        w.data.set(w.sub(w.grad!.mul(LEARNING_RATE)).data);
        w.grad = null;
      }
    });
    return loss.item();
  };
}

function tfTrainer(model: ModelSpec, parameters: readonly Parameter[], inputs: Float32Array, labels: Tensor): Step {
  const x = tf.tensor(inputs, [BATCH, ...model.tfInputShape]);
  const oneHot = tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d(Int32Array.from(labels.data), 'int32'), CLASSES), 'float32'));
  const variables = parameters.map((p) => tf.variable(tf.tensor(p.tfValues.slice(), [...p.tfShape])));
  const optimizer = tf.train.sgd(LEARNING_RATE);
  return () =>
    tf.tidy(() => {
      const loss = optimizer.minimize(() => tf.losses.softmaxCrossEntropy(oneHot, model.tfForward(x, variables)) as tf.Scalar, true, variables);
      return loss!.dataSync()[0]!; // waits for the whole step to be computed
    });
}

// ---- timing -----------------------------------------------------------------------------------

interface Measurement {
  readonly samplesPerSecond: number[]; // one per repetition
  readonly initialLoss: number; // of the very first step
  readonly firstTimedLoss: number;
  readonly finalLoss: number; // of the last timed step
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/**
 * Trains the model in both libraries from the same weights on the same fixed batch. Repetitions
 * alternate between the libraries, so that load from other processes on a shared machine falls
 * on both alike.
 */
function measure(model: ModelSpec): Record<Library, Measurement> {
  const generator = new Generator(SEED);
  const parameters = model.parameters(generator);
  const inputs = randn([BATCH, ...model.inputShape], { generator }).data;
  const labels = randint(0, CLASSES, [BATCH, 1], { generator });
  const steps: Record<Library, Step> = {
    backprop: backpropTrainer(model, parameters, inputs, labels),
    tfjs: tfTrainer(model, parameters, inputs, labels),
  };
  const libraries: Library[] = ['backprop', 'tfjs'];
  const tensorsBefore = tf.memory().numTensors;
  const losses: Record<Library, number[]> = { backprop: [], tfjs: [] };
  const samplesPerSecond: Record<Library, number[]> = { backprop: [], tfjs: [] };

  for (const library of libraries) {
    for (let i = 0; i < model.schedule[library].warmupSteps; i++) losses[library].push(steps[library]());
  }
  const mostRepetitions = Math.max(...libraries.map((library) => model.schedule[library].repetitions));
  for (let repetition = 0; repetition < mostRepetitions; repetition++) {
    for (const library of libraries) {
      const schedule = model.schedule[library];
      if (repetition >= schedule.repetitions) continue;
      const start = performance.now();
      for (let i = 0; i < schedule.steps; i++) losses[library].push(steps[library]());
      const seconds = (performance.now() - start) / 1000;
      samplesPerSecond[library].push((schedule.steps * BATCH) / seconds);
      process.stderr.write(`${model.name} · ${library} · repetition ${repetition + 1}: ${Math.round((schedule.steps * BATCH) / seconds)} samples/s\n`);
    }
  }
  const leaked = tf.memory().numTensors - tensorsBefore;
  if (leaked !== 0) throw new Error(`${model.name}: TF.js steps leaked ${leaked} tensors; wrap them in tf.tidy`);
  tf.disposeVariables();

  const summarize = (library: Library): Measurement => ({
    samplesPerSecond: samplesPerSecond[library],
    initialLoss: losses[library][0]!,
    firstTimedLoss: losses[library][model.schedule[library].warmupSteps]!,
    finalLoss: losses[library].at(-1)!,
  });
  return { backprop: summarize('backprop'), tfjs: summarize('tfjs') };
}

// ---- report -----------------------------------------------------------------------------------

if (TFJS_BACKEND === 'wasm') {
  // TF.js wasm loads its .wasm files from node_modules; one thread (Node gets the non-threaded build).
  setWasmPaths(`${dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm'))}/`);
  setThreadsCount(1);
}
await tf.setBackend(TFJS_BACKEND);
await tf.ready();
// BACKPROP_MATMUL_BACKEND=js measures the TypeScript matmul kernel (default: the automatic choice).
const requestedBackend = process.env.BACKPROP_MATMUL_BACKEND;
if (requestedBackend) setMatmulBackend(requestedBackend as MatmulBackend);

const backpropVersion = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
const cpus = os.cpus();
const format = (value: number): string => Math.round(value).toLocaleString('en-US');
const range = (values: readonly number[]): string => `${format(Math.min(...values))}–${format(Math.max(...values))}`;
const describeSchedule = ({ warmupSteps, steps, repetitions }: Schedule): string =>
  `${repetitions} × ${steps} steps after ${warmupSteps} warm-up`;

console.log(`# Training step throughput: Backprop vs TensorFlow.js (${TFJS_BACKEND} backend)\n`);
console.log(`- machine: ${cpus[0]?.model ?? 'unknown CPU'}, ${cpus.length} cores (${os.platform()} ${os.arch()})`);
console.log(`- date: ${new Date().toISOString()}`);
console.log(`- node ${process.version}, @backprop/core ${backpropVersion}, @tensorflow/tfjs-core ${tf.version_core}, @tensorflow/tfjs-backend-${TFJS_BACKEND} ${TFJS_BACKEND === 'wasm' ? tfjsWasmVersion : tfjsCpuVersion}`);
console.log(`- Backprop matmul backend: ${matmulBackend()}`);
console.log(
  `- one step = forward, softmax cross-entropy, backward, SGD (lr ${LEARNING_RATE}) of every parameter on a fixed batch of ${BATCH} ` +
    'seeded random inputs and labels; median samples/s over repetitions; ratio = Backprop / TF.js\n',
);

const rows: string[] = [];
const notes: string[] = [];
// TF.js's wasm backend has no Conv2DBackpropFilter kernel (4.22.0): it cannot train the CNN.
const chosenModels = (process.env.MODELS ?? (TFJS_BACKEND === 'wasm' ? 'mlp' : 'mlp,lenet')).split(',');
if (TFJS_BACKEND === 'wasm') console.log("- LeNet-5 left out: TF.js's wasm backend has no Conv2DBackpropFilter kernel, so it cannot train a CNN\n");
for (const model of [mlp, lenet].filter((m) => chosenModels.some((name) => m.name.toLowerCase().startsWith(name)))) {
  const { backprop, tfjs } = measure(model);
  const ours = median(backprop.samplesPerSecond);
  const theirs = median(tfjs.samplesPerSecond);
  rows.push(`| ${model.name} | ${format(ours)} | ${format(theirs)} | ${(ours / theirs).toFixed(2)}× |`);
  const decreased = backprop.finalLoss < backprop.firstTimedLoss;
  if (!decreased) process.exitCode = 1;
  notes.push(
    `- ${model.name}: Backprop ${describeSchedule(model.schedule.backprop)} (range ${range(backprop.samplesPerSecond)} samples/s), ` +
      `TF.js ${describeSchedule(model.schedule.tfjs)} (range ${range(tfjs.samplesPerSecond)})\n` +
      `  loss, Backprop: ${backprop.initialLoss.toFixed(4)} at step 0, ${backprop.firstTimedLoss.toFixed(4)} → ${backprop.finalLoss.toFixed(4)} ` +
      `over the timed steps (${decreased ? 'decreasing: ok' : 'NOT DECREASING: the step is broken'}); ` +
      `TF.js from the same weights: ${tfjs.initialLoss.toFixed(4)} at step 0, ${tfjs.firstTimedLoss.toFixed(4)} → ${tfjs.finalLoss.toFixed(4)}`,
  );
}

console.log(`| model | Backprop samples/s | TF.js ${TFJS_BACKEND} samples/s | ratio |`);
console.log('| --- | ---: | ---: | ---: |');
for (const row of rows) console.log(row);
console.log('');
for (const note of notes) console.log(note);
