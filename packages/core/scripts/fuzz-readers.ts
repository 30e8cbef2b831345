// Long fuzz of core's readers: `tsx scripts/fuzz-readers.ts [mutations per reader, default 1000000]
// [per-input time limit in ms, default 2000]`. Each reader runs in its own child process (so its
// peak RSS is its own); prints inputs tried, crashes, hangs and peak RSS per reader.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Generator } from '../src/index.js';
import { fuzzTargets, mutate, verdict } from '../test/fuzz-targets.js';

// NOTE(fuzz-hangs): an input is a hang when one read takes longer than the time limit. A read
// that never returns cannot report itself, so the parent also watches the child: no progress
// for the time limit + 5 s and the child is killed, the input it was on counted as a hang, and a
// fresh child resumes after it. Slow-but-finished reads are counted by the child itself.

interface Progress {
  type: 'progress';
  next: number;
  ok: number;
  refused: number;
  crashes: number;
  slow: number;
  examples: string[];
}
interface Done {
  type: 'done';
  maxRssKiB: number;
  seconds: number;
}
type Message = Progress | Done | { type: 'current'; index: number };

const REPORT_EVERY = 500;
const STARTUP_LIMIT_MS = 120_000;

/** Child: reads mutations `from` … `count − 1` of one reader, reporting progress to the parent. */
function runChild(targetName: string, from: number, count: number, limitMs: number): void {
  const target = fuzzTargets().find((candidate) => candidate.name === targetName)!;
  const started = performance.now();
  const tally: Progress = { type: 'progress', next: from, ok: 0, refused: 0, crashes: 0, slow: 0, examples: [] };
  const send = (message: Message) => process.send!(message);
  for (let index = from; index < count; index++) {
    if (index % REPORT_EVERY === 0 || index === from) send({ type: 'current', index });
    // Mutation `index` of a reader is always the same input: seed = index, seed file = index mod seeds.
    const input = mutate(target.seeds[index % target.seeds.length]!, new Generator(index), target.text);
    const before = performance.now();
    const result = verdict(target, input);
    const took = performance.now() - before;
    if (took > limitMs) {
      tally.slow++;
      if (tally.examples.length < 5) tally.examples.push(`#${index}: ${took.toFixed(0)} ms`);
    }
    if (result.kind === 'crash') {
      tally.crashes++;
      if (tally.examples.length < 5) tally.examples.push(`#${index}: ${result.error}`);
    } else tally[result.kind]++;
    if ((index + 1) % REPORT_EVERY === 0) {
      tally.next = index + 1;
      send({ ...tally });
      Object.assign(tally, { ok: 0, refused: 0, crashes: 0, slow: 0, examples: [] });
    }
  }
  tally.next = count;
  send({ ...tally });
  send({ type: 'done', maxRssKiB: process.resourceUsage().maxRSS, seconds: (performance.now() - started) / 1000 });
  process.disconnect();
}

interface ReaderResult {
  name: string;
  tried: number;
  ok: number;
  refused: number;
  crashes: number;
  hangs: number;
  peakRssMiB: number;
  seconds: number;
  examples: string[];
}

/** Parent: one reader, restarting its child after a hang, until every mutation has been tried. */
async function fuzzReader(name: string, count: number, limitMs: number): Promise<ReaderResult> {
  const result: ReaderResult = {
    name,
    tried: 0,
    ok: 0,
    refused: 0,
    crashes: 0,
    hangs: 0,
    peakRssMiB: 0,
    seconds: 0,
    examples: [],
  };
  let from = 0;
  while (from < count) {
    from = await new Promise<number>((resolve, reject) => {
      const child: ChildProcess = fork(
        fileURLToPath(import.meta.url),
        ['--child', name, String(from), String(count), String(limitMs)],
        {
          execArgv: process.execArgv,
        },
      );
      let current = from;
      // Starting a child (tsx compiling the readers) is not a read: it gets its own, longer limit.
      let watchdog = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`fuzz child for ${name} did not start within ${STARTUP_LIMIT_MS} ms`));
      }, STARTUP_LIMIT_MS);
      function hang(): void {
        child.kill('SIGKILL');
        result.hangs++;
        result.tried++;
        if (result.examples.length < 5)
          result.examples.push(`#${current}…: no progress for ${limitMs + 5_000} ms (killed)`);
        // The child reports its position every REPORT_EVERY inputs: resume after the batch that hung.
        resolve(Math.min(count, current + REPORT_EVERY - (current % REPORT_EVERY)));
      }
      child.on('message', (message: Message) => {
        clearTimeout(watchdog);
        watchdog = setTimeout(hang, limitMs + 5_000);
        if (message.type === 'current') current = message.index;
        else if (message.type === 'progress') {
          const tried = message.ok + message.refused + message.crashes;
          Object.assign(result, {
            tried: result.tried + tried,
            ok: result.ok + message.ok,
            refused: result.refused + message.refused,
            crashes: result.crashes + message.crashes,
            hangs: result.hangs + message.slow,
          });
          result.examples.push(...message.examples.slice(0, 5 - result.examples.length));
          current = message.next;
        } else {
          result.peakRssMiB = Math.max(result.peakRssMiB, message.maxRssKiB / 1024);
          result.seconds += message.seconds;
        }
      });
      child.on('exit', (code, signal) => {
        clearTimeout(watchdog);
        if (signal === 'SIGKILL') return; // a hang, already resolved
        if (code !== 0) reject(new Error(`fuzz child for ${name} exited with ${code ?? signal} at input ${current}`));
        else resolve(count);
      });
    });
  }
  return result;
}

async function main(): Promise<void> {
  const [countArgument = '1000000', limitArgument = '2000'] = process.argv.slice(2);
  const count = Number(countArgument);
  const limitMs = Number(limitArgument);
  if (!Number.isSafeInteger(count) || count < 1 || !(limitMs > 0)) {
    throw new Error(
      `usage: tsx scripts/fuzz-readers.ts [mutations per reader ≥ 1] [time limit per input in ms]; got ${countArgument} ${limitArgument}`,
    );
  }
  console.log(
    `fuzz-readers: ${count.toLocaleString('en-US')} mutations per reader, ${limitMs} ms per input, Node ${process.version}`,
  );
  const rows: ReaderResult[] = [];
  for (const { name } of fuzzTargets()) {
    const result = await fuzzReader(name, count, limitMs);
    rows.push(result);
    console.log(
      `${name.padEnd(12)} tried ${String(result.tried).padStart(9)}  decoded ${String(result.ok).padStart(8)}  refused ${String(result.refused).padStart(8)}  ` +
        `crashes ${result.crashes}  hangs ${result.hangs}  peak RSS ${result.peakRssMiB.toFixed(0)} MiB  (${result.seconds.toFixed(0)} s)`,
    );
    for (const example of result.examples) console.log(`    ${example}`);
  }
  const total = (key: 'tried' | 'crashes' | 'hangs') => rows.reduce((sum, row) => sum + row[key], 0);
  console.log(
    `total: ${total('tried').toLocaleString('en-US')} inputs, ${total('crashes')} crashes, ${total('hangs')} hangs`,
  );
  if (total('crashes') + total('hangs') > 0) process.exitCode = 1;
}

if (process.argv[2] === '--child') {
  const [, , , name, from, count, limit] = process.argv;
  runChild(name!, Number(from), Number(count), Number(limit));
} else {
  await main();
}
