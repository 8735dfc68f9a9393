/**
 * Build of the web editor: `npm run build:editor` writes editor/dist, which the admin API serves
 * at `/`. Everything is bundled (monaco, its workers, the compiler from dsl/, the chart), so the
 * editor works on an SBC with no internet access.
 */
import { resolve } from 'node:path';
import { defineConfig } from 'vite';

const root = import.meta.dirname;

export default defineConfig({
  root,
  base: '/',
  // The sample messages come from examples/messages at the repository root.
  server: { fs: { allow: [resolve(root, '..')] } },
  worker: { format: 'es' },
  build: {
    outDir: resolve(root, 'dist'),
    emptyOutDir: true,
    target: 'es2022',
    // monaco alone is ~3 MB before compression; the warning says nothing new.
    chunkSizeWarningLimit: 5000,
    reportCompressedSize: false,
  },
});
