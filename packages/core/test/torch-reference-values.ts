// The PyTorch reference values the parity tests compare with: test/torch-reference/<script>.json,
// each the output of that script under real PyTorch (run_all.py --write), which `pnpm test:torch`
// regenerates and compares with these files. JSON lacks ±∞, NaN and −0: the scripts spell them
// as strings, read back here.
import { readFileSync } from 'node:fs';

const SPECIAL: Record<string, number> = {
  inf: Infinity,
  Infinity,
  '-inf': -Infinity,
  '-Infinity': -Infinity,
  NaN,
  '-0': -0,
};

/** Numbers spelled as strings by the scripts, as numbers; everything else unchanged. */
export function reviveNumber(_key: string, value: unknown): unknown {
  return typeof value === 'string' && value in SPECIAL ? SPECIAL[value] : value;
}

/** The reference values of test/torch-reference/<script>.py, as its checked-in JSON holds them. */
export function torchReference<T>(script: string): T {
  return JSON.parse(
    readFileSync(new URL(`./torch-reference/${script}.json`, import.meta.url), 'utf8'),
    reviveNumber,
  ) as T;
}
