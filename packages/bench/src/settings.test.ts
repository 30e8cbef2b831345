import { describe, expect, it } from 'vitest';
import { readSettings } from './settings.js';

describe('readSettings', () => {
  it('defaults to 3 repeats of every section with Adam at full time budgets', () => {
    expect(readSettings({})).toEqual({
      repeats: 3,
      timeScale: 1,
      sections: ['matmul', 'mlp', 'cnn', 'memory'],
      optimizer: 'adam',
    });
  });

  it('QUICK=1 cuts the budgets to a quarter and runs each side once unless REPEATS says otherwise', () => {
    expect(readSettings({ QUICK: '1' })).toMatchObject({ repeats: 1, timeScale: 0.25 });
    expect(readSettings({ QUICK: '1', REPEATS: '5' })).toMatchObject({ repeats: 5, timeScale: 0.25 });
    expect(readSettings({ QUICK: '0' })).toMatchObject({ repeats: 3, timeScale: 1 });
  });

  it("keeps the report's section order whatever order SECTIONS lists", () => {
    expect(readSettings({ SECTIONS: 'memory, matmul', OPTIMIZER: 'sgd' })).toMatchObject({
      sections: ['matmul', 'memory'],
      optimizer: 'sgd',
    });
  });

  it('names the variable and the accepted values when one is wrong', () => {
    expect(() => readSettings({ REPEATS: '0' })).toThrow('REPEATS must be a whole number from 1 to 25, got "0"');
    expect(() => readSettings({ SECTIONS: 'matmul,gpu' })).toThrow(
      "SECTIONS lists 'gpu'; choose from matmul, mlp, cnn, memory",
    );
    expect(() => readSettings({ OPTIMIZER: 'lbfgs' })).toThrow("OPTIMIZER must be 'adam' or 'sgd'");
  });
});
