import { describe, expect, it } from 'vitest';
import { gridPoints, PlaygroundSession, playgroundSpec } from './session';
import { DEFAULT_SETTINGS } from './settings';

describe('playgroundSpec', () => {
  it('stacks the hidden layers and ends in two class scores', () => {
    expect(playgroundSpec({ layers: 2, neurons: 3, activation: 'relu' })).toEqual({
      type: 'sequential',
      layers: [
        { type: 'linear', in: 2, out: 3 },
        { type: 'relu' },
        { type: 'linear', in: 3, out: 3 },
        { type: 'relu' },
        { type: 'linear', in: 3, out: 2 },
      ],
    });
    expect(playgroundSpec({ layers: 0, neurons: 5, activation: 'tanh' })).toEqual({
      type: 'sequential',
      layers: [{ type: 'linear', in: 2, out: 2 }],
    });
  });
});

describe('PlaygroundSession', () => {
  it('splits the points by the train ratio', () => {
    const session = new PlaygroundSession({ ...DEFAULT_SETTINGS, trainRatio: 30 });
    expect(session.trainPoints.labels).toHaveLength(150);
    expect(session.testPoints.labels).toHaveLength(350);
    expect(session.trainPoints.inputs).toHaveLength(300);
  });

  it('learns circles to ≥ 90% test accuracy within 100 epochs with the default settings', async () => {
    const session = new PlaygroundSession({ ...DEFAULT_SETTINGS, dataset: 'circles' });
    const before = session.report();
    let report = before;
    while (report.testAccuracy < 0.9 && session.epoch < 100) {
      await session.train(5);
      report = session.report();
    }
    expect(report.testAccuracy).toBeGreaterThanOrEqual(0.9);
    expect(report.trainLoss).toBeLessThan(before.trainLoss);
    expect(report.epoch).toBe(session.epoch);
  });

  it('replays a run exactly from the same settings (the URL is enough)', async () => {
    const settings = { ...DEFAULT_SETTINGS, dataset: 'xor' as const, noise: 10, seed: 5 };
    const [first, second] = [new PlaygroundSession(settings), new PlaygroundSession(settings)];
    await first.train(3);
    await second.train(3);
    expect(second.report()).toEqual(first.report());
    const other = new PlaygroundSession({ ...settings, seed: 6 });
    await other.train(3);
    expect(other.report().boundary).not.toEqual(first.report().boundary);
  });

  it('reports P(class 1) on the grid, row 0 at the top', async () => {
    const session = new PlaygroundSession({ ...DEFAULT_SETTINGS, dataset: 'gaussians' }, { resolution: 10 });
    await session.train(20);
    const { boundary, resolution } = session.report();
    expect(resolution).toBe(10);
    // gaussians: class 1 around (2, 2) — top right; class 0 around (−2, −2) — bottom left
    expect(boundary[0 * 10 + 9]).toBeGreaterThan(0.9);
    expect(boundary[9 * 10 + 0]).toBeLessThan(0.1);
  });
});

describe('gridPoints', () => {
  it('lists cell centres from the top-left, x to the right, y downwards', () => {
    expect(Array.from(gridPoints(2).data)).toEqual([-3, 3, 3, 3, -3, -3, 3, -3]);
  });
});
