// accuracy, confusionMatrix and formatConfusionMatrix on small hand-worked examples.
import { describe, expect, it } from 'vitest';
import { tensor } from '../tensor/create.js';
import { accuracy, confusionMatrix, correctCount, formatConfusionMatrix } from './classification.js';

describe('accuracy', () => {
  it('takes the argmax of logits over the last axis', () => {
    // argmax per row: 0, 1, 0, 2 against labels 0, 1, 1, 2 → 3 of 4.
    const logits = tensor([
      [2, 1, 0],
      [0, 3, 1],
      [5, 4, -1],
      [0, 0, 9],
    ]);
    expect(accuracy(logits, tensor([0, 1, 1, 2]))).toBe(0.75);
    expect(accuracy(logits, Int32Array.of(0, 1, 0, 2))).toBe(1);
  });

  it('compares class indices directly, from tensors or arrays', () => {
    expect(accuracy([1, 2, 3], [1, 2, 0])).toBeCloseTo(2 / 3, 12);
    expect(accuracy(tensor([4, 4]), tensor([[4], [5]]))).toBe(0.5);
  });

  it('reads one-hot labels by their argmax and breaks ties by the first index', () => {
    expect(
      accuracy(
        tensor([
          [1, 1],
          [0, 2],
        ]),
        tensor([
          [1, 0],
          [0, 1],
        ]),
      ),
    ).toBe(1);
  });

  it('refuses a single score per sample and mismatched counts', () => {
    expect(() => accuracy(tensor([[0.7], [0.2]]), [1, 0])).toThrow(
      'accuracy: predictions of shape [2,1] hold one score per sample; threshold them into classes first',
    );
    expect(() =>
      accuracy(
        tensor([
          [1, 2],
          [3, 4],
        ]),
        [1, 0, 1],
      ),
    ).toThrow('accuracy: predictions shape [2,2] (2 samples) and labels 3 values differ in sample count');
    expect(() => accuracy([], [])).toThrow('accuracy: no samples');
  });
});

describe('correctCount', () => {
  it('counts the rows whose argmax is the label, the first index winning a tie', () => {
    // argmax per row: 0, 1, 0 (tie → first), 2 against labels 0, 1, 1, 2 → 3.
    const logits = tensor([
      [2, 1, 0],
      [0, 3, 1],
      [4, 4, -1],
      [0, 0, 9],
    ]);
    expect(correctCount(logits, tensor([0, 1, 1, 2]))).toBe(3);
    expect(correctCount(logits, Int32Array.of(1, 0, 0, 1))).toBe(1);
    expect(correctCount([3, 3], [3, 2])).toBe(1);
  });

  it('names itself when the counts differ', () => {
    expect(() =>
      correctCount(
        tensor([
          [1, 0],
          [0, 1],
        ]),
        [0],
      ),
    ).toThrow('correctCount: predictions shape [2,2] (2 samples) and labels 1 values differ in sample count');
  });
});

describe('confusionMatrix', () => {
  it('counts rows = actual, columns = predicted, like sklearn', () => {
    // sklearn.metrics.confusion_matrix(y_true=[2, 0, 2, 2, 0, 1], y_pred=[0, 0, 2, 2, 0, 2])
    expect(confusionMatrix([0, 0, 2, 2, 0, 2], [2, 0, 2, 2, 0, 1], 3)).toEqual([
      [2, 0, 0],
      [0, 0, 1],
      [1, 0, 2],
    ]);
  });

  it('infers the class count and accepts logits', () => {
    expect(
      confusionMatrix(
        tensor([
          [0.1, 0.9],
          [0.8, 0.2],
          [0.3, 0.7],
        ]),
        tensor([1, 1, 0]),
      ),
    ).toEqual([
      [0, 1],
      [1, 1],
    ]);
  });

  it('names the sample whose class is out of range', () => {
    expect(() => confusionMatrix([0, 3], [0, 1], 3)).toThrow(
      'confusionMatrix: predicted[1] = 3 is not a class index in [0, 3) (numClasses = 3)',
    );
    expect(() => confusionMatrix([0, 1], [0, 0.5], 3)).toThrow('actual[1] = 0.5');
    expect(() => confusionMatrix([0], [0], 0)).toThrow('numClasses must be a positive integer, got 0');
  });
});

describe('formatConfusionMatrix', () => {
  it('aligns counts under class names', () => {
    expect(
      formatConfusionMatrix(
        [
          [5, 1],
          [0, 4],
        ],
        { labels: ['cat', 'dog'] },
      ),
    ).toBe(['actual\\predicted  cat  dog', '             cat    5    1', '             dog    0    4'].join('\n'));
  });

  it('uses class indices by default and widens columns for large counts', () => {
    expect(
      formatConfusionMatrix([
        [980, 0],
        [3, 1132],
      ]),
    ).toBe(
      ['actual\\predicted     0     1', '               0   980     0', '               1     3  1132'].join('\n'),
    );
  });

  it('rejects a matrix that is not square or labels that do not fit', () => {
    expect(() => formatConfusionMatrix([[1, 2], [3]])).toThrow(
      'the matrix must be square (2×2), but row 1 has 1 values',
    );
    expect(() => formatConfusionMatrix([[1]], { labels: ['a', 'b'] })).toThrow('2 labels for a 1×1 matrix');
  });
});
