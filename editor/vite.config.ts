/**
 * Build of the web editor: `npm run build:editor` writes editor/dist, which the admin API serves
 * at `/`. Everything is bundled (monaco, its workers, the compiler from dsl/, the chart), so the
 * editor works on an SBC with no internet access.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { defineConfig, type Plugin } from 'vite';

const root = import.meta.dirname;

/**
 * Brotli and gzip copies of every text asset, written once at build time: the admin API sends
 * them to browsers that accept them (@fastify/static preCompressed), so an engineer reaching the
 * SBC over a slow link downloads about a quarter of the bytes, and the SBC never compresses on
 * the fly.
 */
function precompress(): Plugin {
  return {
    name: 'sbc-precompress',
    apply: 'build',
    writeBundle(options, bundle) {
      const dir = options.dir ?? resolve(root, 'dist');
      for (const file of Object.keys(bundle)) {
        if (!/\.(js|css|html|ttf)$/.test(file)) continue;
        const data = readFileSync(join(dir, file));
        if (data.length < 1024) continue;
        const quality = { params: { [constants.BROTLI_PARAM_QUALITY]: 9 } };
        writeFileSync(join(dir, `${file}.br`), brotliCompressSync(data, quality));
        writeFileSync(join(dir, `${file}.gz`), gzipSync(data, { level: 9 }));
      }
    },
  };
}

export default defineConfig({
  root,
  base: '/',
  // The sample messages come from examples/messages at the repository root.
  server: { fs: { allow: [resolve(root, '..')] } },
  plugins: [precompress()],
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
