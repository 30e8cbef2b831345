// Whether an example file is the script being run (not imported by its smoke test).
import { pathToFileURL } from 'node:url';

export function isMain(moduleUrl: string): boolean {
  return process.argv[1] !== undefined && moduleUrl === pathToFileURL(process.argv[1]).href;
}
