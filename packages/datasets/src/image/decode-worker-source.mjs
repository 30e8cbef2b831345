// The decode worker (decode-worker.ts) when the package runs from source (vitest, tsx): plain
// JavaScript, so a piscina thread loads it without a loader, then registers tsx in the thread and
// imports the TypeScript worker as it is. Not built: dist/image/decode-worker.js is the built one.
// (On Node 20, `execArgv: ['--import', 'tsx']` does not give a worker thread tsx's ESM hooks.)
import { register } from 'tsx/esm/api';

register();
const { default: decodeBatch } = await import('./decode-worker.ts');
export default decodeBatch;
