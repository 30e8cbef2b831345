import { describe, expect, it } from 'vitest';
import { FpsMeter } from './fps-meter';

describe('FpsMeter', () => {
  it('is 0 before two frames, then counts frames per second', () => {
    const meter = new FpsMeter();
    expect(meter.fps).toBe(0);
    meter.frame(0);
    expect(meter.fps).toBe(0);
    for (let i = 1; i <= 60; i++) meter.frame(i * (1000 / 60));
    expect(meter.fps).toBeCloseTo(60, 5);
  });

  it('forgets frames older than its window, so a stall shows at once', () => {
    const meter = new FpsMeter(1000);
    for (let i = 0; i <= 60; i++) meter.frame(i * (1000 / 60));
    for (let i = 1; i <= 10; i++) meter.frame(1000 + i * 100); // then 10 fps
    expect(meter.fps).toBeCloseTo(10, 0);
  });
});
