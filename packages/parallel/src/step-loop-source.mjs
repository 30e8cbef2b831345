// The step loop (step-loop.ts) when the package runs from source (vitest, tsx): plain JavaScript,
// so a piscina thread can load it without a loader (NOTE(tsx-worker) in worker-source.mjs). Not
// built; dist/step-loop.js is the loop of built code.
import { register } from 'tsx/esm/api';

register();
const { default: serveSteps } = await import('./step-loop.ts');
export default serveSteps;
