// StepTiming: the overhead is what the busiest worker's forward and backward leave unexplained; the
// update is the slowest shard's, or the main thread's when it ran the update itself.
import { describe, expect, it } from 'vitest';
import { StepStopwatch, stepTiming } from './step-timing.js';

const answers = [
  { milliseconds: 8, updateMilliseconds: 1 },
  { milliseconds: 6, updateMilliseconds: 2.5 },
];

describe('stepTiming', () => {
  it('takes the update from the slowest shard when the workers ran it', () => {
    expect(stepTiming(answers, { milliseconds: 12, mainThreadUpdateMilliseconds: null })).toEqual({
      milliseconds: 12,
      workerMilliseconds: [8, 6],
      overheadMilliseconds: 4,
      updateMilliseconds: 2.5,
    });
  });

  it("takes the main thread's update when it ran it, even one of 0 ms", () => {
    expect(stepTiming(answers, { milliseconds: 12, mainThreadUpdateMilliseconds: 3 }).updateMilliseconds).toBe(3);
    expect(stepTiming(answers, { milliseconds: 12, mainThreadUpdateMilliseconds: 0 }).updateMilliseconds).toBe(0);
  });
});

describe('StepStopwatch', () => {
  const busy = (milliseconds: number) => {
    const end = performance.now() + milliseconds;
    while (performance.now() < end);
  };

  it('times the main thread update it runs, inside the whole step', () => {
    const stopwatch = new StepStopwatch();
    busy(3);
    stopwatch.update(() => busy(5));
    const timing = stopwatch.finish(answers);
    expect(timing.updateMilliseconds).toBeGreaterThanOrEqual(5);
    expect(timing.milliseconds).toBeGreaterThanOrEqual(8);
    expect(timing.milliseconds).toBeGreaterThanOrEqual(timing.updateMilliseconds + 3);
    expect(timing.overheadMilliseconds).toBe(timing.milliseconds - 8);
  });

  it('without an update on the main thread, reports the shards’', () => {
    expect(new StepStopwatch().finish(answers).updateMilliseconds).toBe(2.5);
  });
});
