// Embedding: integer indices → rows of a learnable table (PyTorch's nn.Embedding / F.embedding),
// a composite of indexSelect (its gradient adds into the rows used: a dense gradient, no sparse
// mode). Imports the Tensor layer, nn/module and nn/init.
import { formatShape } from '../kernels/shape.js';
import type { Generator } from '../random/generator.js';
import { zeros } from '../tensor/create.js';
import { Tensor } from '../tensor/tensor.js';
import { normal } from './init.js';
import { checkPositiveInteger, Module } from './module.js';
import type { EmbeddingSpec } from './spec-types.js';

/** Indices into the table: an integer-valued tensor of any shape, an Int32Array or a plain array (shape [n]). */
export type EmbeddingIndices = Tensor | Int32Array | readonly number[];

/** Options of `embedding` and `Embedding`. */
export interface EmbeddingOptions {
  /** The row at this index gets no gradient (PyTorch's `padding_idx`); `Embedding` starts it at zeros. Negative counts from the end. */
  paddingIdx?: number;
}

/** `paddingIdx` resolved to [0, rows), or undefined; throws naming the table's size. */
function resolvePaddingIdx(where: string, paddingIdx: number | undefined, rows: number): number | undefined {
  if (paddingIdx === undefined) return undefined;
  if (!Number.isInteger(paddingIdx) || paddingIdx < -rows || paddingIdx >= rows) {
    throw new Error(
      `${where}: paddingIdx must be an integer in [${-rows}, ${rows - 1}] for ${rows} embeddings, got ${String(paddingIdx).slice(0, 80)}`,
    );
  }
  return paddingIdx < 0 ? paddingIdx + rows : paddingIdx;
}

/**
 * F.embedding: row `indices[i]` of `weight` [numEmbeddings, dim] for every index → [...indices.shape, dim].
 * The gradient adds into the rows used (one row used twice gets both), except the `paddingIdx` row.
 *
 * @example
 * ```ts
 * embedding(tensor([[0, 2], [1, 0]]), weight).shape; // weight [3, 4] → [2, 2, 4]
 * ```
 */
export function embedding(indices: EmbeddingIndices, weight: Tensor, options: EmbeddingOptions = {}): Tensor {
  if (weight.ndim !== 2)
    throw new Error(`embedding: weight must be [numEmbeddings, dim], got ${formatShape(weight.shape)}`);
  const [rows, dim] = weight.shape as [number, number];
  const values = indices instanceof Tensor ? indices.data : indices;
  const shape = indices instanceof Tensor ? indices.shape : [indices.length];
  for (let i = 0; i < values.length; i++) {
    const index = values[i]!;
    if (!Number.isInteger(index) || index < 0 || index >= rows) {
      throw new Error(
        `embedding: index ${index} at position ${i} of indices ${formatShape(shape)} is not a row of weight ${formatShape(weight.shape)} (expected an integer in [0, ${rows - 1}])`,
      );
    }
  }
  const gathered = weight.indexSelect(0, values);
  const paddingIdx = resolvePaddingIdx('embedding', options.paddingIdx, rows);
  let out = gathered;
  if (paddingIdx !== undefined && Array.prototype.includes.call(values, paddingIdx)) {
    // The padding row's value, cut from the graph: the forward value is the same, its gradient is gone.
    const keep = new Tensor(
      Float32Array.from(values, (index) => (index === paddingIdx ? 0 : 1)),
      [values.length, 1],
    );
    out = gathered.where(keep, gathered.detach());
  }
  return out.reshape([...shape, dim]);
}

/**
 * A learnable table of `numEmbeddings` rows of `embeddingDim` values, initialised N(0, 1) as in
 * PyTorch (the `paddingIdx` row at zeros). Forward maps integer indices of any shape to rows.
 *
 * @example
 * ```ts
 * const embed = new Embedding(10000, 64, { paddingIdx: 0 });
 * embed.forward(tensor([[5, 17, 0]])).shape; // [1, 3, 64]
 * ```
 */
export class Embedding extends Module {
  readonly weight: Tensor;
  readonly paddingIdx: number | undefined;

  constructor(
    readonly numEmbeddings: number,
    readonly embeddingDim: number,
    options: EmbeddingOptions & { generator?: Generator } = {},
  ) {
    super();
    checkPositiveInteger('Embedding', 'numEmbeddings', numEmbeddings);
    checkPositiveInteger('Embedding', 'embeddingDim', embeddingDim);
    this.paddingIdx = resolvePaddingIdx('Embedding', options.paddingIdx, numEmbeddings);
    const table = normal(zeros([numEmbeddings, embeddingDim]), 0, 1, options.generator);
    if (this.paddingIdx !== undefined)
      table.data.fill(0, this.paddingIdx * embeddingDim, (this.paddingIdx + 1) * embeddingDim);
    this.weight = this.registerParameter('weight', table);
  }

  forward(indices: Tensor): Tensor {
    return embedding(indices, this.weight, { paddingIdx: this.paddingIdx });
  }

  override toSpec(): EmbeddingSpec {
    return {
      type: 'embedding',
      embeddings: this.numEmbeddings,
      dim: this.embeddingDim,
      ...(this.paddingIdx !== undefined ? { paddingIdx: this.paddingIdx } : {}),
    };
  }
}
