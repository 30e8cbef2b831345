// TensorFlow.js's side of the comparison: tfjs-core with its wasm backend (XNNPACK, SIMD, one thread,
// `.wasm` files loaded from node_modules) or its cpu backend, trained as its users write it
// (variables, `optimizer.minimize`, `tf.losses.softmaxCrossEntropy`, `tf.tidy`).
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
// Importing a backend registers it with tfjs-core.
import '@tensorflow/tfjs-backend-cpu';
import { getThreadsCount, setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { LEARNING_RATE, SEED } from '../tasks.js';
import { UnsupportedError, type Library, type Trainer } from './library.js';
import { MODELS } from './models.js';
import { tfjsModel, tfjsSampleShape } from './tfjs-model.js';

const require = createRequire(import.meta.url);

// NOTE(tfjs-gradients): tfjs-core's Node bundle registers no gradients (the `@tensorflow/tfjs`
// umbrella package does that). Its ESM file that registers them all uses extensionless imports
// that Node's ESM resolver rejects, so it is loaded through require (tsx compiles it); the
// gradients land in tfjs's global registry, which the bundle shares.
require('@tensorflow/tfjs-core/dist/register_all_gradients');

const CLASSES = 10;

/**
 * The reason TF.js cannot run something, if `error` is TF.js saying a backend lacks a kernel
 * (e.g. `Kernel 'Conv2DBackpropFilter' not registered for backend 'wasm'`); otherwise undefined.
 */
export function missingKernel(error: unknown): string | undefined {
  const match = /Kernel '(\w+)' not registered for backend '(\w+)'/.exec(
    String((error as Error | undefined)?.message ?? error),
  );
  return match === null ? undefined : `tfjs-backend-${match[2]} ${tf.version_core} has no ${match[1]} kernel`;
}

/**
 * TensorFlow.js on `backend`, set up in this process (the wasm backend with one thread).
 *
 * @example
 * ```ts
 * const library = await tfjsLibrary('wasm');
 * ```
 */
export async function tfjsLibrary(backend: 'wasm' | 'cpu'): Promise<Library> {
  if (backend === 'wasm') {
    setWasmPaths(`${dirname(require.resolve('@tensorflow/tfjs-backend-wasm'))}/`);
    setThreadsCount(1);
  }
  if (!(await tf.setBackend(backend))) throw new Error(`tfjsLibrary: TF.js's ${backend} backend did not initialize`);
  const details: Record<string, string> = { 'tfjs-core': tf.version_core };
  if (backend === 'wasm') {
    details['wasm SIMD'] = String(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
    details['wasm threads'] = String(getThreadsCount());
  }
  return {
    product: (a, b, { m, k, n }) => {
      const left = tf.tensor2d(a, [m, k]);
      const right = tf.tensor2d(b, [k, n]);
      return {
        run: () => {
          const product = tf.matMul(left, right);
          const values = product.dataSync() as Float32Array; // waits for the product, as a user reading it would
          product.dispose();
          return values;
        },
        dispose: () => tf.dispose([left, right]),
      };
    },
    trainer: async (modelName, optimizerName): Promise<Trainer> => {
      const { spec, sampleShape } = MODELS[modelName];
      const model = tfjsModel(spec, SEED);
      const lr = LEARNING_RATE[optimizerName];
      const optimizer = optimizerName === 'adam' ? tf.train.adam(lr) : tf.train.sgd(lr);
      const shape = tfjsSampleShape(sampleShape);
      return {
        prepare: (batch) => {
          const x = tf.tensor(batch.images, [batch.size, ...shape]);
          const y = tf.tidy(() =>
            tf.cast(tf.oneHot(tf.tensor1d(Int32Array.from(batch.labels), 'int32'), CLASSES), 'float32'),
          );
          return {
            step: async () => {
              try {
                return tf.tidy(() => {
                  const loss = optimizer.minimize(
                    () => tf.losses.softmaxCrossEntropy(y, model.forward(x)) as tf.Scalar,
                    true,
                    model.variables,
                  );
                  return loss!.dataSync()[0]!;
                });
              } catch (error) {
                const reason = missingKernel(error);
                throw reason === undefined ? error : new UnsupportedError(reason);
              }
            },
            dispose: () => tf.dispose([x, y]),
          };
        },
        close: async () => {
          optimizer.dispose();
          tf.dispose(model.variables);
        },
      };
    },
    details,
  };
}
