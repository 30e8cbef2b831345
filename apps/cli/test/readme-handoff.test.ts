// The root README's "Beyond one machine" commands are the ones `backprop export` prints for the
// default run: each pasted line there must be a line export gives (issue 16).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli, scratchDirectory } from './run-cli.js';

const README = fileURLToPath(new URL('../../../README.md', import.meta.url));

/** The bash block under a README heading, as lines. */
function commandsUnder(heading: string): string[] {
  const text = readFileSync(README, 'utf8');
  const section = text.slice(text.indexOf(`## ${heading}`));
  const block = /```bash\n([\s\S]*?)```/.exec(section);
  if (block === null) throw new Error(`README.md: no bash block under "## ${heading}"`);
  return block[1]!.trim().split('\n');
}

describe('README: beyond one machine', () => {
  it('lists exactly the commands export prints for runs/mnist-cnn-1', async () => {
    const cwd = scratchDirectory();
    // The default run's name and epochs (export prints train.py --epochs twice the run's), on 100 digits.
    const trained = await runCli(
      ['train', '--limit', '100', '--epochs', '8', '--workers', '1', '--out', 'runs/mnist-cnn-1', '--quiet'],
      { cwd },
    );
    expect(trained.stderr).toBe('');
    const exported = await runCli(['export', 'runs/mnist-cnn-1'], { cwd });
    expect(exported.code).toBe(0);
    const printed = exported.stdout
      .split('\n')
      .map((line) => line.replace(/^[a-zA-Z0-9 ]+:\s+/, '').replace(/\s+#.*$/, ''));
    const [train, exportLine, ...handoff] = commandsUnder('Beyond one machine');
    expect([train, exportLine]).toEqual(['pnpm train', 'pnpm backprop export runs/mnist-cnn-1']);
    for (const line of handoff) {
      // `pnpm backprop` in the README is how the repository runs the CLI; export prints its own invocation.
      const expected = line.replace(/^pnpm backprop /, '');
      expect(
        printed.some((candidate) => candidate === line || candidate.endsWith(` ${expected}`)),
        `README line not printed by export: ${line}\n${exported.stdout}`,
      ).toBe(true);
    }
  });
});
