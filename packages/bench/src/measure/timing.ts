// How a child process times a call (a matrix product, a training step): warm-up calls first, then
// timed calls until a time budget is spent. Imports no library under test.

/**
 * A time budget for one figure. Each phase (warm-up, then timing) runs calls until it has at least
 * its minimum count and its target time — or, for very slow calls, until `capMs` has passed with at
 * least one call (TF.js cpu takes seconds per call at 1024³ and per LeNet-5 step).
 */
export interface Schedule {
  readonly warmupCalls: number;
  readonly warmupMs: number;
  readonly minCalls: number;
  readonly targetMs: number;
  readonly capMs: number;
}

/** `schedule` with every time multiplied by `factor` (QUICK=1 → 0.25); the call counts stay. */
export function scaleSchedule(schedule: Schedule, factor: number): Schedule {
  return {
    ...schedule,
    warmupMs: schedule.warmupMs * factor,
    targetMs: schedule.targetMs * factor,
    capMs: schedule.capMs * factor,
  };
}

async function runPhase(call: () => unknown, minCalls: number, targetMs: number, capMs: number): Promise<number[]> {
  const times: number[] = [];
  const start = performance.now();
  for (;;) {
    const before = performance.now();
    await call();
    times.push(performance.now() - before);
    const elapsed = performance.now() - start;
    if ((times.length >= minCalls && elapsed >= targetMs) || elapsed >= capMs) return times;
  }
}

/**
 * Milliseconds of each timed call of `call` (awaited when it returns a promise), after the warm-up.
 *
 * @example
 * ```ts
 * const times = await timeCalls(() => step(), { warmupCalls: 3, warmupMs: 500, minCalls: 5, targetMs: 2000, capMs: 6000 });
 * const stepMs = median(times);
 * ```
 */
export async function timeCalls(call: () => unknown, schedule: Schedule): Promise<number[]> {
  await runPhase(call, schedule.warmupCalls, schedule.warmupMs, schedule.capMs);
  return runPhase(call, schedule.minCalls, schedule.targetMs, schedule.capMs);
}
