// The step loop (step-loop.ts) when the package runs from source (vitest, tsx): plain JavaScript,
// so a piscina thread can load it without a loader; it registers tsx in the thread, so the loop
// then imports the TypeScript worker entry (src/worker.ts) as it is. Not built: dist/step-loop.js
// is the loop of built code.
// NOTE(tsx-worker): on Node 20, `execArgv: ['--import', 'tsx']` does not give a worker thread tsx's
// ESM hooks (a .ts worker then only loads through require, and fails on ESM-only packages such as
// @backprop/core). Registering the hooks inside the thread works.
import { register } from 'tsx/esm/api';

register();
const { default: serveSteps } = await import('./step-loop.ts');
export default serveSteps;
