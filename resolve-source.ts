// Shared by every package's vitest config and the web app's vite config: resolve @backprop/* to
// their TypeScript source (the `@backprop/source` export condition), never to a built or stale dist/.
import { defaultClientConditions, defaultServerConditions, type UserConfig } from 'vite';

/**
 * The export condition each workspace package.json lists first, pointing at `src/*.ts`. Published
 * consumers never set it, so they get `dist/` through `import`/`types`. Node and tsx take it as
 * `--conditions=@backprop/source`; TypeScript as `customConditions` (each tsconfig.json).
 */
export const SOURCE_CONDITION = '@backprop/source';

/**
 * Vite's `resolve` settings that prefer the source condition, for the browser (client) and for
 * Node (SSR, where vitest runs the tests).
 *
 * @example
 * export default defineConfig({ ...resolveSource, test: { include: ['src/**\/*.test.ts'] } });
 */
export const resolveSource = {
  resolve: { conditions: [SOURCE_CONDITION, ...defaultClientConditions] },
  ssr: { resolve: { conditions: [SOURCE_CONDITION, ...defaultServerConditions] } },
} satisfies UserConfig;
