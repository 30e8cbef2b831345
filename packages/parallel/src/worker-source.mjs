// Worker entry used only when the package runs from source (vitest, tsx): plain JavaScript, so a
// thread can load it without a loader. Not built; dist/worker.js is the entry of built code.
// NOTE(tsx-worker): on Node 20, `execArgv: ['--import', 'tsx']` does not give a worker thread tsx's
// ESM hooks (a .ts worker then only loads through require, and fails on ESM-only packages such as
// @backprop/core). Registering the hooks inside the thread works.
import { register } from 'tsx/esm/api';

register();
const { default: work } = await import('./worker.ts');
export default work;
