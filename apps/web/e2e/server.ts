// Serves the built site (dist/) for the end-to-end tests — with the config's COOP/COEP headers, or
// without them to see the fallback. Starting Chromium lives in chromium.ts (re-exported for the bench).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { preview, type PreviewServer } from 'vite';

export { launchChromium } from './chromium';

export const APP_ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * `vite preview` of dist/ on a free port. `isolated: false` skips vite.config.ts, so the pages are
 * served without the two headers (a plain static server).
 */
export async function startPreview(options: { isolated: boolean }): Promise<{ server: PreviewServer; url: string }> {
  if (!existsSync(new URL('../dist/index.html', import.meta.url))) {
    throw new Error(
      'e2e: apps/web/dist is missing: run `pnpm --filter @backprop/web build` first (turbo runs it before test)',
    );
  }
  const server = await preview({
    root: APP_ROOT,
    logLevel: 'error',
    ...(options.isolated ? {} : { configFile: false }),
    preview: { port: 0, host: '127.0.0.1', strictPort: false, open: false },
  });
  const url = server.resolvedUrls?.local[0];
  if (url === undefined) throw new Error('e2e: vite preview did not report its URL');
  return { server, url };
}
