// Vite config of the Backprop demo: the static pages, ES-module workers, and the two headers that
// make the page cross-origin isolated (SharedArrayBuffer for the data-parallel trainer) in dev and preview.
import { defineConfig } from 'vite';
import { resolveSource } from '../../resolve-source.js';

/** COOP + COEP: without both, browsers withhold SharedArrayBuffer (see README, "Serving the static site"). */
export const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  // Workspace packages from their TypeScript source: the app never bundles a stale dist/.
  ...resolveSource,
  server: { headers: isolationHeaders },
  preview: { headers: isolationHeaders },
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    rolldownOptions: {
      input: {
        index: 'index.html',
        line: 'line.html',
        playground: 'playground.html',
        digits: 'digits.html',
        tour: 'tour.html',
        pictures: 'pictures.html',
      },
    },
  },
});
