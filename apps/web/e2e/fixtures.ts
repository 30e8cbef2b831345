// Fixtures of the end-to-end tests: a small MNIST model trained here in Node with @backprop/core and
// saved the way the CLI saves model.safetensors (core's checkpoint: weights + the JSON spec).
import { Adam, buildModel, crossEntropy, DataLoader, encodeCheckpoint, Generator, TensorDataset, type ModelSpec } from '@backprop/core';
import { mnistSplit } from '@backprop/datasets';
import { loadMnist } from '@backprop/datasets/node';
import { mnistTensors } from '../src/digits/digits-session';

/** Trains MLP 784-32-10 for one epoch on 2,048 training digits (about a second) and encodes it. */
export async function trainedModelFile(): Promise<Uint8Array> {
  const spec: ModelSpec = { type: 'sequential', layers: [{ type: 'linear', in: 784, out: 32 }, { type: 'relu' }, { type: 'linear', in: 32, out: 10 }] };
  const model = buildModel(spec, { generator: new Generator(4) });
  const optimizer = new Adam(model.parameters(), { lr: 3e-3 });
  const { images, labels } = mnistTensors(mnistSplit(await loadMnist()).train, 2048);
  let steps = 0;
  for (const [inputs, targets] of new DataLoader(new TensorDataset(images, labels), { batchSize: 64, shuffle: true, seed: 0 })) {
    const loss = crossEntropy(model.forward(inputs), targets);
    optimizer.zeroGrad();
    loss.backward();
    optimizer.step();
    steps++;
  }
  return encodeCheckpoint({ model: model.stateDict(), spec, training: { step: steps } });
}
