// The line demo's worker: holds the LineFit and answers the page through comlink, so that the
// forward pass, the backward pass and the loss surface never run on the page thread.
import * as Comlink from 'comlink';
import { LineFit, type LineSnapshot } from './line-fit';
import { lossSurface, type LossSurface, type SurfaceWindow } from './loss-surface';

/** The window the loss surface and the descent path are drawn in. */
export const WINDOW: SurfaceWindow = { a: [-3, 5], b: [-4, 4] };

/** What the page gets once: the data, the loss surface and the starting state. */
export interface LineSetup {
  x: Float32Array;
  y: Float32Array;
  surface: LossSurface;
  window: SurfaceWindow;
  snapshot: LineSnapshot;
}

const fit = new LineFit({ seed: 0 });

const api = {
  setup(): LineSetup {
    return {
      x: fit.x,
      y: fit.y,
      surface: lossSurface(fit.x, fit.y, WINDOW, 120, 120),
      window: WINDOW,
      snapshot: fit.reset(),
    };
  },
  /** `count` steps of gradient descent with learning rate `lr`; the state after the last. */
  step(lr: number, count = 1): LineSnapshot {
    let snapshot = fit.snapshot();
    for (let i = 0; i < count; i++) snapshot = fit.step(lr);
    return snapshot;
  },
  reset(): LineSnapshot {
    return fit.reset();
  },
};

export type LineWorkerApi = typeof api;
Comlink.expose(api);
