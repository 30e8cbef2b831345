// Fixtures of the end-to-end tests: a small MNIST model trained here in Node with plain core (fit) and
// saved the way the CLI saves model.safetensors (core's checkpoint: weights + the JSON spec).
import { DataLoader, encodeCheckpoint, TensorDataset, type ModelSpec, type Tensor } from '@backprop/core';
import { SingleThreadTrainer } from '@backprop/parallel';
import { mnistSplit } from '@backprop/datasets';
import { loadMnist } from '@backprop/datasets/node';
import { mnistTensors } from '../src/digits/digits-session';

/** Trains MLP 784-32-10 for one epoch on 2,048 training digits (about a second) and encodes it. */
export async function trainedModelFile(): Promise<Uint8Array> {
  const spec: ModelSpec = {
    type: 'sequential',
    layers: [{ type: 'linear', in: 784, out: 32 }, { type: 'relu' }, { type: 'linear', in: 32, out: 10 }],
  };
  const { images, labels } = mnistTensors(mnistSplit(await loadMnist()).train, 2048);
  const trainer = new SingleThreadTrainer({
    model: spec,
    loss: 'crossEntropy',
    optimizer: { type: 'adam', lr: 3e-3 },
    seed: 4,
  });
  await trainer.fit(
    new DataLoader(new TensorDataset(images, labels), { batchSize: 64, shuffle: true, seed: 0 }) as unknown as Iterable<
      [Tensor, Tensor]
    >,
    { epochs: 1 },
  );
  return encodeCheckpoint({ model: trainer.model.stateDict(), spec, training: { step: trainer.steps } });
}
