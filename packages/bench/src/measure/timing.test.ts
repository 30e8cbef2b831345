import { describe, expect, it } from 'vitest';
import { scaleSchedule, timeCalls } from './timing.js';

const busyWait = (ms: number) => {
  const until = performance.now() + ms;
  while (performance.now() < until);
};

describe('timeCalls', () => {
  it('runs the warm-up calls untimed, then times at least minCalls calls', async () => {
    let calls = 0;
    const times = await timeCalls(() => calls++, {
      warmupCalls: 2,
      warmupMs: 0,
      minCalls: 3,
      targetMs: 0,
      capMs: 10_000,
    });
    expect(calls).toBe(5);
    expect(times).toHaveLength(3);
    expect(times.every((ms) => ms >= 0)).toBe(true);
  });

  it('awaits asynchronous calls and measures their duration', async () => {
    const times = await timeCalls(() => new Promise((resolve) => setTimeout(resolve, 20)), {
      warmupCalls: 1,
      warmupMs: 0,
      minCalls: 2,
      targetMs: 0,
      capMs: 10_000,
    });
    expect(Math.min(...times)).toBeGreaterThanOrEqual(15);
  });

  it('stops a phase of slow calls at the cap even short of minCalls', async () => {
    const times = await timeCalls(() => busyWait(15), {
      warmupCalls: 1,
      warmupMs: 0,
      minCalls: 1000,
      targetMs: 0,
      capMs: 40,
    });
    expect(times.length).toBeGreaterThanOrEqual(1);
    expect(times.length).toBeLessThanOrEqual(4);
  });
});

describe('scaleSchedule', () => {
  it('scales the times and keeps the call counts', () => {
    expect(scaleSchedule({ warmupCalls: 3, warmupMs: 500, minCalls: 5, targetMs: 2000, capMs: 6000 }, 0.25)).toEqual({
      warmupCalls: 3,
      warmupMs: 125,
      minCalls: 5,
      targetMs: 500,
      capMs: 1500,
    });
  });
});
