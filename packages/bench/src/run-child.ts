// Runs one measurement in a child process and reads its result: the one line of stdout that starts
// with RESULT_MARKER. A child that crashes, hangs or prints no result rejects with its stderr's tail.
import { spawn } from 'node:child_process';

/**
 * What one child process reports: named figures (GFLOP/s, samples/s, MiB …), or why the side cannot
 * run the measurement at all (e.g. a kernel TF.js's wasm backend lacks); `details` are facts worth
 * printing beside the table (e.g. TF.js's thread count).
 */
export interface ChildResult {
  readonly figures: Readonly<Record<string, number>>;
  readonly unsupported?: string;
  readonly details?: Readonly<Record<string, string>>;
}

/** Starts the line of stdout that carries a child's result as JSON. */
export const RESULT_MARKER = '@backprop/bench result ';

/** The line a child prints last, e.g. `@backprop/bench result {"figures":{"256×256×256":27.1}}`. */
export function formatResultLine(result: ChildResult): string {
  return `${RESULT_MARKER}${JSON.stringify(result)}`;
}

/**
 * The result in a child's stdout (the last marked line; other lines are ignored).
 *
 * @example
 * ```ts
 * parseChildOutput('notice\n@backprop/bench result {"figures":{"x":1}}\n', 'matmul tfjs-wasm'); // { figures: { x: 1 } }
 * ```
 */
export function parseChildOutput(stdout: string, label: string): ChildResult {
  const line = stdout
    .split('\n')
    .reverse()
    .find((candidate) => candidate.startsWith(RESULT_MARKER));
  if (line === undefined)
    throw new Error(`${label}: the child process printed no line starting with '${RESULT_MARKER.trim()}'`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(line.slice(RESULT_MARKER.length));
  } catch (error) {
    throw new Error(`${label}: the child's result is not JSON: ${(error as Error).message}`);
  }
  const figures = (parsed as { figures?: unknown } | null)?.figures;
  if (
    typeof figures !== 'object' ||
    figures === null ||
    Object.values(figures).some((value) => typeof value !== 'number' || !Number.isFinite(value))
  ) {
    throw new Error(
      `${label}: the child's result needs "figures" with finite numbers, got ${line.slice(RESULT_MARKER.length)}`,
    );
  }
  return parsed as ChildResult;
}

/** Options of {@link runChild}. */
export interface RunChildOptions {
  /** Names the measurement in errors, e.g. `matmul · tfjs-wasm · run 2`. */
  readonly label: string;
  /** Killed (and rejected) after this long; default 5 minutes. */
  readonly timeoutMs?: number;
  /** Lines of stderr quoted when the child fails; default 20. */
  readonly stderrLines?: number;
}

/**
 * Runs `command args…`, waits for it to exit and parses its result. Rejects, naming the label, the
 * exit code or signal and the last lines of stderr, if it exits non-zero, is killed, times out or
 * prints no result.
 *
 * @example
 * ```ts
 * const result = await runChild(process.execPath, ['--import', 'tsx', 'src/child.ts', JSON.stringify(task)], { label: 'matmul · tfjs-wasm' });
 * ```
 */
export function runChild(command: string, args: readonly string[], options: RunChildOptions): Promise<ChildResult> {
  const { label, timeoutMs = 5 * 60_000, stderrLines = 20 } = options;
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    const tail = () => {
      // Long lines are cut: TF.js's wasm module prints its whole minified source beside an uncaught error.
      const lines = stderr
        .trimEnd()
        .split('\n')
        .slice(-stderrLines)
        .map((line) => (line.length > 300 ? `${line.slice(0, 300)} …` : line))
        .join('\n');
      return lines === '' ? ' (its stderr was empty)' : `; the last lines of its stderr:\n${lines}`;
    };
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`${label}: cannot start ${command}: ${error.message}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (timedOut)
        return reject(
          new Error(`${label}: the child process took longer than ${timeoutMs} ms and was killed${tail()}`),
        );
      if (code !== 0)
        return reject(
          new Error(
            `${label}: the child process ${signal ? `was killed by ${signal}` : `exited with code ${code}`}${tail()}`,
          ),
        );
      try {
        resolve(parseChildOutput(stdout, label));
      } catch (error) {
        reject(new Error(`${(error as Error).message}${tail()}`));
      }
    });
  });
}
