import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, parseSettings, toSearch, type PlaygroundSettings } from './settings';

describe('Playground URL settings', () => {
  it('uses the defaults for an empty query, without problems', () => {
    expect(parseSettings('')).toEqual({ settings: DEFAULT_SETTINGS, problems: [] });
  });

  it('round-trips every setting through the URL', () => {
    const settings: PlaygroundSettings = {
      dataset: 'spiral',
      layers: 4,
      neurons: 8,
      activation: 'relu',
      learningRate: 0.003,
      batchSize: 25,
      l2: 0.001,
      noise: 35,
      trainRatio: 70,
      seed: 123456,
    };
    const search = toSearch(settings);
    expect(search).toBe(
      'dataset=spiral&layers=4&neurons=8&activation=relu&learningRate=0.003&batchSize=25&l2=0.001&noise=35&trainRatio=70&seed=123456',
    );
    expect(parseSettings(`?${search}`)).toEqual({ settings, problems: [] });
  });

  it('keeps the valid values and reports each invalid or unknown one, falling back to its default', () => {
    const { settings, problems } = parseSettings(
      '?dataset=moons&layers=2.5&neurons=3&learningRate=-1&noise=abc&seed=7&colour=red',
    );
    expect(settings).toEqual({ ...DEFAULT_SETTINGS, neurons: 3, seed: 7 });
    expect(problems).toEqual([
      'dataset=moons is not valid: expected circles, xor, gaussians, spiral; using circles',
      'layers=2.5 is not valid: expected an integer 0–6; using 2',
      'learningRate=-1 is not valid: expected a number in (0, 10]; using 0.03',
      'noise=abc is not valid: expected an integer 0–50 (percent); using 0',
      expect.stringMatching(/^colour=red is not a setting \(known: dataset, layers, .*\); ignored$/),
    ]);
  });

  it('refuses values just outside the ranges and empty numbers', () => {
    const { settings, problems } = parseSettings('?layers=7&neurons=0&batchSize=101&trainRatio=9&l2=&seed=-1');
    expect(settings).toEqual(DEFAULT_SETTINGS);
    expect(problems).toHaveLength(6);
  });
});
