// Entry of a benchmark child process: `node --import tsx src/child.ts '<Task as JSON>'`. Loads the one
// library its side needs, runs the measurement and prints the result line that main.ts reads.
// Progress goes to stderr; a failure exits non-zero with the error on stderr.
import { formatResultLine, type ChildResult } from './run-child.js';
import type { Task } from './tasks.js';
import { loadLibrary } from './measure/library.js';
import { measureMatmul } from './measure/matmul.js';
import { measureMemory } from './measure/memory.js';
import { measureThroughput } from './measure/throughput.js';

async function run(task: Task): Promise<ChildResult> {
  const library = await loadLibrary(task.side);
  switch (task.measurement) {
    case 'matmul':
      return measureMatmul(library, task.side, task.shapes, task.timeScale);
    case 'throughput':
      return measureThroughput(library, task);
    case 'memory':
      return measureMemory(library, task);
    default: {
      const unknown: never = task;
      throw new Error(`bench child: unknown measurement ${JSON.stringify((unknown as Task).measurement)}`);
    }
  }
}

const argument = process.argv[2];
if (argument === undefined)
  throw new Error('bench child: pass the task as JSON, e.g. \'{"measurement":"matmul",…}\' (main.ts does)');
process.stdout.write(`${formatResultLine(await run(JSON.parse(argument) as Task))}\n`);
