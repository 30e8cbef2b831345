// Evaluation totals: per-class counts summed over workers and batches, the loss as the mean over every
// sample (every target element for mseLoss), and the errors of an empty or unusable set.
import { Tensor } from '@backprop/core';
import { describe, expect, it } from 'vitest';
import { addCounts, classCounts, EvaluationTotals, evaluationBatches } from './evaluation-totals.js';

describe('addCounts', () => {
  it('copies the first counts and adds later ones class by class', () => {
    const first = { correct: [1, 0, 2], count: [2, 1, 3] };
    const total = addCounts(null, first)!;
    expect(total).toEqual(first);
    expect(total.correct).not.toBe(first.correct); // a copy: adding more leaves the worker's answer alone
    expect(addCounts(total, { correct: [0, 1, 1], count: [1, 4, 1] })).toEqual({
      correct: [1, 1, 3],
      count: [3, 5, 4],
    });
    expect(first).toEqual({ correct: [1, 0, 2], count: [2, 1, 3] });
  });

  it('keeps the total when an answer has no counts, and null when none has', () => {
    const total = { correct: [1], count: [2] };
    expect(addCounts(total, null)).toBe(total);
    expect(addCounts(null, null)).toBeNull();
  });
});

describe('EvaluationTotals', () => {
  it('gives the mean loss over all batches, and the accuracy overall and per class (crossEntropy)', () => {
    const totals = new EvaluationTotals();
    // batch 1: 4 samples over two workers; batch 2: 2 samples over one
    totals.add({
      loss: 6,
      samples: 4,
      divisor: 4,
      perClass: [
        { correct: [1, 0], count: [1, 1] },
        { correct: [0, 1], count: [1, 1] },
      ],
    });
    totals.add({ loss: 3, samples: 2, divisor: 2, perClass: [{ correct: [1, 1], count: [1, 1] }] });
    expect(totals.result('crossEntropy')).toEqual({
      loss: 9 / 6,
      accuracy: 4 / 6,
      perClass: { correct: [2, 2], count: [3, 3] },
    });
  });

  it('divides by every target element for mseLoss and gives no accuracy', () => {
    const totals = new EvaluationTotals();
    totals.add({ loss: 12, samples: 2, divisor: 6, perClass: [null, null] });
    totals.add({ loss: 6, samples: 1, divisor: 3, perClass: [null] });
    expect(totals.result('mseLoss')).toEqual({ loss: 2, accuracy: null, perClass: null });
  });

  it('refuses a set without batches', () => {
    expect(() => new EvaluationTotals().result('crossEntropy')).toThrow(
      'DataParallelTrainer.evaluate: the loader yielded no batches',
    );
  });

  it('names the operation it is given in that error', () => {
    expect(() => new EvaluationTotals('SingleThreadTrainer: evaluate').result('mseLoss')).toThrow(
      /^SingleThreadTrainer: evaluate: the loader yielded no batches$/,
    );
  });
});

describe('evaluationBatches', () => {
  const inputs = new Tensor(new Float32Array(6), [2, 3]);
  const targets = new Tensor(new Float32Array(2), [2]);

  it('turns two Tensors into one batch and passes an iterable through', () => {
    expect(evaluationBatches(inputs, targets)).toEqual([[inputs, targets]]);
    const loader = [[inputs, targets] as [Tensor, Tensor]];
    expect(evaluationBatches(loader)).toBe(loader);
  });

  it('refuses what is neither, naming what it expects', () => {
    for (const source of [null, 3, { length: 1 }]) {
      expect(() => evaluationBatches(source as never)).toThrow(
        'DataParallelTrainer.evaluate: expected (inputs, targets) Tensors or an iterable of [inputs, targets] batches (a DataLoader)',
      );
    }
  });

  it('names the operation it is given, and still takes one batch or a loader', () => {
    const operation = 'SingleThreadTrainer: evaluate';
    expect(evaluationBatches(inputs, targets, operation)).toEqual([[inputs, targets]]);
    const loader = [[inputs, targets] as [Tensor, Tensor]];
    expect(evaluationBatches(loader, undefined, operation)).toBe(loader);
    expect(() => evaluationBatches({} as never, undefined, operation)).toThrow(
      /^SingleThreadTrainer: evaluate: expected \(inputs, targets\) Tensors or an iterable of \[inputs, targets\] batches \(a DataLoader\)$/,
    );
  });
});

describe('classCounts', () => {
  it('counts the samples of each target class and those whose top score is that class', () => {
    // predictions: 0, 1, 0, 2 for targets 0, 1, 1, 2
    const output = new Tensor(Float32Array.from([0.9, 0.1, 0, 0.2, 0.7, 0.1, 0.6, 0.3, 0.1, 0, 0.1, 0.9]), [4, 3]);
    const targets = new Tensor(Float32Array.from([0, 1, 1, 2]), [4]);
    expect(classCounts(output, targets)).toEqual({ correct: [1, 1, 1], count: [1, 2, 1] });
  });

  it('gives every class of the output, those without samples at zero', () => {
    const output = new Tensor(Float32Array.from([0.2, 0.8, 0, 0, 0]), [1, 5]);
    expect(classCounts(output, new Tensor(Float32Array.from([1]), [1]))).toEqual({
      correct: [0, 1, 0, 0, 0],
      count: [0, 1, 0, 0, 0],
    });
  });
});
